"""The contract clients rely on: concurrency, revocation, strict inputs, caps.

Each test replays a way the API once broke trust (a 500, a consent history
contradicting the profile, a disabled account keeping access, a loose
boolean) on the real emulators, through the deployed entry points.
"""

from __future__ import annotations

import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from shared.domain.policy import CURRENT_POLICY
from tests.support import emulators

SINGLE = {
    "persons": [{"id": "p1", "relationship": "applicant", "birth_date": "1990-01-01"}],
    "housing": {"status": "tenant", "rent": 500, "commune": "75056"},
}


@pytest.fixture
def registered(function_client: Any) -> emulators.EmulatorUser:
    person = emulators.create_user()
    response = function_client("signup").post(
        "/", json={"accept_policy_version": CURRENT_POLICY.version}, headers=person.headers
    )
    assert response.status_code == 201, response.data
    return person


def _profile_and_last_event(function_client: Any, person: emulators.EmulatorUser) -> Any:
    profile = function_client("profile").get("/", headers=person.headers).get_json()
    events = function_client("profile").get("/consents", headers=person.headers).get_json()
    # Promotion: a consent both ways through this endpoint (withdrawing the vault consent
    # needs the vault's confirmed withdrawal, which also empties it).
    history = [e for e in events["events"] if e["purpose"] == "promotion"]
    return profile["consents"]["promotion"]["granted"], history[-1]["granted"], history


def _consent(function_client: Any, person: emulators.EmulatorUser, granted: bool) -> Any:
    return function_client("profile").put(
        "/consents/promotion",
        json={"granted": granted, "policy_version": CURRENT_POLICY.version},
        headers=person.headers,
    )


# ---------------------------------------------------------------- concurrency


def test_concurrent_grant_and_withdraw_leave_profile_and_history_agreeing(
    function_client: Any, registered: emulators.EmulatorUser
) -> None:
    for _ in range(6):
        with ThreadPoolExecutor(2) as pool:
            statuses = [
                r.status_code
                for r in pool.map(
                    lambda granted: _consent(function_client, registered, granted), [True, False]
                )
            ]
        assert set(statuses) <= {200, 503}, statuses
        state, last_event, _ = _profile_and_last_event(function_client, registered)
        assert state == last_event


def test_fifty_concurrent_writes_for_one_person_end_consistent_never_500(
    function_client: Any, registered: emulators.EmulatorUser
) -> None:
    # A bounded load test on loopback: 50 writes, 10 at a time, for one person.
    with ThreadPoolExecutor(10) as pool:
        responses = list(
            pool.map(lambda index: _consent(function_client, registered, index % 2 == 0), range(50))
        )
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {200, 503}, statuses
    for response in responses:
        if response.status_code == 503:
            assert response.headers["Retry-After"].isdigit()
            assert response.get_json()["code"] == "contention"
    state, last_event, history = _profile_and_last_event(function_client, registered)
    assert state == last_event
    # One event per successful write (plus the sign-up's), none per failed one.
    assert len(history) == statuses.count(200) + 1
    times = [event["at"] for event in history]
    assert times == sorted(times)
    # How many of the burst win depends on the database's lock scheduling (production
    # runs Firestore in optimistic mode, infra/firestore.tf; the emulator locks on
    # reads and may time every contender out together). What a client relies on is
    # the 503's promise: each refused write, retried after Retry-After, succeeds.
    refused = [index for index, status in enumerate(statuses) if status == 503]
    if refused:
        time.sleep(int(responses[refused[0]].headers["Retry-After"]))
    for index in refused:
        assert _consent(function_client, registered, index % 2 == 0).status_code == 200
    state, last_event, history = _profile_and_last_event(function_client, registered)
    assert state == last_event
    if refused:
        assert state == (refused[-1] % 2 == 0)
    assert len(history) == 50 + 1


# ---------------------------------------------------------------- revocation


def _profile_status(function_client: Any, person: emulators.EmulatorUser) -> int:
    response = function_client("profile").get("/", headers=person.headers)
    return int(response.status_code)


@pytest.mark.parametrize("change", ["disable", "delete", "revoke"])
def test_disabled_deleted_or_revoked_account_is_refused_at_the_next_request(
    function_client: Any, registered: emulators.EmulatorUser, change: str
) -> None:
    from firebase_admin import auth

    from shared.adapters.clients import firebase_app

    assert _profile_status(function_client, registered) == 200
    if change == "disable":
        auth.update_user(registered.uid, disabled=True, app=firebase_app())
    elif change == "delete":
        auth.delete_user(registered.uid, app=firebase_app())
    else:
        time.sleep(1.1)  # revocation is stored in whole seconds, after the token's issue time
        auth.revoke_refresh_tokens(registered.uid, app=firebase_app())
    response = function_client("profile").get("/", headers=registered.headers)
    assert response.status_code == 401
    assert response.get_json()["code"] == "token_invalid"


def test_removed_role_stops_at_the_next_request(function_client: Any) -> None:
    from firebase_admin import auth

    from shared.adapters.clients import firebase_app

    staff = emulators.create_user(role="staff")
    beneficiary = emulators.create_user()
    function_client("signup").post(
        "/", json={"accept_policy_version": CURRENT_POLICY.version}, headers=beneficiary.headers
    )
    path = f"/?subject={beneficiary.uid}"
    assert function_client("profile").get(path, headers=staff.headers).status_code == 200
    auth.set_custom_user_claims(staff.uid, {}, app=firebase_app())
    # Same token, still claiming "staff".
    response = function_client("profile").get(path, headers=staff.headers)
    assert response.status_code == 403


def test_signup_of_a_deleted_identity_is_a_4xx_and_writes_nothing(function_client: Any) -> None:
    from firebase_admin import auth

    from shared.adapters.clients import firebase_app

    person = emulators.create_user()
    auth.delete_user(person.uid, app=firebase_app())
    for _ in range(2):  # and so does its retry
        response = function_client("signup").post(
            "/", json={"accept_policy_version": CURRENT_POLICY.version}, headers=person.headers
        )
        assert response.status_code == 401, response.data
        assert response.get_json()["code"] == "token_invalid"
    assert emulators.all_document_paths() == []


# ---------------------------------------------------------------- strict inputs


def _post_raw(function_client: Any, function: str, path: str, raw: str, headers: Any = None) -> Any:
    return function_client(function).post(
        path, data=raw, content_type="application/json", headers=headers or {}
    )


@pytest.mark.parametrize(
    "raw",
    [
        "[" * 1000 + "]" * 1000,
        '{"answers": ' + '{"a": ' * 500 + "1" + "}" * 501,
        '{"answers": {"assets": {"savings": ' + "9" * 4400 + "}}}",
        '{"household": {"persons": [], "housing": {"rent": 1' + "0" * 30 + "}}}",
    ],
    ids=["1000-deep-array", "500-deep-object", "4400-digit-integer", "31-digit-number"],
)
def test_deep_or_huge_number_bodies_are_refused_before_parsing(
    function_client: Any, raw: str
) -> None:
    for path in ("/", "/questions"):
        response = _post_raw(function_client, "simulate", path, raw)
        assert response.status_code == 400, response.data
        assert response.get_json()["code"] == "json_too_complex"


def test_brackets_and_digits_inside_strings_do_not_count(function_client: Any) -> None:
    raw = json.dumps({"answers": {"persons": [{"id": "[[[[" * 10 + "9" * 40}]}})
    response = _post_raw(function_client, "simulate", "/questions", raw)
    assert response.status_code == 422  # the id is too long for a person id, not a depth issue
    assert response.get_json()["code"] == "validation_failed"


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        (
            {"persons": [{"id": "p1", "relationship": "applicant", "activity": ["employed"]}]},
            "answers.persons.0.activity",
        ),
        (
            {"persons": [{"id": "p1", "relationship": "applicant", "disability_rate": None}]},
            "answers.persons.0.disability_rate",
        ),
        ({"housing": {"shared": "yes"}}, "answers.housing.shared"),
        ({"housing": "tenant"}, "answers.housing"),
        ({"persons": [{"id": "p1", "birth_date": 19900101}]}, "answers.persons.0.birth_date"),
        ({"circumstances": {"widowed": 1}}, "answers.circumstances.widowed"),
    ],
)
def test_questions_refuse_answers_of_the_wrong_type(
    function_client: Any, answers: dict[str, Any], field: str
) -> None:
    response = function_client("simulate").post("/questions", json={"answers": answers})
    assert response.status_code == 422, response.data
    body = response.get_json()
    assert body["code"] == "validation_failed"
    assert [error["field"] for error in body["errors"]] == [field]
    assert body["errors"][0]["message"]


def test_partial_answers_of_the_right_type_still_get_questions(function_client: Any) -> None:
    answers = {
        "persons": [{"id": "p1", "relationship": "applicant", "disability_rate": 50}],
        "housing": {"status": "tenant"},
        "circumstances": {"widowed": None},
    }
    response = function_client("simulate").post("/questions", json={"answers": answers})
    assert response.status_code == 200, response.data
    assert response.get_json()["questions"]


def test_lone_surrogate_in_a_person_id_is_a_422(function_client: Any) -> None:
    raw = '{"answers": {"persons": [{"id": "p\\ud800", "relationship": "applicant"}]}}'
    response = _post_raw(function_client, "simulate", "/questions", raw)
    assert response.status_code == 422, response.data
    error = response.get_json()["errors"][0]
    assert error["field"] == "answers.persons.0.id"
    assert error["code"] == "invalid_unicode"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/consents/vault", {"granted": "yes"}),
        ("/consents/vault", {"granted": 1}),
        ("/consents/promotion", {"granted": "true"}),
        ("/restriction", {"restricted": 0.0}),
        ("/objections/alerts", {"objected": "false"}),
    ],
)
def test_a_consent_or_choice_must_be_a_json_boolean(
    function_client: Any, registered: emulators.EmulatorUser, path: str, body: dict[str, Any]
) -> None:
    if "granted" in body:
        body = {**body, "policy_version": CURRENT_POLICY.version}
    before = function_client("profile").get("/", headers=registered.headers).get_json()
    response = function_client("profile").put(path, json=body, headers=registered.headers)
    assert response.status_code == 422, response.data
    assert response.get_json()["code"] == "validation_failed"
    after = function_client("profile").get("/", headers=registered.headers).get_json()
    assert after["consents"] == before["consents"]
    assert after["restricted"] == before["restricted"]


# ---------------------------------------------------------------- legal basis and caps


@pytest.mark.parametrize(
    ("path", "body", "code"),
    [
        ("/restriction", {"restricted": True}, "processing_restricted"),
        ("/objections/simulation", {"objected": True}, "purpose_objected"),
    ],
)
def test_recording_an_outcome_respects_restriction_and_objection(
    function_client: Any,
    registered: emulators.EmulatorUser,
    path: str,
    body: dict[str, Any],
    code: str,
) -> None:
    assert (
        function_client("profile").put(path, json=body, headers=registered.headers).status_code
        == 200
    )
    response = function_client("simulate").put(
        "/outcomes/rsa", json={"status": "applied"}, headers=registered.headers
    )
    assert response.status_code == 409, response.data
    assert response.get_json()["code"] == code
    assert not [p for p in emulators.all_document_paths() if "/aid_outcomes/" in p]


def test_outcome_history_is_capped_keeping_the_newest(
    function_client: Any, registered: emulators.EmulatorUser
) -> None:
    from shared.adapters.clients import firestore_client
    from shared.services.simulations import MAX_OUTCOME_HISTORY

    statuses = ["applied", "refused"] * (MAX_OUTCOME_HISTORY // 2 + 3)
    for status in statuses:
        response = function_client("simulate").put(
            "/outcomes/rsa", json={"status": status}, headers=registered.headers
        )
        assert response.status_code == 200
    stored = (
        firestore_client()
        .document(f"beneficiaries/{registered.uid}/aid_outcomes/rsa")
        .get()
        .to_dict()
    )
    history = stored["history"]
    assert len(history) == MAX_OUTCOME_HISTORY
    assert [event["status"] for event in history] == statuses[-MAX_OUTCOME_HISTORY:]


def test_stored_simulations_are_capped_oldest_pruned(
    function_client: Any, registered: emulators.EmulatorUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shared.services import simulations

    # The cap is data: a small one keeps the test short; the rule is the same.
    monkeypatch.setattr(simulations, "MAX_STORED_SIMULATIONS", 3)
    ids = []
    for _ in range(5):
        response = function_client("simulate").post(
            "/", json={"household": SINGLE, "month": "2025-05"}, headers=registered.headers
        )
        assert response.status_code == 200, response.data
        ids.append(response.get_json()["simulation_id"])
    listed = function_client("simulate").get("/history", headers=registered.headers).get_json()
    assert [s["simulation_id"] for s in listed["simulations"]] == ids[::-1][:3]


# ---------------------------------------------------------------- HTTP contract


def test_405_names_the_allowed_methods(function_client: Any) -> None:
    response = function_client("profile").delete("/consents")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET"


# ---------------------------------------------------------------- reference reads


def test_catalogue_lists_aids_documents_and_forms_with_labels(function_client: Any) -> None:
    from shared.domain.aids.catalogue import load_catalogue

    response = function_client("simulate").get("/catalogue")
    assert response.status_code == 200, response.data
    body = response.get_json()
    catalogue = load_catalogue()
    assert body["version"] == catalogue.version
    assert [aid["id"] for aid in body["aids"]] == [aid.id for aid in catalogue.aids]
    rsa = next(aid for aid in body["aids"] if aid["id"] == "rsa")
    assert rsa["label"]["fr"] and rsa["label"]["en"]
    documents = {doc["id"] for doc in body["documents"]}
    assert all(set(aid["documents"]) <= documents for aid in body["aids"])
    assert body["forms"] and all(len(form["cerfa_number"]) == 5 for form in body["forms"])


def test_a_stored_report_is_fetched_by_id_by_its_owner_only(
    function_client: Any, registered: emulators.EmulatorUser
) -> None:
    simulated = function_client("simulate").post(
        "/", json={"household": SINGLE, "month": "2025-05"}, headers=registered.headers
    )
    assert simulated.status_code == 200, simulated.data
    simulation_id = simulated.get_json()["simulation_id"]
    fetched = function_client("simulate").get(
        f"/history/{simulation_id}", headers=registered.headers
    )
    assert fetched.status_code == 200, fetched.data
    report = fetched.get_json()["report"]
    original = simulated.get_json()["report"]
    assert report["results"] == original["results"]
    assert report["monthly_total"] == original["monthly_total"]

    other = emulators.create_user()
    function_client("signup").post(
        "/", json={"accept_policy_version": CURRENT_POLICY.version}, headers=other.headers
    )
    elsewhere = function_client("simulate").get(f"/history/{simulation_id}", headers=other.headers)
    assert elsewhere.status_code == 404
    assert elsewhere.get_json()["code"] == "not_found"


def test_the_cli_takes_the_body_the_api_takes(tmp_path: Any, capsys: Any) -> None:
    from shared.cli import main

    body = tmp_path / "body.json"
    body.write_text(json.dumps({"household": SINGLE, "month": "2025-05"}))
    assert main(["simulate", str(body)]) == 0
    assert json.loads(capsys.readouterr().out)["report"]["month"] == "2025-05"
    loose = tmp_path / "loose.json"
    loose.write_text(
        json.dumps({"household": {**SINGLE, "housing": {**SINGLE["housing"], "shared": "yes"}}})
    )
    assert main(["simulate", str(loose)]) != 0


def test_docs_render_the_full_reference_from_files_of_this_checkout() -> None:
    from werkzeug.test import Client

    from devstack.gateway import DOCS_ASSETS, RENDERER_FILES, build_app

    client = Client(build_app("http://127.0.0.1:8080"))
    page = client.get("/docs").get_data(as_text=True)
    assert "SwaggerUIBundle" in page and "url:'/openapi.json'" in page
    sources = re.findall(r"(?:src|href)='([^']+)'", page)
    assert sources and all(s.startswith("/") for s in sources), sources  # no CDN
    for name in RENDERER_FILES:
        asset = client.get(DOCS_ASSETS + name)
        assert asset.status_code == 200 and len(asset.get_data()) > 10_000
    assert client.get(DOCS_ASSETS + "../package.json").status_code == 404
