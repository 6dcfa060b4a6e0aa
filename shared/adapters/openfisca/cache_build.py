"""Build the engine cache a deployed package ships (``engine_cache/``), at packaging time.

``infra/package_functions.py`` runs this module, with an interpreter holding the
engine, for every function whose requirements install OpenFisca-France::

    python -m shared.adapters.openfisca.cache_build --out DIR \\
        --require OpenFisca-Core==X --require OpenFisca-France==Y [--require OpenFisca-Paris==Z]

It refuses to build when the installed engine is not exactly the function's pins
(the cache would be refused at run time), builds the engine as the function will
(the whole catalogue, the extensions the function installs), and writes into DIR
the pickled parameters, the pruning profile and a manifest naming the versions
they were built for (:func:`shared.adapters.openfisca.system.cache_manifest`).

The slow derivations are kept in ``--memo`` (by default ``~/.cache/sesame/packaged``)
under the engine's own cache keys, so packaging again with the same engine copies
the same bytes instead of deriving them again. Run it with ``PYTHONHASHSEED=0``
(the packager does) so a fresh derivation pickles its sets in a fixed order.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import re
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from shared.adapters.openfisca.system import (
    CACHE_MANIFEST,
    EXTENSION_DISTRIBUTIONS,
    cache_manifest,
    default_cache_dir,
)


class CacheBuildError(Exception):
    """The engine cache cannot be built for these pins."""


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def check_installed(requirements: Sequence[str]) -> dict[str, str]:
    """``name==version`` pins → installed versions; refuses any difference."""
    pins: dict[str, str] = {}
    problems = []
    for requirement in requirements:
        name, _, version = requirement.partition("==")
        if not version:
            raise CacheBuildError(f"{requirement!r} is not an exact pin name==version")
        pins[_normalized(name)] = version
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            problems.append(f"{name} is not installed (the function pins {version})")
            continue
        if installed != version:
            problems.append(f"{name} {installed} is installed, the function pins {version}")
    if problems:
        raise CacheBuildError(
            f"{sys.executable} cannot build this engine cache: " + "; ".join(problems)
        )
    return pins


def build(out: Path, requirements: Sequence[str], memo: Path) -> list[str]:
    """Write the engine cache for ``requirements`` into ``out``; return its file names."""
    from shared.adapters.openfisca.engine import FrenchEngine
    from shared.adapters.openfisca.plan import aid_variables_from_catalogue
    from shared.domain.aids.catalogue import load_catalogue

    pins = check_installed(requirements)
    extensions = {
        module for module, dist in EXTENSION_DISTRIBUTIONS.items() if _normalized(dist) in pins
    }
    # The whole catalogue, as the function's engine receives it; the aids of an
    # extension the function does not install are left out, as they are at run time.
    aids = [
        aid
        for aid in aid_variables_from_catalogue(load_catalogue())
        if aid.extension is None or aid.extension in extensions
    ]
    engine = FrenchEngine(aids, cache_dir=memo)
    if engine.cache.packaged is not None:
        raise CacheBuildError("the builder must not read a packaged cache")
    engine.profile  # noqa: B018 - loads or derives the profile, recorded by the cache
    used = {**engine.cache.loaded, **engine.cache.written}
    out.mkdir(parents=True, exist_ok=True)
    for name, path in sorted(used.items()):
        shutil.copyfile(path, out / name)
    manifest = cache_manifest(engine.versions, list(used))
    (out / CACHE_MANIFEST).write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return sorted([*used, CACHE_MANIFEST])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, required=True, help="folder to write the cache into")
    parser.add_argument(
        "--require", action="append", default=[], help="an engine pin name==version (repeat)"
    )
    parser.add_argument(
        "--memo",
        type=Path,
        default=default_cache_dir() / "packaged",
        help="where derivations are kept between builds",
    )
    args = parser.parse_args(argv)
    try:
        files = build(args.out, args.require, args.memo)
    except CacheBuildError as error:
        sys.stderr.write(f"cache_build: {error}\n")
        return 2
    sys.stdout.write(json.dumps(files) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
