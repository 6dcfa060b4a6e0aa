#!/usr/bin/env python3
"""Build one deployable zip per Cloud Function, byte-for-byte reproducible.

Each archive ``infra/build/<name>.zip`` holds what the python312 runtime expects at
its root:

* the files of ``functions/<name>/`` (``main.py`` defines the entry point ``<name>``),
* the ``shared/`` package, as ``shared/...``,
* ``requirements.txt``: ``functions/<name>/requirements.txt``, what that function
  imports and nothing more (``signup`` never pulls in OpenFisca). Cloud Functions
  installs it when it builds the function, so it is the function's whole runtime.

Every line of a function's requirements is ``name==version`` with exactly the version
the project pins in the root ``requirements.txt`` (the one source of versions, the one
the tests run on). Packaging refuses a function whose file drifted;
``--update-pins`` rewrites the versions of every function's file from the root pins.

* ``engine_cache/``, for a function whose requirements install OpenFisca-France
  (``simulate``, ``alerts_worker``, ``rules_check``): the engine's pickled parameters,
  its pruning profile and a manifest of the exact engine versions they were built for,
  so a new instance answers without parsing 3,400 parameter files or deriving the
  profile (tens of seconds), and writes nothing (the runtime's file system is
  read-only). It is built by ``shared/adapters/openfisca/cache_build.py`` run with
  ``--engine-python`` (default: this interpreter), which must hold exactly the
  function's pinned engine versions, the ones the tests run on: packaging refuses
  otherwise.

Caches, compiled files and tests are left out. Entries are sorted and carry a fixed
timestamp and mode, so the same sources always give the same bytes and the same
SHA-256: Terraform puts that hash in the object name (infra/functions.tf), so a
function is redeployed exactly when its archive changes. The engine cache's slow
derivations are kept between runs (``~/.cache/sesame/packaged``), so packaging again
copies the same bytes.

Standard library only: it runs before any virtualenv exists (the engine cache is
built in a separate process, by the interpreter that holds the engine).

Usage: python infra/package_functions.py [--root DIR] [--out DIR] [--engine-python PY] [NAME ...]
       python infra/package_functions.py --update-pins [--root DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# Earliest date a zip can hold: nothing about the build machine leaks into the bytes.
FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644  # regular file, rw-r--r--
EXCLUDED_DIR_NAMES = frozenset(
    {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", "tests", ".venv"}
)
EXCLUDED_SUFFIXES = (".pyc", ".pyo")
REQUIREMENTS = "requirements.txt"
# One requirement per line, exactly pinned: no ranges, extras, markers, options or
# includes, so a function's package installs the versions the tests ran on.
PINNED_LINE = re.compile(
    r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*(?P<version>[A-Za-z0-9.+!-]+)"
)


# Where a package carries its engine cache (shared/adapters/openfisca/system.py reads it).
ENGINE_CACHE_DIR = "engine_cache"
# A function runs the engine when it installs this distribution.
ENGINE_DISTRIBUTION = "openfisca-france"
# The pins the engine cache is built for and checked against: the OpenFisca
# distributions (the core, the country package, its extensions).
ENGINE_PIN_PREFIX = "openfisca-"


class PackagingError(Exception):
    """The sources cannot be packaged as asked."""


def discover_functions(root: Path) -> list[str]:
    """Names of the functions: folders under functions/ that have a main.py."""
    functions_dir = root / "functions"
    if not functions_dir.is_dir():
        return []
    return sorted(
        child.name
        for child in functions_dir.iterdir()
        if child.is_dir() and (child / "main.py").is_file()
    )


@dataclass(frozen=True)
class Pin:
    """One ``name==version`` line of a requirements file."""

    name: str  # as written
    version: str
    line: int  # 1-based, for messages


def normalized(name: str) -> str:
    """The distribution name as pip compares it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _without_comment(line: str) -> str:
    return re.split(r"(?:^|\s)#", line, maxsplit=1)[0].strip()


def read_pins(path: Path) -> dict[str, Pin]:
    """The pins of a requirements file, by normalised name; refuses anything else."""
    if not path.is_file():
        raise PackagingError(f"{path.name} not found at {path}")
    pins: dict[str, Pin] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = _without_comment(raw)
        if not line:
            continue
        found = PINNED_LINE.fullmatch(line)
        if found is None:
            raise PackagingError(f"{path}:{number}: {line!r} is not an exact pin name==version")
        key = normalized(found["name"])
        if key in pins:
            raise PackagingError(f"{path}:{number}: {found['name']} is listed twice")
        pins[key] = Pin(found["name"], found["version"], number)
    return pins


def function_requirements(root: Path, name: str) -> Path:
    """``functions/<name>/requirements.txt``: the runtime that function's package carries."""
    return root / "functions" / name / REQUIREMENTS


def pin_drift(root: Path, name: str) -> list[str]:
    """How function ``name``'s requirements differ from the project's pins (empty: none)."""
    project = read_pins(root / REQUIREMENTS)
    own = function_requirements(root, name)
    if not own.is_file():
        return [
            f"functions/{name}/{REQUIREMENTS} is missing: list there, pinned as in "
            f"{REQUIREMENTS}, the distributions {name} imports"
        ]
    problems = []
    for key, pin in read_pins(own).items():
        wanted = project.get(key)
        if wanted is None:
            problems.append(
                f"functions/{name}/{REQUIREMENTS}:{pin.line}: {pin.name} is not pinned in "
                f"{REQUIREMENTS} (add it there first: the tests run on those pins)"
            )
        elif wanted.version != pin.version:
            problems.append(
                f"functions/{name}/{REQUIREMENTS}:{pin.line}: {pin.name}=={pin.version} but "
                f"{REQUIREMENTS} pins {wanted.version} (run --update-pins)"
            )
    return problems


def update_pins(root: Path, names: Iterable[str] | None = None) -> list[str]:
    """Rewrite each function's pinned versions from the project's; return the files changed.

    Names, order and comments are kept: which distributions a function needs is its own
    decision, their versions are the project's.
    """
    project = read_pins(root / REQUIREMENTS)
    changed = []
    for name in sorted(names) if names else discover_functions(root):
        path = function_requirements(root, name)
        pins = read_pins(path)
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        for key, pin in pins.items():
            wanted = project.get(key)
            if wanted is None or wanted.version == pin.version:
                continue
            index = pin.line - 1
            lines[index] = re.sub(
                r"==\s*" + re.escape(pin.version), "==" + wanted.version, lines[index], count=1
            )
        text = "".join(lines)
        if text != path.read_text(encoding="utf-8"):
            path.write_text(text, encoding="utf-8")
            changed.append(path.relative_to(root).as_posix())
    return changed


def _source_files(directory: Path) -> Iterator[Path]:
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory)
        if any(part in EXCLUDED_DIR_NAMES for part in relative.parts):
            continue
        if path.is_file() and not path.name.endswith(EXCLUDED_SUFFIXES):
            yield path


def archive_entries(root: Path, name: str) -> dict[str, Path]:
    """Map of archive path -> file on disk for function ``name``."""
    function_dir = root / "functions" / name
    if not (function_dir / "main.py").is_file():
        raise PackagingError(f"functions/{name}/main.py not found")
    shared_dir = root / "shared"
    if not shared_dir.is_dir():
        raise PackagingError("shared/ not found")

    entries: dict[str, Path] = {}
    for path in _source_files(function_dir):
        entries[path.relative_to(function_dir).as_posix()] = path
    if any(entry == "shared" or entry.startswith("shared/") for entry in entries):
        raise PackagingError(f"functions/{name}/ must not contain its own shared/")
    for path in _source_files(shared_dir):
        entries["shared/" + path.relative_to(shared_dir).as_posix()] = path
    drift = pin_drift(root, name)
    if drift:
        raise PackagingError("; ".join(drift))
    return entries


def engine_requirements(root: Path, name: str) -> tuple[str, ...]:
    """The engine pins (``name==version``) of function ``name``; empty when it runs no engine."""
    pins = read_pins(function_requirements(root, name))
    if ENGINE_DISTRIBUTION not in pins:
        return ()
    return tuple(
        f"{pin.name}=={pin.version}"
        for key, pin in sorted(pins.items())
        if key.startswith(ENGINE_PIN_PREFIX)
    )


def build_engine_cache(
    root: Path, requirements: tuple[str, ...], destination: Path, engine_python: str
) -> dict[str, Path]:
    """Build the engine cache for ``requirements`` into ``destination``; archive path -> file.

    Runs ``shared.adapters.openfisca.cache_build`` of the tree being packaged with
    ``engine_python``, with a fixed hash seed (a fresh derivation pickles its sets in
    the same order every time).
    """
    command = [engine_python, "-m", "shared.adapters.openfisca.cache_build"]
    command += ["--out", str(destination)]
    for requirement in requirements:
        command += ["--require", requirement]
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP"}
    }
    environment.update(PYTHONPATH=str(root), PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1")
    try:
        completed = subprocess.run(  # noqa: S603 - our own module, the interpreter asked for
            command, cwd=root, env=environment, capture_output=True, text=True, check=False
        )
    except OSError as error:
        raise PackagingError(
            f"cannot run {engine_python} to build the engine cache: {error}"
        ) from error
    if completed.returncode != 0:
        tail = "\n".join((completed.stderr or completed.stdout).strip().splitlines()[-5:])
        raise PackagingError(
            f"the engine cache for {', '.join(requirements)} could not be built with "
            f"{engine_python} (pass --engine-python, e.g. .venv/bin/python):\n{tail}"
        )
    return {
        f"{ENGINE_CACHE_DIR}/{path.name}": path
        for path in sorted(destination.iterdir())
        if path.is_file()
    }


def write_archive(entries: dict[str, Path], destination: Path) -> str:
    """Write a deterministic zip of ``entries``; return its SHA-256 (hex)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_suffix(".zip.partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for arcname in sorted(entries):
            info = zipfile.ZipInfo(arcname, date_time=FIXED_DATE_TIME)
            info.create_system = 3  # unix, whatever the building OS
            info.external_attr = FILE_MODE << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, entries[arcname].read_bytes(), compresslevel=9)
    partial.replace(destination)
    return hashlib.sha256(destination.read_bytes()).hexdigest()


def package(
    root: Path,
    out: Path,
    names: Iterable[str] | None = None,
    engine_python: str = sys.executable,
) -> dict[str, str]:
    """Build the archives of ``names`` (default: every function); return name -> sha256.

    The engine cache is built once per distinct set of engine pins, with ``engine_python``.
    """
    selected = sorted(names) if names else discover_functions(root)
    if not selected:
        raise PackagingError("no function to package (no functions/<name>/main.py)")
    entries = {name: archive_entries(root, name) for name in selected}
    hashes = {}
    with tempfile.TemporaryDirectory(prefix="engine-cache-") as scratch:
        caches: dict[tuple[str, ...], dict[str, Path]] = {}
        for name in selected:
            requirements = engine_requirements(root, name)
            if requirements and requirements not in caches:
                destination = Path(scratch) / str(len(caches))
                caches[requirements] = build_engine_cache(
                    root, requirements, destination, engine_python
                )
            hashes[name] = write_archive(
                {**entries[name], **caches.get(requirements, {})}, out / f"{name}.zip"
            )
    return hashes


def main(argv: list[str] | None = None) -> int:
    repo_root = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="functions to package (default: all)")
    parser.add_argument("--root", type=Path, default=repo_root, help="repository root")
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default: ROOT/infra/build)"
    )
    parser.add_argument(
        "--engine-python",
        default=sys.executable,
        help="interpreter holding the pinned OpenFisca, builds the engine cache "
        "(default: this one)",
    )
    parser.add_argument(
        "--update-pins",
        action="store_true",
        help="rewrite functions/*/requirements.txt versions from requirements.txt, build nothing",
    )
    args = parser.parse_args(argv)
    out = args.out if args.out is not None else args.root / "infra" / "build"
    try:
        if args.update_pins:
            for changed in update_pins(args.root, args.names):
                print(f"{changed}: versions updated from {REQUIREMENTS}")
            return 0
        hashes = package(args.root, out, args.names, args.engine_python)
    except PackagingError as error:
        print(f"package_functions: {error}", file=sys.stderr)
        return 1
    for name, digest in hashes.items():
        print(f"{out / (name + '.zip')}  sha256={digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
