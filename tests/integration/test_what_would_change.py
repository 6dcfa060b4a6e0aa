"""``POST /simulate/what-would-change`` end to end: OpenFisca, Firestore and Auth
emulators (R6). Computed, never stored; bad input is a 422 naming the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from shared.cli import EXIT_INVALID, main
from shared.domain.policy import CURRENT_POLICY
from tests.support import emulators

# Housed free of charge, no income, May 2025: the golden case of
# tests/golden/what_would_change.yaml (RSA 568,94 €, stops above 562 € of pay).
HOSTED: dict[str, Any] = {
    "persons": [
        {
            "id": "alex",
            "relationship": "applicant",
            "birth_date": "1985-03-01",
            "activity": "inactive",
        }
    ],
    "housing": {"status": "hosted_free", "commune": "75056"},
}
BODY = {"household": HOSTED, "month": "2025-05"}


def test_anonymous_answer_has_statements_in_french_and_english_and_stores_nothing(
    function_client,
):
    response = function_client("simulate").post("/what-would-change", json=BODY)

    assert response.status_code == 200, response.data
    body = response.get_json()
    rsa = [t for t in body["thresholds"] if t["aid_id"] == "rsa"]
    assert [(t["change"], t["last_value_before"]) for t in rsa] == [("stops", 562.0)]
    assert rsa[0]["statement"]["fr"].startswith("Au-delà de 562,00")
    assert rsa[0]["statement"]["en"].startswith("Above €562.00")
    assert body["earnings_curves"][0]["points"][0] == {
        "earnings": 0.0,
        "aids_total": 568.94,
        "total": 568.94,
        "kept_per_extra_euro": None,
        "amounts": {"rsa": 568.94},
    }
    assert emulators.all_document_paths() == []


def test_bad_input_is_422_naming_the_field_and_writes_nothing(function_client):
    household = json.loads(json.dumps(HOSTED))
    household["persons"][0]["resources"] = [{"kind": "salary", "monthly_amount": -5}]

    response = function_client("simulate").post(
        "/what-would-change", json={"household": household, "month": "2025-05"}
    )

    assert response.status_code == 422, response.data
    assert response.get_json()["code"] == "validation_failed"
    fields = [e["field"] for e in response.get_json()["errors"]]
    assert "household.persons.0.resources.0.monthly_amount" in fields
    assert emulators.all_document_paths() == []


def test_restriction_refuses_it(function_client):
    person = emulators.create_user()
    signup = function_client("signup").post(
        "/", json={"accept_policy_version": CURRENT_POLICY.version}, headers=person.headers
    )
    assert signup.status_code == 201
    function_client("profile").put(
        "/restriction", json={"restricted": True}, headers=person.headers
    )

    response = function_client("simulate").post(
        "/what-would-change", json=BODY, headers=person.headers
    )

    assert response.status_code == 409
    assert response.get_json()["code"] == "processing_restricted"


def test_cli_prints_what_the_api_answers(function_client, tmp_path: Path, capsys):
    answers = tmp_path / "household.json"
    answers.write_text(json.dumps(HOSTED), encoding="utf-8")

    response = function_client("simulate").post("/what-would-change", json=BODY)
    capsys.readouterr()  # the request's log line
    status = main(["simulate", str(answers), "--month", "2025-05", "--what-would-change"])

    assert response.status_code == 200 and status == 0
    assert json.loads(capsys.readouterr().out) == response.get_json()
    assert main(["simulate", str(answers), "--month", "2000-05", "--what-would-change"]) == (
        EXIT_INVALID
    )
