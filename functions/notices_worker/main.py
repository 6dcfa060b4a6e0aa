"""Cloud Function ``notices_worker``: Cloud Tasks deliveries of notices owed by e-mail (R25)."""

from flask import Request, Response

from shared.api.dispatch import http_function
from shared.api.jobs.notices_worker import JOBS
from shared.api.worker import dispatch_task


@http_function
def notices_worker(request: Request) -> Response:
    return dispatch_task("notices_worker", JOBS, request)
