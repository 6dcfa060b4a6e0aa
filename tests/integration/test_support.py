"""Support messaging (R8) and demo requests (R4) on the real emulators.

A beneficiary writes to support in a topic queue; an agent attached to that
queue by staff reads and answers, each read landing in the beneficiary's
journal (R14). An agent of another queue is refused by the API and by the
access object, and nobody reaches the documents through the rules
(tests/rules/test_support_rules.py). Prospects ask for a demo anonymously,
within per-address limits, and only staff read the requests.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from firebase_admin import auth

from shared.adapters import document_store
from shared.adapters.clients import firebase_app
from shared.api.routes.support import EXAMPLE_DEMO
from shared.domain.access import Actor, ActorKind, Scope
from shared.domain.data_registry import (
    BENEFICIARY,
    DEMO_REQUESTS,
    SUPPORT_MESSAGES,
    SUPPORT_THREADS,
    personal_data_of,
)
from shared.domain.support import DEMO_REQUESTS_PER_WINDOW, MAX_MESSAGE_CHARS
from shared.errors import ApiError
from shared.models.account import BeneficiaryProfile
from shared.models.support import DemoRequest, SupportMessage, SupportThread
from shared.services.access import open_access
from shared.services.audit import pseudonym
from tests.integration.test_privacy_retention import sweep_at
from tests.support import emulators
from tests.support.seed import journal_about, seed_profile

QUESTION = {
    "queue": "documents",
    "subject": "Avis d'imposition refusé",
    "message": "Bonjour, mon avis d'imposition n'est pas accepté dans le coffre-fort.",
}
# The example body the API documents: a prospect's demo request.
DEMO = EXAMPLE_DEMO


@pytest.fixture
def support(function_client: Any) -> Any:
    return function_client("support")


@pytest.fixture
def staff() -> emulators.EmulatorUser:
    return emulators.create_user(role="staff")


def _beneficiary() -> emulators.EmulatorUser:
    person = emulators.create_user()
    seed_profile(person.uid, email=person.email)
    return person


def _agent(support: Any, staff: emulators.EmulatorUser, queue: str) -> emulators.EmulatorUser:
    """An account staff attach to ``queue``, signed in again so its token carries the role."""
    agent = emulators.create_user()
    attached = support.put(f"/agents/{agent.uid}", json={"queue": queue}, headers=staff.headers)
    assert attached.status_code == 200, attached.get_json()
    assert attached.get_json() == {"uid": agent.uid, "queue": queue}
    return agent.refresh()


def _open(support: Any, person: emulators.EmulatorUser, **change: str) -> str:
    opened = support.post("/threads", json={**QUESTION, **change}, headers=person.headers)
    assert opened.status_code == 201, opened.get_json()
    return str(opened.get_json()["id"])


def _restrict(uid: str, **change: object) -> None:
    path = BENEFICIARY.path(uid=uid)
    profile = document_store.get(path, BeneficiaryProfile)
    assert profile is not None
    changed = profile.model_copy(update=change)
    document_store.run_in_transaction(lambda w: w.set(path, changed))


# ---------------------------------------------------------------- the journey


def test_a_beneficiary_writes_an_agent_of_the_queue_reads_and_answers_and_the_journal_says_so(
    support, function_client, staff
):
    person = _beneficiary()
    agent = _agent(support, staff, "documents")
    thread_id = _open(support, person)

    listed = support.get("/queue", headers=agent.headers)
    assert listed.status_code == 200
    [queued] = listed.get_json()["threads"]
    # The listing shows no subject, no message, no person: opening the thread does.
    assert queued["id"] == thread_id and queued["awaiting_answer"] is True
    assert set(queued) == {
        "id",
        "queue",
        "assigned_to_me",
        "opened_at",
        "last_message_at",
        "message_count",
        "awaiting_answer",
    }
    assert journal_about(person.uid) == []

    read = support.get(f"/queue/{thread_id}", headers=agent.headers)
    assert read.status_code == 200
    assert read.get_json()["messages"][0]["body"] == QUESTION["message"]
    answer = {"body": "Bonjour, déposez-le en PDF ou en photo nette, il sera accepté."}
    answered = support.post(f"/queue/{thread_id}/messages", json=answer, headers=agent.headers)
    assert answered.status_code == 201
    assert [m["author"] for m in answered.get_json()["messages"]] == ["beneficiary", "support"]

    # The beneficiary reads the answer, and never sees who of the team wrote it.
    mine = support.get(f"/threads/{thread_id}", headers=person.headers)
    assert mine.status_code == 200
    assert mine.get_json()["messages"][1] == {
        "author": "support",
        "body": answer["body"],
        "sent_at": mine.get_json()["messages"][1]["sent_at"],
    }
    assert support.get("/queue", headers=agent.headers).get_json()["threads"][0] == {
        **queued,
        "assigned_to_me": True,  # answering took the free thread
        "awaiting_answer": False,
        "message_count": 2,
        "last_message_at": mine.get_json()["last_message_at"],
    }

    # Each access by the agent is in the journal, under a keyed hash of the agent...
    entries = journal_about(person.uid)
    assert sorted(e.action for e in entries) == ["answerSupportThread", "readSupportThread"]
    assert {e.actor_ref for e in entries} == {pseudonym(agent.uid)}
    assert {(e.actor_role, e.reason) for e in entries} == {("support_agent", "support")}
    # ...and the beneficiary reads them in plain words.
    journal = function_client("mandates").get("/journal", headers=person.headers)
    sentences = [line["sentence"] for line in journal.get_json()["entries"]]
    today = datetime.now(UTC)
    assert any(
        s.startswith("Un conseiller du support Sésame a lu votre conversation avec le support le ")
        for s in sentences
    ), sentences
    assert any("a répondu à votre conversation avec le support" in s for s in sentences)
    assert all(str(today.year) in s for s in sentences)


def test_the_beneficiary_lists_and_continues_only_their_own_threads(support):
    person, other = _beneficiary(), _beneficiary()
    first = _open(support, person)
    second = _open(support, person, queue="aids", subject="Prime d'activité")
    theirs = _open(support, other)

    more = support.post(
        f"/threads/{first}/messages", json={"body": "Et aussi…"}, headers=person.headers
    )
    assert more.status_code == 201 and len(more.get_json()["messages"]) == 2
    listed = support.get("/threads", headers=person.headers).get_json()["threads"]
    assert [t["id"] for t in listed] == [first, second]  # latest activity first
    assert [t["message_count"] for t in listed] == [2, 1]

    for call in (
        lambda: support.get(f"/threads/{theirs}", headers=person.headers),
        lambda: support.post(
            f"/threads/{theirs}/messages", json={"body": "Bonjour"}, headers=person.headers
        ),
    ):
        refused = call()
        assert refused.status_code == 404 and refused.get_json()["code"] == "not_found"
    stored = document_store.get(SUPPORT_THREADS.path(thread_id=theirs), SupportThread)
    assert stored is not None and stored.message_count == 1


# ---------------------------------------------------------------- agents' reach


def test_an_agent_of_another_queue_is_refused_by_the_api_and_the_access_object(support, staff):
    person = _beneficiary()
    thread_id = _open(support, person)  # in the "documents" queue
    outsider = _agent(support, staff, "aids")

    assert support.get("/queue", headers=outsider.headers).get_json() == {"threads": []}
    for refused in (
        support.get(f"/queue/{thread_id}", headers=outsider.headers),
        support.post(
            f"/queue/{thread_id}/messages", json={"body": "Bonjour"}, headers=outsider.headers
        ),
    ):
        assert refused.status_code == 403
        assert refused.get_json()["code"] == "forbidden"
        assert "ni à vous ni dans votre file" in refused.get_json()["detail"]
    # The access object refuses the same agent on its own, whatever route would call it.
    actor = Actor(outsider.uid, ActorKind.SUPPORT_AGENT)
    with pytest.raises(ApiError) as refused_access:
        open_access(actor, person.uid, Scope.SUPPORT_ANSWER, action="read", reason="support")
    assert refused_access.value.code == "forbidden"
    # Nothing was read, nothing was written, nothing was journaled.
    assert journal_about(person.uid) == []
    stored = document_store.get(SUPPORT_THREADS.path(thread_id=thread_id), SupportThread)
    assert stored is not None and stored.message_count == 1 and stored.assignee_uid is None


def test_an_agent_of_the_queue_passes_the_access_object_only_for_answering_support(support, staff):
    person = _beneficiary()
    _open(support, person)
    agent = _agent(support, staff, "documents")
    actor = Actor(agent.uid, ActorKind.SUPPORT_AGENT)

    opened = open_access(actor, person.uid, Scope.SUPPORT_ANSWER, action="read", reason="support")
    assert opened.on_behalf and opened.subject_uid == person.uid
    # No other scope of the beneficiary's data opens to a support agent.
    for scope in (Scope.PROFILE_READ, Scope.SIMULATIONS_READ, Scope.VAULT_READ):
        with pytest.raises(ApiError):
            open_access(actor, person.uid, scope, action="read", reason="support")
    # Nor does the agent reach a beneficiary with no thread in their queue.
    stranger = _beneficiary()
    with pytest.raises(ApiError):
        open_access(actor, stranger.uid, Scope.SUPPORT_ANSWER, action="read", reason="support")
    assert len(journal_about(person.uid)) == 1 and journal_about(stranger.uid) == []


def test_moving_an_agent_or_removing_the_role_stops_the_next_request(support, staff):
    person = _beneficiary()
    thread_id = _open(support, person)
    agent = _agent(support, staff, "documents")
    colleague = _agent(support, staff, "documents")
    assert support.get(f"/queue/{thread_id}", headers=colleague.headers).status_code == 200

    # The agent answers (the thread becomes theirs), then is moved to another queue.
    answered = support.post(
        f"/queue/{thread_id}/messages", json={"body": "Je regarde."}, headers=agent.headers
    )
    assert answered.status_code == 201
    moved = support.put(f"/agents/{colleague.uid}", json={"queue": "aids"}, headers=staff.headers)
    assert moved.status_code == 200
    support.put(f"/agents/{agent.uid}", json={"queue": "aids"}, headers=staff.headers)
    # Same tokens: the queue is read from the Auth record on every request.
    assert support.get(f"/queue/{thread_id}", headers=colleague.headers).status_code == 403
    assert support.get(f"/queue/{thread_id}", headers=agent.headers).status_code == 200  # theirs

    auth.set_custom_user_claims(agent.uid, {}, app=firebase_app())
    gone = support.get(f"/queue/{thread_id}", headers=agent.headers)
    assert gone.status_code == 403 and gone.get_json()["code"] == "forbidden"


def test_other_roles_reach_no_support_endpoint_of_someone_else(support, staff):
    person = _beneficiary()
    thread_id = _open(support, person)
    others = [
        staff,
        emulators.create_user(role="aidant"),
        emulators.create_user(role="client_admin"),
        _beneficiary(),
    ]
    for other in others:
        for path in ("/queue", f"/queue/{thread_id}"):
            assert support.get(path, headers=other.headers).status_code == 403, path
        as_subject = support.get(
            f"/threads/{thread_id}?subject={person.uid}", headers=other.headers
        )
        assert as_subject.status_code == 403
    assert journal_about(person.uid) == []


def test_staff_attach_only_accounts_without_another_use(support, staff):
    caregiver = emulators.create_user(role="aidant")
    refused = support.put(f"/agents/{caregiver.uid}", json={"queue": "aids"}, headers=staff.headers)
    assert refused.status_code == 409 and refused.get_json()["code"] == "conflict"
    missing = support.put("/agents/nobody-here", json={"queue": "aids"}, headers=staff.headers)
    assert missing.status_code == 404
    unknown_queue = support.put(
        f"/agents/{caregiver.uid}", json={"queue": "sales"}, headers=staff.headers
    )
    assert unknown_queue.status_code == 422
    not_staff = _beneficiary()
    assert (
        support.put(f"/agents/{not_staff.uid}", json={"queue": "aids"}, headers=not_staff.headers)
    ).status_code == 403


# ---------------------------------------------------------------- restriction and objection


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"restricted": True}, "processing_restricted"),
        ({"objections": ["support"]}, "purpose_objected"),
    ],
    ids=["restricted", "objected"],
)
def test_restriction_and_objection_stop_support_processing(support, staff, change, code):
    person = _beneficiary()
    thread_id = _open(support, person)
    agent = _agent(support, staff, "documents")
    _restrict(person.uid, **change)

    refused = [
        support.post("/threads", json=QUESTION, headers=person.headers),
        support.post(
            f"/threads/{thread_id}/messages", json={"body": "Bonjour"}, headers=person.headers
        ),
        support.get(f"/queue/{thread_id}", headers=agent.headers),
        support.post(
            f"/queue/{thread_id}/messages", json={"body": "Bonjour"}, headers=agent.headers
        ),
    ]
    assert [(r.status_code, r.get_json()["code"]) for r in refused] == [(409, code)] * 4
    # The beneficiary still reads what is kept (right of access, R26).
    assert support.get(f"/threads/{thread_id}", headers=person.headers).status_code == 200
    threads = document_store.find_by_fields(
        SUPPORT_MESSAGES.collection(), SupportMessage, {"beneficiary_uid": person.uid}
    )
    assert len(list(threads)) == 1


def test_an_objection_to_support_is_taken_through_the_profile(support, function_client):
    person = _beneficiary()
    objected = function_client("profile").put(
        "/objections/support", json={"objected": True}, headers=person.headers
    )
    assert objected.status_code == 200
    refused = support.post("/threads", json=QUESTION, headers=person.headers)
    assert refused.status_code == 409 and refused.get_json()["code"] == "purpose_objected"


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**QUESTION, "queue": "sales"}, "queue"),
        ({**QUESTION, "subject": "   "}, "subject"),
        ({**QUESTION, "subject": "x" * 121}, "subject"),
        ({**QUESTION, "message": ""}, "message"),
        ({**QUESTION, "message": "x" * (MAX_MESSAGE_CHARS + 1)}, "message"),
        ({**QUESTION, "beneficiary_uid": "someone-else"}, "beneficiary_uid"),
        ({"queue": "aids", "subject": "Bonjour"}, "message"),
    ],
    ids=["queue", "blank-subject", "long-subject", "empty", "long", "extra", "missing"],
)
def test_bad_threads_are_refused_with_their_field_and_nothing_stored(support, body, field):
    person = _beneficiary()
    refused = support.post("/threads", json=body, headers=person.headers)
    assert refused.status_code == 422
    problem = refused.get_json()
    assert problem["code"] == "validation_failed"
    assert field in [error["field"] for error in problem["errors"]]
    assert problem["detail"] == "Certains champs sont invalides."
    assert list(document_store.list_collection(SUPPORT_THREADS.collection(), SupportThread)) == []


def test_support_refuses_the_unregistered_and_non_json(support):
    newcomer = emulators.create_user()
    unregistered = support.post("/threads", json=QUESTION, headers=newcomer.headers)
    assert unregistered.status_code == 409 and unregistered.get_json()["code"] == "not_registered"
    person = _beneficiary()
    as_text = support.post(
        "/threads", data="bonjour", headers={**person.headers, "Content-Type": "text/plain"}
    )
    assert as_text.status_code == 415
    anonymous = support.post("/threads", json=QUESTION)
    assert anonymous.status_code == 401


# ---------------------------------------------------------------- registry


def test_threads_and_messages_are_found_by_the_registry_for_export_and_erasure(support, staff):
    person = _beneficiary()
    thread_id = _open(support, person)
    agent = _agent(support, staff, "documents")
    support.post(f"/queue/{thread_id}/messages", json={"body": "Réponse"}, headers=agent.headers)

    places = {
        p.location.key: p
        for p in personal_data_of(person.uid, uid_ref=pseudonym(person.uid), email=person.email)
    }
    for location, model, count in (
        (SUPPORT_THREADS, SupportThread, 1),
        (SUPPORT_MESSAGES, SupportMessage, 2),
    ):
        place = places[location.key]
        found = list(
            document_store.find_by_fields(location.collection(), model, {place.field: place.value})
        )
        assert len(found) == count, location.key
    # The export leaves out the agent's hash: it tells the beneficiary nothing.
    assert "agent_ref" not in SUPPORT_MESSAGES.export.fields


# ---------------------------------------------------------------- demo requests (R4)


def _demo(support: Any, body: dict[str, Any], address: str = "198.51.100.7", **headers: str) -> Any:
    # As Google's load balancer forwards: "<client>, <balancer>".
    forwarded = {"X-Forwarded-For": f"{address}, 35.191.0.1", **headers}
    return support.post("/demo-requests", json=body, headers=forwarded)


def _demo_requests() -> list[tuple[str, DemoRequest]]:
    return list(document_store.list_collection(DEMO_REQUESTS.collection(), DemoRequest))


def test_a_prospect_asks_for_a_demo_and_only_staff_read_it(support, staff):
    received = _demo(support, DEMO)
    assert received.status_code == 202
    assert received.get_json()["message"].startswith("Merci !")
    english = _demo(support, DEMO, **{"Accept-Language": "en"})
    assert english.get_json()["message"].startswith("Thank you!")

    listed = support.get("/demo-requests", headers=staff.headers)
    assert listed.status_code == 200
    [request] = listed.get_json()["requests"]  # the same address twice is one request
    assert (request["company"], request["email"], request["employees"]) == (
        "Mutuelle Exemple",
        "claire.martin@mutuelle.example",
        250,
    )
    [(_, stored)] = _demo_requests()
    assert stored.last_contact_at > stored.received_at  # asking again renews the last contact
    for other in (_beneficiary(), emulators.create_user(role="support_agent")):
        assert support.get("/demo-requests", headers=other.headers).status_code == 403
    assert support.get("/demo-requests").status_code == 401


def test_a_filled_trap_field_is_answered_alike_and_kept_nowhere(support):
    trapped = _demo(support, {**DEMO, "website": "https://spam.example"})
    assert trapped.status_code == 202 and trapped.get_json()["message"].startswith("Merci !")
    assert _demo_requests() == []


def test_demo_requests_are_limited_per_client_address(support):
    for index in range(DEMO_REQUESTS_PER_WINDOW):
        body = {**DEMO, "email": f"prospect{index}@corp.example"}
        assert _demo(support, body).status_code == 202
    refused = _demo(support, {**DEMO, "email": "one-more@corp.example"})
    assert refused.status_code == 429
    assert refused.get_json()["code"] == "too_many_requests"
    assert "réessayez dans une heure" in refused.get_json()["detail"]
    # Another address is not held back; a forged first entry does not change the address.
    assert _demo(support, {**DEMO, "email": "other@corp.example"}, "203.0.113.9").status_code == 202
    forged = support.post(
        "/demo-requests",
        json={**DEMO, "email": "forged@corp.example"},
        headers={"X-Forwarded-For": "10.0.0.1, 198.51.100.7, 35.191.0.1"},
    )
    assert forged.status_code == 429
    assert len(_demo_requests()) == DEMO_REQUESTS_PER_WINDOW + 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"employees": 0}, "employees"),
        ({"email": "not-an-address"}, "email"),
        ({"given_name": "1234"}, "given_name"),
        ({"phone": "12"}, "phone"),
        ({"message": "x" * (MAX_MESSAGE_CHARS + 1)}, "message"),
        ({"company": ""}, "company"),
        ({"budget": 1000}, "budget"),
    ],
)
def test_bad_demo_requests_are_refused_with_their_field_and_not_counted(support, change, field):
    refused = _demo(support, {**DEMO, **change})
    assert refused.status_code == 422
    assert field in [error["field"] for error in refused.get_json()["errors"]]
    assert _demo_requests() == []


def test_a_demo_request_ends_3_years_after_the_last_contact():
    now = datetime(2027, 6, 1, tzinfo=UTC)
    # CNIL, référentiel « gestion des activités commerciales » (délibération n° 2021-131):
    # prospect data kept 3 years from the prospect's last contact.
    for days, request_id in ((3 * 365 + 1, "old-contact"), (3 * 365 - 1, "recent-contact")):
        last = now - timedelta(days=days)
        request = DemoRequest(
            **{**DEMO, "message": ""}, received_at=last - timedelta(days=400), last_contact_at=last
        )
        path = DEMO_REQUESTS.path(request_id=request_id)
        document_store.run_in_transaction(lambda w, p=path, r=request: w.set(p, r))
    sweep_at(now)
    assert document_store.get(DEMO_REQUESTS.path(request_id="old-contact"), DemoRequest) is None
    assert document_store.get(DEMO_REQUESTS.path(request_id="recent-contact"), DemoRequest)
