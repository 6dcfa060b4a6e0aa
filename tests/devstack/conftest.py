"""Fixtures for the devstack tests: they run inside ``python -m devstack run``.

Nothing is mocked: each test talks to the emulator process the stack started. A
test run outside the stack fails (not skips) so that a CI misconfiguration cannot
pass silently.
"""

from __future__ import annotations

import os

import pytest

REQUIRED = (
    "GOOGLE_CLOUD_PROJECT",
    "FIRESTORE_EMULATOR_HOST",
    "FIREBASE_AUTH_EMULATOR_HOST",
    "STORAGE_EMULATOR_HOST",
    "CLOUD_TASKS_EMULATOR_HOST",
    "SENDGRID_API_HOST",
    "SENDGRID_API_KEY",
    "SESAME_VAULT_BUCKET",
    "SESAME_EXPORTS_BUCKET",
)


@pytest.fixture(scope="session")
def stack_env() -> dict[str, str]:
    """The variables devstack exports; fail loudly when the stack is not running."""
    missing = [name for name in REQUIRED if not os.environ.get(name)]
    if missing:
        pytest.fail(
            f"{', '.join(missing)} not set: run the tests inside the stack,"
            " `python -m devstack run -- python -m pytest tests/devstack`."
        )
    return {name: os.environ[name] for name in REQUIRED}
