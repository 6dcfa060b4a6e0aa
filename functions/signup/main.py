"""Cloud Function ``signup``: create the caller's beneficiary profile (R1)."""

import functions_framework
from flask import Request, Response

from shared.api.dispatch import dispatch, serve_every_path
from shared.api.routes.signup import ROUTES


@functions_framework.http
def signup(request: Request) -> Response:
    return dispatch(ROUTES, request)


serve_every_path(signup)
