"""Deliver a Storage "object finalized" CloudEvent for an object of the storage emulator.

The storage emulator stores objects but triggers nothing; in production
Eventarc calls the event function when an object is written. Locally,
``python -m devstack finalize BUCKET OBJECT`` (or :func:`deliver_finalized`
from a test) reads the object's metadata from the emulator, builds the event
Eventarc would send (CloudEvents 1.0, binary HTTP mode, ``data`` = the
object's JSON resource) and POSTs it to the event function behind the gateway.

The event id is derived from the object's generation, like a real event's is
unique per write: delivering the same write twice gives the same id, which
is what a worker's idempotency is keyed on.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from devstack.errors import StackError

FINALIZED = "google.cloud.storage.object.v1.finalized"
EVENT_FUNCTION = "vault_events"


@dataclass(frozen=True)
class Delivered:
    status: int
    body: str
    event_id: str


def object_resource(storage_url: str, bucket: str, name: str) -> dict[str, Any]:
    """The object's JSON resource as the emulator serves it (what the event carries)."""
    quoted = urllib.parse.quote(name, safe="")
    url = f"{storage_url.rstrip('/')}/storage/v1/b/{bucket}/o/{quoted}"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return dict(json.load(response))
    except urllib.error.HTTPError as error:
        raise StackError(
            f"gs://{bucket}/{name} is not in the storage emulator ({error.code})"
        ) from None


def finalized_event(resource: dict[str, Any]) -> tuple[dict[str, str], bytes]:
    """Headers and body of the CloudEvent (binary mode) for a written object."""
    bucket, name = str(resource["bucket"]), str(resource["name"])
    generation = str(resource.get("generation", "0"))
    headers = {
        "ce-specversion": "1.0",
        "ce-id": f"{bucket}/{name}/{generation}",
        "ce-source": f"//storage.googleapis.com/projects/_/buckets/{bucket}",
        "ce-type": FINALIZED,
        "ce-subject": f"objects/{name}",
        "ce-time": str(resource.get("updated") or resource.get("timeCreated") or ""),
        "Content-Type": "application/json",
    }
    return headers, json.dumps(resource).encode()


def deliver_finalized(storage_url: str, target_url: str, bucket: str, name: str) -> Delivered:
    """POST the finalize event of ``gs://bucket/name`` to ``target_url``; the answer."""
    headers, body = finalized_event(object_resource(storage_url, bucket, name))
    request = urllib.request.Request(target_url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Delivered(response.status, response.read().decode(), headers["ce-id"])
    except urllib.error.HTTPError as error:
        return Delivered(error.code, error.read().decode(), headers["ce-id"])
