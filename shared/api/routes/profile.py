"""Endpoints of the ``profile`` function: access, rectification, consents, objections (R26).

Reading a profile or its consent history is also open to those who act for
a beneficiary — an aidant under a mandate (R16), support staff, a privacy
officer handling a rights request (R30) — with ``?subject=<uid>``, checked
server-side and journaled (R14). Changes stay with the beneficiary: consent
is theirs to give (R9, R10).
"""

from __future__ import annotations

from shared.api.route import Route
from shared.domain.access import ActorKind, Scope
from shared.domain.purposes import Purpose
from shared.models import account
from shared.services import accounts

READERS_FOR_SOMEONE_ELSE = frozenset(
    {ActorKind.AIDANT, ActorKind.STAFF, ActorKind.PRIVACY_OFFICER, ActorKind.CLIENT_ADMIN}
)
ROLES_READING = frozenset({ActorKind.BENEFICIARY}) | READERS_FOR_SOMEONE_ELSE

ROUTES: tuple[Route, ...] = (
    Route(
        function="profile",
        method="GET",
        path="",
        operation_id="getProfile",
        summary="Read a profile: the caller's own (right of access), or a subject's.",
        handler=accounts.get_profile,
        response_model=account.ProfileResponse,
        scope=Scope.PROFILE_READ,
        purpose=Purpose.ACCOUNT,
        roles=ROLES_READING,
        delegates=READERS_FOR_SOMEONE_ELSE,
        errors=("not_registered",),
        requirements=("R14", "R16", "R26"),
    ),
    Route(
        function="profile",
        method="PATCH",
        path="",
        operation_id="rectifyProfile",
        summary="Rectify profile fields; null clears an optional field.",
        handler=accounts.rectify_profile,
        request_model=account.ProfilePatch,
        response_model=account.ProfileResponse,
        scope=Scope.PROFILE_WRITE,
        purpose=Purpose.ACCOUNT,
        errors=("not_registered",),
        requirements=("R26",),
    ),
    Route(
        function="profile",
        method="GET",
        path="/consents",
        operation_id="listConsentEvents",
        summary="History of consent grants and withdrawals: the caller's own, or a subject's.",
        handler=accounts.consent_history,
        response_model=account.ConsentHistoryResponse,
        scope=Scope.CONSENTS_READ,
        purpose=Purpose.ACCOUNT,
        roles=ROLES_READING,
        delegates=READERS_FOR_SOMEONE_ELSE,
        errors=("not_registered",),
        requirements=("R9", "R10", "R14", "R16"),
    ),
    Route(
        function="profile",
        method="PUT",
        path="/consents/{purpose}",
        operation_id="setConsent",
        summary="Grant or withdraw consent to a consent-based purpose (vault, promotion).",
        handler=accounts.set_consent,
        request_model=account.ConsentChange,
        response_model=account.ProfileResponse,
        scope=Scope.PROFILE_WRITE,
        purpose=Purpose.ACCOUNT,
        errors=(
            "not_registered",
            "policy_not_accepted",
            "email_not_verified",
            "vault_withdrawal_needs_confirmation",
        ),
        requirements=("R9", "R10"),
        path_params={"purpose": "vault or promotion"},
        example_params={"purpose": "vault"},
    ),
    Route(
        function="profile",
        method="PUT",
        path="/objections/{purpose}",
        operation_id="setObjection",
        summary="Object to (or stop objecting to) a purpose: alerts, promotion, simulation.",
        handler=accounts.set_objection,
        request_model=account.ObjectionChange,
        response_model=account.ProfileResponse,
        scope=Scope.PROFILE_WRITE,
        purpose=Purpose.ACCOUNT,
        errors=("not_registered",),
        requirements=("R26", "R30"),
        path_params={"purpose": "alerts, promotion or simulation"},
        example_params={"purpose": "alerts"},
    ),
    Route(
        function="profile",
        method="PUT",
        path="/restriction",
        operation_id="setRestriction",
        summary="Restrict processing (data kept, not processed) or lift the restriction.",
        handler=accounts.set_restriction,
        request_model=account.RestrictionChange,
        response_model=account.ProfileResponse,
        scope=Scope.PROFILE_WRITE,
        purpose=Purpose.ACCOUNT,
        errors=("not_registered",),
        requirements=("R26", "R30"),
    ),
)
