"""Benchmark of the smart alerts (R5). Not a test: prints figures.

    python -m bench.alerts [--situations 100000] [--batch 200] [--e2e 0]

1. **Re-evaluation throughput**: ``--situations`` generated households, stored
   as the simulate function stores answers (JSON), read back and re-evaluated
   batch by batch exactly as the alerts worker does (parse, one vectorised
   simulation per ``--batch``). Households per second, median over batches,
   against the baseline measured in the same process: one ``evaluate`` per
   household (what re-simulating everyone one by one would cost).
2. **End to end** (``--e2e N``, needs the local stack: ``python -m devstack run
   -- …``): N beneficiaries with a stored simulation, a new aid, the dispatcher,
   the Cloud Tasks emulator delivering every batch to the worker served in this
   process, and the SendGrid sink receiving the mails; wall time from dispatch
   to the last batch answered.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from typing import Any


def throughput(count: int, batch: int, month: str) -> dict[str, Any]:
    from shared.domain.questionnaire import Household
    from shared.services import eligibility
    from tests.fixtures.synthetic_households import synthetic_households

    stored = [h.model_dump(mode="json") for h in synthetic_households(count, month, seed=7)]
    eligibility.evaluate_batch([Household.model_validate(stored[0])], month)  # warm engine

    sample = stored[: min(20, count)]
    single: list[float] = []
    for answers in sample:
        start = time.perf_counter()
        eligibility.evaluate(Household.model_validate(answers), month)
        single.append(time.perf_counter() - start)

    rates: list[float] = []
    cpu_rates: list[float] = []  # per CPU-second of this process: less sensitive to load
    begin = time.perf_counter()
    for first in range(0, count, batch):
        chunk = stored[first : first + batch]
        start, cpu = time.perf_counter(), time.process_time()
        households = [Household.model_validate(answers) for answers in chunk]
        eligibility.evaluate_batch(households, month)
        rates.append(len(chunk) / (time.perf_counter() - start))
        cpu_rates.append(len(chunk) / (time.process_time() - cpu))
    total = time.perf_counter() - begin
    baseline_rate = 1 / statistics.median(single)
    return {
        "situations": count,
        "batch_size": batch,
        "batches": len(rates),
        "batch_households_per_s_median": round(statistics.median(rates), 1),
        "overall_households_per_s": round(count / total, 1),
        "households_per_cpu_s_median": round(statistics.median(cpu_rates), 1),
        "total_s": round(total, 1),
        "baseline_one_by_one_households_per_s": round(baseline_rate, 1),
        "speedup_vs_one_by_one": round(statistics.median(rates) / baseline_rate, 1),
    }


def end_to_end(count: int) -> dict[str, Any]:
    import dataclasses
    import threading
    import uuid
    from datetime import UTC, datetime, timedelta

    from werkzeug.serving import make_server

    from devstack.gateway import build_app
    from shared.adapters.clients import firestore_client
    from shared.config import settings
    from shared.domain.data_registry import BENEFICIARY, SIMULATIONS
    from shared.domain.months import current_month
    from shared.services import alerts
    from tests.integration.test_alerts import NEW_AID, previous_run_without
    from tests.integration.test_simulate import SINGLE_NO_INCOME
    from tests.support import emulators
    from tests.support.mail_sink import clear_sink
    from tests.support.seed import seed_profile

    emulators.reset_firestore()
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
    template = seed_profile("template")
    client = firestore_client()
    seeding = time.perf_counter()
    writes = client.batch()
    for index in range(count):
        uid = f"bench-{index:06d}-{uuid.uuid4().hex[:4]}"
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
    parser.add_argument("--e2e", type=int, default=0, help="beneficiaries end to end (0: skip)")
    args = parser.parse_args(argv)
    figures: dict[str, Any] = {"month": args.month}
    if args.situations:
        figures["throughput"] = throughput(args.situations, args.batch, args.month)
    if args.e2e:
        figures["end_to_end"] = end_to_end(args.e2e)
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
