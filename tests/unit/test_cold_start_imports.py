"""Functions do not pay at cold start for what they do not use (signup never loads openfisca)."""

from __future__ import annotations

import pytest

from tests.support.imports import modules_loaded_by

LIGHT_FUNCTIONS = ["signup", "profile"]


@pytest.mark.parametrize("name", LIGHT_FUNCTIONS)
def test_function_and_its_handlers_load_without_openfisca(name):
    code = (
        "import importlib, functions_framework\n"
        f"functions_framework.create_app(target={name!r}, source='functions/{name}/main.py')\n"
        "from shared.api.routes import routes_of\n"
        f"[importlib.import_module(r.handler.split(':')[0]) for r in routes_of({name!r})]"
    )
    assert modules_loaded_by(code, ("openfisca", "numpy")) == []
