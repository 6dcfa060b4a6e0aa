"""Install what the emulators need, once, and skip it in well under a second afterwards.

A fresh clone (CI, a new laptop) has no ``node_modules`` and no emulator venvs; a
warm one must not pay ``npm ci`` on every test run. Each installed piece carries a
stamp holding the hash of what it was built from (lock file or requirements file,
plus the interpreter version); a matching stamp means "already done".
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from devstack.clamav import find_clamd
from devstack.errors import StackError
from devstack.settings import ROOT, STATE_DIR

STAMP_NAME = ".devstack-stamp"
NODE_MODULES = ROOT / "node_modules"
FIREBASE_BIN = NODE_MODULES / ".bin" / "firebase"
REQUIREMENTS_DIR = Path(__file__).resolve().parent / "requirements"
VENVS_DIR = STATE_DIR / "venvs"

Report = Callable[[str], None]


@dataclass(frozen=True)
class EmulatorVenv:
    """A private venv for one Python emulator whose pins clash with the main venv."""

    name: str

    @property
    def requirements(self) -> Path:
        return REQUIREMENTS_DIR / f"{self.name}.txt"

    @property
    def path(self) -> Path:
        return VENVS_DIR / self.name

    @property
    def python(self) -> Path:
        return self.path / "bin" / "python"


STORAGE_VENV = EmulatorVenv("storage")
TASKS_VENV = EmulatorVenv("tasks")
# Not an emulator, but the same need: a tool whose pins clash with the main venv.
SCHEMATHESIS_VENV = EmulatorVenv("schemathesis")
EMULATOR_VENVS = (STORAGE_VENV, TASKS_VENV, SCHEMATHESIS_VENV)


def _fingerprint(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def _stamp_matches(stamp: Path, fingerprint: str) -> bool:
    try:
        return stamp.read_text().strip() == fingerprint
    except OSError:
        return False


def _run(argv: list[str], what: str, cwd: Path, env: dict[str, str] | None = None) -> None:
    """Run an install step, keeping its output only to show it when it fails."""
    completed = subprocess.run(
        argv,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        output = (completed.stdout + completed.stderr).strip().splitlines()
        tail = "\n".join(output[-40:])
        raise StackError(f"{what} failed (exit {completed.returncode}): {' '.join(argv)}\n{tail}")


def _node_fingerprint() -> str:
    lock = ROOT / "package-lock.json"
    if not lock.is_file():
        raise StackError(f"{lock} is missing: it pins firebase-tools; restore it from git.")
    node = shutil.which("node")
    if node is None or shutil.which("npm") is None:
        raise StackError(
            "node and npm are needed for the Firebase Auth emulator"
            " (Debian: apt-get install nodejs npm)."
        )
    version = subprocess.run(
        [node, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return _fingerprint(lock.read_bytes(), version.encode())


def ensure_node_modules(report: Report) -> bool:
    """``npm ci`` exactly the locked firebase-tools, unless already done for this lock.

    ``--ignore-scripts``: the only install scripts in the tree build ``re2`` (for
    Hosting's superstatic, unused by the Auth emulator: minutes of C++ compilation)
    and print notices; skipping them also keeps third-party code from running at install.
    """
    stamp = NODE_MODULES / STAMP_NAME
    fingerprint = _node_fingerprint()
    if FIREBASE_BIN.exists() and _stamp_matches(stamp, fingerprint):
        return False
    started = time.monotonic()
    report("npm ci (firebase-tools, pinned by package-lock.json)…")
    _run(
        ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
        "npm ci",
        ROOT,
    )
    if not FIREBASE_BIN.exists():
        raise StackError(f"npm ci finished but {FIREBASE_BIN} does not exist.")
    stamp.write_text(fingerprint + "\n")
    report(f"node_modules installed in {time.monotonic() - started:.0f} s")
    return True


def make_venv(
    path: Path,
    requirements: Path,
    what: str,
    python: str = sys.executable,
    compile_bytecode: bool = False,
) -> None:
    """A virtual environment at ``path`` holding exactly ``requirements`` (installer cache reused).

    ``python``: the interpreter it is made from (default: this one's base interpreter).
    Installed with uv when the project venv has it (the same pins resolve to the same
    releases, a clean install takes seconds instead of half a minute: it is what keeps the
    per-function package tests inside CI's time), with pip when ``SESAME_INSTALLER=pip``
    or uv is missing. ``compile_bytecode``: uv also compiles the installed modules, as
    pip (and so Cloud Functions' build) always does; startup benchmarks need it, tests
    do not (uv's default, faster to install).
    """
    uv = _uv_binary()
    if uv is None:
        _run([python, "-m", "venv", "--clear", str(path)], f"venv for {what}", ROOT)
        install = [str(path / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        install += ["--disable-pip-version-check", "--no-input"]
    else:
        venv = [uv, "venv", "--quiet", "--clear", "--python", python, str(path)]
        _run(venv, f"venv for {what}", ROOT)
        install = [uv, "pip", "install", "--quiet", "--python", str(path / "bin" / "python")]
        if compile_bytecode:
            install.append("--compile-bytecode")
    _run([*install, "-r", str(requirements)], f"install for {what}", ROOT)


def _uv_binary() -> str | None:
    """uv's executable beside this interpreter (the project venv), unless
    ``SESAME_INSTALLER=pip`` asks for pip.

    Looked up in this venv's ``bin/`` rather than through ``uv.find_uv_bin``, which
    reads ``sysconfig`` lazily: called from the install threads at once, that read
    can see the configuration half built.
    """
    if os.environ.get("SESAME_INSTALLER", "uv") == "pip":
        return None
    return shutil.which("uv", path=str(Path(sys.executable).parent))


def ensure_venv(venv: EmulatorVenv, report: Report) -> bool:
    """(Re)build ``venv`` from its pinned requirements if they changed since last time."""
    fingerprint = _fingerprint(venv.requirements.read_bytes(), sys.version.encode())
    stamp = venv.path / STAMP_NAME
    if venv.python.exists() and _stamp_matches(stamp, fingerprint):
        return False
    started = time.monotonic()
    report(f"creating venv {venv.path.relative_to(ROOT)} from {venv.requirements.name}…")
    if venv.path.exists():
        shutil.rmtree(venv.path)  # half-built or outdated: start clean, pins are exact
    make_venv(venv.path, venv.requirements, f"the {venv.name} emulator")
    stamp.write_text(fingerprint + "\n")
    report(f"venv {venv.name} ready in {time.monotonic() - started:.0f} s")
    return True


CLAMAV_PACKAGES = ("clamav-daemon", "clamav")
# The browser the reference web client's tests drive (Playwright with its
# ``executable_path``): Debian's build, since Playwright's own download is not reachable.
CHROMIUM_PACKAGES = ("chromium",)
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser")


def find_chromium() -> Path | None:
    """The Chromium binary of the Debian package, if installed."""
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def ensure_debian_packages(
    what: str, packages: tuple[str, ...], find: Callable[[], Path | None], report: Report
) -> bool:
    """Install Debian ``packages`` when ``find`` says their program is missing.

    ``--no-install-recommends`` keeps it to the program and its libraries. A machine
    whose package lists were never fetched gets ``apt-get update`` once, then the
    install is retried. Needs root, like every Debian install.
    """
    if find() is not None:
        return False
    names = " ".join(packages)
    if shutil.which("apt-get") is None:
        raise StackError(f"{what} is missing and apt-get is not available: install {names}.")
    started = time.monotonic()
    report(f"apt-get install {names} ({what})…")
    install = ["apt-get", "install", "-y", "--no-install-recommends", *packages]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        _run(install, f"apt-get install {names}", ROOT, env)
    except StackError:
        _run(["apt-get", "update"], "apt-get update", ROOT, env)
        _run(install, f"apt-get install {names}", ROOT, env)
    if find() is None:
        raise StackError(f"{names} installed but {what} is still not found.")
    report(f"{names} installed in {time.monotonic() - started:.0f} s")
    return True


def ensure_clamav(report: Report) -> bool:
    """Debian's clamav-daemon when clamd is missing (the vault's malware scan)."""
    return ensure_debian_packages(
        "clamd, the malware scan of vault uploads", CLAMAV_PACKAGES, find_clamd, report
    )


def ensure_chromium(report: Report) -> bool:
    """Debian's chromium when missing (the browser tests of the web client)."""
    return ensure_debian_packages(
        "chromium, the browser of the web client's tests", CHROMIUM_PACKAGES, find_chromium, report
    )


def ensure_debian_programs(report: Report) -> bool:
    """clamd, then chromium: one after the other, since apt holds one lock at a time."""
    installed_clamav = ensure_clamav(report)
    installed_chromium = ensure_chromium(report)
    return installed_clamav or installed_chromium


@contextmanager
def _install_lock() -> Iterator[None]:
    """Serialise installs: two stacks starting at once must not both run ``npm ci``."""
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    with open(STATE_DIR / "install.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def install_all(report: Report) -> list[str]:
    """Install every missing piece; return the names of those that were (re)installed.

    The pieces are independent and mostly wait on downloads, so they run side by side
    (a cold install takes as long as ``npm ci`` alone instead of the sum).
    """
    steps: dict[str, Callable[[], bool]] = {
        "node_modules": partial(ensure_node_modules, report),
        "debian packages": partial(ensure_debian_programs, report),
    }
    for venv in EMULATOR_VENVS:
        steps[f"venv {venv.name}"] = partial(ensure_venv, venv, report)
    with _install_lock(), ThreadPoolExecutor(max_workers=len(steps)) as pool:
        futures = {name: pool.submit(step) for name, step in steps.items()}
        return [name for name, future in futures.items() if future.result()]
