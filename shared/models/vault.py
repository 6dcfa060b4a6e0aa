"""Vault documents: what is stored about each file (R9) and the use cases' bodies.

``beneficiaries/{uid}/vault_documents/{document_id}`` holds one
:class:`VaultDocument` per file; the file itself is the object
``{vault prefix of uid}{document_id}`` in the private vault bucket. Every stored
field declares its data category (policy §2.1): what the document is and which
aids it serves say something about the person's situation (diagnostic); the
technical trail of the upload is interaction data.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from shared.domain.data_categories import DataCategory, categorised
from shared.domain.strict import StrictModel
from shared.domain.vault.content import ALLOWED_CONTENT_TYPES, MAX_FILE_BYTES
from shared.domain.vault.kinds import DocumentKind
from shared.domain.vault.refusals import RefusalCode
from shared.models.account import POLICY_VERSION_MAX

C = DataCategory

AidId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,63}$")]


def _in_catalogue(aid_id: str) -> str:
    """Refuse an aid the catalogue does not list (checked on requests, not on stored records)."""
    from shared.domain.aids.catalogue import catalogue_aid_ids

    if aid_id not in catalogue_aid_ids():
        raise ValueError("unknown aid: not in the catalogue (GET /simulate/catalogue)")
    return aid_id


# An aid id a request may name: one of the catalogue's.
KnownAidId = Annotated[AidId, AfterValidator(_in_catalogue)]
# A page cursor as the list hands it out (URL-safe base64 of a document id).
Cursor = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,200}$")]
IncomeYear = Annotated[int, Field(ge=2000, le=2100)]


class DocumentStatus(StrEnum):
    """Life of a vault document.

    ``awaiting_upload`` → (finalise) → ``available`` or ``rejected``; any of them →
    ``deleting`` → gone. ``scan_pending``: the bytes arrived but no malware scanner
    answered; the file is not available (nothing is accepted unscanned) and the next
    finalise (a retried Storage event or call) settles it as usual. ``deleting`` is
    written before the object is deleted so that a crash between the two deletes is
    finished by a retry instead of leaving metadata pointing at nothing (or an object
    no metadata knows).
    """

    AWAITING_UPLOAD = "awaiting_upload"
    SCAN_PENDING = "scan_pending"
    AVAILABLE = "available"
    REJECTED = "rejected"
    DELETING = "deleting"


FINAL_STATUSES = frozenset({DocumentStatus.AVAILABLE, DocumentStatus.REJECTED})
LISTED_STATUSES = (
    DocumentStatus.AWAITING_UPLOAD,
    DocumentStatus.SCAN_PENDING,
    DocumentStatus.AVAILABLE,
    DocumentStatus.REJECTED,
)


class VaultDocument(StrictModel):
    """``beneficiaries/{uid}/vault_documents/{document_id}``: one file of the vault."""

    document_id: str = categorised(C.INTERACTION)
    owner_uid: str = categorised(C.IDENTIFICATION)
    object_name: str = categorised(C.INTERACTION)
    kind: DocumentKind = categorised(C.DIAGNOSTIC)
    aid_ids: list[str] = categorised(C.DIAGNOSTIC, default_factory=list)
    # Sanitised; the original name is never stored (it may carry anything).
    display_name: str = categorised(C.DIAGNOSTIC)
    # Income year of a tax notice, issue date of a dated proof: what the checklist
    # needs to tell a current document from an outdated one.
    income_year: int | None = categorised(C.DIAGNOSTIC, None)
    issued_on: date | None = categorised(C.DIAGNOSTIC, None)
    declared_content_type: str = categorised(C.INTERACTION)
    declared_size: int = categorised(C.INTERACTION)
    content_type: str | None = categorised(C.INTERACTION, None)
    size: int | None = categorised(C.INTERACTION, None)
    generation: int | None = categorised(C.INTERACTION, None)
    status: DocumentStatus = categorised(C.INTERACTION)
    refusal: RefusalCode | None = categorised(C.INTERACTION, None)
    created_at: datetime = categorised(C.INTERACTION)
    updated_at: datetime = categorised(C.INTERACTION)
    checked_at: datetime | None = categorised(C.INTERACTION, None)

    @property
    def stored_bytes(self) -> int:
        """Bytes this document holds in the bucket (what the quota counts)."""
        if self.status in (DocumentStatus.AVAILABLE, DocumentStatus.DELETING):
            return self.size or 0
        return 0


# ---------------------------------------------------------------- requests


class UploadSlotRequest(StrictModel):
    """What a client declares before uploading a file."""

    content_type: str = Field(
        max_length=100, description="One of " + ", ".join(sorted(ALLOWED_CONTENT_TYPES))
    )
    size: int = Field(gt=0, le=MAX_FILE_BYTES, description="Exact size in bytes.")
    kind: DocumentKind = Field(
        description="What the document is (a vault kind, see GET /simulate/catalogue)."
    )
    aid_ids: list[KnownAidId] = Field(
        default_factory=list,
        max_length=40,
        description="The aids (catalogue ids) the document serves; at most 40.",
    )
    file_name: str = Field(
        default="", max_length=1000, description="Kept only as sanitised metadata."
    )
    income_year: IncomeYear | None = Field(
        None, description="Income year of a tax notice (2000 to 2100)."
    )
    issued_on: date | None = Field(None, description="Issue date of a dated proof (YYYY-MM-DD).")


class DocumentChanges(StrictModel):
    """Rename or re-tag: only the fields given change."""

    display_name: str | None = Field(
        default=None,
        max_length=1000,
        description="New name shown in the vault (at most 1000 characters).",
    )
    kind: DocumentKind | None = Field(
        None, description="New kind (a vault kind, see GET /simulate/catalogue)."
    )
    aid_ids: list[KnownAidId] | None = Field(
        default=None,
        max_length=40,
        description="New list of aids (catalogue ids) the document serves.",
    )
    income_year: IncomeYear | None = Field(
        None, description="Income year of a tax notice (2000 to 2100)."
    )
    issued_on: date | None = Field(None, description="Issue date of a dated proof (YYYY-MM-DD).")


# ---------------------------------------------------------------- responses


class SignedUpload(StrictModel):
    """Where and how to send the file: ``PUT url`` with exactly these headers."""

    document_id: str = Field(description="The new document's id: finalise it after the upload.")
    url: str = Field(description="A short-lived signed URL to send the file to.")
    method: str = Field("PUT", description="The HTTP method to use: PUT.")
    headers: dict[str, str] = Field(description="Headers to send exactly as given with the file.")
    expires_at: datetime = Field(description="When the URL stops working (ISO 8601, UTC).")


class DocumentView(StrictModel):
    """A vault document as its owner sees it."""

    document_id: str = Field(
        description="The document's id, used in /vault/documents/{document_id}."
    )
    kind: DocumentKind = Field(
        description="What the document is (a vault kind, see GET /simulate/catalogue)."
    )
    kind_label: str = Field(description="The kind's name, in the person's language.")
    aid_ids: list[str] = Field(description="The aids (catalogue ids) the document serves.")
    display_name: str = Field(description="Its name as shown in the vault (sanitised).")
    income_year: int | None = Field(description="Income year of a tax notice; null when not given.")
    issued_on: date | None = Field(
        description="Issue date of a dated proof (YYYY-MM-DD); null when not given."
    )
    content_type: str | None = Field(
        description="The file's checked media type (e.g. application/pdf); null until uploaded."
    )
    size: int | None = Field(description="The file's size in bytes; null until uploaded.")
    status: DocumentStatus = Field(
        description=(
            "awaiting_upload, scan_pending (received, waiting for the malware scan),"
            " available, rejected (see refusal) or deleting."
        )
    )
    refusal: RefusalCode | None = Field(
        description="Why the file was rejected, as a stable code; null unless rejected."
    )
    refusal_message: str | None = Field(
        description="The refusal in plain words, in the person's language; null unless rejected."
    )
    status_message: str | None = Field(
        default=None,
        description="What the status means for the person, when it needs words "
        "(scan_pending: received, waiting for the malware scan).",
    )
    created_at: datetime = Field(description="When the document was created (ISO 8601, UTC).")


class DocumentPage(StrictModel):
    documents: list[DocumentView] = Field(description="The documents of this page.")
    next_cursor: str | None = Field(
        description="Pass it back as ``cursor`` for the next page; null on the last one."
    )


class DeletedDocument(StrictModel):
    document_id: str = Field(description="The deleted document's id.")
    kind: DocumentKind = Field(
        description="What the document was (a vault kind, see GET /simulate/catalogue)."
    )
    display_name: str = Field(description="Its name as shown in the vault.")


class VaultEmptied(StrictModel):
    """What withdrawing the vault consent deleted (R9)."""

    deleted: list[DeletedDocument]
    orphan_objects_deleted: int = Field(
        description="Files found in the vault folder without a document record, deleted too."
    )


class DocumentDownload(StrictModel):
    url: str = Field(description="A short-lived signed URL to download the file.")
    expires_at: datetime = Field(description="When the URL stops working (ISO 8601, UTC).")


# ---------------------------------------------------------------- HTTP bodies


class DocumentQuery(StrictModel):
    """Which documents to list: filters (kind, aid) and the page."""

    kind: DocumentKind | None = Field(
        None, description="Only documents of this kind; omit for all."
    )
    aid_id: KnownAidId | None = Field(
        None, description="Only documents serving this aid (catalogue id); omit for all."
    )
    cursor: Cursor | None = Field(
        None, description="next_cursor of the previous page; omit for the first page."
    )
    limit: int = Field(
        default=20, ge=1, le=100, description="Documents per page (1 to 100, default 20)."
    )


class ChecklistItemView(StrictModel):
    document: str = Field(description="The document's id (a vault kind).")
    document_label: str = Field(description="The document's name, in the person's language.")
    status: str = Field(description="present, missing, expired or to_check")
    document_ids: list[str] = Field(description="Vault documents that match it.")


class AidChecklistView(StrictModel):
    aid_id: str = Field(description="The aid's catalogue id.")
    aid_label: str = Field(description="The aid's name, in the person's language.")
    complete: bool = Field(description="True when every document the aid needs is present.")
    items: list[ChecklistItemView] = Field(description="The documents the aid needs.")


class ChecklistResponse(StrictModel):
    """Per aid of the latest simulation: the documents it needs and where they stand."""

    simulation_id: str | None = Field(description="The simulation read; null when there is none.")
    simulated_at: datetime | None = Field(
        description="When that simulation was made (ISO 8601, UTC); null when there is none."
    )
    aids: list[AidChecklistView] = Field(
        description="Per aid the latest simulation found, its documents and where they stand."
    )


class VaultConsentWithdrawal(StrictModel):
    """Withdraw the vault consent (R9): the vault is emptied, so it takes an explicit yes."""

    confirm_empty_vault: Literal[True] = Field(
        description="Must be true: every document of the vault is deleted."
    )
    policy_version: str = Field(
        min_length=1,
        max_length=POLICY_VERSION_MAX,
        description="The policy version shown when the choice was made; must be the current one.",
    )


class VaultConsentWithdrawn(StrictModel):
    """The consent is withdrawn and this is what was deleted."""

    consent_granted: bool = Field(description="Always false: the vault consent is withdrawn.")
    deleted: list[DeletedDocument] = Field(description="The documents deleted with the vault.")
    orphan_objects_deleted: int = Field(
        description="Files found in the vault folder without a document record, deleted too."
    )
