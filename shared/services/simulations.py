"""The ``simulate`` use cases: compute, keep the history, follow outcomes (R6, R26).

Anonymous callers get results and nothing is stored. A signed-in beneficiary's
answers and results are stored with the engine and catalogue versions, and
the response says what changed since their previous simulation. Restriction
of processing refuses the simulation; an objection to the simulation purpose
computes without storing (the user is told, R30).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from shared.adapters import document_store
from shared.adapters.document_store import Writes
from shared.config import settings
from shared.domain.access import Access
from shared.domain.aids.catalogue import load_catalogue
from shared.domain.data_registry import AID_OUTCOMES, SIMULATIONS
from shared.domain.follow_up import Received, changes_between, summaries, total_received
from shared.domain.purposes import Purpose
from shared.domain.results import EligibilityReport
from shared.errors import ApiError, FieldError, text
from shared.models.simulation import (
    ChangeOut,
    OutcomeChange,
    OutcomeOut,
    OutcomesResponse,
    QuestionsRequest,
    QuestionsResponse,
    SimulateRequest,
    SimulationHistoryResponse,
    SimulationResponse,
    SimulationSummary,
)
from shared.models.simulation_history import AidOutcome, OutcomeEvent, StoredSimulation
from shared.services.accounts import NOTICES, load_profile
from shared.services.stored_simulations import latest_simulation


def _outcome_list(uid: str) -> list[OutcomeOut]:
    return [
        OutcomeOut(
            aid_id=outcome.aid_id,
            status=outcome.status,
            monthly_amount_received=outcome.monthly_amount_received,
            received_since=outcome.received_since,
            updated_at=outcome.updated_at,
        )
        for _, outcome in document_store.list_collection(
            AID_OUTCOMES.collection(uid=uid), AidOutcome, "aid_id"
        )
    ]


def _evaluate(request: SimulateRequest) -> EligibilityReport:
    """Run the engine, its parameter cache placed where the configuration says."""
    from shared.services import eligibility

    eligibility.configure(settings().engine_cache_dir)
    return eligibility.evaluate(request.household, request.month)


def simulate(access: Access | None, request: SimulateRequest) -> SimulationResponse:
    """Compute every aid of the catalogue for the household, and keep it if allowed."""
    if access is None:
        return SimulationResponse(report=_evaluate(request), stored=False)

    profile = load_profile(access)
    uid = access.subject_uid
    decision = profile.processing_decision(Purpose.SIMULATION)
    if decision.code == "processing_restricted":
        raise ApiError("processing_restricted", NOTICES["restricted"])
    report = _evaluate(request)
    if decision.code == "purpose_objected":
        notice = NOTICES["simulation"].in_language(access.language)
        return SimulationResponse(report=report, stored=False, notices=[notice])

    results = [result.model_dump(mode="json") for result in report.results]
    previous = latest_simulation(uid)
    changes = [
        ChangeOut(kind=c.kind.value, aid_id=c.aid_id, before=c.before, after=c.after)
        for c in changes_between(
            summaries(previous[1].results) if previous else None, summaries(results)
        )
    ]
    simulation_id = uuid.uuid4().hex
    stored = StoredSimulation(
        answers=request.household.model_dump(mode="json"),
        month=report.month,
        engine_version=report.engine_version,
        catalogue_version=report.catalogue_version,
        results=results,
        monthly_total=report.monthly_total,
        changes=[change.model_dump() for change in changes],
        created_at=datetime.now(UTC),
    )
    path = SIMULATIONS.path(uid=uid, simulation_id=simulation_id)
    document_store.run_in_transaction(lambda writes: writes.create(path, stored))
    return SimulationResponse(
        report=report,
        stored=True,
        simulation_id=simulation_id,
        changes=changes,
        outcomes=_outcome_list(uid),
    )


def history(access: Access) -> SimulationHistoryResponse:
    """The subject's stored simulations, newest first."""
    load_profile(access)
    items = document_store.list_collection(
        SIMULATIONS.collection(uid=access.subject_uid),
        StoredSimulation,
        "created_at",
        descending=True,
    )
    return SimulationHistoryResponse(
        simulations=[
            SimulationSummary(
                simulation_id=simulation_id,
                month=stored.month,
                monthly_total=stored.monthly_total,
                engine_version=stored.engine_version,
                catalogue_version=stored.catalogue_version,
                created_at=stored.created_at,
                changes=[ChangeOut(**change) for change in stored.changes],
            )
            for simulation_id, stored in items
        ]
    )


def record_outcome(access: Access, change: OutcomeChange, aid_id: str) -> OutcomesResponse:
    """Record what happened with one aid; the history of outcomes is kept."""
    try:
        load_catalogue().get(aid_id)
    except KeyError:
        raise ApiError(
            "validation_failed",
            text(
                f"{aid_id!r} n'est pas une aide du catalogue.",
                f"{aid_id!r} is not an aid of the catalogue.",
            ),
            [
                FieldError(
                    "aid_id",
                    "unknown_aid",
                    text(
                        "doit être l'identifiant d'une aide du catalogue",
                        "must be an aid id of the catalogue",
                    ),
                )
            ],
        ) from None
    load_profile(access)
    now = datetime.now(UTC)
    path = AID_OUTCOMES.path(uid=access.subject_uid, aid_id=aid_id)

    def apply(writes: Writes) -> None:
        current = writes.get(path, AidOutcome)
        event = OutcomeEvent(
            status=change.status,
            monthly_amount_received=change.monthly_amount_received,
            received_since=change.received_since,
            at=now,
        )
        history_so_far = current.history if current else []
        writes.set(
            path,
            AidOutcome(
                aid_id=aid_id,
                status=change.status,
                monthly_amount_received=change.monthly_amount_received,
                received_since=change.received_since,
                history=[*history_so_far, event],
                updated_at=now,
            ),
        )

    document_store.run_in_transaction(apply)
    return _outcomes_response(access.subject_uid)


def outcomes(access: Access, today: date | None = None) -> OutcomesResponse:
    """Recorded outcomes and the totals received (granted aids only)."""
    load_profile(access)
    return _outcomes_response(access.subject_uid, today)


def _outcomes_response(uid: str, today: date | None = None) -> OutcomesResponse:
    listed = _outcome_list(uid)
    monthly, to_date = total_received(
        (
            Received(o.aid_id, o.monthly_amount_received or 0.0, o.received_since or "")
            for o in listed
            if o.status == "granted" and o.received_since
        ),
        today or datetime.now(UTC).date(),
    )
    return OutcomesResponse(
        outcomes=listed, monthly_total_received=monthly, total_received_to_date=to_date
    )


def next_questions(access: Access | None, request: QuestionsRequest) -> QuestionsResponse:
    """The questions that can still change a result, given the answers so far (R6)."""
    from shared.domain.questionnaire import next_questions as ask

    return QuestionsResponse(questions=ask(request.answers))
