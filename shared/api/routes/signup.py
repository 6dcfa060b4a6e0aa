"""Endpoints of the ``signup`` function: create the caller's beneficiary profile (R1)."""

from __future__ import annotations

from shared.api.route import Route
from shared.domain.access import Scope
from shared.domain.policy import CURRENT_POLICY
from shared.domain.purposes import Purpose
from shared.models import account
from shared.services import accounts

ROUTES: tuple[Route, ...] = (
    Route(
        function="signup",
        method="POST",
        path="",
        operation_id="signup",
        summary="Create the caller's beneficiary profile (idempotent).",
        handler=accounts.register_beneficiary,
        request_model=account.SignupRequest,
        response_model=account.ProfileResponse,
        scope=Scope.ACCOUNT_CREATE,
        purpose=Purpose.ACCOUNT,
        success_status=201,
        example_body={
            "accept_policy_version": CURRENT_POLICY.version,
            "language": "fr",
            "given_name": "Camille",
            "consents": {"vault": True, "promotion": False},
        },
        other_successes={200: "A retry: the profile already exists and is returned unchanged."},
        errors=("policy_not_accepted", "email_not_verified"),
        requirements=("R1", "R13", "R25"),
    ),
)
