"""Cloud Function ``vault_events``: Storage "object finalized" events of the vault (R9)."""

from flask import Request, Response

from shared.api.dispatch import http_function
from shared.api.jobs.vault_events import JOBS
from shared.api.worker import dispatch_event


@http_function
def vault_events(request: Request) -> Response:
    return dispatch_event("vault_events", JOBS, request)
