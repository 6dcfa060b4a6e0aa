"""The second entry point: Cloud Tasks, Cloud Scheduler and CloudEvents deliveries.

The HTTP API (:mod:`shared.api.dispatch`) serves people; this module serves
Google's queues, schedules and event triggers, which deliver *at least once*.
For every delivery, in this order:

1. **Who calls.** In production an OIDC token signed by Google, for the
   expected audience (the worker's URL) and one of the expected service
   accounts (tasks invoker, scheduler invoker, event trigger). Locally, the
   Cloud Tasks emulator sends no token: its ``X-CloudTasks-*`` headers (or a
   scheduler's ``X-CloudScheduler-*``) identify the delivery.
2. **Once only.** The delivery's key — the task name, the scheduler job and
   its schedule time, or the event's source and id — is recorded in a
   Firestore transaction *before any side effect* (``worker_receipts``). A
   delivery already done or failed for good answers 200 and does nothing.
3. **The job** runs with an :class:`~shared.domain.access.Access` of the
   service account to the job's subject, opened (and journaled, R14) like any
   access to someone else's data.
4. **The answer tells the queue what to do.** A permanent failure (bad
   payload, unknown subject, refused by the mail provider) is recorded and
   answered 2xx, so it is not retried; a transient one (a backing service
   down, data still contended after the transaction's retries) is answered
   503 so the queue retries.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, Literal, TypeVar

from flask import Request, Response
from pydantic import BaseModel, ValidationError

from shared.config import settings
from shared.domain.access import Access, Actor, ActorKind, Scope
from shared.domain.data_registry import WORKER_RECEIPTS
from shared.domain.purposes import Purpose
from shared.errors import ApiError, PermanentFailure, TransientFailure
from shared.structured_log import log_event

P = TypeVar("P", bound=BaseModel)

Source = Literal["task", "scheduler", "event"]

# A delivery still "started" after this long crashed mid-way: the next one may run.
LEASE = timedelta(minutes=10)

LOCAL_CALLER = "local-emulator"


@dataclass(frozen=True)
class Job(Generic[P]):
    """One kind of work a worker does, for one subject at a time."""

    name: str  # the path of a task or scheduler job (``/<name>``), or the event type served
    summary: str
    payload_model: type[P]
    handler: Callable[[Access, P], str]  # returns what it did, recorded on the receipt
    subject_of: Callable[[P], str]  # whose data the job touches (a registry locator)
    scope: Scope
    purpose: Purpose
    requirements: tuple[str, ...] = ()


@dataclass(frozen=True)
class Delivery:
    """One delivery of a task, a scheduled call or an event."""

    source: Source
    key: str
    caller: str  # the verified service account, or LOCAL_CALLER
    attempt: int = 0

    @property
    def receipt_path(self) -> str:
        digest = hashlib.sha256(self.key.encode()).hexdigest()[:40]
        return WORKER_RECEIPTS.path(receipt_id=digest)


class CallerRefused(Exception):
    """The request is not a delivery from an expected Google service."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


# ------------------------------------------------------------------ who calls


def _audiences(request: Request) -> list[str]:
    """The audiences a token for this worker may name.

    The configured one if any; else this service's own URL (what Cloud
    Scheduler is given) or the URL called (Cloud Tasks' default). A token
    minted for another service names that service's URL and is refused.
    """
    configured = settings().worker_audience
    if configured:
        return [configured]
    root = f"https://{request.host}"
    return [root, root + request.path]


def _verified_service_account(request: Request, allowed: set[str]) -> str:
    """The e-mail of the service account whose Google-signed OIDC token came with ``request``."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise CallerRefused(401, "no OIDC token")
    from google.auth import exceptions as auth_errors
    from google.auth.transport import requests as google_requests
    from google.oauth2 import id_token

    try:
        claims = id_token.verify_oauth2_token(
            token.strip(), google_requests.Request(), audience=_audiences(request)
        )
    except auth_errors.TransportError:
        # Google's signing keys could not be fetched: let the queue retry.
        raise CallerRefused(503, "OIDC certificates unavailable") from None
    except (ValueError, auth_errors.GoogleAuthError):
        raise CallerRefused(401, "OIDC token invalid") from None
    email = str(claims.get("email", ""))
    if not claims.get("email_verified") or email not in allowed - {""}:
        raise CallerRefused(403, "unexpected service account")
    return email


def task_delivery(request: Request) -> Delivery:
    """Identify a Cloud Tasks or Cloud Scheduler delivery (OIDC in production, headers locally)."""
    task = request.headers.get("X-CloudTasks-TaskName")
    queue = request.headers.get("X-CloudTasks-QueueName")
    job = request.headers.get("X-CloudScheduler-JobName")
    schedule = request.headers.get("X-CloudScheduler-ScheduleTime")
    config = settings()
    if task and queue:
        caller = (
            LOCAL_CALLER
            if config.emulated
            else _verified_service_account(request, {config.tasks_invoker})
        )
        attempt = request.headers.get("X-CloudTasks-TaskRetryCount", "0")
        return Delivery(
            "task", f"task:{queue}:{task}", caller, int(attempt) if attempt.isdigit() else 0
        )
    if job and schedule:
        caller = (
            LOCAL_CALLER
            if config.emulated
            else _verified_service_account(request, {config.scheduler_invoker})
        )
        return Delivery("scheduler", f"scheduler:{job}:{schedule}", caller)
    raise CallerRefused(401, "not a Cloud Tasks or Cloud Scheduler delivery")


# ------------------------------------------------------------------ once only


ClaimResult = Literal["run", "duplicate", "busy"]


def claim(delivery: Delivery, job_name: str) -> ClaimResult:
    """Record the delivery before any side effect; say whether to run it."""
    from shared.adapters import document_store
    from shared.models.access import WorkerReceipt

    now = datetime.now(UTC)
    path = delivery.receipt_path

    def work(writes: Any) -> ClaimResult:
        existing = writes.get(path, WorkerReceipt)
        if existing is None:
            writes.create(
                path,
                WorkerReceipt(
                    job=job_name,
                    source=delivery.source,
                    status="started",
                    created_at=now,
                    updated_at=now,
                ),
            )
            return "run"
        if existing.status in ("done", "failed_permanently"):
            return "duplicate"
        if existing.status == "started" and now - existing.updated_at < LEASE:
            return "busy"
        writes.set(
            path,
            existing.model_copy(
                update={
                    "status": "started",
                    "attempts": existing.attempts + 1,
                    "updated_at": now,
                    "error_code": None,
                }
            ),
        )
        return "run"

    return document_store.run_in_transaction(work)


def finish(delivery: Delivery, status: str, code: str | None) -> None:
    """Record how the delivery ended."""
    from shared.adapters import document_store
    from shared.models.access import WorkerReceipt

    path = delivery.receipt_path

    def work(writes: Any) -> None:
        receipt = writes.get(path, WorkerReceipt)
        if receipt is not None:
            changes = {"status": status, "error_code": code, "updated_at": datetime.now(UTC)}
            writes.set(path, receipt.model_copy(update=changes))

    document_store.run_in_transaction(work)


# ------------------------------------------------------------------ running a job


def _is_transient(error: Exception) -> bool:
    if isinstance(error, TransientFailure | ConnectionError | TimeoutError):
        return True
    from google.api_core import exceptions

    return isinstance(
        error,
        exceptions.ServiceUnavailable
        | exceptions.DeadlineExceeded
        | exceptions.TooManyRequests
        | exceptions.InternalServerError
        | exceptions.Aborted,
    )


def _answer(status: int, job: str, outcome: str) -> Response:
    return Response(
        json.dumps({"job": job, "outcome": outcome}), status=status, content_type="application/json"
    )


def run_delivery(
    function: str, jobs: Sequence[Job[Any]], job_name: str, payload: Any, delivery: Delivery
) -> Response:
    """Claim ``delivery``, run the job on ``payload`` once, record and answer for the queue."""
    decision = claim(delivery, job_name)
    if decision == "duplicate":
        return _answer(200, job_name, "duplicate")
    if decision == "busy":
        return _answer(503, job_name, "in_progress")
    status, outcome, code = 200, "failed_permanently", None
    try:
        job = next((j for j in jobs if j.name == job_name), None)
        if job is None:
            raise PermanentFailure("not_found")
        try:
            parsed = job.payload_model.model_validate(payload)
        except ValidationError:
            raise PermanentFailure("validation_failed") from None
        access = _service_access(job, parsed, delivery)
        outcome = job.handler(access, parsed)
        finish(delivery, "done", None)
    except PermanentFailure as failure:
        code = failure.code
    except ApiError as error:
        code = error.code  # e.g. forbidden: the subject is out of reach
        if error.status == 503:
            # contention (a transaction still contended after its retries), unavailable:
            # "retry in a moment" to a person, so another delivery to the queue; answered
            # 200, the job would be dropped half done (an export left running, no archive).
            status, outcome = 503, "failed_transiently"
    except Exception as error:
        if _is_transient(error):
            status, outcome = 503, "failed_transiently"
            code = getattr(error, "code", type(error).__name__)
        else:
            code = "internal"
            log_event(
                "job crashed", "ERROR", function=function, job=job_name, reason=type(error).__name__
            )
    if outcome == "failed_permanently":
        finish(delivery, "failed_permanently", code)
    elif outcome == "failed_transiently":
        finish(delivery, "failed_transiently", code)
    log_event(
        "delivery",
        function=function,
        job=job_name,
        status=status,
        code=code or outcome,
        attempt=delivery.attempt,
    )
    return _answer(status, job_name, outcome)


def _service_access(job: Job[Any], payload: BaseModel, delivery: Delivery) -> Access:
    from shared.services.access import open_access

    actor = Actor(uid=f"service:{delivery.caller}", kind=ActorKind.SERVICE_ACCOUNT)
    return open_access(
        actor,
        job.subject_of(payload),
        job.scope,
        action=job.name,
        reason=job.purpose.value,
    )


# ------------------------------------------------------------------ entry points


def dispatch_task(function: str, jobs: Sequence[Job[Any]], request: Request) -> Response:
    """Serve one Cloud Tasks / Cloud Scheduler delivery: ``POST /<job>`` with a JSON payload."""
    try:
        delivery = task_delivery(request)
    except CallerRefused as refused:
        log_event("delivery refused", "WARNING", function=function, status=refused.status)
        return _answer(refused.status, "", str(refused))
    try:
        payload = json.loads(request.get_data() or b"{}")
    except ValueError:
        payload = None  # recorded as a permanent validation failure
    return _run_or_retry(function, jobs, request.path.strip("/"), payload, delivery)


def _run_or_retry(
    function: str, jobs: Sequence[Job[Any]], job_name: str, payload: Any, delivery: Delivery
) -> Response:
    """:func:`run_delivery`, answering 503 (retry) when even the receipt cannot be written."""
    try:
        return run_delivery(function, jobs, job_name, payload, delivery)
    except Exception as error:
        if not _is_transient(error):
            raise
        log_event("receipt unavailable", "WARNING", function=function, job=job_name)
        return _answer(503, job_name, "failed_transiently")


def dispatch_event(function: str, jobs: Sequence[Job[Any]], request: Request) -> Response:
    """Serve one CloudEvent (binary or structured HTTP mode); the event type selects the job."""
    from cloudevents.exceptions import GenericException
    from cloudevents.http import from_http

    config = settings()
    try:
        caller = (
            LOCAL_CALLER
            if config.emulated
            else _verified_service_account(request, {config.events_invoker})
        )
    except CallerRefused as refused:
        log_event("delivery refused", "WARNING", function=function, status=refused.status)
        return _answer(refused.status, "", str(refused))
    try:
        event = from_http(dict(request.headers), request.get_data())
    except GenericException:
        return _answer(400, "", "not a CloudEvent")
    delivery = Delivery("event", f"event:{event['source']}:{event['id']}", caller)
    return _run_or_retry(function, jobs, str(event["type"]), event.data, delivery)
