"""Dependencies point inwards: use cases, models, pure logic and adapters never import the
HTTP or worker entry points (shared/api), so they run the same under any entry point."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("layer", ["domain", "models", "services", "adapters"])
def test_inner_layers_do_not_import_the_entry_points(layer):
    offenders = []
    for source in (ROOT / "shared" / layer).rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            offenders += [
                f"{source.relative_to(ROOT)}: {n}" for n in names if n.startswith("shared.api")
            ]
    assert offenders == []
