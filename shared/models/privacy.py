"""Stored records and API bodies of the privacy rights: erasure (R21, R22, R28) and export (R27).

An erasure job names its person only by a keyed hash (``subject_ref``); the
uid and e-mail it needs to reach every store are working fields, cleared when
the job ends, so what stays as proof holds no personal data. Store statuses
are keyed by registry location, so a location registered later gets its own
line without any change here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, PlainSerializer, StringConstraints

from shared.domain.data_categories import DataCategory, categorised
from shared.domain.strict import StrictModel

C = DataCategory

# Calendar days stored as ISO 8601 text (Firestore stores datetimes, not dates).
Day = Annotated[date, PlainSerializer(lambda day: day.isoformat(), return_type=str)]

# A plain address check (one @, a dotted domain, no spaces): the provider validates the rest.
MailAddress = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
]

StoreState = Literal["pending", "done", "kept", "failed"]
JobState = Literal["confirmed", "running", "failed", "done"]


class StoreStatus(StrictModel):
    """How one registry location fared: items removed (or kept), and the last error code."""

    state: StoreState = "pending"
    removed: int = 0
    kept: int = 0
    error_code: str | None = None
    updated_at: datetime | None = None


class KeptByLaw(StrictModel):
    """Data an erasure leaves in place, with why and until when (named on the receipt)."""

    location: str
    description: str
    legal_basis: str
    source: str
    until: Day


class ErasureJob(StrictModel):
    """``erasure_jobs/{job_id}``: one erasure, resumable store by store."""

    subject_ref: str = categorised(C.INTERACTION)
    receipt_id: str = categorised(C.INTERACTION)
    status: JobState = categorised(C.INTERACTION)
    requested_at: datetime = categorised(C.INTERACTION)
    confirmed_at: datetime = categorised(C.INTERACTION)
    completed_at: datetime | None = categorised(C.INTERACTION, None)
    attempts: int = categorised(C.INTERACTION, 0)
    stores: dict[str, StoreStatus] = categorised(C.INTERACTION, default_factory=dict)
    remaining_after_scan: dict[str, int] = categorised(C.INTERACTION, default_factory=dict)
    kept_by_law: list[KeptByLaw] = categorised(C.INTERACTION, default_factory=list)
    backups_expire_on: Day = categorised(C.INTERACTION)
    # Working data, needed to reach every store while the job runs; cleared when it ends.
    working_uid: str | None = categorised(C.IDENTIFICATION, None)
    working_email: str | None = categorised(C.CONTACT, None)


class ErasureNotice(StrictModel):
    """What erasure stops, read before confirming (R30), and what it will keep by law."""

    notice: str
    stops: list[str]
    kept_by_law: list[KeptByLaw]
    backups_expire_after_days: int
    confirm_with: str


class ErasureConfirmation(StrictModel):
    """Body of the confirmation: the person typed the confirmation word shown in the notice."""

    confirm: str = Field(min_length=1, max_length=40)


class ErasureReceipt(StrictModel):
    """The proof handed to the person: no personal data, only a pseudonymous id."""

    pseudonymous_id: str
    status: JobState
    requested_at: datetime
    completed_at: datetime | None
    stores: dict[str, StoreStatus]
    remaining_after_scan: dict[str, int]
    kept_by_law: list[KeptByLaw]
    backups_expire_on: Day
    receipt_url: str


ExportState = Literal["queued", "running", "ready", "failed"]


class ExportRecord(StrictModel):
    """``beneficiaries/{uid}/exports/{export_id}``: one portability export (R27)."""

    status: ExportState = categorised(C.REQUESTS)
    requested_at: datetime = categorised(C.REQUESTS)
    completed_at: datetime | None = categorised(C.REQUESTS, None)
    progress: dict[str, int] = categorised(C.REQUESTS, default_factory=dict)
    object_name: str | None = categorised(C.REQUESTS, None)
    size_bytes: int | None = categorised(C.REQUESTS, None)
    expires_at: datetime | None = categorised(C.REQUESTS, None)
    # R27: a third party the person designated, after the confirmation step.
    recipient: str | None = categorised(C.CONTACT, None)
    recipient_confirmed: bool = categorised(C.REQUESTS, False)
    sent_at: datetime | None = categorised(C.REQUESTS, None)
    error_code: str | None = categorised(C.REQUESTS, None)
    # The keyed hash of the token in the link mailed to the recipient: the landing
    # endpoint finds the export by it and issues a fresh short-lived download URL.
    link_ref: str | None = categorised(C.REQUESTS, None)
    # Why the export is made: the person's portability request, or their post-mortem
    # directive carried out for their trusted contact (R29).
    reason: Literal["portability", "post_mortem"] = categorised(C.REQUESTS, "portability")


class ExportRequest(StrictModel):
    """Body of an export request: optionally a third party's address to send it to."""

    recipient: MailAddress | None = None


class ExportDownload(StrictModel):
    """What the landing link of a mailed export gives: a fresh short-lived download URL."""

    download_url: str
    url_expires_at: datetime
    export_expires_at: datetime


class ExportStatus(StrictModel):
    """What the person sees of an export: progress, then a short-lived download link."""

    export_id: str
    status: ExportState
    requested_at: datetime
    completed_at: datetime | None
    progress: dict[str, int]
    size_bytes: int | None
    expires_at: datetime | None
    download_url: str | None
    recipient: str | None
    recipient_confirmed: bool
    sent_at: datetime | None


class InactivityWarning(StrictModel):
    """``beneficiaries/{uid}/inactivity_warnings/{id}``: the warning mail before R19 erasure."""

    sent_at: datetime = categorised(C.INTERACTION)
    last_active_at: datetime = categorised(C.INTERACTION)
    erasure_due_on: Day = categorised(C.INTERACTION)


class RetentionRun(StrictModel):
    """``retention_runs/{id}``: one sweep, without personal data (R23)."""

    ran_at: datetime = categorised(C.INTERACTION)
    warned: int = categorised(C.INTERACTION, 0)
    erasures_started: int = categorised(C.INTERACTION, 0)
    purged: dict[str, int] = categorised(C.INTERACTION, default_factory=dict)


# ---------------------------------------------------------- post-mortem directives (R29)

DirectiveChoice = Literal["keep", "erase", "communicate"]
DeathEvidence = Literal["death_certificate", "civil_register_extract", "notary_letter"]


class PostMortemDirective(StrictModel):
    """``beneficiaries/{uid}/directives/post_mortem``: what to do with the data after death."""

    choice: DirectiveChoice = categorised(C.REQUESTS)
    trusted_contact_name: str = categorised(C.CONTACT)
    trusted_contact_email: str = categorised(C.CONTACT)
    recorded_at: datetime = categorised(C.REQUESTS)


class DirectiveRequest(StrictModel):
    """Body of ``PUT /privacy/directive``: the choice and the trusted contact who receives it."""

    choice: DirectiveChoice
    trusted_contact_name: str = Field(min_length=1, max_length=120)
    trusted_contact_email: MailAddress


class DirectiveOut(StrictModel):
    choice: DirectiveChoice
    trusted_contact_name: str
    trusted_contact_email: str
    recorded_at: datetime


class DeathNotice(StrictModel):
    """Body of the execution: whose directive, the death notice verified, and when."""

    subject_uid: str = Field(min_length=1, max_length=128)
    evidence: DeathEvidence
    verified_on: date


# One step of a directive's execution: ``started`` is recorded before the step
# runs, ``done`` or ``failed`` after. A mail found ``started`` by a later call may
# have gone: it is recorded ``uncertain`` and never sent again.
DirectiveStep = Literal["export", "erasure", "contact_mail"]
StepState = Literal["pending", "started", "done", "failed", "uncertain"]


class DirectiveExecution(StrictModel):
    """``directive_executions/{keyed hash of the uid}``: a directive carried out, once.

    Recorded before anything runs, with the steps the choice needs; each step's
    state is recorded as it runs, so a call after a crash finishes the missing
    steps and repeats none (the export and erasure it starts, the contact's mail).
    """

    subject_ref: str = categorised(C.INTERACTION)
    choice: DirectiveChoice = categorised(C.INTERACTION)
    evidence: DeathEvidence = categorised(C.INTERACTION)
    death_notice_verified_on: Day = categorised(C.INTERACTION)
    officer_ref: str = categorised(C.INTERACTION)
    at: datetime = categorised(C.INTERACTION)
    export_id: str | None = categorised(C.INTERACTION, None)
    erasure_receipt_id: str | None = categorised(C.INTERACTION, None)
    contact_notified_at: datetime | None = categorised(C.INTERACTION, None)
    # Empty only on records made before steps were recorded: those were carried out whole.
    steps: dict[DirectiveStep, StepState] = categorised(C.INTERACTION, default_factory=dict)
    completed_at: datetime | None = categorised(C.INTERACTION, None)
    # Working data: the erasure step may delete the directive before the contact is
    # mailed, so who to tell is held here until the steps end, then cleared.
    working_contact_name: str | None = categorised(C.CONTACT, None)
    working_contact_email: str | None = categorised(C.CONTACT, None)


class DirectiveExecutionOut(StrictModel):
    """What the privacy officer sees: the choice carried out and what the contact received."""

    choice: DirectiveChoice
    death_notice_verified_on: date
    at: datetime
    export_id: str | None
    erasure_receipt_url: str | None
    contact_notified: bool
    steps: dict[DirectiveStep, StepState]
    completed: bool


# ---------------------------------------------------------- requests by post or e-mail (R30)

RequestKind = Literal[
    "access",
    "rectification",
    "erasure",
    "portability",
    "objection",
    "restriction",
    "post_mortem_directive",
]
RequestChannel = Literal["post", "email"]
IdentityCheck = Literal["pending", "verified", "failed"]


class RequestStep(StrictModel):
    """One step of a request's handling: what was done, when, by which officer (keyed hash)."""

    action: str
    at: datetime
    officer_ref: str


class RightsRequest(StrictModel):
    """``rights_requests/{id}``: a request received by post or e-mail, with its deadlines."""

    kind: RequestKind = categorised(C.REQUESTS)
    channel: RequestChannel = categorised(C.REQUESTS)
    received_on: Day = categorised(C.REQUESTS)
    identity: IdentityCheck = categorised(C.REQUESTS)
    subject_ref: str | None = categorised(C.INTERACTION, None)
    # Where to answer an e-mailed request; cleared once the request is answered.
    reply_email: str | None = categorised(C.CONTACT, None)
    due_on: Day = categorised(C.REQUESTS)
    extension_reason: str | None = categorised(C.REQUESTS, None)
    extension_notice_sent_on: Day | None = categorised(C.REQUESTS, None)
    answered_on: Day | None = categorised(C.REQUESTS, None)
    steps: list[RequestStep] = categorised(C.INTERACTION, default_factory=list)


class RightsRequestIn(StrictModel):
    """Body of ``POST /privacy/requests``: a request a privacy officer registers."""

    kind: RequestKind
    channel: RequestChannel
    received_on: date
    identity: IdentityCheck
    reply_email: MailAddress | None = None
    subject_uid: str | None = Field(default=None, min_length=1, max_length=128)


class IdentityUpdate(StrictModel):
    """Body of ``POST /privacy/requests/{id}/identity``."""

    identity: IdentityCheck


class ExtensionRequest(StrictModel):
    """Body of ``POST /privacy/requests/{id}/extension``: why, and when a posted notice left.

    A request with a reply address gets the notice by e-mail at once; otherwise the
    officer says when the letter was posted.
    """

    reason: str = Field(min_length=1, max_length=1000)
    notice_posted_on: date | None = None


class AnswerRecord(StrictModel):
    """Body of ``POST /privacy/requests/{id}/answer``: the day the answer was sent."""

    answered_on: date


class RightsRequestOut(StrictModel):
    id: str
    kind: RequestKind
    channel: RequestChannel
    received_on: date
    identity: IdentityCheck
    due_on: date
    extended: bool
    extension_reason: str | None
    answered_on: date | None
    overdue: bool
    steps: list[RequestStep]


class RightsRequestList(StrictModel):
    requests: list[RightsRequestOut]
