"""Portability export on the real emulators (R26, R27): every registered location, nobody else's.

The footprint is made from the registry (tests/support/footprint.py); the
archive is read back from the exports bucket and each JSON file is validated
against the schema it ships with.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jsonschema
import pytest
import requests

from shared.adapters import document_store
from shared.adapters.clients import storage_client
from shared.api.jobs.export_worker import JOBS
from shared.api.worker import Delivery, run_delivery
from shared.config import settings
from shared.domain import data_registry as registry
from shared.domain import privacy_rights as rules
from shared.domain.access import Access, Actor, ActorKind, Scope
from shared.domain.data_registry import ExportKind, StoreKind
from shared.errors import ApiError, text
from shared.models.privacy import ExportRecord, ExportRequest
from shared.services import export
from tests.support import emulators
from tests.support.footprint import (
    forget_pending_tasks,
    give_footprint,
    register_later_locations,
)

CLOCK = datetime(2027, 5, 4, 8, 0, tzinfo=UTC)


def clock() -> datetime:
    return CLOCK


def own(user: emulators.EmulatorUser) -> Access:
    actor = Actor(uid=user.uid, kind=ActorKind.BENEFICIARY, email=user.email)
    return Access(actor, user.uid, Scope.PRIVACY_EXPORT, "export")


@pytest.fixture(autouse=True)
def exports_held() -> Iterator[None]:
    """The exports queue delivers none of the tasks queued here: each test builds itself."""
    with emulators.queue_held(export.QUEUE):
        yield


@pytest.fixture(autouse=True)
def made() -> Iterator[list[str]]:
    uids: list[str] = []
    yield uids
    for uid in uids:
        forget_pending_tasks(uid)


@pytest.fixture
def sink() -> Iterator[str]:
    base = settings().sendgrid_api_host or ""
    requests.delete(f"{base}/_sink/messages", timeout=5).raise_for_status()
    yield base


def person(made: list[str], **kwargs: Any) -> tuple[emulators.EmulatorUser, dict[str, int]]:
    user = emulators.create_user()
    made.append(user.uid)
    return user, give_footprint(user.uid, user.email, **kwargs)


def ask(user: emulators.EmulatorUser, recipient: str | None = None) -> str:
    """Request an export (its task is queued) and build it through the worker entry point."""
    status, code = export.request_export(own(user), ExportRequest(recipient=recipient), now=clock)
    assert code == 202 and status.status == "queued"
    forget_pending_tasks(user.uid)  # the queued task: the test delivers the job itself
    payload = {"uid": user.uid, "export_id": status.export_id}
    response = run_delivery(
        "export_worker",
        JOBS,
        export.JOB,
        payload,
        Delivery("task", f"task:exports:{status.export_id}", "local"),
    )
    assert response.status_code == 200, response.get_data()
    return status.export_id


def archive_of(user: emulators.EmulatorUser, export_id: str) -> zipfile.ZipFile:
    name = f"{registry.EXPORT_OBJECTS.path(uid=user.uid)}{export_id}.zip"
    data = storage_client().bucket(settings().exports_bucket).blob(name).download_as_bytes()
    return zipfile.ZipFile(io.BytesIO(data))


def category_files(archive: zipfile.ZipFile) -> dict[str, dict[str, Any]]:
    return {
        name: json.loads(archive.read(name))
        for name in archive.namelist()
        if name.startswith("data/") and name.endswith(".json")
    }


def test_the_export_holds_every_registered_location_and_nothing_of_anyone_else(made):
    user, footprint = person(made, files=3, items=2)
    other, _ = person(made, files=2, items=2)
    export_id = ask(user)

    archive = archive_of(user, export_id)
    files = category_files(archive)
    records = [record for body in files.values() for record in body["records"]]
    found = {record["location"] for record in records}
    expected = {
        key
        for key in footprint
        if (location := next(x for x in registry.USER_DATA_LOCATIONS if x.key == key)).export.kind
        is not ExportKind.NOTHING
    }
    assert expected <= found, expected - found
    # Locations left out say why, in the manifest.
    manifest = json.loads(archive.read("manifest.json"))
    for entry in manifest["locations"]:
        location = next(x for x in registry.USER_DATA_LOCATIONS if x.key == entry["location"])
        if location.export.kind is ExportKind.NOTHING:
            assert entry["exported"] == 0 and entry["reason"] == location.export.reason
    # The vault's files themselves, byte for byte, for each Storage location exported.
    for location in registry.USER_DATA_LOCATIONS:
        if location.store is StoreKind.STORAGE and location.export.kind is ExportKind.ALL:
            inside = [n for n in archive.namelist() if n.startswith(f"files/{location.key}/")]
            assert len(inside) == footprint[location.key]
            assert all(archive.read(n) == b"%PDF-1.4 x" for n in inside)
    # Nothing about the other person.
    text = " ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    assert other.uid not in text and other.email not in text
    assert user.uid in text and user.email in text


def test_every_category_file_validates_against_the_documented_schema(made):
    user, _ = person(made, files=1, items=1)
    archive = archive_of(user, ask(user))

    shipped = json.loads(archive.read("schema/category.schema.json"))
    assert shipped == rules.CATEGORY_FILE_SCHEMA
    files = category_files(archive)
    assert files
    for name, body in files.items():
        jsonschema.validate(body, shipped)
        assert name == f"data/{body['category']}.json"
    broken = {**next(iter(files.values())), "surprise": 1}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, shipped)


def test_listed_fields_only_for_locations_exporting_some_fields(made):
    user, _ = person(made, files=1, items=1)
    archive = archive_of(user, ask(user))
    records = [r for body in category_files(archive).values() for r in body["records"]]
    for location in registry.USER_DATA_LOCATIONS:
        if location.export.kind is ExportKind.FIELDS:
            fields = {f for r in records if r["location"] == location.key for f in r["fields"]}
            assert fields and fields <= set(location.export.fields), location.key


def test_progress_expiry_and_a_short_lived_signed_link(made):
    user, footprint = person(made, files=2, items=1)
    export_id = ask(user)

    status = export.export_status(own(user), export_id)
    assert status.status == "ready"
    # Counted from when the archive was written, as the bucket's 7-day lifecycle is.
    assert status.expires_at and status.completed_at
    assert timedelta(0) <= timedelta(days=7) - (status.expires_at - status.completed_at)
    assert timedelta(days=7) - (status.expires_at - status.completed_at) < timedelta(minutes=1)
    assert status.progress["vault_objects"] == footprint["vault_objects"]
    assert status.download_url and "X-Goog-Signature" in status.download_url
    lifetime = parse_qs(urlsplit(status.download_url).query)["X-Goog-Expires"][0]
    assert int(lifetime) <= 15 * 60  # short-lived: minutes, not the archive's 7 days
    assert status.size_bytes and status.size_bytes > 0


def test_a_third_party_gets_the_link_only_after_the_person_confirms(made, sink):
    user, _ = person(made, files=1, items=1)
    export_id = ask(user, recipient="conseiller@asso.example.org")

    def mails() -> list[dict[str, Any]]:
        sent = requests.get(f"{sink}/_sink/messages", timeout=5).json()
        return [
            m
            for m in sent
            if m["body"]["personalizations"][0]["to"][0]["email"] == "conseiller@asso.example.org"
        ]

    assert export.export_status(own(user), export_id).status == "ready"
    assert mails() == []  # no confirmation yet: nothing sent

    confirmed = export.confirm_recipient(own(user), export_id, now=clock)
    assert confirmed.recipient_confirmed and confirmed.sent_at == CLOCK
    export.confirm_recipient(own(user), export_id, now=clock)  # twice: still one mail
    sent = mails()
    assert len(sent) == 1
    # The mail carries the landing link (valid as long as the export), not a signed URL.
    assert "/privacy/export-links/" in sent[0]["body"]["content"][0]["value"]


def test_a_location_registered_later_is_exported_with_no_change_to_the_code(monkeypatch, made):
    notes, attachments = register_later_locations(monkeypatch)

    user, _ = person(made, files=2, items=3)
    archive = archive_of(user, ask(user))
    records = [r for body in category_files(archive).values() for r in body["records"]]
    assert len({r["reference"] for r in records if r["location"] == notes}) == 3
    assert len([n for n in archive.namelist() if n.startswith(f"files/{attachments}/")]) == 2


def test_an_archive_larger_than_one_upload_chunk_arrives_whole(made):
    # Incompressible files, like scans: the archive spans several resumable-upload chunks.
    scan = b"%PDF-1.4\n" + os.urandom(300 * 1024)
    user, footprint = person(made, files=8, items=1, file_bytes=scan)
    export_id = ask(user)

    record = document_store.get(
        registry.EXPORTS.path(uid=user.uid, export_id=export_id), ExportRecord
    )
    assert record is not None and record.size_bytes is not None
    assert record.size_bytes > 2 * export.UPLOAD_CHUNK
    archive = archive_of(user, export_id)
    assert archive.testzip() is None  # every member's CRC checks out
    vault = [n for n in archive.namelist() if n.startswith("files/vault_objects/")]
    assert len(vault) == footprint["vault_objects"] == 8
    assert all(archive.read(n) == scan for n in vault)


def test_a_build_redelivered_while_another_finishes_leaves_the_export_ready(made):
    """A redelivered task may build the same export while another delivery finishes it:
    once the export is ready (a recipient may hold its link), the late build's progress
    must not turn it back to running (its landing would answer "expired")."""
    user, _ = person(made, files=1, items=1)
    status, _ = export.request_export(own(user), ExportRequest(), now=clock)
    forget_pending_tasks(user.uid)
    task = export.ExportTask(uid=user.uid, export_id=status.export_id)
    seen: list[str] = []

    def racing() -> datetime:
        seen.append("now")
        if len(seen) == 1:  # the late build has started: the other one completes meanwhile
            assert export.build_export(own(user), task, now=clock) == "ready"
        elif len(seen) == 2:  # the late build has written every step, completion next
            seen.append(export.export_status(own(user), status.export_id).status)
        return CLOCK

    assert export.build_export(own(user), task, now=racing) == "ready"
    assert seen[2] == "ready"
    assert export.export_status(own(user), status.export_id).status == "ready"


def test_a_build_still_contended_after_its_retries_is_delivered_again(made, monkeypatch):
    """A progress update still contended when its transaction's retries run out (another
    delivery of the task building beside it) fails the delivery with 503, so the queue
    delivers again: answered 200, the task would be dropped, the export left running
    and its archive never written."""
    user, _ = person(made, files=1, items=1)
    status, _ = export.request_export(own(user), ExportRequest(), now=clock)
    forget_pending_tasks(user.uid)
    update = export._update
    updates: list[str] = []

    def contended_once(path: str, changes: dict[str, Any], **options: Any) -> ExportRecord:
        updates.append(path)
        if len(updates) == 1:
            raise ApiError("contention", text("Contention.", "Contention."))
        return update(path, changes, **options)

    monkeypatch.setattr(export, "_update", contended_once)
    payload = {"uid": user.uid, "export_id": status.export_id}
    delivery = Delivery("task", f"task:exports:export-{status.export_id}", "local")

    first = run_delivery("export_worker", JOBS, export.JOB, payload, delivery)
    assert (first.status_code, first.get_json()["outcome"]) == (503, "failed_transiently")
    assert export.export_status(own(user), status.export_id).status == "queued"
    again = run_delivery("export_worker", JOBS, export.JOB, payload, delivery)
    assert (again.status_code, again.get_json()["outcome"]) == (200, "ready")
    assert export.export_status(own(user), status.export_id).status == "ready"
    assert archive_of(user, status.export_id).testzip() is None
