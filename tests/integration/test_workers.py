"""Task and event workers on the real emulators: each delivery takes effect once.

Cloud Tasks deliver at least once and the emulator ignores task-name dedup,
so these tests create the same task several times and let the emulator
redeliver after failures: the worker's receipts (a Firestore transaction
before any side effect) must make the effect happen once. SendGrid is the
devstack sink; its outage switch stands for SendGrid being down.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import grpc
import pytest
import requests
from google.cloud import tasks_v2
from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport
from werkzeug.serving import make_server

from devstack.gateway import build_app
from devstack.storage_events import deliver_finalized
from shared.adapters import document_store, object_store
from shared.api.worker import Delivery
from shared.config import settings
from shared.domain.policy import CURRENT_POLICY
from shared.models.access import WorkerReceipt
from tests.support.seed import journal_about, seed_profile

OLD_POLICY = "2025-01"  # a version accepted before the current one was published


@dataclass
class Worker:
    """The gateway served in-process, recording every delivery it answers."""

    url: str = ""
    answered: list[tuple[str, str, int]] = field(default_factory=list)  # path, task, status
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answers_for(self, task: str) -> list[int]:
        with self.lock:
            return [status for _, name, status in self.answered if name == task]

    def wait(self, task: str, done: Any, timeout: float = 20) -> list[int]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            statuses = self.answers_for(task)
            if done(statuses):
                return statuses
            time.sleep(0.05)
        raise AssertionError(f"deliveries of {task}: {self.answers_for(task)}")


@pytest.fixture(scope="module")
def worker() -> Iterator[Worker]:
    state = Worker()
    app = build_app("http://127.0.0.1")

    def recording(environ: dict[str, Any], start_response: Any) -> Any:
        path = environ["PATH_INFO"]
        task = environ.get("HTTP_X_CLOUDTASKS_TASKNAME", "")

        def start(status: str, headers: Any, exc_info: Any = None) -> Any:
            with state.lock:
                state.answered.append((path, task, int(status.split()[0])))
            return start_response(status, headers, exc_info)

        return app(environ, start)

    server = make_server("127.0.0.1", 0, recording, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.url = f"http://127.0.0.1:{server.server_port}"
    yield state
    server.shutdown()


@pytest.fixture
def sink() -> Iterator[str]:
    base = settings().sendgrid_api_host or ""
    requests.delete(f"{base}/_sink/messages", timeout=5).raise_for_status()
    yield base
    requests.delete(f"{base}/_sink/messages", timeout=5).raise_for_status()


def mails_to(sink: str, address: str) -> list[dict[str, Any]]:
    messages = requests.get(f"{sink}/_sink/messages", timeout=5).json()
    return [
        m
        for m in messages
        if any(to["email"] == address for p in m["body"]["personalizations"] for to in p["to"])
    ]


def enqueue(worker: Worker, task_id: str, payload: str, times: int = 1) -> None:
    """Create the task ``task_id`` ``times`` times (what at-least-once delivery amounts to)."""
    channel = grpc.insecure_channel(settings().tasks_emulator_host or "")
    client = tasks_v2.CloudTasksClient(transport=CloudTasksGrpcTransport(channel=channel))
    queue = f"projects/{settings().project}/locations/{settings().region}/queues/notices"
    for _ in range(times):
        client.create_task(
            parent=queue,
            task=tasks_v2.Task(
                name=f"{queue}/tasks/{task_id}",
                http_request=tasks_v2.HttpRequest(
                    http_method=tasks_v2.HttpMethod.POST,
                    url=f"{worker.url}/notices_worker/notify_policy_revision",
                    headers={"Content-Type": "application/json"},
                    body=payload.encode(),
                ),
            ),
        )


def receipt_of(task_id: str) -> WorkerReceipt | None:
    queue = f"projects/{settings().project}/locations/{settings().region}/queues/notices"
    delivery = Delivery("task", f"task:{queue}:{task_id}", "")
    return document_store.get(delivery.receipt_path, WorkerReceipt)


def notice(uid: str) -> str:
    return f'{{"uid": "{uid}", "policy_version": "{CURRENT_POLICY.version}"}}'


def test_a_task_delivered_three_times_sends_one_mail(worker, sink):
    person = seed_profile(f"u-{uuid.uuid4().hex[:8]}", policy_version=OLD_POLICY, language="en")
    task_id = f"notice-{uuid.uuid4().hex}"

    enqueue(worker, task_id, notice(person.uid), times=3)

    statuses = worker.wait(task_id, lambda s: s.count(200) >= 3)
    assert set(statuses) <= {200, 503}  # 503: a copy arrived while the first was running
    mails = mails_to(sink, person.email)
    assert len(mails) == 1
    assert mails[0]["body"]["subject"] == "Sésame: our privacy policy is changing"
    receipt = receipt_of(task_id)
    assert receipt is not None and receipt.status == "done"
    assert [e.action for e in journal_about(person.uid)] == ["notify_policy_revision"]


def test_a_transient_failure_is_retried_until_it_succeeds(worker, sink):
    person = seed_profile(f"u-{uuid.uuid4().hex[:8]}", policy_version=OLD_POLICY)
    task_id = f"notice-{uuid.uuid4().hex}"
    requests.post(f"{sink}/_sink/outages", json={"status": 503, "count": 1}, timeout=5)

    enqueue(worker, task_id, notice(person.uid))

    statuses = worker.wait(task_id, lambda s: 200 in s)
    assert statuses == [503, 200]
    mails = mails_to(sink, person.email)
    assert len(mails) == 1
    assert mails[0]["body"]["subject"].startswith("Sésame : notre politique")  # French default
    receipt = receipt_of(task_id)
    assert receipt is not None and (receipt.status, receipt.attempts) == ("done", 2)


@pytest.mark.parametrize(
    "payload, code",
    [
        (notice("nobody-here"), "not_registered"),
        ('{"uid": "x", "policy_version": "1999-01"}', "unknown_policy_version"),
        ('{"uid": "x"}', "validation_failed"),
        ("not json", "validation_failed"),
    ],
    ids=["unknown-subject", "unknown-version", "missing-field", "not-json"],
)
def test_a_permanent_failure_is_recorded_and_not_retried(worker, sink, payload, code):
    task_id = f"notice-{uuid.uuid4().hex}"

    enqueue(worker, task_id, payload)

    worker.wait(task_id, lambda s: len(s) >= 1)
    time.sleep(1.0)  # the emulator retries a failure within 0.1 s: none may come
    assert worker.answers_for(task_id) == [200]
    receipt = receipt_of(task_id)
    assert receipt is not None
    assert (receipt.status, receipt.error_code) == ("failed_permanently", code)
    assert requests.get(f"{sink}/_sink/messages", timeout=5).json() == []


def test_a_call_without_task_headers_is_refused_and_does_nothing(worker, sink):
    person = seed_profile(f"u-{uuid.uuid4().hex[:8]}", policy_version=OLD_POLICY)

    response = requests.post(
        f"{worker.url}/notices_worker/notify_policy_revision",
        data=notice(person.uid),
        headers={"Content-Type": "application/json"},
        timeout=10,
    )

    assert response.status_code == 401
    assert mails_to(sink, person.email) == []
    assert journal_about(person.uid) == []


# ------------------------------------------------------------------ Storage events


def upload(name: str) -> None:
    from google.auth.credentials import AnonymousCredentials
    from google.cloud.storage import Client

    client = Client(project=settings().project, credentials=AnonymousCredentials())
    client.bucket(settings().vault_bucket).blob(name).upload_from_string(
        b"%PDF-1.4 avis d'imposition", content_type="application/pdf"
    )


def finalize(worker: Worker, name: str) -> Any:
    """Deliver the finalize event of vault object ``name`` to the worker, as Eventarc would."""
    return deliver_finalized(
        settings().storage_emulator_host or "",
        f"{worker.url}/vault_events",
        settings().vault_bucket,
        name,
    )


def uploaded_through_a_slot(uid: str) -> str:
    """A vault upload as the browser makes it: a slot, then the bytes; returns the object name."""
    from shared.adapters.vault_objects import VaultObjects
    from shared.domain.access import Access, Actor, ActorKind, Scope
    from shared.models.vault import UploadSlotRequest
    from shared.services import vault as vault_service
    from tests.support.sample_files import pdf

    data = pdf()
    access = Access(Actor(uid, ActorKind.BENEFICIARY), uid, Scope.VAULT_WRITE, "vault")
    wiring = vault_service.default_vault()
    slot = vault_service.request_upload_slot(
        wiring,
        access,
        UploadSlotRequest(content_type="application/pdf", size=len(data), kind="tax_notice"),
    )
    name = wiring.owner_prefix(uid) + slot.document_id
    VaultObjects().write(name, data, "application/pdf")
    return name


def test_a_finalize_event_delivered_three_times_takes_effect_once(worker):
    from shared.adapters.vault_metadata import FirestoreVaultMetadata

    person = seed_profile(f"u-{uuid.uuid4().hex[:8]}", vault=True)
    name = uploaded_through_a_slot(person.uid)
    storage_url = settings().storage_emulator_host or ""

    answers = [
        deliver_finalized(storage_url, f"{worker.url}/vault_events", settings().vault_bucket, name)
        for _ in range(3)
    ]

    assert [a.status for a in answers] == [200, 200, 200]
    assert [a.body.count('"available"') for a in answers] == [1, 0, 0]
    assert all('"duplicate"' in a.body for a in answers[1:])
    (record,) = FirestoreVaultMetadata().all(person.uid)
    assert record.status.value == "available" and record.object_name == name
    assert [e.action for e in journal_about(person.uid)] == [
        "google.cloud.storage.object.v1.finalized"
    ]


def test_a_file_of_an_owner_without_vault_consent_is_deleted(worker):
    from shared.adapters.vault_metadata import FirestoreVaultMetadata

    person = seed_profile(f"u-{uuid.uuid4().hex[:8]}", vault=True)
    name = uploaded_through_a_slot(person.uid)
    seed_profile(person.uid, vault=False)

    answer = finalize(worker, name)

    assert answer.status == 200 and "deleted_vault_consent_required" in answer.body
    assert object_store.metadata(settings().vault_bucket, name) is None
    assert FirestoreVaultMetadata().all(person.uid) == []


def test_a_file_no_upload_slot_announced_is_deleted(worker):
    person = seed_profile(f"u-{uuid.uuid4().hex[:8]}", vault=True)
    name = f"{person.uid}/{uuid.uuid4().hex}.pdf"
    upload(name)

    answer = finalize(worker, name)

    assert answer.status == 200 and "deleted_unknown_object" in answer.body
    assert object_store.metadata(settings().vault_bucket, name) is None


def test_an_object_outside_any_owner_prefix_is_a_recorded_permanent_failure(worker):
    name = f"loose-{uuid.uuid4().hex}.pdf"
    upload(name)

    answer = finalize(worker, name)

    assert answer.status == 200 and "failed_permanently" in answer.body
    assert object_store.metadata(settings().vault_bucket, name) == {}
