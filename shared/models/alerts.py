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
    # Up to an alert batch (5,000 of at most 128 characters: under Cloud Tasks' 1 MB
    # task limit); campaign batches are smaller.
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

    id: str
    trigger: RunTrigger
    status: RunStatus
    month: str
    engine_version: str
    catalogue_version: str
    reason: str
    aids: list[str]
    new_aids: list[str]
    changed_aids: list[str]
    selected: int
    batches: int
    batches_done: int
    evaluated: int
    newly_eligible: int
    sent: int
    failed: int
    skipped: dict[str, int]
    created_at: datetime


class UnsubscribeOut(StrictModel):
    """Answer of the one-click unsubscribe: which list the address left."""

    unsubscribed_from: Literal["alerts", "promotion"]


# ------------------------------------------------------------------ promotion campaigns (R10)

CampaignKind = Literal["newsletter", "survey"]
Subject = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=150)]
MailText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]


class CampaignText(StrictModel):
    """What the campaign says, in French (sent by default) and English."""

    subject_fr: Subject
    subject_en: Subject
    body_fr: MailText
    body_en: MailText


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

    kind: CampaignKind
    text: CampaignText


class CampaignOut(StrictModel):
    """A campaign as staff read it: counts only, never who."""

    id: str
    kind: CampaignKind
    selected: int
    batches: int
    batches_done: int
    sent: int
    failed: int
    skipped: dict[str, int]
    created_at: datetime
