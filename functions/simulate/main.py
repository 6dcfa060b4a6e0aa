"""Cloud Function ``simulate``: eligibility and amounts on OpenFisca-France (R6)."""

import functions_framework
from flask import Request, Response

from shared.api.dispatch import dispatch, serve_every_path
from shared.api.routes.simulate import ROUTES


@functions_framework.http
def simulate(request: Request) -> Response:
    return dispatch(ROUTES, request)


serve_every_path(simulate)
