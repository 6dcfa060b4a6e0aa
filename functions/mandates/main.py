"""Cloud Function ``mandates``: caregivers' mandates and the access journal (R14, R16)."""

from flask import Request, Response

from shared.api.dispatch import dispatch, http_function
from shared.api.routes.mandates import ROUTES


@http_function
def mandates(request: Request) -> Response:
    return dispatch(ROUTES, request)
