"""The optimised path returns exactly what plain OpenFisca computes (issue §7).

100 generated households per month (``synthetic_households``, seeded), at
each of ``MONTHS``: the earliest month the API accepts
(``FIRST_SUPPORTED_MONTH``) and two months of the profile's calibration range. The optimised path
is the one the API uses: answers-based skipping of ruled-out aids, numpy-built
simulation, pruned formulas, memoised calls and period arithmetic, lazy
parameters from a pickle. The reference is the stock ``CountryTaxBenefitSystem``
(+ the same extensions) computing every catalogue variable from the plain JSON
situation of the same answers, in which resources answered "none" are left
out as anyone would write them.

Both sides are raw engine outputs (gross of the CRDS where OpenFisca's amount
is gross); the amount as paid (``eligibility.paid_amount``, catalogue
``paid_net_of``) is derived from each in the same way and compared too.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pytest

pytest.importorskip("openfisca_france")

from openfisca_core.simulation_builder import SimulationBuilder

from shared.adapters import openfisca_engine as oe
from shared.domain.aids.catalogue import load_catalogue
from shared.domain.questionnaire import Household, ruled_out_aids
from shared.models.simulation import FIRST_SUPPORTED_MONTH
from shared.services import eligibility

#: The earliest month the API accepts is proven here (lower it, and this test
#: proves the new month), plus two months of the profile's calibration range.
REFERENCE_MONTH = "2025-05"
MONTHS = (FIRST_SUPPORTED_MONTH, REFERENCE_MONTH, "2026-02")
PER_MONTH = 100
CHUNK = 50


def _engine() -> oe.FrenchEngine:
    return eligibility._engine(load_catalogue())


def _plain_values(
    system: Any, plan: oe.Plan, aids: tuple[oe.AidVariable, ...]
) -> dict[str, np.ndarray]:
    simulation = SimulationBuilder().build_from_entities(system, oe.situation_json(plan))
    month = plan.month
    return {
        aid.aid_id: oe.household_values(
            simulation, plan, aid.variable, month if aid.period == "month" else month[:4]
        )
        for aid in aids
    }


@pytest.fixture(scope="module")
def plain_system() -> Any:
    return oe.plain_system(_engine().extensions)


@pytest.mark.parametrize("month", MONTHS)
def test_optimised_amounts_equal_plain_openfisca(month: str, plain_system: Any) -> None:
    engine = _engine()
    catalogue = load_catalogue()
    by_id = {aid.id: aid for aid in catalogue.aids}
    households = oe.synthetic_households(PER_MONTH, month, seed=int(month.replace("-", "")))
    regular = tuple(a for a in engine.aids if a.variable not in oe.BIRTH_GRANTS)
    on = date(int(month[:4]), int(month[5:7]), 1)
    rates = {
        aid.id: [rate for _, rate in withholding.rates]
        for aid in catalogue.aids
        if (withholding := eligibility._withholding(aid, engine, month)) is not None
    }
    compared = skipped = paid_compared = 0
    for start in range(0, len(households), CHUNK):
        chunk = households[start : start + CHUNK]
        plain = _plain_values(plain_system, oe.plan_households(chunk, month), regular)
        for offset, household in enumerate(chunk):
            ruled = ruled_out_aids(household.model_dump(mode="json"), on)
            computed = [
                a.aid_id
                for a in regular
                if a.variable not in ruled
                and eligibility.in_territory(by_id[a.aid_id], household) is not False
            ]
            fast = engine.evaluate_household(household, month, computed)
            for aid in regular:
                expected = plain[aid.aid_id][offset]
                if aid.aid_id in fast:
                    got = fast[aid.aid_id]["value"]
                    assert float(got) == pytest.approx(float(expected), abs=1e-9), (
                        aid.aid_id,
                        start + offset,
                        month,
                    )
                    compared += 1
                    if aid.aid_id in rates:
                        assert eligibility.paid_amount(float(got), rates[aid.aid_id]) == (
                            eligibility.paid_amount(float(expected), rates[aid.aid_id])
                        ), (aid.aid_id, start + offset, month)
                        paid_compared += 1
                elif aid.variable in ruled:
                    # Skipped on the answers alone: plain OpenFisca agrees it is zero.
                    assert float(expected) == 0.0, (aid.aid_id, start + offset, ruled[aid.variable])
                    skipped += 1
    assert compared > 1000 and skipped > 100 and paid_compared > 100


@pytest.mark.parametrize("month", [REFERENCE_MONTH, FIRST_SUPPORTED_MONTH])
def test_birth_grant_equals_plain_openfisca(plain_system: Any, month: str) -> None:
    """The PAJE birth grant, computed in its payment month with the expected child."""
    engine = _engine()
    aid = next((a for a in engine.aids if a.variable in oe.BIRTH_GRANTS), None)
    if aid is None:
        pytest.skip("no birth grant in the catalogue")
    households = [
        h for h in oe.synthetic_households(300, month, seed=7) if h.expected_birth is not None
    ][:20]
    assert households
    for household in households:
        fast = engine.evaluate_household(household, month, [aid.aid_id])[aid.aid_id]["value"]
        assert household.expected_birth is not None
        at = oe.birth_grant_month(household.expected_birth)
        plan = oe.plan_household(household, at, with_unborn=True)
        plain = _plain_values(plain_system, plan, (aid,))[aid.aid_id][0]
        assert float(fast) == pytest.approx(float(plain), abs=1e-9)


def test_batch_equals_single_household_path() -> None:
    """``evaluate_batch`` (one vectorised simulation) agrees with ``evaluate``."""
    month = REFERENCE_MONTH
    households: list[Household] = oe.synthetic_households(12, month, seed=3)
    rows = eligibility.evaluate_batch(households, month)
    for household, row in zip(households, rows, strict=True):
        report = eligibility.evaluate(household, month)
        for result in report.results:
            if result.aid_id not in row or result.periodicity != "monthly":
                continue
            if result.monthly_amount is not None:
                assert row[result.aid_id] == pytest.approx(result.monthly_amount, abs=0.006)
            elif result.status == "not_eligible":
                assert row[result.aid_id] == 0.0
