"""Endpoints of the ``mandates`` function: caregivers' mandates and the access journal (R14, R16).

The beneficiary grants, lists and revokes mandates and reads who did what
with their data; the invited caregiver accepts and lists what they were
given. None of these is open to someone acting for another person: a
mandate is the beneficiary's own consent, never an aidant's.
"""

from __future__ import annotations

from shared.api.route import Route
from shared.domain.access import ActorKind, Scope
from shared.domain.purposes import Purpose
from shared.models import mandates as models
from shared.services import mandates

BENEFICIARY_ONLY = frozenset({ActorKind.BENEFICIARY})
# A fresh account carries no role and counts as a beneficiary until it accepts.
INVITED = frozenset({ActorKind.BENEFICIARY, ActorKind.AIDANT})
MANDATE_ID = {"mandate_id": "the mandate's id"}
EXAMPLE_ID = {"mandate_id": "m1"}

ROUTES: tuple[Route, ...] = (
    Route(
        function="mandates",
        method="POST",
        path="",
        operation_id="grantMandate",
        summary="Invite a caregiver by e-mail with chosen grants, for 1 day to 1 year.",
        handler=mandates.grant_mandate,
        request_model=models.MandateRequest,
        example_body={
            "aidant_email": "marie.dupont@example.fr",
            "aidant_name": "Marie Dupont",
            "grants": ["read_answers_and_results", "read_vault"],
            "days": 90,
        },
        response_model=models.MandateOut,
        scope=Scope.MANDATES_MANAGE,
        purpose=Purpose.ACCOUNT,
        success_status=201,
        other_successes={
            200: "A retry: the same caregiver already holds a pending invitation with these "
            "grants; it is returned (and its e-mail sent if it was not yet)."
        },
        roles=BENEFICIARY_ONLY,
        errors=("not_registered",),
        requirements=("R16",),
    ),
    Route(
        function="mandates",
        method="GET",
        path="",
        operation_id="listMandates",
        summary="The mandates the caller gave, with their status now.",
        handler=mandates.list_mandates,
        response_model=models.MandateList,
        scope=Scope.MANDATES_MANAGE,
        purpose=Purpose.ACCOUNT,
        roles=BENEFICIARY_ONLY,
        requirements=("R16",),
    ),
    Route(
        function="mandates",
        method="POST",
        path="/{mandate_id}/revoke",
        operation_id="revokeMandate",
        summary="Revoke a mandate at once: the caregiver's next request is refused.",
        handler=mandates.revoke_mandate,
        response_model=models.MandateOut,
        scope=Scope.MANDATES_MANAGE,
        purpose=Purpose.ACCOUNT,
        roles=BENEFICIARY_ONLY,
        errors=("not_found",),
        requirements=("R16",),
        path_params=MANDATE_ID,
        example_params=EXAMPLE_ID,
    ),
    Route(
        function="mandates",
        method="GET",
        path="/journal",
        operation_id="readAccessJournal",
        summary="Who did what with the caller's data: every access by someone else, in words.",
        handler=mandates.read_journal,
        response_model=models.JournalResponse,
        scope=Scope.MANDATES_MANAGE,
        purpose=Purpose.ACCOUNT,
        roles=BENEFICIARY_ONLY,
        requirements=("R14", "R16"),
    ),
    Route(
        function="mandates",
        method="POST",
        path="/{mandate_id}/accept",
        operation_id="acceptMandate",
        summary="The invited caregiver accepts (signed in with the invited, verified address).",
        handler=mandates.accept_mandate,
        response_model=models.ReceivedMandate,
        scope=Scope.MANDATES_RECEIVE,
        purpose=Purpose.ACCOUNT,
        roles=INVITED,
        errors=("not_found", "conflict", "email_not_verified"),
        requirements=("R16",),
        path_params=MANDATE_ID,
        example_params=EXAMPLE_ID,
    ),
    Route(
        function="mandates",
        method="GET",
        path="/received",
        operation_id="listReceivedMandates",
        summary="The mandates the calling caregiver accepted: whose data, what, until when.",
        handler=mandates.received_mandates,
        response_model=models.ReceivedMandateList,
        scope=Scope.MANDATES_RECEIVE,
        purpose=Purpose.ACCOUNT,
        roles=frozenset({ActorKind.AIDANT}),
        requirements=("R16",),
    ),
)
