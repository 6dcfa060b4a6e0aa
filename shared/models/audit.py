"""The append-only audit journal entry (R14).

No personal data in clear: actor and target are keyed hashes (HMAC with a
secret pepper), so the journal proves who accessed what without itself
becoming a copy of the user base.
"""

from __future__ import annotations

from datetime import datetime

from shared.domain.data_categories import DataCategory, categorised
from shared.domain.strict import StrictModel

C = DataCategory


class AuditEntry(StrictModel):
    """``audit_journal/{id}``: created once, never updated or deleted by the app."""

    actor_ref: str = categorised(C.INTERACTION)
    actor_role: str = categorised(C.INTERACTION)
    action: str = categorised(C.INTERACTION)
    target_ref: str | None = categorised(C.INTERACTION, None)
    # Why the actor reached the subject's data: the purpose of the access.
    reason: str = categorised(C.INTERACTION, "")
    at: datetime = categorised(C.INTERACTION)
