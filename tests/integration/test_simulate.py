"""The ``simulate`` function end to end: OpenFisca, Firestore and Auth emulators (R6, R26, R30)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from shared.cli import EXIT_INVALID, main
from shared.domain.months import add_months, current_month
from shared.domain.policy import CURRENT_POLICY
from tests.support import emulators

# A single adult without resources renting in Paris in May 2025. The amounts are
# the engine's; the golden tests (tests/golden) check them against official ones.
SINGLE_NO_INCOME: dict[str, Any] = {
    "persons": [
        {
            "id": "camille",
            "relationship": "applicant",
            "birth_date": "1990-03-14",
            "activity": "unemployed_not_compensated",
        }
    ],
    "housing": {"status": "tenant", "rent": 550, "commune": "75056"},
}
MONTH = "2025-05"


def simulate(
    client: Any,
    household: dict[str, Any],
    headers: dict[str, str] | None = None,
    month: str | None = MONTH,
) -> Any:
    body: dict[str, Any] = {"household": household}
    if month:
        body["month"] = month
    return client.post("/", json=body, headers=headers or {})


@pytest.fixture
def beneficiary(function_client) -> emulators.EmulatorUser:
    person = emulators.create_user()
    response = function_client("signup").post(
        "/", json={"accept_policy_version": CURRENT_POLICY.version}, headers=person.headers
    )
    assert response.status_code == 201
    return person


def eligible(response: Any) -> dict[str, float]:
    return {
        r["aid_id"]: r["monthly_amount"]
        for r in response.get_json()["report"]["results"]
        if r["status"] == "eligible"
    }


def test_anonymous_simulation_returns_results_and_stores_nothing(function_client):
    response = simulate(function_client("simulate"), SINGLE_NO_INCOME)

    assert response.status_code == 200, response.data
    body = response.get_json()
    assert body["stored"] is False and body["simulation_id"] is None
    assert body["report"]["month"] == MONTH
    assert "rsa" in eligible(response)
    assert body["report"]["monthly_total"] == pytest.approx(
        sum(v or 0.0 for v in eligible(response).values()), abs=0.02
    )
    assert emulators.all_document_paths() == []


def test_signed_in_simulation_is_stored_with_versions_and_history(function_client, beneficiary):
    client = function_client("simulate")
    first = simulate(client, SINGLE_NO_INCOME, beneficiary.headers)

    body = first.get_json()
    assert body["stored"] is True and body["changes"] == []
    stored_path = f"beneficiaries/{beneficiary.uid}/simulations/{body['simulation_id']}"
    assert stored_path in emulators.all_document_paths()
    history = client.get("/history", headers=beneficiary.headers).get_json()["simulations"]
    assert [h["simulation_id"] for h in history] == [body["simulation_id"]]
    assert history[0]["engine_version"] == body["report"]["engine_version"]
    assert history[0]["catalogue_version"] == body["report"]["catalogue_version"]


def test_changes_since_previous_simulation_are_reported(function_client, beneficiary):
    client = function_client("simulate")
    simulate(client, SINGLE_NO_INCOME, beneficiary.headers)
    earning = copy.deepcopy(SINGLE_NO_INCOME)
    earning["persons"][0]["activity"] = "employed"
    earning["persons"][0]["resources"] = [{"kind": "salary", "monthly_amount": 1400}]

    second = simulate(client, earning, beneficiary.headers).get_json()

    kinds = {(c["kind"], c["aid_id"]) for c in second["changes"]}
    assert ("aid_lost", "rsa") in kinds
    assert ("new_aid", "prime_activite") in kinds
    history = client.get("/history", headers=beneficiary.headers).get_json()["simulations"]
    assert len(history) == 2 and history[0]["changes"] == second["changes"]


def test_outcomes_are_kept_across_simulations_and_totalled(function_client, beneficiary):
    client = function_client("simulate")
    simulate(client, SINGLE_NO_INCOME, beneficiary.headers)
    granted = client.put(
        "/outcomes/rsa",
        json={"status": "granted", "monthly_amount_received": 646.52, "received_since": "2025-05"},
        headers=beneficiary.headers,
    )
    client.put("/outcomes/apl", json={"status": "applied"}, headers=beneficiary.headers)
    later = simulate(client, SINGLE_NO_INCOME, beneficiary.headers).get_json()

    assert granted.status_code == 200
    assert granted.get_json()["monthly_total_received"] == 646.52
    assert granted.get_json()["total_received_to_date"] >= 646.52
    assert {o["aid_id"]: o["status"] for o in later["outcomes"]} == {
        "apl": "applied",
        "rsa": "granted",
    }


@pytest.mark.parametrize(
    "body, field",
    [
        ({"status": "granted"}, "body"),
        ({"status": "refused", "monthly_amount_received": 10, "received_since": "2025-01"}, "body"),
        (
            {"status": "granted", "monthly_amount_received": -5, "received_since": "2025-01"},
            "monthly_amount_received",
        ),
        ({"status": "won"}, "status"),
    ],
)
def test_invalid_outcomes_are_422_and_not_written(function_client, beneficiary, body, field):
    before = emulators.all_document_paths()
    response = function_client("simulate").put(
        "/outcomes/rsa", json=body, headers=beneficiary.headers
    )

    assert response.status_code == 422
    assert field in [e["field"] for e in response.get_json()["errors"]]
    assert emulators.all_document_paths() == before


def test_outcome_for_an_unknown_aid_is_422(function_client, beneficiary):
    response = function_client("simulate").put(
        "/outcomes/free_money", json={"status": "applied"}, headers=beneficiary.headers
    )
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "aid_id"


def test_objection_computes_without_storing_and_says_so(function_client, beneficiary):
    function_client("profile").put(
        "/objections/simulation", json={"objected": True}, headers=beneficiary.headers
    )
    response = simulate(function_client("simulate"), SINGLE_NO_INCOME, beneficiary.headers)

    body = response.get_json()
    assert response.status_code == 200
    assert body["stored"] is False and body["notices"]
    assert not [p for p in emulators.all_document_paths() if "/simulations/" in p]


def test_restriction_refuses_the_simulation(function_client, beneficiary):
    function_client("profile").put(
        "/restriction", json={"restricted": True}, headers=beneficiary.headers
    )
    response = simulate(function_client("simulate"), SINGLE_NO_INCOME, beneficiary.headers)

    assert response.status_code == 409
    assert response.get_json()["code"] == "processing_restricted"


def _with(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    household = copy.deepcopy(SINGLE_NO_INCOME)
    target: Any = household
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return household


CHILD_OLDER = copy.deepcopy(SINGLE_NO_INCOME)
CHILD_OLDER["persons"].append({"id": "leo", "relationship": "child", "birth_date": "1980-01-01"})
CROWD = copy.deepcopy(SINGLE_NO_INCOME)
CROWD["persons"] += [
    {"id": f"p{i}", "relationship": "other", "birth_date": "1990-01-01"} for i in range(499)
]
# MONTH is 2025-05: nobody may be born after it, and a birth is expected from
# May 2025 to February 2026 (the month simulated and the 9 following).
CHILD_BORN_AFTER = copy.deepcopy(SINGLE_NO_INCOME)
CHILD_BORN_AFTER["persons"].append(
    {"id": "leo", "relationship": "child", "birth_date": "2025-06-01"}
)
CHILD_BORN_2099 = copy.deepcopy(SINGLE_NO_INCOME)
CHILD_BORN_2099["persons"].append(
    {"id": "leo", "relationship": "child", "birth_date": "2099-01-01"}
)


@pytest.mark.parametrize(
    "household, field",
    [
        (_with(("persons", 0, "birth_date"), "1990-02-30"), "household.persons.0.birth_date"),
        (_with(("housing", "rent"), -100), "household.housing.rent"),
        (_with(("housing", "commune"), "99999"), "household.housing.commune"),
        (CHILD_OLDER, "household.persons.1.birth_date"),
        (CROWD, "household.persons"),
        (CHILD_BORN_AFTER, "household.persons.1.birth_date"),
        (CHILD_BORN_2099, "household.persons.1.birth_date"),
        (_with(("persons", 0, "birth_date"), "2025-06-01"), "household.persons.0.birth_date"),
        (_with(("expected_birth",), "2025-04-30"), "household.expected_birth"),
        (_with(("expected_birth",), "2026-03-01"), "household.expected_birth"),
    ],
    ids=[
        "impossible-date",
        "negative-rent",
        "unknown-commune",
        "child-older-than-parent",
        "500-persons",
        "child-born-after-the-month",
        "child-born-2099",
        "applicant-born-after-the-month",
        "expected-birth-before-the-month",
        "expected-birth-more-than-9-months-ahead",
    ],
)
def test_invalid_answers_are_422_naming_the_field(function_client, household, field):
    response = simulate(function_client("simulate"), household)

    assert response.status_code == 422, response.data
    assert response.get_json()["code"] == "validation_failed"
    assert field in [e["field"] for e in response.get_json()["errors"]]


def test_month_must_be_year_month(function_client):
    response = simulate(function_client("simulate"), SINGLE_NO_INCOME, month="2025-13")
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "month"


@pytest.mark.parametrize(
    "month",
    ["1850-05", "2000-05", "2023-12", add_months(current_month(), 13)],
    ids=["1850", "2000", "just-before-2024", "13-months-ahead"],
)
def test_unsupported_months_are_422_naming_month(function_client, month):
    """Months OpenFisca-France has no parameters for (or the differential test does
    not prove) are refused before computing: a 422, not a 500."""
    response = simulate(function_client("simulate"), SINGLE_NO_INCOME, month=month)

    assert response.status_code == 422, response.data
    assert response.get_json()["code"] == "validation_failed"
    assert [e["field"] for e in response.get_json()["errors"]] == ["month"]


def test_without_a_month_a_person_born_next_month_is_422(function_client):
    """The month defaults to the current one, and so does the birth-date bound."""
    born = add_months(current_month(), 1) + "-01"
    household = _with(("persons", 0, "birth_date"), born)

    response = simulate(function_client("simulate"), household, month=None)

    assert response.status_code == 422, response.data
    assert [e["field"] for e in response.get_json()["errors"]] == ["household.persons.0.birth_date"]


def test_cli_prints_the_api_anonymous_response(function_client, tmp_path: Path, capsys):
    """``sesame simulate FILE --month M`` prints what an anonymous POST answers."""
    household = copy.deepcopy(SINGLE_NO_INCOME)
    household["persons"].append({"id": "leo", "relationship": "child", "birth_date": "2024-06-15"})
    answers = tmp_path / "household.json"
    answers.write_text(json.dumps(household), encoding="utf-8")

    response = simulate(function_client("simulate"), household)
    capsys.readouterr()  # the request's log line
    status = main(["simulate", str(answers), "--month", MONTH])

    assert response.status_code == 200, response.data
    assert status == 0
    assert json.loads(capsys.readouterr().out) == response.get_json()
    assert emulators.all_document_paths() == []


def test_cli_refuses_what_the_api_refuses(tmp_path: Path, capsys):
    answers = tmp_path / "household.json"
    answers.write_text(json.dumps(SINGLE_NO_INCOME), encoding="utf-8")

    assert main(["simulate", str(answers), "--month", "2000-05"]) == EXIT_INVALID
    assert [e["loc"] for e in json.loads(capsys.readouterr().err)["errors"]] == [["month"]]


def test_next_questions_are_adaptive_and_store_nothing(function_client):
    client = function_client("simulate")
    partial = {"persons": [{"id": "camille", "relationship": "applicant"}]}
    first = client.post("/questions", json={"answers": partial}).get_json()["questions"]
    later = client.post("/questions", json={"answers": SINGLE_NO_INCOME}).get_json()["questions"]

    assert first and all(q["needed_by"] for q in first)
    assert len(later) < len(first)
    # Question ids are full paths ("persons.camille.birth_date"): compare them so.
    answered = {f"persons.camille.{key}" for key in SINGLE_NO_INCOME["persons"][0]}
    assert "persons.camille.birth_date" in {q["id"] for q in first}
    assert not {q["id"] for q in later} & answered
    assert emulators.all_document_paths() == []
