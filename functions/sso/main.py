"""Cloud Function ``sso``: partner single sign-on, signed and single-use (R2, R3)."""

import functions_framework
from flask import Request, Response

from shared.api.dispatch import dispatch, serve_every_path
from shared.api.routes.sso import ROUTES


@functions_framework.http
def sso(request: Request) -> Response:
    return dispatch(ROUTES, request)


serve_every_path(sso)
