"""Endpoints of the ``sso`` function: partner single sign-on (R2, R3).

The hand-off is public: the partner's signed assertion, not a Firebase
token, proves who arrives. Registering a partner's issuer, key set and
algorithm is for staff.
"""

from __future__ import annotations

from shared.api.route import AUTH_OPTIONAL, Route
from shared.domain.access import ActorKind, Scope
from shared.domain.purposes import Purpose
from shared.models import sso as models
from shared.services import sso

# The shape of a hand-off (a compact JWS: header.claims.signature), for the
# documentation; a real one is signed by the partner's registered key.
EXAMPLE_ASSERTION = (
    "eyJhbGciOiJSUzI1NiIsImtpZCI6ImNsZS0yMDI2In0"
    ".eyJpc3MiOiJodHRwczovL2ludHJhbmV0LmVudHJlcHJpc2UtZXhlbXBsZS5mciJ9"
    ".c2lnbmF0dXJlLWR1LXBhcnRlbmFpcmU"
)

ORG_ID = {"org_id": "the organisation's id"}

ROUTES: tuple[Route, ...] = (
    Route(
        function="sso",
        method="POST",
        path="/{org_id}",
        operation_id="partnerHandOff",
        summary="Exchange a partner's signed, single-use assertion for a Firebase custom token.",
        handler=sso.hand_off,
        request_model=models.HandOffRequest,
        example_body={"assertion": EXAMPLE_ASSERTION},
        response_model=models.HandOffResponse,
        scope=Scope.SSO_HANDOFF,
        purpose=Purpose.ACCOUNT,
        auth=AUTH_OPTIONAL,
        errors=("sso_refused", "unavailable"),
        requirements=("R2", "R3"),
        path_params=ORG_ID,
        example_params={"org_id": "o1"},
    ),
    Route(
        function="sso",
        method="PUT",
        path="/partners/{org_id}",
        operation_id="registerSsoPartner",
        summary="Staff: pin a client's issuer, key set (JWKS URL) and signing algorithm.",
        handler=sso.register_partner,
        request_model=models.PartnerRequest,
        example_body={
            "issuer": "https://intranet.entreprise-exemple.fr",
            "jwks_url": "https://intranet.entreprise-exemple.fr/.well-known/jwks.json",
            "algorithm": "RS256",
            "allow_self_registration": False,
        },
        response_model=models.PartnerOut,
        scope=Scope.CLIENT_ADMINISTRATION,
        purpose=Purpose.CLIENT_ADMINISTRATION,
        roles=frozenset({ActorKind.STAFF}),
        errors=("not_found",),
        requirements=("R2", "R11"),
        path_params=ORG_ID,
        example_params={"org_id": "o1"},
    ),
)
