"""Aids that need inputs we never ask say "to check", not "not eligible".

The CMG reads the childcare mode (and its cost), the adoption grant an adoption,
the AGEPI and the aide à la mobilité a France Travail registration and a job or
trip, Mobili-Jeune a work-study contract: OpenFisca gives 0 for every household
we can describe. The catalogue's ``to_check_when`` rule says when the household
may nevertheless be concerned; the result is then "to check", with the reason.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

pytest.importorskip("openfisca_france")

from shared.adapters import openfisca as oe
from shared.domain.aids.catalogue import (
    CATALOGUE_DIR,
    DOCUMENTS_FILE,
    RULE_FIELDS_FILE,
    Aid,
    CatalogueError,
    OpenFiscaComputation,
    load_catalogue,
    load_catalogue_from,
)
from shared.domain.questionnaire import Household
from shared.services import eligibility

MONTH = "2025-05"
CMG_REASON = "Le CMG dépend du mode de garde et de son coût, que nous ne demandons pas encore"


def household(
    applicant: dict[str, Any], *children: str, spouse: dict[str, Any] | None = None
) -> Household:
    persons = [{"id": "a", "relationship": "applicant", "birth_date": "1990-01-01", **applicant}]
    if spouse is not None:
        persons.append({"id": "s", "relationship": "spouse", "birth_date": "1989-01-01", **spouse})
    persons += [
        {"id": f"c{index}", "relationship": "child", "birth_date": born}
        for index, born in enumerate(children)
    ]
    return Household.model_validate(
        {
            "persons": persons,
            "couple_status": "married" if spouse is not None else "single",
            "housing": {"status": "tenant", "rent": 700, "commune": "75056"},
        }
    )


EMPLOYED = {"activity": "employed", "resources": [{"kind": "salary", "monthly_amount": 1800}]}
JOB_SEEKER = {
    "activity": "unemployed_compensated",
    "resources": [{"kind": "unemployment", "monthly_amount": 900}],
}
RETIRED = {
    "birth_date": "1955-01-01",
    "activity": "retired",
    "resources": [{"kind": "retirement_pension", "monthly_amount": 1500}],
}
APPRENTICE = {
    "birth_date": "2003-01-01",
    "activity": "in_paid_training",
    "resources": [{"kind": "salary", "monthly_amount": 900}],
}


def statuses(h: Household) -> dict[str, Any]:
    return {r.aid_id: r for r in eligibility.evaluate(h, MONTH).results}


def test_cmg_is_to_check_for_a_working_parent_of_an_11_month_old() -> None:
    """The review's case: we never ask the childcare mode, so not "not eligible"."""
    cmg = statuses(household(EMPLOYED, "2024-06-15"))["paje_cmg"]
    assert cmg.status == "to_check", cmg.explanation
    assert cmg.explanation[0].fr.startswith(CMG_REASON)
    assert cmg.amount_certain is False and cmg.monthly_amount is None


@pytest.mark.parametrize(
    "h, expected",
    [
        # child under 6 (couple, both working): to check
        (household(EMPLOYED, "2021-01-15", spouse=EMPLOYED), "to_check"),
        # youngest child 8: the CMG stops at 6 whatever the childcare
        (household(EMPLOYED, "2017-01-15"), "not_eligible"),
        # no child at all
        (household(EMPLOYED), "not_eligible"),
    ],
    ids=["child-4", "child-8", "no-child"],
)
def test_cmg_to_check_only_with_a_child_under_6(h: Household, expected: str) -> None:
    assert statuses(h)["paje_cmg"].status == expected


@pytest.mark.parametrize(
    "h, expected",
    [
        # single job seeker raising a 4-year-old: AGEPI, mobility aid, adoption grant
        (
            household(JOB_SEEKER, "2021-01-15"),
            {"agepi": "to_check", "aide_mobilite": "to_check", "paje_prime_adoption": "to_check"},
        ),
        # same in a couple: the AGEPI is for single parents only
        (
            household(JOB_SEEKER, "2021-01-15", spouse=EMPLOYED),
            {"agepi": "not_eligible", "aide_mobilite": "to_check"},
        ),
        # retired, no child: none of them
        (
            household(RETIRED),
            {
                "agepi": "not_eligible",
                "aide_mobilite": "not_eligible",
                "paje_prime_adoption": "not_eligible",
                "mobili_jeune": "not_eligible",
            },
        ),
        # a 22-year-old apprentice: Mobili-Jeune reads the work-study contract
        (
            household(APPRENTICE),
            {"mobili_jeune": "to_check", "paje_prime_adoption": "not_eligible"},
        ),
    ],
    ids=["single-job-seeker", "couple-job-seeker", "retired", "apprentice"],
)
def test_other_aids_with_unasked_inputs(h: Household, expected: dict[str, str]) -> None:
    results = statuses(h)
    catalogue = load_catalogue()
    for aid_id, status in expected.items():
        result = results[aid_id]
        assert result.status == status, (aid_id, result.explanation)
        if status == "to_check":
            rule = catalogue.get(aid_id).to_check_when
            assert rule is not None and result.explanation[0].fr == rule.because.fr


def test_aids_whose_inputs_are_all_asked_keep_not_eligible() -> None:
    """The driving-licence aid and the CEJ read only what we ask (activity, age,
    benefits, taxes): their "not eligible" stands."""
    results = statuses(household(RETIRED))
    for aid_id in ("aide_permis_demandeur_emploi", "contrat_engagement_jeune"):
        assert load_catalogue().get(aid_id).to_check_when is None
        assert results[aid_id].status == "not_eligible"


def test_declared_unasked_inputs_are_read_by_the_aid_and_asked_by_no_question() -> None:
    """The reason ``to_check_when`` gives is real: each input it names is an
    OpenFisca input (no formula) the aid's formulas read, that the plan never sets."""
    engine = eligibility._engine(load_catalogue())
    dependencies = oe.static_dependencies(engine.system)
    declared = [aid for aid in load_catalogue().aids if aid.to_check_when is not None]
    assert {aid.id for aid in declared} >= {
        "paje_cmg",
        "paje_prime_adoption",
        "agepi",
        "aide_mobilite",
    }
    for aid in declared:
        assert aid.to_check_when is not None
        assert isinstance(aid.computation, OpenFiscaComputation)
        closure = oe.dependency_closure(dependencies, aid.computation.variable)
        for name in aid.to_check_when.unasked_inputs:
            assert name in engine.system.variables, (aid.id, name)
            assert not engine.system.variables[name].formulas, (aid.id, name)
            assert name in closure, (aid.id, name)
            assert name not in oe.PLAN_INPUT_VARIABLES, (aid.id, name)


def test_to_check_when_is_validated_like_a_rule(tmp_path: Path) -> None:
    raw = yaml.safe_load((CATALOGUE_DIR / "paje_cmg.yaml").read_text(encoding="utf-8"))
    rule_aid = yaml.safe_load((CATALOGUE_DIR / "prepare.yaml").read_text(encoding="utf-8"))
    rule_aid["to_check_when"] = raw["to_check_when"]
    with pytest.raises(ValueError, match="to_check_when is for aids the engine computes"):
        Aid.model_validate(rule_aid)

    folder = tmp_path / "catalogue"
    folder.mkdir()
    for path in CATALOGUE_DIR.glob("*.yaml"):
        (folder / path.name).write_bytes(path.read_bytes())
    broken = copy.deepcopy(raw)
    broken["to_check_when"]["rule"] = {"field": "childcare_mode", "op": "eq", "value": "x"}
    (folder / "paje_cmg.yaml").write_text(yaml.safe_dump(broken, allow_unicode=True))
    with pytest.raises(CatalogueError, match="childcare_mode"):
        load_catalogue_from(folder, DOCUMENTS_FILE, RULE_FIELDS_FILE)
