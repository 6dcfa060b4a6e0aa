"""Cloud Function ``organisations``: clients, admins, payments and invitations (R3, R11, R20)."""

import functions_framework
from flask import Request, Response

from shared.api.dispatch import dispatch, serve_every_path
from shared.api.routes.organisations import ROUTES


@functions_framework.http
def organisations(request: Request) -> Response:
    return dispatch(ROUTES, request)


serve_every_path(organisations)
