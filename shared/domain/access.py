"""Who acts, on whose data, with which scope, and why: the access object.

Every use case receives an :class:`Access` instead of reading the caller's
uid: the *actor* (a person proven by an ID token, or a Google service
account proven by an OIDC token) and the *subject* (whose data is touched)
are distinct, so the same service serves a beneficiary on their own data, an
aidant under a mandate (R16), support staff, a privacy officer, or a task.

The rules here are pure: which actor kinds may act for someone else, and
what each needs checked server-side. The checks themselves (mandates in
Firestore, current roles on the Auth record) and the audit entry every
delegated access writes (R14) are in :mod:`shared.services.access`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from shared.domain.strict import DEFAULT_LANGUAGE, Language


class ActorKind(StrEnum):
    """Roles as carried by the ``role`` claim, plus Google service accounts."""

    BENEFICIARY = "beneficiary"
    AIDANT = "aidant"
    CLIENT_ADMIN = "client_admin"
    STAFF = "staff"
    # Support staff answering beneficiaries' messages (R8), each attached to one queue.
    SUPPORT_AGENT = "support_agent"
    PRIVACY_OFFICER = "privacy_officer"
    SERVICE_ACCOUNT = "service_account"


# The roles a token may claim (service accounts carry no Firebase token).
TOKEN_ROLES = frozenset(kind.value for kind in ActorKind if kind is not ActorKind.SERVICE_ACCOUNT)


class Scope(StrEnum):
    """What an access allows on the subject's data; a mandate lists the scopes it grants."""

    ACCOUNT_CREATE = "account:create"
    PROFILE_READ = "profile:read"
    PROFILE_WRITE = "profile:write"
    CONSENTS_READ = "consents:read"
    SIMULATION = "simulation"
    SIMULATIONS_READ = "simulations:read"
    OUTCOMES_WRITE = "outcomes:write"
    NOTIFY = "notify"
    VAULT_INTAKE = "vault:intake"
    # Vault and forms: opened to an aidant only by a mandate's grants (shared/domain/mandates.py).
    VAULT_READ = "vault:read"
    VAULT_WRITE = "vault:write"
    FORMS = "forms"
    # Privacy rights (R27, R28): a person's own export and erasure, and the jobs doing them.
    PRIVACY_EXPORT = "privacy:export"
    PRIVACY_ERASE = "privacy:erase"
    # A privacy officer registering and following requests received by post or e-mail (R30).
    PRIVACY_REQUESTS = "privacy:requests"
    # A beneficiary managing their own mandates, an aidant accepting or listing theirs:
    # never opened by a mandate, so an aidant cannot act on mandates for anyone.
    MANDATES_MANAGE = "mandates:manage"
    MANDATES_RECEIVE = "mandates:receive"
    # Staff managing client organisations; a client admin inviting and following
    # registrations (R3, R11). Never opened by a mandate.
    CLIENT_ADMINISTRATION = "client:administration"
    CLIENT_INVITATIONS = "client:invitations"
    # A partner's signed hand-off (R2): the assertion, not a token, proves who arrives.
    SSO_HANDOFF = "sso:handoff"
    # Support messaging (R8): a beneficiary's own threads; an agent reading and
    # answering a thread of their queue; staff attaching agents to queues and
    # reading prospects' demo requests (R4). Never opened by a mandate.
    SUPPORT = "support"
    SUPPORT_ANSWER = "support:answer"
    SUPPORT_STAFFING = "support:staffing"
    DEMO_REQUEST = "demo:request"
    DEMO_REQUESTS_READ = "demo:read"


class Check(StrEnum):
    """What the server verifies, on every request, before an actor reaches another subject."""

    # An active mandate from the subject to this aidant, granting the scope (R16).
    MANDATE = "mandate"
    # The Auth record still carries the role now: a revoked role stops at once.
    CURRENT_ROLE = "current_role"
    # A client admin: R3 lets a client see invitation statuses only (through its own
    # endpoints), never a beneficiary's data, so this check lets nobody through.
    ORGANISATION = "organisation"
    # The OIDC token (or, locally, the Cloud Tasks emulator's headers) was verified.
    SERVICE_IDENTITY = "service_identity"
    # A support agent: the role is still on the Auth record, and the subject has a
    # thread assigned to this agent or waiting in the agent's current queue (R8).
    SUPPORT_QUEUE = "support_queue"


DELEGATION_CHECKS: dict[ActorKind, Check] = {
    ActorKind.AIDANT: Check.MANDATE,
    ActorKind.CLIENT_ADMIN: Check.ORGANISATION,
    ActorKind.STAFF: Check.CURRENT_ROLE,
    ActorKind.SUPPORT_AGENT: Check.SUPPORT_QUEUE,
    ActorKind.PRIVACY_OFFICER: Check.CURRENT_ROLE,
    ActorKind.SERVICE_ACCOUNT: Check.SERVICE_IDENTITY,
}
"""Every kind that may act for someone else, and how that is checked; a beneficiary may not."""


@dataclass(frozen=True)
class Actor:
    """Who is acting, as proven by a verified token (the role is the token's hint)."""

    uid: str
    kind: ActorKind
    email: str | None = None
    email_verified: bool = False


@dataclass(frozen=True)
class Access:
    """``actor`` acts on ``subject_uid``'s data within ``scope``, for ``reason``."""

    actor: Actor
    subject_uid: str
    scope: Scope
    reason: str
    language: Language = DEFAULT_LANGUAGE

    @property
    def on_behalf(self) -> bool:
        """True when the actor is not the subject: such an access is journaled (R14)."""
        return self.actor.uid != self.subject_uid


def mandate_grants(scopes: list[str], scope: Scope, revoked: bool) -> bool:
    """A mandate lets its aidant act only while not revoked, and only within its scopes."""
    return not revoked and scope.value in scopes
