"""Cloud Function ``export_worker``: Cloud Tasks deliveries of portability exports (R27)."""

import functions_framework
from flask import Request, Response

from shared.api.dispatch import serve_every_path
from shared.api.jobs.export_worker import JOBS
from shared.api.worker import dispatch_task


@functions_framework.http
def export_worker(request: Request) -> Response:
    return dispatch_task("export_worker", JOBS, request)


serve_every_path(export_worker)
