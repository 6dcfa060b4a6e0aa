"""Jobs of the ``export_worker`` function: one person's portability export (R26, R27)."""

from __future__ import annotations

from typing import Any

from shared.api.worker import Job
from shared.domain.access import Scope
from shared.domain.purposes import Purpose
from shared.services import export

JOBS: tuple[Job[Any], ...] = (
    Job(
        name=export.JOB,
        summary="Stream one person's data, as JSON per category and files, into a ZIP (R27).",
        payload_model=export.ExportTask,
        handler=export.build_export,
        subject_of=lambda task: task.uid,
        scope=Scope.PRIVACY_EXPORT,
        purpose=Purpose.ACCOUNT,
        requirements=("R26", "R27"),
    ),
)
