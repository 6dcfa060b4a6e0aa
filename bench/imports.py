"""Benchmark: what each function imports, and how long that takes, in its own clean environment.

    python -m bench.imports [--rounds 7]                      # import times only
    python -m devstack run -- python -m bench.imports         # + what its first request imports
    SESAME_PACKAGES_PYTHON=python3.12 python -m bench.imports # environments on another Python

Each function is packaged by infra/package_functions.py and installed alone into an
empty virtual environment (devstack.function_packages), as Cloud Functions does. In
that environment, ``--rounds`` fresh processes each time loading the entry point the
way functions-framework does at cold start (``create_app(target, source="main.py")``),
interleaved with as many timing the baseline, ``import functions_framework`` alone
(what any function pays). Printed: medians of wall and CPU time, the CPU ratio to the
baseline, and which heavy modules are loaded at import and, under ``devstack run``,
once the function has answered its first request (tests/support/package_requests.py).
Not a test: prints figures for the README.

    python -m bench.imports --first-answer [--rounds 5]       # a new simulate instance

``--first-answer`` measures what a freshly deployed ``simulate`` instance costs its
first user: ``--rounds`` fresh processes of the package in its clean environment,
each loading the entry point as functions-framework does and answering one
anonymous simulation (the package tests' Paris household), timed from the process's
launch to the answer; interleaved with as many baseline processes (functions-framework
alone). It checks each answer is a 200 and that the engine read its packaged cache
(the server's log), and prints the medians and where the time goes (interpreter and
imports, engine build, the simulation itself). ``--without-cache`` adds one start of
the same package with its ``engine_cache/`` removed, for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Collection
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devstack.function_packages import (
    CleanEnvironments,
    FunctionPackage,
    build_packages,
    isolated_environment,
    serve_together,
)
from infra.package_functions import ENGINE_CACHE_DIR
from tests.support.package_requests import FIRST_REQUESTS

# Modules whose presence is what a light function must avoid (DESIGN: signup never
# imports openfisca), with the name the README uses for them.
HEAVY_MODULES = {
    "openfisca_core": "openfisca",
    "openfisca_france": "openfisca",
    "numpy": "numpy",
    "shared.domain.questionnaire": "questionnaire",
    "shared.domain.aids.catalogue": "catalogue",
    "yaml": "yaml",
}

# One fresh process: time the imports in-process, list what was loaded.
# CPU time is reported next to wall time: on a shared machine it is the steadier one.
PROBE = """\
import json, sys, time
wall, cpu = time.perf_counter(), time.process_time()
import functions_framework
{load}
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(json.dumps({{"wall": wall, "cpu": cpu, "modules": sorted(sys.modules)}}))
"""
BASELINE_PROBE = PROBE.format(load="")


# A new simulate instance: launch, load the entry point, answer one simulation.
# ``launched`` is the wall clock just before the process was started (parent's clock).
FIRST_ANSWER_PROBE = """\
import json, sys, time
wall, cpu = time.perf_counter(), time.process_time()
import functions_framework
app = functions_framework.create_app(target="simulate", source="main.py")
imports, imports_cpu = time.perf_counter() - wall, time.process_time() - cpu
from shared.config import settings
from shared.domain.aids.catalogue import load_catalogue
from shared.services import eligibility
eligibility.configure(settings().engine_cache_dir)
eligibility._engine(load_catalogue()).profile
engine, engine_cpu = time.perf_counter() - wall - imports, time.process_time() - cpu - imports_cpu
response = app.test_client().post("/", json=json.loads(sys.argv[1]))
answered = time.time()
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(json.dumps({"answered": answered, "wall": wall, "cpu": cpu, "imports": imports,
                  "imports_cpu": imports_cpu, "engine": engine, "engine_cpu": engine_cpu,
                  "status": response.status_code}))
"""


def heavy(modules: Collection[str]) -> list[str]:
    """The README's names of the heavy modules among ``modules``."""
    return sorted({label for name, label in HEAVY_MODULES.items() if name in modules})


@dataclass
class Figures:
    """One function's line of the table."""

    name: str
    requirements: int
    entry_ms: float
    entry_cpu_ms: float
    baseline_ms: float
    baseline_cpu_ms: float
    heavy_at_import: list[str]
    heavy_after_request: list[str] | None = None


def _probe(python: Path, package: FunctionPackage, code: str) -> dict[str, Any]:
    completed = subprocess.run(
        [str(python), "-c", code],
        cwd=package.source_dir,
        env=isolated_environment(os.environ),
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def measure(package: FunctionPackage, python: Path, rounds: int) -> Figures:
    """Median import times (entry point, baseline) over ``rounds`` fresh processes each."""
    entry_code = PROBE.format(
        load=f"functions_framework.create_app(target={package.name!r}, source='main.py')"
    )
    _probe(python, package, entry_code)  # writes the package's bytecode, as a deploy build does
    entry, baseline = [], []
    for _ in range(rounds):  # interleaved, so that machine load weighs on both alike
        entry.append(_probe(python, package, entry_code))
        baseline.append(_probe(python, package, BASELINE_PROBE))

    def median_ms(results: list[dict[str, Any]], clock: str) -> float:
        return statistics.median(float(result[clock]) for result in results) * 1000

    return Figures(
        name=package.name,
        requirements=len(package.declared_distributions()),
        entry_ms=median_ms(entry, "wall"),
        entry_cpu_ms=median_ms(entry, "cpu"),
        baseline_ms=median_ms(baseline, "wall"),
        baseline_cpu_ms=median_ms(baseline, "cpu"),
        heavy_at_import=heavy(entry[-1]["modules"]),
    )


def after_first_request(
    packages: dict[str, FunctionPackage],
    name: str,
    environments: CleanEnvironments,
    log_dir: Path,
) -> list[str]:
    """Heavy modules loaded once ``name`` has answered its first request (needs the emulators)."""
    first = FIRST_REQUESTS[name]
    names = [name, *first.also_serves]
    with ExitStack() as stack:
        running = serve_together(names, packages, environments, log_dir, stack)
        response = first.send({served: function.url for served, function in running.items()})
        response.raise_for_status()
    return heavy(running[name].imported_modules())


def _first_answer(python: Path, source_dir: Path, body: str) -> dict[str, Any]:
    """One new instance: launch-to-answer time, its parts, and what its engine loaded.

    Its writable engine cache is a new empty folder, as on a new instance.
    """
    with tempfile.TemporaryDirectory(prefix="sesame-bench-instance-") as empty:
        environment = {
            **isolated_environment(os.environ),
            "PYTHONDONTWRITEBYTECODE": "1",
            "SESAME_ENGINE_CACHE": empty,
        }
        launched = time.time()
        completed = subprocess.run(
            [str(python), "-c", FIRST_ANSWER_PROBE, body],
            cwd=source_dir,
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        )
    lines = completed.stdout.strip().splitlines()
    result: dict[str, Any] = json.loads(lines[-1])
    result["launch_to_answer"] = result["answered"] - launched
    result["loaded"] = sorted(
        json.loads(line)["reason"]
        for line in lines[:-1]
        if line.startswith("{") and '"engine cache loaded"' in line
    )
    return result


def first_answer(rounds: int, without_cache: bool) -> dict[str, Any]:
    """Medians over ``rounds`` new simulate instances, with the baseline interleaved."""
    from tests.support.package_requests import SIMULATION_REQUEST

    body = json.dumps(SIMULATION_REQUEST)
    with tempfile.TemporaryDirectory(prefix="sesame-bench-first-answer-") as scratch:
        root = Path(scratch)
        package = build_packages(root / "packages", ["simulate"])["simulate"]
        # Installed modules compiled, as Cloud Functions' pip build leaves them.
        environments = CleanEnvironments(root / "venvs", compile_bytecode=True)
        python = environments.bin_dir(package) / "python"
        _first_answer(python, package.source_dir, body)  # the OS file cache warmed once
        starts, baselines = [], []
        for _ in range(rounds):
            starts.append(_first_answer(python, package.source_dir, body))
            baselines.append(_probe(python, package, BASELINE_PROBE))
        bad = [s for s in starts if s["status"] != 200 or not s["loaded"]]
        if bad or any("from the package" not in r for s in starts for r in s["loaded"]):
            raise SystemExit(f"a start did not answer from the packaged cache: {bad or starts}")

        def median(values: list[Any], key: str) -> float:
            return round(statistics.median(float(v[key]) for v in values), 3)

        figures: dict[str, Any] = {
            "rounds": rounds,
            "first_answer_s": median(starts, "launch_to_answer"),
            "first_answer_each_s": [round(s["launch_to_answer"], 3) for s in starts],
            "first_answer_cpu_s": median(starts, "cpu"),
            "imports_s": median(starts, "imports"),
            "imports_cpu_s": median(starts, "imports_cpu"),
            "engine_build_s": median(starts, "engine"),
            "engine_build_cpu_s": median(starts, "engine_cpu"),
            "baseline_functions_framework_s": median(baselines, "wall"),
            "baseline_functions_framework_cpu_s": median(baselines, "cpu"),
            "engine_cache_loaded": starts[-1]["loaded"],
        }
        figures["simulation_s"] = round(
            statistics.median(s["wall"] - s["imports"] - s["engine"] for s in starts), 3
        )
        figures["simulation_cpu_s"] = round(
            statistics.median(s["cpu"] - s["imports_cpu"] - s["engine_cpu"] for s in starts), 3
        )
        figures["ratio_cpu_to_baseline"] = round(
            figures["first_answer_cpu_s"] / figures["baseline_functions_framework_cpu_s"], 1
        )
        if without_cache:
            bare = root / "without-cache"
            shutil.copytree(package.source_dir, bare)
            shutil.rmtree(bare / ENGINE_CACHE_DIR)
            alone = _first_answer(python, bare, body)
            figures["without_packaged_cache_s"] = round(alone["launch_to_answer"], 3)
            figures["without_packaged_cache_cpu_s"] = round(alone["cpu"], 3)
        figures["load_average"] = [round(x, 1) for x in os.getloadavg()]
        figures["python"] = environments.python
    return figures


def _table(rows: list[Figures]) -> list[str]:
    lines = [
        "| Function | Requirements | Entry point import, wall / CPU"
        " | Baseline: functions-framework alone, wall / CPU | Ratio (CPU)"
        " | Heavy modules at import | After its first request |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        after = (
            "(run under devstack)"
            if row.heavy_after_request is None
            else ", ".join(row.heavy_after_request) or "none"
        )
        lines.append(
            f"| {row.name} | {row.requirements} | {row.entry_ms:.0f} / {row.entry_cpu_ms:.0f} ms "
            f"| {row.baseline_ms:.0f} / {row.baseline_cpu_ms:.0f} ms "
            f"| {row.entry_cpu_ms / row.baseline_cpu_ms:.1f}× "
            f"| {', '.join(row.heavy_at_import) or 'none'} | {after} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--first-answer", action="store_true", help="first answer of a new simulate instance"
    )
    parser.add_argument(
        "--without-cache", action="store_true", help="with --first-answer: one start without it"
    )
    args = parser.parse_args(argv)
    if args.first_answer:
        print(json.dumps(first_answer(args.rounds, args.without_cache), indent=2))
        return 0
    with_requests = bool(os.environ.get("FIRESTORE_EMULATOR_HOST"))
    with tempfile.TemporaryDirectory(prefix="sesame-bench-imports-") as scratch:
        root = Path(scratch)
        packages = build_packages(root / "packages")
        environments = CleanEnvironments(root / "venvs", compile_bytecode=True)
        rows = []
        for name, package in packages.items():
            started = time.monotonic()
            figures = measure(package, environments.bin_dir(package) / "python", args.rounds)
            if with_requests:
                figures.heavy_after_request = after_first_request(
                    packages, name, environments, root / "logs"
                )
            rows.append(figures)
            print(f"{name}: measured in {time.monotonic() - started:.0f} s", file=sys.stderr)
    print(f"environments from {environments.python}, {args.rounds} fresh processes per figure")
    print("\n".join(_table(rows)))
    for key, seconds in sorted(environments.install_seconds.items()):
        users = ", ".join(environments.users[key])
        print(f"clean environment for {users}: installed in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
