"""Postal codes: people give theirs, the stored value stays the INSEE code."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from shared.domain.postal_codes import communes_for, data_source
from shared.domain.questionnaire import Housing, next_questions
from shared.errors import validation_locations


def test_the_built_in_table_names_its_source_and_serves_every_arrondissement() -> None:
    assert "codes-postaux" in data_source() and "published" in data_source()
    # 69001 is Lyon 1er's postal code and Affoux's INSEE code: the postal code wins.
    assert [c.insee for c in communes_for("69001")] == ["69381"]
    assert [c.insee for c in communes_for("13001")] == ["13201"]
    assert [c.insee for c in communes_for("75001")] == ["75101"]
    assert len(communes_for("51300")) > 40  # one postal code, many villages
    assert communes_for("00000") == ()


def test_a_postal_code_serving_one_commune_gives_its_insee_code() -> None:
    housing = Housing.model_validate({"status": "owner", "postal_code": "69001"})
    assert housing.commune == "69381" and housing.postal_code == "69001"


def test_a_postal_code_serving_several_communes_asks_which_at_the_commune_field() -> None:
    with pytest.raises(ValidationError) as error:
        Housing.model_validate({"status": "owner", "postal_code": "01000"})
    assert ("commune",) in validation_locations(error.value)
    assert "01053 (Bourg-en-Bresse)" in str(error.value)
    chosen = Housing.model_validate({"status": "owner", "postal_code": "01000", "commune": "01344"})
    assert chosen.commune == "01344"


def test_a_commune_the_postal_code_does_not_serve_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        Housing.model_validate({"status": "owner", "postal_code": "01000", "commune": "75056"})
    assert ("commune",) in validation_locations(error.value)
    with pytest.raises(ValidationError) as error:
        Housing.model_validate({"status": "owner", "postal_code": "99999"})
    assert ("postal_code",) in validation_locations(error.value)


def test_the_questionnaire_asks_the_postal_code_then_the_commune_with_its_names() -> None:
    answers = {
        "persons": [{"id": "a", "relationship": "applicant", "birth_date": "1980-01-01"}],
        "housing": {"status": "tenant"},
    }
    ids = [q.id for q in next_questions(answers, date(2025, 5, 1))]
    assert "housing.postal_code" in ids and "housing.commune" not in ids
    answers["housing"] = {"status": "tenant", "postal_code": "01000"}
    commune = next(
        q for q in next_questions(answers, date(2025, 5, 1)) if q.id == "housing.commune"
    )
    assert commune.options == ["01053", "01344"]
    assert commune.option_labels == ["Bourg-en-Bresse", "Saint-Denis-lès-Bourg"]
    answers["housing"] = {"status": "tenant", "postal_code": "69001"}
    ids = [q.id for q in next_questions(answers, date(2025, 5, 1))]
    assert "housing.commune" not in ids and "housing.postal_code" not in ids
