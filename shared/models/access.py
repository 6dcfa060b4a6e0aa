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
from shared.domain.mandates import MandateStatus, mandate_status
from shared.domain.strict import StrictModel

C = DataCategory


class Mandate(StrictModel):
    """``mandates/{id}``: ``aidant_uid`` may act for ``beneficiary_uid`` within ``scopes``.

    Created by the beneficiary for an invited address (``aidant_email``); the
    aidant's uid is set when that person accepts. It works only while
    :meth:`status` is active: accepted, not revoked, not expired.
    """

    beneficiary_uid: str = categorised(C.IDENTIFICATION)
    aidant_uid: str | None = categorised(C.IDENTIFICATION)
    # The access scopes the server checks, derived from ``grants`` when created.
    scopes: list[str] = categorised(C.PREFERENCES)
    granted_at: datetime = categorised(C.PREFERENCES)
    expires_at: datetime = categorised(C.PREFERENCES)
    revoked_at: datetime | None = categorised(C.PREFERENCES, None)
    accepted_at: datetime | None = categorised(C.PREFERENCES, None)
    # What the beneficiary chose, in the words they read (MandateGrant values).
    grants: list[str] = categorised(C.PREFERENCES, [])
    # The invited caregiver, as the beneficiary named them: shown in the journal.
    aidant_email: str | None = categorised(C.CONTACT, None)
    aidant_name: str = categorised(C.CONTACT, "")
    # Mail bookkeeping, so that a retried request sends each mail once.
    invitation_sent_at: datetime | None = categorised(C.INTERACTION, None)
    confirmation_sent_at: datetime | None = categorised(C.INTERACTION, None)

    def status(self, now: datetime) -> MandateStatus:
        """Invited, active, revoked or expired at ``now``."""
        return mandate_status(
            accepted_at=self.accepted_at,
            revoked_at=self.revoked_at,
            expires_at=self.expires_at,
            now=now,
        )


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
