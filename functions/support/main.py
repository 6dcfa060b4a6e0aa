"""Cloud Function ``support``: support messaging (R8) and prospects' demo requests (R4)."""

from flask import Request, Response

from shared.api.dispatch import dispatch, http_function
from shared.api.routes.support import ROUTES


@http_function
def support(request: Request) -> Response:
    return dispatch(ROUTES, request)
