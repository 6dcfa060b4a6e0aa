"""The register of processing matches the code's purposes, bases, locations and retention."""

from __future__ import annotations

from pathlib import Path

from shared.domain import data_registry as registry
from shared.domain.purposes import LEGAL_BASIS
from shared.services.processing_register import render

REGISTER = Path(__file__).resolve().parents[2] / "docs" / "register-of-processing.md"


def test_the_published_register_is_the_one_generated_from_the_code():
    assert REGISTER.read_text(encoding="utf-8") == render()


def test_every_purpose_and_location_is_in_the_register_with_its_rules():
    text = render()
    for purpose, basis in LEGAL_BASIS.items():
        assert f"| {purpose.value} | {basis.value} |" in text
    for location in registry.USER_DATA_LOCATIONS:
        row = next(line for line in text.splitlines() if line.startswith(f"| `{location.key}` |"))
        assert f"| {location.retention.days} jours |" in row
        assert location.retention.legal_basis.value in row
        assert location.retention.source in row
