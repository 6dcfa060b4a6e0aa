"""Every HTTP endpoint of every function, in one table.

The dispatcher routes requests with this table and the OpenAPI document is
generated from it, so the documentation cannot drift from what is served.
Handlers are dotted names imported on first use: a function only imports
the services it serves (``signup`` never imports OpenFisca).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import BaseModel

from shared.models import account, simulation

AUTH_REQUIRED = "required"
AUTH_OPTIONAL = "optional"

COMMON_ERRORS = (
    "invalid_json",
    "validation_failed",
    "unsupported_media_type",
    "payload_too_large",
    "unauthenticated",
    "token_invalid",
    "forbidden",
    "origin_not_allowed",
)


@dataclass(frozen=True)
class Route:
    function: str
    method: str
    path: str  # relative to the function, e.g. "/consents/{purpose}"
    operation_id: str
    summary: str
    handler: str  # "module:callable"; called as handler(principal, [body], **path_params)
    response_model: type[BaseModel]
    request_model: type[BaseModel] | None = None
    success_status: int = 200
    auth: str = AUTH_REQUIRED
    roles: frozenset[str] = frozenset({"beneficiary"})
    errors: tuple[str, ...] = ()
    requirements: tuple[str, ...] = ()
    path_params: dict[str, str] = field(default_factory=dict)  # name -> description
    example_params: dict[str, str] = field(default_factory=dict)  # for docs and tests

    @property
    def example_path(self) -> str:
        """The relative path with example parameter values filled in."""
        path = self.path
        for name, value in self.example_params.items():
            path = path.replace("{" + name + "}", value)
        return path or "/"

    @property
    def public_path(self) -> str:
        """Path behind the single local address / load balancer."""
        return ("/" + self.function + self.path).rstrip("/")

    def match(self, path: str) -> dict[str, str] | None:
        pattern = re.sub(r"\\\{([a-z_]+)\\\}", r"(?P<\1>[A-Za-z0-9_-]{1,64})", re.escape(self.path))
        found = re.fullmatch(pattern.rstrip("/") or "", path.rstrip("/"))
        return found.groupdict() if found else None


ACCOUNTS = "shared.services.accounts"
SIMULATIONS = "shared.services.simulations"

ROUTES: tuple[Route, ...] = (
    Route(
        function="signup",
        method="POST",
        path="",
        operation_id="signup",
        summary="Create the caller's beneficiary profile (idempotent).",
        handler=f"{ACCOUNTS}:register_beneficiary",
        request_model=account.SignupRequest,
        response_model=account.ProfileResponse,
        success_status=201,
        errors=("policy_not_accepted", "email_not_verified"),
        requirements=("R1", "R13", "R25"),
    ),
    Route(
        function="profile",
        method="GET",
        path="",
        operation_id="getProfile",
        summary="Read the caller's profile (right of access).",
        handler=f"{ACCOUNTS}:get_profile",
        response_model=account.ProfileResponse,
        errors=("not_registered",),
        requirements=("R26",),
    ),
    Route(
        function="profile",
        method="PATCH",
        path="",
        operation_id="rectifyProfile",
        summary="Rectify profile fields; null clears an optional field.",
        handler=f"{ACCOUNTS}:rectify_profile",
        request_model=account.ProfilePatch,
        response_model=account.ProfileResponse,
        errors=("not_registered",),
        requirements=("R26",),
    ),
    Route(
        function="profile",
        method="GET",
        path="/consents",
        operation_id="listConsentEvents",
        summary="History of consent grants and withdrawals.",
        handler=f"{ACCOUNTS}:consent_history",
        response_model=account.ConsentHistoryResponse,
        errors=("not_registered",),
        requirements=("R9", "R10"),
    ),
    Route(
        function="profile",
        method="PUT",
        path="/consents/{purpose}",
        operation_id="setConsent",
        summary="Grant or withdraw consent to a consent-based purpose (vault, promotion).",
        handler=f"{ACCOUNTS}:set_consent",
        request_model=account.ConsentChange,
        response_model=account.ProfileResponse,
        errors=("not_registered", "policy_not_accepted", "email_not_verified"),
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
        handler=f"{ACCOUNTS}:set_objection",
        request_model=account.ObjectionChange,
        response_model=account.ProfileResponse,
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
        handler=f"{ACCOUNTS}:set_restriction",
        request_model=account.RestrictionChange,
        response_model=account.ProfileResponse,
        errors=("not_registered",),
        requirements=("R26", "R30"),
    ),
    Route(
        function="simulate",
        method="POST",
        path="",
        operation_id="simulate",
        summary=(
            "Which aids the household can get and how much. Anonymous: nothing stored. "
            "Signed in: stored with the history, and the changes since the last simulation."
        ),
        handler=f"{SIMULATIONS}:simulate",
        request_model=simulation.SimulateRequest,
        response_model=simulation.SimulationResponse,
        auth=AUTH_OPTIONAL,
        errors=("not_registered", "processing_restricted"),
        requirements=("R6", "R26"),
    ),
    Route(
        function="simulate",
        method="POST",
        path="/questions",
        operation_id="nextQuestions",
        summary="The next questions that can still change a result, given the answers so far.",
        handler=f"{SIMULATIONS}:next_questions",
        request_model=simulation.QuestionsRequest,
        response_model=simulation.QuestionsResponse,
        auth=AUTH_OPTIONAL,
        requirements=("R6",),
    ),
    Route(
        function="simulate",
        method="GET",
        path="/history",
        operation_id="simulationHistory",
        summary="The caller's stored simulations, newest first.",
        handler=f"{SIMULATIONS}:history",
        response_model=simulation.SimulationHistoryResponse,
        errors=("not_registered",),
        requirements=("R6", "R26"),
    ),
    Route(
        function="simulate",
        method="GET",
        path="/outcomes",
        operation_id="listOutcomes",
        summary="Recorded outcomes per aid and the totals received.",
        handler=f"{SIMULATIONS}:outcomes",
        response_model=simulation.OutcomesResponse,
        errors=("not_registered",),
        requirements=("R6",),
    ),
    Route(
        function="simulate",
        method="PUT",
        path="/outcomes/{aid_id}",
        operation_id="recordOutcome",
        summary="Record what happened with one aid: applied, granted, refused, not pursued.",
        handler=f"{SIMULATIONS}:record_outcome",
        request_model=simulation.OutcomeChange,
        response_model=simulation.OutcomesResponse,
        errors=("not_registered",),
        requirements=("R6",),
        path_params={"aid_id": "an aid id of the catalogue, e.g. rsa"},
        example_params={"aid_id": "rsa"},
    ),
)


def routes_of(function: str) -> list[Route]:
    return [route for route in ROUTES if route.function == function]


def functions() -> list[str]:
    return sorted({route.function for route in ROUTES})
