"""Parsing the project's own YAML files: the aid catalogue, the explanations'
vocabulary and the form templates.

libyaml's C parser when the installed PyYAML has it (PyPI's wheels do), else
PyYAML's pure-Python one: the same safe loader and the same values, about ten
times faster. The catalogue alone (42 files) took ~0.3 s of a new ``simulate``
instance's first answer with the pure-Python parser.
"""

from __future__ import annotations

from typing import Any

import yaml

SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse(text: str) -> Any:
    """The value of one YAML document (safe types only); ``yaml.YAMLError`` if invalid."""
    return yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
