"""Jobs of the ``alerts_worker`` function: one batch of a smart-alert run (R5)."""

from __future__ import annotations

from typing import Any

from shared.api.worker import Job
from shared.domain.access import Scope
from shared.domain.purposes import Purpose
from shared.models.alerts import AlertBatch, CampaignBatch
from shared.services import alerts, campaigns

JOBS: tuple[Job[Any], ...] = (
    Job(
        name=alerts.BATCH_JOB,
        summary="Re-evaluate a batch in one simulation and e-mail who became eligible (R5).",
        payload_model=AlertBatch,
        handler=alerts.evaluate_batch,
        subject_of=lambda batch: alerts.SUBJECT,
        scope=Scope.NOTIFY,
        purpose=Purpose.ALERTS,
        requirements=("R5", "R26"),
    ),
    Job(
        name=campaigns.JOB,
        summary="Send a campaign to a batch, each consent read again just before (R10).",
        payload_model=CampaignBatch,
        handler=campaigns.send_batch,
        subject_of=lambda batch: alerts.SUBJECT,
        scope=Scope.NOTIFY,
        purpose=Purpose.PROMOTION,
        requirements=("R10", "R26"),
    ),
)
