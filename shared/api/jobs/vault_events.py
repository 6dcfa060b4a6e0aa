"""Jobs of the ``vault_events`` function: Storage events of the vault bucket."""

from __future__ import annotations

from typing import Any

from shared.api.worker import Job
from shared.domain.access import Scope
from shared.domain.purposes import Purpose
from shared.services import vault_intake

JOBS: tuple[Job[Any], ...] = (
    Job(
        name=vault_intake.FINALIZED,
        summary="Finalise an uploaded vault file: consent (R9), type, size, quota, PDF, scan.",
        payload_model=vault_intake.StorageObjectEvent,
        handler=vault_intake.take_in,
        subject_of=vault_intake.owner_of_vault_event,
        scope=Scope.VAULT_INTAKE,
        purpose=Purpose.VAULT,
        requirements=("R9",),
    ),
)
