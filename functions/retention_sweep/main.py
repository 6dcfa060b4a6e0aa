"""Cloud Function ``retention_sweep``: the daily Cloud Scheduler call (R19, R23)."""

import functions_framework
from flask import Request, Response

from shared.api.dispatch import serve_every_path
from shared.api.jobs.retention_sweep import JOBS
from shared.api.worker import dispatch_task


@functions_framework.http
def retention_sweep(request: Request) -> Response:
    return dispatch_task("retention_sweep", JOBS, request)


serve_every_path(retention_sweep)
