"""Erasure reaches pending tasks that name the person among others (R21, R22), on the emulators.

A smart-alert run is dispatched while its queue is paused, so its batch task
waits in the Cloud Tasks emulator naming three people. One of them is erased:
the batch is queued again without them (as the ``evaluate_batch`` task kind
declares in the registry), the final scan reads every pending payload, and
once the queue runs the two others are still alerted. A declaration that
forgets the list is caught by the scan, and the job finishes once it is fixed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from shared.adapters import task_queue
from shared.config import settings
from shared.domain import alerts as rules
from shared.domain import data_registry as registry
from shared.domain.access import Access, Actor, ActorKind, Scope
from shared.domain.data_registry import TaskKind
from shared.models.privacy import ErasureJob
from shared.services import alerts, erasure
from tests.integration.test_alerts import NEW_AID, address, person, previous_run_without
from tests.support.mail_sink import clear_sink, mails_to
from tests.support.served_gateway import Worker, serve


@pytest.fixture(scope="module")
def worker() -> Iterator[Worker]:
    yield from serve()


@pytest.fixture
def alerts_to_worker(monkeypatch: pytest.MonkeyPatch, worker: Worker) -> Iterator[str]:
    """Alert tasks post to the in-process worker; the alerts queue holds them until resumed."""
    configured = dataclasses.replace(
        settings(), worker_urls={**settings().worker_urls, "alerts": f"{worker.url}/alerts_worker"}
    )
    monkeypatch.setattr(alerts, "settings", lambda: configured)
    monkeypatch.setattr(erasure, "enqueue", lambda job: "not-queued")  # the test runs the job
    client = task_queue._client()
    queue = task_queue.queue_path(alerts.QUEUE)
    client.pause_queue(name=queue)
    sink = clear_sink()
    try:
        yield sink
    finally:
        client.resume_queue(name=queue)
        clear_sink()


def erase(uid: str) -> tuple[ErasureJob, str | None]:
    """Run the erasure job of ``uid`` once; returns the stored job and the failure, if any."""
    job = erasure.start_erasure(uid, email=address(uid))
    actor = Actor(uid=uid, kind=ActorKind.BENEFICIARY, email=address(uid))
    access = Access(actor, uid, Scope.PRIVACY_ERASE, "erasure")
    try:
        erasure.run_erasure(access, erasure.ErasureTask(job_id=job.subject_ref))
        failure = None
    except erasure.StoreFailure as error:
        failure = str(error)
    return erasure._load(job.subject_ref), failure


def batches_naming(uid: str) -> list[str]:
    queue = task_queue.queue_path(alerts.QUEUE)
    return [name for name in task_queue.tasks_naming(uid) if name.startswith(queue)]


def test_an_erased_person_leaves_the_pending_batch_and_the_others_are_still_alerted(
    worker, alerts_to_worker, monkeypatch
):
    sink = alerts_to_worker
    previous_run_without(NEW_AID)
    camille, alex, leaving = person("camille"), person("alex"), person("leaving")
    run_id = f"erasure-{datetime.now(UTC):%H%M%S%f}"
    alerts.dispatch(run_id, "operator")
    (pending,) = batches_naming(leaving)
    assert batches_naming(camille) == batches_naming(alex) == [pending]
    assert pending.endswith("/" + rules.batch_task_name(run_id, 0))

    # A declaration that forgets the batch's list: erasure leaves the task, the scan sees it.
    forgetful = tuple(
        TaskKind(kind.job, reason="declared wrong") if kind.job == alerts.BATCH_JOB else kind
        for kind in registry.TASK_KINDS
    )
    with monkeypatch.context() as wrong:
        wrong.setattr(registry, "TASK_KINDS", forgetful)
        job, failure = erase(leaving)
    assert failure == "scan_found_data" and job.status == "failed"
    assert job.remaining_after_scan["task_payloads"] == 1
    assert job.stores["task_payloads"].state == "failed"
    assert batches_naming(leaving) == [pending]

    # The declaration as registered: the resumed job queues the batch again without them.
    job, failure = erase(leaving)
    assert failure is None and job.status == "done", job
    assert job.remaining_after_scan["task_payloads"] == 0
    assert batches_naming(leaving) == []
    (rewritten,) = batches_naming(camille)
    assert batches_naming(alex) == [rewritten] and rewritten != pending
    assert rewritten.rsplit("/", 1)[-1].startswith(rules.batch_task_name(run_id, 0))

    task_queue._client().resume_queue(name=task_queue.queue_path(alerts.QUEUE))
    answered = worker.wait_done(rules.batch_task_name(run_id, 0), 1)
    assert {name for name, _ in answered} == {rewritten.rsplit("/", 1)[-1]}
    assert len(mails_to(sink, address(camille))) == 1
    assert len(mails_to(sink, address(alex))) == 1
    assert mails_to(sink, address(leaving)) == []

    # The run dispatched again: nobody is mailed twice and the erased person is in no task.
    alerts.dispatch(run_id, "operator")
    worker.wait_done(rules.batch_task_name(run_id, 0), 2)
    assert batches_naming(leaving) == []
    assert len(mails_to(sink, address(camille))) == len(mails_to(sink, address(alex))) == 1
