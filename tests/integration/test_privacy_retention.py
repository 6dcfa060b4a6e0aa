"""The daily retention sweep on the real emulators, with a controlled clock (R19, R23)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import requests

from shared.adapters import document_store
from shared.adapters.clients import firestore_client
from shared.api.jobs.retention_sweep import JOBS
from shared.api.worker import Delivery, run_delivery
from shared.config import settings
from shared.domain import data_registry
from shared.domain.access import Access, Actor, ActorKind, Scope
from shared.domain.data_registry import (
    AUDIT_JOURNAL,
    BENEFICIARY,
    CLIENT_ADMINS,
    CLIENT_DATA,
    CLIENT_INVITATIONS,
    CLIENT_PAYMENT_DATA,
    CLIENT_PAYMENTS,
    ORGANISATIONS,
    RETENTION_RUNS,
    WORKER_RECEIPTS,
    DataLocation,
    ExportKind,
    ExportRule,
    Locator,
    LocatorKind,
    OnErasure,
    StoreKind,
)
from shared.models.access import WorkerReceipt
from shared.models.account import BeneficiaryProfile
from shared.models.audit import AuditEntry
from shared.models.organisations import ClientAdmin, ClientInvitation, ClientPayment, Organisation
from shared.models.privacy import ErasureJob, RetentionRun
from shared.models.stored import STORED_MODELS
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


# ------------------------------------------------------------------ client data (R20)

# Policy §5, R20: client data 5 years, client payment data 10 years, after the contract ends
# (payments: accounting records, Code de commerce art. L123-22).
CONTRACT_END = date(2020, 1, 31)
CLIENT_PERIOD = timedelta(days=CLIENT_DATA.days)
PAYMENT_PERIOD = timedelta(days=CLIENT_PAYMENT_DATA.days)


def _client(org_id: str, contract_end: date) -> dict[str, str]:
    """An organisation with one record in each client location; returns location -> path."""
    created = datetime(2018, 1, 1, tzinfo=UTC)
    organisation = Organisation(
        name=f"Client {org_id}",
        contract_start=date(2018, 1, 1),
        contract_end=contract_end,
        billing_name="Paul Martin",
        billing_email=f"factures@{org_id}.example",
        created_at=created,
    )
    records: dict[str, tuple[str, Any]] = {
        ORGANISATIONS.key: (ORGANISATIONS.path(org_id=org_id), organisation),
        CLIENT_ADMINS.key: (
            CLIENT_ADMINS.path(member_id=f"{org_id}_admin"),
            ClientAdmin(org_id=org_id, uid=f"{org_id}-admin", added_at=created),
        ),
        CLIENT_INVITATIONS.key: (
            CLIENT_INVITATIONS.path(invitation_id=f"{org_id}_inv"),
            ClientInvitation(org_id=org_id, email=f"a@{org_id}.example", invited_at=created),
        ),
        # Recorded before the record of its organisation is gone: it carries the contract end.
        CLIENT_PAYMENTS.key: (
            CLIENT_PAYMENTS.path(payment_id=f"{org_id}_pay"),
            ClientPayment(
                org_id=org_id,
                amount_cents=120000,
                currency="EUR",
                paid_on=date(2019, 2, 1),
                reference="F-2019-001",
                recorded_at=created,
                contract_end=contract_end,
            ),
        ),
    }
    for path, document in records.values():
        document_store.run_in_transaction(lambda w, p=path, d=document: w.set(p, d))
    return {key: path for key, (path, _) in records.items()}


def _left(paths: dict[str, str]) -> set[str]:
    return {key for key, path in paths.items() if firestore_client().document(path).get().exists}


def _run_at(when: datetime) -> RetentionRun:
    runs = document_store.list_collection(RETENTION_RUNS.collection(), RetentionRun)
    return next(run for _, run in runs if run.ran_at == when)


def test_client_data_ends_5_years_and_payments_10_years_after_the_contract(monkeypatch):
    # A location a later capability registers, counted from the contract's end and
    # naming its organisation (as demo requests or any client record would): swept too.
    later = DataLocation(
        key="later_client_notes",
        store=StoreKind.FIRESTORE,
        pattern="later_client_notes/{note_id}",
        locator=Locator(LocatorKind.NO_PERSON),
        export=ExportRule(ExportKind.NOTHING, reason="client data"),
        retention=CLIENT_DATA,
        on_erasure=OnErasure.KEEP_PSEUDONYMOUS,
        description="Notes about a client, added later.",
    )
    locations = (*data_registry.USER_DATA_LOCATIONS, later)
    monkeypatch.setattr(data_registry, "USER_DATA_LOCATIONS", locations)
    monkeypatch.setattr(
        data_registry,
        "FIRESTORE_LOCATIONS",
        tuple(x for x in locations if x.store is StoreKind.FIRESTORE),
    )
    monkeypatch.setitem(STORED_MODELS, later.key, ClientAdmin)

    ended = _client("ended", CONTRACT_END)
    running = _client("running", date(2030, 12, 31))
    note = later.path(note_id="n1")
    note_doc = ClientAdmin(org_id="ended", uid="x", added_at=datetime(2019, 1, 1, tzinfo=UTC))
    document_store.run_in_transaction(lambda w: w.set(note, note_doc))
    ended[later.key] = note

    five_years = datetime.combine(CONTRACT_END + CLIENT_PERIOD, datetime.min.time(), UTC)
    sweep_at(five_years - timedelta(days=1))
    assert _left(ended) == set(ended)

    sweep_at(five_years)
    assert _left(ended) == {CLIENT_PAYMENTS.key}  # payment data: 10 years
    assert _left(running) == set(running)
    at_five = _run_at(five_years)
    assert at_five.purged[ORGANISATIONS.key] == 1 and at_five.purged[later.key] == 1
    assert at_five.purged[CLIENT_PAYMENTS.key] == 0

    ten_years = datetime.combine(CONTRACT_END + PAYMENT_PERIOD, datetime.min.time(), UTC)
    sweep_at(ten_years - timedelta(days=1))
    assert _left(ended) == {CLIENT_PAYMENTS.key}
    sweep_at(ten_years)
    assert _left(ended) == set()
    assert _left(running) == set(running)
    assert _run_at(ten_years).purged[CLIENT_PAYMENTS.key] == 1
