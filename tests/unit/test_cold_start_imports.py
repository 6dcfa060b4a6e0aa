"""Functions do not pay at cold start for what they do not use.

``signup`` and ``profile`` load neither OpenFisca (nor numpy) nor the
questionnaire nor the catalogue of aids: checked in a fresh interpreter that
loads the function exactly as functions-framework does, with its routes.
"""

from __future__ import annotations

import pytest

from tests.support.imports import modules_loaded_by

LIGHT_FUNCTIONS = ["signup", "profile"]
HEAVY_MODULES = (
    "openfisca",
    "numpy",
    "shared.domain.questionnaire",
    "shared.domain.aids",
    "shared.services.eligibility",
    "shared.adapters.openfisca",
)


@pytest.mark.parametrize("name", LIGHT_FUNCTIONS)
def test_light_function_loads_neither_openfisca_nor_questionnaire_nor_catalogue(name):
    code = (
        "import functions_framework\n"
        f"functions_framework.create_app(target={name!r}, source='functions/{name}/main.py')\n"
        f"import shared.api.routes.{name}\n"
    )
    assert modules_loaded_by(code, HEAVY_MODULES) == []


def test_the_probe_sees_heavy_modules_where_they_are_loaded():
    """The same probe on ``simulate`` finds the questionnaire and the catalogue: it can fail."""
    code = (
        "import functions_framework\n"
        "functions_framework.create_app(target='simulate', source='functions/simulate/main.py')\n"
    )
    loaded = modules_loaded_by(code, HEAVY_MODULES)
    assert "shared.domain.questionnaire" in loaded
    assert any(name.startswith("shared.domain.aids") for name in loaded)
