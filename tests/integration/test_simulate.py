"""The ``simulate`` function end to end: OpenFisca, Firestore and Auth emulators (R6, R26, R30)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

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
    assert field in [e["field"] for e in response.get_json()["errors"]] or field == "body"
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


@pytest.mark.parametrize(
    "household, field",
    [
        (_with(("persons", 0, "birth_date"), "1990-02-30"), "household.persons.0.birth_date"),
        (_with(("housing", "rent"), -100), "household.housing.rent"),
        (_with(("housing", "commune"), "99999"), "household.housing.commune"),
        (CHILD_OLDER, "household.persons.1.birth_date"),
        (CROWD, "household.persons"),
    ],
    ids=[
        "impossible-date",
        "negative-rent",
        "unknown-commune",
        "child-older-than-parent",
        "500-persons",
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


def test_next_questions_are_adaptive_and_store_nothing(function_client):
    client = function_client("simulate")
    partial = {"persons": [{"id": "camille", "relationship": "applicant"}]}
    first = client.post("/questions", json={"answers": partial}).get_json()["questions"]
    later = client.post("/questions", json={"answers": SINGLE_NO_INCOME}).get_json()["questions"]

    assert first and all(q["needed_by"] for q in first)
    assert len(later) < len(first)
    asked_about_camille = {q["id"] for q in later if q.get("person_id") == "camille"}
    assert not asked_about_camille & {"birth_date", "activity", "relationship"}
    assert emulators.all_document_paths() == []
