"""The first real request each deployed function must answer from its own package.

A function served from its package (devstack.function_packages) is proved by one
request a browser or a queue would really send, on the emulators: a 2xx there means
the package carries every file and distribution that request needs. Each function
has its entry here; a function folder without one fails tests/packages until it gets
one, so a new function cannot be deployed unproved.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests

from shared.domain.policy import CURRENT_POLICY
from tests.integration.test_simulate import MONTH, SINGLE_NO_INCOME
from tests.support import emulators
from tests.support.seed import seed_profile

TIMEOUT = 120  # simulate builds the OpenFisca system on its first request

# The integration tests' single adult without resources renting in Paris (commune
# 75056), so that the City of Paris aids (the OpenFisca-Paris extension) are computed.
SIMULATION_REQUEST: dict[str, Any] = {"household": SINGLE_NO_INCOME, "month": MONTH}


def _signup_body() -> dict[str, Any]:
    return {"accept_policy_version": CURRENT_POLICY.version, "language": "fr"}


def sign_up(signup_url: str) -> tuple[emulators.EmulatorUser, requests.Response]:
    """A new Auth-emulator account signs up at ``signup_url``."""
    user = emulators.create_user()
    response = requests.post(signup_url, json=_signup_body(), headers=user.headers, timeout=TIMEOUT)
    return user, response


def _signed_up(urls: Mapping[str, str]) -> dict[str, str]:
    """Headers of a new beneficiary, signed up through the served ``signup``."""
    user, created = sign_up(urls["signup"])
    created.raise_for_status()
    return user.refresh().headers  # the token now carries the beneficiary role


def read_profile_after_signup(urls: Mapping[str, str]) -> requests.Response:
    """A new beneficiary reads its profile."""
    return requests.get(urls["profile"], headers=_signed_up(urls), timeout=TIMEOUT)


def simulate_signed_in(urls: Mapping[str, str]) -> requests.Response:
    """A new beneficiary simulates a Paris household (kept in its history)."""
    return requests.post(
        urls["simulate"], json=SIMULATION_REQUEST, headers=_signed_up(urls), timeout=TIMEOUT
    )


def simulate_anonymously(urls: Mapping[str, str]) -> requests.Response:
    """An anonymous simulation (nothing stored) of the same Paris household."""
    return requests.post(urls["simulate"], json=SIMULATION_REQUEST, timeout=TIMEOUT)


def _worker_outcome(response: requests.Response, expected: str) -> requests.Response:
    """A worker answers 200 even for a recorded permanent failure: check the outcome too.

    An import missing from the package would surface as a crashed job answered 200
    (so that the queue does not retry it); only the expected outcome proves the job ran.
    """
    if response.ok and response.json().get("outcome") != expected:
        raise AssertionError(f"job outcome {response.text[:500]!r}, expected {expected!r}")
    return response


def notify_a_beneficiary_of_the_policy(urls: Mapping[str, str]) -> requests.Response:
    """The notices queue delivers a policy-revision notice owed to a beneficiary (a mail)."""
    person = seed_profile(f"pkg-{uuid.uuid4().hex[:10]}", policy_version="2025-01")
    response = requests.post(
        f"{urls['notices_worker']}/notify_policy_revision",
        json={"uid": person.uid, "policy_version": CURRENT_POLICY.version},
        headers={
            "X-CloudTasks-TaskName": f"pkg-{uuid.uuid4().hex}",
            "X-CloudTasks-QueueName": "notices",
        },
        timeout=TIMEOUT,
    )
    return _worker_outcome(response, "sent")


def vault_file_finalized(urls: Mapping[str, str]) -> requests.Response:
    """Storage announces a file uploaded through a slot by a beneficiary who consented."""
    from devstack.storage_events import deliver_finalized
    from shared.adapters.vault_objects import VaultObjects
    from shared.config import settings
    from shared.domain.access import Access, Actor, ActorKind, Scope
    from shared.models.vault import UploadSlotRequest
    from shared.services import vault as vault_service
    from tests.support.sample_files import pdf

    person = seed_profile(f"pkg-{uuid.uuid4().hex[:10]}", vault=True)
    data = pdf()
    access = Access(Actor(person.uid, ActorKind.BENEFICIARY), person.uid, Scope.VAULT_WRITE, "")
    wiring = vault_service.default_vault()
    slot = vault_service.request_upload_slot(
        wiring,
        access,
        UploadSlotRequest(content_type="application/pdf", size=len(data), kind="tax_notice"),
    )
    name = wiring.owner_prefix(person.uid) + slot.document_id
    VaultObjects().write(name, data, "application/pdf")
    delivered = deliver_finalized(
        settings().storage_emulator_host or "", urls["vault_events"], settings().vault_bucket, name
    )
    response = requests.Response()
    response.status_code = delivered.status
    response.headers["Content-Type"] = "application/json"
    response._content = delivered.body.encode()
    return _worker_outcome(response, "available")


def _signed_up_to_the_vault(urls: Mapping[str, str]) -> dict[str, str]:
    """Headers of a new beneficiary who consented to the vault at sign-up."""
    user = emulators.create_user()
    body = {**_signup_body(), "consents": {"vault": True}}
    requests.post(
        urls["signup"], json=body, headers=user.headers, timeout=TIMEOUT
    ).raise_for_status()
    return user.refresh().headers


def vault_upload_slot(urls: Mapping[str, str]) -> requests.Response:
    """A beneficiary who consented asks for an upload slot (a signed URL)."""
    body = {"content_type": "application/pdf", "size": 1000, "kind": "tax_notice"}
    return requests.post(
        f"{urls['vault']}/uploads",
        json=body,
        headers=_signed_up_to_the_vault(urls),
        timeout=TIMEOUT,
    )


def form_generated(urls: Mapping[str, str]) -> requests.Response:
    """A beneficiary has the RSA form filled and kept in the vault (pypdf, clamd)."""
    return requests.post(
        f"{urls['forms']}/rsa",
        json={"edits": {"phone": "06 12 34 56 78"}},
        headers=_signed_up_to_the_vault(urls),
        timeout=TIMEOUT,
    )


@dataclass(frozen=True)
class FirstRequest:
    """How to send a function its first request, given the served functions' base URLs."""

    send: Callable[[Mapping[str, str]], requests.Response]
    also_serves: tuple[str, ...] = ()  # other functions the request goes through first


FIRST_REQUESTS: dict[str, FirstRequest] = {
    "signup": FirstRequest(lambda urls: sign_up(urls["signup"])[1]),
    "profile": FirstRequest(read_profile_after_signup, also_serves=("signup",)),
    "simulate": FirstRequest(simulate_signed_in, also_serves=("signup",)),
    "notices_worker": FirstRequest(notify_a_beneficiary_of_the_policy),
    "vault_events": FirstRequest(vault_file_finalized),
    "vault": FirstRequest(vault_upload_slot, also_serves=("signup",)),
    "forms": FirstRequest(form_generated, also_serves=("signup",)),
}
