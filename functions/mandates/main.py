"""Cloud Function ``mandates``: caregivers' mandates and the access journal (R14, R16)."""

import functions_framework
from flask import Request, Response

from shared.api.dispatch import dispatch, serve_every_path
from shared.api.routes.mandates import ROUTES


@functions_framework.http
def mandates(request: Request) -> Response:
    return dispatch(ROUTES, request)


serve_every_path(mandates)
