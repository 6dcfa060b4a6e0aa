"""Cloud Function ``alerts_worker``: Cloud Tasks deliveries of smart-alert batches (R5)."""

from flask import Request, Response

from shared.api.dispatch import http_function
from shared.api.jobs.alerts_worker import JOBS
from shared.api.worker import dispatch_task


@http_function
def alerts_worker(request: Request) -> Response:
    return dispatch_task("alerts_worker", JOBS, request)
