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
    VAULT_READ = "vault:read"
    VAULT_WRITE = "vault:write"
    FORMS = "forms"


class Check(StrEnum):
    """What the server verifies, on every request, before an actor reaches another subject."""

    # An active mandate from the subject to this aidant, granting the scope (R16).
    MANDATE = "mandate"
    # The Auth record still carries the role now: a revoked role stops at once.
    CURRENT_ROLE = "current_role"
    # Membership of the subject's client organisation (not stored yet: nobody passes).
    ORGANISATION = "organisation"
    # The OIDC token (or, locally, the Cloud Tasks emulator's headers) was verified.
    SERVICE_IDENTITY = "service_identity"


DELEGATION_CHECKS: dict[ActorKind, Check] = {
    ActorKind.AIDANT: Check.MANDATE,
    ActorKind.CLIENT_ADMIN: Check.ORGANISATION,
    ActorKind.STAFF: Check.CURRENT_ROLE,
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
