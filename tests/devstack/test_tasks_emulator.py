"""The Cloud Tasks emulator has the project's queues and really delivers HTTP tasks."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import grpc
import pytest
from google.cloud import tasks_v2
from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport

PARENT = "projects/demo-sesame/locations/europe-west3"


@dataclass
class Receiver:
    """A local HTTP endpoint standing in for a task worker; answers from a script.

    Header names are kept lower-case: the emulator (urllib) sends ``X-Cloudtasks-Queuename``.
    """

    statuses: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def wait_for(self, count: int, timeout: float = 15) -> list[tuple[dict[str, str], bytes]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.05)
        raise AssertionError(f"{count} deliveries expected, got {len(self.received)}")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with state.lock:
                state.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def tasks_client(stack_env: dict[str, str]) -> tasks_v2.CloudTasksClient:
    channel = grpc.insecure_channel(stack_env["CLOUD_TASKS_EMULATOR_HOST"])
    return tasks_v2.CloudTasksClient(transport=CloudTasksGrpcTransport(channel=channel))


def test_project_queues_exist(tasks_client: tasks_v2.CloudTasksClient) -> None:
    names = {queue.name for queue in tasks_client.list_queues(parent=PARENT)}

    assert {f"{PARENT}/queues/{q}" for q in ("alerts", "erasure", "exports", "default")} <= names


def test_http_task_is_delivered(
    tasks_client: tasks_v2.CloudTasksClient, receiver: Receiver
) -> None:
    payload = {"user_id": "u-123", "job": "export"}
    task = tasks_client.create_task(
        parent=f"{PARENT}/queues/exports",
        task=tasks_v2.Task(
            http_request=tasks_v2.HttpRequest(
                http_method=tasks_v2.HttpMethod.POST,
                url=f"{receiver.url}/tasks/export",
                headers={"Content-Type": "application/json"},
                body=json.dumps(payload).encode(),
            )
        ),
    )

    [(headers, body)] = receiver.wait_for(1)

    assert json.loads(body) == payload
    assert headers["content-type"] == "application/json"
    assert headers["x-cloudtasks-queuename"] == f"{PARENT}/queues/exports"
    assert headers["x-cloudtasks-taskname"] == task.name.rsplit("/", 1)[-1]
    assert headers["x-cloudtasks-taskretrycount"] == "0"


def test_failed_task_is_redelivered(
    tasks_client: tasks_v2.CloudTasksClient, receiver: Receiver
) -> None:
    """At-least-once: a 503 makes the queue try again (what idempotency tests rely on)."""
    receiver.statuses = [503]
    tasks_client.create_task(
        parent=f"{PARENT}/queues/alerts",
        task=tasks_v2.Task(
            http_request=tasks_v2.HttpRequest(url=f"{receiver.url}/tasks/alert", body=b"{}")
        ),
    )

    deliveries = receiver.wait_for(2)

    assert [h["x-cloudtasks-taskretrycount"] for h, _ in deliveries[:2]] == ["0", "1"]
    time.sleep(0.5)  # the 200 ended it: no third delivery
    assert len(receiver.received) == 2


def test_a_task_scheduled_for_later_stays_listed_and_deletable(
    tasks_client: tasks_v2.CloudTasksClient,
) -> None:
    """Erasure lists the pending tasks naming a person, deletes them, then scans again
    (R21): a task not due yet must be in its queue at every instant. (0.6.2's dispatcher
    took each one out and appended it again ten times a second: a list or a delete in
    between missed it, and the deleted task came back.)"""
    queue = f"{PARENT}/queues/default"
    later = datetime.now(UTC) + timedelta(days=1)
    request = tasks_v2.HttpRequest(url="http://127.0.0.1:9/never/later", body=b"{}")
    names = {
        tasks_client.create_task(
            parent=queue, task=tasks_v2.Task(http_request=request, schedule_time=later)
        ).name
        for _ in range(200)
    }
    try:
        seen: set[int] = set()
        deadline = time.monotonic() + 1.0  # ten passes of the dispatcher
        while time.monotonic() < deadline:
            listed = {task.name for task in tasks_client.list_tasks(parent=queue)}
            seen.add(len(names & listed))
        assert seen == {len(names)}
    finally:
        for name in names:
            tasks_client.delete_task(name=name)  # NOT_FOUND if it was out at that instant
