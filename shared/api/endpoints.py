"""Every endpoint of every function, for the OpenAPI document, the gateway and tests.

Importing this module loads every function's services (OpenFisca included):
deployed functions never import it, each imports its own route module.
"""

from __future__ import annotations

from shared.api.route import Route
from shared.api.routes import forms, profile, signup, simulate, vault

ROUTES: tuple[Route, ...] = (
    *signup.ROUTES,
    *profile.ROUTES,
    *simulate.ROUTES,
    *vault.ROUTES,
    *forms.ROUTES,
)


def routes_of(function: str) -> list[Route]:
    return [route for route in ROUTES if route.function == function]


def functions() -> list[str]:
    return sorted({route.function for route in ROUTES})
