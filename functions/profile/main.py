"""Cloud Function ``profile``: access, rectification, consents, objections (R26)."""

from flask import Request, Response

from shared.api.dispatch import dispatch, http_function
from shared.api.routes.profile import ROUTES


@http_function
def profile(request: Request) -> Response:
    return dispatch(ROUTES, request)
