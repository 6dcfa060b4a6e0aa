"""Cloud Function ``privacy``: export and erasure of one's own data (R21, R26–R28, R30)."""

from flask import Request, Response

from shared.api.dispatch import dispatch, http_function
from shared.api.routes.privacy import ROUTES


@http_function
def privacy(request: Request) -> Response:
    return dispatch(ROUTES, request)
