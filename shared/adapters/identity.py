"""Firebase Authentication: ID-token verification and role claims.

Roles are Firebase custom claims (``role``), set only by server code; a
token without a role is a freshly signed-up user and is treated as a
beneficiary. A token's role is a hint: it lives as long as the token (an
hour), so access to someone else's data re-reads the role on the Auth
record (:func:`current_role`) on every request. Note: in emulator mode
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


def verify(token: str) -> Actor:
    """The actor a Firebase ID token proves, or :class:`InvalidToken`."""
    from firebase_admin import auth

    try:
        claims: dict[str, Any] = auth.verify_id_token(token, app=firebase_app())
    except (ValueError, auth.InvalidIdTokenError, auth.ExpiredIdTokenError) as error:
        raise InvalidToken(type(error).__name__) from None
    except auth.CertificateFetchError as error:  # pragma: no cover - network outage
        raise ConnectionError("certificate fetch failed") from error
    # Checked here too because the emulator path of firebase-admin skips the
    # expiry check; in production google-auth has already enforced it.
    if float(claims.get("exp", 0)) + CLOCK_SKEW_SECONDS < time.time():
        raise InvalidToken("expired")
    role = claims.get("role", "beneficiary")
    if role not in TOKEN_ROLES:
        raise InvalidToken("unknown role claim")
    return Actor(
        uid=str(claims["uid"]),
        kind=ActorKind(role),
        email=claims.get("email"),
        email_verified=bool(claims.get("email_verified", False)),
    )


def set_role(uid: str, role: str) -> None:
    """Give ``uid`` a role claim, keeping its other claims."""
    from firebase_admin import auth

    if role not in TOKEN_ROLES:
        raise ValueError(f"unknown role {role}")
    user = auth.get_user(uid, app=firebase_app())
    claims = dict(user.custom_claims or {})
    if claims.get("role") != role:
        claims["role"] = role
        auth.set_custom_user_claims(uid, claims, app=firebase_app())


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


def current_role(uid: str) -> str | None:
    """The role on the Auth record now (``None``: no such user, or no role)."""
    from firebase_admin import auth

    try:
        user = auth.get_user(uid, app=firebase_app())
    except auth.UserNotFoundError:
        return None
    role = (user.custom_claims or {}).get("role")
    return str(role) if role else None
