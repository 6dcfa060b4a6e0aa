"""Cloud Tasks: add a task, and find or remove the pending tasks naming one person.

Locally the Cloud Tasks emulator (gRPC, no credentials); in production the
regional API. Every task posts to a worker job that the registry declares
(:data:`shared.domain.data_registry.TASK_KINDS`), with the payload fields
naming people. Erasure (R21) lists each queue's tasks with their payloads
(``FULL`` view): a task about the person alone is deleted, a batch naming
them among others is queued again without them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Iterator
from datetime import datetime
from functools import lru_cache
from typing import Any

from shared.config import settings
from shared.domain import data_registry as registry


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
    The job ``url`` ends with must be a declared task kind
    (:class:`~shared.domain.data_registry.UnregisteredTaskKind` otherwise), so
    that erasure knows which payload fields name people.
    """
    registry.task_kind(url)
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


def _pending() -> Iterator[tuple[Any, Any]]:
    """Every pending task of every queue, with its decoded JSON payload."""
    from google.cloud import tasks_v2

    for queue in _queues():
        listed = _client().list_tasks(
            request={"parent": queue, "response_view": tasks_v2.Task.View.FULL}
        )
        for task in listed:
            try:
                payload = json.loads(task.http_request.body or b"{}")
            except ValueError:
                payload = None
            yield task, payload


def _names(value: Any, uid: str) -> bool:
    """Whether ``uid`` appears anywhere in a JSON value (any field, any depth)."""
    if isinstance(value, dict):
        return any(_names(item, uid) for item in value.values())
    if isinstance(value, list):
        return any(_names(item, uid) for item in value)
    return bool(value == uid)


def tasks_naming(uid: str) -> Iterator[str]:
    """Names of the pending tasks whose payload names ``uid``, in any field.

    What the final erasure scan counts: it reads the payloads themselves, not
    the declarations, so a kind declared wrong is caught rather than trusted.
    """
    for task, payload in _pending():
        if _names(payload, uid):
            yield str(task.name)


_REWRITTEN = re.compile(r"-w[0-9a-f]{16}$")


def _rewritten_name(task_name: str, body: bytes) -> str:
    """The name of a task queued again with ``body``: the same for the same change.

    A retried erasure that already queued the copy hits the same name (the API
    refuses the duplicate); successive rewrites keep one suffix, not a chain.
    """
    base = _REWRITTEN.sub("", task_name)
    digest = hashlib.sha256(task_name.encode() + b"\n" + body).hexdigest()[:16]
    return f"{base}-w{digest}"


def _queue_again(task: Any, payload: dict[str, Any]) -> None:
    """Create a copy of ``task`` (same URL, headers, authentication, schedule) with ``payload``."""
    from google.api_core.exceptions import AlreadyExists
    from google.cloud import tasks_v2

    body = json.dumps(payload).encode()
    request = tasks_v2.HttpRequest.deserialize(tasks_v2.HttpRequest.serialize(task.http_request))
    request.body = body
    copy = tasks_v2.Task(name=_rewritten_name(str(task.name), body), http_request=request)
    if task.schedule_time:
        copy.schedule_time = task.schedule_time
    queue = str(task.name).rsplit("/tasks/", 1)[0]
    with contextlib.suppress(AlreadyExists):  # queued by an earlier, interrupted run
        _client().create_task(parent=queue, task=copy)


def remove_person(uid: str) -> int:
    """Leave no pending task naming ``uid``, as each task kind declares; returns tasks changed.

    A task whose ``person_fields`` hold the uid is deleted. A batch listing the
    uid in its ``people_fields`` is queued again without it (copy first, then the
    original deleted, so a crash in between loses no one else), or deleted when
    nobody is left. Safe to repeat. A task of an undeclared kind is left: the
    final scan then finds it and the erasure stays failed rather than claim it done.
    """
    changed = 0
    for task, payload in list(_pending()):
        if not isinstance(payload, dict) or not _names(payload, uid):
            continue
        try:
            kind = registry.task_kind(str(task.http_request.url))
        except registry.UnregisteredTaskKind:
            continue
        about_them = any(payload.get(field) == uid for field in kind.person_fields)
        remaining = dict(payload)
        for field in kind.people_fields:
            listed = payload.get(field)
            if isinstance(listed, list):
                remaining[field] = [item for item in listed if item != uid]
        if remaining == payload and not about_them:
            continue  # named outside the declared fields: left for the scan to report
        if not about_them and any(remaining.get(field) for field in kind.people_fields):
            _queue_again(task, remaining)
        changed += int(delete(str(task.name)))
    return changed


def delete(task_name: str) -> bool:
    """Delete one pending task; ``False`` when it was already gone (delivered or deleted)."""
    from google.api_core.exceptions import NotFound

    try:
        _client().delete_task(name=task_name)
    except NotFound:
        return False
    return True
