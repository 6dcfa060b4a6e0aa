"""Cloud Function ``vault``: the digital vault of supporting documents (R9)."""

from flask import Request, Response

from shared.api.dispatch import dispatch, http_function
from shared.api.routes.vault import ROUTES


@http_function
def vault(request: Request) -> Response:
    return dispatch(ROUTES, request)
