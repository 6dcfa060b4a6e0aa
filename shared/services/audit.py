"""Append-only audit journal of accesses to personal data (R14, R16).

Server code only ever *adds* entries (document store ``add``); the Firestore
rules forbid clients to write the journal at all. Identifiers are keyed
hashes so the journal carries no personal data in clear.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

from shared.adapters import document_store
from shared.adapters.identity import Principal
from shared.config import ConfigurationError, settings
from shared.models.audit import AuditEntry

JOURNAL = "audit_journal"


def pseudonym(identifier: str) -> str:
    """A stable keyed hash of ``identifier`` for logs and the journal."""
    pepper = settings().audit_pepper
    if pepper is None:
        raise ConfigurationError("SESAME_AUDIT_PEPPER is required to write the audit journal")
    digest = hmac.new(pepper, identifier.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def record(actor: Principal, action: str, target_uid: str | None = None) -> str:
    """Append one entry; returns its id."""
    entry = AuditEntry(
        actor_ref=pseudonym(actor.uid),
        actor_role=actor.role,
        action=action,
        target_ref=pseudonym(target_uid) if target_uid else None,
        at=datetime.now(UTC),
    )
    return document_store.add(JOURNAL, entry)
