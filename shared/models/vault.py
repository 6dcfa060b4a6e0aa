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
    kind: DocumentKind
    aid_ids: list[KnownAidId] = Field(default_factory=list, max_length=40)
    file_name: str = Field(
        default="", max_length=1000, description="Kept only as sanitised metadata."
    )
    income_year: IncomeYear | None = None
    issued_on: date | None = None


class DocumentChanges(StrictModel):
    """Rename or re-tag: only the fields given change."""

    display_name: str | None = Field(default=None, max_length=1000)
    kind: DocumentKind | None = None
    aid_ids: list[KnownAidId] | None = Field(default=None, max_length=40)
    income_year: IncomeYear | None = None
    issued_on: date | None = None


# ---------------------------------------------------------------- responses


class SignedUpload(StrictModel):
    """Where and how to send the file: ``PUT url`` with exactly these headers."""

    document_id: str
    url: str
    method: str = "PUT"
    headers: dict[str, str]
    expires_at: datetime


class DocumentView(StrictModel):
    """A vault document as its owner sees it."""

    document_id: str
    kind: DocumentKind
    kind_label: str
    aid_ids: list[str]
    display_name: str
    income_year: int | None
    issued_on: date | None
    content_type: str | None
    size: int | None
    status: DocumentStatus
    refusal: RefusalCode | None
    refusal_message: str | None
    status_message: str | None = Field(
        default=None,
        description="What the status means for the person, when it needs words "
        "(scan_pending: received, waiting for the malware scan).",
    )
    created_at: datetime


class DocumentPage(StrictModel):
    documents: list[DocumentView]
    next_cursor: str | None = Field(
        description="Pass it back as ``cursor`` for the next page; null on the last one."
    )


class DeletedDocument(StrictModel):
    document_id: str
    kind: DocumentKind
    display_name: str


class VaultEmptied(StrictModel):
    """What withdrawing the vault consent deleted (R9)."""

    deleted: list[DeletedDocument]
    orphan_objects_deleted: int = Field(
        description="Files found in the vault folder without a document record, deleted too."
    )


class DocumentDownload(StrictModel):
    url: str
    expires_at: datetime


# ---------------------------------------------------------------- HTTP bodies


class DocumentQuery(StrictModel):
    """Which documents to list: filters (kind, aid) and the page."""

    kind: DocumentKind | None = None
    aid_id: KnownAidId | None = None
    cursor: Cursor | None = None
    limit: int = Field(default=20, ge=1, le=100)


class ChecklistItemView(StrictModel):
    document: str
    document_label: str
    status: str = Field(description="present, missing, expired or to_check")
    document_ids: list[str]


class AidChecklistView(StrictModel):
    aid_id: str
    aid_label: str
    complete: bool
    items: list[ChecklistItemView]


class ChecklistResponse(StrictModel):
    """Per aid of the latest simulation: the documents it needs and where they stand."""

    simulation_id: str | None = Field(description="The simulation read; null when there is none.")
    simulated_at: datetime | None
    aids: list[AidChecklistView]


class VaultConsentWithdrawal(StrictModel):
    """Withdraw the vault consent (R9): the vault is emptied, so it takes an explicit yes."""

    confirm_empty_vault: Literal[True] = Field(
        description="Must be true: every document of the vault is deleted."
    )
    policy_version: str = Field(min_length=1, max_length=POLICY_VERSION_MAX)


class VaultConsentWithdrawn(StrictModel):
    """The consent is withdrawn and this is what was deleted."""

    consent_granted: bool
    deleted: list[DeletedDocument]
    orphan_objects_deleted: int
