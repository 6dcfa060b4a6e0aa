"""Export and erasure of a full footprint, on the local stack (R21, R27).

Run inside the emulators::

    .venv/bin/python -m devstack run -- .venv/bin/python -m bench.privacy --rounds 3

Each round gives a new person a full footprint from the registry
(tests/support/footprint.py): 50 vault files, 20 documents in every Firestore
collection of the account (simulations, outcomes, consent events, mandates…),
mail-provider records and a pending task. Then it times:

* **export**: the ``build_export`` job (ZIP streamed into the exports bucket),
  with the peak of Python memory it allocated (tracemalloc) against the size of
  the archive — memory stays bounded because files are copied in chunks;
* **erasure**: the ``erase`` job, final scan included;
* **baseline**, same process: reading every record of the person once through
  the registry (what both jobs must at least do), so the ratios say what the
  archive and the deletions cost on top.

Medians over the rounds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import tracemalloc
from datetime import UTC, datetime

VAULT_FILES = 50
ITEMS = 20
FILE_BYTES = 200 * 1024
# Incompressible, like a scanned document: the archive is as large as the vault.
SCAN = b"%PDF-1.4\n" + os.urandom(FILE_BYTES)


def _person() -> tuple[str, str]:
    from tests.support import emulators
    from tests.support.footprint import give_footprint

    user = emulators.create_user()
    give_footprint(
        user.uid,
        user.email,
        files=VAULT_FILES,
        items=ITEMS,
        file_bytes=SCAN,
    )
    return user.uid, user.email


def _read_everything(uid: str, email: str) -> int:
    from shared.adapters import personal_data_stores
    from shared.domain import data_registry as registry
    from shared.services.audit import pseudonym

    return sum(
        sum(1 for _ in personal_data_stores.records(place))
        for place in registry.personal_data_of(uid, uid_ref=pseudonym(uid), email=email)
    )


def one_round() -> dict[str, float]:
    from shared.adapters import document_store
    from shared.domain.access import Access, Actor, ActorKind, Scope
    from shared.domain.data_registry import EXPORTS
    from shared.models.privacy import ExportRecord
    from shared.services import erasure, export
    from tests.support.footprint import forget_pending_tasks

    uid, email = _person()
    actor = Actor(uid="service:bench", kind=ActorKind.SERVICE_ACCOUNT)

    started = time.perf_counter()
    records = _read_everything(uid, email)
    baseline = time.perf_counter() - started

    export_id = "be" + datetime.now(UTC).strftime("%H%M%S%f")
    path = EXPORTS.path(uid=uid, export_id=export_id)
    record = ExportRecord(status="queued", requested_at=datetime.now(UTC))
    document_store.run_in_transaction(lambda w: w.create(path, record))
    tracemalloc.start()
    started = time.perf_counter()
    export.build_export(
        Access(actor, uid, Scope.PRIVACY_EXPORT, "bench"),
        export.ExportTask(uid=uid, export_id=export_id),
    )
    export_s = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    built = document_store.get(path, ExportRecord)
    size = built.size_bytes if built and built.size_bytes else 0

    original = erasure.enqueue
    erasure.enqueue = lambda job: "not-queued"  # type: ignore[assignment]
    try:
        job = erasure.start_erasure(uid, email=email)
    finally:
        erasure.enqueue = original  # type: ignore[assignment]
    started = time.perf_counter()
    erasure.run_erasure(
        Access(actor, uid, Scope.PRIVACY_ERASE, "bench"),
        erasure.ErasureTask(job_id=job.subject_ref),
    )
    erase_s = time.perf_counter() - started
    forget_pending_tasks(uid)
    return {
        "records": records,
        "baseline_s": baseline,
        "export_s": export_s,
        "export_peak_mb": peak / 1e6,
        "archive_mb": size / 1e6,
        "erase_s": erase_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rounds = [one_round() for _ in range(args.rounds)]
    median = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
    print(f"footprint: {VAULT_FILES} vault files of {FILE_BYTES // 1024} KB, {ITEMS} documents per")
    print(
        f"Firestore collection; {median['records']:.0f} records read; {args.rounds} rounds, medians"
    )
    print(f"baseline (read every record once)   {median['baseline_s'] * 1000:8.0f} ms")
    print(
        f"export (ZIP streamed to the bucket)  {median['export_s'] * 1000:8.0f} ms"
        f"  ({median['export_s'] / median['baseline_s']:.1f}× baseline)"
    )
    print(
        f"export peak Python memory           {median['export_peak_mb']:8.1f} MB"
        f"  (archive {median['archive_mb']:.1f} MB)"
    )
    print(
        f"erasure incl. final scan            {median['erase_s'] * 1000:8.0f} ms"
        f"  ({median['erase_s'] / median['baseline_s']:.1f}× baseline)"
    )


if __name__ == "__main__":
    main()
