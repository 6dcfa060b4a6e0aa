"""Cloud Function ``privacy``: export and erasure of one's own data (R21, R26–R28, R30)."""

import functions_framework
from flask import Request, Response

from shared.api.dispatch import dispatch, serve_every_path
from shared.api.routes.privacy import ROUTES


@functions_framework.http
def privacy(request: Request) -> Response:
    return dispatch(ROUTES, request)


serve_every_path(privacy)
