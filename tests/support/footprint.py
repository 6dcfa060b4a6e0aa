"""A person's data in every registered location, made from the registry alone.

Export, erasure and retention tests give a person a *full footprint*: for each
place :func:`~shared.domain.data_registry.personal_data_of` lists, records of
that store kind naming the person — so a location registered later is filled
too, with no change here. Firestore documents get a synthetic value for every
field of the location's stored model.
"""

from __future__ import annotations

import json
import types
import typing
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import requests
from pydantic import BaseModel

from shared.adapters import mail_records, object_store, task_queue
from shared.adapters.clients import firestore_client, storage_client
from shared.config import settings
from shared.domain import data_registry as registry
from shared.domain.data_registry import LocatorKind, PersonalData, StoreKind
from shared.models.stored import STORED_MODELS
from shared.services.audit import pseudonym

NOW = datetime(2026, 11, 2, tzinfo=UTC)

# The queue the pending tasks of a footprint wait in (held a day: never delivered in a test).
PENDING_QUEUE = "notices"


def sample_value(annotation: Any, marker: str) -> Any:
    """A plausible value of ``annotation`` (JSON-ready for Firestore)."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        present = [a for a in args if a is not type(None)]
        return sample_value(present[0], marker) if present else None
    if origin is Literal:
        return args[0]
    if origin is typing.Annotated:
        return sample_value(args[0], marker)
    if origin in (list, tuple, set):
        return [sample_value(args[0], marker)] if args else []
    if origin is dict:
        return {"k": sample_value(args[1], marker)} if len(args) == 2 else {}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return sample_document(annotation, marker)
    if annotation is bool:
        return False
    if annotation is int:
        return 1
    if annotation is float:
        return 1.5
    if annotation is datetime:
        return NOW
    if hasattr(annotation, "__members__"):  # an enum
        return next(iter(annotation.__members__.values())).value
    if getattr(annotation, "__name__", "") == "date":
        return NOW.date().isoformat()
    return f"{marker}"


def sample_document(model: type[BaseModel], marker: str) -> dict[str, Any]:
    """Every field of ``model`` with a synthetic value carrying ``marker``."""
    return {
        name: sample_value(info.annotation, marker) for name, info in model.model_fields.items()
    }


def _firestore(place: PersonalData, marker: str, count: int) -> int:
    location = place.location
    data = sample_document(STORED_MODELS[location.key], marker)
    client = firestore_client()
    if place.path:
        if place.path.count("/") % 2 == 1:
            client.document(place.path).set(data)
            return 1
        for index in range(count):
            client.collection(place.path).document(f"{marker}-{index}").set(data)
        return count
    data[place.field] = place.value
    ids = {name: f"{marker}-{name}" for name in location.segments}
    for index in range(count):
        ids[location.segments[-1]] = f"{marker}-{index}"
        client.document(location.path(**ids)).set(data)
    return count


def hold_mail_record(kind: str, email: str) -> None:
    """What the mail provider would hold about ``email`` (a contact, an unsubscribe)."""
    base = settings().sendgrid_api_host or ""
    headers = {"Authorization": "Bearer local"}
    if kind == mail_records.CONTACTS:
        body = {"contacts": [{"email": email, "first_name": "Camille", "last_name": "Test"}]}
        requests.put(f"{base}/v3/marketing/contacts", json=body, headers=headers, timeout=5)
    else:
        body_s = {"recipient_emails": [email]}
        requests.post(f"{base}/v3/asm/suppressions/global", json=body_s, headers=headers, timeout=5)


def give_footprint(
    uid: str, email: str, *, files: int = 2, items: int = 2, file_bytes: bytes = b"%PDF-1.4 x"
) -> dict[str, int]:
    """Records of ``uid`` in every place the registry lists; returns how many per location.

    The Auth account must already exist (the emulator's ``uid``); it counts as one.
    """
    made: dict[str, int] = {}
    marker = f"m{uuid.uuid4().hex[:8]}"
    for place in registry.personal_data_of(uid, uid_ref=pseudonym(uid), email=email):
        location = place.location
        if location.store is StoreKind.FIRESTORE:
            made[location.key] = _firestore(place, marker, items)
        elif location.store is StoreKind.STORAGE:
            bucket = storage_client().bucket(object_store.bucket_name(location.bucket))
            for index in range(files):
                bucket.blob(f"{place.path}{marker}-{index}.pdf").upload_from_string(
                    file_bytes, content_type="application/pdf"
                )
            made[location.key] = files
        elif location.store is StoreKind.AUTH:
            made[location.key] = 1
        elif location.store is StoreKind.MAIL_PROVIDER:
            hold_mail_record(location.pattern, email)
            made[location.key] = 1
        elif location.store is StoreKind.TASK_PAYLOADS:
            # One pending task of every declared kind that names people.
            kinds = [k for k in registry.TASK_KINDS if k.person_fields or k.people_fields]
            for kind in kinds:
                payload: dict[str, Any] = {field: place.value for field in kind.person_fields}
                payload.update({field: [place.value] for field in kind.people_fields})
                task_queue.enqueue(
                    PENDING_QUEUE,
                    f"http://127.0.0.1:9/never/{kind.job}",
                    {**payload, "marker": marker},
                    schedule_at=datetime.now(UTC) + timedelta(days=1),
                )
            made[location.key] = len(kinds)
        assert location.locator.kind is not LocatorKind.NO_PERSON
    return made


def register_later_locations(monkeypatch: Any) -> tuple[str, str]:
    """Register, for one test, two locations a later capability might add; returns their keys.

    A Firestore sub-collection of the account and a Storage prefix of the vault bucket:
    export, erasure and the scans must reach them without any change to their code.
    """
    from shared.domain.data_categories import DataCategory
    from shared.models.account import ConsentEvent

    notes = registry.DataLocation(
        key="later_notes",
        store=StoreKind.FIRESTORE,
        pattern="beneficiaries/{uid}/later_notes/{note_id}",
        locator=registry.UID,
        export=registry.ExportRule(registry.ExportKind.ALL),
        retention=registry.ACCOUNT_LIFETIME,
        on_erasure=registry.OnErasure.DELETE,
        description="A note kept by a capability added later.",
    )
    attachments = registry.DataLocation(
        key="later_attachments",
        store=StoreKind.STORAGE,
        bucket="vault_bucket",
        pattern="later/{uid}/",
        locator=registry.UID,
        export=registry.ExportRule(registry.ExportKind.ALL),
        retention=registry.ACCOUNT_LIFETIME,
        on_erasure=registry.OnErasure.DELETE,
        category=DataCategory.DIAGNOSTIC,
        description="Files of a capability added later.",
    )
    locations = (*registry.USER_DATA_LOCATIONS, notes, attachments)
    monkeypatch.setattr(registry, "USER_DATA_LOCATIONS", locations)
    firestore = tuple(x for x in locations if x.store is StoreKind.FIRESTORE)
    monkeypatch.setattr(registry, "FIRESTORE_LOCATIONS", firestore)
    monkeypatch.setitem(STORED_MODELS, notes.key, ConsentEvent)
    return notes.key, attachments.key


def forget_pending_tasks(uid: str) -> None:
    """Delete the footprint's pending tasks left by a test (they would wait a day)."""
    for name in task_queue.tasks_naming(uid):
        task_queue.delete(name)


def dumps(value: Any) -> str:
    return json.dumps(value, default=str)
