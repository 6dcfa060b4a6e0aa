"""Firebase Authentication: ID-token verification and role claims.

Roles are Firebase custom claims (``role``), set only by server code; a
token without a role is a freshly signed-up user and is treated as a
beneficiary. Note: in emulator mode ``verify_id_token`` accepts unsigned
tokens, so tests here prove *our* handling, not signature checking.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from shared.adapters.clients import firebase_app

CLOCK_SKEW_SECONDS = 60
ROLES = frozenset({"beneficiary", "aidant", "client_admin", "staff", "privacy_officer"})


@dataclass(frozen=True)
class Principal:
    """Who is calling, as proven by a verified ID token."""

    uid: str
    role: str
    email: str | None
    email_verified: bool


class InvalidToken(Exception):
    """The token could not be verified (expired, malformed, revoked, wrong project)."""


def verify(token: str) -> Principal:
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
    if role not in ROLES:
        raise InvalidToken("unknown role claim")
    return Principal(
        uid=str(claims["uid"]),
        role=str(role),
        email=claims.get("email"),
        email_verified=bool(claims.get("email_verified", False)),
    )


def set_role(uid: str, role: str) -> None:
    """Give ``uid`` a role claim, keeping its other claims."""
    from firebase_admin import auth

    if role not in ROLES:
        raise ValueError(f"unknown role {role}")
    user = auth.get_user(uid, app=firebase_app())
    claims = dict(user.custom_claims or {})
    if claims.get("role") != role:
        claims["role"] = role
        auth.set_custom_user_claims(uid, claims, app=firebase_app())
