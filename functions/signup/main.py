"""Cloud Function ``signup``: create the caller's beneficiary profile (R1)."""

from flask import Request, Response

from shared.api.dispatch import dispatch, http_function
from shared.api.routes.signup import ROUTES


@http_function
def signup(request: Request) -> Response:
    return dispatch(ROUTES, request)
