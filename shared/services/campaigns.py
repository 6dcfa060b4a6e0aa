"""Promotion campaigns (R10): newsletters and surveys, only to who consents at send time.

Staff write a campaign in French and English; it fans out like the smart
alerts (one named Cloud Task per batch of profiles holding the promotion
consent). The worker reads each person's choices again right before sending:
the consent must still be granted, with a verified address, no restriction
or objection (R26), no bounce or spam report. So a withdrawal — in the
profile or through the one-click link of an earlier mail — takes effect
before the next send. One mail per person per campaign, recorded before it
is sent.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

from shared.adapters import document_store, task_queue
from shared.config import settings
from shared.domain.access import Access
from shared.domain.data_registry import (
    BENEFICIARY,
    CAMPAIGN_BATCHES,
    CAMPAIGN_DELIVERIES,
    CAMPAIGNS,
)
from shared.domain.purposes import Purpose
from shared.errors import ApiError, PermanentFailure, text
from shared.models.account import BeneficiaryProfile
from shared.models.alerts import (
    Campaign,
    CampaignBatch,
    CampaignDelivery,
    CampaignOut,
    CampaignRequest,
)
from shared.services import alerts, mail_suppressions
from shared.structured_log import log_event

JOB = "send_campaign"
BATCH_SIZE = 500

CAMPAIGN_NOT_FOUND = text("Aucune campagne de ce nom.", "No campaign of that name.")


def promotion_skip_reason(profile: BeneficiaryProfile | None) -> str | None:
    """Why this person may not receive promotion now, or ``None`` (R10, R26)."""
    if profile is None:
        return "not_registered"
    reason = alerts.skip_reason(profile, Purpose.PROMOTION)
    if reason is not None:
        return reason
    if mail_suppressions.is_suppressed(profile.email):
        return "address_suppressed"
    return None


def _enqueue(campaign_id: str, batch: int, uids: list[str]) -> None:
    from google.api_core.exceptions import AlreadyExists

    url = settings().worker_url(alerts.QUEUE, alerts.WORKER) + "/" + JOB
    payload = CampaignBatch(campaign_id=campaign_id, batch=batch, uids=uids).model_dump()
    with contextlib.suppress(AlreadyExists):
        task_queue.enqueue(alerts.QUEUE, url, payload, name=f"campaign-{campaign_id}-{batch:05d}")


def send_campaign(access: Access, request: CampaignRequest) -> tuple[CampaignOut, int]:
    """Staff: record a campaign and enqueue its batches (holders of the consent only)."""
    alerts.require_staff(access)
    now = datetime.now(UTC)
    campaign_id = f"c-{now:%Y-%m-%d-%H-%M-%S}"
    selected, batch, skipped, pending = 0, 0, dict[str, int](), list[str]()
    for uid, profile in alerts.profiles_where("consents.promotion.granted"):
        reason = promotion_skip_reason(profile)
        if reason is not None:
            skipped[reason] = skipped.get(reason, 0) + 1
            continue
        selected += 1
        pending.append(uid)
        if len(pending) == BATCH_SIZE:
            _enqueue(campaign_id, batch, pending)
            batch, pending = batch + 1, []
    campaign = Campaign(
        kind=request.kind,
        text=request.text,
        selected=selected,
        batches=batch + (1 if pending else 0),
        skipped=skipped,
        created_at=now,
    )
    # Recorded before the last batch is queued: a worker always finds its campaign.
    document_store.put(CAMPAIGNS.path(campaign_id=campaign_id), campaign)
    if pending:
        _enqueue(campaign_id, batch, pending)
    log_event("campaign dispatched", run=campaign_id, selected=selected, skipped=skipped)
    return campaign_out(campaign_id), 201


def _mail(campaign: Campaign, language: str, unsubscribe: str) -> tuple[str, str, dict[str, str]]:
    words = campaign.text
    if language == "en":
        subject, body = words.subject_en, words.body_en
        footer = "You receive this because you accepted news from Sésame. Stop: "
    else:
        subject, body = words.subject_fr, words.body_fr
        footer = "Vous recevez ce message car vous avez accepté les nouvelles de Sésame. Arrêter : "
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return subject, f"{body}\n\n--\n{footer}{unsubscribe}\n", headers


def send_batch(access: Access, batch: CampaignBatch) -> str:
    """One campaign task: each person's consent is read again right before their mail."""
    campaign = document_store.get(CAMPAIGNS.path(campaign_id=batch.campaign_id), Campaign)
    if campaign is None:
        raise PermanentFailure("unknown_campaign")
    sent = failed = 0
    skipped: dict[str, int] = {}
    for uid in batch.uids:
        profile = document_store.get(BENEFICIARY.path(uid=uid), BeneficiaryProfile)
        reason = promotion_skip_reason(profile)
        if reason is not None or profile is None:
            skipped[reason or "not_registered"] = skipped.get(reason or "not_registered", 0) + 1
            continue
        now = datetime.now(UTC)
        fresh = CampaignDelivery(
            campaign_id=batch.campaign_id, status="sending", created_at=now, updated_at=now
        )
        parts = _mail(campaign, profile.language, alerts.unsubscribe_url("promotion", uid))
        path = CAMPAIGN_DELIVERIES.path(uid=uid, campaign_id=batch.campaign_id)
        outcome = alerts.send_recorded(path, fresh, profile.email, parts)
        if outcome == "sent":
            sent += 1
        elif outcome == "failed":
            failed += 1
    path = CAMPAIGN_BATCHES.path(campaign_id=batch.campaign_id, batch_id=f"{batch.batch:05d}")
    alerts.record_batch(path, len(batch.uids), sent + failed, sent, failed, skipped)
    log_event("campaign batch", run=batch.campaign_id, batch=batch.batch, sent=sent, failed=failed)
    return f"sent {sent}"


def campaign_out(campaign_id: str) -> CampaignOut:
    """A campaign with the counts of every batch done so far."""
    campaign = document_store.get(CAMPAIGNS.path(campaign_id=campaign_id), Campaign)
    if campaign is None:
        raise ApiError("not_found", CAMPAIGN_NOT_FOUND)
    totals = alerts.batch_totals(
        CAMPAIGN_BATCHES.collection(campaign_id=campaign_id), campaign.skipped
    )
    return CampaignOut(
        id=campaign_id,
        kind=campaign.kind,
        selected=campaign.selected,
        batches=campaign.batches,
        batches_done=totals["batches_done"],
        sent=totals["sent"],
        failed=totals["failed"],
        skipped=totals["skipped"],
        created_at=campaign.created_at,
    )


def read_campaign(access: Access, campaign_id: str) -> CampaignOut:
    """Staff: a campaign's counts."""
    alerts.require_staff(access)
    return campaign_out(campaign_id)
