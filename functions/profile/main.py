"""Cloud Function ``profile``: access, rectification, consents, objections (R26)."""

import functions_framework
from flask import Request, Response

from shared.api.dispatch import dispatch, serve_every_path
from shared.api.routes.profile import ROUTES


@functions_framework.http
def profile(request: Request) -> Response:
    return dispatch(ROUTES, request)


serve_every_path(profile)
