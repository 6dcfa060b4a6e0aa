"""Benchmark of the smart alerts (R5). Not a test: prints figures.

    python -m bench.alerts [--situations 100000] [--batch 10000] [--aids rsa]
                           [--curve 1000,5000,10000] [--reads 1000] [--e2e 0]
                           [--workers 2] [--aah-share 0.1]

1. **Re-evaluation throughput** (``--situations``): generated households,
   stored as the simulate function stores answers (JSON), read back and
   re-evaluated batch by batch exactly as the alerts worker does (parse, one
   vectorised simulation per ``--batch``). Households per second and per
   CPU-second of this process (steadier on a shared machine), median over
   batches (the cyclic garbage collector paused, as in the worker), for the
   whole catalogue (an engine upgrade or a new legislation month) and for
   each ``--aids`` change (comma-separated aid ids, ``;`` between changes:
   only those aids evaluated), against the baseline measured in the same
   process: one ``evaluate`` per household.
   With ``--workers N``, the whole catalogue and each change again in N
   processes at once (one per core, as N worker instances would), each taking
   the next batch not yet taken when it is free, as Cloud Tasks hands tasks to
   free instances: the machine's households per second, wall time from their
   common start. The generated households have someone who may receive the
   AAH in about half of them (their batch is settled a year back, and split
   by depth when 2,000 of its households need only the quarter:
   ``engine.SPLIT_BY_DEPTH_FROM``); ``--aah-share`` draws the situations
   with another share.
2. **Batch size** (``--curve``): one child process per size parses and
   evaluates one batch of that many stored situations twice (the second is
   measured): CPU seconds, peak memory, and the fixed and marginal cost fitted
   over the sizes.
3. **Reads** (``--reads N``, needs the local stack): N stored beneficiaries
   read as the worker reads a batch (profiles, suppressed addresses, latest
   simulation and latest alerts), in bulk, against one person after the
   other in the same process.
4. **End to end** (``--e2e N``, needs the local stack: ``python -m devstack run
   -- …``): N beneficiaries with a stored simulation, a new aid, the dispatcher,
   the Cloud Tasks emulator delivering every batch to the worker served in this
   process, and the SendGrid sink receiving the mails; wall time from dispatch
   to the last batch answered.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from typing import Any

WHOLE = "whole catalogue"


def stored_answers(count: int, month: str, aah_share: float | None) -> list[dict[str, Any]]:
    """The stored answers (JSON) of ``count`` seeded generated households.

    The generator gives about half of its households someone who may receive
    the AAH (a disability rate of 50 % or more from 16): their batches are
    settled a year back. ``aah_share`` (0 to 1) draws the batches with that
    share of such households instead, the others repeated from the generated
    ones in turn, all shuffled with a fixed seed."""
    import random

    from shared.adapters.openfisca.steady_state import (
        SHORT_SETTLE_MONTHS,
        ruled_out_benefits,
        settle_months,
    )
    from tests.fixtures.synthetic_households import synthetic_households

    generated = synthetic_households(count, month, seed=7)
    if aah_share is None:
        return [h.model_dump(mode="json") for h in generated]
    shallow = [
        settle_months(ruled_out_benefits(h, month)) == SHORT_SETTLE_MONTHS for h in generated
    ]
    quarter = [h for h, flag in zip(generated, shallow, strict=True) if flag]
    year = [h for h, flag in zip(generated, shallow, strict=True) if not flag]
    deep = round(count * aah_share)
    chosen = year[:deep] + [quarter[i % len(quarter)] for i in range(count - min(deep, len(year)))]
    random.Random(7).shuffle(chosen)
    return [h.model_dump(mode="json") for h in chosen]


def throughput(
    count: int, batch: int, month: str, changes: list[str], aah_share: float | None = None
) -> dict[str, Any]:
    from shared.adapters.openfisca import collector_paused
    from shared.domain.questionnaire import Household
    from shared.services import eligibility

    stored = stored_answers(count, month, aah_share)
    eligibility.evaluate_batch([Household.model_validate(stored[0])], month)  # warm engine

    sample = stored[: min(20, count)]
    single: list[float] = []
    for answers in sample:
        start = time.perf_counter()
        eligibility.evaluate(Household.model_validate(answers), month)
        single.append(time.perf_counter() - start)
    baseline_rate = 1 / statistics.median(single)

    cases: dict[str, Any] = {}
    for change in [WHOLE, *changes]:
        aid_ids = None if change == WHOLE else change.split(",")
        if aid_ids is not None:  # the first use of an aid traces it once: not a batch's cost
            eligibility.evaluate_batch([Household.model_validate(stored[0])], month, aid_ids)
        rates: list[float] = []
        cpu_rates: list[float] = []  # per CPU-second of this process: less sensitive to load
        begin, begin_cpu = time.perf_counter(), time.process_time()
        for first in range(0, count, batch):
            chunk = stored[first : first + batch]
            start, cpu = time.perf_counter(), time.process_time()
            with collector_paused():  # as the worker reads and evaluates a batch
                households = [Household.model_validate(answers) for answers in chunk]
                eligibility.evaluate_batch(households, month, aid_ids)
            rates.append(len(chunk) / (time.perf_counter() - start))
            cpu_rates.append(len(chunk) / (time.process_time() - cpu))
        total, total_cpu = time.perf_counter() - begin, time.process_time() - begin_cpu
        cases[change] = {
            "batches": len(rates),
            "batch_households_per_s_median": round(statistics.median(rates), 1),
            "households_per_cpu_s_median": round(statistics.median(cpu_rates), 1),
            "overall_households_per_s": round(count / total, 1),
            "total_s": round(total, 1),
            "total_cpu_s": round(total_cpu, 1),
            "speedup_vs_one_by_one": round(statistics.median(rates) / baseline_rate, 1),
        }
    return {
        "situations": count,
        "batch_size": batch,
        "baseline_one_by_one_households_per_s": round(baseline_rate, 2),
        "cases": cases,
    }


def _worker_share(
    count: int,
    batch: int,
    month: str,
    aid_ids: list[str] | None,
    aah_share: float | None,
    barrier: Any,
    results: Any,
    next_batch: Any,
) -> None:
    """One worker process: the next batch not yet taken (``next_batch``, shared
    by the workers), again and again, as Cloud Tasks hands the next task to an
    instance that is free; each batch parsed and evaluated (``aid_ids``, None:
    the whole catalogue) as the alerts worker does, started with the others at
    ``barrier`` once its engine is warm."""
    from shared.adapters.openfisca import collector_paused
    from shared.domain.questionnaire import Household
    from shared.services import eligibility

    stored = stored_answers(count, month, aah_share)
    batches = [stored[first : first + batch] for first in range(0, count, batch)]
    # Warm engine (and the first use of an aid traces it once: not a batch's cost).
    eligibility.evaluate_batch([Household.model_validate(stored[0])], month, aid_ids)
    barrier.wait()
    start, cpu = time.time(), time.process_time()
    done = taken = 0
    while True:
        with next_batch.get_lock():
            position = next_batch.value
            next_batch.value += 1
        if position >= len(batches):
            break
        with collector_paused():
            households = [Household.model_validate(answers) for answers in batches[position]]
            eligibility.evaluate_batch(households, month, aid_ids)
        done += len(households)
        taken += 1
    results.put(
        {
            "households": done,
            "batches": taken,
            "start": start,
            "end": time.time(),
            "cpu_s": time.process_time() - cpu,
        }
    )


def parallel_throughput(
    workers: int,
    count: int,
    batch: int,
    month: str,
    aid_ids: list[str] | None = None,
    aah_share: float | None = None,
) -> dict[str, Any]:
    """Re-evaluation of ``aid_ids`` (None: the whole catalogue) by ``workers``
    processes at once (each one as an alerts worker instance, one per core):
    households per second of wall time from the common start to the last
    batch answered."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    barrier, results, next_batch = context.Barrier(workers), context.Queue(), context.Value("i", 0)
    processes = [
        context.Process(
            target=_worker_share,
            args=(count, batch, month, aid_ids, aah_share, barrier, results, next_batch),
        )
        for _ in range(workers)
    ]
    for process in processes:
        process.start()
    shares = [results.get() for _ in processes]
    for process in processes:
        process.join()
    wall = max(s["end"] for s in shares) - min(s["start"] for s in shares)
    return {
        "workers": workers,
        "situations": count,
        "batch_size": batch,
        "wall_s": round(wall, 1),
        "households_per_s": round(sum(s["households"] for s in shares) / wall, 1),
        "cpu_s_per_worker": [round(s["cpu_s"], 1) for s in shares],
        "batches_per_worker": [s["batches"] for s in shares],
    }


def curve_point(size: int, month: str, aah_share: float | None) -> dict[str, Any]:
    """One batch of ``size`` stored situations, parsed and evaluated (whole
    catalogue) as the worker does, in this (fresh) process."""
    from shared.adapters.openfisca import collector_paused
    from shared.domain.questionnaire import Household
    from shared.services import eligibility

    stored = stored_answers(size, month, aah_share)
    eligibility.evaluate_batch([Household.model_validate(stored[0])], month)  # warm engine
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    def batch() -> None:
        with collector_paused():
            households = [Household.model_validate(answers) for answers in stored]
            eligibility.evaluate_batch(households, month)

    batch()  # first batch: memory settles
    start, cpu = time.perf_counter(), time.process_time()
    batch()
    return {
        "size": size,
        "cpu_s": round(time.process_time() - cpu, 2),
        "wall_s": round(time.perf_counter() - start, 2),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "peak_before_batch_mb": round(before / 1024),
    }


def batch_curve(sizes: list[int], month: str, aah_share: float | None) -> dict[str, Any]:
    """Each size in its own process (peak memory is per process), then a straight
    line through the CPU times: fixed cost per batch + marginal cost per household."""
    points = []
    share = [] if aah_share is None else ["--aah-share", str(aah_share)]
    for size in sizes:
        command = [sys.executable, "-m", "bench.alerts", "--curve-point", str(size)]
        child = subprocess.run(  # this interpreter, our own module
            [*command, "--month", month, *share],
            capture_output=True,
            text=True,
            check=True,
        )
        points.append(json.loads(child.stdout.strip().splitlines()[-1]))  # after any warning
    figures: dict[str, Any] = {"points": points}
    if len(points) >= 2:
        slope, intercept = statistics.linear_regression(
            [float(p["size"]) for p in points], [p["cpu_s"] for p in points]
        )
        figures["fixed_cpu_s_per_batch"] = round(intercept, 2)
        figures["marginal_cpu_ms_per_household"] = round(slope * 1000, 2)
        figures["households_per_cpu_s"] = {
            str(p["size"]): round(p["size"] / p["cpu_s"], 1) for p in points
        }
    return figures


def reads(count: int) -> dict[str, Any]:
    """Reading a batch of ``count`` people as the worker does, in bulk, against the
    same reads one person after the other (what the worker did before)."""
    from shared.adapters import document_store
    from shared.domain.data_registry import ALERT_DELIVERIES, BENEFICIARY
    from shared.models.account import BeneficiaryProfile
    from shared.models.alerts import AlertBatch, AlertDelivery
    from shared.services import alerts, mail_suppressions
    from shared.services.stored_simulations import latest_simulation

    _empty_firestore()
    uids = _seed_beneficiaries(count)
    batch = AlertBatch(run_id="bench-reads", batch=0, uids=uids)

    def one_by_one() -> None:
        for uid in uids:
            profile = document_store.get(BENEFICIARY.path(uid=uid), BeneficiaryProfile)
            assert profile is not None
            mail_suppressions.is_suppressed(profile.email)
            latest_simulation(uid)
            list(
                document_store.list_collection(
                    ALERT_DELIVERIES.collection(uid=uid), AlertDelivery, "created_at", limit=3
                )
            )

    def bulk() -> None:
        households, _, _ = alerts._households(batch)
        assert len(households) == count

    timings: dict[str, list[float]] = {"bulk": [], "one_by_one": []}
    for _ in range(3):
        for name, read in (("bulk", bulk), ("one_by_one", one_by_one)):
            start = time.perf_counter()
            read()
            timings[name].append(time.perf_counter() - start)
    bulk_s, sequential_s = (statistics.median(timings[n]) for n in ("bulk", "one_by_one"))
    return {
        "people": count,
        "bulk_s_median": round(bulk_s, 2),
        "one_by_one_s_median": round(sequential_s, 2),
        "speedup": round(sequential_s / bulk_s, 1),
    }


def _empty_firestore() -> None:
    """Empty the Firestore emulator (a loaded machine may answer the first call late)."""
    import requests

    from tests.support import emulators

    for attempt in range(3):
        try:
            emulators.reset_firestore()
            return
        except requests.Timeout:
            if attempt == 2:
                raise


def _seed_beneficiaries(count: int) -> list[str]:
    """``count`` beneficiaries with alerts on and a stored simulation three days old."""
    import uuid
    from datetime import UTC, datetime, timedelta

    from shared.adapters.clients import firestore_client
    from shared.domain.data_registry import BENEFICIARY, SIMULATIONS
    from shared.domain.months import current_month
    from tests.integration.test_simulate import SINGLE_NO_INCOME
    from tests.support.seed import seed_profile

    template = seed_profile("template")
    client = firestore_client()
    uids: list[str] = []
    writes = client.batch()
    for index in range(count):
        uid = f"bench-{index:06d}-{uuid.uuid4().hex[:4]}"
        uids.append(uid)
        profile = template.model_copy(update={"uid": uid, "email": f"{uid}@example.org"})
        writes.set(client.document(BENEFICIARY.path(uid=uid)), profile.model_dump())
        writes.set(
            client.collection(SIMULATIONS.collection(uid=uid)).document(),
            {
                "answers": SINGLE_NO_INCOME,
                "month": current_month(),
                "engine_version": "earlier",
                "catalogue_version": "000000000000",
                "results": [],
                "monthly_total": 0.0,
                "changes": [],
                "created_at": datetime.now(UTC) - timedelta(days=3),
            },
        )
        if index % 200 == 199:
            writes.commit()
            writes = client.batch()
    writes.commit()
    return uids


def end_to_end(count: int) -> dict[str, Any]:
    import dataclasses
    import threading
    import uuid

    from werkzeug.serving import make_server

    from devstack.gateway import build_app
    from shared.config import settings
    from shared.services import alerts
    from tests.integration.test_alerts import NEW_AID, previous_run_without
    from tests.support.mail_sink import clear_sink

    _empty_firestore()
    sink = clear_sink()
    answered: list[int] = []
    app = build_app("http://127.0.0.1")

    def recording(environ: dict[str, Any], start_response: Any) -> Any:
        def start(status: str, headers: Any, exc_info: Any = None) -> Any:
            if environ.get("HTTP_X_CLOUDTASKS_TASKNAME") and status.startswith("200"):
                answered.append(1)
            return start_response(status, headers, exc_info)

        return app(environ, start)

    server = make_server("127.0.0.1", 0, recording, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    configured = dataclasses.replace(
        settings(), worker_urls={**settings().worker_urls, "alerts": f"{url}/alerts_worker"}
    )
    alerts.settings = lambda: configured  # type: ignore[assignment]

    previous_run_without(NEW_AID)
    seeding = time.perf_counter()
    _seed_beneficiaries(count)
    seeded = time.perf_counter() - seeding

    start = time.perf_counter()
    run = alerts.dispatch(f"bench-{uuid.uuid4().hex[:6]}", "operator")
    dispatched = time.perf_counter() - start
    deadline = time.monotonic() + 3600
    while len(answered) < run.batches and time.monotonic() < deadline:
        time.sleep(0.2)
    wall = time.perf_counter() - start
    import requests

    mails = len(requests.get(f"{sink}/_sink/messages", timeout=30).json())
    server.shutdown()
    return {
        "beneficiaries": count,
        "seed_s": round(seeded, 1),
        "dispatch_s": round(dispatched, 1),
        "batches": run.batches,
        "batches_answered": len(answered),
        "dispatch_to_last_batch_s": round(wall, 1),
        "beneficiaries_per_s": round(count / wall, 1),
        "mails_in_sink": mails,
    }


def main(argv: list[str] | None = None) -> int:
    from shared.domain.alerts import BATCH_SIZE
    from shared.domain.months import current_month

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--situations", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=BATCH_SIZE)
    parser.add_argument("--month", default=current_month())
    parser.add_argument(
        "--aids",
        default="rsa;cheque_energie",
        help="changes to measure besides the whole catalogue: aid ids by commas, ';' between",
    )
    parser.add_argument("--curve", default="", help="batch sizes, e.g. 1000,5000,10000")
    parser.add_argument("--curve-point", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--reads", type=int, default=0, help="people read in bulk (0: skip)")
    parser.add_argument("--e2e", type=int, default=0, help="beneficiaries end to end (0: skip)")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="also the whole catalogue and each change in this many processes at once, "
        "one per core (0: skip)",
    )
    parser.add_argument(
        "--aah-share",
        type=float,
        default=None,
        help="share (0-1) of situations where someone may receive the AAH "
        "(default: the generator's, about half)",
    )
    args = parser.parse_args(argv)
    if args.curve_point:
        print(json.dumps(curve_point(args.curve_point, args.month, args.aah_share)))
        return 0
    figures: dict[str, Any] = {"month": args.month, "aah_share": args.aah_share}
    changes = [change for change in args.aids.split(";") if change]
    if args.situations:
        figures["throughput"] = throughput(
            args.situations, args.batch, args.month, changes, args.aah_share
        )
    if args.workers:
        figures["parallel"] = {
            change: parallel_throughput(
                args.workers,
                args.situations or 100_000,
                args.batch,
                args.month,
                None if change == WHOLE else change.split(","),
                args.aah_share,
            )
            for change in [WHOLE, *changes]
        }
    if args.curve:
        sizes = [int(size) for size in args.curve.split(",")]
        figures["batch_size"] = batch_curve(sizes, args.month, args.aah_share)
    if args.reads:
        figures["reads"] = reads(args.reads)
    if args.e2e:
        figures["end_to_end"] = end_to_end(args.e2e)
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
