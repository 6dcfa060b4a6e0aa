"""Cloud Function ``export_worker``: Cloud Tasks deliveries of portability exports (R27)."""

from flask import Request, Response

from shared.api.dispatch import http_function
from shared.api.jobs.export_worker import JOBS
from shared.api.worker import dispatch_task


@http_function
def export_worker(request: Request) -> Response:
    return dispatch_task("export_worker", JOBS, request)
