"""Cloud Function ``rules_check``: the daily Cloud Scheduler call listing stale rules (R6)."""

import functions_framework
from flask import Request, Response

from shared.api.dispatch import serve_every_path
from shared.api.jobs.rules_check import JOBS
from shared.api.worker import dispatch_task


@functions_framework.http
def rules_check(request: Request) -> Response:
    return dispatch_task("rules_check", JOBS, request)


serve_every_path(rules_check)
