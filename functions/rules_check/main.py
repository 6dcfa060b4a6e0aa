"""Cloud Function ``rules_check``: the daily Cloud Scheduler call listing stale rules (R6)."""

from flask import Request, Response

from shared.api.dispatch import http_function
from shared.api.jobs.rules_check import JOBS
from shared.api.worker import dispatch_task


@http_function
def rules_check(request: Request) -> Response:
    return dispatch_task("rules_check", JOBS, request)
