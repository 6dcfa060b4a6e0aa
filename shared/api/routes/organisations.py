"""Endpoints of the ``organisations`` function: clients, their admins, payments, invitations.

Staff manage organisations, contracts, admins and payments (R11, R20). A
client admin invites by professional e-mail and reads, per address, only
invited or registered (R3). No endpoint here takes ``?subject=``: nobody
acts for a beneficiary through an organisation.
"""

from __future__ import annotations

from shared.api.route import Route
from shared.domain.access import ActorKind, Scope
from shared.domain.purposes import Purpose
from shared.models import organisations as models
from shared.services import organisations, usage_statistics

STAFF = frozenset({ActorKind.STAFF})
CLIENT_ADMIN = frozenset({ActorKind.CLIENT_ADMIN})
ORG_ID = {"org_id": "the organisation's id"}

ROUTES: tuple[Route, ...] = (
    Route(
        function="organisations",
        method="POST",
        path="",
        operation_id="createOrganisation",
        summary="Staff: record a client organisation, its contract and billing contact.",
        handler=organisations.create_organisation,
        request_model=models.OrganisationRequest,
        example_body={
            "name": "Mutuelle Exemple",
            "contract_start": "2026-01-01",
            "contract_end": "2028-12-31",
            "billing_name": "Claire Martin",
            "billing_email": "facturation@mutuelle-exemple.fr",
        },
        response_model=models.OrganisationOut,
        scope=Scope.CLIENT_ADMINISTRATION,
        purpose=Purpose.CLIENT_ADMINISTRATION,
        success_status=201,
        roles=STAFF,
        requirements=("R11", "R20"),
    ),
    Route(
        function="organisations",
        method="PUT",
        path="/{org_id}/admins/{uid}",
        operation_id="addClientAdmin",
        summary="Staff: make an account an admin of the organisation (role client_admin).",
        handler=organisations.add_admin,
        response_model=models.AdminOut,
        scope=Scope.CLIENT_ADMINISTRATION,
        purpose=Purpose.CLIENT_ADMINISTRATION,
        roles=STAFF,
        errors=("not_found", "conflict"),
        requirements=("R3", "R11"),
        path_params={**ORG_ID, "uid": "the admin's account"},
        example_params={"org_id": "o1", "uid": "u1"},
    ),
    Route(
        function="organisations",
        method="POST",
        path="/{org_id}/payments",
        operation_id="recordClientPayment",
        summary="Staff: record a payment of the organisation (kept 10 years after the contract).",
        handler=organisations.record_payment,
        request_model=models.PaymentRequest,
        example_body={
            "amount_cents": 1_200_000,
            "paid_on": "2026-02-15",
            "reference": "FAC-2026-0042",
        },
        response_model=models.PaymentOut,
        scope=Scope.CLIENT_ADMINISTRATION,
        purpose=Purpose.CLIENT_ADMINISTRATION,
        success_status=201,
        roles=STAFF,
        errors=("not_found",),
        requirements=("R11", "R20"),
        path_params=ORG_ID,
        example_params={"org_id": "o1"},
    ),
    Route(
        function="organisations",
        method="POST",
        path="/{org_id}/invitations",
        operation_id="inviteBeneficiaries",
        summary="Client admin: invite people by professional e-mail (each address once).",
        handler=organisations.invite,
        request_model=models.InvitationsRequest,
        example_body={
            "emails": ["salarie.un@entreprise-exemple.fr", "salarie.deux@entreprise-exemple.fr"]
        },
        response_model=models.InvitationList,
        scope=Scope.CLIENT_INVITATIONS,
        purpose=Purpose.CLIENT_ADMINISTRATION,
        roles=CLIENT_ADMIN,
        errors=("not_found",),
        requirements=("R3",),
        path_params=ORG_ID,
        example_params={"org_id": "o1"},
    ),
    Route(
        function="organisations",
        method="GET",
        path="/{org_id}/invitations",
        operation_id="listInvitations",
        summary="Client admin: per invited address, invited or registered — nothing else.",
        handler=organisations.list_invitations,
        response_model=models.InvitationList,
        scope=Scope.CLIENT_INVITATIONS,
        purpose=Purpose.CLIENT_ADMINISTRATION,
        roles=CLIENT_ADMIN,
        errors=("not_found",),
        requirements=("R3",),
        path_params=ORG_ID,
        example_params={"org_id": "o1"},
    ),
    Route(
        function="organisations",
        method="GET",
        path="/statistics",
        operation_id="getOperatorStatistics",
        summary="Staff: people registered, simulating, with an aid found, per month — no "
        "number under 10 people (R12).",
        handler=usage_statistics.operator_statistics,
        response_model=models.UsageStatistics,
        scope=Scope.CLIENT_ADMINISTRATION,
        purpose=Purpose.CLIENT_ADMINISTRATION,
        roles=STAFF,
        requirements=("R12",),
    ),
    Route(
        function="organisations",
        method="GET",
        path="/{org_id}/statistics",
        operation_id="getClientStatistics",
        summary="Client admin: the same counts about the people the organisation invited — "
        "no number under 10 people (R12).",
        handler=usage_statistics.client_statistics,
        response_model=models.UsageStatistics,
        scope=Scope.CLIENT_INVITATIONS,
        purpose=Purpose.CLIENT_ADMINISTRATION,
        roles=CLIENT_ADMIN,
        errors=("not_found",),
        requirements=("R3", "R12"),
        path_params=ORG_ID,
        example_params={"org_id": "o1"},
    ),
)
