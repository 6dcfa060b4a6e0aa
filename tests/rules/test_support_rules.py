"""Support conversations and demo requests are server-only, for every client (R4, R8).

An agent reaches a thread only through the API, where the thread is checked
against the agent's queue now and the read is journaled (R14); a readable
document would bypass both. The beneficiary reads their threads through the
API too, and a prospect's request is read by staff only, through the API.
Over REST with real Auth-emulator tokens, whatever role the token claims.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from firebase_admin import auth

from shared.adapters import document_store
from shared.adapters.clients import firebase_app
from shared.domain.data_registry import (
    DEMO_REQUEST_LIMITS,
    DEMO_REQUESTS,
    SUPPORT_MESSAGES,
    SUPPORT_THREADS,
)
from shared.domain.support import Author, SupportQueue
from shared.models.support import DemoRequest, DemoRequestLimit, SupportMessage, SupportThread
from tests.rules.test_firestore_rules import patch
from tests.support import emulators

NOW = datetime(2026, 11, 2, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clean() -> None:
    emulators.reset_firestore()
    emulators.reset_auth()


def _seed(beneficiary: str, agent: str) -> list[str]:
    """A thread of ``beneficiary`` assigned to ``agent`` in its queue, a message, a demo request."""
    thread = SupportThread(
        beneficiary_uid=beneficiary,
        queue=SupportQueue.AIDS,
        subject="Ma prime d'activité",
        opened_at=NOW,
        last_message_at=NOW,
        message_count=1,
        assignee_uid=agent,
    )
    message = SupportMessage(
        beneficiary_uid=beneficiary,
        thread_id="t1",
        author=Author.BENEFICIARY,
        body="Bonjour",
        sent_at=NOW,
    )
    demo = DemoRequest(
        company="Mutuelle Exemple",
        employees=250,
        given_name="Claire",
        family_name="Martin",
        job_title="Responsable RH",
        email="claire.martin@mutuelle.example",
        received_at=NOW,
        last_contact_at=NOW,
    )
    limit = DemoRequestLimit(count=1, created_at=NOW)
    documents = [
        (SUPPORT_THREADS.path(thread_id="t1"), thread),
        (SUPPORT_MESSAGES.path(message_id="m1"), message),
        (DEMO_REQUESTS.path(request_id="d1"), demo),
        (DEMO_REQUEST_LIMITS.path(window_id="w1"), limit),
    ]
    for path, document in documents:
        document_store.run_in_transaction(lambda w, p=path, d=document: w.set(p, d))
    return [path for path, _ in documents]


def _agent_of(queue: str) -> emulators.EmulatorUser:
    agent = emulators.create_user()
    claims = {"role": "support_agent", "support_queue": queue}
    auth.set_custom_user_claims(agent.uid, claims, app=firebase_app())
    return agent.refresh()


def test_agents_even_of_the_queue_and_assigned_read_nothing_directly():
    beneficiary = emulators.create_user()
    assigned, same_queue, other_queue = _agent_of("aids"), _agent_of("aids"), _agent_of("account")
    paths = _seed(beneficiary.uid, assigned.uid)

    for agent in (assigned, same_queue, other_queue):
        for path in paths:
            token = agent.id_token
            assert emulators.firestore_rest("GET", path, token).status_code == 403, path
            assert patch(path, token, {"body": "changé"}).status_code == 403, path
            assert emulators.firestore_rest("DELETE", path, token).status_code == 403, path


@pytest.mark.parametrize("role", [None, "staff", "aidant", "client_admin", "privacy_officer"])
def test_every_other_client_is_denied_too(role):
    beneficiary = emulators.create_user()
    paths = _seed(beneficiary.uid, "agent-uid")
    caller = beneficiary if role is None else emulators.create_user(role=role)
    for path in paths:
        assert emulators.firestore_rest("GET", path, caller.id_token).status_code == 403, path
        assert patch(path, caller.id_token, {"body": "changé"}).status_code == 403, path
        assert emulators.firestore_rest("GET", path, None).status_code == 403, path
    # A client cannot file a thread behind the API's checks either.
    fresh = {"beneficiary_uid": {"stringValue": beneficiary.uid}}
    created = emulators.firestore_rest(
        "PATCH", SUPPORT_THREADS.path(thread_id="forged"), beneficiary.id_token, {"fields": fresh}
    )
    assert created.status_code == 403
