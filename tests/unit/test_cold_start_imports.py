"""Functions do not pay at cold start for what they do not use (signup never loads openfisca)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIGHT_FUNCTIONS = ["signup", "profile"]


@pytest.mark.parametrize("name", LIGHT_FUNCTIONS)
def test_function_loads_without_openfisca(name):
    code = (
        "import sys, functions_framework\n"
        f"functions_framework.create_app(target={name!r}, source='functions/{name}/main.py')\n"
        "from shared.api.routes import routes_of\n"
        "import importlib\n"
        f"[importlib.import_module(r.handler.split(':')[0]) for r in routes_of({name!r})]\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('openfisca', 'numpy')))\n"
        "print(loaded)\n"
        "sys.exit(1 if loaded else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
