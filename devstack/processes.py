"""Start long-running processes so that every one of them can be stopped for sure.

Emulators spawn children (``firebase`` starts node workers; ``gcloud`` wrappers leave
java behind), so stopping the PID we started is not enough. Each process is made the
leader of its own session/process group and stopped with ``killpg``: SIGTERM, a grace
period, then SIGKILL for whatever is left of the group. Teardown runs on normal exit,
on failure, on signals (the CLI turns them into exceptions) and from ``atexit``.
Children also get ``PR_SET_PDEATHSIG`` so that even a SIGKILLed devstack takes its
direct children down with it.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import ctypes.util
import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

PR_SET_PDEATHSIG = 1


def die_with_parent_hook() -> Callable[[], None] | None:
    """Build the ``preexec_fn`` now: loading libc after ``fork`` is not safe."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    libc = ctypes.CDLL(name, use_errno=True)
    parent = os.getpid()

    def hook() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # parent died before prctl took effect
            os._exit(1)

    return hook


@dataclass
class ManagedProcess:
    """One started process, the head of its own process group, logging to one file."""

    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def exited(self) -> int | None:
        """Exit status if the group leader has ended (reaping it), else None."""
        return self.popen.poll()

    def group_alive(self) -> bool:
        """True while any process of the group remains (leader reaped first)."""
        self.popen.poll()
        try:
            os.killpg(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signum)

    def log_tail(self, lines: int = 25) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


class Supervisor:
    """Owns every process it started; :meth:`stop_all` is idempotent and always safe."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.processes: list[ManagedProcess] = []
        self._preexec = die_with_parent_hook()
        atexit.register(self.stop_all)

    def spawn(
        self,
        name: str,
        argv: Sequence[str],
        *,
        cwd: Path,
        env: Mapping[str, str],
    ) -> ManagedProcess:
        """Start ``argv`` in a new session, stdout+stderr to ``<log_dir>/<name>.log``."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_dir / f"{name}.log"
        with open(log_path, "wb") as log_file:  # the child keeps its own copy of the fd
            popen = subprocess.Popen(
                list(argv),
                cwd=cwd,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=self._preexec,
            )
        process = ManagedProcess(name=name, popen=popen, log_path=log_path)
        self.processes.append(process)
        return process

    def stop_all(self, grace: float = 5.0) -> None:
        """SIGTERM every group at once, wait up to ``grace`` seconds, SIGKILL the rest."""
        running = [p for p in self.processes if p.group_alive()]
        for process in running:
            process.signal_group(signal.SIGTERM)
        deadline = time.monotonic() + grace
        while running and time.monotonic() < deadline:
            running = [p for p in running if p.group_alive()]
            if running:
                time.sleep(0.05)
        for process in running:
            process.signal_group(signal.SIGKILL)
        deadline = time.monotonic() + 5.0
        while running and time.monotonic() < deadline:
            running = [p for p in running if p.group_alive()]
            if running:
                time.sleep(0.05)
        for process in self.processes:
            if process.popen.returncode is None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.popen.wait(timeout=1)
        self.processes = []
