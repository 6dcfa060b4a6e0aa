"""Cloud Function ``erasure_worker``: Cloud Tasks deliveries of erasure jobs (R21, R22, R28)."""

from flask import Request, Response

from shared.api.dispatch import http_function
from shared.api.jobs.erasure_worker import JOBS
from shared.api.worker import dispatch_task


@http_function
def erasure_worker(request: Request) -> Response:
    return dispatch_task("erasure_worker", JOBS, request)
