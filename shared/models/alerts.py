"""Smart alerts and mail suppressions: stored records, task payloads and API bodies (R5, R26).

A run and its batches name no person: counts, aid ids and versions only. What
a person was told is kept under their account (``alert_deliveries``), so it is
exported and erased with it. A suppression is kept by the address it stops.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from shared.domain.alerts import BATCH_SIZE
from shared.domain.data_categories import DataCategory, categorised
from shared.domain.strict import StrictModel

C = DataCategory

RunTrigger = Literal["scheduler", "operator"]
RunStatus = Literal["dispatching", "dispatched"]
DeliveryStatus = Literal["sending", "sent", "failed", "retry"]
SuppressionReason = Literal["bounce", "spamreport", "dropped"]

RunId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,48}$")]
Uid = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,128}$")]


class AlertRun(StrictModel):
    """``alert_runs/{run_id}``: one re-evaluation of everyone, with what changed and counts."""

    trigger: RunTrigger = categorised(C.INTERACTION)
    status: RunStatus = categorised(C.INTERACTION)
    month: str = categorised(C.INTERACTION)
    engine_version: str = categorised(C.INTERACTION)
    catalogue_version: str = categorised(C.INTERACTION)
    fingerprints: dict[str, str] = categorised(C.INTERACTION)
    reason: str = categorised(C.INTERACTION)
    aids: list[str] = categorised(C.INTERACTION)
    new_aids: list[str] = categorised(C.INTERACTION, default_factory=list)
    changed_aids: list[str] = categorised(C.INTERACTION, default_factory=list)
    selected: int = categorised(C.INTERACTION, 0)
    batches: int = categorised(C.INTERACTION, 0)
    skipped: dict[str, int] = categorised(C.INTERACTION, default_factory=dict)
    created_at: datetime = categorised(C.INTERACTION)
    dispatched_at: datetime | None = categorised(C.INTERACTION, None)


class AlertBatchResult(StrictModel):
    """``alert_runs/{run_id}/batches/{batch_id}``: what one batch did, as counts."""

    evaluated: int = categorised(C.INTERACTION)
    newly_eligible: int = categorised(C.INTERACTION)
    sent: int = categorised(C.INTERACTION)
    failed: int = categorised(C.INTERACTION)
    skipped: dict[str, int] = categorised(C.INTERACTION, default_factory=dict)
    updated_at: datetime = categorised(C.INTERACTION)


class AlertDelivery(StrictModel):
    """``beneficiaries/{uid}/alert_deliveries/{run_id}``: the one alert mail of a run to a person.

    Created in a transaction before the mail is sent: a redelivered task, or
    one that crashed after sending, finds it and sends nothing again.
    """

    run_id: str = categorised(C.INTERACTION)
    aids: dict[str, float] = categorised(C.DIAGNOSTIC)
    status: DeliveryStatus = categorised(C.INTERACTION)
    message_id: str | None = categorised(C.INTERACTION, None)
    error_code: str | None = categorised(C.INTERACTION, None)
    created_at: datetime = categorised(C.INTERACTION)
    updated_at: datetime = categorised(C.INTERACTION)


class MailSuppression(StrictModel):
    """``mail_suppressions/{address_key}``: an address that bounced or reported spam.

    No mail of the service reaches it again: alerts, promotion, invitations.
    """

    email: str = categorised(C.CONTACT)
    reason: SuppressionReason = categorised(C.PREFERENCES)
    event_at: datetime = categorised(C.INTERACTION)
    created_at: datetime = categorised(C.INTERACTION)


# ------------------------------------------------------------------ task payloads


class DispatchOrder(StrictModel):
    """Payload of the scheduled ``dispatch`` (Cloud Scheduler sends an empty object)."""


class PeopleBatch(StrictModel):
    """The people of one batch task, and its number in its run or campaign."""

    batch: int = Field(ge=0, le=99_999)
    # Up to an alert batch (BATCH_SIZE people, their uids under MAX_BATCH_UID_BYTES:
    # within Cloud Tasks' 1 MB task limit, shared.domain.alerts.batched); campaign
    # batches are smaller.
    uids: list[Uid] = Field(min_length=1, max_length=BATCH_SIZE)


class AlertBatch(PeopleBatch):
    """Payload of one ``evaluate_batch`` task: the run and the people of the batch."""

    run_id: RunId


# ------------------------------------------------------------------ API bodies


class RunRequest(StrictModel):
    """Body of ``POST /alerts/runs``: an operator starts a run (after a catalogue change or
    an OpenFisca upgrade)."""

    note: Annotated[str, StringConstraints(max_length=200)] = Field(
        default="", description="Why the run is started, for the operators' log (no personal data)."
    )


class RunOut(StrictModel):
    """A run as staff read it: what changed, and what every batch did so far."""

    id: str = Field(description="The run's id (e.g. daily-YYYY-MM-DD).")
    trigger: RunTrigger = Field(
        description="scheduler (the daily run) or operator (started by staff)."
    )
    status: RunStatus = Field(
        description="dispatching while batches are being queued, dispatched once all are."
    )
    month: str = Field(description="The month simulated for every person, YYYY-MM.")
    engine_version: str = Field(description="OpenFisca-France version used for the run.")
    catalogue_version: str = Field(description="Short hash of the aid catalogue used for the run.")
    reason: str = Field(
        description="Why the run was started, for the operators' log (no personal data)."
    )
    aids: list[str] = Field(description="Ids of every aid evaluated.")
    new_aids: list[str] = Field(description="Aids new in the catalogue since the previous run.")
    changed_aids: list[str] = Field(
        description="Aids whose rules or amounts changed since the previous run."
    )
    selected: int = Field(
        description="People selected for the run (accounts that may receive alerts)."
    )
    batches: int = Field(description="Number of batches the people were split into.")
    batches_done: int = Field(description="Batches finished so far.")
    evaluated: int = Field(description="People whose aids were simulated again so far.")
    newly_eligible: int = Field(
        description="People found eligible to an aid they were not eligible to before."
    )
    sent: int = Field(description="Alert e-mails accepted by the mail provider so far.")
    failed: int = Field(description="Alert e-mails the provider refused so far.")
    skipped: dict[str, int] = Field(
        description=(
            "People not alerted, counted by reason (e.g. no_simulation, "
            "answers_outdated, address_suppressed)."
        )
    )
    created_at: datetime = Field(description="When the run started (ISO 8601, UTC).")


class UnsubscribeOut(StrictModel):
    """Answer of the one-click unsubscribe: which list the address left."""

    unsubscribed_from: Literal["alerts", "promotion"] = Field(
        description="The list the address left: alerts or promotion."
    )


# ------------------------------------------------------------------ promotion campaigns (R10)

CampaignKind = Literal["newsletter", "survey"]
Subject = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=150)]
MailText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]


class CampaignText(StrictModel):
    """What the campaign says, in French (sent by default) and English."""

    subject_fr: Subject = Field(description="The e-mail subject in French (sent by default).")
    subject_en: Subject = Field(
        description="The e-mail subject in English (for people who chose English)."
    )
    body_fr: MailText = Field(description="The e-mail body in French, plain text.")
    body_en: MailText = Field(description="The e-mail body in English, plain text.")


class Campaign(StrictModel):
    """``campaigns/{campaign_id}``: one newsletter or survey, its text and fan-out counts."""

    kind: CampaignKind = categorised(C.INTERACTION)
    text: CampaignText = categorised(C.INTERACTION)
    selected: int = categorised(C.INTERACTION, 0)
    batches: int = categorised(C.INTERACTION, 0)
    skipped: dict[str, int] = categorised(C.INTERACTION, default_factory=dict)
    created_at: datetime = categorised(C.INTERACTION)


class CampaignDelivery(StrictModel):
    """``beneficiaries/{uid}/campaign_deliveries/{campaign_id}``: the campaign's one mail to
    the person, recorded before it is sent (never twice)."""

    campaign_id: str = categorised(C.INTERACTION)
    status: DeliveryStatus = categorised(C.INTERACTION)
    message_id: str | None = categorised(C.INTERACTION, None)
    error_code: str | None = categorised(C.INTERACTION, None)
    created_at: datetime = categorised(C.INTERACTION)
    updated_at: datetime = categorised(C.INTERACTION)


class CampaignBatch(PeopleBatch):
    """Payload of one ``send_campaign`` task."""

    campaign_id: RunId


class CampaignRequest(StrictModel):
    """Body of ``POST /alerts/campaigns``: staff send a newsletter or a survey (R10)."""

    kind: CampaignKind = Field(description="newsletter or survey.")
    text: CampaignText = Field(description="Subject and body, in French and English.")


class CampaignOut(StrictModel):
    """A campaign as staff read it: counts only, never who."""

    id: str = Field(description="The campaign's id (c-YYYY-MM-DD-HH-MM-SS).")
    kind: CampaignKind = Field(description="newsletter or survey.")
    selected: int = Field(
        description="People who consented to promotion when the campaign started."
    )
    batches: int = Field(description="Number of mailing batches the campaign was split into.")
    batches_done: int = Field(description="Batches finished so far.")
    sent: int = Field(description="E-mails accepted by the mail provider so far.")
    failed: int = Field(description="E-mails the provider refused so far.")
    skipped: dict[str, int] = Field(
        description="People not mailed, counted by reason (e.g. a suppressed address)."
    )
    created_at: datetime = Field(description="When the campaign was started (ISO 8601, UTC).")
