"""Append-only audit journal of accesses to personal data (R14, R16).

Every access where the actor is not the subject is written here, by
:func:`shared.services.access.open_access` before the use case runs. Server
code only ever *adds* entries (document store ``add``); the Firestore rules
forbid clients to read or write the journal. Identifiers are keyed hashes so
the journal carries no personal data in clear.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

from shared.adapters import document_store
from shared.config import ConfigurationError, settings
from shared.domain.access import Access
from shared.domain.data_registry import AUDIT_JOURNAL
from shared.models.audit import AuditEntry


def pseudonym(identifier: str) -> str:
    """A stable keyed hash of ``identifier`` for logs and the journal."""
    pepper = settings().audit_pepper
    if pepper is None:
        raise ConfigurationError("SESAME_AUDIT_PEPPER is required to write the audit journal")
    digest = hmac.new(pepper, identifier.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def record(access: Access, action: str) -> str:
    """Append one entry: ``access.actor`` did ``action`` on the subject's data; returns its id."""
    entry = AuditEntry(
        actor_ref=pseudonym(access.actor.uid),
        actor_role=access.actor.kind.value,
        action=action,
        target_ref=pseudonym(access.subject_uid),
        reason=access.reason,
        at=datetime.now(UTC),
    )
    return document_store.add(AUDIT_JOURNAL.collection(), entry)


def actor_ref(access: Access) -> str:
    """The keyed hash naming the actor in a record kept as proof (an officer's step)."""
    return pseudonym(access.actor.uid)


def record_about(access: Access, action: str, target_ref: str | None, reason: str) -> str:
    """Append one entry about a person known only by their keyed hash (or about no one).

    For steps that are not an access to one account's data, such as handling a
    request received by post (R30), whose person may have no account.
    """
    entry = AuditEntry(
        actor_ref=actor_ref(access),
        actor_role=access.actor.kind.value,
        action=action,
        target_ref=target_ref,
        reason=reason,
        at=datetime.now(UTC),
    )
    return document_store.add(AUDIT_JOURNAL.collection(), entry)
