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
        summary="Keep an uploaded vault file only if its owner consented to the vault (R9).",
        payload_model=vault_intake.StorageObjectEvent,
        handler=vault_intake.take_in,
        subject_of=vault_intake.owner_of_vault_object,
        scope=Scope.VAULT_INTAKE,
        purpose=Purpose.VAULT,
        requirements=("R9",),
    ),
)
