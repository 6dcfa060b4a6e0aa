"""Sign-up and profile on the real Firestore and Auth emulators (R1, R9, R10, R13, R25, R26)."""

from __future__ import annotations

from typing import Any

import pytest

from shared.domain.policy import CURRENT_POLICY
from tests.support import emulators

POLICY = CURRENT_POLICY.version


def signup(client: Any, user: emulators.EmulatorUser, **overrides: Any) -> Any:
    body = {"accept_policy_version": POLICY, "language": "fr", "given_name": "Amélie"}
    body.update(overrides)
    return client.post("/", json=body, headers=user.headers)


def test_signup_creates_profile_with_policy_and_consents(function_client, user):
    response = signup(function_client("signup"), user, consents={"vault": True})

    assert response.status_code == 201
    body = response.get_json()
    assert body["uid"] == user.uid
    assert body["email"] == user.email
    assert body["policy"]["accepted_version"] == POLICY
    assert body["policy"]["reacceptance_needed"] is False
    assert body["consents"]["vault"]["granted"] is True
    assert body["consents"]["promotion"]["granted"] is False
    assert body["consents"]["vault"]["policy_version"] == POLICY
    paths = emulators.all_document_paths()
    assert f"beneficiaries/{user.uid}" in paths
    assert f"beneficiaries/{user.uid}/consent_events/signup-vault" in paths
    assert f"beneficiaries/{user.uid}/consent_events/signup-promotion" in paths


def test_signup_is_idempotent_on_retry(function_client, user):
    first = signup(function_client("signup"), user)
    again = signup(function_client("signup"), user, given_name="Autre")

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.get_json()["given_name"] == "Amélie"
    assert len([p for p in emulators.all_document_paths() if "consent_events" in p]) == 2


def test_signup_sets_beneficiary_role_claim(function_client, user):
    signup(function_client("signup"), user)
    from firebase_admin import auth

    from shared.adapters.clients import firebase_app

    assert auth.get_user(user.uid, app=firebase_app()).custom_claims == {"role": "beneficiary"}


def test_signup_refuses_an_old_policy_version(function_client, user):
    response = signup(function_client("signup"), user, accept_policy_version="2020-01")

    assert response.status_code == 409
    assert response.get_json()["code"] == "policy_not_accepted"
    assert response.get_json()["current_policy_version"] == POLICY
    assert emulators.all_document_paths() == []


def test_promotion_consent_needs_a_verified_email(function_client):
    unverified = emulators.create_user(verified=False)
    response = signup(function_client("signup"), unverified, consents={"promotion": True})

    assert response.status_code == 403
    assert response.get_json()["code"] == "email_not_verified"
    assert emulators.all_document_paths() == []


def test_unverified_email_is_recorded_and_follows_the_token(function_client):
    person = emulators.create_user(verified=False)
    assert signup(function_client("signup"), person).get_json()["email_verified"] is False

    from firebase_admin import auth

    from shared.adapters.clients import firebase_app

    auth.update_user(person.uid, email_verified=True, app=firebase_app())
    person.refresh()
    profile = function_client("profile").get("/", headers=person.headers).get_json()
    assert profile["email_verified"] is True


def test_staff_cannot_sign_up_as_beneficiary(function_client):
    agent = emulators.create_user(role="staff")
    response = signup(function_client("signup"), agent)

    assert response.status_code == 403
    assert response.get_json()["code"] == "forbidden"


def test_profile_read_needs_signup_first(function_client, user):
    response = function_client("profile").get("/", headers=user.headers)

    assert response.status_code == 409
    assert response.get_json()["code"] == "not_registered"


def test_each_user_reads_only_their_own_profile(function_client):
    alice, bob = emulators.create_user(), emulators.create_user()
    signup(function_client("signup"), alice, given_name="Alice")
    signup(function_client("signup"), bob, given_name="Bob")

    # A uid in the query string is ignored: the token alone says whose data it is.
    response = function_client("profile").get(f"/?uid={bob.uid}", headers=alice.headers)

    assert response.get_json()["given_name"] == "Alice"
    assert response.get_json()["uid"] == alice.uid


def test_rectification_changes_only_sent_fields_and_null_clears(function_client, user):
    signup(function_client("signup"), user, phone="06 12 34 56 78", family_name="Martin")
    response = function_client("profile").patch(
        "/", json={"given_name": "Amélia", "phone": None}, headers=user.headers
    )

    body = response.get_json()
    assert response.status_code == 200
    assert body["given_name"] == "Amélia"
    assert body["phone"] is None
    assert body["family_name"] == "Martin"


def test_consent_withdrawal_keeps_history(function_client, user):
    signup(function_client("signup"), user, consents={"promotion": True})
    profile = function_client("profile")
    withdrawn = profile.put(
        "/consents/promotion",
        json={"granted": False, "policy_version": POLICY},
        headers=user.headers,
    )
    history = profile.get("/consents", headers=user.headers).get_json()["events"]

    assert withdrawn.get_json()["consents"]["promotion"]["granted"] is False
    events = [(e["granted"], e["source"]) for e in history if e["purpose"] == "promotion"]
    assert events == [(True, "signup"), (False, "self_service")]


def test_the_vault_consent_is_not_withdrawn_without_emptying_the_vault(function_client, user):
    """R9: withdrawing empties the vault, so only the vault's confirmed withdrawal does it."""
    signup(function_client("signup"), user, consents={"vault": True})
    profile = function_client("profile")

    refused = profile.put(
        "/consents/vault", json={"granted": False, "policy_version": POLICY}, headers=user.headers
    )

    assert refused.status_code == 409
    assert refused.get_json()["code"] == "vault_withdrawal_needs_confirmation"
    assert "coffre-fort" in refused.get_json()["detail"]
    assert profile.get("/", headers=user.headers).get_json()["consents"]["vault"]["granted"]


def test_only_consent_based_purposes_take_consent(function_client, user):
    signup(function_client("signup"), user)
    response = function_client("profile").put(
        "/consents/simulation",
        json={"granted": True, "policy_version": POLICY},
        headers=user.headers,
    )

    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "purpose"


def test_objection_and_restriction_are_recorded_with_a_notice(function_client, user):
    signup(function_client("signup"), user)
    profile = function_client("profile")
    objected = profile.put("/objections/alerts", json={"objected": True}, headers=user.headers)
    restricted = profile.put("/restriction", json={"restricted": True}, headers=user.headers)

    assert objected.get_json()["objections"] == ["alerts"]
    assert any("alertes" in notice for notice in objected.get_json()["notices"])
    assert restricted.get_json()["restricted"] is True
    assert len(restricted.get_json()["notices"]) == 2


@pytest.mark.parametrize(
    "patch, field",
    [
        ({"language": "de"}, "language"),
        ({"phone": "12345"}, "phone"),
        ({"given_name": ""}, "given_name"),
        ({"given_name": 42}, "given_name"),
        ({"alerts_by_email": None}, "alerts_by_email"),
        ({"email": "new@example.org"}, "email"),
    ],
)
def test_invalid_rectification_names_the_field_and_changes_nothing(
    function_client, user, patch, field
):
    signup(function_client("signup"), user)
    before = function_client("profile").get("/", headers=user.headers).get_json()
    response = function_client("profile").patch("/", json=patch, headers=user.headers)
    after = function_client("profile").get("/", headers=user.headers).get_json()

    assert response.status_code == 422
    assert response.get_json()["code"] == "validation_failed"
    assert [e["field"] for e in response.get_json()["errors"]] == [field]
    assert before == after
