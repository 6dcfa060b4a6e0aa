"""Jobs of the ``rules_check`` function: the daily check of stale rules (R6)."""

from __future__ import annotations

from typing import Any

from shared.api.worker import Job
from shared.domain.access import Scope
from shared.domain.purposes import Purpose
from shared.services import stale_rules

JOBS: tuple[Job[Any], ...] = (
    Job(
        name=stale_rules.JOB,
        summary=(
            "List the catalogue aids whose OpenFisca parameters are past their last known "
            "value, for staff (R6)."
        ),
        payload_model=stale_rules.CheckOrder,
        handler=stale_rules.daily_check,
        subject_of=lambda order: stale_rules.SUBJECT,
        scope=Scope.SIMULATION,
        purpose=Purpose.SIMULATION,
        requirements=("R6",),
    ),
)
