"""Post-mortem directives on the real emulators (R29), and the export link mailed to a third party.

The person records keep / erase / communicate and a trusted contact through
the API; a privacy officer (role re-checked on the Auth record, access
journaled) carries the directive out on a verified death notice; the trusted
contact receives what the directive allows through a link that expires.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from firebase_admin import auth

from shared.adapters import document_store
from shared.adapters.clients import firebase_app
from shared.api.jobs.export_worker import JOBS
from shared.api.worker import Delivery, run_delivery
from shared.domain import privacy_rights as rules
from shared.domain.access import Access, Actor, ActorKind, Scope
from shared.domain.data_registry import DIRECTIVE_EXECUTIONS, EXPORTS, POST_MORTEM_DIRECTIVES
from shared.errors import ApiError
from shared.models.privacy import DeathNotice, DirectiveExecution, ErasureJob, ExportRecord
from shared.services import directives, erasure, export
from shared.services.audit import pseudonym
from tests.support import emulators
from tests.support.footprint import forget_pending_tasks
from tests.support.mail_sink import mails_to
from tests.support.seed import journal_about, seed_profile

CONTACT = "claire.martin@example.org"
NOTICE = {"evidence": "death_certificate", "verified_on": "2026-11-02"}


@pytest.fixture(autouse=True)
def no_queued_erasure(monkeypatch: pytest.MonkeyPatch) -> None:
    # The erasure job itself is proved in test_privacy_erasure.py; here its start is enough.
    monkeypatch.setattr(erasure, "enqueue", lambda job: "not-queued")


@pytest.fixture(autouse=True)
def exports_held() -> Iterator[None]:
    """The exports queue delivers none of the tasks queued here: build_exports_of builds."""
    with emulators.queue_held(export.QUEUE):
        yield


def beneficiary_with_directive(privacy: Any, choice: str) -> emulators.EmulatorUser:
    person = emulators.create_user()
    seed_profile(person.uid, email=person.email)
    body = {
        "choice": choice,
        "trusted_contact_name": "Claire Martin",
        "trusted_contact_email": CONTACT,
    }
    recorded = privacy.put("/directive", json=body, headers=person.headers)
    assert recorded.status_code == 200, recorded.get_json()
    return person


def execute(privacy: Any, officer: emulators.EmulatorUser, uid: str) -> Any:
    body = {**NOTICE, "subject_uid": uid}
    return privacy.post("/directive/execution", json=body, headers=officer.headers)


def body_of(message: dict[str, Any]) -> str:
    return str(message["body"]["content"][0]["value"])


def build_exports_of(uid: str) -> str:
    """Deliver the queued export task of ``uid`` through the worker entry point."""
    forget_pending_tasks(uid)
    exports = document_store.list_collection(EXPORTS.collection(uid=uid), ExportRecord)
    (export_id, _), *_ = list(exports)
    response = run_delivery(
        "export_worker",
        JOBS,
        export.JOB,
        {"uid": uid, "export_id": export_id},
        Delivery("task", f"task:exports:{export_id}", "local"),
    )
    assert response.status_code == 200, response.get_data()
    return export_id


def test_the_person_records_reads_and_replaces_their_directive(privacy):
    person = beneficiary_with_directive(privacy, "keep")
    read = privacy.get("/directive", headers=person.headers).get_json()
    assert read["choice"] == "keep" and read["trusted_contact_email"] == CONTACT

    changed = {
        "choice": "erase",
        "trusted_contact_name": "Claire",
        "trusted_contact_email": CONTACT,
    }
    assert privacy.put("/directive", json=changed, headers=person.headers).status_code == 200
    assert privacy.get("/directive", headers=person.headers).get_json()["choice"] == "erase"

    bad = privacy.put(
        "/directive",
        json={**changed, "choice": "sell", "trusted_contact_email": "nope"},
        headers=person.headers,
    )
    assert bad.status_code == 422 and bad.get_json()["code"] == "validation_failed"
    nobody = emulators.create_user()
    assert privacy.get("/directive", headers=nobody.headers).status_code == 404


def test_only_a_current_privacy_officer_executes_and_the_access_is_journaled(privacy, sink):
    person = beneficiary_with_directive(privacy, "keep")
    staff = emulators.create_user(role="staff")
    assert execute(privacy, staff, person.uid).status_code == 403
    # The person themselves may not.
    assert execute(privacy, person, person.uid).status_code == 403
    officer = emulators.create_user(role="privacy_officer")
    unknown = execute(privacy, officer, "nobody-here")
    assert unknown.status_code == 404  # no directive recorded for that account
    # A role revoked after the token was issued stops at once.
    revoked = emulators.create_user(role="privacy_officer")
    auth.set_custom_user_claims(revoked.uid, {}, app=firebase_app())
    assert execute(privacy, revoked, person.uid).status_code == 403
    assert (
        document_store.get(
            DIRECTIVE_EXECUTIONS.path(execution_id=pseudonym(person.uid)), DirectiveExecution
        )
        is None
    )

    done = execute(privacy, officer, person.uid)
    assert done.status_code == 201, done.get_json()
    assert done.get_json()["choice"] == "keep" and done.get_json()["contact_notified"]
    entries = [e for e in journal_about(person.uid) if e.action == "executePostMortemDirective"]
    assert len(entries) == 1 and entries[0].actor_role == "privacy_officer"
    assert entries[0].actor_ref == pseudonym(officer.uid)
    # Keep: nothing deleted, the contact told so.
    assert privacy.get("/directive", headers=person.headers).status_code == 200
    (mail,) = mails_to(sink, CONTACT)
    assert "conservées" in body_of(mail)
    # Carried out once: a second call returns the same record and mails nobody.
    again = execute(privacy, officer, person.uid)
    assert again.status_code == 200 and again.get_json()["at"] == done.get_json()["at"]
    assert len(mails_to(sink, CONTACT)) == 1


def test_erase_starts_the_erasure_job_and_mails_the_contact_its_receipt(privacy, sink):
    person = beneficiary_with_directive(privacy, "erase")
    officer = emulators.create_user(role="privacy_officer")
    done = execute(privacy, officer, person.uid)
    assert done.status_code == 201, done.get_json()
    job = document_store.get(erasure.job_path(person.uid), ErasureJob)
    assert job is not None and job.working_uid == person.uid
    receipt_url = done.get_json()["erasure_receipt_url"]
    assert receipt_url == erasure.receipt_url(job.receipt_id)
    (mail,) = mails_to(sink, CONTACT)
    assert receipt_url in body_of(mail) and "effacement" in body_of(mail)
    # The receipt itself holds no personal data and needs no account.
    receipt = privacy.get(receipt_url.removeprefix("/privacy"))
    assert receipt.status_code == 200
    assert person.uid not in receipt.get_data(as_text=True)
    assert person.email not in receipt.get_data(as_text=True)


def test_communicate_sends_the_export_to_the_contact_through_an_expiring_link(privacy, sink):
    person = beneficiary_with_directive(privacy, "communicate")
    other = beneficiary_with_directive(privacy, "communicate")
    officer = emulators.create_user(role="privacy_officer")
    done = execute(privacy, officer, person.uid)
    assert done.status_code == 201, done.get_json()
    assert mails_to(sink, CONTACT) == []  # nothing before the archive is ready

    export_id = build_exports_of(person.uid)
    assert done.get_json()["export_id"] == export_id
    (mail,) = mails_to(sink, CONTACT)  # sent by that build: the held queue delivered none
    assert "après son décès" in body_of(mail)
    link = re.search(r"https?://\S+/privacy/export-links/(\S+)", body_of(mail))
    assert link is not None
    token = link.group(1)

    landing = privacy.get(f"/export-links/{token}")
    assert landing.status_code == 200, landing.get_json()
    archive = zipfile.ZipFile(
        io.BytesIO(requests.get(landing.get_json()["download_url"], timeout=10).content)
    )
    everything = " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    assert person.email in everything and other.email not in everything

    # The link lives as long as the export (7 days), then expires.
    record = document_store.get(
        EXPORTS.path(uid=person.uid, export_id=export_id),
        ExportRecord,
    )
    assert record is not None and record.expires_at is not None
    assert record.link_ref == pseudonym(token)  # only the keyed hash is stored
    late = record.expires_at - timedelta(minutes=1)
    assert export.download_by_link(None, token, now=lambda: late).download_url
    with pytest.raises(ApiError) as expired:
        export.download_by_link(None, token, now=lambda: record.expires_at or late)
    assert expired.value.code == "link_expired"
    assert privacy.get("/export-links/" + "x" * 43).status_code == 404


def test_a_third_party_link_outlives_the_short_signed_url(privacy, sink):
    """The mailed link is not a 5-minute V4 URL: read days later, it still downloads."""
    person = emulators.create_user()
    seed_profile(person.uid, email=person.email)
    requested = privacy.post(
        "/exports", json={"recipient": "conseil@asso.example.org"}, headers=person.headers
    )
    assert requested.status_code == 202
    export_id = requested.get_json()["export_id"]
    confirmed = privacy.post(f"/exports/{export_id}/recipient", headers=person.headers)
    assert confirmed.status_code == 200
    build_exports_of(person.uid)
    (mail,) = mails_to(sink, "conseil@asso.example.org")
    assert "X-Goog-Signature" not in body_of(mail)  # no signed URL that dies in minutes
    token = re.search(r"/privacy/export-links/(\S+)", body_of(mail))
    assert token is not None
    six_days_later = datetime.now(UTC) + timedelta(days=6)
    fresh = export.download_by_link(None, token.group(1), now=lambda: six_days_later)
    assert fresh.url_expires_at - datetime.now(UTC) <= timedelta(minutes=15)
    assert fresh.export_expires_at - datetime.now(UTC) <= rules.EXPORT_LIFETIME
    assert requests.get(fresh.download_url, timeout=10).status_code == 200


# ------------------------------------------------------------------ resumed after a crash


class ProcessDied(Exception):
    """Stands for the process dying at that point (the instance stopped, a deploy)."""


def officer_access(officer: emulators.EmulatorUser) -> Access:
    actor = Actor(uid=officer.uid, kind=ActorKind.PRIVACY_OFFICER, email=officer.email)
    return Access(actor, officer.uid, Scope.PRIVACY_ERASE, "post_mortem")


def dies_at(step: str) -> Any:
    def fault(reached: str) -> None:
        if reached == step:
            raise ProcessDied(step)

    return fault


def stored_execution(uid: str) -> DirectiveExecution:
    execution = document_store.get(
        DIRECTIVE_EXECUTIONS.path(execution_id=pseudonym(uid)), DirectiveExecution
    )
    assert execution is not None
    return execution


@pytest.mark.parametrize(
    ("choice", "step", "done_before"),
    [
        ("keep", "contact_mail", {}),
        ("erase", "erasure", {}),
        ("erase", "contact_mail", {"erasure": "done"}),
        ("communicate", "export", {}),
    ],
)
def test_an_execution_that_died_after_its_record_is_finished_once_by_the_next_call(
    privacy, sink, choice, step, done_before
):
    person = beneficiary_with_directive(privacy, choice)
    officer = emulators.create_user(role="privacy_officer")
    notice = DeathNotice.model_validate({**NOTICE, "subject_uid": person.uid})

    with pytest.raises(ProcessDied):
        directives.execute_directive(officer_access(officer), notice, fault=dies_at(step))

    recorded = stored_execution(person.uid)
    assert recorded.completed_at is None and recorded.working_contact_email == CONTACT
    assert recorded.steps == {**dict.fromkeys(directives.STEPS[choice], "pending"), **done_before}
    assert mails_to(sink, CONTACT) == []
    if choice == "erase" and done_before:
        # The erasure job may run before the next call: the directive is gone by then.
        document_store.delete(
            POST_MORTEM_DIRECTIVES.path(uid=person.uid, directive_id=directives.DIRECTIVE_ID)
        )

    resumed = execute(privacy, officer, person.uid)
    assert resumed.status_code == 200, resumed.get_json()
    out = resumed.get_json()
    assert out["completed"] is True
    assert set(out["steps"].values()) == {"done"}
    finished = stored_execution(person.uid)
    assert finished.working_contact_name is None and finished.working_contact_email is None
    assert finished.at == recorded.at  # the same execution, finished

    # Each step happened once: one erasure job, one export, one mail to the contact.
    if choice == "erase":
        job = document_store.get(erasure.job_path(person.uid), ErasureJob)
        assert job is not None
        assert out["erasure_receipt_url"] == erasure.receipt_url(job.receipt_id)
    if choice == "communicate":
        exports = list(
            document_store.list_collection(EXPORTS.collection(uid=person.uid), ExportRecord)
        )
        assert [export_id for export_id, _ in exports] == [recorded.export_id]
        build_exports_of(person.uid)
    assert len(mails_to(sink, CONTACT)) == 1
    again = execute(privacy, officer, person.uid)
    assert again.status_code == 200 and again.get_json() == out
    assert len(mails_to(sink, CONTACT)) == 1


def test_a_mail_that_may_have_left_before_the_crash_is_not_sent_again(privacy, sink, monkeypatch):
    person = beneficiary_with_directive(privacy, "keep")
    officer = emulators.create_user(role="privacy_officer")
    notice = DeathNotice.model_validate({**NOTICE, "subject_uid": person.uid})

    def died_while_sending(*args: Any, **kwargs: Any) -> str:
        raise ProcessDied("contact_mail")  # whether the provider took the mail is unknown

    with monkeypatch.context() as sending:
        sending.setattr(directives.mail, "send", died_while_sending)
        with pytest.raises(ProcessDied):
            directives.execute_directive(officer_access(officer), notice)
    assert stored_execution(person.uid).steps == {"contact_mail": "started"}

    resumed = execute(privacy, officer, person.uid)
    assert resumed.status_code == 200, resumed.get_json()
    out = resumed.get_json()
    assert out["steps"] == {"contact_mail": "uncertain"}
    assert out["completed"] is True and out["contact_notified"] is False
    assert mails_to(sink, CONTACT) == []  # at most one mail: the officer writes by post
