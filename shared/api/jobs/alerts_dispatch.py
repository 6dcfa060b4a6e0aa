"""Jobs of the ``alerts_dispatch`` function: the daily smart-alert fan-out (R5)."""

from __future__ import annotations

from typing import Any

from shared.api.worker import Job
from shared.domain.access import Scope
from shared.domain.purposes import Purpose
from shared.models.alerts import DispatchOrder
from shared.services import alerts

JOBS: tuple[Job[Any], ...] = (
    Job(
        name=alerts.DISPATCH_JOB,
        summary="Work out what changed since the last run and enqueue one task per batch (R5).",
        payload_model=DispatchOrder,
        handler=alerts.scheduled_dispatch,
        subject_of=lambda order: alerts.SUBJECT,
        scope=Scope.NOTIFY,
        purpose=Purpose.ALERTS,
        requirements=("R5", "R26"),
    ),
)
