"""Integration fixtures: the real emulators, reset between tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import emulators

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def clean_emulators() -> Iterator[None]:
    emulators.reset_firestore()
    emulators.reset_auth()
    yield


@pytest.fixture(scope="session")
def function_client() -> Callable[[str], Any]:
    """``function_client("signup")``: a test client of the deployed entry point."""
    import functions_framework

    cache: dict[str, Any] = {}

    def get(name: str) -> Any:
        if name not in cache:
            app = functions_framework.create_app(
                target=name, source=str(ROOT / "functions" / name / "main.py")
            )
            cache[name] = app.test_client()
        return cache[name]

    return get


@pytest.fixture
def user() -> emulators.EmulatorUser:
    return emulators.create_user()


@pytest.fixture
def sink() -> Iterator[str]:
    """The mail sink, emptied before and after the test; its base URL."""
    from tests.support.mail_sink import clear_sink

    yield clear_sink()
    clear_sink()


@pytest.fixture
def privacy(function_client: Callable[[str], Any]) -> Any:
    return function_client("privacy")
