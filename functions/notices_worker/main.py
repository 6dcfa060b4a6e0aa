"""Cloud Function ``notices_worker``: Cloud Tasks deliveries of notices owed by e-mail (R25)."""

import functions_framework
from flask import Request, Response

from shared.api.dispatch import serve_every_path
from shared.api.jobs.notices_worker import JOBS
from shared.api.worker import dispatch_task


@functions_framework.http
def notices_worker(request: Request) -> Response:
    return dispatch_task("notices_worker", JOBS, request)


serve_every_path(notices_worker)
