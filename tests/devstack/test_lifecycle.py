"""devstack stops everything it started, whatever the way out.

Each test starts a second, nested stack on its own free ports and log folder (the
outer stack keeps running), ends it one way or another, and then checks with ``ps``
that no process of any group it started is left.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.settings import DEFAULT_PORTS, free_loopback_ports, port_variable

ROOT = Path(__file__).resolve().parents[2]
DEVSTACK = [sys.executable, "-m", "devstack"]


@pytest.fixture
def nested_env(tmp_path: Path, stack_env: dict[str, str]) -> dict[str, str]:
    """Environment for a second stack: every port moved, its own log folder."""
    env = dict(os.environ)
    for name, port in zip(DEFAULT_PORTS, free_loopback_ports(len(DEFAULT_PORTS)), strict=True):
        env[port_variable(name)] = str(port)
    env["SESAME_DEVSTACK_LOG_DIR"] = str(tmp_path / "logs")
    return env


def _groups(log_dir: Path) -> dict[str, int]:
    record = json.loads((log_dir / "pids.json").read_text())
    return {name: int(entry["pgid"]) for name, entry in record.items()}


def _leftovers(pgids: set[int], markers: list[str]) -> list[str]:
    """Processes still in one of ``pgids`` or whose command line names a marker."""
    table = subprocess.run(
        ["ps", "-eo", "pid=,pgid=,args="], capture_output=True, text=True, check=True
    ).stdout
    found = []
    for line in table.splitlines():
        pid, pgid, args = line.strip().split(None, 2)
        if int(pid) == os.getpid():
            continue
        if int(pgid) in pgids or any(marker in args for marker in markers):
            found.append(line.strip())
    return found


def _assert_no_leftovers(env: dict[str, str]) -> None:
    log_dir = Path(env["SESAME_DEVSTACK_LOG_DIR"])
    groups = _groups(log_dir)
    assert {"firestore", "auth", "storage", "tasks", "sendgrid"} <= set(groups)
    ports = [env[port_variable(name)] for name in DEFAULT_PORTS]
    markers = [str(log_dir), *(f"--port={p}" for p in ports), *(f"--port {p}" for p in ports)]
    assert _leftovers(set(groups.values()), markers) == []


def _wait_for(path: Path, process: subprocess.Popen[str], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert process.poll() is None, f"devstack exited early: {process.communicate()}"
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.2)


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[str]]]:
    """Nested devstack processes; killed if a test fails half-way (never left behind)."""
    processes: list[subprocess.Popen[str]] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


def test_run_true_leaves_no_process(nested_env: dict[str, str]) -> None:
    done = subprocess.run(
        [*DEVSTACK, "run", "--", "true"],
        cwd=ROOT,
        env=nested_env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert "stack ready" in done.stderr
    _assert_no_leftovers(nested_env)


def test_run_returns_the_command_exit_code(nested_env: dict[str, str]) -> None:
    done = subprocess.run(
        [
            *DEVSTACK,
            "run",
            "--",
            sys.executable,
            "-c",
            "import os, sys; sys.exit(7 if os.environ['SESAME_ENV'] == 'local' else 1)",
        ],
        cwd=ROOT,
        env=nested_env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )

    assert done.returncode == 7, done.stderr
    _assert_no_leftovers(nested_env)


def test_sigterm_during_run_stops_command_and_stack(
    nested_env: dict[str, str], tmp_path: Path, started: list[subprocess.Popen[str]]
) -> None:
    ready = tmp_path / "command-started"
    process = subprocess.Popen(
        [*DEVSTACK, "run", "--", "sh", "-c", f"touch {ready}; exec sleep 300"],
        cwd=ROOT,
        env=nested_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    started.append(process)
    _wait_for(ready, process)

    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)

    assert process.returncode == 128 + signal.SIGTERM, stderr
    _assert_no_leftovers(nested_env)
    assert _leftovers(set(), [f"sh -c touch {ready}"]) == []


def test_ctrl_c_stops_up(nested_env: dict[str, str], started: list[subprocess.Popen[str]]) -> None:
    process = subprocess.Popen(
        [*DEVSTACK, "up"],
        cwd=ROOT,
        env=nested_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    started.append(process)
    assert process.stdout is not None
    seen = []
    for line in process.stdout:
        seen.append(line)
        if line.startswith("Ctrl-C stops everything"):
            break
    table = "".join(seen)
    assert f"127.0.0.1:{nested_env['SESAME_PORT_FIRESTORE']}" in table
    assert nested_env["SESAME_DEVSTACK_LOG_DIR"] in table

    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)

    assert process.returncode == 0, stderr
    _assert_no_leftovers(nested_env)


def test_busy_port_fails_fast_and_names_the_variable(nested_env: dict[str, str]) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        busy = holder.getsockname()[1]
        nested_env["SESAME_PORT_STORAGE"] = str(busy)
        started = time.monotonic()

        done = subprocess.run(
            [*DEVSTACK, "run", "--", "true"],
            cwd=ROOT,
            env=nested_env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert done.returncode == 3
    assert f"port {busy}" in done.stderr
    assert "SESAME_PORT_STORAGE" in done.stderr
    assert time.monotonic() - started < 10
    assert not (Path(nested_env["SESAME_DEVSTACK_LOG_DIR"]) / "pids.json").exists()


def test_component_failure_names_it_and_stops_the_others(nested_env: dict[str, str]) -> None:
    # An impossible heap makes the JVM exit at once: the Firestore emulator "crashes".
    nested_env["JAVA_TOOL_OPTIONS"] = "-Xmx1k"

    done = subprocess.run(
        [*DEVSTACK, "run", "--", "true"],
        cwd=ROOT,
        env=nested_env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )

    assert done.returncode == 3
    assert "Firestore emulator (firestore) exited with code" in done.stderr
    assert "firestore.log" in done.stderr
    _assert_no_leftovers(nested_env)
