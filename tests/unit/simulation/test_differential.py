"""The product's amounts equal an independent steady-state oracle, to the cent.

The oracle (``steady_state_oracle``) is stock OpenFisca-France (+ the same
extensions) run on situations it writes itself from the facts a person
declares — not the product's input plan — and it computes the steady state
by definition: every month from 24 months before M, oldest first, each month
completely before the next, then the aids of M. The product is the path the
API uses: input plan, ruled-out aids skipped and their benefits held at 0,
numpy-built simulation, pruned formulas, memoised calls and period
arithmetic, lazy parameters from a pickle, 12 settled months.

Generated households (``synthetic_households``, seeded) at the earliest month
the API accepts (``FIRST_SUPPORTED_MONTH``) and two later months. Sized for
CI (the oracle costs seconds per household): ``PER_MONTH`` households a
month, all aids each.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

pytest.importorskip("openfisca_france")

from shared.adapters import openfisca as oe
from shared.domain import what_if
from shared.domain.aids.catalogue import load_catalogue
from shared.domain.questionnaire import Household, ruled_out_aids
from shared.models.simulation import FIRST_SUPPORTED_MONTH
from shared.services import eligibility, what_would_change
from tests.fixtures.synthetic_households import synthetic_households
from tests.unit.simulation import steady_state_oracle as oracle

REFERENCE_MONTH = "2025-05"
MONTHS = (FIRST_SUPPORTED_MONTH, REFERENCE_MONTH, "2026-02")
PER_MONTH = 8
#: Amounts must agree to the cent; both sides are raw engine floats.
CENT = 0.005


def _engine() -> oe.FrenchEngine:
    return eligibility._engine(load_catalogue())


def _regular(engine: oe.FrenchEngine) -> list[tuple[str, str, str]]:
    return [
        (a.aid_id, a.variable, a.period) for a in engine.aids if a.variable not in oe.BIRTH_GRANTS
    ]


@pytest.fixture(scope="module")
def plain_system() -> Any:
    return oe.plain_system(_engine().extensions)


def _generated(month: str) -> list[Household]:
    return synthetic_households(PER_MONTH, month, seed=int(month.replace("-", "")))


#: month → the oracle's amounts for ``_generated(month)``, every regular aid
#: asked in catalogue order. The oracle costs about a minute per month of
#: households; the order test reuses the reference month's answer.
_FORWARD: dict[str, list[dict[str, float]]] = {}


def _forward(plain_system: Any, month: str) -> list[dict[str, float]]:
    if month not in _FORWARD:
        _FORWARD[month] = oracle.oracle_values(
            plain_system, _generated(month), month, _regular(_engine())
        )
    return _FORWARD[month]


@pytest.mark.parametrize("month", MONTHS)
def test_product_equals_steady_state_oracle(month: str, plain_system: Any) -> None:
    households = _generated(month)
    compared, skipped, paid_compared = _compare_with_oracle(
        households, month, plain_system, _forward(plain_system, month)
    )
    assert compared > 10 * PER_MONTH and skipped > PER_MONTH and paid_compared > PER_MONTH


#: Generated households (month, seed, how many generated, position) whose
#: amounts once depended on how deep the product settled past months: the
#: complémentaire santé solidaire counts the resources of the twelve months
#: before M, the benefits of those months included (CSS art. R861-8), so months
#: M − 12 to M − 7 must be in the steady state too.
DEEP_LOOK_BACK_HOUSEHOLDS = (
    # A couple; settled from M − 6, the product found no CSS participation where
    # the oracle finds one.
    ("2025-05", 1, 466, 465),
)


@pytest.mark.parametrize(("month", "seed", "count", "position"), DEEP_LOOK_BACK_HOUSEHOLDS)
def test_product_equals_oracle_where_an_aid_reads_a_year_back(
    month: str, seed: int, count: int, position: int, plain_system: Any
) -> None:
    household = synthetic_households(count, month, seed=seed)[position]
    compared, _, _ = _compare_with_oracle([household], month, plain_system)
    assert compared > 10


def _compare_with_oracle(
    households: list[Household],
    month: str,
    plain_system: Any,
    expected_all: list[dict[str, float]] | None = None,
) -> tuple[int, int, int]:
    """Assert each household's amounts (and paid amounts) equal the oracle's
    (``expected_all``, computed here when not given) to the cent; (amounts
    compared, aids skipped on the answers, paid amounts compared)."""
    engine = _engine()
    catalogue = load_catalogue()
    by_id = {aid.id: aid for aid in catalogue.aids}
    aids = _regular(engine)
    if expected_all is None:
        expected_all = oracle.oracle_values(plain_system, households, month, aids)
    rates = {
        aid.id: [rate for _, rate in withholding.rates]
        for aid in catalogue.aids
        if (withholding := eligibility._withholding(aid, engine, month)) is not None
    }
    compared = skipped = paid_compared = 0
    for position, (household, expected) in enumerate(zip(households, expected_all, strict=True)):
        ruled = ruled_out_aids(household.model_dump(mode="json"), oracle.first_of(month))
        computed = [
            aid_id
            for aid_id, variable, _ in aids
            if variable not in ruled
            and eligibility.in_territory(by_id[aid_id], household) is not False
        ]
        fast = engine.evaluate_household(household, month, computed)
        for aid_id, variable, _ in aids:
            if aid_id in fast:
                got = float(fast[aid_id]["value"])
                assert got == pytest.approx(expected[aid_id], abs=CENT), (aid_id, position, month)
                compared += 1
                if aid_id in rates:
                    assert eligibility.paid_amount(got, rates[aid_id]) == eligibility.paid_amount(
                        expected[aid_id], rates[aid_id]
                    ), (aid_id, position, month)
                    paid_compared += 1
            elif variable in ruled:
                # Skipped on the answers alone: the oracle agrees it is zero.
                assert expected[aid_id] == 0.0, (aid_id, position, ruled[variable])
                skipped += 1
    return compared, skipped, paid_compared


def test_oracle_does_not_depend_on_the_order_aids_are_asked(plain_system: Any) -> None:
    """Each month settled before the next: asking the aids of M in reverse
    order gives the same amounts (asked for M directly, stock OpenFisca's
    answer depends on it). The households of the reference month's
    comparison: their forward answer is computed once for both tests."""
    month = REFERENCE_MONTH
    aids = _regular(_engine())
    forward = _forward(plain_system, month)
    backward = oracle.oracle_values(plain_system, _generated(month), month, list(reversed(aids)))
    assert forward == backward
    assert any(value > 0 for row in forward for value in row.values())


@pytest.mark.parametrize("month", [REFERENCE_MONTH, FIRST_SUPPORTED_MONTH])
def test_birth_grant_equals_oracle(plain_system: Any, month: str) -> None:
    """The PAJE birth grant, computed in its payment month with the expected child."""
    engine = _engine()
    aid = next((a for a in engine.aids if a.variable in oe.BIRTH_GRANTS), None)
    if aid is None:
        pytest.skip("no birth grant in the catalogue")
    households = [
        h for h in synthetic_households(300, month, seed=7) if h.expected_birth is not None
    ][:3]
    assert households
    for household in households:
        fast = engine.evaluate_household(household, month, [aid.aid_id])[aid.aid_id]["value"]
        expected = oracle.birth_grant(plain_system, household, aid.variable)
        assert float(fast) == pytest.approx(expected, abs=CENT)


def test_batch_equals_single_household_path() -> None:
    """``evaluate_batch`` (one vectorised simulation, every household in steady
    state) agrees with ``evaluate`` for households that declare no benefit."""
    month = REFERENCE_MONTH
    generated = synthetic_households(40, month, seed=3)
    households: list[Household] = [h for h in generated if not oe.declared_benefits(h)][:6]
    assert len(households) >= 3
    rows = eligibility.evaluate_batch(generated, month)
    rows = [rows[generated.index(h)] for h in households]
    for household, row in zip(households, rows, strict=True):
        report = eligibility.evaluate(household, month)
        for result in report.results:
            if result.aid_id not in row or result.periodicity != "monthly":
                continue
            if result.monthly_amount is not None:
                assert row[result.aid_id] == pytest.approx(result.monthly_amount, abs=0.006)
            elif result.status == "not_eligible":
                assert row[result.aid_id] == 0.0


def test_what_would_change_variants_equal_oracle(plain_system: Any) -> None:
    """Random "what would change it" variants (earnings, rent, couple, new
    child, child's age band) of generated households, computed in ONE
    vectorised simulation as the use case does, equal the oracle's direct
    simulation of each variant, aid by aid, to the cent."""
    month = REFERENCE_MONTH
    engine = _engine()
    rng = random.Random(2025)
    smic = what_would_change.smic_net(month)
    pool: list[what_if.Variant] = []
    for household in synthetic_households(6, month, seed=29):
        pool.extend(what_if.variants(what_if.without_declared_benefits(household), month, smic))
    picked = rng.sample(pool, 10)
    assert len({variant.axis for variant in picked}) >= 2
    households = [variant.household for variant in picked]
    aids = _regular(engine)
    # Only the monthly aids, as the use case computes them.
    monthly = _what_if_aids(engine)
    batch = engine.batch_values(households, month, monthly)
    expected = oracle.oracle_values(plain_system, households, month, aids)
    compared = 0
    for position, row in enumerate(expected):
        for aid_id in monthly:
            got = float(batch[aid_id][position])
            assert got == pytest.approx(row[aid_id], abs=CENT), (
                aid_id,
                picked[position].axis,
                picked[position].value,
            )
            compared += got != 0.0
    assert compared >= 5


def _what_if_aids(engine: oe.FrenchEngine) -> list[str]:
    """The aids "what would change it" computes (the monthly ones)."""
    return [
        aid.id
        for aid in what_would_change.monthly_aids(load_catalogue())
        if engine.knows(aid.computation.variable)  # type: ignore[union-attr]
    ]


def test_batch_of_some_aids_equals_the_full_batch() -> None:
    """Computing only "what would change it"'s monthly aids (the yearly aids'
    months of the rest of the year are not computed), or only the aids whose
    thresholds its refinement rounds narrow (RSA, prime d'activité, housing
    aids), gives each of them the amount the batch of every aid gives,
    household by household."""
    month = REFERENCE_MONTH
    engine = _engine()
    households = synthetic_households(60, month, seed=17)
    full = eligibility.evaluate_batch(households, month)
    flipping = ["alf", "als", "apl", "prime_activite", "rsa"]
    for aid_ids in (_what_if_aids(engine), flipping):
        some = eligibility.evaluate_aids_batch(households, month, aid_ids)
        for whole, part in zip(full, some, strict=True):
            assert set(part) == set(aid_ids)
            assert part == {aid_id: whole[aid_id] for aid_id in aid_ids}
        assert sum(value > 0 for row in some for value in row.values()) > len(households) / 2
