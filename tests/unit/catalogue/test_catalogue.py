"""The catalogue of aids: schema, vocabularies, links, and agreement with the engine.

Each YAML entry is validated on its own (one test per file, so a broken entry
names itself), then the catalogue as a whole. OpenFisca references are checked
against the OpenFisca-France the project installs: a variable that does not
exist, has another period, or only exists as an input would silently compute
zero in production.
"""

from __future__ import annotations

import importlib
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from openfisca_france import CountryTaxBenefitSystem

from shared.domain.aids.catalogue import (
    BANK_DETAIL_PATTERN,
    BMAF_PARAMETER,
    CATALOGUE_DIR,
    DOCUMENTS_FILE,
    OFFICIAL_DOMAINS,
    RULE_FIELDS_FILE,
    Aid,
    Catalogue,
    CatalogueError,
    FixedParameterAmount,
    OpenFiscaComputation,
    RuleComputation,
    evaluate_rule,
    is_official_url,
    load_catalogue,
    load_catalogue_from,
    rule_fields_of,
)
from shared.domain.aids.markdown import BEGIN, END, render_table
from tests.support.imports import modules_loaded_by

REPO_ROOT = Path(__file__).resolve().parents[3]
AID_FILES = sorted(CATALOGUE_DIR.glob("*.yaml"))

#: The aids the issue names explicitly (by our ids).
REQUIRED_AIDS = {
    "rsa",
    "prime_activite",
    "apl",
    "alf",
    "als",
    "allocations_familiales",
    "complement_familial",
    "asf",
    "allocation_rentree_scolaire",
    "paje_allocation_base",
    "paje_prime_naissance",
    "paje_cmg",
    "aah",
    "aeeh",
    "aspa",
    "asi",
    "ass",
    "css_gratuite",
    "css_participation",
    "cheque_energie",
    "bourse_college",
    "bourse_lycee",
    "bourse_criteres_sociaux",
}

_URL = re.compile(r"https?://[^\s)>\"']+")


@pytest.fixture
def today() -> date:
    """The date "now" for date-dependent checks; override to freeze time."""
    return date.today()


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="module")
def tax_benefit_systems() -> Iterator[dict[str | None, Any]]:
    """OpenFisca systems keyed by extension (None = OpenFisca-France alone).

    Built lazily: ~2-6 s each, so once per module.
    """
    systems: dict[str | None, Any] = {None: CountryTaxBenefitSystem()}
    yield systems


def _system_for(systems: dict[str | None, Any], extension: str | None) -> Any:
    if extension not in systems:
        try:
            importlib.import_module(extension or "")
        except Exception as exc:  # a missing or numpy-incompatible extension
            pytest.skip(f"OpenFisca extension {extension} not usable here: {exc!r}")
        tbs = CountryTaxBenefitSystem()
        tbs.load_extension(extension)
        systems[extension] = tbs
    return systems[extension]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


# --- per entry ---------------------------------------------------------------


@pytest.mark.parametrize("path", AID_FILES, ids=lambda p: p.stem)
def test_entry_validates_and_id_is_file_stem(path: Path) -> None:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    aid = Aid.model_validate(raw)
    assert aid.id == path.stem


@pytest.mark.parametrize("path", AID_FILES, ids=lambda p: p.stem)
def test_every_url_is_https_on_an_official_domain(path: Path) -> None:
    """Apply links, legal links, and any link in a note (they may be shown)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    urls = [u for s in _strings(raw) for u in _URL.findall(s)]
    assert urls, "an entry needs at least its legal and apply links"
    bad = [u for u in urls if not is_official_url(u)]
    assert not bad, f"non-official or non-https links: {bad}"


# --- catalogue as a whole ----------------------------------------------------


def test_catalogue_loads_with_unique_ids(catalogue: Catalogue) -> None:
    ids = [a.id for a in catalogue.aids]
    assert len(ids) == len(set(ids)) == len(AID_FILES)


def test_at_least_30_national_aids(catalogue: Catalogue) -> None:
    assert sum(1 for a in catalogue.aids if a.scope == "national") >= 30


def test_required_aids_are_present(catalogue: Catalogue) -> None:
    missing = REQUIRED_AIDS - {a.id for a in catalogue.aids}
    assert not missing


def test_get_and_unknown_id(catalogue: Catalogue) -> None:
    assert catalogue.get("rsa").computation.kind == "openfisca"
    with pytest.raises(KeyError):
        catalogue.get("no_such_aid")


def test_documents_are_in_the_vocabulary_and_never_bank_details(catalogue: Catalogue) -> None:
    """Policy §2.1.4: bank details are never collected, so no vault slot for them."""
    for aid in catalogue.aids:
        assert set(aid.documents) <= set(catalogue.documents), aid.id
    for doc_id, doc in catalogue.documents.items():
        for text in (doc_id, doc.label.fr, doc.label.en):
            assert not BANK_DETAIL_PATTERN.search(text), text
    forbidden = {"rib", "iban", "bank_details", "releve_identite_bancaire"}
    assert not forbidden & set(catalogue.documents)


def test_every_document_type_is_needed_by_some_aid(catalogue: Catalogue) -> None:
    used = {d for a in catalogue.aids for d in a.documents}
    assert set(catalogue.documents) == used


def test_every_rule_field_is_read_by_some_rule(catalogue: Catalogue) -> None:
    """R6: a question exists only because some aid needs its answer."""
    read = {
        cond.field
        for a in catalogue.aids
        if isinstance(a.computation, RuleComputation)
        for cond in rule_fields_of(a.computation.rule)
    }
    assert set(catalogue.rule_fields) == read


def test_published_at_is_not_in_the_future(catalogue: Catalogue, today: date) -> None:
    future = [a.id for a in catalogue.aids if a.published_at > today]
    assert not future


def test_future_check_is_driven_by_the_today_fixture(catalogue: Catalogue) -> None:
    """The same check, frozen before the later entries: they would be "future"."""
    frozen = date(2026, 6, 1)
    future = {a.id for a in catalogue.aids if a.published_at > frozen}
    assert future == {"ajpa", "mobili_jeune"}


def test_published_since_announces_new_aids_once(catalogue: Catalogue) -> None:
    initial = date(2026, 1, 15)
    assert {a.id for a in catalogue.published_since(initial)} == {"ajpa", "mobili_jeune"}
    assert catalogue.published_since(initial, until=date(2026, 10, 31)) == ()
    assert catalogue.published_since(date(2026, 11, 1)) == ()
    assert len(catalogue.published_since(date(2026, 1, 14))) == len(catalogue.aids)


def test_version_is_short_sha_and_tracks_content(tmp_path: Path) -> None:
    copy = _copy_catalogue(tmp_path)
    first = _load(copy)
    assert re.fullmatch(r"[0-9a-f]{12}", first.version)
    assert _load(copy).version == first.version
    rsa = copy / "catalogue" / "rsa.yaml"
    rsa.write_text(rsa.read_text(encoding="utf-8") + "\n# touched\n", encoding="utf-8")
    assert _load(copy).version != first.version


def test_load_catalogue_is_cached() -> None:
    assert load_catalogue() is load_catalogue()


def test_docs_table_matches_the_catalogue(catalogue: Catalogue) -> None:
    """docs/catalogue.md is regenerated by `python -m shared.domain.aids.markdown`."""
    text = (REPO_ROOT / "docs" / "catalogue.md").read_text(encoding="utf-8")
    committed = text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert committed == render_table(catalogue)


def test_domain_module_imports_neither_openfisca_nor_google_cloud() -> None:
    """Pure domain: `signup` must not pay for OpenFisca at cold start.

    The bare ``google.cloud`` namespace is preloaded by a ``.pth`` file of
    functions-framework; only real client modules (``google.cloud.x``) count.
    """
    code = "import shared.domain.aids.catalogue as c; c.load_catalogue()"
    assert modules_loaded_by(code, ("openfisca", "google.cloud.")) == []


# --- agreement with OpenFisca -------------------------------------------------

OPENFISCA_AIDS = [
    a for a in load_catalogue().aids if isinstance(a.computation, OpenFiscaComputation)
]


@pytest.mark.parametrize("aid", OPENFISCA_AIDS, ids=lambda a: a.id)
def test_openfisca_variable_exists_with_declared_period(
    aid: Aid, tax_benefit_systems: dict[str | None, Any], today: date
) -> None:
    comp = aid.computation
    assert isinstance(comp, OpenFiscaComputation)
    tbs = _system_for(tax_benefit_systems, comp.extension)
    variable = tbs.variables.get(comp.variable)
    assert variable is not None, f"{comp.variable} is not an OpenFisca variable"
    assert str(variable.definition_period) == comp.period
    assert variable.entity.key == comp.entity
    expected_type = bool if comp.output == "eligibility" else float
    assert variable.value_type is expected_type
    assert variable.formulas, f"{comp.variable} is an input only: the engine cannot compute it"
    assert variable.end is None or date.fromisoformat(str(variable.end)) >= today, "aid ended"
    missing = [k for k in comp.key_variables if k not in tbs.variables]
    assert not missing, f"unknown key variables: {missing}"


#: A single parent earning a little, two children, renting in Paris. Fixed
#: month, so the result does not drift with the calendar.
REFERENCE_MONTH = "2026-11"
REFERENCE_HOUSEHOLD: dict[str, Any] = {
    "individus": {
        "parent": {
            "date_naissance": {"ETERNITY": "1990-01-01"},
            "salaire_de_base": {"2026-08": 800, "2026-09": 800, "2026-10": 800},
        },
        "enfant1": {"date_naissance": {"ETERNITY": "2016-05-01"}},
        "enfant2": {"date_naissance": {"ETERNITY": "2012-05-01"}},
    },
    "familles": {"f": {"parents": ["parent"], "enfants": ["enfant1", "enfant2"]}},
    "foyers_fiscaux": {
        "ff": {"declarants": ["parent"], "personnes_a_charge": ["enfant1", "enfant2"]}
    },
    "menages": {
        "m": {
            "personne_de_reference": ["parent"],
            "enfants": ["enfant1", "enfant2"],
            "loyer": {REFERENCE_MONTH: 600},
            "statut_occupation_logement": {REFERENCE_MONTH: "locataire_vide"},
            "depcom": {REFERENCE_MONTH: "75056"},
        }
    },
}


def test_every_openfisca_aid_computes_for_a_reference_household(
    catalogue: Catalogue, tax_benefit_systems: dict[str | None, Any]
) -> None:
    """Existence is not enough: each variable must compute at its declared period."""
    from openfisca_core.simulation_builder import SimulationBuilder

    sim = SimulationBuilder().build_from_entities(tax_benefit_systems[None], REFERENCE_HOUSEHOLD)
    results: dict[str, float] = {}
    for aid in catalogue.aids:
        comp = aid.computation
        if isinstance(comp, OpenFiscaComputation) and comp.extension is None:
            period = REFERENCE_MONTH if comp.period == "month" else REFERENCE_MONTH[:4]
            results[aid.id] = float(sim.calculate(comp.variable, period).sum())
    for aid_id in ("rsa", "prime_activite", "allocations_familiales", "alf", "css_gratuite"):
        assert results[aid_id] > 0, aid_id
    # OpenFisca's raw `mva` only checks for a housing aid; the catalogue uses `caah`,
    # which also requires the AAH: nobody here is disabled, so no MVA.
    assert float(sim.calculate("mva", REFERENCE_MONTH).sum()) > 0
    assert results["majoration_vie_autonome"] == 0


RULE_PARAMETER_AIDS = [
    a
    for a in load_catalogue().aids
    if isinstance(a.computation, RuleComputation)
    and isinstance(a.computation.amount, FixedParameterAmount)
]


@pytest.mark.parametrize("aid", RULE_PARAMETER_AIDS, ids=lambda a: a.id)
def test_rule_amount_parameter_exists(
    aid: Aid, tax_benefit_systems: dict[str | None, Any], today: date
) -> None:
    assert isinstance(aid.computation, RuleComputation)
    amount = aid.computation.amount
    assert isinstance(amount, FixedParameterAmount)
    params = tax_benefit_systems[None].parameters
    value = _parameter(params, amount.parameter)(today.isoformat())
    assert isinstance(value, int | float)
    if amount.base == "bmaf":
        monthly = value * _parameter(params, BMAF_PARAMETER)(today.isoformat())
        assert 50 < monthly < 2000, "a BMAF rate should give a plausible monthly amount"


def _parameter(node: Any, path: str) -> Any:
    for part in path.split("."):
        node = node.children[part]
    return node


def test_no_rule_aid_is_actually_computable_by_openfisca(
    catalogue: Catalogue, tax_benefit_systems: dict[str | None, Any]
) -> None:
    """`kind: rule` is only for aids the engine lacks: the issue prefers the engine."""
    tbs = tax_benefit_systems[None]
    engine_names = {"prepare": "paje_prepare", "apa_domicile": "apa"}
    for aid in catalogue.aids:
        if isinstance(aid.computation, RuleComputation):
            name = engine_names.get(aid.id, aid.id)
            variable = tbs.variables.get(name)
            assert variable is None or not variable.formulas, f"{aid.id}: use {name}"


# --- rules -------------------------------------------------------------------


def test_rule_three_valued_logic(catalogue: Catalogue) -> None:
    rule = catalogue.get("allocation_veuvage").computation
    assert isinstance(rule, RuleComputation)
    widow = {"is_widowed": True, "age": 40, "lives_in_couple": False}
    assert evaluate_rule(rule.rule, widow) is True
    assert evaluate_rule(rule.rule, {**widow, "age": 60}) is False
    # One known False decides an `all`, even with unknowns.
    assert evaluate_rule(rule.rule, {"is_widowed": False}) is False
    # Unknown answers give "unknown", not "not eligible".
    assert evaluate_rule(rule.rule, {"is_widowed": True}) is None


def test_rule_any_and_in(catalogue: Catalogue) -> None:
    pch = catalogue.get("pch").computation
    assert isinstance(pch, RuleComputation)
    assert evaluate_rule(pch.rule, {"has_disability": True, "age": 70}) is None
    assert (
        evaluate_rule(
            pch.rule, {"has_disability": True, "age": 70, "disability_criteria_met_before_60": True}
        )
        is True
    )
    ajpp = catalogue.get("ajpp").computation
    assert isinstance(ajpp, RuleComputation)
    answers = {
        "cares_for_seriously_ill_child_under_20": True,
        "reduces_or_stops_work_to_care": True,
        "activity_status": "unemployed_not_compensated",
    }
    assert evaluate_rule(ajpp.rule, answers) is False
    assert evaluate_rule(ajpp.rule, {**answers, "activity_status": "employed"}) is True


# --- the loader refuses what the policy or the schema forbids ------------------


def _copy_catalogue(tmp_path: Path) -> Path:
    root = tmp_path / "aids"
    shutil.copytree(CATALOGUE_DIR, root / "catalogue")
    shutil.copy(DOCUMENTS_FILE, root / "documents.yaml")
    shutil.copy(RULE_FIELDS_FILE, root / "rule_fields.yaml")
    return root


def _load(root: Path) -> Catalogue:
    return load_catalogue_from(
        root / "catalogue", root / "documents.yaml", root / "rule_fields.yaml"
    )


def _edit(root: Path, aid_id: str, change: Any) -> None:
    path = root / "catalogue" / f"{aid_id}.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(raw)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r.update(id="other"), "file stem"),
        (lambda r: r.update(colour="blue"), "colour"),
        (lambda r: r["documents"].append("rib"), "bank details"),
        (lambda r: r["documents"].append("passport_photo"), "unknown document"),
        (lambda r: r["apply"].update(online_service="http://www.caf.fr/"), "official"),
        (lambda r: r["apply"].update(online_service="https://caf.fr.example.com/"), "official"),
        (lambda r: r["legal_reference"].update(url="https://example.org/"), "official"),
        (lambda r: r["computation"].update(period="week"), "period"),
        (lambda r: r["apply"].update(form="15481"[:4]), "form"),
        (lambda r: r.update(scope="local"), "territory"),
        # The checklist needs the income year of every aid asking for a tax notice.
        (lambda r: r["documents"].append("tax_notice"), "tax_notice_income_year"),
        (lambda r: r.update(tax_notice_income_year="latest"), "tax_notice_income_year"),
        (lambda r: r.update(tax_notice_income_year="n_minus_3"), "tax_notice_income_year"),
    ],
)
def test_loader_rejects_bad_entries(tmp_path: Path, change: Any, message: str) -> None:
    root = _copy_catalogue(tmp_path)
    _edit(root, "rsa", change)
    with pytest.raises(CatalogueError, match=message):
        _load(root)


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"field": "shoe_size", "op": "eq", "value": 42}, "rule_fields.yaml"),
        ({"field": "age", "op": "lt", "value": "old"}, "number"),
        ({"field": "is_widowed", "op": "eq", "value": "yes"}, "is_widowed"),
        ({"field": "activity_status", "op": "in", "value": ["astronaut"]}, "activity_status"),
        ({"field": "is_widowed", "op": "in", "value": True}, "list"),
    ],
)
def test_loader_rejects_bad_rules(tmp_path: Path, condition: dict[str, Any], message: str) -> None:
    root = _copy_catalogue(tmp_path)
    _edit(root, "allocation_veuvage", lambda r: r["computation"]["rule"]["all"].append(condition))
    with pytest.raises(CatalogueError, match=message):
        _load(root)


def test_vocabulary_refuses_bank_details(tmp_path: Path) -> None:
    root = _copy_catalogue(tmp_path)
    vocab = root / "documents.yaml"
    vocab.write_text(
        vocab.read_text(encoding="utf-8")
        + 'payment_proof:\n  label: {fr: "Relevé d\'identité bancaire", en: "Bank details"}\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError, match="bank details"):
        _load(root)


@pytest.mark.parametrize(
    "text",
    ["rib", "my_rib", "RIB_scan", "iban", "bank_details", "Relevé d'identité bancaire", "BIC"],
)
def test_bank_detail_pattern_catches_variants(text: str) -> None:
    assert BANK_DETAIL_PATTERN.search(text)


@pytest.mark.parametrize("text", ["public_transport_card", "tribunal_decision", "libre"])
def test_bank_detail_pattern_spares_ordinary_words(text: str) -> None:
    assert not BANK_DETAIL_PATTERN.search(text)


def test_official_domain_allowlist_is_strict() -> None:
    assert is_official_url("https://messervices.etudiant.gouv.fr/envole/")
    assert is_official_url("https://www.service-public.fr/particuliers/vosdroits/F19778")
    assert not is_official_url("https://service-public.fr.evil.example/")
    assert not is_official_url("https://notcaf.fr/")
    assert not is_official_url("http://www.caf.fr/")
    assert "legifrance.gouv.fr" in OFFICIAL_DOMAINS
