"""Settling only the links of the chains that run back in time month by month
gives the amounts settling every steady-state benefit gives.

The product settles :data:`SETTLED_CHAIN` (the housing aid and the RSA; the
AAH, the ASI and the ASS) and lets OpenFisca compute the other past benefits when a formula
first asks for them; the oracle of ``test_differential`` settles all of
:data:`STEADY_STATE_ORDER`. This test compares the two settlings on the same
vectorised product simulation (generated households, declared benefits
included), for every catalogue aid: a direct check of the lever, on more
households than the oracle can afford.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("openfisca_france")

from shared.adapters import openfisca as oe
from shared.adapters.openfisca.steady_state import (
    SETTLE_MONTHS,
    SETTLED_CHAIN,
    SHORT_SETTLE_MONTHS,
    hold_at_zero,
    ruled_out_benefits,
    settle_months,
)
from shared.domain.aids.catalogue import load_catalogue
from shared.models.simulation import FIRST_SUPPORTED_MONTH
from shared.services import eligibility
from tests.fixtures.synthetic_households import synthetic_households


@pytest.mark.parametrize("month", [FIRST_SUPPORTED_MONTH, "2025-05"])
def test_settling_the_chain_equals_settling_every_benefit(month: str) -> None:
    engine = eligibility._engine(load_catalogue())
    households = synthetic_households(24, month, seed=int(month.replace("-", "")) + 7)
    plan = oe.plan_households(households, month)
    aids = [a for a in engine.aids if a.variable not in oe.BIRTH_GRANTS]
    assert set(SETTLED_CHAIN) < set(oe.STEADY_STATE_ORDER)
    # Within a month, in the legal order of the steady state.
    assert list(SETTLED_CHAIN) == [n for n in oe.STEADY_STATE_ORDER if n in SETTLED_CHAIN]

    def amounts(order: tuple[str, ...]) -> dict[str, np.ndarray]:
        simulation = oe.build_simulation(engine.system, plan, engine.profile.pruned)
        oe.settle(simulation, month, order=order, reading=[a.variable for a in aids])
        return {a.aid_id: engine.value(simulation, plan, a).astype(np.float64) for a in aids}

    chain = amounts(SETTLED_CHAIN)
    full = amounts(oe.STEADY_STATE_ORDER)
    for aid_id, values in full.items():
        np.testing.assert_array_equal(chain[aid_id], values, err_msg=aid_id)
    # Not a vacuous comparison: the generated households receive aids.
    assert sum(int(np.count_nonzero(values)) for values in full.values()) > len(households)


def _settled_amounts(
    engine: oe.FrenchEngine, households: list, month: str, months_before: int
) -> dict[str, np.ndarray]:
    """Every aid of ``households`` (the benefits they all rule out held at 0),
    the chain settled ``months_before`` months back."""
    plan = oe.plan_households(households, month, declared_benefits=False)
    simulation = oe.build_simulation(engine.system, plan, engine.profile.pruned)
    zero = frozenset.intersection(*(ruled_out_benefits(h, month) for h in households))
    hold_at_zero(simulation, plan, zero)
    aids = [a for a in engine.aids if a.variable not in oe.BIRTH_GRANTS]
    oe.settle(simulation, month, months_before, reading=[a.variable for a in aids])
    return {a.aid_id: engine.value(simulation, plan, a).astype(np.float64) for a in aids}


# December and November: the prime de Noël reads the RSA of November or
# December, settled like M.
@pytest.mark.parametrize("month", [FIRST_SUPPORTED_MONTH, "2025-12", "2026-11"])
def test_settling_the_short_depth_equals_a_year_back_without_the_aah_complements(
    month: str,
) -> None:
    engine = eligibility._engine(load_catalogue())
    generated = synthetic_households(80, month, seed=int(month.replace("-", "")) + 11)
    households = [
        h for h in generated if settle_months(ruled_out_benefits(h, month)) == SHORT_SETTLE_MONTHS
    ]
    assert len(households) > 20
    short = _settled_amounts(engine, households, month, SHORT_SETTLE_MONTHS)
    year = _settled_amounts(engine, households, month, SETTLE_MONTHS)
    for aid_id, values in year.items():
        np.testing.assert_array_equal(short[aid_id], values, err_msg=aid_id)
    # What the product computes for them is that short settling.
    product = engine.batch_values(households, month)
    for aid_id, values in short.items():
        np.testing.assert_array_equal(product[aid_id], values, err_msg=aid_id)
    assert np.count_nonzero(year["prime_de_noel"]) > 0  # the RSA of the year's end is read


def test_households_that_may_receive_the_aah_complements_are_settled_a_year_back() -> None:
    """The depth matters: settled the short depth back, some of them get other
    amounts (the CSS counts the AAH complements of the twelve months before M,
    which read the housing aid of their month)."""
    month = "2025-05"
    engine = eligibility._engine(load_catalogue())
    generated = synthetic_households(60, month, seed=3)
    households = [
        h for h in generated if settle_months(ruled_out_benefits(h, month)) == SETTLE_MONTHS
    ]
    assert households and all("caah" not in ruled_out_benefits(h, month) for h in households)
    short = _settled_amounts(engine, households, month, SHORT_SETTLE_MONTHS)
    year = _settled_amounts(engine, households, month, SETTLE_MONTHS)
    assert any(not np.array_equal(short[a], year[a]) for a in year)
    product = engine.batch_values(households, month)
    for aid_id, values in year.items():
        np.testing.assert_array_equal(product[aid_id], values, err_msg=aid_id)


@pytest.mark.parametrize("month", ["2025-12", "2026-11"])
def test_a_batch_split_by_depth_gives_the_amounts_of_one_simulation(
    month: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch with enough households settled the short depth back runs one
    simulation per depth (``SPLIT_BY_DEPTH_FROM``, lowered here so a small
    batch splits): every household's amounts, back in the batch's order, are
    those of the single simulation settled a year back."""
    from shared.adapters.openfisca import engine as engine_module

    engine = eligibility._engine(load_catalogue())
    households = synthetic_households(60, month, seed=int(month.replace("-", "")) + 5)
    depths = [settle_months(ruled_out_benefits(h, month)) for h in households]
    assert depths.count(SHORT_SETTLE_MONTHS) > 10 and depths.count(SETTLE_MONTHS) > 10
    whole = engine.batch_values(households, month)

    built: list[int] = []
    build = engine_module.simulation_of

    def counted(system, plan, pruned=frozenset()):  # type: ignore[no-untyped-def]
        built.append(plan.households)
        return build(system, plan, pruned)

    monkeypatch.setattr(engine_module, "SPLIT_BY_DEPTH_FROM", 10)
    monkeypatch.setattr(engine_module, "simulation_of", counted)
    split = engine.batch_values(households, month)
    assert sorted(built) == sorted([depths.count(SHORT_SETTLE_MONTHS), depths.count(SETTLE_MONTHS)])
    for aid_id, values in whole.items():
        np.testing.assert_array_equal(split[aid_id], values, err_msg=aid_id)
    assert sum(int(np.count_nonzero(values)) for values in whole.values()) > len(households)


#: A couple in a logement-foyer (Bordeaux), one in paid training at 800 € a month,
#: the other compensated job seeker at 300 €, two children: no AAH possible
#: (settled the short depth back). Its housing aid, computed in the first settled month
#: from the months before it on demand, came out at 332 € instead of 180 € (the
#: coefficient K of a foyer computed as if the household had no resources); the
#: prime d'activité, which reads the housing aid of its quarter, was then lower.
FOYER_COUPLE = {
    "persons": [
        {
            "id": "p0",
            "relationship": "applicant",
            "birth_date": "1997-05-10",
            "activity": "in_paid_training",
            "disability_rate": 30,
            "resources": [{"kind": "salary", "monthly_amount": 800.0}],
        },
        {
            "id": "p1",
            "relationship": "spouse",
            "birth_date": "1972-10-11",
            "activity": "unemployed_compensated",
            "disability_rate": 0,
            "resources": [{"kind": "unemployment", "monthly_amount": 300.0}],
        },
        {
            "id": "c0",
            "relationship": "child",
            "birth_date": "2013-06-28",
            "disability_rate": 80,
            "school_level": "middle",
        },
        {
            "id": "c1",
            "relationship": "child",
            "birth_date": "2023-01-12",
            "disability_rate": 0,
            "school_level": "nursery",
        },
    ],
    "couple_status": "pacs",
    "housing": {"status": "residence", "rent": 600.0, "commune": "33063"},
    "assets": {"savings": 0.0, "unrented_real_estate": 0.0},
}


def test_the_months_an_aid_reads_follow_a_settled_month() -> None:
    """Every month the prime d'activité reads is computed after a settled month:
    the product's depth gives the amounts of a settling two years back."""
    from shared.domain.questionnaire import Household

    month = "2026-11"
    engine = eligibility._engine(load_catalogue())
    household = Household.model_validate(FOYER_COUPLE)
    assert settle_months(ruled_out_benefits(household, month)) == SHORT_SETTLE_MONTHS

    product = _settled_amounts(engine, [household], month, SHORT_SETTLE_MONTHS)
    far_back = _settled_amounts(engine, [household], month, 24)

    assert float(far_back["prime_activite"][0]) > 0  # the aid the housing aid feeds
    for aid_id, values in far_back.items():
        np.testing.assert_array_equal(product[aid_id], values, err_msg=aid_id)


#: A single parent of 74 on the ASF (declared, computed in steady state), her
#: son of 17 working a little, a social rent in Bordeaux (generated: found
#: comparing 10,000 households with a settling of 24 months). Settled from
#: M − 4 or M − 8, her allocation de rentrée scolaire was half what a settling
#: of 24 months gives.
ARS_PARENT = {
    "persons": [
        {
            "id": "p0",
            "relationship": "applicant",
            "birth_date": "1952-10-24",
            "activity": "unemployed_not_compensated",
            "disability_rate": 0,
            "disability_restriction": True,
            "unemployment_rights_exhausted": True,
            "resources": [{"kind": "family_support", "monthly_amount": 700.0}],
        },
        {
            "id": "c0",
            "relationship": "child",
            "birth_date": "2008-12-02",
            "resources": [
                {"kind": "salary", "monthly_amount": 300.0},
                {"kind": "retirement_pension", "monthly_amount": 50.0},
            ],
        },
    ],
    "couple_status": "single",
    "housing": {"status": "tenant_social", "rent": 1300.0, "commune": "33063"},
    "assets": {"savings": 60000.0, "unrented_real_estate": 0.0},
}


def test_a_household_without_the_aah_is_settled_back_to_what_its_aids_read() -> None:
    from shared.domain.questionnaire import Household

    month = "2026-11"
    engine = eligibility._engine(load_catalogue())
    household = Household.model_validate(ARS_PARENT)
    assert settle_months(ruled_out_benefits(household, month)) == SHORT_SETTLE_MONTHS

    far_back = _settled_amounts(engine, [household], month, 24)
    too_short = _settled_amounts(engine, [household], month, SHORT_SETTLE_MONTHS - 1)
    ars = "allocation_rentree_scolaire"
    assert float(far_back[ars][0]) > 0
    assert float(too_short[ars][0]) != float(far_back[ars][0])  # what the depth is for
    product = engine.batch_values([household], month)
    for aid_id, values in far_back.items():
        np.testing.assert_array_equal(product[aid_id], values, err_msg=aid_id)


def test_no_formula_runs_twice_but_in_the_warm_up_month(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The links of both chains are settled month by month, so a settled
    month is not cut by OpenFisca's spiral guard, forgotten and computed
    again by each later formula that reads it. (With the housing aid and the
    RSA alone, the AAH chain was followed on demand and cut: the housing aid
    of a settled month ran up to six times.) The months before the window,
    which the ASS of the first settled year reads (the AAH of the rolling
    year), are computed on demand and kept once computed (without it, the
    AAH of one such month ran 38 times). Only the warm-up month, the first
    settled, may repeat runs: it is computed from those cut months."""
    from shared.adapters.openfisca.speedups import _pruned_simulation_class
    from shared.domain.months import add_months

    month = "2026-11"
    engine = eligibility._engine(load_catalogue())
    generated = synthetic_households(120, month, seed=29)
    households = [
        h for h in generated if settle_months(ruled_out_benefits(h, month)) == SETTLE_MONTHS
    ]
    assert len(households) > 30
    simulation_class = _pruned_simulation_class()
    run = simulation_class._run_formula
    runs: dict[tuple[str, str], int] = {}

    def counted(self, variable, population, period):  # type: ignore[no-untyped-def]
        key = (variable.name, str(period))
        runs[key] = runs.get(key, 0) + 1
        return run(self, variable, population, period)

    monkeypatch.setattr(simulation_class, "_run_formula", counted)
    amounts = _settled_amounts(engine, households, month, SETTLE_MONTHS)

    warm_up = add_months(month, -SETTLE_MONTHS)
    monthly = {key: n for key, n in runs.items() if len(key[1]) == 7}
    repeated = {key: n for key, n in monthly.items() if n > 1 and key[1] != warm_up}
    assert repeated == {}
    # The months on both sides of the warm-up month were computed here.
    assert sum(1 for key in monthly if key[1] < warm_up) > 300
    assert sum(1 for key in monthly if key[1] > warm_up) > 1_000
    assert np.count_nonzero(amounts["aah"]) > 5


def test_households_reading_months_before_the_window_get_their_amounts_alone() -> None:
    """Values of months before the window are kept as first computed, cut
    where the spiral guard cut them; which formula asks first depends on the
    call graph, which a batch shares. A household paid the ASS that may
    receive the AAH (the ASS counts the AAH of the rolling year, back before
    the window) gets, in a batch of generated households, the amounts it
    gets alone."""
    month = "2026-11"
    engine = eligibility._engine(load_catalogue())
    households = synthetic_households(400, month, seed=43)
    batch = engine.batch_values(households, month)
    chained = [
        i
        for i, h in enumerate(households)
        if "aah" not in ruled_out_benefits(h, month) and batch["ass"][i] > 0
    ]
    assert len(chained) >= 5
    for i in chained:
        alone = engine.batch_values([households[i]], month)
        for aid_id, values in alone.items():
            assert batch[aid_id][i] == values[0], (i, aid_id)
    # Not a vacuous comparison: the AAH is paid beside the ASS in some.
    assert sum(int(batch["aah"][i] > 0) for i in chained) >= 3
