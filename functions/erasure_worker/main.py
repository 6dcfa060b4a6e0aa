"""Cloud Function ``erasure_worker``: Cloud Tasks deliveries of erasure jobs (R21, R22, R28)."""

import functions_framework
from flask import Request, Response

from shared.api.dispatch import serve_every_path
from shared.api.jobs.erasure_worker import JOBS
from shared.api.worker import dispatch_task


@functions_framework.http
def erasure_worker(request: Request) -> Response:
    return dispatch_task("erasure_worker", JOBS, request)


serve_every_path(erasure_worker)
