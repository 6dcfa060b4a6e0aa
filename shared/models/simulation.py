"""Simulation: API bodies and the stored history of a beneficiary (R6).

The household answers are the "diagnostic" category (§2.1.4); they are kept
only for a signed-in beneficiary who has not objected to the simulation
purpose, to follow their aids over time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from shared.domain.data_categories import DataCategory, categorised
from shared.domain.questionnaire import MAX_PERSONS, YEAR_MONTH_PATTERN, Household, Question
from shared.domain.results import EligibilityReport
from shared.models.account import StrictModel

C = DataCategory

# ---------------------------------------------------------------- requests


class SimulateRequest(StrictModel):
    """Body of ``POST /simulate``."""

    household: Household
    month: str | None = Field(
        default=None,
        pattern=YEAR_MONTH_PATTERN,
        description="Month to simulate (YYYY-MM); defaults to the current month.",
    )


class QuestionsRequest(StrictModel):
    """Body of ``POST /simulate/questions``: the answers so far, possibly partial.

    Partial answers cannot be validated as a whole household, but their shape
    can: only household keys, and ``persons`` a bounded list of objects.
    """

    answers: dict[str, Any] = Field(default_factory=dict)

    @field_validator("answers")
    @classmethod
    def _household_shaped(cls, answers: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(answers) - set(Household.model_fields))
        if unknown:
            raise ValueError(f"not household questions: {', '.join(unknown)}")
        persons = answers.get("persons", [])
        if not isinstance(persons, list) or len(persons) > MAX_PERSONS:
            raise ValueError(f"persons must be a list of at most {MAX_PERSONS} objects")
        if not all(isinstance(person, dict) for person in persons):
            raise ValueError("each person must be an object")
        return answers


class OutcomeChange(StrictModel):
    """Body of ``PUT /simulate/outcomes/{aid_id}``: what happened with one aid."""

    status: Literal["applied", "granted", "refused", "not_pursued"]
    monthly_amount_received: float | None = Field(default=None, ge=0, le=100_000)
    received_since: str | None = Field(default=None, pattern=YEAR_MONTH_PATTERN)

    @model_validator(mode="after")
    def _amount_only_when_granted(self) -> OutcomeChange:
        granted = self.status == "granted"
        if granted and (self.monthly_amount_received is None or self.received_since is None):
            raise ValueError("a granted aid needs monthly_amount_received and received_since")
        if not granted and (
            self.monthly_amount_received is not None or self.received_since is not None
        ):
            raise ValueError("amounts are recorded only for a granted aid")
        return self


# ---------------------------------------------------------------- stored


class StoredSimulation(StrictModel):
    """``beneficiaries/{uid}/simulations/{id}``: answers and a snapshot of results."""

    answers: dict[str, Any] = categorised(C.DIAGNOSTIC)
    month: str = categorised(C.DIAGNOSTIC)
    engine_version: str = categorised(C.DIAGNOSTIC)
    catalogue_version: str = categorised(C.DIAGNOSTIC)
    results: list[dict[str, Any]] = categorised(C.DIAGNOSTIC)
    monthly_total: float = categorised(C.DIAGNOSTIC)
    changes: list[dict[str, Any]] = categorised(C.DIAGNOSTIC, default_factory=list)
    created_at: datetime = categorised(C.INTERACTION)


class OutcomeEvent(StrictModel):
    status: str
    monthly_amount_received: float | None = None
    received_since: str | None = None
    at: datetime


class AidOutcome(StrictModel):
    """``beneficiaries/{uid}/aid_outcomes/{aid_id}``: the beneficiary's own follow-up."""

    aid_id: str = categorised(C.DIAGNOSTIC)
    status: str = categorised(C.DIAGNOSTIC)
    monthly_amount_received: float | None = categorised(C.DIAGNOSTIC, None)
    received_since: str | None = categorised(C.DIAGNOSTIC, None)
    history: list[OutcomeEvent] = categorised(C.DIAGNOSTIC, default_factory=list)
    updated_at: datetime = categorised(C.INTERACTION)


# ---------------------------------------------------------------- responses


class ChangeOut(StrictModel):
    kind: Literal["new_aid", "amount_changed", "aid_lost"]
    aid_id: str
    before: float | None
    after: float | None


class OutcomeOut(StrictModel):
    aid_id: str
    status: str
    monthly_amount_received: float | None
    received_since: str | None
    updated_at: datetime


class SimulationResponse(StrictModel):
    report: EligibilityReport
    stored: bool = Field(description="True when kept in the beneficiary's history.")
    simulation_id: str | None = None
    changes: list[ChangeOut] = Field(
        default_factory=list, description="What changed since the previous stored simulation."
    )
    outcomes: list[OutcomeOut] = Field(
        default_factory=list,
        description="The beneficiary's recorded outcomes, kept across simulations.",
    )
    notices: list[str] = Field(default_factory=list)


class SimulationSummary(StrictModel):
    simulation_id: str
    month: str
    monthly_total: float
    engine_version: str
    catalogue_version: str
    created_at: datetime
    changes: list[ChangeOut]


class SimulationHistoryResponse(StrictModel):
    simulations: list[SimulationSummary]


class OutcomesResponse(StrictModel):
    outcomes: list[OutcomeOut]
    monthly_total_received: float
    total_received_to_date: float


class QuestionsResponse(StrictModel):
    questions: list[Question]
