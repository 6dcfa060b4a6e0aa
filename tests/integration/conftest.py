"""Integration fixtures: the real emulators, reset between tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.support import emulators, response_examples

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def clean_emulators() -> Iterator[None]:
    emulators.reset_firestore()
    emulators.reset_auth()
    yield


def _client_checking_examples(function: str, base: Any) -> Any:
    """A test client whose every JSON answer is held to its route's documented example."""

    class CheckingClient(base):  # type: ignore[misc, valid-type]
        def open(self, *args: Any, **kwargs: Any) -> Any:
            response = super().open(*args, **kwargs)
            if response.is_json:
                response_examples.observe(
                    function,
                    response.request.method,
                    response.request.path,
                    response.status_code,
                    response.get_json(silent=True),
                )
            return response

    return CheckingClient


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Write the recorded response examples, when recording."""
    response_examples.write_recording()


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
            app.test_client_class = _client_checking_examples(
                name, app.test_client_class or FlaskClient
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
