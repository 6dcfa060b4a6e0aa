"""Amounts as paid: the CRDS the CAF withholds is deducted where the engine's
amount is gross (catalogue ``paid_net_of``), and only there.

Which aids are subject is read from OpenFisca-France itself: the variables its
``crds_pfam`` (family benefits) and ``crds_mini`` (prime d'activité) add up
say which amounts the 0,5 % CRDS is taken from; housing aids are already net
(their variables subtract ``crds_logement``). This agrees with ordonnance
n° 96-50, art. 14 II 7°-9° (housing aids, prestations familiales except the
AEEH, prime d'activité) and III (withheld by the paying body).
"""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("openfisca_france")

from shared.adapters import openfisca as oe
from shared.domain.aids.catalogue import (
    CRDS_PARAMETER,
    Aid,
    FixedParameterAmount,
    OpenFiscaComputation,
    RuleComputation,
    load_catalogue,
)
from shared.domain.questionnaire import Household
from shared.services import eligibility
from shared.services.eligibility import evaluate, paid_amount
from tests.fixtures.synthetic_households import synthetic_households

MONTH = "2025-05"
HOUSING = ("apl", "alf", "als")


def _engine() -> oe.FrenchEngine:
    return eligibility._engine(load_catalogue())


# ------------------------------------------------------------------ the rounding rule


@pytest.mark.parametrize(
    ("gross", "paid", "crds"),
    [
        # service-public.fr F1878, ARS rentrée 2025 (gross = rate × BMAF 474,37 €)
        (425.60, 423.48, 2.12),
        (449.09, 446.85, 2.24),
        (464.65, 462.33, 2.32),
        # allocations familiales from April 2024 (BMAF 466,44 €), 32 %, 16 %, 8 %, 18,25 %
        (149.2608, 148.52, 0.74),
        (74.6304, 74.26, 0.37),
        (37.3152, 37.14, 0.18),
        (85.1253, 84.71, 0.42),
        # an unrounded engine amount is first taken to the cent, half up
        (151.7984, 151.05, 0.75),
        (0.005, 0.01, 0.0),
        (0.0, 0.0, 0.0),
    ],
)
def test_crds_is_truncated_to_the_cent_on_the_gross_amount(
    gross: float, paid: float, crds: float
) -> None:
    assert paid_amount(gross, [0.005]) == (paid, crds)


def test_crds_rate_is_the_engine_parameter() -> None:
    rate, stale = _engine().parameter_value(CRDS_PARAMETER, MONTH)
    assert rate == 0.005 and stale is None


# ------------------------------------------------------------------ which aids


def _taxed_variables(system: Any) -> set[str]:
    """Variables OpenFisca-France takes the CRDS from at payment."""
    deps = oe.static_dependencies(system)
    crds_variables = deps["crds_pfam"] | deps["crds_mini"]
    taxed: set[str] = set().union(*(deps[name] for name in crds_variables))
    # An aggregate (``paje``) is the sum of its components (``paje_base``...):
    # the CRDS on it is taken from each of them.
    for name in list(taxed):
        taxed |= {dep for dep in deps.get(name, ()) if dep.startswith(name + "_")}
    return taxed


def _is_subject(aid: Aid, taxed: set[str], deps: dict[str, set[str]]) -> bool:
    computation = aid.computation
    if isinstance(computation, OpenFiscaComputation):
        already_net = "crds_logement" in oe.dependency_closure(deps, computation.variable)
        return computation.variable in taxed and not already_net
    assert isinstance(computation, RuleComputation)
    amount = computation.amount
    # A rule aid's amount is an engine parameter: it is subject when that
    # parameter belongs to a taxed variable (``...paje.paje_prepare.taux_plein``).
    return isinstance(amount, FixedParameterAmount) and bool(
        set(amount.parameter.split(".")) & taxed
    )


def test_catalogue_declares_crds_exactly_where_the_engine_applies_it() -> None:
    engine = _engine()
    deps = oe.static_dependencies(engine.system)
    taxed = _taxed_variables(engine.system)
    catalogue = load_catalogue()
    declared = {aid.id for aid in catalogue.aids if "crds" in aid.paid_net_of}
    expected = {aid.id for aid in catalogue.aids if _is_subject(aid, taxed, deps)}
    assert declared == expected
    assert declared == {
        "allocation_rentree_scolaire",
        "allocations_familiales",
        "asf",
        "complement_familial",
        "paje_allocation_base",
        "paje_cmg",
        "paje_prime_adoption",
        "paje_prime_naissance",
        "prepare",
        "prime_activite",
    }


def test_housing_aids_are_already_net_and_exempt_aids_are_not_taxed() -> None:
    engine = _engine()
    deps = oe.static_dependencies(engine.system)
    taxed = _taxed_variables(engine.system)
    catalogue = load_catalogue()
    for aid_id in HOUSING:
        computation = catalogue.get(aid_id).computation
        assert isinstance(computation, OpenFiscaComputation)
        assert "crds_logement" in oe.dependency_closure(deps, computation.variable)
        assert not catalogue.get(aid_id).paid_net_of, "no CRDS deducted twice"
    # AEEH: the one prestation familiale art. 14 II 8° exempts; minima sociaux.
    for aid_id in ("aeeh", "rsa", "aah", "aspa", "asi", "ass"):
        computation = catalogue.get(aid_id).computation
        assert isinstance(computation, OpenFiscaComputation)
        assert computation.variable not in taxed, aid_id
        assert not catalogue.get(aid_id).paid_net_of, aid_id


def test_deduction_equals_the_engine_crds_to_the_cent() -> None:
    """What we withhold is what OpenFisca's own CRDS variables say, within
    the cent the CAF's truncation may differ from their unrounded product."""
    engine = _engine()
    households = synthetic_households(120, MONTH, seed=20250501)
    plan = oe.plan_households(households, MONTH)
    simulation, values = engine.simulate(plan, prune=False)
    pairs = {
        "allocations_familiales": ("crds_af", MONTH),
        "complement_familial": ("crds_cf", MONTH),
        "asf": ("crds_asf", MONTH),
        "prime_activite": ("crds_ppa", MONTH),
        "allocation_rentree_scolaire": ("crds_ars", MONTH[:4]),
    }
    positive = 0
    for aid_id, (crds_variable, period) in pairs.items():
        engine_crds = oe.household_values(simulation, plan, crds_variable, period)
        for index, gross in enumerate(values[aid_id]):
            _, withheld = paid_amount(float(gross), [0.005])
            assert withheld == pytest.approx(-float(engine_crds[index]), abs=0.01), (
                aid_id,
                index,
            )
            positive += withheld > 0
    assert positive >= 30


# ------------------------------------------------------------------ reports


def test_report_shows_the_paid_amount_and_explains_the_deduction() -> None:
    household = Household.model_validate(
        {
            "persons": [
                {
                    "id": "a",
                    "relationship": "applicant",
                    "birth_date": "1985-03-01",
                    "activity": "inactive",
                },
                {"id": "c", "relationship": "child", "birth_date": "2018-06-01"},
            ],
            "housing": {"status": "tenant", "rent": 500, "commune": "69123"},
        }
    )
    results = {r.aid_id: r for r in evaluate(household, "2025-08").results}
    ars = results["allocation_rentree_scolaire"]
    assert ars.yearly_amount == 423.48 and ars.monthly_amount is None
    assert ars.explanation[0].fr == (
        "Montant versé : 423,48 € par an (montant brut 425,60 €, dont CRDS 0,5 % déduite : 2,12 €)."
    )
    for aid_id in ("rsa", *HOUSING):
        result = results[aid_id]
        if result.status == "eligible":
            assert not any("CRDS" in line.fr for line in result.explanation), aid_id
    assert results["rsa"].status == "eligible"


def test_monthly_aid_pays_twelve_net_monthly_amounts() -> None:
    household = Household.model_validate(
        {
            "persons": [
                {
                    "id": "a",
                    "relationship": "applicant",
                    "birth_date": "1985-03-01",
                    "activity": "employed",
                    "resources": [{"kind": "salary", "monthly_amount": 2000}],
                },
                {"id": "c", "relationship": "child", "birth_date": "2014-02-01"},
                {"id": "d", "relationship": "child", "birth_date": "2017-06-01"},
            ],
            "housing": {"status": "owner", "commune": "69123"},
        }
    )
    af = next(r for r in evaluate(household, MONTH).results if r.aid_id == "allocations_familiales")
    assert af.monthly_amount == 151.05
    assert af.yearly_amount == pytest.approx(12 * 151.05)
    assert "dont CRDS 0,5 % déduite" in af.explanation[0].fr


def test_rule_aid_amount_is_paid_net_of_crds() -> None:
    catalogue = load_catalogue()
    prepare = catalogue.get("prepare")
    result = eligibility._rule_result(
        prepare,
        {"youngest_child_age": 1, "reduces_or_stops_work_to_raise_child": True},
        _engine(),
        MONTH,
    )
    # 96,62 % × 474,37 = 458,34 € gross; CRDS 2,29 €.
    assert result.monthly_amount == 456.05
    assert any("montant brut 458,34" in line.fr for line in result.explanation)


def test_stale_crds_rate_makes_the_amount_uncertain() -> None:
    engine = _engine()
    # After the last date the engine's legislation is known for, the CRDS rate
    # (like every legal parameter) is "à confirmer".
    known = engine.legislation_known_until
    after = f"{known.year + 1}-{known.month:02d}"
    withholding = eligibility._withholding(load_catalogue().get("asf"), engine, after)
    assert withholding is not None and withholding.stale_since == known
    assert eligibility._withholding(load_catalogue().get("asf"), engine, MONTH) == (
        eligibility._Withholding((("CRDS", 0.005),), None)
    )
    assert eligibility._withholding(load_catalogue().get("rsa"), engine, MONTH) is None


# ------------------------------------------------------------------ schema


def _aid_data(aid_id: str) -> dict[str, Any]:
    return load_catalogue().get(aid_id).model_dump(mode="json", by_alias=True)


@pytest.mark.parametrize(
    ("aid_id", "paid_net_of", "message"),
    [
        ("allocations_familiales", ["csg"], "paid_net_of"),
        ("allocations_familiales", ["crds", "crds"], "must not repeat"),
        ("css_gratuite", ["crds"], "needs an aid whose amount is computed"),
        ("ajpp", ["crds"], "needs an aid whose amount is computed"),
    ],
)
def test_schema_refuses_bad_paid_net_of(aid_id: str, paid_net_of: list[str], message: str) -> None:
    data = {**_aid_data(aid_id), "paid_net_of": paid_net_of}
    with pytest.raises(ValueError, match=message):
        Aid.model_validate(data)


def test_schema_accepts_and_defaults_paid_net_of() -> None:
    data = _aid_data("allocations_familiales")
    assert Aid.model_validate(data).paid_net_of == ("crds",)
    data.pop("paid_net_of")
    assert Aid.model_validate(data).paid_net_of == ()
