"""Benchmark of the vault and the pre-filled forms. Not a test: prints figures.

    python -m devstack run -- .venv/bin/python -m bench.vault [--rounds 9]

Runs on the local emulators and clamd (test signatures), like the integration tests:

1. upload → available for clean 1 MB and 10 MB PDFs: the browser's PUT to the
   signed URL, then ``finalise_upload`` (read back, sniff, size, quota, PDF
   inspection, clamd scan, settle in a transaction); medians, with the parts
   (inspection alone, scan alone) and, as the baseline timed in this process, a
   plain read of the same object from the bucket (what any check must pay);
2. form generation (proposal + pypdf filling) per template; baseline: pypdf
   reading and re-writing the same template without filling it.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime

import requests

MIB = 1024 * 1024
OWNER = "bench-owner"


def median_ms(work: Callable[[], object], rounds: int) -> float:
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def _beneficiary() -> None:
    from shared.adapters import document_store
    from shared.models.account import BeneficiaryProfile, ConsentState

    now = datetime.now(UTC)
    profile = BeneficiaryProfile(
        uid=OWNER,
        email="bench@example.org",
        email_verified=True,
        policy_version="bench",
        policy_accepted_at=now,
        consents={"vault": ConsentState(granted=True, policy_version="bench", changed_at=now)},
        created_at=now,
        updated_at=now,
        last_active_at=now,
    )
    document_store.run_in_transaction(lambda w: w.set(f"beneficiaries/{OWNER}", profile))


def upload_to_available(size: int, rounds: int) -> dict[str, float]:
    from shared.adapters.file_content import content_facts
    from shared.adapters.vault_objects import owner_prefix
    from shared.domain.access import Access, Actor, ActorKind, Scope
    from shared.domain.vault.kinds import DocumentKind
    from shared.models.vault import DocumentStatus, UploadSlotRequest
    from shared.services import vault as vault_service
    from tests.support.sample_files import pdf_of_size

    owner = Access(Actor(OWNER, ActorKind.BENEFICIARY), OWNER, Scope.VAULT_WRITE, "bench")
    vault = vault_service.default_vault()
    data = pdf_of_size(size)
    puts, finals, reads = [], [], []
    for _ in range(rounds):
        slot = vault_service.request_upload_slot(
            vault,
            owner,
            UploadSlotRequest(
                content_type="application/pdf", size=size, kind=DocumentKind.PAYSLIPS_3_MONTHS
            ),
        )
        start = time.perf_counter()
        requests.put(slot.url, data=data, headers=slot.headers, timeout=60).raise_for_status()
        uploaded = time.perf_counter()
        settled = vault_service.finalise_upload(
            vault, owner, owner_prefix(OWNER) + slot.document_id
        )
        done = time.perf_counter()
        assert settled is not None and settled.status is DocumentStatus.AVAILABLE, settled
        puts.append(uploaded - start)
        finals.append(done - uploaded)
        start = time.perf_counter()
        vault.objects.read(settled.object_name)
        reads.append(time.perf_counter() - start)
        vault_service.delete_document(vault, owner, slot.document_id)
    return {
        "put_ms": statistics.median(puts) * 1000,
        "finalise_ms": statistics.median(finals) * 1000,
        "upload_to_available_ms": statistics.median(
            p + f for p, f in zip(puts, finals, strict=True)
        )
        * 1000,
        "inspect_ms": median_ms(lambda: content_facts(data), rounds),
        "scan_ms": median_ms(lambda: vault.scanner.scan(data), rounds),
        "baseline_read_ms": statistics.median(reads) * 1000,
    }


def form_generation(rounds: int) -> dict[str, tuple[float, float]]:
    from pypdf import PdfReader, PdfWriter

    from shared.domain.forms.templates import load_templates
    from shared.services.forms import generate_form

    profile = {"given_name": "Awa", "family_name": "Diallo", "email": "awa@example.org"}
    household = {
        "persons": [{"id": "p1", "relationship": "applicant", "birth_date": "1990-04-02"}],
        "couple_status": "single",
        "housing": {"status": "tenant", "rent": 450.0, "commune": "75111"},
    }

    def rewrite(path: object) -> None:
        writer = PdfWriter(clone_from=PdfReader(str(path)))
        writer.write(io.BytesIO())

    figures = {}
    for form_id, template in load_templates().items():
        generate_form(form_id, profile, household, {})  # warm imports and caches
        figures[form_id] = (
            median_ms(lambda f=form_id: generate_form(f, profile, household, {}), rounds),
            median_ms(lambda p=template.pdf_path: rewrite(p), rounds),
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=9)
    rounds = parser.parse_args().rounds
    _beneficiary()
    print(f"vault, {rounds} rounds, medians (ms)")
    for label, size in (("1 MB", MIB), ("10 MB", 10 * MIB)):
        f = upload_to_available(size, rounds)
        print(
            f"  {label:>5}: upload→available {f['upload_to_available_ms']:.0f}"
            f" (PUT {f['put_ms']:.0f} + finalise {f['finalise_ms']:.0f};"
            f" inspection {f['inspect_ms']:.1f}, clamd scan {f['scan_ms']:.0f});"
            f" baseline read {f['baseline_read_ms']:.0f};"
            f" finalise/read {f['finalise_ms'] / f['baseline_read_ms']:.1f}x"
        )
    print("forms: generate (proposal + fill) vs baseline (read + re-write the template), ms")
    for form_id, (generate, baseline) in form_generation(rounds).items():
        print(
            f"  {form_id:32} {generate:6.1f}  baseline {baseline:6.1f}  {generate / baseline:.1f}x"
        )


if __name__ == "__main__":
    main()
