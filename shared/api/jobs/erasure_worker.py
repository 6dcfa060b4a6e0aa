"""Jobs of the ``erasure_worker`` function: one person's erasure, resumable (R21, R22, R28)."""

from __future__ import annotations

from typing import Any

from shared.api.worker import Job
from shared.domain.access import Scope
from shared.domain.purposes import Purpose
from shared.services import erasure

JOBS: tuple[Job[Any], ...] = (
    Job(
        name=erasure.JOB,
        summary="Erase one person's data in every registered location, then prove it (R21, R28).",
        payload_model=erasure.ErasureTask,
        handler=erasure.run_erasure,
        subject_of=erasure.subject_of_task,
        scope=Scope.PRIVACY_ERASE,
        purpose=Purpose.ACCOUNT,
        requirements=("R21", "R22", "R28"),
    ),
)
