"""Jobs of the ``retention_sweep`` function: the daily sweep (R19, R23)."""

from __future__ import annotations

from typing import Any

from shared.api.worker import Job
from shared.domain.access import Scope
from shared.domain.purposes import Purpose
from shared.services import retention

JOBS: tuple[Job[Any], ...] = (
    Job(
        name=retention.JOB,
        summary="Apply the registry's retention: inactivity warnings and erasures, purges (R19).",
        payload_model=retention.SweepOrder,
        handler=retention.sweep,
        subject_of=lambda order: retention.SUBJECT,
        scope=Scope.PRIVACY_ERASE,
        purpose=Purpose.ACCOUNT,
        requirements=("R19", "R23"),
    ),
)
