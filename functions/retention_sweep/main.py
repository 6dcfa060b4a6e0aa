"""Cloud Function ``retention_sweep``: the daily Cloud Scheduler call (R19, R23)."""

from flask import Request, Response

from shared.api.dispatch import http_function
from shared.api.jobs.retention_sweep import JOBS
from shared.api.worker import dispatch_task


@http_function
def retention_sweep(request: Request) -> Response:
    return dispatch_task("retention_sweep", JOBS, request)
