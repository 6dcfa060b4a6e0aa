"""Partner single sign-on: stored partner settings, used assertion ids, API bodies (R2, R3).

A client's intranet hands a beneficiary over with a signed assertion (a JWT)
carrying only their e-mail. The partner's settings pin its issuer, the
address of its key set (JWKS) and the one asymmetric algorithm it signs
with; each assertion id is stored until the assertion expires, so none can
be used twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AnyHttpUrl, Field

from shared.domain.data_categories import DataCategory, categorised
from shared.domain.strict import StrictModel

C = DataCategory

# Asymmetric only: a shared secret would let anyone holding it forge hand-offs.
PartnerAlgorithm = Literal["RS256", "PS256", "ES256", "EdDSA"]


class SsoPartner(StrictModel):
    """``sso_partners/{org_id}``: how an organisation's intranet signs its hand-offs."""

    issuer: str = categorised(C.CLIENT)
    jwks_url: str = categorised(C.CLIENT)
    algorithm: PartnerAlgorithm = categorised(C.CLIENT)
    allow_self_registration: bool = categorised(C.CLIENT, False)
    registered_at: datetime = categorised(C.CLIENT)


class UsedAssertion(StrictModel):
    """``sso_used_assertions/{id}``: an assertion id already used (keyed hash), until it expires."""

    org_id: str = categorised(C.INTERACTION)
    expires_at: datetime = categorised(C.INTERACTION)


class PartnerRequest(StrictModel):
    """Body of ``PUT /sso/partners/{org_id}`` (staff)."""

    issuer: str = Field(
        min_length=1,
        max_length=300,
        description="What the partner puts in iss (1 to 300 characters).",
    )
    jwks_url: AnyHttpUrl = Field(
        description="HTTPS URL where the partner publishes its public keys (JWKS)."
    )
    algorithm: PartnerAlgorithm = Field(
        description="The signature algorithm to accept: RS256, PS256, ES256 or EdDSA."
    )
    allow_self_registration: bool = Field(
        False,
        description=(
            "Whether people not invited by the organisation may be signed in (default false)."
        ),
    )


class PartnerOut(StrictModel):
    org_id: str = Field(description="The client organisation the partner signs people in for.")
    issuer: str = Field(description="What the partner puts in iss.")
    audience: str = Field(description="What the partner must put in `aud`: binds it to us.")
    jwks_url: str = Field(description="Where the partner publishes its public keys (JWKS).")
    algorithm: PartnerAlgorithm = Field(
        description="The signature algorithm accepted: RS256, PS256, ES256 or EdDSA."
    )
    allow_self_registration: bool = Field(
        description=(
            "Whether people not invited by the organisation may be signed in (an "
            "account is then created)."
        )
    )


class HandOffRequest(StrictModel):
    """Body of ``POST /sso/{org_id}``: the partner's signed assertion."""

    assertion: str = Field(
        min_length=1,
        max_length=8192,
        description=(
            "The partner's signed JWT (iss, aud, email, jti, exp), signed with "
            "the key published at its jwks_url."
        ),
    )


class HandOffResponse(StrictModel):
    """A Firebase custom token: the web app signs in with it (signInWithCustomToken)."""

    custom_token: str = Field(
        description=(
            "A Firebase custom token for the person's account: sign in with "
            "signInWithCustomToken, then use the ID token."
        )
    )
