"""Endpoints of the ``simulate`` function: eligibility, history and follow-up of aids (R6)."""

from __future__ import annotations

from typing import Any

from shared.api.route import AUTH_OPTIONAL, Route
from shared.domain.access import ActorKind, Scope
from shared.domain.purposes import Purpose
from shared.models import reports as report_models
from shared.models import simulation, what_would_change
from shared.models import stale_rules as stale_rules_models
from shared.services import reports, simulations, stale_rules

# A single tenant in Paris working part time: the example body of the simulation endpoints.
EXAMPLE_APPLICANT: dict[str, Any] = {
    "id": "demandeur",
    "relationship": "applicant",
    "birth_date": "1994-03-12",
    "activity": "employed",
    "resources": [{"kind": "salary", "monthly_amount": 950.0}],
}
EXAMPLE_HOUSEHOLD: dict[str, Any] = {
    "persons": [EXAMPLE_APPLICANT],
    "housing": {"status": "tenant", "rent": 620.0, "commune": "75056"},
}


def catalogue_aid_ids() -> tuple[str, ...]:
    """The aid ids of the catalogue (loaded on first use, not at import)."""
    from shared.domain.aids import catalogue

    return catalogue.catalogue_aid_ids()


ROUTES: tuple[Route, ...] = (
    Route(
        function="simulate",
        method="POST",
        path="",
        operation_id="simulate",
        summary=(
            "Which aids the household can get and how much. Anonymous: nothing stored. "
            "Signed in: stored with the history, and the changes since the last simulation."
        ),
        handler=simulations.simulate,
        request_model=simulation.SimulateRequest,
        example_body={"household": EXAMPLE_HOUSEHOLD, "month": "2025-05"},
        response_model=simulation.SimulationResponse,
        scope=Scope.SIMULATION,
        purpose=Purpose.SIMULATION,
        auth=AUTH_OPTIONAL,
        errors=("not_registered", "processing_restricted"),
        requirements=("R6", "R26"),
    ),
    Route(
        function="simulate",
        method="POST",
        path="/what-would-change",
        operation_id="whatWouldChange",
        summary=(
            "What would change the household's aids: per aid, where it starts or stops along "
            "earnings and rent (to the euro), with a partner, a new child or a child's next "
            "age band, in French and English, and the earnings curve (0 to 2.5 × SMIC). "
            "Nothing stored."
        ),
        handler=simulations.what_would_change,
        request_model=simulation.SimulateRequest,
        example_body={"household": EXAMPLE_HOUSEHOLD, "month": "2025-05"},
        response_model=what_would_change.WhatWouldChangeReport,
        scope=Scope.SIMULATION,
        purpose=Purpose.SIMULATION,
        auth=AUTH_OPTIONAL,
        errors=("not_registered", "processing_restricted"),
        requirements=("R6",),
    ),
    Route(
        function="simulate",
        method="POST",
        path="/questions",
        operation_id="nextQuestions",
        summary="The next questions that can still change a result, given the answers so far.",
        handler=simulations.next_questions,
        request_model=simulation.QuestionsRequest,
        example_body={"answers": {"persons": [EXAMPLE_APPLICANT]}},
        response_model=simulation.QuestionsResponse,
        scope=Scope.SIMULATION,
        purpose=Purpose.SIMULATION,
        auth=AUTH_OPTIONAL,
        requirements=("R6",),
    ),
    Route(
        function="simulate",
        method="GET",
        path="/history",
        operation_id="simulationHistory",
        summary="The caller's stored simulations, newest first.",
        handler=simulations.history,
        response_model=simulation.SimulationHistoryResponse,
        scope=Scope.SIMULATIONS_READ,
        purpose=Purpose.SIMULATION,
        errors=("not_registered",),
        requirements=("R6", "R26"),
    ),
    Route(
        function="simulate",
        method="GET",
        path="/outcomes",
        operation_id="listOutcomes",
        summary="Recorded outcomes per aid and the totals received.",
        handler=simulations.outcomes,
        response_model=simulation.OutcomesResponse,
        scope=Scope.SIMULATIONS_READ,
        purpose=Purpose.SIMULATION,
        errors=("not_registered",),
        requirements=("R6",),
    ),
    Route(
        function="simulate",
        method="PUT",
        path="/outcomes/{aid_id}",
        operation_id="recordOutcome",
        summary="Record what happened with one aid: applied, granted, refused, not pursued.",
        handler=simulations.record_outcome,
        request_model=simulation.OutcomeChange,
        example_body={
            "status": "granted",
            "monthly_amount_received": 412.5,
            "received_since": "2025-03",
        },
        response_model=simulation.OutcomesResponse,
        scope=Scope.OUTCOMES_WRITE,
        purpose=Purpose.SIMULATION,
        errors=("not_registered", "processing_restricted", "purpose_objected"),
        requirements=("R6",),
        path_params={"aid_id": "an aid id of the catalogue, e.g. rsa"},
        example_params={"aid_id": "rsa"},
        path_values={"aid_id": catalogue_aid_ids},
    ),
    Route(
        function="simulate",
        method="GET",
        path="/stale-rules",
        operation_id="getStaleRules",
        summary=(
            "Staff: the latest daily check of the engine's rules — catalogue aids whose "
            "OpenFisca parameters are past their last known value (a new OpenFisca-France "
            "release is needed), with each parameter's last-checked date."
        ),
        handler=stale_rules.latest,
        response_model=stale_rules_models.StaleRulesResponse,
        scope=Scope.SIMULATION,
        purpose=Purpose.SIMULATION,
        roles=frozenset({ActorKind.STAFF}),
        requirements=("R6",),
    ),
    # Reference reads: the catalogue's labels, and one stored report by id.
    Route(
        function="simulate",
        method="GET",
        path="/catalogue",
        operation_id="getCatalogue",
        summary="The aids, supporting documents and forms, with their labels (fr, en).",
        handler=reports.catalogue,
        response_model=report_models.CatalogueResponse,
        scope=Scope.SIMULATION,
        purpose=Purpose.SIMULATION,
        auth=AUTH_OPTIONAL,
        requirements=("R6",),
    ),
    Route(
        function="simulate",
        method="GET",
        path="/history/{simulation_id}",
        operation_id="getStoredReport",
        summary="One of the caller's stored simulations, with its full report.",
        handler=reports.stored_report,
        response_model=report_models.StoredReportResponse,
        scope=Scope.SIMULATIONS_READ,
        purpose=Purpose.SIMULATION,
        errors=("not_registered",),
        requirements=("R6", "R26"),
        path_params={"simulation_id": "the simulation_id returned by POST /simulate"},
        example_params={"simulation_id": "0f8e6b2c4d5a47e1b3c9a2d4e6f80123"},
    ),
)
