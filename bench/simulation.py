"""Benchmark of the simulation (issue §8). Not a test: prints figures.

    python -m bench.simulation [--month 2025-05] [--rounds 15] [--batch 10000]

1. warm p50/p95 per household for the whole catalogue: the optimised path
   (``evaluate``) against the plain full computation (stock OpenFisca-France
   system, JSON situation, every catalogue variable), timed in this process —
   the baseline first, before the engine installs its period memo;
2. cold start to first answer in a fresh process (engine cache present, and
   with an empty cache);
3. batch throughput of ``evaluate_batch`` on generated households;
4. "what would change it" for one household (wall and CPU time, variants
   and vectorised simulations), warm: the median of one answer timed after
   each reference household's warm rounds and ``--rounds`` answers after the
   cold starts (the machine's speed drifts over seconds; spreading the
   samples over the minutes of the speed-up measure makes them comparable);
5. peak memory (max RSS) of the cold process and of this one;
and checks that both paths give identical amounts.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def baseline(month: str, rounds: int) -> tuple[list[float], list[float], list[dict[str, float]]]:
    """Plain full computation: stock system, JSON situation, the same steady state
    (past months settled oldest first), every variable. Wall and CPU times."""
    from openfisca_core.simulation_builder import SimulationBuilder

    from shared.adapters import openfisca as oe
    from shared.domain.aids.catalogue import load_catalogue

    aids = oe.aid_variables_from_catalogue(load_catalogue())
    extensions = sorted({a.extension for a in aids if a.extension})
    system = oe.plain_system(extensions)
    aids = tuple(a for a in aids if a.variable in system.variables)
    timings: list[float] = []
    cpu: list[float] = []
    amounts: list[dict[str, float]] = []
    for household in oe.reference_households():
        plan = oe.plan_household(household, month)
        situation = oe.situation_json(plan)
        for round_ in range(rounds + 1):
            start, start_cpu = time.perf_counter(), time.process_time()
            simulation = SimulationBuilder().build_from_entities(system, situation)
            # The same steady state as the product: past months settled first.
            oe.settle(simulation, month)
            values = {
                a.aid_id: float(
                    oe.household_values(
                        simulation, plan, a.variable, month if a.period == "month" else month[:4]
                    )[0]
                )
                for a in aids
                if a.variable not in oe.BIRTH_GRANTS
            }
            elapsed, elapsed_cpu = time.perf_counter() - start, time.process_time() - start_cpu
            if round_:  # the first round warms the parameters of this month
                timings.append(elapsed)
                cpu.append(elapsed_cpu)
        amounts.append(values)
    return timings, cpu, amounts


def optimised(
    month: str, rounds: int, cache_dir: Path, between: Any = None
) -> tuple[list[float], list[float], list[dict[str, float]]]:
    """Warm wall and CPU times of ``evaluate`` per reference household;
    ``between()`` runs after each household's rounds (untimed here)."""
    from shared.adapters import openfisca as oe
    from shared.domain.aids.catalogue import load_catalogue
    from shared.services import eligibility

    eligibility.configure(cache_dir)
    eligibility.warm_up(month)
    engine = eligibility._engine(load_catalogue())
    timings: list[float] = []
    cpu: list[float] = []
    amounts: list[dict[str, float]] = []
    for household in oe.reference_households():
        for _ in range(rounds):
            start, start_cpu = time.perf_counter(), time.process_time()
            eligibility.evaluate(household, month)
            timings.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        ids = [a.aid_id for a in engine.aids if a.variable not in oe.BIRTH_GRANTS]
        values = engine.evaluate_household(household, month, ids)
        amounts.append({k: float(v["value"]) for k, v in values.items()})
        if between is not None:
            between()
    return timings, cpu, amounts


COLD = """
import resource, sys, time
start = time.perf_counter()
from pathlib import Path
from shared.domain.questionnaire import Household
from shared.services import eligibility
eligibility.configure(Path(sys.argv[1]))
household = Household.model_validate({
    "persons": [{"id": "alex", "relationship": "applicant", "birth_date": "1990-04-12",
                 "activity": "unemployed_not_compensated"}],
    "housing": {"status": "tenant", "rent": 550, "commune": "75056"}})
report = eligibility.evaluate(household, sys.argv[2])
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def cold_start(month: str, cache_dir: Path) -> tuple[float, float, float]:
    """Wall time from process launch to the first report, in-process time, peak MB."""
    begin = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", COLD, str(cache_dir), month],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - begin
    inside, peak = (float(x) for x in done.stdout.split()[-2:])
    return wall, inside, peak


def batch(month: str, size: int) -> tuple[float, int]:
    from shared.services import eligibility
    from tests.fixtures.synthetic_households import synthetic_households

    households = synthetic_households(size, month, seed=42)
    start = time.perf_counter()
    rows = eligibility.evaluate_batch(households, month)
    elapsed = time.perf_counter() - start
    return elapsed, len(rows)


#: A couple renting with a child of 13, one earner: every axis of "what would
#: change it" applies (two earnings grids, the rent grid, couple, child).
WHAT_IF_HOUSEHOLD: dict[str, Any] = {
    "persons": [
        {
            "id": "sam",
            "relationship": "applicant",
            "birth_date": "1988-06-01",
            "activity": "employed",
            "resources": [{"kind": "salary", "monthly_amount": 1300.0}],
        },
        {"id": "kim", "relationship": "spouse", "birth_date": "1990-02-10", "activity": "inactive"},
        {"id": "lou", "relationship": "child", "birth_date": "2012-01-20"},
    ],
    "couple_status": "married",
    "housing": {"status": "tenant", "rent": 700.0, "commune": "69123"},
}


class WhatIfTimings:
    """Warm wall and CPU times of "what would change it" answers for the
    bench's household, one per :meth:`sample` (the first also warms the
    parameters of the variants' months, untimed)."""

    def __init__(self, month: str) -> None:
        self.month = month
        self.walls: list[float] = []
        self.cpus: list[float] = []
        self.report: Any = None

    def sample(self) -> None:
        from shared.domain.questionnaire import Household
        from shared.services.what_would_change import what_would_change as answer

        household = Household.model_validate(WHAT_IF_HOUSEHOLD)
        if self.report is None:
            answer(household, self.month)
        wall, cpu = time.perf_counter(), time.process_time()
        self.report = answer(household, self.month)
        self.walls.append(time.perf_counter() - wall)
        self.cpus.append(time.process_time() - cpu)


def what_would_change(
    month: str, rounds: int, timings: WhatIfTimings | None = None
) -> dict[str, Any]:
    """Warm wall and CPU time of one "what would change it" answer: the
    median of ``rounds`` answers in a row and of the samples ``timings``
    already holds (timed between the households of the warm timings, so
    that the figure samples the machine over the same minutes as the
    speed-up; this machine's speed drifts by ±40 % over seconds)."""
    timings = timings or WhatIfTimings(month)
    for _ in range(max(rounds, 3)):
        timings.sample()
    walls, cpus, report = timings.walls, timings.cpus, timings.report
    return {
        "what_if_samples": len(walls),
        "what_if_cpu_range_s": [round(min(cpus), 3), round(max(cpus), 3)],
        "what_if_wall_p50_s": statistics.median(walls),
        "what_if_cpu_p50_s": statistics.median(cpus),
        "what_if_variants": report.variants_simulated,
        "what_if_simulations": report.simulations,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--month", default="2025-05")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument(
        "--only-what-if", action="store_true", help="only the 'what would change it' figures"
    )
    args = parser.parse_args(argv)
    cache_dir = args.cache_dir or Path(tempfile.mkdtemp(prefix="sesame-bench-"))
    figures: dict[str, Any] = {"month": args.month}
    if args.only_what_if:
        from shared.services import eligibility

        eligibility.configure(cache_dir)
        figures.update(what_would_change(args.month, args.rounds))
        figures["load_average"] = [round(x, 1) for x in os.getloadavg()]
        print(json.dumps(figures, indent=2))
        return 0

    base_times, base_cpu, base_amounts = baseline(args.month, args.rounds)
    what_if = WhatIfTimings(args.month)
    fast_times, fast_cpu, fast_amounts = optimised(
        args.month, args.rounds, cache_dir, between=what_if.sample
    )
    mismatches = [
        (index, aid, base[aid], fast[aid])
        for index, (base, fast) in enumerate(zip(base_amounts, fast_amounts, strict=True))
        for aid in fast
        if aid in base and abs(base[aid] - fast[aid]) > 1e-9
    ]
    figures["baseline_p50_s"] = statistics.median(base_times)
    figures["baseline_p95_s"] = percentile(base_times, 0.95)
    figures["warm_p50_s"] = statistics.median(fast_times)
    figures["warm_p95_s"] = percentile(fast_times, 0.95)
    figures["speedup_p50"] = figures["baseline_p50_s"] / figures["warm_p50_s"]
    # CPU time: on a shared, loaded machine the wall-time ratio is noisy.
    figures["baseline_cpu_p50_s"] = statistics.median(base_cpu)
    figures["warm_cpu_p50_s"] = statistics.median(fast_cpu)
    figures["speedup_cpu_p50"] = figures["baseline_cpu_p50_s"] / figures["warm_cpu_p50_s"]
    figures["identical_amounts"] = not mismatches
    figures["mismatches"] = mismatches[:10]

    colds = [cold_start(args.month, cache_dir) for _ in range(3)]
    figures["cold_start_s"] = [round(wall, 3) for wall, _, _ in colds]
    figures["cold_start_peak_mb"] = max(peak for _, _, peak in colds)
    empty = Path(tempfile.mkdtemp(prefix="sesame-bench-empty-"))
    figures["cold_start_empty_cache_s"] = round(cold_start(args.month, empty)[0], 3)

    figures.update(what_would_change(args.month, args.rounds, what_if))
    figures["load_average"] = [round(x, 1) for x in os.getloadavg()]

    elapsed, count = batch(args.month, args.batch)
    figures["batch_households"] = count
    figures["batch_s"] = elapsed
    figures["batch_households_per_s"] = count / elapsed
    figures["peak_mb_this_process"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures, indent=2))
    return 0 if not mismatches else 1


if __name__ == "__main__":
    sys.exit(main())
