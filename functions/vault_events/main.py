"""Cloud Function ``vault_events``: Storage "object finalized" events of the vault (R9)."""

import functions_framework
from flask import Request, Response

from shared.api.dispatch import serve_every_path
from shared.api.jobs.vault_events import JOBS
from shared.api.worker import dispatch_event


@functions_framework.http
def vault_events(request: Request) -> Response:
    return dispatch_event("vault_events", JOBS, request)


serve_every_path(vault_events)
