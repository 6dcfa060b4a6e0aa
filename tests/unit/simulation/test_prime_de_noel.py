"""The prime de Noël follows the décret: RSA, ASS or AER rights of November or,
failing that, of December (``openfisca.corrections``).

Source of the rule and of the amount: décret n° 2023-1184 du 14 décembre 2023,
art. 1 and 2 (reconducted each year): "au titre du mois de novembre ou, à
défaut, au titre du mois de décembre"; 152,45 € for a single person.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

pytest.importorskip("openfisca_france")

from shared.adapters import openfisca as oe
from shared.adapters.openfisca.steady_state import (
    hold_at_zero,
    ruled_out_benefits,
    settle,
    settle_months,
)
from shared.domain.aids.catalogue import load_catalogue
from shared.domain.questionnaire import Household
from shared.services import eligibility
from tests.fixtures.synthetic_households import synthetic_households

MONTH = "2026-11"
#: Décret n° 2023-1184 du 14 décembre 2023, art. 2: a single person's prime.
SINGLE_PERSON_PRIME = 152.45


def _person(**facts: Any) -> dict[str, Any]:
    person: dict[str, Any] = {
        "id": "p0",
        "relationship": "applicant",
        "birth_date": "1985-03-01",
        "activity": "inactive",
        "disability_rate": 0,
        "disability_restriction": False,
        "school_level": "none",
        "alternate_custody": False,
        "unemployment_rights_exhausted": False,
        "resources": [],
    }
    return person | facts


def _single(person: dict[str, Any], savings: float = 0.0) -> Household:
    return Household.model_validate(
        {
            "persons": [person],
            "couple_status": "single",
            "housing": {"status": "tenant", "rent": 500.0, "commune": "75056"},
            "assets": {"savings": savings, "unrented_real_estate": 0.0},
            "expected_birth": None,
        }
    )


#: A job seeker on the ASS who reaches the full-rate retirement age in the
#: summer: the ASS stops, and savings keep the RSA away.
ASS_ENDS_IN_SUMMER = _single(
    _person(
        birth_date="1960-08-25",
        activity="unemployed_not_compensated",
        unemployment_rights_exhausted=True,
    ),
    savings=60_000.0,
)

#: No income but one large pay in August: the RSA of October and November,
#: which count the quarter before them, is nil; December's is paid again.
RSA_BACK_IN_DECEMBER = _single(
    _person(
        activity="employed",
        resources=[{"kind": "salary", "monthly_amount": 0.0, "by_month": {"2026-08": 6000.0}}],
    )
)

#: Inactive, no income, a rent in Paris: the RSA every month.
RSA_ALL_YEAR = _single(_person())


def _engine() -> oe.FrenchEngine:
    return eligibility._engine(load_catalogue())


def _settled(household: Household, month: str = MONTH) -> tuple[Any, oe.Plan]:
    """The household's steady-state simulation, as the engine settles it for
    the whole catalogue."""
    engine = _engine()
    plan = oe.plan_households([household], month, declared_benefits=False)
    simulation = oe.build_simulation(engine.system, plan, engine.profile.pruned)
    zero = ruled_out_benefits(household, month)
    hold_at_zero(simulation, plan, zero)
    settle(simulation, month, settle_months(zero), reading=[aid.variable for aid in engine.aids])
    return simulation, plan


def _monthly(simulation: Any, plan: oe.Plan, variable: str, months: list[str]) -> list[float]:
    return [float(oe.household_values(simulation, plan, variable, m)[0]) for m in months]


def _prime(simulation: Any, plan: oe.Plan, year: str = MONTH[:4]) -> float:
    return float(oe.household_values(simulation, plan, "aefa", year)[0])


def test_an_ass_that_stopped_before_november_opens_no_prime() -> None:
    simulation, plan = _settled(ASS_ENDS_IN_SUMMER)
    ass = _monthly(simulation, plan, "ass", ["2026-06", "2026-11", "2026-12"])
    rsa = _monthly(simulation, plan, "rsa", ["2026-11", "2026-12"])
    assert ass[0] > 0  # paid in June: OpenFisca-France's "any month" would pay the prime
    assert ass[1:] == [0.0, 0.0] and rsa == [0.0, 0.0]
    assert _prime(simulation, plan) == 0.0


def test_rights_of_december_open_the_prime_when_november_has_none() -> None:
    simulation, plan = _settled(RSA_BACK_IN_DECEMBER)
    november, december = _monthly(simulation, plan, "rsa", ["2026-11", "2026-12"])
    assert november == 0.0 and december > 0
    assert _prime(simulation, plan) == pytest.approx(SINGLE_PERSON_PRIME, abs=0.005)


def test_rsa_all_year_opens_the_single_person_prime() -> None:
    simulation, plan = _settled(RSA_ALL_YEAR)
    assert _monthly(simulation, plan, "rsa", ["2026-11"])[0] > 0
    assert _prime(simulation, plan) == pytest.approx(SINGLE_PERSON_PRIME, abs=0.005)


@pytest.mark.parametrize("month", ["2025-05", MONTH])
def test_the_prime_reads_only_settled_months(month: str) -> None:
    """November and December are settled after M, in order, like M itself
    (asked directly, November would follow the chain back through OpenFisca's
    spiral guard); the prime then computes no RSA of its own, so no month
    before the settled window either."""
    from openfisca_core import periods

    simulation, plan = _settled(RSA_ALL_YEAR, month)
    holder = simulation.get_holder("rsa")
    year = month[:4]
    for m in (f"{year}-11", f"{year}-12"):
        assert holder.get_array(periods.period(m)) is not None
    known = set(holder.get_known_periods())
    assert _prime(simulation, plan, year) == pytest.approx(SINGLE_PERSON_PRIME, abs=0.005)
    assert set(holder.get_known_periods()) == known


def test_a_household_s_prime_does_not_depend_on_its_batch() -> None:
    """Each household's prime de Noël alone equals its prime in a batch of
    generated households (the months the prime reads are settled, never
    computed on demand through the spiral guard)."""
    households = synthetic_households(30, MONTH, seed=1130)
    engine = _engine()
    batch = engine.batch_values(households, MONTH, ["prime_de_noel"])["prime_de_noel"]
    alone = np.array(
        [engine.batch_values([h], MONTH, ["prime_de_noel"])["prime_de_noel"][0] for h in households]
    )
    assert np.count_nonzero(batch) >= 3  # the batch holds RSA and ASS households
    np.testing.assert_array_equal(batch, alone)
