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

    state: StoreState = Field(
        "pending", description="pending, done, kept (retained by law) or failed."
    )
    removed: int = Field(0, description="Items removed from this location.")
    kept: int = Field(0, description="Items kept in this location by law.")
    error_code: str | None = Field(
        None, description="The last error met, as a stable code; null when none."
    )
    updated_at: datetime | None = Field(
        None, description="When this location's status last changed; null before the first step."
    )


class KeptByLaw(StrictModel):
    """Data an erasure leaves in place, with why and until when (named on the receipt)."""

    location: str = Field(
        description="Where the kept data is (a location of the register of processing)."
    )
    description: str = Field(description="What is kept, in plain words.")
    legal_basis: str = Field(description="The legal obligation that requires keeping it.")
    source: str = Field(description="The legal text (article, decree) it comes from.")
    until: Day = Field(description="The last day it is kept (YYYY-MM-DD).")


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

    notice: str = Field(description="What erasing the account means, in the person's language.")
    stops: list[str] = Field(description="The services that stop, in plain words.")
    kept_by_law: list[KeptByLaw] = Field(
        description="Data the law requires to keep after the erasure, with until when."
    )
    backups_expire_after_days: int = Field(
        description="Days after which backups holding the erased data expire."
    )
    confirm_with: str = Field(description="The word to send as confirm to go ahead.")


class ErasureConfirmation(StrictModel):
    """Body of the confirmation: the person typed the confirmation word shown in the notice."""

    confirm: str = Field(
        min_length=1,
        max_length=40,
        description=(
            "The confirmation word shown in the erasure notice (confirm_with), typed by the person."
        ),
    )


class ErasureReceipt(StrictModel):
    """The proof handed to the person: no personal data, only a pseudonymous id."""

    pseudonymous_id: str = Field(
        description="A keyed hash standing for the person: the receipt holds no personal data."
    )
    status: JobState = Field(description="confirmed, running, failed (retried) or done.")
    requested_at: datetime = Field(description="When the erasure was requested (ISO 8601, UTC).")
    completed_at: datetime | None = Field(description="When every store was done; null until then.")
    stores: dict[str, StoreStatus] = Field(
        description="Each data location of the register and how its erasure went."
    )
    remaining_after_scan: dict[str, int] = Field(
        description="Items still found per location by the final scan (0 when all is gone)."
    )
    kept_by_law: list[KeptByLaw] = Field(
        description="Data the law requires to keep, with until when."
    )
    backups_expire_on: Day = Field(
        description="The day the last backup holding the data expires (YYYY-MM-DD)."
    )
    receipt_url: str = Field(
        description="Where this receipt can be read again, without signing in."
    )


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

    recipient: MailAddress | None = Field(
        None,
        description=(
            "E-mail address of a third party to send the export to (portability);"
            " confirmed before sending. Omit to download it yourself."
        ),
    )


class ExportDownload(StrictModel):
    """What the landing link of a mailed export gives: a fresh short-lived download URL."""

    download_url: str = Field(
        description="A signed URL to download the export archive (ZIP); it expires soon."
    )
    url_expires_at: datetime = Field(
        description="When the download URL stops working (ISO 8601, UTC)."
    )
    export_expires_at: datetime = Field(
        description="When the export itself is deleted (ISO 8601, UTC)."
    )


class ExportStatus(StrictModel):
    """What the person sees of an export: progress, then a short-lived download link."""

    export_id: str = Field(description="The export's id, used in /privacy/exports/{export_id}.")
    status: ExportState = Field(description="queued, running, ready (download_url set) or failed.")
    requested_at: datetime = Field(description="When it was requested (ISO 8601, UTC).")
    completed_at: datetime | None = Field(
        description="When it was ready or failed; null until then."
    )
    progress: dict[str, int] = Field(description="Items exported so far, per data location.")
    size_bytes: int | None = Field(description="Size of the archive in bytes; null until ready.")
    expires_at: datetime | None = Field(
        description="When the archive is deleted; null until ready."
    )
    download_url: str | None = Field(
        description="A short-lived signed URL to download the archive; null until ready."
    )
    recipient: str | None = Field(
        description="The third party's e-mail address the export goes to; null when none."
    )
    recipient_confirmed: bool = Field(
        description="Whether the person confirmed sending it to the recipient."
    )
    sent_at: datetime | None = Field(
        description="When the link was e-mailed to the recipient; null until sent."
    )


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

    choice: DirectiveChoice = Field(
        description=(
            "What to do with the data after death: keep, erase, or communicate "
            "(send it to the trusted contact)."
        )
    )
    trusted_contact_name: str = Field(
        min_length=1,
        max_length=120,
        description="The trusted contact's name (1 to 120 characters).",
    )
    trusted_contact_email: MailAddress = Field(description="The trusted contact's e-mail address.")


class DirectiveOut(StrictModel):
    choice: DirectiveChoice = Field(
        description=(
            "keep, erase, or communicate (send the data to the trusted contact) after death."
        )
    )
    trusted_contact_name: str = Field(description="The trusted contact's name.")
    trusted_contact_email: str = Field(description="The trusted contact's e-mail address.")
    recorded_at: datetime = Field(description="When the directive was recorded (ISO 8601, UTC).")


class DeathNotice(StrictModel):
    """Body of the execution: whose directive, the death notice verified, and when."""

    subject_uid: str = Field(min_length=1, max_length=128, description="The deceased person's uid.")
    evidence: DeathEvidence = Field(
        description=(
            "The proof of death checked: death_certificate, "
            "civil_register_extract or notary_letter."
        )
    )
    verified_on: date = Field(description="The day the privacy officer verified it (YYYY-MM-DD).")


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

    choice: DirectiveChoice = Field(
        description=(
            "What the directive asked: keep, erase, or communicate (send the data"
            " to the trusted contact)."
        )
    )
    death_notice_verified_on: date = Field(
        description="The day the death notice was verified (YYYY-MM-DD)."
    )
    at: datetime = Field(description="When the directive was carried out (ISO 8601, UTC).")
    export_id: str | None = Field(
        description=(
            "The export prepared for the trusted contact (choice communicate); null otherwise."
        )
    )
    erasure_receipt_url: str | None = Field(
        description="Where the erasure receipt can be read (choice erase); null otherwise."
    )
    contact_notified: bool = Field(description="Whether the trusted contact was e-mailed.")
    steps: dict[DirectiveStep, StepState] = Field(
        description=(
            "Each step the choice needs (export, erasure, contact_mail) and its state:"
            " pending, started, done, failed, or uncertain (a mail that may have left"
            " before a crash, never sent again)."
        )
    )
    completed: bool = Field(description="Whether every step has ended.")


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

    action: str = Field(
        description="What was done (e.g. registered, identity_verified, extended, answered)."
    )
    at: datetime = Field(description="When (ISO 8601, UTC).")
    officer_ref: str = Field(description="A keyed hash of the privacy officer who did it.")


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

    kind: RequestKind = Field(
        description=(
            "The right exercised: access, rectification, erasure, portability, "
            "objection, restriction or post_mortem_directive."
        )
    )
    channel: RequestChannel = Field(description="How the request arrived: post or email.")
    received_on: date = Field(
        description=(
            "The day it was received (YYYY-MM-DD): the one-month answer deadline runs from it."
        )
    )
    identity: IdentityCheck = Field(
        description="The identity check of the requester: pending, verified or failed."
    )
    reply_email: MailAddress | None = Field(
        None, description="Where to answer an e-mailed request; cleared once answered."
    )
    subject_uid: str | None = Field(
        default=None,
        min_length=1,
        max_length=128,
        description="The uid of the person the request is about, when they have an account.",
    )


class IdentityUpdate(StrictModel):
    """Body of ``POST /privacy/requests/{id}/identity``."""

    identity: IdentityCheck = Field(
        description="The identity check of the requester: pending, verified or failed."
    )


class ExtensionRequest(StrictModel):
    """Body of ``POST /privacy/requests/{id}/extension``: why, and when a posted notice left.

    A request with a reply address gets the notice by e-mail at once; otherwise the
    officer says when the letter was posted.
    """

    reason: str = Field(
        min_length=1,
        max_length=1000,
        description="Why the answer needs more time (told to the person; 1 to 1000 characters).",
    )
    notice_posted_on: date | None = Field(
        None,
        description=(
            "The day the extension letter was posted, for a request without an "
            "e-mail address (YYYY-MM-DD)."
        ),
    )


class AnswerRecord(StrictModel):
    """Body of ``POST /privacy/requests/{id}/answer``: the day the answer was sent."""

    answered_on: date = Field(description="The day the answer was sent to the person (YYYY-MM-DD).")


class RightsRequestOut(StrictModel):
    id: str = Field(description="The request's id.")
    kind: RequestKind = Field(
        description=(
            "The right exercised: access, rectification, erasure, portability, "
            "objection, restriction or post_mortem_directive."
        )
    )
    channel: RequestChannel = Field(description="post or email.")
    received_on: date = Field(description="The day it was received (YYYY-MM-DD).")
    identity: IdentityCheck = Field(description="pending, verified or failed.")
    due_on: date = Field(
        description=(
            "The day the answer is due (YYYY-MM-DD): one month after receipt, or "
            "three with an extension."
        )
    )
    extended: bool = Field(description="Whether the deadline was extended.")
    extension_reason: str | None = Field(description="Why it was extended; null otherwise.")
    answered_on: date | None = Field(
        description="The day the answer was sent; null until answered."
    )
    overdue: bool = Field(description="True when due_on has passed without an answer.")
    steps: list[RequestStep] = Field(description="What was done so far.")


class RightsRequestList(StrictModel):
    requests: list[RightsRequestOut] = Field(
        description="Unanswered requests past their due date, the most overdue first."
    )
