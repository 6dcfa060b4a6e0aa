"""R6: every question asked is strictly needed to decide at least one aid.

Proof from OpenFisca itself: for each question, each aid it declares
(``QuestionSpec.needed_by``) is traced on the reference households and its
trace must read one of the inputs the question fills (``feeds``); questions
feeding catalogue rules must feed a field some rule aid reads. The mapping is
published in ``docs/simulation.md``.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

pytest.importorskip("openfisca_france")

from shared.adapters import openfisca as oe
from shared.adapters.openfisca import pruning
from shared.domain.aids.catalogue import load_catalogue
from shared.domain.questionnaire import (
    QUESTIONS,
    QuestionSpec,
    catalogue_index,
    needed_by_ids,
    traceability_rows,
)
from shared.services import eligibility

DOC = Path(__file__).resolve().parents[3] / "docs" / "simulation.md"


@pytest.fixture(scope="module")
def reads() -> dict[str, set[str]]:
    """Aid variable → every variable its computation reads (traced)."""
    engine = eligibility._engine(load_catalogue())
    graph: dict[str, set[str]] = defaultdict(set)

    def record(simulation: object) -> None:
        for node in pruning._walk(simulation.tracer.trees):  # type: ignore[attr-defined]
            graph[node.name].update(child.name for child in node.children)

    for month in oe.PROFILE_MONTHS:
        households = oe.reference_households()
        simulation = oe.build_simulation(engine.system, oe.plan_households(households, month))
        simulation.trace = True
        for aid in engine.aids:
            simulation.calculate(aid.variable, month if aid.period == "month" else month[:4])
        record(simulation)
        # The birth grant reads the expected child's birth date in its payment month.
        for household in households:
            if household.expected_birth is not None:
                at = oe.birth_grant_month(household.expected_birth)
                plan = oe.plan_household(household, at, with_unborn=True)
                birth = oe.build_simulation(engine.system, plan)
                birth.trace = True
                birth.calculate("paje_naissance", at)
                record(birth)
    # A value computed for an earlier aid is a childless cache hit in the trace:
    # follow the dependency graph, not the subtree.
    return {aid.variable: oe.dependency_closure(graph, aid.variable) for aid in engine.aids}


def test_every_question_is_needed_by_a_catalogue_aid() -> None:
    index = catalogue_index()
    for spec in QUESTIONS:
        assert needed_by_ids(spec, index), f"{spec.key}: no aid of the catalogue needs it"


@pytest.mark.parametrize("spec", [s for s in QUESTIONS if s.feeds], ids=lambda s: s.key)
def test_declared_aids_read_what_the_question_fills(
    spec: QuestionSpec, reads: dict[str, set[str]]
) -> None:
    in_catalogue = [v for v in spec.needed_by if v in reads]
    assert in_catalogue, f"{spec.key}: none of its aids is in the catalogue"
    for variable in in_catalogue:
        assert reads[variable] & set(spec.feeds), (
            f"{spec.key} declares {variable}, whose computation reads none of {spec.feeds}"
        )


@pytest.mark.parametrize("spec", [s for s in QUESTIONS if s.rule_fields], ids=lambda s: s.key)
def test_rule_fields_are_read_by_a_rule_aid(spec: QuestionSpec) -> None:
    read = {field for _, fields, _ in catalogue_index().rule_aids for field in fields}
    assert set(spec.rule_fields) & read, f"{spec.key}: no rule aid reads {spec.rule_fields}"


def test_traceability_table_is_published() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [row for row in traceability_rows() if row not in text]
    assert not missing, "docs/simulation.md is out of date; expected rows:\n" + "\n".join(
        traceability_rows()
    )
