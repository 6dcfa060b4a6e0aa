"""firestore.rules over REST with real Auth-emulator ID tokens (rules apply to them).

For every registered collection: the owner may do what is intended, another
user and anonymous callers are denied, and forbidden fields are refused.
The admin client bypasses rules, so it is only used to seed documents.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from shared.adapters import document_store
from shared.domain.data_registry import FIRESTORE_LOCATIONS
from shared.models.access import Mandate, WorkerReceipt
from shared.models.account import ConsentEvent
from shared.models.audit import AuditEntry
from shared.models.simulation_history import AidOutcome, StoredSimulation
from tests.support import emulators
from tests.support.seed import seed_profile

NOW = datetime(2026, 11, 2, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clean() -> None:
    emulators.reset_firestore()
    emulators.reset_auth()


def seed_consent_event(uid: str) -> str:
    event = ConsentEvent(
        purpose="vault", granted=True, policy_version="2026-11", at=NOW, source="signup"
    )
    path = f"beneficiaries/{uid}/consent_events/e1"
    document_store.run_in_transaction(lambda w: w.set(path, event))
    return path


def seed_audit_entry(person: str) -> str:
    entry = AuditEntry(actor_ref="a" * 32, actor_role="staff", action="read_profile", at=NOW)
    return "audit_journal/" + document_store.add("audit_journal", entry)


def seed_mandate(person: str) -> str:
    """A mandate naming the caller both ways: even then clients cannot read or write it."""
    mandate = Mandate(beneficiary_uid=person, aidant_uid=person, scopes=["read"], granted_at=NOW)
    return "mandates/" + document_store.add("mandates", mandate)


def seed_receipt(person: str) -> str:
    receipt = WorkerReceipt(
        job="notify_policy_revision", source="task", status="done", created_at=NOW, updated_at=NOW
    )
    path = "worker_receipts/r1"
    document_store.run_in_transaction(lambda w: w.set(path, receipt))
    return path


def fields(values: dict[str, Any]) -> dict[str, Any]:
    """A Firestore REST ``fields`` payload for simple values."""

    def encode(value: Any) -> dict[str, Any]:
        if isinstance(value, bool):
            return {"booleanValue": value}
        if isinstance(value, int):
            return {"integerValue": str(value)}
        return {"stringValue": str(value)}

    return {"fields": {key: encode(value) for key, value in values.items()}}


def patch(path: str, token: str | None, values: dict[str, Any]) -> Any:
    mask = [("updateMask.fieldPaths", key) for key in values]
    return emulators.firestore_rest("PATCH", path, token, fields(values), params=mask)


# ------------------------------------------------------------ beneficiaries/{uid}


def test_owner_reads_own_profile_others_and_anonymous_are_denied():
    alice, bob = emulators.create_user(), emulators.create_user()
    seed_profile(alice.uid)
    path = f"beneficiaries/{alice.uid}"

    assert emulators.firestore_rest("GET", path, alice.id_token).status_code == 200
    assert emulators.firestore_rest("GET", path, bob.id_token).status_code == 403
    assert emulators.firestore_rest("GET", path, None).status_code == 403


def test_owner_may_change_display_preferences_only():
    alice, bob = emulators.create_user(), emulators.create_user()
    seed_profile(alice.uid)
    path = f"beneficiaries/{alice.uid}"

    assert (
        patch(path, alice.id_token, {"language": "en", "alerts_by_email": False}).status_code == 200
    )
    assert patch(path, bob.id_token, {"language": "en"}).status_code == 403
    assert patch(path, None, {"language": "en"}).status_code == 403


@pytest.mark.parametrize(
    "values",
    [
        {"language": "de"},  # not an offered language
        {"alerts_by_email": "yes"},  # wrong type
        {"restricted": True},  # a legal-basis field: server only
        {"email": "other@example.org"},  # contact data: through the API, validated
        {"policy_version": "1999"},  # proof of acceptance cannot be forged
    ],
)
def test_owner_cannot_write_forbidden_or_invalid_fields(values):
    alice = emulators.create_user()
    seed_profile(alice.uid)
    assert patch(f"beneficiaries/{alice.uid}", alice.id_token, values).status_code == 403


def test_clients_cannot_create_or_delete_profiles():
    alice = emulators.create_user()
    create = emulators.firestore_rest(
        "PATCH", f"beneficiaries/{alice.uid}", alice.id_token, fields({"language": "fr"})
    )
    assert create.status_code == 403
    seed_profile(alice.uid)
    assert (
        emulators.firestore_rest("DELETE", f"beneficiaries/{alice.uid}", alice.id_token).status_code
        == 403
    )


# ------------------------------------------------------------ server-written sub-collections


def seed_simulation(uid: str) -> str:
    stored = StoredSimulation(
        answers={"persons": []},
        month="2026-11",
        engine_version="176.1.8",
        catalogue_version="x",
        results=[],
        monthly_total=0.0,
        created_at=NOW,
    )
    path = f"beneficiaries/{uid}/simulations/s1"
    document_store.run_in_transaction(lambda w: w.set(path, stored))
    return path


def seed_outcome(uid: str) -> str:
    outcome = AidOutcome(aid_id="rsa", status="applied", updated_at=NOW)
    path = f"beneficiaries/{uid}/aid_outcomes/rsa"
    document_store.run_in_transaction(lambda w: w.set(path, outcome))
    return path


@pytest.mark.parametrize(
    "seed", [seed_consent_event, seed_simulation, seed_outcome], ids=lambda f: f.__name__
)
def test_owner_reads_server_written_history_nobody_writes_it(seed):
    alice, bob = emulators.create_user(), emulators.create_user()
    seed_profile(alice.uid)
    path = seed(alice.uid)

    assert emulators.firestore_rest("GET", path, alice.id_token).status_code == 200
    assert emulators.firestore_rest("GET", path, bob.id_token).status_code == 403
    assert emulators.firestore_rest("GET", path, None).status_code == 403
    assert patch(path, alice.id_token, {"status": "granted"}).status_code == 403
    assert emulators.firestore_rest("DELETE", path, alice.id_token).status_code == 403


# ------------------------------------------------------------ server-only collections


@pytest.mark.parametrize("seed", [seed_audit_entry, seed_mandate, seed_receipt])
@pytest.mark.parametrize("role", [None, "beneficiary", "aidant", "staff", "privacy_officer"])
def test_server_only_collections_are_closed_to_every_client(role, seed):
    """The journal (R14), mandates (R16) and worker receipts: server code only."""
    person = emulators.create_user(role=role)
    path = seed(person.uid)

    assert emulators.firestore_rest("GET", path, person.id_token).status_code == 403
    assert patch(path, person.id_token, {"action": "nothing"}).status_code == 403
    assert emulators.firestore_rest("DELETE", path, person.id_token).status_code == 403
    assert emulators.firestore_rest("GET", path, None).status_code == 403


def test_unlisted_collections_are_denied():
    alice = emulators.create_user()
    path = f"anything/{alice.uid}"
    assert emulators.firestore_rest("GET", path, alice.id_token).status_code == 403
    assert patch(path, alice.id_token, {"x": 1}).status_code == 403


# ------------------------------------------------------------ coverage of the registry

COVERED_PATTERNS = {
    "beneficiaries/{uid}",
    "beneficiaries/{uid}/consent_events/{event_id}",
    "beneficiaries/{uid}/simulations/{simulation_id}",
    "beneficiaries/{uid}/aid_outcomes/{aid_id}",
    "audit_journal/{entry_id}",
    "mandates/{mandate_id}",
    "worker_receipts/{receipt_id}",
    # tests/rules/test_vault_rules.py (R9)
    "beneficiaries/{uid}/vault_documents/{document_id}",
}


def test_every_registered_location_has_rules_cases():
    assert {location.pattern for location in FIRESTORE_LOCATIONS} <= COVERED_PATTERNS
