"""What each emulator is: how to start it, how to know it is ready, what to do next.

Facts measured on the project machines (see shared/DESIGN.md, "Real parts, locally")
are encoded here: the Firestore jar is run directly (fast start, one process), the
Firebase CLI is told it runs in CI (no network for MOTD or update checks), the Python
emulators run from their own venvs, isolated (``-I``) from the caller's environment.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from devstack.clamav import clamd_argv
from devstack.errors import StackError
from devstack.install import FIREBASE_BIN, STORAGE_VENV, TASKS_VENV
from devstack.settings import (
    EXPORTS_BUCKET,
    HOST,
    PROJECT,
    ROOT,
    TASKS_QUEUES,
    VAULT_BUCKET,
    Settings,
    queue_path,
)

FIRESTORE_JAR_FALLBACK = Path(
    "/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar"
)
FIRESTORE_MAIN_CLASS = "com.google.cloud.datastore.emulator.firestore.CloudFirestore"
FIRESTORE_RULES = ROOT / "firestore.rules"
FIREBASE_CONFIG = ROOT / "firebase.json"
DEVSTACK_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Component:
    """One process of the stack."""

    name: str
    title: str
    port_name: str
    argv: list[str]
    url: str
    ready: Callable[[], bool]
    timeout: float
    cwd: Path = ROOT
    extra_env: Mapping[str, str] = field(default_factory=dict)
    after_ready: Callable[[], None] | None = None
    extra_ports: tuple[str, ...] = ()
    """Other ports the process binds (must be free too)."""


def http_ok(url: str) -> Callable[[], bool]:
    """Readiness probe: ``url`` answers 200."""

    def probe() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                return bool(response.status == 200)
        except (OSError, urllib.error.URLError):
            return False

    return probe


def accepts_connections(host: str, port: int) -> Callable[[], bool]:
    """Readiness probe for non-HTTP servers (gRPC): the port accepts a TCP connection."""

    def probe() -> bool:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            return False

    return probe


def find_firestore_jar() -> Path:
    """The jar shipped by the Debian package, wherever this machine put it."""
    try:
        listing = subprocess.run(
            ["dpkg", "-L", "google-cloud-cli-firestore-emulator"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
    except OSError:
        listing = ""
    for line in listing.splitlines():
        if line.endswith("emulator.jar") and Path(line).is_file():
            return Path(line)
    if FIRESTORE_JAR_FALLBACK.is_file():
        return FIRESTORE_JAR_FALLBACK
    raise StackError(
        "Firestore emulator jar not found: install the Debian package"
        " google-cloud-cli-firestore-emulator (with Java 17)."
    )


def firestore(settings: Settings) -> Component:
    if not FIRESTORE_RULES.is_file():
        raise StackError(
            f"{FIRESTORE_RULES} is missing: the Firestore emulator is always started with"
            " the project's rules so that tests see what production enforces."
        )
    java = shutil.which("java")
    if java is None:
        raise StackError("java not found: the Firestore emulator needs Java 17 (openjdk-17-jre).")
    port = settings.ports["firestore"]
    return Component(
        name="firestore",
        title="Firestore emulator",
        port_name="firestore",
        argv=[
            java,
            "-cp",
            str(find_firestore_jar()),
            FIRESTORE_MAIN_CLASS,
            f"--host={HOST}",
            f"--port={port}",
            f"--rules={FIRESTORE_RULES}",
        ],
        url=settings.url("firestore"),
        ready=http_ok(settings.url("firestore") + "/"),
        timeout=45,
    )


def write_firebase_config(settings: Settings) -> Path:
    """firebase.json with this stack's ports, in the log folder.

    The committed firebase.json holds the defaults (and works by hand with
    ``npx firebase emulators:start``); the generated copy applies port overrides
    so two stacks never fight over the hub or logging ports.
    """
    try:
        config = json.loads(FIREBASE_CONFIG.read_text())
    except (OSError, ValueError) as error:
        raise StackError(f"cannot read {FIREBASE_CONFIG}: {error}") from error
    emulators = config.setdefault("emulators", {})
    for key, port_name in (
        ("auth", "auth"),
        ("hub", "firebase_hub"),
        ("logging", "firebase_logging"),
    ):
        emulators.setdefault(key, {}).update(host=HOST, port=settings.ports[port_name])
    emulators.setdefault("ui", {})["enabled"] = False
    settings.log_dir.mkdir(parents=True, exist_ok=True)
    path = settings.log_dir / "firebase.json"
    path.write_text(json.dumps(config, indent=2) + "\n")
    return path


def auth(settings: Settings) -> Component:
    if not FIREBASE_BIN.exists():
        raise StackError(f"{FIREBASE_BIN} missing: run `python -m devstack install`.")
    config = write_firebase_config(settings)
    return Component(
        name="auth",
        title="Firebase Auth emulator",
        port_name="auth",
        extra_ports=("firebase_hub", "firebase_logging"),
        argv=[
            str(FIREBASE_BIN),
            "emulators:start",
            "--only",
            "auth",
            "--project",
            PROJECT,
            "--config",
            str(config),
        ],
        # firebase-debug.log lands in the working directory: keep it with the logs.
        cwd=settings.log_dir,
        extra_env={
            # CI skips the MOTD fetch (which can also abort an "outdated" CLI) and the
            # update notifier; NO_UPDATE_NOTIFIER makes sure of the latter.
            "CI": "true",
            "NO_UPDATE_NOTIFIER": "1",
        },
        url=settings.url("auth"),
        ready=http_ok(settings.url("auth") + "/"),
        timeout=90,
    )


def create_bucket(base_url: str, name: str) -> None:
    """Create ``name`` through the JSON API (the emulator takes one default bucket only)."""
    request = urllib.request.Request(
        f"{base_url}/storage/v1/b?project={PROJECT}",
        data=json.dumps({"name": name}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=5):
            return
    except urllib.error.HTTPError as error:
        if error.code == 409:  # already there
            return
        raise StackError(f"storage emulator refused to create bucket {name}: {error}") from error


def storage(settings: Settings) -> Component:
    base = settings.url("storage")
    return Component(
        name="storage",
        title="Cloud Storage emulator",
        port_name="storage",
        argv=[
            str(STORAGE_VENV.path / "bin" / "gcp-storage-emulator"),
            "start",
            "--host",
            HOST,
            "--port",
            str(settings.ports["storage"]),
            "--default-bucket",
            VAULT_BUCKET,
            "--in-memory",
        ],
        url=base,
        ready=http_ok(base + "/"),
        timeout=30,
        after_ready=lambda: create_bucket(base, EXPORTS_BUCKET),
    )


def tasks(settings: Settings) -> Component:
    argv = [
        str(TASKS_VENV.python),
        "-I",
        str(DEVSTACK_DIR / "tasks_emulator.py"),
        "--host",
        HOST,
        "--port",
        str(settings.ports["tasks"]),
        "--target-host",
        HOST,
        "--target-port",
        str(settings.ports["gateway"]),
        "--max-retries",
        str(settings.tasks_max_retries),
    ]
    for queue in TASKS_QUEUES:
        argv += ["--queue", queue_path(queue)]
    return Component(
        name="tasks",
        title="Cloud Tasks emulator (gRPC)",
        port_name="tasks",
        argv=argv,
        url=settings.address("tasks"),
        ready=accepts_connections(HOST, settings.ports["tasks"]),
        timeout=30,
    )


def sendgrid(settings: Settings) -> Component:
    return Component(
        name="sendgrid",
        title="SendGrid sink",
        port_name="sendgrid",
        argv=[
            sys.executable,
            "-m",
            "devstack.sendgrid_sink",
            "--host",
            HOST,
            "--port",
            str(settings.ports["sendgrid"]),
        ],
        url=settings.url("sendgrid") + "/_sink/messages",
        ready=http_ok(settings.url("sendgrid") + "/healthz"),
        timeout=15,
    )


def clamd_answers(host: str, port: int) -> Callable[[], bool]:
    """Readiness probe for clamd: ``PING`` answered ``PONG`` (the port opens only once
    the database is loaded, but a probe on the protocol is what callers rely on)."""

    def probe() -> bool:
        try:
            with socket.create_connection((host, port), timeout=1) as conn:
                conn.sendall(b"zPING\0")
                return conn.recv(16).startswith(b"PONG")
        except OSError:
            return False

    return probe


def clamd(settings: Settings) -> Component:
    return Component(
        name="clamd",
        title="ClamAV daemon (test signatures)",
        port_name="clamd",
        argv=clamd_argv(settings),
        url=settings.address("clamd"),
        ready=clamd_answers(HOST, settings.ports["clamd"]),
        timeout=60,
    )


def gateway(settings: Settings) -> Component:
    return Component(
        name="gateway",
        title="Functions gateway",
        port_name="gateway",
        argv=[
            sys.executable,
            "-m",
            "devstack.gateway",
            "--host",
            HOST,
            "--port",
            str(settings.ports["gateway"]),
        ],
        url=settings.url("gateway"),
        ready=http_ok(settings.url("gateway") + "/healthz"),
        timeout=60,
    )


def build_components(settings: Settings, *, with_gateway: bool) -> list[Component]:
    """The stack, slowest first so that its start overlaps the others'."""
    components = [
        auth(settings),
        firestore(settings),
        storage(settings),
        tasks(settings),
        sendgrid(settings),
        clamd(settings),
    ]
    if with_gateway:
        components.append(gateway(settings))
    return components


def child_environment(settings: Settings, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The caller's environment plus the stack's variables (which always win)."""
    env = dict(os.environ)
    env.update(settings.client_environment())
    env.update(extra or {})
    return env
