"""What would change it: the variants, and amounts equal to a direct simulation.

The variants are valid households that differ along one axis; the use case's
thresholds hold to the euro when each side is simulated alone with
``eligibility.evaluate`` (the API's path), and its variant amounts are the
ones ``evaluate`` gives the variant. ``test_differential.py`` checks random
variants against the independent oracle.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from shared.domain import what_if
from shared.domain.questionnaire import Household, Relationship

MONTH = "2025-05"
# A couple renting in Lyon, one earner, a child of 13: every axis applies.
FAMILY: dict[str, Any] = {
    "persons": [
        {
            "id": "sam",
            "relationship": "applicant",
            "birth_date": "1988-06-01",
            "activity": "employed",
            "resources": [
                {"kind": "salary", "monthly_amount": 1300.0},
                {"kind": "housing_aid", "monthly_amount": 200.0},
            ],
        },
        {"id": "kim", "relationship": "spouse", "birth_date": "1990-02-10", "activity": "inactive"},
        {"id": "lou", "relationship": "child", "birth_date": "2012-01-20"},
    ],
    "couple_status": "married",
    "housing": {"status": "tenant", "rent": 700.0, "commune": "69123"},
}


def _family() -> Household:
    return Household.model_validate(FAMILY)


def test_declared_benefits_are_dropped_other_resources_kept() -> None:
    base = what_if.without_declared_benefits(_family())
    kinds = [r.kind.value for p in base.persons for r in p.resources]
    assert kinds == ["salary"]


def test_every_axis_gives_valid_variants() -> None:
    base = what_if.without_declared_benefits(_family())
    variants = what_if.variants(base, MONTH, smic_net=1405.0)
    axes = [v.axis for v in variants]
    grid = what_if.EARNINGS_STEPS + 1
    assert axes.count("earnings") == 2 * grid  # applicant and spouse
    assert axes.count("rent") == what_if.RENT_STEPS + 1
    assert axes.count("couple") == axes.count("new_child") == axes.count("child_age") == 1
    assert len(variants) >= 60
    top = [v for v in variants if v.axis == "earnings" and v.person_id == "kim"][-1]
    kim = next(p for p in top.household.persons if p.id == "kim")
    assert top.value == round(2.5 * 1405.0)
    assert kim.activity == "employed" and kim.resources[0].monthly_amount == top.value
    split = next(v for v in variants if v.axis == "couple").household
    assert split.couple_status == "single"
    assert [p.id for p in split.persons] == ["sam", "lou"]
    aged = next(v for v in variants if v.axis == "child_age")
    # Lou is 13 on 1 May 2025: the next band is 14 (the family-allowance
    # increase), reached on 20 January 2026.
    assert aged.value == 14 and aged.on == date(2026, 1, 20)
    lou = next(p for p in aged.household.persons if p.id == "lou")
    assert what_if.age_on(lou.birth_date, date(2025, 5, 1)) == 14


def test_a_single_person_gains_a_partner_and_invalid_variants_are_left_out() -> None:
    single = Household.model_validate(
        {
            "persons": [{"id": "alex", "relationship": "applicant", "birth_date": "1985-03-01"}],
            "housing": {"status": "owner", "commune": "75056"},
        }
    )
    variants = what_if.variants(single, MONTH, smic_net=1405.0)
    assert not [v for v in variants if v.axis == "rent"]  # an owner pays no rent
    partner = next(v for v in variants if v.axis == "couple").household
    assert partner.couple_status == "cohabiting"
    assert [p.relationship for p in partner.persons] == [
        Relationship.APPLICANT,
        Relationship.SPOUSE,
    ]
    # A child of 21 has no next band; a child aged past a parent is not a household.
    assert what_if.couple_variant(partner) is not None
    assert list(what_if.child_age_variants(single, MONTH)) == []


def test_grids_stay_within_what_the_questionnaire_accepts() -> None:
    assert what_if.rent_grid(900_000.0)[-1] == 1_000_000.0
    assert what_if.rent_grid(300.0)[-1] == what_if.RENT_SPAN_MINIMUM
    assert what_if.earnings_grid(1405.0) == [round(1405.0 * 0.1 * i) for i in range(26)]


pytest.importorskip("openfisca_france")

from shared.services import eligibility  # noqa: E402
from shared.services.what_would_change import what_would_change  # noqa: E402


@pytest.fixture(scope="module")
def report() -> Any:
    return what_would_change(_family(), MONTH)


def _paid(household: Household, aid_id: str) -> float:
    result = next(r for r in eligibility.evaluate(household, MONTH).results if r.aid_id == aid_id)
    return result.monthly_amount or 0.0


def test_thresholds_hold_to_the_euro_on_a_direct_simulation(report: Any) -> None:
    base = what_if.without_declared_benefits(_family())
    assert report.thresholds, "a working couple with a child crosses some threshold"
    for threshold in report.thresholds[:3]:
        assert threshold.first_value_after - threshold.last_value_before == 1
        variant = what_if.Variant(threshold.axis, base, threshold.person_id)
        before = what_if.at_value(base, variant, threshold.last_value_before)
        after = what_if.at_value(base, variant, threshold.first_value_after)
        assert _paid(before, threshold.aid_id) == pytest.approx(threshold.amount_before, abs=0.01)
        assert _paid(after, threshold.aid_id) == pytest.approx(threshold.amount_after, abs=0.01)
        assert (threshold.amount_before > 0) != (threshold.amount_after > 0)


def test_variant_amounts_equal_a_direct_simulation(report: Any) -> None:
    base = what_if.without_declared_benefits(_family())
    assert report.current["rsa"] == pytest.approx(_paid(base, "rsa"), abs=0.01)
    couple = [c for c in report.changes if c.axis == "couple"]
    assert couple
    split = what_if.couple_variant(base)
    assert split is not None
    for change in couple:
        assert change.amount_then == pytest.approx(_paid(split, change.aid_id), abs=0.01)
        assert change.statement.fr.startswith("Sans votre conjoint")
        assert change.statement.en.startswith("Without your partner")


def test_earnings_curve_spans_zero_to_two_and_a_half_smic(report: Any) -> None:
    curves = {curve.person_id: curve for curve in report.earnings_curves}
    assert set(curves) == {"sam", "kim"}
    points = curves["sam"].points
    assert points[0].earnings == 0 and points[-1].earnings == round(2.5 * curves["sam"].smic_net)
    for point in points:
        assert point.total == pytest.approx(point.earnings + point.aids_total, abs=0.01)
    # What is kept of each extra euro, from the totals themselves.
    second = points[1]
    kept = (second.total - points[0].total) / (second.earnings - points[0].earnings)
    assert second.kept_per_extra_euro == pytest.approx(kept, abs=1e-4)
    assert report.variants_simulated >= 60 and report.simulations <= 3
