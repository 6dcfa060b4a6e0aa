"""Cloud Function ``profile``: access, rectification, consents, objections (R26)."""

import functions_framework
from flask import Request, Response

from shared.api.dispatch import dispatch


@functions_framework.http
def profile(request: Request) -> Response:
    return dispatch("profile", request)
