"""Pre-filled forms (R7): templates, proposals with sources, edits, PDFs read back."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from shared.adapters.pdf_forms import MissingPdfField, field_names, fill, read_values
from shared.domain.aids.catalogue import is_official_url
from shared.domain.forms.proposal import UnknownFormField, final_values, propose
from shared.domain.forms.sources import form_sources
from shared.domain.forms.templates import CerfaReference, is_cerfa_source, load_templates
from shared.services.forms import generate_form, propose_form

PROFILE = {"given_name": "Awa", "family_name": "Diallo", "email": "awa@example.org", "phone": None}
HOUSEHOLD = {
    "persons": [
        {
            "id": "p1",
            "relationship": "applicant",
            "birth_date": "1990-04-02",
            "activity": "employed",
        },
        {"id": "p2", "relationship": "child", "birth_date": "2019-06-01"},
    ],
    "couple_status": "single",
    "housing": {"status": "tenant_social", "rent": 412.5, "commune": "75111"},
    "expected_birth": "2026-03-10",
}
REQUIRED_FORMS = {
    "rsa",
    "aide_logement",
    "aspa",
    "complementaire_sante_solidaire",
    "mdph",
    "prime_naissance",
}


def test_at_least_the_six_required_forms_with_their_cerfa() -> None:
    templates = load_templates()

    assert set(templates) >= REQUIRED_FORMS
    for template in templates.values():
        assert template.cerfa.number.isdigit() and len(template.cerfa.number) == 5
        assert is_cerfa_source(template.cerfa.source_url)
        assert template.cerfa.source_note
        assert template.title.fr and template.title.en
        if not template.cerfa.verified:
            # Unverified: the page to check it on is the official one, service-public.fr.
            assert template.cerfa.source_url.startswith("https://www.service-public.fr/")


# Cerfa numbers an official page showed, with that page (searched 2026-11-30):
# service-public.fr R1350 lists "Cerfa 15481*01" for the RSA / prime d'activité
# application; complementaire-sante-solidaire.gouv.fr offers cerfa_12504-10 (C2S).pdf;
# the government's Maison de l'autisme fiche "Dossier MDPH" (updated 27/03/2023) names
# "formulaire CERFA 15692*01", as do MDPH and département sites (mdph62.fr, aisne.com).
VERIFIED = {
    "rsa": ("15481", "01", "https://www.service-public.fr/particuliers/vosdroits/R1350"),
    "complementaire_sante_solidaire": (
        "12504",
        "10",
        "https://complementaire-sante-solidaire.gouv.fr/en/node/155",
    ),
    "mdph": ("15692", "01", "https://maisondelautisme.gouv.fr/fiches-pratiques/dossier-mdph"),
}


def test_only_cerfa_numbers_seen_on_an_official_page_are_marked_verified() -> None:
    verified = {
        t.id: (t.cerfa.number, t.cerfa.version, t.cerfa.source_url)
        for t in load_templates().values()
        if t.cerfa.verified
    }

    assert verified == VERIFIED


def test_a_site_that_only_vouches_for_a_form_is_not_a_place_to_apply() -> None:
    witness = "https://maisondelautisme.gouv.fr/fiches-pratiques/dossier-mdph"

    assert is_cerfa_source(witness)
    assert not is_official_url(witness)  # never offered to a person as where to apply
    assert not is_cerfa_source("http://maisondelautisme.gouv.fr/fiches-pratiques/dossier-mdph")
    assert not is_cerfa_source("https://maisondelautisme.gouv.fr.example.com/dossier-mdph")


@pytest.mark.parametrize(
    ("version", "source_url"),
    [
        (None, "https://www.service-public.fr/particuliers/vosdroits/R1350"),
        ("01", "https://www.startdoc.fr/documents/cerfa-15481"),
        ("01", "http://www.service-public.fr/particuliers/vosdroits/R1350"),
        ("01", "https://mon-handicap.fr/formulaire-de-demande-mdph"),
    ],
)
def test_a_cerfa_is_verified_only_with_its_version_and_an_official_page(
    version: str | None, source_url: str
) -> None:
    with pytest.raises(ValidationError, match="official"):
        CerfaReference(
            number="15481",
            version=version,
            verified=True,
            source_url=source_url,
            source_note="seen there",
        )


@pytest.mark.parametrize("form_id", sorted(REQUIRED_FORMS))
def test_each_template_pdf_has_exactly_the_declared_fields(form_id: str) -> None:
    template = load_templates()[form_id]

    assert field_names(template.pdf_path) == {f.pdf_field for f in template.fields}


def test_proposal_says_where_each_value_comes_from() -> None:
    proposal = propose_form("aide_logement", PROFILE, HOUSEHOLD)

    by_id = {f.field_id: f for f in proposal.fields}
    assert by_id["family_name"].value == "Diallo"
    assert by_id["family_name"].source == "profile.family_name"
    assert by_id["birth_date"].value == "02/04/1990"
    assert by_id["rent"].value == "412,50"
    assert by_id["social_housing"].value == "/Yes"
    assert by_id["furnished"].value == "" and by_id["furnished"].source is None
    assert by_id["phone"].value == "" and by_id["phone"].source is None
    assert by_id["social_security_number"].source is None  # never stored: the person types it
    assert proposal.title == "Demande d'aide au logement"
    assert (
        propose_form("aide_logement", PROFILE, HOUSEHOLD, "en").title
        == "Application for housing aid"
    )


@pytest.mark.parametrize("form_id", sorted(REQUIRED_FORMS))
def test_generated_form_carries_every_proposed_value_and_nothing_else(form_id: str) -> None:
    template = load_templates()[form_id]
    proposals = propose(template, form_sources(PROFILE, HOUSEHOLD))
    expected = {template.field(p.field_id).pdf_field: p.value for p in proposals}

    values = read_values(generate_form(form_id, PROFILE, HOUSEHOLD, {}))

    assert set(values) == {f.pdf_field for f in template.fields}
    assert values == expected
    assert any(values.values())


def test_edited_form_carries_the_edits_and_nothing_else() -> None:
    template = load_templates()["prime_naissance"]
    edits = {"family_name": "Diallo-Martin", "email": None, "married": True, "single": False}

    values = read_values(generate_form("prime_naissance", PROFILE, HOUSEHOLD, edits))

    proposals = propose(template, form_sources(PROFILE, HOUSEHOLD))
    expected = {template.field(p.field_id).pdf_field: p.value for p in proposals}
    expected.update(
        nom_naissance="Diallo-Martin", courriel="", situation_marie="/Yes", situation_seul=""
    )
    assert values == expected
    assert values["date_presumee_naissance"] == "10/03/2026"


def test_editing_a_field_the_form_does_not_have_is_refused() -> None:
    template = load_templates()["rsa"]

    with pytest.raises(UnknownFormField):
        final_values(template, propose(template, {}), {"iban": "FR76..."})


def test_a_value_for_a_missing_pdf_field_is_never_written_elsewhere() -> None:
    with pytest.raises(MissingPdfField):
        fill(load_templates()["rsa"].pdf_path, {"not_a_field": "x"})


def test_sources_read_only_what_the_person_gave() -> None:
    sources = form_sources(PROFILE, HOUSEHOLD)

    assert sources["applicant.birth_date"] == date(1990, 4, 2)
    assert sources["household.children_count"] == 1
    assert sources["spouse.birth_date"] is None
    assert form_sources({}, {})["household.children_count"] is None
