"""``POST /simulate``'s body and ``sesame simulate``: supported months only, and a
household that exists in the month simulated (422 / exit 2 naming the field)."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from shared.api.dispatch import field_errors
from shared.cli import EXIT_INVALID, main
from shared.models.simulation import (
    FIRST_SUPPORTED_MONTH,
    SimulateRequest,
    add_months,
    check_supported_month,
    current_month,
    last_supported_month,
)

HOUSEHOLD: dict[str, Any] = {
    "persons": [{"id": "alex", "relationship": "applicant", "birth_date": "1990-03-14"}],
    "housing": {"status": "tenant", "rent": 550, "commune": "75056"},
}


def _with_person(birth_date: str, relationship: str = "child") -> dict[str, Any]:
    household = copy.deepcopy(HOUSEHOLD)
    household["persons"].append(
        {"id": "leo", "relationship": relationship, "birth_date": birth_date}
    )
    return household


def _fields(body: dict[str, Any]) -> list[str]:
    """The ``field`` of each error, as the API's 422 names them."""
    with pytest.raises(ValidationError) as caught:
        SimulateRequest.model_validate(body)
    return [error.field for error in field_errors(caught.value)]


# ------------------------------------------------------------------ months


@pytest.mark.parametrize(
    "month",
    ["1850-05", "2000-05", "2020-01", "2023-12", add_months(current_month(), 13), "2100-01"],
)
def test_unsupported_months_are_refused_on_month(month: str) -> None:
    assert _fields({"household": HOUSEHOLD, "month": month}) == ["month"]


@pytest.mark.parametrize("month", [FIRST_SUPPORTED_MONTH, "2025-05", last_supported_month()])
def test_supported_months_are_accepted(month: str) -> None:
    assert SimulateRequest.model_validate({"household": HOUSEHOLD, "month": month}).month == month


def test_the_range_runs_from_2024_01_to_12_months_ahead() -> None:
    today = date(2026, 11, 26)
    assert FIRST_SUPPORTED_MONTH == "2024-01"
    assert last_supported_month(today) == "2027-11"
    assert check_supported_month("2027-11", today) == "2027-11"
    with pytest.raises(ValueError, match="2024-01 to 2027-11"):
        check_supported_month("2027-12", today)


# ------------------------------------------------------------------ births


@pytest.mark.parametrize(
    "household, field",
    [
        (_with_person("2025-06-01"), "household.persons.1.birth_date"),
        (_with_person("2099-12-31"), "household.persons.1.birth_date"),
        (
            {**HOUSEHOLD, "persons": [{**HOUSEHOLD["persons"][0], "birth_date": "2025-06-01"}]},
            "household.persons.0.birth_date",
        ),
    ],
    ids=["child-born-next-month", "child-born-2099", "applicant-born-next-month"],
)
def test_persons_born_after_the_month_are_refused_on_their_birth_date(
    household: dict[str, Any], field: str
) -> None:
    assert _fields({"household": household, "month": "2025-05"}) == [field]


def test_a_child_born_during_the_month_is_accepted() -> None:
    body = {"household": _with_person("2025-05-31"), "month": "2025-05"}
    assert SimulateRequest.model_validate(body).household.persons[1].birth_date.day == 31


def test_without_a_month_births_are_checked_against_the_current_month() -> None:
    next_month = add_months(current_month(), 1) + "-01"
    assert _fields({"household": _with_person(next_month)}) == ["household.persons.1.birth_date"]
    assert SimulateRequest.model_validate({"household": _with_person(current_month() + "-01")})


@pytest.mark.parametrize(
    "expected_birth, valid",
    [
        ("2025-04-30", False),  # before the month: the child is born, declare it
        ("2025-05-01", True),
        ("2026-02-28", True),  # last day of the 9th month after May 2025
        ("2026-03-01", False),  # more than 9 months ahead: not a pregnancy yet
    ],
)
def test_expected_birth_falls_in_the_month_or_the_9_following(
    expected_birth: str, valid: bool
) -> None:
    body = {"household": {**HOUSEHOLD, "expected_birth": expected_birth}, "month": "2025-05"}
    if valid:
        assert SimulateRequest.model_validate(body).household.expected_birth
    else:
        assert _fields(body) == ["household.expected_birth"]


# ------------------------------------------------------------------ CLI


def _cli(tmp_path: Path, household: dict[str, Any], *extra: str) -> int:
    answers = tmp_path / "household.json"
    answers.write_text(json.dumps(household))
    return main(["simulate", str(answers), *extra])


@pytest.mark.parametrize("month", ["1850-05", "2000-05", add_months(current_month(), 13)])
def test_cli_refuses_unsupported_months(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], month: str
) -> None:
    status = _cli(tmp_path, HOUSEHOLD, "--month", month)
    captured = capsys.readouterr()
    assert status == EXIT_INVALID and captured.out == ""
    assert [e["loc"] for e in json.loads(captured.err)["errors"]] == [["month"]]


def test_cli_refuses_a_person_born_after_the_month(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = _cli(tmp_path, _with_person("2025-06-01"), "--month", "2025-05")
    errors = json.loads(capsys.readouterr().err)["errors"]
    assert status == EXIT_INVALID
    assert [e["loc"] for e in errors] == [["household", "persons", 1, "birth_date"]]


def test_cli_refuses_a_file_that_is_not_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = tmp_path / "household.json"
    answers.write_text("{not json")
    assert main(["simulate", str(answers)]) == EXIT_INVALID
    assert json.loads(capsys.readouterr().err)["errors"][0]["loc"] == ["file"]
