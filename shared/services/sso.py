"""Partner single sign-on: a client's signed hand-off becomes a Firebase sign-in (R2, R3).

The assertion is a JWT verified with PyJWT against the partner's registered
key set (JWKS, fetched from its URL and cached; an unknown key id triggers a
refetch, which is how a partner rotates keys). Checks, each refused with its
own ``reason``: the algorithm must be the one pinned for this partner (so
``alg: none`` and HS256 keyed with the public key cannot pass), the key id
must be in the key set, the signature must verify, the issuer and audience
must be this partner's, the assertion must be valid now (``nbf``, ``exp``)
and live at most five minutes, and its id (``jti``) must never have been
used. Only the e-mail crosses; the address must have been invited by the
client unless the client allows self-registration. The answer is a custom
token, or a refusal: the client learns nothing else.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from shared.adapters import document_store, identity
from shared.domain.access import Access, ActorKind
from shared.domain.data_registry import CLIENT_INVITATIONS, SSO_PARTNERS, SSO_USED_ASSERTIONS
from shared.errors import ApiError, text
from shared.models.organisations import ClientInvitation
from shared.models.sso import (
    HandOffRequest,
    HandOffResponse,
    PartnerOut,
    PartnerRequest,
    SsoPartner,
    UsedAssertion,
)
from shared.services.organisations import invitation_id, organisation_of, require_staff_now

MAX_LIFETIME_SECONDS = 300  # R2: short-lived, five minutes at most
CLOCK_SKEW_SECONDS = 30
JWKS_CACHE_SECONDS = 300
# An unknown key id refetches the key set (rotation), at most this often, so that
# assertions with made-up key ids cannot make us hammer the partner.
JWKS_REFRESH_COOLDOWN_SECONDS = 30

REFUSALS = {
    "unknown_client": text("Organisation inconnue.", "Unknown organisation."),
    "malformed": text(
        "L'assertion n'est pas un JWT lisible.", "The assertion is not a readable JWT."
    ),
    "algorithm": text(
        "Algorithme de signature non autorisé pour cette organisation.",
        "Signature algorithm not allowed for this organisation.",
    ),
    "unknown_key": text("Clé de signature inconnue.", "Unknown signing key."),
    "bad_signature": text("Signature invalide.", "Invalid signature."),
    "expired": text("L'assertion a expiré.", "The assertion has expired."),
    "not_yet_valid": text(
        "L'assertion n'est pas encore valable.", "The assertion is not valid yet."
    ),
    "lifetime_too_long": text(
        "L'assertion doit expirer dans les cinq minutes.",
        "The assertion must expire within five minutes.",
    ),
    "wrong_audience": text(
        "L'assertion n'est pas destinée à Sésame.", "The assertion is not for Sésame."
    ),
    "wrong_issuer": text("Émetteur de l'assertion inattendu.", "Unexpected assertion issuer."),
    "missing_claim": text(
        "Il manque une information à l'assertion.", "The assertion lacks a claim."
    ),
    "replayed": text("Cette assertion a déjà servi.", "This assertion was already used."),
    "not_invited": text(
        "Cette adresse n'a pas été invitée par votre organisation.",
        "Your organisation did not invite this address.",
    ),
}


def _refuse(reason: str) -> ApiError:
    return ApiError("sso_refused", REFUSALS[reason], extra={"reason": reason})


def audience_of(org_id: str) -> str:
    """The ``aud`` a partner must put in its assertions: binds each one to that client."""
    return f"sesame-sso:{org_id}"


@lru_cache(maxsize=64)
def _key_set(jwks_url: str) -> Any:
    from jwt import PyJWKClient

    return PyJWKClient(
        jwks_url,
        cache_keys=True,
        lifespan=JWKS_CACHE_SECONDS,
        timeout=5,
        cooldown_duration=JWKS_REFRESH_COOLDOWN_SECONDS,
    )


def register_partner(access: Access, request: PartnerRequest, org_id: str) -> PartnerOut:
    """Staff record (or replace) how ``org_id``'s intranet signs its hand-offs."""
    require_staff_now(access)
    organisation_of(org_id)
    partner = SsoPartner(
        issuer=request.issuer,
        jwks_url=str(request.jwks_url),
        algorithm=request.algorithm,
        allow_self_registration=request.allow_self_registration,
        registered_at=datetime.now(UTC),
    )
    path = SSO_PARTNERS.path(org_id=org_id)
    document_store.run_in_transaction(lambda writes: writes.set(path, partner))
    return PartnerOut(
        org_id=org_id,
        issuer=partner.issuer,
        audience=audience_of(org_id),
        jwks_url=partner.jwks_url,
        algorithm=partner.algorithm,
        allow_self_registration=partner.allow_self_registration,
    )


def _verified_claims(token: str, org_id: str, partner: SsoPartner) -> dict[str, Any]:
    import jwt

    try:
        header = jwt.get_unverified_header(token)
    except jwt.DecodeError:
        raise _refuse("malformed") from None
    if header.get("alg") != partner.algorithm:
        raise _refuse("algorithm")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise _refuse("unknown_key")
    try:
        key = _key_set(partner.jwks_url).get_signing_key(kid)
    except jwt.PyJWKClientConnectionError:
        raise ConnectionError("partner key set unreachable") from None
    except jwt.PyJWKClientError:
        raise _refuse("unknown_key") from None
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=[partner.algorithm],
            audience=audience_of(org_id),
            issuer=partner.issuer,
            leeway=CLOCK_SKEW_SECONDS,
            options={"require": ["exp", "iat", "nbf", "jti", "iss", "aud", "email"]},
        )
    except jwt.ExpiredSignatureError:
        raise _refuse("expired") from None
    except jwt.ImmatureSignatureError:
        raise _refuse("not_yet_valid") from None
    except jwt.InvalidAudienceError:
        raise _refuse("wrong_audience") from None
    except jwt.InvalidIssuerError:
        raise _refuse("wrong_issuer") from None
    except jwt.MissingRequiredClaimError:
        raise _refuse("missing_claim") from None
    except jwt.InvalidSignatureError:
        raise _refuse("bad_signature") from None
    except jwt.InvalidTokenError:
        raise _refuse("malformed") from None
    now = time.time()
    if (
        float(claims["exp"]) - float(claims["iat"]) > MAX_LIFETIME_SECONDS
        or float(claims["exp"]) - now > MAX_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS
    ):
        raise _refuse("lifetime_too_long")
    if not isinstance(claims["email"], str) or not isinstance(claims["jti"], str):
        raise _refuse("missing_claim")
    return claims


def _use_once(org_id: str, jti: str, expires: float) -> None:
    """Record the assertion id; a second use of it is refused (single use, R2)."""
    digest = hashlib.sha256(f"{org_id}\n{jti}".encode()).hexdigest()
    path = SSO_USED_ASSERTIONS.path(assertion_id=digest)
    used = UsedAssertion(org_id=org_id, expires_at=datetime.fromtimestamp(expires, UTC))

    def work(writes: Any) -> bool:
        if writes.get(path, UsedAssertion) is not None:
            return False
        writes.create(path, used)
        return True

    if not document_store.run_in_transaction(work):
        raise _refuse("replayed")


def hand_off(access: Access | None, request: HandOffRequest, org_id: str) -> HandOffResponse:
    """Verify the partner's assertion and answer a custom token for that e-mail's account."""
    partner = document_store.get(SSO_PARTNERS.path(org_id=org_id), SsoPartner)
    if partner is None:
        raise _refuse("unknown_client")
    claims = _verified_claims(request.assertion, org_id, partner)
    email = claims["email"].strip().lower()
    invited = document_store.get(
        CLIENT_INVITATIONS.path(invitation_id=invitation_id(org_id, email)), ClientInvitation
    )
    if invited is None and not partner.allow_self_registration:
        raise _refuse("not_invited")
    _use_once(org_id, claims["jti"], float(claims["exp"]))
    uid = identity.account_for_email(email)
    if identity.current_role(uid) not in (None, ActorKind.BENEFICIARY.value):
        # A staff, aidant or client-admin account is never signed in by a partner.
        raise _refuse("not_invited")
    return HandOffResponse(custom_token=identity.custom_token(uid))
