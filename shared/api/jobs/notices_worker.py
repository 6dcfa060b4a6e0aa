"""Jobs of the ``notices_worker`` function: e-mails the service owes a beneficiary."""

from __future__ import annotations

from typing import Any

from shared.api.worker import Job
from shared.domain.access import Scope
from shared.domain.purposes import Purpose
from shared.services import notices

JOBS: tuple[Job[Any], ...] = (
    Job(
        name="notify_policy_revision",
        summary="E-mail one beneficiary about a significant policy revision (R25).",
        payload_model=notices.PolicyRevisionNotice,
        handler=notices.notify_policy_revision,
        subject_of=lambda notice: notice.uid,
        scope=Scope.NOTIFY,
        purpose=Purpose.ACCOUNT,
        requirements=("R13", "R25"),
    ),
)
