"""Where everything lives and listens: ports, folders and the environment given to code.

Every port can be moved with ``SESAME_PORT_<NAME>`` so two stacks (or a stack and
something else) can share a machine; the environment exported to commands is
derived from the same numbers, so a moved port can never be half applied.
"""

from __future__ import annotations

import os
import shutil
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from devstack.errors import StackError

ROOT = Path(__file__).resolve().parent.parent
STATE_DIR = ROOT / ".devstack"
HOST = "127.0.0.1"

PROJECT = "demo-sesame"
"""A ``demo-`` project id: the Firebase CLI then never reaches for real credentials."""

TASKS_LOCATION = "europe-west3"
TASKS_QUEUES = ("alerts", "erasure", "exports", "notices", "default")
VAULT_BUCKET = "demo-sesame-vault"
EXPORTS_BUCKET = "demo-sesame-exports"
SENDGRID_API_KEY = "SG.local-sink"

DEFAULT_PORTS: dict[str, int] = {
    "firestore": 8180,
    "auth": 9099,
    "firebase_hub": 4400,
    "firebase_logging": 4500,
    "storage": 9023,
    "tasks": 8123,
    "sendgrid": 8025,
    "gateway": 8080,
    "clamd": 3310,
}

LOG_DIR_VARIABLE = "SESAME_DEVSTACK_LOG_DIR"
RUNS_DIR = STATE_DIR / "runs"
"""Log folders of stacks started on free ports (one per run, the newest few kept)."""
KEPT_RUNS = 5
TASKS_MAX_RETRIES_VARIABLE = "SESAME_TASKS_MAX_RETRIES"
DEFAULT_TASKS_MAX_RETRIES = 5
"""The emulator retries a failed task every 0.1 s with no backoff: unbounded, one failing
handler would flood its own log. ``-1`` restores "retry forever"."""


def port_variable(name: str) -> str:
    """The environment variable that moves component ``name`` to another port."""
    return f"SESAME_PORT_{name.upper()}"


def queue_path(queue: str) -> str:
    return f"projects/{PROJECT}/locations/{TASKS_LOCATION}/queues/{queue}"


@dataclass(frozen=True)
class Settings:
    """The resolved configuration of one stack (defaults plus environment overrides)."""

    ports: Mapping[str, int]
    log_dir: Path
    tasks_max_retries: int

    @classmethod
    def from_environ(
        cls, environ: Mapping[str, str] | None = None, *, free_ports: bool = False
    ) -> Settings:
        """Read overrides; reject nonsense early rather than as a confusing bind error.

        With ``free_ports`` (what ``make test`` asks for), every port that no variable
        sets is a port the system reports free right now instead of the default, and the
        logs go to a folder of this run: a test run then never collides with a
        ``make run`` stack, or with another test run, in the same checkout.
        """
        env = os.environ if environ is None else environ
        unset = [n for n in DEFAULT_PORTS if not env.get(port_variable(n), "").strip()]
        chosen: dict[str, int] = {}
        if free_ports:
            chosen = dict(zip(unset, free_loopback_ports(len(unset)), strict=True))
        ports: dict[str, int] = {}
        for name, default in DEFAULT_PORTS.items():
            variable = port_variable(name)
            raw = env.get(variable, "").strip()
            if not raw:
                ports[name] = chosen.get(name, default)
                continue
            if not raw.isdigit() or not 0 < int(raw) < 65536:
                raise StackError(f"{variable}={raw!r} is not a TCP port (1-65535).")
            ports[name] = int(raw)
        by_port: dict[int, str] = {}
        for name, port in ports.items():
            if port in by_port:
                raise StackError(
                    f"{port_variable(by_port[port])} and {port_variable(name)} both ask for"
                    f" port {port}: give one of them another value."
                )
            by_port[port] = name
        if env.get(LOG_DIR_VARIABLE):
            log_dir = Path(env[LOG_DIR_VARIABLE]).resolve()
        elif free_ports:
            log_dir = _new_run_folder()
        else:
            log_dir = (STATE_DIR / "logs").resolve()
        raw_retries = env.get(TASKS_MAX_RETRIES_VARIABLE, "").strip()
        try:
            retries = int(raw_retries) if raw_retries else DEFAULT_TASKS_MAX_RETRIES
        except ValueError:
            raise StackError(
                f"{TASKS_MAX_RETRIES_VARIABLE}={raw_retries!r} is not an integer."
            ) from None
        return cls(ports=ports, log_dir=log_dir, tasks_max_retries=retries)

    def address(self, name: str) -> str:
        return f"{HOST}:{self.ports[name]}"

    def url(self, name: str) -> str:
        return f"http://{self.address(name)}"

    def client_environment(self) -> dict[str, str]:
        """What application code and tests need to find the emulators (and nothing real)."""
        return {
            "GOOGLE_CLOUD_PROJECT": PROJECT,
            "SESAME_ENV": "local",
            "FIRESTORE_EMULATOR_HOST": self.address("firestore"),
            "FIREBASE_AUTH_EMULATOR_HOST": self.address("auth"),
            "STORAGE_EMULATOR_HOST": self.url("storage"),
            "CLOUD_TASKS_EMULATOR_HOST": self.address("tasks"),
            "SENDGRID_API_HOST": self.url("sendgrid"),
            "SENDGRID_API_KEY": SENDGRID_API_KEY,
            "SESAME_GATEWAY_URL": self.url("gateway"),
            # The web client is served by the gateway (``/app/``): its origin may call
            # the API, besides a client run on its own at port 3000.
            "SESAME_CORS_ORIGINS": ",".join(
                (
                    self.url("gateway"),
                    f"http://localhost:{self.ports['gateway']}",
                    "http://localhost:3000",
                    "http://127.0.0.1:3000",
                )
            ),
            "SESAME_TASKS_TARGET_BASE": self.url("gateway"),
            "SESAME_VAULT_BUCKET": VAULT_BUCKET,
            "SESAME_EXPORTS_BUCKET": EXPORTS_BUCKET,
            "SESAME_CLAMD_ADDRESS": self.address("clamd"),
            LOG_DIR_VARIABLE: str(self.log_dir),
            # The ports themselves, so that a devstack command run inside the stack
            # (``finalize``, ``env``) addresses this stack even when it chose free ports.
            **{port_variable(name): str(port) for name, port in self.ports.items()},
        }


def free_loopback_ports(count: int) -> list[int]:
    """``count`` distinct ports that nothing listens on at this instant.

    All sockets are held open together so the system cannot hand out one port twice;
    the short window between closing them and the emulators binding is accepted (a
    lost race is a clear bind error from the component, never a shared port).
    """
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            held = socket.socket()
            held.bind((HOST, 0))
            sockets.append(held)
        return [held.getsockname()[1] for held in sockets]
    finally:
        for held in sockets:
            held.close()


def _new_run_folder() -> Path:
    """A fresh log folder under ``.devstack/runs/``; older runs beyond the newest few go."""
    RUNS_DIR.mkdir(parents=True, exist_ok=True)
    previous = sorted(RUNS_DIR.iterdir(), key=lambda path: path.stat().st_mtime)
    for old in previous[: max(0, len(previous) - (KEPT_RUNS - 1))]:
        shutil.rmtree(old, ignore_errors=True)
    folder = RUNS_DIR / f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    folder.mkdir()
    return folder.resolve()
