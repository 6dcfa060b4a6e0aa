"""Portability export (R26, R27): one ZIP of everything held about a person.

:func:`request_export` records the request and queues a task for the
``export_worker``; :func:`build_export` (the worker's job) walks
:func:`shared.domain.data_registry.personal_data_of` — so a location
registered later is exported with no change here — and streams the archive
into the exports bucket: JSON per data category (documented schema inside
the archive, ``schema/category.schema.json``), the stored files themselves
(vault documents, generated forms), a manifest of what each location gave or
why it gives nothing. Files are copied in chunks from bucket to bucket, so
memory stays bounded whatever the vault holds. Progress per location is
recorded as it goes; the person then gets a short-lived signed link, and the
archive itself expires after 7 days (bucket lifecycle). A third party the
person designates gets the link only after the person confirms (R27).
"""

from __future__ import annotations

import contextlib
import json
import secrets
import shutil
import zipfile
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from shared.adapters import document_store, mail, personal_data_stores, task_queue
from shared.adapters.clients import storage_client
from shared.adapters.document_store import Writes
from shared.adapters.vault_objects import VaultObjects
from shared.config import settings
from shared.domain import data_registry as registry
from shared.domain import privacy_rights as rules
from shared.domain.access import Access
from shared.domain.data_categories import DataCategory
from shared.domain.data_registry import EXPORT_OBJECTS, EXPORTS, ExportKind, PersonalData, StoreKind
from shared.domain.strict import StrictModel
from shared.errors import ApiError, PermanentFailure, TransientFailure, text
from shared.models import stored
from shared.models.privacy import ExportDownload, ExportRecord, ExportRequest, ExportStatus
from shared.services.audit import pseudonym
from shared.services.erasure import Clock, utc_now

QUEUE = "exports"
WORKER = "export_worker"
JOB = "build_export"
COPY_CHUNK = 256 * 1024
THIRD_PARTY_LINK_LIFETIME = rules.EXPORT_LIFETIME

NO_SUCH_EXPORT = text("Aucun export à ce nom.", "No export by that name.")
NOT_READY = text(
    "L'export est en cours de préparation ; réessayez dans un instant.",
    "The export is being prepared; try again in a moment.",
)


class ExportTask(StrictModel):
    """Payload of the ``build_export`` task (``uid``: erasure finds and deletes it, R21)."""

    uid: str = Field(min_length=1, max_length=128)
    export_id: str = Field(min_length=8, max_length=64, pattern=r"^[0-9a-f]+$")


def _record_path(uid: str, export_id: str) -> str:
    return EXPORTS.path(uid=uid, export_id=export_id)


def _status(export_id: str, record: ExportRecord, link: str | None) -> ExportStatus:
    return ExportStatus(
        export_id=export_id,
        status=record.status,
        requested_at=record.requested_at,
        completed_at=record.completed_at,
        progress=record.progress,
        size_bytes=record.size_bytes,
        expires_at=record.expires_at,
        download_url=link,
        recipient=record.recipient,
        recipient_confirmed=record.recipient_confirmed,
        sent_at=record.sent_at,
    )


def request_export(
    access: Access, request: ExportRequest, *, now: Clock = utc_now
) -> tuple[ExportStatus, int]:
    """Record an export of the subject's data and queue it; answers 202 with its progress."""
    export_id = start_export(access.subject_uid, recipient=request.recipient, at=now())
    return _status(export_id, _load(access.subject_uid, export_id), None), 202


def new_export_id() -> str:
    """A fresh, unguessable export id."""
    return secrets.token_hex(12)


def start_export(
    uid: str,
    *,
    recipient: str | None,
    at: datetime,
    reason: Literal["portability", "post_mortem"] = "portability",
    export_id: str | None = None,
) -> str:
    """Record an export of ``uid``'s data and queue its build; returns its id.

    A post-mortem export (R29) goes to the trusted contact the directive names:
    the directive is the confirmation, so the contact is mailed when it is ready.
    Given an ``export_id`` already recorded, nothing new is made: its build is
    queued again only if it has not started (the first call may have died
    before queueing it), under the same task name.
    """
    export_id = export_id or new_export_id()
    record = ExportRecord(
        status="queued",
        requested_at=at,
        recipient=recipient,
        recipient_confirmed=reason == "post_mortem",
        reason=reason,
    )
    path = _record_path(uid, export_id)

    def create(writes: Writes) -> bool:
        existing = writes.get(path, ExportRecord)
        if existing is not None:
            return existing.status == "queued"
        writes.create(path, record)
        return True

    if document_store.run_in_transaction(create):
        from google.api_core.exceptions import AlreadyExists

        url = settings().worker_url(QUEUE, WORKER) + "/" + JOB
        with contextlib.suppress(AlreadyExists):  # queued by the first call
            task_queue.enqueue(
                QUEUE, url, {"uid": uid, "export_id": export_id}, name=f"export-{export_id}"
            )
    return export_id


def _load(uid: str, export_id: str) -> ExportRecord:
    record = document_store.get(_record_path(uid, export_id), ExportRecord)
    if record is None:
        raise ApiError("not_found", NO_SUCH_EXPORT)
    return record


def _object_name(uid: str, export_id: str) -> str:
    return f"{EXPORT_OBJECTS.path(uid=uid)}{export_id}.zip"


def _signed_link(record: ExportRecord) -> str:
    exports = VaultObjects(settings().exports_bucket)
    signed = exports.signed_download(
        record.object_name or "", "sesame-mes-donnees.zip", "application/zip"
    )
    return signed.url


def export_status(access: Access, export_id: str) -> ExportStatus:
    """Progress of one export; once ready, a fresh short-lived signed download link."""
    record = _load(access.subject_uid, export_id)
    link = _signed_link(record) if record.status == "ready" else None
    return _status(export_id, record, link)


def confirm_recipient(access: Access, export_id: str, *, now: Clock = utc_now) -> ExportStatus:
    """The person confirms sending the export to the third party they named (R27)."""
    path = _record_path(access.subject_uid, export_id)

    def work(writes: Writes) -> ExportRecord:
        record = writes.get(path, ExportRecord)
        if record is None or record.recipient is None:
            raise ApiError("not_found", NO_SUCH_EXPORT)
        confirmed = record.model_copy(update={"recipient_confirmed": True})
        writes.set(path, confirmed)
        return confirmed

    record = document_store.run_in_transaction(work)
    if record.status == "ready":
        record = _send_to_recipient(access.subject_uid, export_id, now)
    return _status(export_id, record, None)


LINK_PATH = "/privacy/export-links/"

RECIPIENT_MAIL = {
    "portability": (
        "Sésame : données transmises à votre attention",
        "Une personne utilisant Sésame vous transmet une copie de ses données "
        "(portabilité, RGPD art. 20). Téléchargez l'archive ZIP avant le {until} :\n\n{link}\n\n"
        "Someone using Sésame sends you a copy of their data (GDPR art. 20 portability). "
        "Download the ZIP archive before {until} (link above).",
    ),
    "post_mortem": (
        "Sésame : données qui vous sont confiées",
        "Une personne utilisant Sésame vous a désigné comme personne de confiance et a "
        "demandé que ses données vous soient communiquées après son décès (loi Informatique "
        "et Libertés, art. 85). Téléchargez l'archive ZIP avant le {until} :\n\n{link}\n\n"
        "Someone using Sésame named you as their trusted contact and asked that their data "
        "be passed on to you after their death. Download the ZIP archive before {until} "
        "(link above).",
    ),
}


def _send_to_recipient(uid: str, export_id: str, now: Clock) -> ExportRecord:
    """Mail the confirmed third party a link, once (a repeated call sends nothing).

    The link names a random token, not the file: it lands on
    :func:`download_by_link`, which hands out a fresh short-lived signed URL
    for as long as the export lives (7 days), so a mail read days later works.
    Only the token's keyed hash is stored.
    """
    path = _record_path(uid, export_id)
    token = secrets.token_urlsafe(32)

    def claim(writes: Writes) -> ExportRecord | None:
        record = writes.get(path, ExportRecord)
        if record is None or record.sent_at is not None or not record.recipient_confirmed:
            return None
        writes.set(path, record.model_copy(update={"sent_at": now(), "link_ref": pseudonym(token)}))
        return record

    record = document_store.run_in_transaction(claim)
    current = _load(uid, export_id)
    if record is None or record.recipient is None:
        return current
    subject, body = RECIPIENT_MAIL[record.reason]
    until = (current.expires_at or now() + rules.EXPORT_LIFETIME).strftime("%d/%m/%Y")
    link = settings().public_api_base.rstrip("/") + LINK_PATH + token
    try:
        mail.send(record.recipient, subject, body.format(until=until, link=link))
    except mail.MailUnavailable:
        _update(path, {"sent_at": None, "link_ref": None})
        raise TransientFailure("mail_unavailable") from None
    return current


LINK_EXPIRED = text(
    "Ce lien a expiré : l'archive n'est plus disponible.",
    "This link has expired: the archive is no longer available.",
)


def download_by_link(access: Any, token: str, *, now: Clock = utc_now) -> ExportDownload:
    """The landing of a mailed link: a fresh short-lived signed URL while the export lives.

    No sign-in (the recipient has no account): the unguessable token is the
    credential, and it stops working when the export expires.
    """
    found = document_store.find_one_in_group(EXPORTS, ExportRecord, "link_ref", pseudonym(token))
    if found is None:
        raise ApiError("not_found", NO_SUCH_EXPORT)
    _, record = found
    if record.status != "ready" or record.expires_at is None or now() >= record.expires_at:
        raise ApiError("link_expired", LINK_EXPIRED)
    exports = VaultObjects(settings().exports_bucket)
    signed = exports.signed_download(
        record.object_name or "", "sesame-donnees.zip", "application/zip"
    )
    return ExportDownload(
        download_url=signed.url,
        url_expires_at=signed.expires_at,
        export_expires_at=record.expires_at,
    )


# ------------------------------------------------------------------ building the archive


def _category_of_field(location: registry.DataLocation, name: str) -> DataCategory:
    if location.store is StoreKind.FIRESTORE:
        declared = stored.categories(location).get(name)
        if declared is not None:
            return declared
    return location.category or DataCategory.INTERACTION


def _exported_fields(location: registry.DataLocation, fields: dict[str, Any]) -> dict[str, Any]:
    if location.export.kind is ExportKind.FIELDS:
        return {k: v for k, v in fields.items() if k in location.export.fields}
    return fields


class _Archive:
    """The ZIP being streamed, and the JSON records gathered per category."""

    def __init__(self, zip_file: zipfile.ZipFile) -> None:
        self.zip = zip_file
        self.by_category: dict[str, list[dict[str, Any]]] = {}

    def add_record(
        self,
        place: PersonalData,
        reference: str,
        fields: dict[str, Any],
        file: str | None = None,
    ) -> None:
        location = place.location
        split: dict[DataCategory, dict[str, Any]] = {}
        for name, value in _exported_fields(location, fields).items():
            split.setdefault(_category_of_field(location, name), {})[name] = value
        for category, values in split.items():
            record = {
                "location": location.key,
                "description": location.description,
                "reference": reference,
                "fields": values,
            }
            if file is not None:
                record["file"] = file
            self.by_category.setdefault(category.value, []).append(record)

    def add_file(self, place: PersonalData, name: str) -> str:
        relative = name[len(place.path) :] if name.startswith(place.path) else name
        inside = f"files/{place.location.key}/{relative}"
        with (
            personal_data_stores.open_object(place, name) as source,
            self.zip.open(inside, "w", force_zip64=True) as target,
        ):
            shutil.copyfileobj(source, target, COPY_CHUNK)
        return inside

    def add_json(self, inside: str, value: Any) -> None:
        self.zip.writestr(inside, json.dumps(value, ensure_ascii=False, indent=1, default=str))


README = (
    "Sésame — vos données\n"
    "====================\n\n"
    "data/<catégorie>.json : toutes vos données, une fichier par catégorie de la politique de "
    "confidentialité (§2.1), au format JSON décrit par schema/category.schema.json.\n"
    "files/ : vos documents (coffre-fort, formulaires générés), tels que stockés.\n"
    "manifest.json : ce que chaque lieu de stockage a fourni, ou pourquoi il ne fournit rien.\n\n"
    "Sésame — your data: data/<category>.json holds all your data, one file per category, in "
    "the JSON format described by schema/category.schema.json; files/ holds your documents; "
    "manifest.json says what each storage location gave.\n"
)


# The archive is uploaded as a resumable upload, one chunk per request; the writer
# holds one chunk in memory (the client's default is 40 MiB, so a whole archive of
# that size sat there). 1 MiB bounds the export's memory at the cost of one request
# per MiB; the API wants a multiple of 256 KiB.
UPLOAD_CHUNK = 4 * 256 * 1024


def _write_archive(
    uid: str,
    export_id: str,
    places: list[PersonalData],
    at: datetime,
    progress: Callable[[str, int], None],
) -> int:
    name = _object_name(uid, export_id)
    blob = storage_client().bucket(settings().exports_bucket).blob(name)
    manifest: list[dict[str, Any]] = []
    with (
        blob.open(
            "wb", content_type="application/zip", ignore_flush=True, chunk_size=UPLOAD_CHUNK
        ) as sink,
        zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as zip_file,
    ):
        archive = _Archive(zip_file)
        for place in places:
            location = place.location
            if location.export.kind is ExportKind.NOTHING:
                manifest.append(
                    {"location": location.key, "exported": 0, "reason": location.export.reason}
                )
                continue
            count = 0
            for reference, fields in personal_data_stores.records(place):
                inside = (
                    archive.add_file(place, reference)
                    if location.store is StoreKind.STORAGE
                    else None
                )
                archive.add_record(place, reference, fields, inside)
                count += 1
            manifest.append({"location": location.key, "exported": count, "reason": ""})
            progress(location.key, count)
        for category, records in sorted(archive.by_category.items()):
            archive.add_json(
                f"data/{category}.json",
                {
                    "format_version": rules.EXPORT_FORMAT_VERSION,
                    "category": category,
                    "generated_at": at.isoformat(),
                    "records": records,
                },
            )
        archive.add_json("schema/category.schema.json", rules.CATEGORY_FILE_SCHEMA)
        archive.add_json("manifest.json", {"generated_at": at.isoformat(), "locations": manifest})
        zip_file.writestr("LISEZMOI.txt", README)
    blob.reload()
    return int(blob.size or 0)


def _update(path: str, changes: dict[str, Any], *, keep_ready: bool = False) -> ExportRecord:
    """Apply ``changes`` to the stored record (re-read in the transaction: the person may
    confirm a recipient meanwhile). ``keep_ready``: leave a ready record as it is."""

    def work(writes: Writes) -> ExportRecord:
        current = writes.get(path, ExportRecord)
        if current is None:
            raise PermanentFailure("not_found")
        if keep_ready and current.status == "ready":
            return current
        changed = current.model_copy(update=changes)
        writes.set(path, changed)
        return changed

    return document_store.run_in_transaction(work)


def build_export(access: Access, task: ExportTask, *, now: Clock = utc_now) -> str:
    """Build the archive of the task's person into the exports bucket (the worker's job)."""
    uid, export_id = access.subject_uid, task.export_id
    path = _record_path(uid, export_id)
    record = document_store.get(path, ExportRecord)
    if record is None:
        raise PermanentFailure("not_found")
    if record.status == "ready":
        return "already_ready"
    at = now()
    progress: dict[str, int] = {}

    def step(key: str, count: int) -> None:
        progress[key] = count
        # A redelivered task may build again while another build finishes: its
        # progress must not turn a ready export (and its mailed link) back to running.
        _update(path, {"status": "running", "progress": dict(progress)}, keep_ready=True)

    email = personal_data_stores.auth_email(uid) or ""
    places = registry.personal_data_of(uid, uid_ref=pseudonym(uid), email=email)
    size = _write_archive(uid, export_id, places, at, step)
    ready = _update(
        path,
        {
            "status": "ready",
            "progress": progress,
            "completed_at": now(),
            "object_name": _object_name(uid, export_id),
            "size_bytes": size,
            "expires_at": at + rules.EXPORT_LIFETIME,
        },
    )
    if ready.recipient_confirmed:
        _send_to_recipient(uid, export_id, now)
    return "ready"
