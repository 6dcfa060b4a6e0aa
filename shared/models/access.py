"""Stored documents that grant or record access to someone else's data.

A mandate is the beneficiary's prior consent to an aidant (R16); it is read
server-side on every request of the aidant, so a revoked mandate stops
working at once. Worker receipts make at-least-once deliveries take effect
once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from shared.domain.data_categories import DataCategory, categorised
from shared.domain.strict import StrictModel

C = DataCategory


class Mandate(StrictModel):
    """``mandates/{id}``: ``aidant_uid`` may act for ``beneficiary_uid`` within ``scopes``."""

    beneficiary_uid: str = categorised(C.IDENTIFICATION)
    aidant_uid: str = categorised(C.IDENTIFICATION)
    scopes: list[str] = categorised(C.PREFERENCES)
    granted_at: datetime = categorised(C.PREFERENCES)
    revoked_at: datetime | None = categorised(C.PREFERENCES, None)


ReceiptStatus = Literal["started", "done", "failed_permanently", "failed_transiently"]


class WorkerReceipt(StrictModel):
    """``worker_receipts/{id}``: one task or event delivery, keyed by task name or event id.

    Holds no personal data: the job name, the status and, for a permanent
    failure, the stable error code.
    """

    job: str = categorised(C.INTERACTION)
    source: Literal["task", "scheduler", "event"] = categorised(C.INTERACTION)
    status: ReceiptStatus = categorised(C.INTERACTION)
    attempts: int = categorised(C.INTERACTION, 1)
    error_code: str | None = categorised(C.INTERACTION, None)
    created_at: datetime = categorised(C.INTERACTION)
    updated_at: datetime = categorised(C.INTERACTION)
