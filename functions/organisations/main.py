"""Cloud Function ``organisations``: clients, admins, payments and invitations (R3, R11, R20)."""

from flask import Request, Response

from shared.api.dispatch import dispatch, http_function
from shared.api.routes.organisations import ROUTES


@http_function
def organisations(request: Request) -> Response:
    return dispatch(ROUTES, request)
