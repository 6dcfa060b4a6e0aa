"""``make test`` runs beside a ``make run`` stack of the same checkout.

``devstack run --free-ports`` (what ``make test`` uses) moves every port no variable
pins to one that is free, and keeps its logs in a folder of its own.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.settings import DEFAULT_PORTS, HOST, LOG_DIR_VARIABLE, Settings, port_variable

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def default_ports_held() -> Iterator[list[int]]:
    """Listen on every default port that is free, as a running ``make run`` would."""
    held: list[socket.socket] = []
    try:
        for port in DEFAULT_PORTS.values():
            listener = socket.socket()
            try:
                listener.bind((HOST, port))
            except OSError:  # already taken by someone: just as good for this test
                listener.close()
                continue
            listener.listen()
            held.append(listener)
        yield list(DEFAULT_PORTS.values())
    finally:
        for listener in held:
            listener.close()


def test_free_ports_avoid_taken_ones_and_keep_explicit_ones() -> None:
    env = {port_variable("gateway"): "18080"}

    settings = Settings.from_environ(env, free_ports=True)

    assert settings.ports["gateway"] == 18080
    others = [port for name, port in settings.ports.items() if name != "gateway"]
    assert len(set(others)) == len(others)
    for port in others:  # each one could be bound right now
        with contextlib.closing(socket.socket()) as probe:
            probe.bind((HOST, port))
    assert settings.log_dir.parent.name == "runs"


def test_without_free_ports_defaults_and_shared_logs_stay() -> None:
    settings = Settings.from_environ({})

    assert dict(settings.ports) == DEFAULT_PORTS
    assert settings.log_dir.name == "logs"


def test_a_test_stack_starts_while_the_default_ports_are_busy(
    default_ports_held: list[int],
) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SESAME_PORT_") and key != LOG_DIR_VARIABLE
    }
    probe = (
        "import json, os; print(json.dumps({k: os.environ[k] for k in"
        " ('FIRESTORE_EMULATOR_HOST', 'FIREBASE_AUTH_EMULATOR_HOST', 'STORAGE_EMULATOR_HOST',"
        " 'CLOUD_TASKS_EMULATOR_HOST', 'SENDGRID_API_HOST', 'SESAME_DEVSTACK_LOG_DIR')}))"
    )

    command = [sys.executable, "-m", "devstack", "run", "--free-ports", "--"]
    done = subprocess.run(
        [*command, sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    used = {int(value.rsplit(":", 1)[1]) for key, value in seen.items() if "HOST" in key}
    assert used.isdisjoint(default_ports_held)
    assert Path(seen[LOG_DIR_VARIABLE]).parent.name == "runs"
