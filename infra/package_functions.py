#!/usr/bin/env python3
"""Build one deployable zip per Cloud Function, byte-for-byte reproducible.

Each archive ``infra/build/<name>.zip`` holds what the python312 runtime expects at
its root:

* the files of ``functions/<name>/`` (``main.py`` defines the entry point ``<name>``),
* the ``shared/`` package, as ``shared/...``,
* ``requirements.txt``: ``functions/<name>/requirements.txt`` when the function has
  one (so that ``signup`` never pulls in OpenFisca), else
  ``infra/function-requirements.txt``.

Caches, compiled files and tests are left out. Entries are sorted and carry a fixed
timestamp and mode, so the same sources always give the same bytes and the same
SHA-256: Terraform puts that hash in the object name (infra/functions.tf), so a
function is redeployed exactly when its archive changes.

Standard library only: it runs before any virtualenv exists.

Usage: python infra/package_functions.py [--root DIR] [--out DIR] [NAME ...]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

# Earliest date a zip can hold: nothing about the build machine leaks into the bytes.
FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644  # regular file, rw-r--r--
EXCLUDED_DIR_NAMES = frozenset(
    {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", "tests", ".venv"}
)
EXCLUDED_SUFFIXES = (".pyc", ".pyo")
REQUIREMENTS = "requirements.txt"
DEFAULT_REQUIREMENTS = PurePosixPath("infra/function-requirements.txt")


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
    if REQUIREMENTS not in entries:
        default = root / DEFAULT_REQUIREMENTS
        if not default.is_file():
            raise PackagingError(
                f"functions/{name}/{REQUIREMENTS} and {DEFAULT_REQUIREMENTS} are both missing"
            )
        entries[REQUIREMENTS] = default
    return entries


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


def package(root: Path, out: Path, names: Iterable[str] | None = None) -> dict[str, str]:
    """Build the archives of ``names`` (default: every function); return name -> sha256."""
    selected = sorted(names) if names else discover_functions(root)
    if not selected:
        raise PackagingError("no function to package (no functions/<name>/main.py)")
    return {
        name: write_archive(archive_entries(root, name), out / f"{name}.zip") for name in selected
    }


def main(argv: list[str] | None = None) -> int:
    repo_root = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="functions to package (default: all)")
    parser.add_argument("--root", type=Path, default=repo_root, help="repository root")
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default: ROOT/infra/build)"
    )
    args = parser.parse_args(argv)
    out = args.out if args.out is not None else args.root / "infra" / "build"
    try:
        hashes = package(args.root, out, args.names)
    except PackagingError as error:
        print(f"package_functions: {error}", file=sys.stderr)
        return 1
    for name, digest in hashes.items():
        print(f"{out / (name + '.zip')}  sha256={digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
