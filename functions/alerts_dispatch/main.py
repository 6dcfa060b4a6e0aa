"""Cloud Function ``alerts_dispatch``: the daily Cloud Scheduler call of the smart alerts (R5)."""

import functions_framework
from flask import Request, Response

from shared.api.dispatch import serve_every_path
from shared.api.jobs.alerts_dispatch import JOBS
from shared.api.worker import dispatch_task


@functions_framework.http
def alerts_dispatch(request: Request) -> Response:
    return dispatch_task("alerts_dispatch", JOBS, request)


serve_every_path(alerts_dispatch)
