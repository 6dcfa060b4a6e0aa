"""Smart alerts end to end on the emulators (R5, R26).

A new aid is published (the previous run did not know it), Cloud Scheduler's
call reaches the dispatcher, the Cloud Tasks emulator delivers each batch to
the worker (the gateway served in-process, as in tests/integration/test_workers.py),
and the SendGrid sink receives the mails. Then everything is delivered again:
nothing more may be sent. Restricted, objecting, unsubscribed and bounced
people get nothing, and neither does a person who already saw the aid.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import pytest
import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from google.cloud import tasks_v2
from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport

from shared.adapters import document_store
from shared.api.routes.alerts import ROUTES
from shared.config import settings
from shared.domain import alerts as rules
from shared.domain.aids.catalogue import load_catalogue
from shared.domain.data_registry import (
    ALERT_DELIVERIES,
    ALERT_RUNS,
    BENEFICIARY,
    CONSENT_EVENTS,
    SIMULATIONS,
)
from shared.domain.months import current_month
from shared.models.account import BeneficiaryProfile, ConsentEvent, ConsentState
from shared.models.alerts import AlertBatch, AlertDelivery, AlertRun
from shared.models.simulation_history import StoredSimulation
from shared.services import alerts, campaigns, mail_suppressions
from tests.integration.test_simulate import SINGLE_NO_INCOME
from tests.support import emulators
from tests.support.mail_sink import clear_sink, fail_next_sends, mails_to
from tests.support.package_requests import CLIENT
from tests.support.seed import seed_profile
from tests.support.served_gateway import Worker, serve

NEW_AID = "rsa"  # an aid the engine computes for SINGLE_NO_INCOME (no resources)


@pytest.fixture(scope="module")
def worker() -> Iterator[Worker]:
    yield from serve()


@pytest.fixture
def signing_key(monkeypatch: pytest.MonkeyPatch, worker: Worker) -> ec.EllipticCurvePrivateKey:
    """A test key pair standing for SendGrid's; tasks point at the in-process worker."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    configured = dataclasses.replace(
        settings(),
        sendgrid_webhook_key=base64.b64encode(public).decode(),
        worker_urls={**settings().worker_urls, "alerts": f"{worker.url}/alerts_worker"},
    )
    monkeypatch.setattr(mail_suppressions, "settings", lambda: configured)
    monkeypatch.setattr(alerts, "settings", lambda: configured)
    monkeypatch.setattr(campaigns, "settings", lambda: configured)
    return key


@pytest.fixture
def sink() -> Iterator[str]:
    yield clear_sink()
    clear_sink()


def signed_events(key: ec.EllipticCurvePrivateKey, events: list[dict[str, Any]]) -> dict[str, Any]:
    """A webhook delivery as SendGrid signs it: ECDSA P-256 over timestamp + raw body."""
    body = json.dumps(events)
    stamp = str(int(time.time()))
    signature = key.sign((stamp + body).encode(), ec.ECDSA(hashes.SHA256()))
    return {
        "data": body,
        "content_type": "application/json",
        "headers": {
            mail_suppressions.SIGNATURE_HEADER: base64.b64encode(signature).decode(),
            mail_suppressions.TIMESTAMP_HEADER: stamp,
        },
    }


def person(name: str, *, language: str = "fr", saw_new_aid: bool = False, **changes: Any) -> str:
    """A beneficiary who simulated SINGLE_NO_INCOME; ``changes`` alter the stored profile."""
    uid = f"{name}-{uuid.uuid4().hex[:8]}"
    profile = seed_profile(uid, language=language)
    if changes:
        changed = profile.model_copy(update=changes)
        path = BENEFICIARY.path(uid=uid)
        document_store.run_in_transaction(lambda w: w.set(path, changed))
    seen = (
        [{"aid_id": NEW_AID, "status": "eligible", "monthly_amount": 650.0}] if saw_new_aid else []
    )
    stored = StoredSimulation(
        answers=SINGLE_NO_INCOME,
        month=current_month(),
        engine_version="openfisca-france==earlier",
        catalogue_version="000000000000",
        results=seen,
        monthly_total=0.0,
        created_at=datetime.now(UTC) - timedelta(days=10),
    )
    document_store.add(SIMULATIONS.collection(uid=uid), stored)
    return uid


def previous_run_without(aid: str) -> None:
    """The last run, yesterday, knew every aid of the catalogue but ``aid``: it is new now.

    Earlier runs are forgotten first (the package tests share one Firestore).
    """
    for run_id, _ in list(document_store.list_collection(ALERT_RUNS.collection(), AlertRun)):
        document_store.delete(ALERT_RUNS.path(run_id=run_id))
    prints = alerts.fingerprints(load_catalogue())
    del prints[aid]
    run = AlertRun(
        trigger="scheduler",
        status="dispatched",
        month=current_month(),
        engine_version=alerts.engine_version(),
        catalogue_version="000000000000",
        fingerprints=prints,
        reason="nothing_changed",
        aids=[],
        created_at=datetime.now(UTC) - timedelta(days=1),
        dispatched_at=datetime.now(UTC) - timedelta(days=1),
    )
    document_store.put(ALERT_RUNS.path(run_id="daily-previous"), run)


def scheduler_call(worker: Worker, at: str) -> requests.Response:
    return requests.post(
        f"{worker.url}/alerts_dispatch",
        json={},
        headers={
            "X-CloudScheduler-JobName": "alerts-dispatch",
            "X-CloudScheduler-ScheduleTime": at,
        },
        timeout=120,
    )


def create_task(
    worker: Worker, name: str, payload: dict[str, Any], job: str = "evaluate_batch"
) -> None:
    """Create one task in the alerts queue, as a redelivery (or a re-dispatch) would."""
    channel = grpc.insecure_channel(settings().tasks_emulator_host or "")
    client = tasks_v2.CloudTasksClient(transport=CloudTasksGrpcTransport(channel=channel))
    queue = f"projects/{settings().project}/locations/{settings().region}/queues/alerts"
    client.create_task(
        parent=queue,
        task=tasks_v2.Task(
            name=f"{queue}/tasks/{name}",
            http_request=tasks_v2.HttpRequest(
                http_method=tasks_v2.HttpMethod.POST,
                url=f"{worker.url}/alerts_worker/{job}",
                headers={"Content-Type": "application/json"},
                body=json.dumps(payload).encode(),
            ),
        ),
    )


def address(uid: str) -> str:
    return f"{uid}@example.org"


def test_a_new_aid_is_mailed_once_to_exactly_who_it_concerns(
    worker, sink, signing_key, function_client
):
    previous_run_without(NEW_AID)
    camille = person("camille")
    alex = person("alex", language="en")
    restricted = person("restricted", restricted=True)
    objecting = person("objecting", objections=["alerts"])
    unsubscribed = person("unsubscribed")
    bounced = person("bounced")
    already_told = person("seen", saw_new_aid=True)

    # One person leaves the alerts through the one-click link of an earlier mail…
    key = settings().mail_token_key or b""
    token = rules.unsubscribe_token(key, "alerts", unsubscribed)
    left = function_client("alerts").post(
        f"/unsubscribe/{token}", data="List-Unsubscribe=One-Click"
    )
    assert left.status_code == 200 and left.get_json() == {"unsubscribed_from": "alerts"}
    # …and SendGrid reports that another's address bounced.
    bounce = [{"event": "bounce", "email": address(bounced), "timestamp": int(time.time())}]
    reported = function_client("alerts").post("/mail_events", **signed_events(signing_key, bounce))
    assert reported.status_code == 200 and reported.get_json()["suppressed"] == 1

    answer = scheduler_call(worker, "2026-11-30T07:00:00Z")

    assert answer.status_code == 200, answer.text
    run_id = f"daily-{datetime.now(UTC):%Y-%m-%d}"
    run = document_store.get(ALERT_RUNS.path(run_id=run_id), AlertRun)
    assert run is not None and run.new_aids == [NEW_AID] and run.aids == [NEW_AID]
    # Dispatch already leaves out who is restricted, objects, or turned alerts off (R26).
    assert run.skipped == {"processing_restricted": 1, "purpose_objected": 1}
    assert run.selected == 4 and run.batches == 1
    prefix = rules.batch_task_name(run_id, 0)
    worker.wait_done(prefix, 1)

    told = {
        uid
        for uid in (camille, alex, restricted, objecting, unsubscribed, bounced, already_told)
        if mails_to(sink, address(uid))
    }
    assert told == {camille, alex}
    (french,) = mails_to(sink, address(camille))
    assert french["body"]["subject"] == "Sésame : de nouvelles aides peuvent vous concerner"
    content = french["body"]["content"][0]["value"]
    assert "Revenu de solidarité active" in content and "par mois" in content
    unsubscribe = french["body"]["headers"]["List-Unsubscribe"]
    assert unsubscribe.startswith("<http") and "/alerts/unsubscribe/a" in unsubscribe
    assert french["body"]["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    (english,) = mails_to(sink, address(alex))
    assert english["body"]["subject"] == "Sésame: new aids may concern you"
    delivery = document_store.get(ALERT_DELIVERIES.path(uid=camille, run_id=run_id), AlertDelivery)
    assert delivery is not None and delivery.status == "sent" and set(delivery.aids) == {NEW_AID}

    # Everything again: the scheduler retries, every task is redelivered under its own
    # name, and once under a new name (a crash after sending, before the receipt).
    assert scheduler_call(worker, "2026-11-30T07:05:00Z").status_code == 200
    uids = [camille, alex, unsubscribed, bounced, already_told]
    payload = AlertBatch(run_id=run_id, batch=0, uids=uids).model_dump()
    create_task(worker, prefix, payload)
    create_task(worker, f"{prefix}-replayed", payload)
    worker.wait_done(f"{prefix}-replayed", 1)
    worker.wait_done(prefix, 4)  # the first delivery, the re-dispatch, the redelivery, the replay
    time.sleep(0.5)

    messages = requests.get(f"{sink}/_sink/messages", timeout=5).json()
    assert len(messages) == 2
    # A later run with nothing changed evaluates nobody.
    later = alerts.dispatch("later-run", "operator")
    assert later.reason == "nothing_changed" and later.batches == 0

    staff = emulators.create_user(role="staff")
    seen = function_client("alerts").get(f"/runs/{run_id}", headers=staff.headers)
    assert seen.status_code == 200, seen.data
    counts = seen.get_json()
    assert (counts["selected"], counts["sent"], counts["failed"]) == (4, 2, 0)
    assert counts["skipped"] == {
        "processing_restricted": 1,
        "purpose_objected": 1,
        "address_suppressed": 1,
    }
    assert (counts["evaluated"], counts["newly_eligible"], counts["batches_done"]) == (3, 2, 1)


def test_a_batch_reads_each_persons_own_newest_simulation_and_alert_in_bulk() -> None:
    """The worker reads a batch's profiles, simulations and alerts in bulk: each person is
    still compared with their *own newest* simulation and sent alert, in batch order."""

    def newer_simulation(uid: str, saw_new_aid: bool) -> None:
        seen = [{"aid_id": NEW_AID, "status": "eligible", "monthly_amount": 612.5}]
        document_store.add(
            SIMULATIONS.collection(uid=uid),
            StoredSimulation(
                answers=SINGLE_NO_INCOME,
                month=current_month(),
                engine_version="openfisca-france==earlier",
                catalogue_version="000000000000",
                results=seen if saw_new_aid else [],
                monthly_total=0.0,
                created_at=datetime.now(UTC) - timedelta(days=1),
            ),
        )

    saw_it_last = person("saw-it-last")
    newer_simulation(saw_it_last, saw_new_aid=True)
    saw_it_before = person("saw-it-before", saw_new_aid=True)
    newer_simulation(saw_it_before, saw_new_aid=False)
    told = person("told")
    now = datetime.now(UTC)
    for run_id, amount, status in (("older", 480.0, "sent"), ("newer", 0.0, "failed")):
        document_store.put(
            ALERT_DELIVERIES.path(uid=told, run_id=run_id),
            AlertDelivery(
                run_id=run_id,
                aids={NEW_AID: amount},
                status=status,
                created_at=now - timedelta(days=2 if run_id == "older" else 1),
                updated_at=now,
            ),
        )
    gone = f"gone-{uuid.uuid4().hex[:8]}"
    uids = [saw_it_before, gone, told, saw_it_last]

    households, people, skipped = alerts._households(
        AlertBatch(run_id="bulk-reads", batch=0, uids=uids)
    )

    assert skipped == {"not_registered": 1}
    assert [uid for uid, _, _ in people] == [saw_it_before, told, saw_it_last]
    assert [profile.uid for _, profile, _ in people] == [saw_it_before, told, saw_it_last]
    assert len(households) == 3
    seen = {uid: amounts for uid, _, amounts in people}
    assert seen[saw_it_before] == {}  # the newer result no longer shows the aid
    assert seen[saw_it_last] == {NEW_AID: 612.5}
    assert seen[told] == {NEW_AID: 480.0}  # the newest *sent* alert, not the failed one
    paths = [BENEFICIARY.path(uid=uid) for uid in (told, gone, told)]
    found = document_store.get_many(paths, BeneficiaryProfile)
    assert [p.uid if p else None for p in found] == [told, None, told]


def test_a_refused_address_is_recorded_failed_and_a_busy_provider_retried(
    worker, sink, signing_key
):
    previous_run_without(NEW_AID)
    refused = person("refused")
    later = person("later")

    fail_next_sends(400)  # the first address is refused for good
    alerts.dispatch("op-refusal", "operator")
    worker.wait_done(rules.batch_task_name("op-refusal", 0), 1)

    first = document_store.get(
        ALERT_DELIVERIES.path(uid=refused, run_id="op-refusal"), AlertDelivery
    )
    second = document_store.get(
        ALERT_DELIVERIES.path(uid=later, run_id="op-refusal"), AlertDelivery
    )
    outcomes = {first.status if first else None, second.status if second else None}
    assert outcomes == {"failed", "sent"}
    assert len(requests.get(f"{sink}/_sink/messages", timeout=5).json()) == 1

    clear_sink()
    document_store.delete(ALERT_RUNS.path(run_id="op-refusal"))  # the aid is new again
    fail_next_sends(503)  # SendGrid down once: the batch is retried, then sends
    fresh = person("fresh")
    alerts.dispatch("op-busy", "operator")
    statuses = [s for _, s in worker.wait_done(rules.batch_task_name("op-busy", 0), 1)]

    assert 503 in statuses
    assert len(mails_to(sink, address(fresh))) == 1
    # The refused address is tried again in this new run; who got the aid before is not.
    assert len(requests.get(f"{sink}/_sink/messages", timeout=5).json()) == 2


def test_webhook_refuses_an_unsigned_or_forged_delivery(function_client, signing_key):
    events = [{"event": "bounce", "email": "someone@example.org", "timestamp": 1}]
    forged = signed_events(ec.generate_private_key(ec.SECP256R1()), events)
    unsigned = {"data": json.dumps(events), "content_type": "application/json"}

    for attempt in (forged, unsigned):
        answer = function_client("alerts").post("/mail_events", **attempt)
        assert answer.status_code == 401
        assert answer.get_json()["code"] == "unauthenticated"
    assert not mail_suppressions.is_suppressed("someone@example.org")


def test_a_forged_unsubscribe_link_changes_nothing(function_client):
    uid = person("kept")
    token = rules.unsubscribe_token(b"not-the-service-key", "alerts", uid)

    answer = function_client("alerts").post(f"/unsubscribe/{token}")

    assert answer.status_code == 400 and answer.get_json()["code"] == "link_invalid"
    stored = document_store.get(BENEFICIARY.path(uid=uid), BeneficiaryProfile)
    assert stored is not None and stored.alerts_by_email is True


def test_a_bounced_invited_address_is_flagged_and_not_mailed(function_client, signing_key, sink):
    staff = emulators.create_user(role="staff")
    client = function_client("organisations")
    created = client.post("/", json=CLIENT, headers=staff.headers)
    assert created.status_code == 201, created.data
    org = created.get_json()["id"]
    admin = emulators.create_user()
    assert client.put(f"/{org}/admins/{admin.uid}", headers=staff.headers).status_code == 200
    target = f"bounced-{uuid.uuid4().hex[:6]}@corp.example"
    bounce = [{"event": "bounce", "email": target, "timestamp": int(time.time())}]
    assert (
        function_client("alerts").post("/mail_events", **signed_events(signing_key, bounce))
    ).status_code == 200

    invited = client.post(
        f"/{org}/invitations", json={"emails": [target]}, headers=admin.refresh().headers
    )

    assert invited.status_code == 200, invited.data
    assert invited.get_json()["invitations"][0]["bounced"] is True
    assert mails_to(sink, target) == []


# ------------------------------------------------------------------ promotion (R10)

NEWSLETTER = next(r for r in ROUTES if r.operation_id == "sendCampaign").example_body


def consenting(name: str, **changes: Any) -> str:
    granted = ConsentState(granted=True, policy_version="2026-11", changed_at=datetime.now(UTC))
    refused = ConsentState(granted=False, policy_version="2026-11", changed_at=datetime.now(UTC))
    return person(name, consents={"promotion": granted, "vault": refused}, **changes)


def test_a_campaign_reaches_only_consenting_verified_people_and_a_withdrawal_stops_the_next(
    worker, sink, signing_key, function_client
):
    fan = consenting("fan")
    unverified = consenting("unverified", email_verified=False)
    objecting = consenting("objecting", objections=["promotion"])
    bounced = consenting("bounced")
    silent = person("silent")  # never consented
    bounce = [{"event": "spamreport", "email": address(bounced), "timestamp": int(time.time())}]
    reported = function_client("alerts").post("/mail_events", **signed_events(signing_key, bounce))
    assert reported.status_code == 200
    staff = emulators.create_user(role="staff")
    client = function_client("alerts")

    first = client.post("/campaigns", json=NEWSLETTER, headers=staff.headers)

    assert first.status_code == 201, first.data
    body = first.get_json()
    assert body["selected"] == 1
    assert body["skipped"] == {
        "email_unverified": 1,
        "purpose_objected": 1,
        "address_suppressed": 1,
    }
    worker.wait_done(f"campaign-{body['id']}-00000", 1)
    assert {
        u for u in (fan, unverified, objecting, bounced, silent) if mails_to(sink, address(u))
    } == {fan}
    (mail,) = mails_to(sink, address(fan))
    assert mail["body"]["subject"] == "Les nouveautés de Sésame"
    link = mail["body"]["headers"]["List-Unsubscribe"].strip("<>")
    token = link.rsplit("/", 1)[1]
    assert token.startswith("p")

    left = client.post(f"/unsubscribe/{token}", data="List-Unsubscribe=One-Click")

    assert left.status_code == 200 and left.get_json() == {"unsubscribed_from": "promotion"}
    profile = document_store.get(BENEFICIARY.path(uid=fan), BeneficiaryProfile)
    assert profile is not None and profile.consents["promotion"].granted is False
    events = list(document_store.list_collection(CONSENT_EVENTS.collection(uid=fan), ConsentEvent))
    assert [(e.purpose, e.granted, e.source) for _, e in events] == [
        ("promotion", False, "unsubscribe_link")
    ]
    time.sleep(1.1)  # campaign ids are per second
    clear_sink()
    second = client.post("/campaigns", json=NEWSLETTER, headers=staff.headers)
    assert second.status_code == 201 and second.get_json()["selected"] == 0
    assert requests.get(f"{sink}/_sink/messages", timeout=5).json() == []


def test_a_consent_withdrawn_after_dispatch_is_honoured_at_send_time(worker, sink, signing_key):
    fan = consenting("late")
    campaign = campaigns.Campaign(
        kind="survey",
        text=campaigns.CampaignRequest.model_validate(NEWSLETTER).text,
        selected=1,
        batches=1,
        created_at=datetime.now(UTC),
    )
    document_store.put(campaigns.CAMPAIGNS.path(campaign_id="c-late"), campaign)
    profile = document_store.get(BENEFICIARY.path(uid=fan), BeneficiaryProfile)
    assert profile is not None
    refused = ConsentState(granted=False, policy_version="2026-11", changed_at=datetime.now(UTC))
    withdrawn = profile.model_copy(update={"consents": {**profile.consents, "promotion": refused}})
    document_store.put(BENEFICIARY.path(uid=fan), withdrawn)

    payload = {"campaign_id": "c-late", "batch": 0, "uids": [fan]}
    create_task(worker, "campaign-c-late-00000", payload, job="send_campaign")
    worker.wait_done("campaign-c-late-00000", 1)

    assert mails_to(sink, address(fan)) == []
    counts = campaigns.campaign_out("c-late")
    assert (counts.sent, counts.skipped) == (0, {"consent_required": 1})


def test_an_operator_starts_a_run_from_the_command_line(worker, sink, signing_key, capsys):
    from shared.cli import main

    previous_run_without(NEW_AID)
    camille = person("camille")

    assert main(["alerts-run"]) == 0

    printed = json.loads(capsys.readouterr().out)
    assert (printed["trigger"], printed["reason"], printed["new_aids"]) == (
        "operator",
        "new_aids",
        [NEW_AID],
    )
    assert (printed["selected"], printed["batches"]) == (1, 1)
    worker.wait_done(rules.batch_task_name(printed["id"], 0), 1)
    assert len(mails_to(sink, address(camille))) == 1


def test_a_batch_is_evaluated_with_the_collector_paused_and_mails_sent_side_by_side(
    worker, sink, signing_key, monkeypatch
):
    """A batch is read and evaluated with the cyclic garbage collector off (back on
    afterwards); its mails leave several at a time, each person still gets exactly
    one and their delivery record says sent."""
    import gc
    import threading

    from shared.adapters import mail
    from shared.services import eligibility

    previous_run_without(NEW_AID)
    people = [person(f"side-{i}") for i in range(6)]
    collector_on_while_evaluating: list[bool] = []
    real_evaluate = eligibility.evaluate_batch

    def evaluate(*args: Any, **kwargs: Any) -> Any:
        collector_on_while_evaluating.append(gc.isenabled())
        return real_evaluate(*args, **kwargs)

    # The first two sends wait for each other: sent one after the other, the
    # first would wait alone until the barrier breaks, and the task would fail.
    together = threading.Barrier(2, timeout=30)
    calls = iter(range(1_000))
    real_send = mail.send

    def send(*args: Any, **kwargs: Any) -> str:
        if next(calls) < 2:
            together.wait()
        return real_send(*args, **kwargs)

    monkeypatch.setattr(eligibility, "evaluate_batch", evaluate)
    monkeypatch.setattr(mail, "send", send)
    run_id = f"op-side-{uuid.uuid4().hex[:6]}"

    alerts.dispatch(run_id, "operator")
    answers = worker.wait_done(rules.batch_task_name(run_id, 0), 1)

    assert [status for _, status in answers] == [200]
    assert collector_on_while_evaluating == [False]
    assert gc.isenabled()
    for uid in people:
        assert len(mails_to(sink, address(uid))) == 1
        delivery = document_store.get(ALERT_DELIVERIES.path(uid=uid, run_id=run_id), AlertDelivery)
        assert delivery is not None and delivery.status == "sent"
