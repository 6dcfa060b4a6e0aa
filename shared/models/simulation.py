"""Simulation: API bodies and the stored history of a beneficiary (R6).

The household answers are the "diagnostic" category (§2.1.4); they are kept
only for a signed-in beneficiary who has not objected to the simulation
purpose, to follow their aids over time.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from shared.domain.months import add_months, current_month, first_day, last_day
from shared.domain.questionnaire import (
    MAX_PERSONS,
    YEAR_MONTH_PATTERN,
    Household,
    Question,
)
from shared.domain.results import EligibilityReport
from shared.domain.strict import StrictModel
from shared.errors import bilingual_error, located_error
from shared.models.partial_answers import PartialAnswerError, check_partial

# ---------------------------------------------------------------- months

#: The earliest month we simulate. OpenFisca-France has no parameters for much
#: older months (a 2000-05 or 2020-01 simulation fails with
#: ``ParameterNotFoundError``), and the engine's pruning profile is derived on
#: 2024–2026 households (``openfisca.PROFILE_MONTHS``). 2024-01 is the
#: earliest month ``tests/unit/simulation/test_differential.py`` proves: it runs
#: at this very constant (and 2025-05, 2026-02) and finds the optimised amounts
#: identical to plain OpenFisca's. Lowering it extends that proof to the new month.
FIRST_SUPPORTED_MONTH = "2024-01"
#: How far past the current month a simulation may look (parameters past their
#: last known value are then flagged "à confirmer").
MONTHS_AHEAD = 12
#: How long before the birth an expected child may be declared: a pregnancy
#: lasts about 9 months, so a due date further than the 9th month after the
#: month simulated is a typo (or not yet a pregnancy).
EXPECTED_BIRTH_MONTHS_AHEAD = 9


def last_supported_month(today: date | None = None) -> str:
    """The current month plus :data:`MONTHS_AHEAD`."""
    return add_months(current_month(today), MONTHS_AHEAD)


def check_supported_month(month: str, today: date | None = None) -> str:
    """``month`` if it lies from :data:`FIRST_SUPPORTED_MONTH` to
    :func:`last_supported_month`; else ``ValueError`` saying the range."""
    latest = last_supported_month(today)
    if not FIRST_SUPPORTED_MONTH <= month <= latest:
        raise ValueError(
            f"month must be from {FIRST_SUPPORTED_MONTH} to {latest} (the months the "
            "engine is proven on, up to 12 months ahead)"
        )
    return month


# ---------------------------------------------------------------- requests


class SimulateRequest(StrictModel):
    """Body of ``POST /simulate``.

    The month must be one the engine supports, and the household must exist
    then: nobody born after the month simulated, and an expected birth from
    that month to :data:`EXPECTED_BIRTH_MONTHS_AHEAD` months after it.
    """

    household: Household = Field(
        description="The household to simulate: persons, housing, resources, assets."
    )
    month: str | None = Field(
        default=None,
        pattern=YEAR_MONTH_PATTERN,
        description=(
            f"Month to simulate (YYYY-MM), from {FIRST_SUPPORTED_MONTH} to 12 months after "
            "the current month; defaults to the current month."
        ),
    )

    @field_validator("month")
    @classmethod
    def _supported_month(cls, month: str | None) -> str | None:
        return None if month is None else check_supported_month(month)

    @model_validator(mode="after")
    def _household_exists_in_the_month(self) -> SimulateRequest:
        # A model validator's errors sit at the body's root: the field named in
        # the error's context is therefore the full path from the body.
        month = self.month or current_month()
        for index, person in enumerate(self.household.persons):
            if person.birth_date > last_day(month):
                raise located_error(
                    ("household", "persons", index, "birth_date"),
                    f"born after the month simulated ({month})",
                )
        expected = self.household.expected_birth
        latest = last_day(add_months(month, EXPECTED_BIRTH_MONTHS_AHEAD))
        if expected is not None and not first_day(month) <= expected <= latest:
            raise located_error(
                ("household", "expected_birth"),
                f"an expected birth falls from {first_day(month).isoformat()} to "
                f"{latest.isoformat()} (the month simulated and the "
                f"{EXPECTED_BIRTH_MONTHS_AHEAD} following months)",
            )
        return self


class QuestionsRequest(StrictModel):
    """Body of ``POST /simulate/questions``: the answers so far, possibly partial.

    Partial answers cannot be validated as a whole household, but their shape
    can: only household keys, and ``persons`` a bounded list of objects.
    """

    answers: dict[str, Any] = Field(
        default_factory=dict,
        description=(
            "The household answered so far, possibly partial: same keys as the "
            "household of POST /simulate."
        ),
    )

    @field_validator("answers")
    @classmethod
    def _household_shaped(cls, answers: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(answers) - set(Household.model_fields))
        if unknown:
            names = ", ".join(unknown)
            raise bilingual_error(
                f"ne sont pas des questions du foyer : {names}",
                f"not household questions: {names}",
            )
        persons = answers.get("persons", [])
        if not isinstance(persons, list) or len(persons) > MAX_PERSONS:
            raise bilingual_error(
                f"persons doit être une liste d'au plus {MAX_PERSONS} objets",
                f"persons must be a list of at most {MAX_PERSONS} objects",
            )
        if not all(isinstance(person, dict) for person in persons):
            raise bilingual_error(
                "chaque personne doit être un objet", "each person must be an object"
            )
        try:
            check_partial(Household, answers)
        except PartialAnswerError as error:
            raise error.as_validation_error() from None
        return answers


class OutcomeChange(StrictModel):
    """Body of ``PUT /simulate/outcomes/{aid_id}``: what happened with one aid."""

    status: Literal["applied", "granted", "refused", "not_pursued"] = Field(
        description="What happened with the aid: applied, granted, refused or not_pursued."
    )
    monthly_amount_received: float | None = Field(
        default=None,
        ge=0,
        le=100_000,
        description="Net amount received each month in euros, once granted (0 to 100 000).",
    )
    received_since: str | None = Field(
        default=None,
        pattern=YEAR_MONTH_PATTERN,
        description="First month it was received, YYYY-MM.",
    )

    @model_validator(mode="after")
    def _amount_only_when_granted(self) -> OutcomeChange:
        granted = self.status == "granted"
        if granted and (self.monthly_amount_received is None or self.received_since is None):
            raise bilingual_error(
                "une aide accordée demande monthly_amount_received et received_since",
                "a granted aid needs monthly_amount_received and received_since",
            )
        if not granted and (
            self.monthly_amount_received is not None or self.received_since is not None
        ):
            raise bilingual_error(
                "les montants ne s'enregistrent que pour une aide accordée",
                "amounts are recorded only for a granted aid",
            )
        return self


# ---------------------------------------------------------------- responses


class ChangeOut(StrictModel):
    kind: Literal["new_aid", "amount_changed", "aid_lost"] = Field(
        description="new_aid (now eligible), amount_changed, or aid_lost (no longer eligible)."
    )
    aid_id: str = Field(description="The aid's catalogue id.")
    before: float | None = Field(
        description="Monthly net amount in euros before; null when not eligible before."
    )
    after: float | None = Field(
        description="Monthly net amount in euros now; null when no longer eligible."
    )


class OutcomeOut(StrictModel):
    aid_id: str = Field(description="The aid's catalogue id.")
    status: str = Field(description="applied, granted, refused or not_pursued.")
    monthly_amount_received: float | None = Field(
        description="Net amount received each month in euros; null when not given."
    )
    received_since: str | None = Field(
        description="First month received, YYYY-MM; null when not given."
    )
    updated_at: datetime = Field(description="When the outcome was last recorded (ISO 8601, UTC).")


class SimulationResponse(StrictModel):
    report: EligibilityReport = Field(
        description="Which aids, and how much, for the household and month."
    )
    stored: bool = Field(description="True when kept in the beneficiary's history.")
    simulation_id: str | None = Field(
        None,
        description=(
            "The stored simulation's id; null when not stored (anonymous, or no "
            "consent to keep it)."
        ),
    )
    changes: list[ChangeOut] = Field(
        default_factory=list, description="What changed since the previous stored simulation."
    )
    outcomes: list[OutcomeOut] = Field(
        default_factory=list,
        description="The beneficiary's recorded outcomes, kept across simulations.",
    )
    notices: list[str] = Field(
        default_factory=list,
        description="What the person should know about this answer (e.g. why it was not stored).",
    )


class SimulationSummary(StrictModel):
    simulation_id: str = Field(
        description=(
            "The stored simulation's id: GET /simulate/history/{simulation_id} returns its report."
        )
    )
    month: str = Field(description="The month simulated, YYYY-MM.")
    monthly_total: float = Field(
        description="Sum in euros of the monthly net amounts the household was eligible to."
    )
    engine_version: str = Field(description="OpenFisca-France version used.")
    catalogue_version: str = Field(description="Short hash of the aid catalogue used.")
    created_at: datetime = Field(description="When it was made (ISO 8601, UTC).")
    changes: list[ChangeOut] = Field(
        description="What changed since the previous stored simulation."
    )


class SimulationHistoryResponse(StrictModel):
    simulations: list[SimulationSummary] = Field(
        description="The person's stored simulations, newest first."
    )


class OutcomesResponse(StrictModel):
    outcomes: list[OutcomeOut] = Field(description="The person's recorded outcome per aid.")
    monthly_total_received: float = Field(
        description="Sum in euros of the monthly amounts received for granted aids."
    )
    total_received_to_date: float = Field(
        description="Euros received in total since each granted aid's received_since month."
    )


class QuestionsResponse(StrictModel):
    questions: list[Question] = Field(
        description=(
            "The unanswered questions that can still change a result, in asking "
            "order; empty when the answers are enough."
        )
    )
