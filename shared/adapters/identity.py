"""Firebase Authentication: ID-token verification and role claims.

Roles are Firebase custom claims (``role``), set only by server code; a
token without a role is a freshly signed-up user and is treated as a
beneficiary. A token's role is a hint: it lives as long as the token (an
hour), so access to someone else's data re-reads the role on the Auth
record (:func:`current_role`) on every request, and so does any token
claiming a role beyond ``beneficiary``: a removed role stops at the next
request. Every token is also checked against its account (``check_revoked``):
a disabled or deleted account, or one whose sessions were revoked, is refused
at its next request rather than when its token expires. That costs one read
of the Auth record per request (measured in ``bench/token_check.py``). Note: in emulator mode
``verify_id_token`` accepts unsigned tokens, so tests here prove *our*
handling, not signature checking.
"""

from __future__ import annotations

import time
from typing import Any

from shared.adapters.clients import firebase_app
from shared.domain.access import TOKEN_ROLES, Actor, ActorKind

CLOCK_SKEW_SECONDS = 60


class InvalidToken(Exception):
    """The token could not be verified (expired, malformed, revoked, wrong project)."""


class UnknownIdentity(LookupError):
    """No Auth account has this uid (any more)."""


def verify(token: str) -> Actor:
    """The actor a Firebase ID token proves, or :class:`InvalidToken`."""
    from firebase_admin import auth, exceptions

    try:
        claims: dict[str, Any] = auth.verify_id_token(token, app=firebase_app(), check_revoked=True)
    except (
        ValueError,
        auth.InvalidIdTokenError,
        auth.ExpiredIdTokenError,
        auth.RevokedIdTokenError,
        auth.UserDisabledError,
        auth.UserNotFoundError,
    ) as error:
        raise InvalidToken(type(error).__name__) from None
    except auth.CertificateFetchError as error:  # pragma: no cover - network outage
        raise ConnectionError("certificate fetch failed") from error
    except (exceptions.UnavailableError, exceptions.DeadlineExceededError) as error:
        raise ConnectionError("auth service unavailable") from error
    # Checked here too because the emulator path of firebase-admin skips the
    # expiry check; in production google-auth has already enforced it.
    if float(claims.get("exp", 0)) + CLOCK_SKEW_SECONDS < time.time():
        raise InvalidToken("expired")
    role = claims.get("role", "beneficiary")
    if role not in TOKEN_ROLES:
        raise InvalidToken("unknown role claim")
    if role != ActorKind.BENEFICIARY.value:
        # A role beyond beneficiary is re-read: removed, it is gone from this request on.
        role = current_role(str(claims["uid"])) or ActorKind.BENEFICIARY.value
        if role not in TOKEN_ROLES:
            raise InvalidToken("unknown role on the account")
    return Actor(
        uid=str(claims["uid"]),
        kind=ActorKind(role),
        email=claims.get("email"),
        email_verified=bool(claims.get("email_verified", False)),
    )


def set_role(uid: str, role: str, extra: dict[str, str] | None = None) -> None:
    """Give ``uid`` a role claim (and ``extra`` claims such as a support agent's queue),
    keeping its other claims; :class:`UnknownIdentity` if gone."""
    from firebase_admin import auth

    if role not in TOKEN_ROLES:
        raise ValueError(f"unknown role {role}")
    try:
        user = auth.get_user(uid, app=firebase_app())
        claims = dict(user.custom_claims or {})
        wanted = {**claims, "role": role, **(extra or {})}
        if wanted != claims:
            auth.set_custom_user_claims(uid, wanted, app=firebase_app())
    except auth.UserNotFoundError:
        raise UnknownIdentity(uid) from None


def uid_of_email(email: str) -> str | None:
    """The account signed up with ``email``, if any."""
    from firebase_admin import auth

    try:
        return str(auth.get_user_by_email(email, app=firebase_app()).uid)
    except auth.UserNotFoundError:
        return None


def account_for_email(email: str) -> str:
    """The uid of the account signed up with ``email``, created (verified) if there is none."""
    from firebase_admin import auth

    existing = uid_of_email(email)
    if existing is not None:
        return existing
    try:
        return str(auth.create_user(email=email, email_verified=True, app=firebase_app()).uid)
    except auth.EmailAlreadyExistsError:  # created meanwhile by a concurrent hand-off
        return str(uid_of_email(email))


def custom_token(uid: str) -> str:
    """A Firebase custom token for ``uid`` (signed by the function's service account; by the
    Auth emulator's built-in unsigned signer locally)."""
    from firebase_admin import auth

    return auth.create_custom_token(uid, app=firebase_app()).decode()


def current_claim(uid: str, name: str) -> str | None:
    """The custom claim ``name`` on the Auth record now (``None``: no such user or claim)."""
    from firebase_admin import auth

    try:
        user = auth.get_user(uid, app=firebase_app())
    except auth.UserNotFoundError:
        return None
    value = (user.custom_claims or {}).get(name)
    return str(value) if value else None


def current_role(uid: str) -> str | None:
    """The role on the Auth record now (``None``: no such user, or no role)."""
    return current_claim(uid, "role")
