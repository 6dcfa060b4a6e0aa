"""Cloud Function ``forms``: pre-filled application forms, kept in the vault (R7, R9)."""

from flask import Request, Response

from shared.api.dispatch import dispatch, http_function
from shared.api.routes.forms import ROUTES


@http_function
def forms(request: Request) -> Response:
    return dispatch(ROUTES, request)
