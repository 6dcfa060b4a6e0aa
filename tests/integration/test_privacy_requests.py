"""Rights requests received by post or e-mail (R30) on the real emulators, with a controlled clock.

RGPD art. 12.3: an answer within one month of receipt, extendable by two more
months when the person is told, with the reasons, within the first month.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from firebase_admin import auth

from shared.adapters import document_store
from shared.adapters.clients import firebase_app
from shared.domain.access import Access, Actor, ActorKind, Scope
from shared.domain.data_registry import RIGHTS_REQUESTS
from shared.errors import ApiError
from shared.models.privacy import AnswerRecord, ExtensionRequest, RightsRequest, RightsRequestIn
from shared.services import received_requests
from shared.services.audit import pseudonym
from tests.support import emulators
from tests.support.mail_sink import mails_to
from tests.support.seed import journal_about

REPLY = "camille.durand@example.org"


def officer_access(officer: emulators.EmulatorUser) -> Access:
    actor = Actor(uid=officer.uid, kind=ActorKind.PRIVACY_OFFICER, email=officer.email)
    return Access(actor, officer.uid, Scope.PRIVACY_REQUESTS, "account")


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def register(officer: emulators.EmulatorUser, received: date, **extra: Any) -> str:
    incoming = RightsRequestIn(
        kind="access", channel="email", received_on=received, identity="pending", **extra
    )
    out, status = received_requests.register_request(
        officer_access(officer), incoming, now=lambda: at(received)
    )
    assert status == 201
    return out.id


def test_registration_through_the_api_is_for_current_privacy_officers_only(privacy):
    body = {
        "kind": "erasure",
        "channel": "post",
        "received_on": "2026-01-31",
        "identity": "verified",
    }
    staff = emulators.create_user(role="staff")
    assert privacy.post("/requests", json=body, headers=staff.headers).status_code == 403
    beneficiary = emulators.create_user()
    assert privacy.post("/requests", json=body, headers=beneficiary.headers).status_code == 403
    revoked = emulators.create_user(role="privacy_officer")
    auth.set_custom_user_claims(revoked.uid, {}, app=firebase_app())
    assert privacy.post("/requests", json=body, headers=revoked.headers).status_code == 403

    officer = emulators.create_user(role="privacy_officer")
    created = privacy.post("/requests", json=body, headers=officer.headers)
    assert created.status_code == 201, created.get_json()
    # One month after 31 January is the last day of February (add_months).
    assert created.get_json()["due_on"] == "2026-02-28"
    assert created.get_json()["steps"][0]["action"] == "registered"
    bad = privacy.post("/requests", json={**body, "kind": "gossip"}, headers=officer.headers)
    assert bad.status_code == 422 and bad.get_json()["code"] == "validation_failed"
    missing = privacy.post(
        "/requests/nope/answer", json={"answered_on": "2026-02-01"}, headers=officer.headers
    )
    assert missing.status_code == 404


def test_due_date_extension_with_an_emailed_notice_before_the_first_due_date(sink):
    officer = emulators.create_user(role="privacy_officer")
    access = officer_access(officer)
    request_id = register(officer, date(2026, 3, 10), reply_email=REPLY, subject_uid="someone")

    with pytest.raises(ApiError) as no_reason:
        received_requests.extend_request(
            access, ExtensionRequest(reason="  "), request_id, now=lambda: at(date(2026, 3, 20))
        )
    assert no_reason.value.code == "extension_reason_required"
    assert mails_to(sink, REPLY) == []

    extended = received_requests.extend_request(
        access,
        ExtensionRequest(reason="Dix ans d'historique à rassembler."),
        request_id,
        now=lambda: at(date(2026, 4, 10)),  # the first due date itself: still in time
    )
    # 10 March + 1 month = 10 April; + 2 months (art. 12.3) = 10 June.
    assert extended.due_on == date(2026, 6, 10) and extended.extended
    (notice,) = mails_to(sink, REPLY)
    assert "10/06/2026" in notice["body"]["content"][0]["value"]
    with pytest.raises(ApiError) as twice:
        received_requests.extend_request(
            access, ExtensionRequest(reason="encore"), request_id, now=lambda: at(date(2026, 4, 11))
        )
    assert twice.value.code == "conflict"
    steps = [s.action for s in extended.steps]
    assert steps == ["registered", "extended"]
    journaled = [e.action for e in journal_about("someone")]
    assert journaled.count("extended") == 1 and "registerRightsRequest" in journaled
    assert all(e.actor_ref == pseudonym(officer.uid) for e in journal_about("someone"))


def test_an_extension_after_the_first_due_date_is_refused_and_sends_nothing(sink):
    officer = emulators.create_user(role="privacy_officer")
    request_id = register(officer, date(2026, 3, 10), reply_email=REPLY)
    with pytest.raises(ApiError) as late:
        received_requests.extend_request(
            officer_access(officer),
            ExtensionRequest(reason="Complexe"),
            request_id,
            now=lambda: at(date(2026, 4, 11)),
        )
    assert late.value.code == "extension_notice_too_late"
    assert mails_to(sink, REPLY) == []


def test_a_posted_notice_counts_from_the_day_it_was_posted():
    officer = emulators.create_user(role="privacy_officer")
    access = officer_access(officer)
    request_id = register(officer, date(2026, 3, 10))
    with pytest.raises(ApiError) as undated:
        received_requests.extend_request(
            access,
            ExtensionRequest(reason="Complexe"),
            request_id,
            now=lambda: at(date(2026, 4, 1)),
        )
    assert undated.value.code == "validation_failed"
    with pytest.raises(ApiError) as late:
        received_requests.extend_request(
            access,
            ExtensionRequest(reason="Complexe", notice_posted_on=date(2026, 4, 11)),
            request_id,
            now=lambda: at(date(2026, 4, 12)),
        )
    assert late.value.code == "extension_notice_too_late"
    extended = received_requests.extend_request(
        access,
        ExtensionRequest(reason="Complexe", notice_posted_on=date(2026, 4, 2)),
        request_id,
        now=lambda: at(date(2026, 4, 3)),
    )
    assert extended.due_on == date(2026, 6, 10)


def test_the_overdue_list_holds_unanswered_requests_past_their_due_date(privacy):
    officer = emulators.create_user(role="privacy_officer")
    access = officer_access(officer)
    late = register(officer, date(2026, 1, 5))  # due 5 February
    answered = register(officer, date(2026, 1, 6))  # due 6 February, answered in time
    received_requests.answer_request(
        access,
        AnswerRecord(answered_on=date(2026, 2, 1)),
        answered,
        now=lambda: at(date(2026, 2, 1)),
    )
    on_time = register(officer, date(2026, 1, 20), reply_email=REPLY)  # due 20 February

    def overdue(day: date) -> list[str]:
        listed = received_requests.overdue_requests(access, now=lambda: at(day))
        assert all(r.overdue for r in listed.requests)
        return [r.id for r in listed.requests]

    assert overdue(date(2026, 2, 5)) == []  # due today is not late yet
    assert overdue(date(2026, 2, 6)) == [late]
    assert overdue(date(2026, 2, 21)) == [late, on_time]
    done = received_requests.answer_request(
        access,
        AnswerRecord(answered_on=date(2026, 2, 22)),
        on_time,
        now=lambda: at(date(2026, 2, 22)),
    )
    assert done.answered_on == date(2026, 2, 22) and not done.overdue
    assert overdue(date(2026, 2, 23)) == [late]
    # The reply address is not kept once answered.
    stored = document_store.get(RIGHTS_REQUESTS.path(request_id=on_time), RightsRequest)
    assert stored is not None and stored.reply_email is None
    # Through the API (real clock: these 2026 dates are in the past).
    listed = privacy.get("/requests/overdue", headers=officer.headers)
    assert listed.status_code == 200
    assert [r["id"] for r in listed.get_json()["requests"]] == [late]
