"""The append-only audit journal entry (R14).

No personal data in clear: actor and target are keyed hashes (HMAC with a
secret pepper), so the journal proves who accessed what without itself
becoming a copy of the user base.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from shared.domain.data_categories import DataCategory, categorised

C = DataCategory


class AuditEntry(BaseModel):
    """``audit_journal/{id}``: created once, never updated or deleted by the app."""

    model_config = ConfigDict(extra="forbid")

    actor_ref: str = categorised(C.INTERACTION)
    actor_role: str = categorised(C.INTERACTION)
    action: str = categorised(C.INTERACTION)
    target_ref: str | None = categorised(C.INTERACTION, None)
    at: datetime = categorised(C.INTERACTION)
