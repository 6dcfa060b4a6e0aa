"""Who may deliver to a worker: OIDC in production, the emulator's headers locally."""

from __future__ import annotations

import pytest
from flask import Flask, request

from shared.api import worker
from shared.api.worker import CallerRefused, Delivery, task_delivery
from shared.config import load_settings

QUEUE = "projects/demo-sesame/locations/europe-west3/queues/default"
TASK_HEADERS = {
    "X-CloudTasks-QueueName": QUEUE,
    "X-CloudTasks-TaskName": "t-123",
    "X-CloudTasks-TaskRetryCount": "2",
}
LOCAL = {
    "SESAME_ENV": "local",
    "GOOGLE_CLOUD_PROJECT": "demo-sesame",
    "FIRESTORE_EMULATOR_HOST": "127.0.0.1:1",
    "FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:2",
    "STORAGE_EMULATOR_HOST": "http://127.0.0.1:3",
    "CLOUD_TASKS_EMULATOR_HOST": "127.0.0.1:4",
    "SENDGRID_API_HOST": "http://127.0.0.1:5",
}
PRODUCTION = {
    "SESAME_ENV": "production",
    "GOOGLE_CLOUD_PROJECT": "sesame-prod",
    "SESAME_CORS_ORIGINS": "https://app.sesame.example",
    "SESAME_TASKS_INVOKER": "tasks-invoker@sesame-prod.iam.gserviceaccount.com",
    "SESAME_SCHEDULER_INVOKER": "scheduler-invoker@sesame-prod.iam.gserviceaccount.com",
}


def delivery(environ: dict[str, str], headers: dict[str, str], monkeypatch) -> Delivery:
    config = load_settings(environ)
    monkeypatch.setattr(worker, "settings", lambda: config)
    with Flask(__name__).test_request_context("/job", method="POST", headers=headers):
        return task_delivery(request)


def test_locally_the_emulator_headers_identify_the_task(monkeypatch):
    found = delivery(LOCAL, TASK_HEADERS, monkeypatch)
    assert (found.source, found.key, found.attempt) == ("task", f"task:{QUEUE}:t-123", 2)


def test_a_scheduled_call_is_keyed_by_job_and_schedule_time(monkeypatch):
    headers = {
        "X-CloudScheduler-JobName": "retention-sweep",
        "X-CloudScheduler-ScheduleTime": "2026-11-30T03:30:00+01:00",
    }
    found = delivery(LOCAL, headers, monkeypatch)
    assert found.key == "scheduler:retention-sweep:2026-11-30T03:30:00+01:00"


def test_without_task_or_scheduler_headers_nothing_runs(monkeypatch):
    with pytest.raises(CallerRefused) as refused:
        delivery(LOCAL, {"Content-Type": "application/json"}, monkeypatch)
    assert refused.value.status == 401


@pytest.mark.parametrize("authorization", [None, "Basic dXNlcjpwYXNz", "Bearer "])
def test_in_production_headers_alone_are_not_trusted(monkeypatch, authorization):
    headers = dict(TASK_HEADERS)
    if authorization is not None:
        headers["Authorization"] = authorization
    with pytest.raises(CallerRefused) as refused:
        delivery(PRODUCTION, headers, monkeypatch)
    assert refused.value.status == 401


def test_receipt_ids_are_stable_and_name_no_task_detail():
    first = Delivery("task", f"task:{QUEUE}:t-123", "x")
    again = Delivery("task", f"task:{QUEUE}:t-123", "y", attempt=3)
    other = Delivery("task", f"task:{QUEUE}:t-124", "x")
    assert first.receipt_path == again.receipt_path != other.receipt_path
    assert "t-123" not in first.receipt_path
