"""Cloud Function ``vault``: the digital vault of supporting documents (R9)."""

import functions_framework
from flask import Request, Response

from shared.api.dispatch import dispatch
from shared.api.routes.vault import ROUTES


@functions_framework.http
def vault(request: Request) -> Response:
    return dispatch(ROUTES, request)
