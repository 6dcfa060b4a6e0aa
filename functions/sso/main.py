"""Cloud Function ``sso``: partner single sign-on, signed and single-use (R2, R3)."""

from flask import Request, Response

from shared.api.dispatch import dispatch, http_function
from shared.api.routes.sso import ROUTES


@http_function
def sso(request: Request) -> Response:
    return dispatch(ROUTES, request)
