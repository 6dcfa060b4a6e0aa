"""Load the current firestore.rules into the running emulator before the suite.

The emulator reads the file once at start; reloading makes the suite test
the file as it is now, even against a long-running `make run` stack.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from shared.config import settings

RULES = Path(__file__).resolve().parents[2] / "firestore.rules"


@pytest.fixture(scope="session", autouse=True)
def current_rules() -> None:
    body = {"rules": {"files": [{"name": "firestore.rules", "content": RULES.read_text()}]}}
    response = requests.put(
        f"http://{settings().firestore_emulator_host}/emulator/v1/projects/{settings().project}:securityRules",
        json=body,
        timeout=10,
    )
    response.raise_for_status()
