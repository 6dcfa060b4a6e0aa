"""Vault use cases (R9): upload slot, finalise, list, download, change, delete, empty.

Written against small ports (:class:`MetadataStore`, :class:`ObjectStore`,
:class:`Scanner`, :class:`LegalBasis`) so the composition root wires the
Firestore, Cloud Storage and clamd adapters (:func:`default_vault`) and tests may
wire others. Every use case takes the access object (:class:`Access`): the
records and objects addressed are always the subject's own (another person's
document id is simply not found). Until mandates carry vault scopes, nobody but
the owner reaches a vault (R9, R16); the one exception is the Storage-event
worker finalising an upload, whose access is journaled by the worker entry point
(R14).

Finalising is the one intake path: the Storage finalize event (``vault_events``
worker) and the explicit call both run :func:`finalise_upload`.

Finalising is idempotent (at-least-once delivery of Storage events and retries
of explicit calls): the record is keyed by the object name, and a record already
settled for the object's generation is returned as it is. A scanner that cannot
answer raises :class:`shared.adapters.clamd.ScannerUnavailable` so that the
delivery is retried; nothing is accepted unscanned. The record then reads
``scan_pending`` (the person sees that the file arrived and waits for its scan) and
the log line :data:`SCAN_UNAVAILABLE_EVENT` is written, with no personal data: the
production alert counts it (infra/scanner.tf).
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol

from shared.adapters.clamd import ScannerUnavailable, ScanVerdict
from shared.adapters.file_content import content_facts
from shared.adapters.vault_objects import SignedRequest, StoredObject
from shared.domain.access import Access, ActorKind, Scope
from shared.domain.aids.catalogue import load_catalogue
from shared.domain.purposes import ProcessingDecision
from shared.domain.strict import Language
from shared.domain.vault.checklist import AidChecklist, HeldDocument, build_checklists
from shared.domain.vault.content import (
    MAX_VAULT_BYTES,
    content_refusal,
    declared_refusal,
    quota_refusal,
)
from shared.domain.vault.file_names import sanitise_display_name
from shared.domain.vault.kinds import DocumentKind, label_of
from shared.domain.vault.refusals import RefusalCode, VaultRefusal, refusal_message
from shared.errors import ApiError
from shared.models.vault import (
    FINAL_STATUSES,
    DeletedDocument,
    DocumentChanges,
    DocumentDownload,
    DocumentPage,
    DocumentStatus,
    DocumentView,
    SignedUpload,
    UploadSlotRequest,
    VaultDocument,
    VaultEmptied,
)
from shared.structured_log import log_event

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


# ---------------------------------------------------------------- ports

Decide = Callable[[VaultDocument, list[VaultDocument]], VaultDocument | None]
"""Given a record and all its owner's records, the record to write (``None``: keep it)."""


class MetadataStore(Protocol):
    def create(self, document: VaultDocument) -> None: ...
    def get(self, owner_uid: str, document_id: str) -> VaultDocument | None: ...
    def save(self, document: VaultDocument) -> None: ...
    def delete(self, owner_uid: str, document_id: str) -> None: ...
    def all(self, owner_uid: str) -> list[VaultDocument]: ...
    def settle(
        self,
        owner_uid: str,
        document_id: str,
        decide: Decide,
    ) -> VaultDocument | None: ...
    def page(
        self,
        owner_uid: str,
        *,
        kind: str | None,
        aid_id: str | None,
        limit: int,
        after_document_id: str | None,
    ) -> tuple[list[VaultDocument], bool, str | None]: ...


class ObjectStore(Protocol):
    def signed_upload(self, object_name: str, content_type: str, size: int) -> SignedRequest: ...
    def signed_download(
        self, object_name: str, display_name: str, content_type: str
    ) -> SignedRequest: ...
    def read(self, object_name: str) -> StoredObject | None: ...
    def write(self, object_name: str, data: bytes, content_type: str) -> int: ...
    def delete(self, object_name: str) -> None: ...
    def names_under(self, prefix: str) -> list[str]: ...


class Scanner(Protocol):
    def scan(self, data: bytes) -> ScanVerdict: ...


class LegalBasis(Protocol):
    def vault_decision(self, owner_uid: str) -> ProcessingDecision: ...


@dataclass(frozen=True)
class Vault:
    """The ports one vault works with; built by :func:`default_vault`."""

    metadata: MetadataStore
    objects: ObjectStore
    scanner: Scanner
    legal_basis: LegalBasis
    owner_prefix: Callable[[str], str]
    """Where an owner's files live in the bucket (the data registry's vault prefix)."""
    quota: int = MAX_VAULT_BYTES


def default_vault() -> Vault:
    """The production wiring: Firestore records, the vault bucket, clamd, the profile."""
    from shared.adapters.clamd import ClamdScanner
    from shared.adapters.vault_metadata import FirestoreVaultMetadata
    from shared.adapters.vault_objects import VaultObjects, owner_prefix
    from shared.config import settings

    return Vault(
        metadata=FirestoreVaultMetadata(),
        objects=VaultObjects(),
        scanner=ClamdScanner.at(settings().clamd_address),
        legal_basis=ProfileLegalBasis(),
        owner_prefix=owner_prefix,
    )


class ProfileLegalBasis:
    """The vault's legal basis read from the beneficiary's profile (consent, R9)."""

    def vault_decision(self, owner_uid: str) -> ProcessingDecision:
        from shared.adapters import document_store
        from shared.domain.data_registry import BENEFICIARY
        from shared.domain.purposes import Purpose
        from shared.models.account import BeneficiaryProfile

        profile = document_store.get(BENEFICIARY.path(uid=owner_uid), BeneficiaryProfile)
        if profile is None:
            return ProcessingDecision(False, "consent_required")
        return profile.processing_decision(Purpose.VAULT)


# ---------------------------------------------------------------- helpers


def _now() -> datetime:
    return datetime.now(UTC)


# The scopes a mandate's grants open on a vault (shared/domain/mandates.py): reading,
# uploading, and generating forms (kept in the vault). The mandate itself was checked
# and the access journaled when the access was opened (shared/services/access.py).
MANDATE_SCOPES = frozenset({Scope.VAULT_READ, Scope.VAULT_WRITE, Scope.FORMS})


def owner_of(access: Access, *, intake: bool = False, owner_only: bool = False) -> str:
    """Whose vault ``access`` reaches: the subject's, for the subject or their aidant.

    Someone acting for the subject passes only as an aidant whose access was
    opened under a mandate granting a vault or forms scope (R16), or as the
    Storage-event worker (``intake``), a service account whose access the worker
    entry point verified and journaled. Support staff never reach vault files:
    R9 collects them for the beneficiary's own applications and R14/R18 open
    personal data only where a job needs it. ``owner_only``: what stays with the
    beneficiary even under a mandate (renaming, deleting, emptying the vault).
    """
    by_mandate = (
        not owner_only and access.actor.kind is ActorKind.AIDANT and access.scope in MANDATE_SCOPES
    )
    by_intake = (
        intake
        and access.actor.kind is ActorKind.SERVICE_ACCOUNT
        and access.scope is Scope.VAULT_INTAKE
    )
    if access.on_behalf and not (by_mandate or by_intake):
        from shared.services.access import NOT_ALLOWED_FOR_SUBJECT

        raise ApiError("forbidden", NOT_ALLOWED_FOR_SUBJECT)
    return access.subject_uid


def _basis_refusal(vault: Vault, owner_uid: str) -> RefusalCode | None:
    decision = vault.legal_basis.vault_decision(owner_uid)
    if decision.allowed:
        return None
    if decision.code == "consent_required":
        return RefusalCode.CONSENT_REQUIRED
    return RefusalCode.PROCESSING_RESTRICTED


def _require_basis(vault: Vault, owner_uid: str) -> None:
    refusal = _basis_refusal(vault, owner_uid)
    if refusal is not None:
        raise VaultRefusal(refusal)


def _owned(vault: Vault, owner_uid: str, document_id: str) -> VaultDocument:
    """The owner's document; anything else (unknown, someone else's) is not found."""
    document = vault.metadata.get(owner_uid, document_id)
    if document is None or document.status is DocumentStatus.DELETING:
        raise VaultRefusal(RefusalCode.DOCUMENT_NOT_FOUND)
    return document


#: The log line of a finalise that found no malware scanner answering. Its name is
#: what the log-based metric ``sesame/vault_scanner_unavailable`` filters on.
SCAN_UNAVAILABLE_EVENT = "vault_scan_unavailable"

_STATUS_MESSAGES: dict[DocumentStatus, dict[Language, str]] = {
    DocumentStatus.SCAN_PENDING: {
        "fr": "Fichier bien reçu. La vérification antivirus est momentanément "
        "indisponible : le document sera disponible dès qu'elle aura eu lieu.",
        "en": "File received. The malware scan is unavailable for a moment: the "
        "document becomes available as soon as it has been scanned.",
    },
}


def view_of(document: VaultDocument, language: Language = "fr") -> DocumentView:
    """What the owner sees of a record, labels and messages in their language."""
    return DocumentView(
        document_id=document.document_id,
        kind=document.kind,
        kind_label=label_of(document.kind).in_language(language),
        aid_ids=list(document.aid_ids),
        display_name=document.display_name,
        income_year=document.income_year,
        issued_on=document.issued_on,
        content_type=document.content_type,
        size=document.size,
        status=document.status,
        refusal=document.refusal,
        refusal_message=refusal_message(document.refusal, language) if document.refusal else None,
        status_message=_STATUS_MESSAGES.get(document.status, {}).get(language),
        created_at=document.created_at,
    )


def used_bytes(documents: Sequence[VaultDocument], *, excluding: str | None = None) -> int:
    """Bytes the owner's documents hold in the bucket (what the quota counts)."""
    return sum(d.stored_bytes for d in documents if d.document_id != excluding)


# ---------------------------------------------------------------- use cases


def request_upload_slot(vault: Vault, access: Access, request: UploadSlotRequest) -> SignedUpload:
    """Create the record and a signed URL for one upload.

    Refused before anything is written when the consent is missing, the declared
    type or size is out of bounds, or the declared size no longer fits the quota.
    """
    owner_uid = owner_of(access)
    _require_basis(vault, owner_uid)
    refusal = declared_refusal(request.content_type, request.size)
    if refusal is None:
        refusal = quota_refusal(
            used_bytes(vault.metadata.all(owner_uid)), request.size, vault.quota
        )
    if refusal is not None:
        raise VaultRefusal(refusal)
    document = _new_record(vault, owner_uid, request)
    signed = vault.objects.signed_upload(document.object_name, request.content_type, request.size)
    return SignedUpload(
        document_id=document.document_id,
        url=signed.url,
        headers=signed.headers,
        expires_at=signed.expires_at,
    )


def _new_record(vault: Vault, owner_uid: str, request: UploadSlotRequest) -> VaultDocument:
    """Create the ``awaiting_upload`` record of a new file under a random object name."""
    document_id = secrets.token_urlsafe(18)
    now = _now()
    document = VaultDocument(
        document_id=document_id,
        owner_uid=owner_uid,
        object_name=vault.owner_prefix(owner_uid) + document_id,
        kind=request.kind,
        aid_ids=sorted(set(request.aid_ids)),
        display_name=sanitise_display_name(request.file_name),
        income_year=request.income_year,
        issued_on=request.issued_on,
        declared_content_type=request.content_type,
        declared_size=request.size,
        status=DocumentStatus.AWAITING_UPLOAD,
        created_at=now,
        updated_at=now,
    )
    vault.metadata.create(document)
    return document


def _document_id_of(vault: Vault, owner_uid: str, object_name: str) -> str | None:
    prefix = vault.owner_prefix(owner_uid)
    if not object_name.startswith(prefix):
        return None
    rest = object_name[len(prefix) :]
    return rest if rest and "/" not in rest else None


def finalise_upload(
    vault: Vault, access: Access, object_name: str, generation: int | None = None
) -> VaultDocument | None:
    """Check the uploaded bytes and settle the record: available or rejected.

    The one intake path, run by the Storage finalize event and by the explicit
    call. Idempotent: a record already settled for this generation is returned
    unchanged. A rejected file is deleted and its refusal code recorded. Returns
    ``None`` for an object no record of the owner knows (it is deleted: nothing
    unchecked stays in the vault). Without the vault consent (R9) the file and
    its record are deleted and the refusal raised.
    """
    owner_uid = owner_of(access, intake=True)
    document_id = _document_id_of(vault, owner_uid, object_name)
    document = vault.metadata.get(owner_uid, document_id) if document_id else None
    if document is None:
        if document_id is not None:
            vault.objects.delete(object_name)
        return None
    no_basis = _basis_refusal(vault, owner_uid)
    if no_basis is not None and document.status is not DocumentStatus.AVAILABLE:
        # Nothing new enters a vault without consent; what is already there stays
        # until the person empties it (withdrawal) or lifts the restriction.
        _erase(vault, document)
        raise VaultRefusal(no_basis)
    if document.status is DocumentStatus.DELETING:
        return document
    if document.status in FINAL_STATUSES and (
        generation is None or generation == document.generation
    ):
        return document
    stored = vault.objects.read(object_name)
    if stored is None:
        return document  # deleted meanwhile (or not uploaded yet): nothing to check
    if document.status in FINAL_STATUSES and stored.generation == document.generation:
        return document  # a late event for a generation already settled
    refusal = content_refusal(
        document.declared_content_type, document.declared_size, content_facts(stored.data)
    )
    if refusal is None:
        verdict = _scan_or_mark_pending(vault, document, stored.data)
        if not verdict.clean:
            refusal = RefusalCode.MALWARE_FOUND

    def decide(current: VaultDocument, everything: list[VaultDocument]) -> VaultDocument | None:
        if current.status is DocumentStatus.DELETING or (
            current.status in FINAL_STATUSES and current.generation == stored.generation
        ):
            return None  # another delivery settled it first
        outcome = refusal or quota_refusal(
            used_bytes(everything, excluding=current.document_id), len(stored.data), vault.quota
        )
        now = _now()
        return current.model_copy(
            update={
                "status": DocumentStatus.REJECTED if outcome else DocumentStatus.AVAILABLE,
                "refusal": outcome,
                "content_type": current.declared_content_type if outcome is None else None,
                "size": len(stored.data),
                "generation": stored.generation,
                "checked_at": now,
                "updated_at": now,
            }
        )

    settled = vault.metadata.settle(owner_uid, document.document_id, decide)
    if settled is not None and settled.status is DocumentStatus.REJECTED:
        vault.objects.delete(object_name)
    return settled


def _scan_or_mark_pending(vault: Vault, document: VaultDocument, data: bytes) -> ScanVerdict:
    """clamd's verdict; with no scanner answering, the record reads ``scan_pending``.

    :class:`ScannerUnavailable` is raised again so that the delivery is retried (the
    Storage event) or the caller answers 503; the file stays where it is, unavailable.
    """
    try:
        return vault.scanner.scan(data)
    except ScannerUnavailable:
        log_event(
            SCAN_UNAVAILABLE_EVENT, "WARNING", component="vault", reason="scanner_unavailable"
        )

        def pending(current: VaultDocument, _: list[VaultDocument]) -> VaultDocument | None:
            if current.status is not DocumentStatus.AWAITING_UPLOAD:
                return None  # settled, being deleted, or already pending
            return current.model_copy(
                update={"status": DocumentStatus.SCAN_PENDING, "updated_at": _now()}
            )

        vault.metadata.settle(document.owner_uid, document.document_id, pending)
        raise


# Document ids are ``secrets.token_urlsafe`` strings.
DOCUMENT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def encode_cursor(document_id: str) -> str:
    return base64.urlsafe_b64encode(document_id.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        document_id = base64.urlsafe_b64decode(padded.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise VaultRefusal(RefusalCode.INVALID_CURSOR) from None
    # Only an id of ours can be looked up: anything else is not one of our cursors.
    if not DOCUMENT_ID.fullmatch(document_id):
        raise VaultRefusal(RefusalCode.INVALID_CURSOR)
    return document_id


def list_documents(
    vault: Vault,
    access: Access,
    *,
    kind: DocumentKind | None = None,
    aid_id: str | None = None,
    cursor: str | None = None,
    limit: int = DEFAULT_PAGE_SIZE,
    language: Language = "fr",
) -> DocumentPage:
    """The owner's documents, newest first, filtered by kind or aid, one page at a time."""
    owner_uid = owner_of(access)
    _require_basis(vault, owner_uid)
    after = decode_cursor(cursor) if cursor else None
    documents, cursor_valid, next_id = vault.metadata.page(
        owner_uid,
        kind=kind.value if kind else None,
        aid_id=aid_id,
        limit=max(1, min(limit, MAX_PAGE_SIZE)),
        after_document_id=after,
    )
    if not cursor_valid:
        raise VaultRefusal(RefusalCode.INVALID_CURSOR)
    return DocumentPage(
        documents=[view_of(d, language) for d in documents],
        next_cursor=encode_cursor(next_id) if next_id else None,
    )


def get_document(
    vault: Vault, access: Access, document_id: str, *, owner_only: bool = False
) -> VaultDocument:
    """One of the owner's documents."""
    owner_uid = owner_of(access, owner_only=owner_only)
    _require_basis(vault, owner_uid)
    return _owned(vault, owner_uid, document_id)


def download_link(vault: Vault, access: Access, document_id: str) -> DocumentDownload:
    """A short-lived URL that downloads an available document as an attachment."""
    document = get_document(vault, access, document_id)
    if document.status is not DocumentStatus.AVAILABLE or document.content_type is None:
        raise VaultRefusal(RefusalCode.DOCUMENT_NOT_READY)
    signed = vault.objects.signed_download(
        document.object_name, document.display_name, document.content_type
    )
    return DocumentDownload(url=signed.url, expires_at=signed.expires_at)


def change_document(
    vault: Vault, access: Access, document_id: str, changes: DocumentChanges
) -> VaultDocument:
    """Rename or re-tag: only the fields given change; the name is sanitised again."""
    document = get_document(vault, access, document_id, owner_only=True)
    update: dict[str, object] = {
        name: value for name, value in changes.model_dump(exclude_unset=True).items()
    }
    if "display_name" in update:
        update["display_name"] = sanitise_display_name(str(update["display_name"] or ""))
    if "aid_ids" in update:
        update["aid_ids"] = sorted(set(changes.aid_ids or []))
    if update.get("kind") is None:
        update.pop("kind", None)
    update["updated_at"] = _now()
    changed = document.model_copy(update=update)
    VaultDocument.model_validate(changed.model_dump())
    vault.metadata.save(changed)
    return changed


def _erase(vault: Vault, document: VaultDocument) -> None:
    """Record ``deleting`` first, then the object, then the record.

    A crash anywhere leaves either the record in ``deleting`` (a retry finishes)
    or nothing; never a record pointing at nothing the person can still see.
    """
    if document.status is not DocumentStatus.DELETING:
        vault.metadata.save(
            document.model_copy(update={"status": DocumentStatus.DELETING, "updated_at": _now()})
        )
    vault.objects.delete(document.object_name)
    vault.metadata.delete(document.owner_uid, document.document_id)


def delete_document(vault: Vault, access: Access, document_id: str) -> DeletedDocument:
    """Delete a document's file and record together; a retry finishes an interrupted one.

    No consent check: a person can always delete their own data.
    """
    document = vault.metadata.get(owner_of(access, owner_only=True), document_id)
    if document is None:
        raise VaultRefusal(RefusalCode.DOCUMENT_NOT_FOUND)
    _erase(vault, document)
    return DeletedDocument(
        document_id=document.document_id, kind=document.kind, display_name=document.display_name
    )


def empty_vault(vault: Vault, access: Access) -> VaultEmptied:
    """Delete every document of the owner and any stray file in their folder (R9).

    Called when the vault consent is withdrawn (after the person confirmed); the
    answer says what was deleted. Safe to run again after a crash.
    """
    owner_uid = owner_of(access, owner_only=True)
    deleted: list[DeletedDocument] = []
    known: set[str] = set()
    for document in vault.metadata.all(owner_uid):
        known.add(document.object_name)
        _erase(vault, document)
        deleted.append(
            DeletedDocument(
                document_id=document.document_id,
                kind=document.kind,
                display_name=document.display_name,
            )
        )
    strays = [n for n in vault.objects.names_under(vault.owner_prefix(owner_uid)) if n not in known]
    for name in strays:
        vault.objects.delete(name)
    deleted.sort(key=lambda d: d.document_id)
    return VaultEmptied(deleted=deleted, orphan_objects_deleted=len(strays))


def checklists(
    vault: Vault, access: Access, aid_ids: Sequence[str], today: date | None = None
) -> list[AidChecklist]:
    """For each aid, which documents the vault holds, misses, or holds outdated.

    ``aid_ids``: the aids the latest simulation says the person may get.
    """
    owner_uid = owner_of(access)
    _require_basis(vault, owner_uid)
    held = [
        HeldDocument(
            document_id=d.document_id,
            kind=d.kind.value,
            aid_ids=tuple(d.aid_ids),
            income_year=d.income_year,
            issued_on=d.issued_on,
        )
        for d in vault.metadata.all(owner_uid)
        if d.status is DocumentStatus.AVAILABLE
    ]
    return build_checklists(load_catalogue(), aid_ids, held, today or datetime.now(UTC).date())


def deposit_generated(
    vault: Vault,
    access: Access,
    data: bytes,
    *,
    content_type: str,
    kind: DocumentKind,
    aid_ids: Sequence[str],
    display_name: str,
) -> VaultDocument:
    """Store a file the service made itself (a pre-filled form) and check it like any upload."""
    owner_uid = owner_of(access)
    _require_basis(vault, owner_uid)
    refusal = declared_refusal(content_type, len(data))
    if refusal is not None:
        raise VaultRefusal(refusal)
    document = _new_record(
        vault,
        owner_uid,
        UploadSlotRequest(
            content_type=content_type,
            size=len(data),
            kind=kind,
            aid_ids=list(aid_ids),
            file_name=display_name,
        ),
    )
    object_name = document.object_name
    generation = vault.objects.write(object_name, data, content_type)
    settled = finalise_upload(vault, access, object_name, generation)
    if settled is None:
        raise VaultRefusal(RefusalCode.DOCUMENT_NOT_FOUND)
    if settled.refusal is not None:
        raise VaultRefusal(settled.refusal)
    return settled
