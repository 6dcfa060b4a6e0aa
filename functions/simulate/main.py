"""Cloud Function ``simulate``: eligibility and amounts on OpenFisca-France (R6)."""

from flask import Request, Response

from shared.api.dispatch import dispatch, http_function
from shared.api.routes.simulate import ROUTES


@http_function
def simulate(request: Request) -> Response:
    return dispatch(ROUTES, request)
