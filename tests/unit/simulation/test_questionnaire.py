"""The questionnaire model: what it accepts, what it refuses (and where), and
which question comes next. Pure domain: runs without OpenFisca."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from shared.domain.questionnaire import (
    MAX_PERSONS,
    QUESTIONS,
    CatalogueIndex,
    Household,
    commune_of,
    next_questions,
    rule_answers,
    ruled_out_aids,
)
from shared.errors import validation_locations

TODAY = date(2025, 5, 1)


def household(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "persons": [
            {
                "id": "ana",
                "relationship": "applicant",
                "birth_date": "1985-06-01",
                "activity": "employed",
            },
            {"id": "leo", "relationship": "child", "birth_date": "2015-02-03"},
        ],
        "housing": {"status": "tenant", "rent": 600, "commune": "75056"},
    }
    base.update(changes)
    return base


def locations(payload: dict[str, Any]) -> list[tuple[str | int, ...]]:
    with pytest.raises(ValidationError) as caught:
        Household.model_validate(payload)
    return validation_locations(caught.value)


def test_a_valid_household_is_accepted() -> None:
    model = Household.model_validate(household())
    assert model.applicant().id == "ana"


def test_impossible_date_names_the_field() -> None:
    payload = household()
    payload["persons"][0]["birth_date"] = "1985-02-30"
    assert ("persons", 0, "birth_date") in locations(payload)


def test_negative_rent_names_the_field() -> None:
    payload = household(housing={"status": "tenant", "rent": -5, "commune": "75056"})
    assert ("housing", "rent") in locations(payload)


def test_unknown_commune_names_the_field() -> None:
    payload = household(housing={"status": "tenant", "rent": 500, "commune": "75999"})
    assert ("housing", "commune") in locations(payload)
    payload = household(housing={"status": "tenant", "rent": 500, "commune": "Paris"})
    assert ("housing", "commune") in locations(payload)


def test_child_older_than_parent_names_the_child() -> None:
    payload = household()
    payload["persons"][1]["birth_date"] = "1980-01-01"
    assert ("persons", 1, "birth_date") in locations(payload)


def test_too_many_persons_are_refused() -> None:
    many = [
        {"id": f"p{i}", "relationship": "child", "birth_date": "2015-01-01"} for i in range(499)
    ]
    payload = household(persons=[household()["persons"][0], *many])
    assert ("persons",) in locations(payload)
    assert MAX_PERSONS == 12


def test_unknown_fields_are_refused() -> None:
    payload = household(salary=2000)
    assert ("salary",) in locations(payload)
    payload = household()
    payload["persons"][0]["iban"] = "FR76..."
    assert ("persons", 0, "iban") in locations(payload)


def test_family_consistency() -> None:
    payload = household(couple_status="married")
    assert locations(payload)  # married without a spouse
    payload = household()
    payload["persons"][1]["relationship"] = "applicant"
    assert locations(payload)  # two applicants
    payload = household(housing={"status": "owner", "rent": 700, "commune": "75056"})
    assert ("housing",) in locations(payload)


def test_arrondissements_map_to_their_commune() -> None:
    assert commune_of("75111") == "75056"
    assert commune_of("13208") == "13055"
    assert commune_of("69383") == "69123"
    assert commune_of("33063") == "33063"
    Household.model_validate(household(housing={"status": "tenant", "rent": 1, "commune": "75111"}))


INDEX = CatalogueIndex(
    by_variable={
        "rsa": ("rsa",),
        "af": ("allocations_familiales",),
        "apl": ("apl",),
        "aah": ("aah",),
        "bourse_college": ("bourse_college",),
        "paje_naissance": ("prime",),
        "ass": ("ass",),
    },
    rule_aids=(),
)


def ids(answers: dict[str, Any]) -> list[str]:
    return [q.id for q in next_questions(answers, TODAY, INDEX)]


def test_first_questions_are_about_the_household() -> None:
    first = ids({})
    assert first[0] == "persons"
    assert "housing.status" in first


def test_no_child_no_child_questions() -> None:
    answers = {"persons": [{"id": "ana", "relationship": "applicant", "birth_date": "1985-06-01"}]}
    asked = ids(answers)
    assert "persons.ana.alternate_custody" not in asked
    # With a child, custody and schooling are asked about the child.
    answers["persons"].append({"id": "leo", "relationship": "child", "birth_date": "2015-02-03"})
    asked = ids(answers)
    assert "persons.leo.alternate_custody" in asked
    assert "persons.leo.school_level" in asked


def test_owner_is_not_asked_the_rent() -> None:
    answers = household(housing={"status": "owner", "commune": "75056"})
    assert "housing.rent" not in ids(answers)
    assert "housing.shared" not in ids(answers)


@pytest.mark.parametrize("status", ["owner", "hosted_free", "homeless"])
def test_the_location_is_asked_even_when_no_housing_aid_remains(status: str) -> None:
    # No housing aid for these statuses, but a household without a commune is refused:
    # the postal code, then the commune of a postal code serving several, stay asked.
    answers = household(housing={"status": status})
    asked = {q.id: q for q in next_questions(answers, TODAY, INDEX)}
    assert "housing.postal_code" in asked
    assert "housing.rent" not in asked
    answers["housing"]["postal_code"] = "01000"  # Bourg-en-Bresse, Saint-Denis-lès-Bourg
    commune = next(q for q in next_questions(answers, TODAY, INDEX) if q.id == "housing.commune")
    assert commune.option_labels == ["Bourg-en-Bresse", "Saint-Denis-lès-Bourg"]
    with pytest.raises(ValidationError):
        Household.model_validate(household(housing={"status": status}))
    answers["housing"]["commune"] = "01344"
    Household.model_validate(answers)
    assert not {"housing.postal_code", "housing.commune"} & set(ids(answers))


def test_answered_questions_are_not_asked_again() -> None:
    answers = household()
    answers["persons"][0]["disability_rate"] = 0
    assert "persons.ana.disability_rate" not in ids(answers)
    assert "housing.commune" not in ids(answers)


def test_questions_needed_only_by_ruled_out_aids_are_skipped() -> None:
    answers = household()
    answers["persons"][0]["activity"] = "employed"
    # The ASS precondition is asked of job seekers only.
    assert "persons.ana.unemployment_rights_exhausted" not in ids(answers)
    answers["persons"][0]["activity"] = "unemployed_compensated"
    assert "persons.ana.unemployment_rights_exhausted" in ids(answers)


def test_every_question_says_which_aids_need_it() -> None:
    for question in next_questions({}, TODAY, INDEX):
        assert question.needed_by
    for spec in QUESTIONS:
        assert spec.needed_by or spec.rule_fields, spec.key


def test_ruled_out_aids_reasons() -> None:
    answers = {
        "persons": [
            {
                "id": "a",
                "relationship": "applicant",
                "birth_date": "1990-01-01",
                "disability_rate": 0,
                "activity": "employed",
            }
        ],
        "housing": {"status": "owner", "commune": "75056"},
        "expected_birth": None,
    }
    ruled = ruled_out_aids(answers, TODAY)
    for aid in ("af", "ars", "aah", "aspa", "ass", "apl", "paje_naissance"):
        assert ruled.get(aid)
    assert "rsa" not in ruled


def test_rule_answers_from_household() -> None:
    answers = household()
    answers["circumstances"] = {"widowed": True, "needs_help_for_daily_activities": None}
    known = rule_answers(answers, TODAY)
    assert known["age"] == 39
    assert known["youngest_child_age"] == 10
    assert known["lives_in_couple"] is False
    assert known["activity_status"] == "employed"
    assert known["is_widowed"] is True
    assert "needs_help_for_daily_activities" not in known


def test_domain_modules_import_neither_openfisca_nor_google() -> None:
    # google-cloud-* install namespace .pth files that create ``google.cloud``
    # at start-up: look for real modules under it, not the namespace itself.
    code = (
        "import sys; before=set(sys.modules);"
        "import shared.domain.questionnaire, shared.domain.results;"
        "bad=[m for m in set(sys.modules)-before if m.startswith(('openfisca','google.cloud'))];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_option_the_schema_accepts_is_offered_and_age_limits_apply() -> None:
    from shared.domain.questionnaire import QUESTIONS, CoupleStatus

    couple = next(spec for spec in QUESTIONS if spec.key == "couple_status")
    assert set(couple.options or ()) == {s.value for s in CoupleStatus}
    retired = {
        "persons": [
            {"id": "a", "relationship": "applicant", "birth_date": "1955-01-01"},
            {"id": "b", "relationship": "spouse", "birth_date": "1953-01-01"},
            {"id": "k", "relationship": "child", "birth_date": "2021-01-01"},
        ],
    }
    ids = [q.id for q in next_questions(retired, date(2025, 5, 1))]
    assert "expected_birth" not in ids  # nobody of childbearing age
    assert "persons.k.resources" not in ids  # a 4-year-old has no earnings
    assert "persons.a.resources" in ids
    young = {"persons": [{"id": "a", "relationship": "applicant", "birth_date": "1995-01-01"}]}
    assert "expected_birth" in [q.id for q in next_questions(young, date(2025, 5, 1))]
