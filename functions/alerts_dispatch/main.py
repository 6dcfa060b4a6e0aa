"""Cloud Function ``alerts_dispatch``: the daily Cloud Scheduler call of the smart alerts (R5)."""

from flask import Request, Response

from shared.api.dispatch import http_function
from shared.api.jobs.alerts_dispatch import JOBS
from shared.api.worker import dispatch_task


@http_function
def alerts_dispatch(request: Request) -> Response:
    return dispatch_task("alerts_dispatch", JOBS, request)
