"""Opening an access: the server-side checks behind every actor/subject pair (R14, R16, R18).

The token's role is only a hint. Acting on one's own data needs nothing
more; acting for someone else is checked here on every request, against
what is stored now — an aidant needs an active mandate from that subject
granting the scope, staff and privacy officers need the role still on their
Auth record, a client admin needs membership of the subject's organisation
(R3: a client sees only invitation statuses, so nobody passes), a support agent
needs the role now and a thread of that subject in their reach (R8) — and is written to the
audit journal before the use case runs.
"""

from __future__ import annotations

from datetime import UTC, datetime

from shared.adapters import document_store, identity
from shared.domain.access import (
    DELEGATION_CHECKS,
    Access,
    Actor,
    ActorKind,
    Check,
    Scope,
    mandate_grants,
)
from shared.domain.data_registry import MANDATES, SUPPORT_THREADS
from shared.domain.mandates import MandateStatus
from shared.domain.strict import DEFAULT_LANGUAGE, Language
from shared.domain.support import agent_reaches
from shared.errors import ApiError, text
from shared.models.access import Mandate
from shared.models.support import SupportThread
from shared.services import audit

NOT_ALLOWED_FOR_SUBJECT = text(
    "Vous n'avez pas accès aux données de cette personne.",
    "You have no access to this person's data.",
)


def _has_mandate(actor: Actor, subject_uid: str, scope: Scope) -> bool:
    found = document_store.find_by_fields(
        MANDATES.collection(),
        Mandate,
        {MANDATES.locator.name: subject_uid, "aidant_uid": actor.uid},
    )
    now = datetime.now(UTC)
    # Accepted, not revoked, not expired, at the time of this very request (R16).
    return any(
        mandate.status(now) is MandateStatus.ACTIVE
        and mandate_grants(mandate.scopes, scope, mandate.revoked_at is not None)
        for _, mandate in found
    )


SUPPORT_QUEUE_CLAIM = "support_queue"


def _reaches_a_thread(actor: Actor, subject_uid: str) -> bool:
    """A support agent, now, with a thread of the subject assigned to them or in their queue."""
    if identity.current_role(actor.uid) != actor.kind.value:
        return False
    queue = identity.current_claim(actor.uid, SUPPORT_QUEUE_CLAIM)
    threads = document_store.find_by_fields(
        SUPPORT_THREADS.collection(), SupportThread, {SUPPORT_THREADS.locator.name: subject_uid}
    )
    return any(
        agent_reaches(
            queue=thread.queue,
            assignee_uid=thread.assignee_uid,
            agent_uid=actor.uid,
            agent_queue=queue,
        )
        for _, thread in threads
    )


def _passes(check: Check, actor: Actor, subject_uid: str, scope: Scope) -> bool:
    if check is Check.MANDATE:
        return _has_mandate(actor, subject_uid, scope)
    if check is Check.SUPPORT_QUEUE:
        return scope is Scope.SUPPORT_ANSWER and _reaches_a_thread(actor, subject_uid)
    if check is Check.CURRENT_ROLE:
        return identity.current_role(actor.uid) == actor.kind.value
    # A service identity is verified by the worker entry point before any job
    # runs (shared/api/worker.py). A client admin never reaches a beneficiary's
    # data (R3: invitation statuses only), so Check.ORGANISATION lets nobody through.
    return check is Check.SERVICE_IDENTITY


def open_access(
    actor: Actor,
    subject_uid: str,
    scope: Scope,
    *,
    action: str,
    reason: str,
    language: Language = DEFAULT_LANGUAGE,
) -> Access:
    """The access of ``actor`` to ``subject_uid``'s data, after the server-side checks.

    Raises ``forbidden`` when the actor may not reach that subject. When the
    actor is not the subject, the access is journaled (``action``, ``reason``)
    before it is returned, so no use case can run on someone else's data
    without its entry.
    """
    access = Access(actor, subject_uid, scope, reason, language)
    if not access.on_behalf:
        return access
    check = DELEGATION_CHECKS.get(actor.kind)
    if check is None or not _passes(check, actor, subject_uid, scope):
        raise ApiError("forbidden", NOT_ALLOWED_FOR_SUBJECT)
    audit.record(access, action)
    return access


OFFICERS_ONLY = text("Réservé aux délégués à la protection des données.", "Privacy officers only.")


def require_privacy_officer_now(access: Access) -> None:
    """The actor must hold the privacy officer role on the Auth record now (R18, R29, R30).

    The token's claim is only a hint: a role revoked a second ago stops here.
    """
    if identity.current_role(access.actor.uid) != ActorKind.PRIVACY_OFFICER.value:
        raise ApiError("forbidden", OFFICERS_ONLY)
