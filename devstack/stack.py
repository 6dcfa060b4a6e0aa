"""Start the components together, wait until all answer, and stop them all.

All processes start at once and are polled together, so the stack is ready as soon
as its slowest member (the Firebase CLI, ~8-12 s) is. A component that exits or
stays silent past its timeout fails the whole start with its name, its log file and
the end of that log, and everything already started is stopped.
"""

from __future__ import annotations

import errno
import json
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path

from devstack.components import Component, build_components, child_environment
from devstack.errors import StackError
from devstack.processes import ManagedProcess, Supervisor
from devstack.settings import HOST, ROOT, Settings, port_variable

Say = Callable[[str], None]


def say_on_stderr(message: str) -> None:
    """devstack speaks on stderr: stdout belongs to the command it runs."""
    sys.stderr.write(f"devstack: {message}\n")  # one write: install threads may talk at once
    sys.stderr.flush()


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # SO_REUSEADDR: a socket in TIME_WAIT from a previous run is not "in use";
        # a listening socket still is.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return False
            raise
    return True


def check_ports(settings: Settings, components: list[Component]) -> None:
    """Fail before starting anything if a port is taken: name it and how to move it."""
    for component in components:
        for port_name in (component.port_name, *component.extra_ports):
            port = settings.ports[port_name]
            if not port_is_free(port):
                raise StackError(
                    f"port {port} ({port_name}, for the {component.title}) is already in use"
                    f" on {HOST}. Stop what holds it (`ss -ltnp 'sport = :{port}'`) or pick"
                    f" another port: {port_variable(port_name)}=<port>."
                )


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


class Stack:
    """A set of started components; use as a context manager so it is always stopped."""

    def __init__(self, settings: Settings, *, with_gateway: bool, say: Say = say_on_stderr):
        self.settings = settings
        self.say = say
        self.components = build_components(settings, with_gateway=with_gateway)
        self.supervisor = Supervisor(settings.log_dir)
        self.running: dict[str, ManagedProcess] = {}

    def __enter__(self) -> Stack:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> float:
        """Start every component and block until all are ready; return the seconds taken."""
        check_ports(self.settings, self.components)
        started = time.monotonic()
        env = child_environment(self.settings)
        for component in self.components:
            self.running[component.name] = self.supervisor.spawn(
                component.name,
                component.argv,
                cwd=component.cwd,
                env={**env, **component.extra_env},
            )
        self._write_pid_file()
        self._wait_ready(started)
        return time.monotonic() - started

    def _write_pid_file(self) -> None:
        """Record what was started, for people and for the no-orphans test."""
        record = {
            name: {"pid": process.pid, "pgid": process.pid, "log": str(process.log_path)}
            for name, process in self.running.items()
        }
        (self.settings.log_dir / "pids.json").write_text(json.dumps(record, indent=2) + "\n")

    def _failure(self, component: Component, why: str) -> StackError:
        process = self.running[component.name]
        tail = process.log_tail()
        return StackError(
            f"{component.title} ({component.name}) {why}.\n"
            f"  log: {_relative(process.log_path)}\n"
            + (f"  --- last lines ---\n{tail}\n  ---" if tail else "  (log is empty)")
        )

    def _wait_ready(self, started: float) -> None:
        pending = {c.name: c for c in self.components}
        while pending:
            for name, component in list(pending.items()):
                process = self.running[name]
                waited = time.monotonic() - started
                if (code := process.exited()) is not None:
                    raise self._failure(component, f"exited with code {code} before being ready")
                if component.ready():
                    if component.after_ready is not None:
                        component.after_ready()
                    self.say(f"{name} ready in {waited:.1f} s")
                    del pending[name]
                elif waited > component.timeout:
                    raise self._failure(component, f"was not ready after {component.timeout:.0f} s")
            if pending:
                time.sleep(0.1)

    def dead_components(self) -> list[str]:
        """Components whose process has ended since start (a crash, usually)."""
        return [name for name, process in self.running.items() if process.exited() is not None]

    def table(self) -> str:
        width = max(len(c.title) for c in self.components)
        lines = [f"  {c.title:<{width}}  {c.url}" for c in self.components]
        lines.append(f"  {'logs':<{width}}  {_relative(self.settings.log_dir)}/")
        return "\n".join(lines)

    def stop(self) -> None:
        if self.running:
            self.supervisor.stop_all()
            self.running = {}
