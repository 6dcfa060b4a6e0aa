"""Cloud Tasks: add a task, and find or delete the pending tasks about one person.

Locally the Cloud Tasks emulator (gRPC, no credentials); in production the
regional API. Erasure (R21) lists each queue's tasks with their payloads
(``FULL`` view) and deletes those naming the person.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from functools import lru_cache
from typing import Any

from shared.config import settings


@lru_cache(maxsize=1)
def _client() -> Any:
    from google.cloud import tasks_v2

    config = settings()
    if config.emulated:
        import grpc
        from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport

        channel = grpc.insecure_channel(config.tasks_emulator_host or "")
        return tasks_v2.CloudTasksClient(transport=CloudTasksGrpcTransport(channel=channel))
    return tasks_v2.CloudTasksClient()


def _location() -> str:
    return f"projects/{settings().project}/locations/{settings().region}"


def queue_path(queue: str) -> str:
    return f"{_location()}/queues/{queue}"


def enqueue(
    queue: str,
    url: str,
    payload: dict[str, Any],
    *,
    name: str | None = None,
    schedule_at: datetime | None = None,
) -> str:
    """Add one HTTP task posting ``payload`` as JSON to ``url``; returns the task name.

    A ``name`` makes the task unique in its queue (the API refuses a duplicate).
    """
    from google.cloud import tasks_v2
    from google.protobuf import timestamp_pb2

    request = tasks_v2.HttpRequest(
        http_method=tasks_v2.HttpMethod.POST,
        url=url,
        headers={"Content-Type": "application/json"},
        body=json.dumps(payload).encode(),
    )
    config = settings()
    if not config.emulated and config.tasks_invoker:
        request.oidc_token = tasks_v2.OidcToken(service_account_email=config.tasks_invoker)
    task = tasks_v2.Task(http_request=request)
    if name:
        task.name = f"{queue_path(queue)}/tasks/{name}"
    if schedule_at is not None:
        stamp = timestamp_pb2.Timestamp()
        stamp.FromDatetime(schedule_at)
        task.schedule_time = stamp
    created = _client().create_task(parent=queue_path(queue), task=task)
    return str(created.name)


def _queues() -> list[str]:
    """Every queue: listed on the emulator; in production the deployed ones (configuration),
    since erasure holds rights on those queues only, not project-wide (R18)."""
    if settings().emulated:
        return [str(queue.name) for queue in _client().list_queues(parent=_location())]
    return sorted(settings().queue_ids.values())


def tasks_with(field: str, value: str) -> Iterator[str]:
    """Names of the pending tasks whose JSON payload has ``field`` equal to ``value``."""
    from google.cloud import tasks_v2

    for queue in _queues():
        listed = _client().list_tasks(
            request={"parent": queue, "response_view": tasks_v2.Task.View.FULL}
        )
        for task in listed:
            try:
                payload = json.loads(task.http_request.body or b"{}")
            except ValueError:
                continue
            if isinstance(payload, dict) and payload.get(field) == value:
                yield str(task.name)


def delete(task_name: str) -> bool:
    """Delete one pending task; ``False`` when it was already gone (delivered or deleted)."""
    from google.api_core.exceptions import NotFound

    try:
        _client().delete_task(name=task_name)
    except NotFound:
        return False
    return True
