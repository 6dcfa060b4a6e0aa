"""The daily retention sweep on the real emulators, with a controlled clock (R19, R23)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from shared.adapters import document_store
from shared.api.jobs.retention_sweep import JOBS
from shared.api.worker import Delivery, run_delivery
from shared.config import settings
from shared.domain.access import Access, Actor, ActorKind, Scope
from shared.domain.data_registry import AUDIT_JOURNAL, BENEFICIARY, RETENTION_RUNS, WORKER_RECEIPTS
from shared.models.access import WorkerReceipt
from shared.models.account import BeneficiaryProfile
from shared.models.audit import AuditEntry
from shared.models.privacy import ErasureJob, RetentionRun
from shared.services import erasure, retention
from tests.support.seed import seed_profile

# R19 (policy §5): 3 years of inactivity, warned 30 days ahead.
LAST_SEEN = datetime(2024, 1, 10, 12, 0, tzinfo=UTC)
THREE_YEARS_LATER = LAST_SEEN + timedelta(days=3 * 365)


@pytest.fixture(autouse=True)
def no_queued_erasure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(erasure, "enqueue", lambda job: "not-queued")


@pytest.fixture
def sink() -> Iterator[str]:
    base = settings().sendgrid_api_host or ""
    requests.delete(f"{base}/_sink/messages", timeout=5).raise_for_status()
    yield base


def mails_to(sink: str, address: str) -> list[dict[str, Any]]:
    sent = requests.get(f"{sink}/_sink/messages", timeout=5).json()
    return [m for m in sent if m["body"]["personalizations"][0]["to"][0]["email"] == address]


def service() -> Access:
    actor = Actor(uid="service:local", kind=ActorKind.SERVICE_ACCOUNT)
    return Access(actor, retention.SUBJECT, Scope.PRIVACY_ERASE, "retention")


def sweep_at(at: datetime) -> str:
    return retention.sweep(service(), retention.SweepOrder(), now=lambda: at)


def last_seen(uid: str, when: datetime) -> BeneficiaryProfile:
    profile = seed_profile(uid)
    changed = profile.model_copy(update={"last_active_at": when})
    path = BENEFICIARY.path(uid=uid)
    document_store.run_in_transaction(lambda w: w.set(path, changed))
    return changed


def erasure_of(uid: str) -> ErasureJob | None:
    return document_store.get(erasure.job_path(uid), ErasureJob)


def test_inactive_accounts_are_warned_30_days_ahead_then_erased(sink):
    idle = last_seen("idle-1", LAST_SEEN)
    active = last_seen("active-1", LAST_SEEN + timedelta(days=200))

    sweep_at(THREE_YEARS_LATER - timedelta(days=31))  # too early for a warning
    assert mails_to(sink, idle.email) == []

    sweep_at(THREE_YEARS_LATER - timedelta(days=30))
    warning = mails_to(sink, idle.email)
    assert len(warning) == 1
    assert "supprimés le 09/01/2027" in warning[0]["body"]["content"][0]["value"]
    assert mails_to(sink, active.email) == []

    sweep_at(THREE_YEARS_LATER - timedelta(days=10))  # warned already: no second mail
    assert len(mails_to(sink, idle.email)) == 1
    assert erasure_of("idle-1") is None

    sweep_at(THREE_YEARS_LATER)
    job = erasure_of("idle-1")
    assert job is not None and job.requested_at == THREE_YEARS_LATER
    assert erasure_of("active-1") is None


def test_signing_in_again_voids_the_warning(sink):
    idle = last_seen("idle-2", LAST_SEEN)
    sweep_at(THREE_YEARS_LATER - timedelta(days=30))
    assert len(mails_to(sink, idle.email)) == 1

    last_seen("idle-2", THREE_YEARS_LATER - timedelta(days=5))  # came back
    sweep_at(THREE_YEARS_LATER + timedelta(days=1))
    assert erasure_of("idle-2") is None


def test_an_account_warned_late_gets_its_30_days_before_erasure(sink):
    idle = last_seen("idle-3", LAST_SEEN - timedelta(days=400))  # already past 3 years
    sweep_at(THREE_YEARS_LATER)
    assert len(mails_to(sink, idle.email)) == 1
    sweep_at(THREE_YEARS_LATER + timedelta(days=29))
    assert erasure_of("idle-3") is None
    sweep_at(THREE_YEARS_LATER + timedelta(days=30))
    assert erasure_of("idle-3") is not None


def test_records_end_at_their_declared_period_and_each_run_is_recorded_without_personal_data():
    now = datetime(2027, 6, 1, tzinfo=UTC)
    # Worker receipts: 31 days (Cloud Tasks' longest retry window); journal: 365 days.
    for age, receipt_id in ((32, "old-receipt"), (30, "young-receipt")):
        stamp = now - timedelta(days=age)
        receipt = WorkerReceipt(
            job="j", source="task", status="done", created_at=stamp, updated_at=stamp
        )
        path = WORKER_RECEIPTS.path(receipt_id=receipt_id)
        document_store.run_in_transaction(lambda w, p=path, r=receipt: w.set(p, r))
    for age, entry_id in ((366, "old-entry"), (364, "young-entry")):
        entry = AuditEntry(
            actor_ref="a", actor_role="staff", action="read", at=now - timedelta(days=age)
        )
        path = AUDIT_JOURNAL.path(entry_id=entry_id)
        document_store.run_in_transaction(lambda w, p=path, e=entry: w.set(p, e))

    response = run_delivery(
        "retention_sweep",
        JOBS,
        retention.JOB,
        {},
        Delivery("scheduler", "scheduler:retention-sweep:2027-06-01T01:30:00Z", "local"),
    )
    assert response.status_code == 200
    sweep_at(now)

    assert document_store.get(WORKER_RECEIPTS.path(receipt_id="old-receipt"), WorkerReceipt) is None
    assert document_store.get(WORKER_RECEIPTS.path(receipt_id="young-receipt"), WorkerReceipt)
    assert document_store.get(AUDIT_JOURNAL.path(entry_id="old-entry"), AuditEntry) is None
    assert document_store.get(AUDIT_JOURNAL.path(entry_id="young-entry"), AuditEntry)
    runs = [
        run for _, run in document_store.list_collection(RETENTION_RUNS.collection(), RetentionRun)
    ]
    assert any(run.ran_at == now and run.purged["worker_receipts"] >= 1 for run in runs)
    assert any(run.ran_at == now and run.purged["audit_journal"] == 1 for run in runs)
