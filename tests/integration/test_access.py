"""Actor and subject: who may reach whose data, checked server-side, journaled (R14, R16, R18).

Every path where the actor is not the subject is enumerated from the route
table (``delegates``) and the worker job tables, and each must leave an entry
in the append-only journal. Role claims in tokens are only hints: mandates
and current roles are re-read on every request.
"""

from __future__ import annotations

from typing import Any

import pytest

from shared.api.endpoints import ROUTES
from shared.api.jobs import notices_worker, vault_events
from shared.api.worker import Delivery, run_delivery
from shared.domain.access import DELEGATION_CHECKS, ActorKind, Check
from shared.domain.policy import CURRENT_POLICY
from tests.support import emulators
from tests.support.seed import journal_about, seed_mandate, seed_profile

DELEGATED = [
    (route, kind) for route in ROUTES for kind in sorted(route.delegates, key=lambda k: k.value)
]
# The kinds whose server-side grant can exist today (no organisation is stored yet).
GRANTABLE = {ActorKind.AIDANT, ActorKind.STAFF, ActorKind.PRIVACY_OFFICER}


def _call(function_client: Any, route: Any, subject: str, person: Any) -> Any:
    client = function_client(route.function)
    return client.open(
        route.example_path,
        method=route.method,
        query_string={"subject": subject},
        json=route.example_body,
        headers=person.headers,
    )


def read_for(function_client: Any, subject: str, person: Any, path: str = "/") -> Any:
    """``GET /profile{path}?subject=…`` as ``person``."""
    client = function_client("profile")
    return client.get(path, query_string={"subject": subject}, headers=person.headers)


def _actor_with_grant(kind: ActorKind, subject: str, route: Any) -> emulators.EmulatorUser:
    person = emulators.create_user(role=kind.value)
    if DELEGATION_CHECKS[kind] is Check.MANDATE:
        seed_mandate(subject, person.uid, [route.scope.value])
    return person


def test_delegated_paths_can_all_be_called_from_their_examples():
    """The enumeration below calls each delegated route with its example body: keep it true."""
    assert DELEGATED
    assert all(
        route.request_model is None or route.example_body is not None for route, _ in DELEGATED
    )


@pytest.mark.parametrize(
    "route, kind", DELEGATED, ids=[f"{r.operation_id}-{k.value}" for r, k in DELEGATED]
)
def test_every_access_for_someone_else_is_journaled(function_client, route, kind):
    beneficiary = emulators.create_user()
    seed_profile(beneficiary.uid, vault=True)
    actor = _actor_with_grant(kind, beneficiary.uid, route)

    response = _call(function_client, route, beneficiary.uid, actor)

    entries = journal_about(beneficiary.uid)
    if kind not in GRANTABLE:
        assert response.status_code == 403
        assert entries == []
        return
    # Served, or refused by the use case itself for a declared reason (an example
    # document id that this subject does not have): past the access check either way.
    assert response.status_code in (200, 201) or (
        response.status_code < 500
        and response.get_json()["code"] in route.errors
        and response.get_json()["code"] != "forbidden"
    ), response.get_json()
    assert [(e.action, e.actor_role) for e in entries] == [(route.operation_id, kind.value)]
    assert entries[0].reason
    assert beneficiary.uid not in entries[0].model_dump_json()


# A payload per worker job, acting on the subject ``{uid}``: a new job must add one.
JOB_PAYLOADS: dict[str, Any] = {
    "notify_policy_revision": {"uid": "{uid}", "policy_version": CURRENT_POLICY.version},
    "google.cloud.storage.object.v1.finalized": {
        "bucket": "{vault_bucket}",
        "name": "{uid}/never-uploaded.pdf",
    },
}
JOBS = [("notices_worker", job) for job in notices_worker.JOBS] + [
    ("vault_events", job) for job in vault_events.JOBS
]


@pytest.mark.parametrize("function, job", JOBS, ids=[job.name for _, job in JOBS])
def test_every_worker_job_journals_its_access_to_the_subject(function, job):
    subject = emulators.create_user()
    seed_profile(subject.uid, vault=True)
    from shared.config import settings

    payload = {
        key: value.replace("{uid}", subject.uid).replace("{vault_bucket}", settings().vault_bucket)
        for key, value in JOB_PAYLOADS[job.name].items()
    }

    response = run_delivery(
        function, [job], job.name, payload, Delivery("task", f"test:{subject.uid}", "local")
    )

    assert response.status_code == 200
    entries = journal_about(subject.uid)
    assert [(e.action, e.actor_role) for e in entries] == [(job.name, "service_account")]


def test_a_beneficiary_reads_own_data_without_a_journal_entry(function_client):
    person = emulators.create_user()
    seed_profile(person.uid)

    response = read_for(function_client, person.uid, person)

    assert response.status_code == 200
    assert journal_about(person.uid) == []


def test_an_aidant_without_a_mandate_reaches_nobody(function_client):
    beneficiary = emulators.create_user()
    seed_profile(beneficiary.uid)
    aidant = emulators.create_user(role="aidant")

    for path in ("/", "/consents"):
        response = read_for(function_client, beneficiary.uid, aidant, path)
        assert response.status_code == 403
        assert response.get_json()["code"] == "forbidden"
    assert journal_about(beneficiary.uid) == []


@pytest.mark.parametrize(
    "mandate",
    [
        {"scopes": ["profile:read"], "revoked": True},  # revoked: stops at once
        {"scopes": ["consents:read"], "revoked": False},  # another scope only
    ],
    ids=["revoked", "other-scope"],
)
def test_a_mandate_grants_only_while_valid_and_within_its_scopes(function_client, mandate):
    beneficiary = emulators.create_user()
    seed_profile(beneficiary.uid)
    aidant = emulators.create_user(role="aidant")
    seed_mandate(beneficiary.uid, aidant.uid, mandate["scopes"], revoked=mandate["revoked"])

    response = read_for(function_client, beneficiary.uid, aidant)

    assert response.status_code == 403
    assert journal_about(beneficiary.uid) == []


def test_a_mandate_for_someone_else_does_not_open_this_subject(function_client):
    beneficiary, other = emulators.create_user(), emulators.create_user()
    seed_profile(beneficiary.uid)
    aidant = emulators.create_user(role="aidant")
    seed_mandate(other.uid, aidant.uid, ["profile:read"])

    response = read_for(function_client, beneficiary.uid, aidant)

    assert response.status_code == 403


def test_a_revoked_staff_role_stops_working_with_a_token_that_still_claims_it(function_client):
    from firebase_admin import auth

    from shared.adapters.clients import firebase_app

    beneficiary = emulators.create_user()
    seed_profile(beneficiary.uid)
    agent = emulators.create_user(role="staff")
    before = read_for(function_client, beneficiary.uid, agent)
    auth.set_custom_user_claims(agent.uid, {}, app=firebase_app())  # role withdrawn

    after = read_for(function_client, beneficiary.uid, agent)  # old token

    assert before.status_code == 200
    assert after.status_code == 403
    assert len(journal_about(beneficiary.uid)) == 1


def test_a_beneficiary_cannot_name_another_subject(function_client):
    alice, bob = emulators.create_user(), emulators.create_user()
    seed_profile(alice.uid)
    seed_profile(bob.uid)

    response = read_for(function_client, bob.uid, alice)

    assert response.status_code == 403
    assert journal_about(bob.uid) == []


def test_writes_stay_with_the_beneficiary_even_under_a_mandate(function_client):
    beneficiary = emulators.create_user()
    seed_profile(beneficiary.uid)
    aidant = emulators.create_user(role="aidant")
    seed_mandate(beneficiary.uid, aidant.uid, ["profile:read", "profile:write"])

    response = function_client("profile").patch(
        "/",
        json={"given_name": "Mallory"},
        query_string={"subject": beneficiary.uid},
        headers=aidant.headers,
    )

    assert response.status_code == 403


def test_staff_reading_a_profile_does_not_count_as_the_beneficiarys_activity(function_client):
    beneficiary = emulators.create_user()
    stored = seed_profile(beneficiary.uid)
    agent = emulators.create_user(role="staff")

    response = read_for(function_client, beneficiary.uid, agent)

    assert response.status_code == 200
    assert response.get_json()["email"] == stored.email  # not the agent's
    from shared.adapters import document_store
    from shared.domain.data_registry import BENEFICIARY
    from shared.models.account import BeneficiaryProfile

    after = document_store.get(BENEFICIARY.path(uid=beneficiary.uid), BeneficiaryProfile)
    assert after is not None and after.last_active_at == stored.last_active_at


def test_a_token_claiming_to_be_a_service_account_is_refused(function_client):
    beneficiary = emulators.create_user()
    seed_profile(beneficiary.uid)
    impostor = emulators.create_user(role="service_account")

    response = read_for(function_client, beneficiary.uid, impostor)

    assert response.status_code == 401
    assert response.get_json()["code"] == "token_invalid"
    assert journal_about(beneficiary.uid) == []
