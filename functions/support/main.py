"""Cloud Function ``support``: support messaging (R8) and prospects' demo requests (R4)."""

import functions_framework
from flask import Request, Response

from shared.api.dispatch import dispatch, serve_every_path
from shared.api.routes.support import ROUTES


@functions_framework.http
def support(request: Request) -> Response:
    return dispatch(ROUTES, request)


serve_every_path(support)
