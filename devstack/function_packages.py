"""Each Cloud Function as it is deployed: its package, alone in a clean environment.

Cloud Functions (gen2, python312) receives the zip ``infra/package_functions.py``
builds, installs that zip's ``requirements.txt`` into an empty environment and runs
``functions-framework --target=<name>``. This module does the same on this machine,
so that a missing requirement, a file left out of the package or an import of
something the package does not carry shows up here instead of at deploy time:

* :func:`build_packages` calls the packager itself (no second idea of what a package
  holds) and unpacks each archive;
* :class:`CleanEnvironments` makes one virtual environment per distinct
  ``requirements.txt`` and installs only that file into it (pip's cache is reused);
* :func:`serve` starts the function with the environment's ``functions-framework``,
  from the unpacked folder, bound to loopback, and stops its whole process group.

Used by ``tests/packages`` (each package answers a real request on the emulators)
and ``bench/imports.py`` (import time of each function in its own environment).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from devstack.components import accepts_connections
from devstack.errors import StackError
from devstack.install import make_venv
from devstack.processes import Supervisor
from devstack.settings import HOST, ROOT, free_loopback_ports
from infra import package_functions

PYTHON_VARIABLE = "SESAME_PACKAGES_PYTHON"
MODULES_LOG_VARIABLE = "SESAME_PACKAGE_MODULES_LOG"
START_ATTEMPTS = 3
"""How many times a function process that exits before listening is started (port races)."""
# Put on the served function's PYTHONPATH (its only entry): when a process of the
# server exits, it writes the names of every module it imported, however imported
# (``importlib.import_module`` escapes ``-X importtime``). Standard library only.
MODULES_PROBE = f"""\
import atexit, json, os, sys


def _write_imported_modules():
    path = os.environ["{MODULES_LOG_VARIABLE}"] + "." + str(os.getpid())
    loaded = list(sys.modules.items())
    files = {{name: getattr(module, "__file__", None) for name, module in loaded}}
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(files, handle)


atexit.register(_write_imported_modules)
"""


@dataclass(frozen=True)
class FunctionPackage:
    """One function's archive, unpacked as the runtime sees it."""

    name: str
    archive: Path
    sha256: str
    source_dir: Path

    @property
    def requirements(self) -> Path:
        return self.source_dir / package_functions.REQUIREMENTS

    def declared_distributions(self) -> list[str]:
        """Normalised names of what the package's requirements.txt installs directly."""
        return sorted(package_functions.read_pins(self.requirements))


def deployable_functions() -> list[str]:
    """The functions infra/ deploys: the packager's own list (a folder with a main.py)."""
    return package_functions.discover_functions(ROOT)


def build_packages(directory: Path, names: list[str] | None = None) -> dict[str, FunctionPackage]:
    """Build the archives with the deploy's packager, then unpack each into its own folder."""
    archives = directory / "archives"
    hashes = package_functions.package(ROOT, archives, names)
    packages = {}
    for name, digest in hashes.items():
        archive = archives / f"{name}.zip"
        source_dir = directory / "unpacked" / name
        with zipfile.ZipFile(archive) as opened:
            opened.extractall(source_dir)
        packages[name] = FunctionPackage(name, archive, digest, source_dir)
    return packages


def packages_python(environ: Mapping[str, str]) -> str:
    """The interpreter clean environments are made from (``SESAME_PACKAGES_PYTHON``)."""
    return environ.get(PYTHON_VARIABLE) or sys.executable


@dataclass
class CleanEnvironments:
    """Virtual environments holding exactly one package's requirements, one per distinct file.

    Made from ``python``: by default this interpreter's base Python, or the one named
    by ``SESAME_PACKAGES_PYTHON`` (e.g. a ``python3.12``, the deployed runtime's
    version). ``install_seconds`` records how long each install took and ``users``
    which functions share it, by requirements hash.
    """

    directory: Path
    python: str = field(default_factory=lambda: packages_python(os.environ))
    install_seconds: dict[str, float] = field(default_factory=dict)
    users: dict[str, list[str]] = field(default_factory=dict)  # hash -> functions using it
    #: Installed modules compiled to bytecode, as a deploy build does (startup benchmarks).
    compile_bytecode: bool = False

    def bin_dir(self, package: FunctionPackage) -> Path:
        """The ``bin/`` of the environment for ``package``, created on first use."""
        # Keyed by the pins, not the file's bytes: functions whose files differ only in
        # comments or order share one environment.
        pinned = package_functions.read_pins(package.requirements)
        pins = sorted(f"{name}=={pin.version}" for name, pin in pinned.items())
        key = hashlib.sha256("\n".join(pins).encode()).hexdigest()[:16]
        venv = self.directory / key
        if package.name not in self.users.setdefault(key, []):
            self.users[key].append(package.name)
        if key not in self.install_seconds:
            started = time.monotonic()
            make_venv(
                venv,
                package.requirements,
                f"the {package.name} package",
                self.python,
                self.compile_bytecode,
            )
            self.install_seconds[key] = time.monotonic() - started
        return venv / "bin"

    def loaded_distributions(self, package: FunctionPackage, modules: Iterable[str]) -> set[str]:
        """Normalised names of the installed distributions that provide ``modules``."""
        python = self.bin_dir(package) / "python"
        code = (
            "import importlib.metadata, json\n"
            "print(json.dumps(importlib.metadata.packages_distributions()))"
        )
        completed = subprocess.run(
            [str(python), "-I", "-c", code], capture_output=True, text=True, check=True
        )
        providers: dict[str, list[str]] = json.loads(completed.stdout)
        tops = {module.split(".")[0] for module in modules}
        return {
            package_functions.normalized(dist) for top in tops for dist in providers.get(top, [])
        }


def isolated_environment(base: Mapping[str, str]) -> dict[str, str]:
    """``base`` without what would let the function see this checkout or its venv."""
    hidden = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP", "PYTHONUSERBASE"}
    return {key: value for key, value in base.items() if key not in hidden}


@dataclass
class RunningFunction:
    """A function served from its package: its URL, and where its processes list their imports."""

    name: str
    url: str
    modules_log: Path
    log: Path  # what the server printed (its JSON log lines)

    def imported_modules(self) -> dict[str, str | None]:
        """Every module the server's processes imported (start-up and requests), once stopped.

        Module name -> the file it was loaded from (None for built-in and namespace ones).
        """
        found: dict[str, str | None] = {}
        for path in self.modules_log.parent.glob(self.modules_log.name + ".*"):
            found.update(json.loads(path.read_text(encoding="utf-8")))
        return found


@contextmanager
def serve(
    package: FunctionPackage,
    bin_dir: Path,
    port: int,
    environment: Mapping[str, str],
    log_dir: Path,
    timeout: float = 60.0,
) -> Iterator[RunningFunction]:
    """Run ``functions-framework --target=<name> --source=main.py`` from the package folder.

    Started as Cloud Run starts it: the environment's console script, the package
    folder as working directory, nothing of this checkout on the path. A stdlib probe
    records the modules each process imported (read them once the context is left).
    """
    probe_dir = log_dir / f"probe-{package.name}"
    probe_dir.mkdir(parents=True, exist_ok=True)
    (probe_dir / "sitecustomize.py").write_text(MODULES_PROBE, encoding="utf-8")
    modules_log = log_dir / f"modules-{package.name}"
    supervisor = Supervisor(log_dir)
    env = isolated_environment(environment)
    env["PYTHONPATH"] = str(probe_dir)
    env[MODULES_LOG_VARIABLE] = str(modules_log)
    # A process that exits before listening is started again on another free port, at
    # most twice: the port was picked free but another process on the machine may bind it
    # first (several stacks pick free ports at once). A timeout is never retried.
    for attempt in range(1, START_ATTEMPTS + 1):
        process = supervisor.spawn(
            f"package-{package.name}",
            [
                str(bin_dir / "functions-framework"),
                f"--target={package.name}",
                "--source=main.py",
                f"--host={HOST}",
                f"--port={port}",
            ],
            cwd=package.source_dir,
            env=env,
        )
        ready = accepts_connections(HOST, port)
        deadline = time.monotonic() + timeout
        while not ready() and process.exited() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        if ready():
            break
        if process.exited() is None or attempt == START_ATTEMPTS:
            supervisor.stop_all()
            raise StackError(
                f"{package.name} did not start from its package:\n{process.log_tail(40)}"
            )
        supervisor.stop_all()
        port = free_loopback_ports(1)[0]
    try:
        yield RunningFunction(package.name, f"http://{HOST}:{port}", modules_log, process.log_path)
    finally:
        supervisor.stop_all()


def serve_together(
    names: list[str],
    packages: Mapping[str, FunctionPackage],
    environments: CleanEnvironments,
    log_dir: Path,
    stack: ExitStack,
) -> dict[str, RunningFunction]:
    """Serve ``names`` at once, each from its package on a free port, until ``stack`` closes."""
    running = {}
    for name, port in zip(names, free_loopback_ports(len(names)), strict=True):
        package = packages[name]
        running[name] = stack.enter_context(
            serve(package, environments.bin_dir(package), port, os.environ, log_dir)
        )
    return running
