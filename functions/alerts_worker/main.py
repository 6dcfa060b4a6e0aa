"""Cloud Function ``alerts_worker``: Cloud Tasks deliveries of smart-alert batches (R5)."""

import functions_framework
from flask import Request, Response

from shared.api.dispatch import serve_every_path
from shared.api.jobs.alerts_worker import JOBS
from shared.api.worker import dispatch_task


@functions_framework.http
def alerts_worker(request: Request) -> Response:
    return dispatch_task("alerts_worker", JOBS, request)


serve_every_path(alerts_worker)
