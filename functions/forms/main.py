"""Cloud Function ``forms``: pre-filled application forms, kept in the vault (R7, R9)."""

import functions_framework
from flask import Request, Response

from shared.api.dispatch import dispatch
from shared.api.routes.forms import ROUTES


@functions_framework.http
def forms(request: Request) -> Response:
    return dispatch(ROUTES, request)
