"""Plain words: every figure a person reads comes from the curated vocabulary,
in French and English, and no OpenFisca label reaches a person."""

from __future__ import annotations

import pytest

pytest.importorskip("openfisca_france")

from shared.adapters import openfisca as oe
from shared.domain.aids.catalogue import OpenFiscaComputation, load_catalogue
from shared.domain.aids.explanations import explain_figure, vocabulary
from shared.services import eligibility


def test_every_key_variable_has_curated_words_and_none_is_stale() -> None:
    catalogue = load_catalogue()
    keys = {
        name
        for aid in catalogue.aids
        if isinstance(aid.computation, OpenFiscaComputation)
        for name in aid.computation.key_variables
    }
    assert keys == set(vocabulary())


def test_figures_are_written_for_people() -> None:
    assert explain_figure("taux_incapacite", 0.8) is not None
    rate = explain_figure("taux_incapacite", 0.8)
    assert rate is not None and rate.fr == "Taux d'incapacité reconnu : 80 %"
    assert rate.en == "Recognised disability rate: 80%"
    # A yes/no figure read as a number by the engine is never "1,00 €".
    flag = explain_figure("eligibilite_caah", 1.0)
    assert flag is not None and flag.fr.endswith(": oui") and flag.en.endswith(": yes")
    # Internal steps and zero supplements are left out.
    assert explain_figure("asi_aspa_condition_nationalite", True) is None
    assert explain_figure("bourse_lycee_points_de_charge", 0) is None
    yearly = explain_figure("rfr", 15672.68)
    assert yearly is not None and yearly.fr.endswith("15\u202f672,68 € par an")


def test_no_engine_label_reaches_a_person_on_the_reference_households() -> None:
    engine = eligibility._engine(load_catalogue())
    curated = {figure.fr for figure in vocabulary().values()}
    labels = {
        variable.label
        for variable in engine.system.variables.values()
        if variable.label
        and len(variable.label) > 12
        # Our own words may reuse a plain engine label ("Logement conventionné").
        and not any(variable.label in text for text in curated)
    }
    lines = 0
    for household in oe.reference_households():
        report = eligibility.evaluate(household, "2025-05")
        for result in report.results:
            for line in result.explanation:
                assert line.fr.strip() and line.en.strip(), result.aid_id
                leaked = [label for label in labels if label in line.fr or label in line.en]
                assert not leaked, (result.aid_id, line.fr, leaked)
                assert not line.fr.endswith(": 1,00 €"), (result.aid_id, line.fr)  # a flag
                lines += 1
            for document in result.documents:
                assert document.label.fr and document.label.en and document.id
            if result.apply.form:
                assert result.apply.form_label is not None
                assert result.apply.form in result.apply.form_label.fr
    assert lines > 100
