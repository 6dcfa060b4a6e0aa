"""The registry of user-data locations: every place declares store, locator, export, retention.

A location added without one of them fails here (or refuses to be built);
every stored field has a data category; paths come from the registry.
"""

from __future__ import annotations

import ast
import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shared.adapters.document_store import checked_data
from shared.config import Settings
from shared.domain import data_registry as registry
from shared.domain.data_categories import DataCategory
from shared.domain.data_registry import (
    FIRESTORE_LOCATIONS,
    USER_DATA_LOCATIONS,
    CountedFrom,
    DataLocation,
    ExportKind,
    ExportRule,
    Locator,
    LocatorKind,
    Retention,
    StoreKind,
    UnregisteredLocation,
    location_of,
)
from shared.domain.purposes import LegalBasis
from shared.models import stored
from shared.models.audit import AuditEntry

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENT_IDS = {f"R{n}" for n in range(1, 31)}


@pytest.mark.parametrize("location", USER_DATA_LOCATIONS, ids=lambda loc: loc.key)
def test_every_location_declares_store_locator_export_and_retention(location):
    assert isinstance(location.store, StoreKind)
    assert isinstance(location.locator, Locator) and isinstance(location.locator.kind, LocatorKind)
    assert isinstance(location.export, ExportRule) and isinstance(location.export.kind, ExportKind)
    retention = location.retention
    assert isinstance(retention, Retention)
    assert isinstance(retention.counted_from, CountedFrom)
    assert isinstance(retention.legal_basis, LegalBasis)
    cited = {word.strip(",;") for word in retention.source.split()}
    assert "§" in retention.source or cited & REQUIREMENT_IDS, retention.source
    assert location.description


@pytest.mark.parametrize(
    "missing", ["store", "locator", "export", "retention"], ids=lambda name: f"without {name}"
)
def test_a_location_without_one_of_the_four_cannot_be_declared(missing):
    arguments = {
        f.name: getattr(registry.BENEFICIARY, f.name)
        for f in dataclasses.fields(DataLocation)
        if f.init
    }
    arguments["key"] = "new_place"
    del arguments[missing]
    with pytest.raises(TypeError):
        DataLocation(**arguments)


@pytest.mark.parametrize(
    "broken",
    [
        lambda: Locator(LocatorKind.FIELD),  # a field locator names its field
        lambda: ExportRule(ExportKind.NOTHING),  # left out of exports without a reason
        lambda: ExportRule(ExportKind.FIELDS),  # a partial export lists its fields
        lambda: Retention(30, CountedFrom.CREATED, LegalBasis.CONTRACT, ""),  # no source
        lambda: dataclasses.replace(
            registry.BENEFICIARY, locator=Locator(LocatorKind.PATH_SEGMENT, "owner")
        ),
        lambda: dataclasses.replace(registry.AUTH_RECORD, category=None),
    ],
)
def test_incomplete_declarations_are_refused(broken):
    with pytest.raises(ValueError):
        broken()


def test_keys_and_patterns_are_unique():
    keys = [location.key for location in USER_DATA_LOCATIONS]
    assert len(keys) == len(set(keys))
    firestore_patterns = [location.pattern for location in FIRESTORE_LOCATIONS]
    assert len(firestore_patterns) == len(set(firestore_patterns))


def test_every_store_kind_of_the_policy_is_registered():
    assert {location.store for location in USER_DATA_LOCATIONS} == set(StoreKind)


def test_r19_inactivity_period_is_three_years_from_last_activity():
    """Policy §5: contact, identification, preferences data deleted after 3 years of inactivity."""
    retention = registry.BENEFICIARY.retention
    assert (retention.days, retention.counted_from) == (3 * 365, CountedFrom.LAST_ACTIVITY)


@pytest.mark.parametrize("location", FIRESTORE_LOCATIONS, ids=lambda loc: loc.key)
def test_every_firestore_location_has_a_model_whose_fields_all_have_a_category(location):
    categories = stored.categories(location)
    missing = [name for name, category in categories.items() if category is None]
    assert categories and not missing, f"{location.pattern}: fields without category {missing}"


@pytest.mark.parametrize("location", FIRESTORE_LOCATIONS, ids=lambda loc: loc.key)
def test_a_field_locator_names_a_field_of_the_stored_model(location):
    if location.locator.kind is LocatorKind.FIELD:
        assert location.locator.name in stored.model_of(location).model_fields


@pytest.mark.parametrize("location", USER_DATA_LOCATIONS, ids=lambda loc: loc.key)
def test_exported_fields_exist(location):
    if location.export.kind is ExportKind.FIELDS and location.store is StoreKind.FIRESTORE:
        assert set(location.export.fields) <= set(stored.model_of(location).model_fields)


def test_no_stored_field_is_a_payment_mean():
    """§2.1.4: bank details (RIB, IBAN, card) of beneficiaries are never collected."""
    forbidden = ("iban", "rib", "bic", "card", "bank")
    names = [name for loc in FIRESTORE_LOCATIONS for name in stored.model_of(loc).model_fields]
    assert not [n for n in names if any(word in n.lower() for word in forbidden)]


def test_paths_are_built_from_the_registry():
    assert registry.BENEFICIARY.path(uid="u1") == "beneficiaries/u1"
    assert registry.SIMULATIONS.collection(uid="u1") == "beneficiaries/u1/simulations"
    assert registry.AID_OUTCOMES.path(uid="u1", aid_id="rsa") == "beneficiaries/u1/aid_outcomes/rsa"
    with pytest.raises(KeyError):
        registry.BENEFICIARY.path()
    with pytest.raises(ValueError):
        registry.BENEFICIARY.path(uid="u1/simulations")


def test_services_write_no_hand_made_paths():
    """Services build paths from the registry: no literal naming a registered collection."""
    collections = {p.split("/")[0] for p in registry.collection_patterns()} | {
        p.split("/")[-1] for p in registry.collection_patterns()
    }
    offenders = []
    for source in (ROOT / "shared" / "services").glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                first = node.value.split("/")[0]
                if "/" in node.value and first in collections:
                    offenders.append(f"{source.name}: {node.value!r}")
            if isinstance(node, ast.JoinedStr):
                text = "".join(part.value for part in node.values if isinstance(part, ast.Constant))
                if any(f"{name}/" in text or f"/{name}" in text for name in collections):
                    offenders.append(f"{source.name}: f-string {text!r}")
    assert offenders == []


def test_the_domain_imports_nothing_from_models():
    offenders = []
    for source in (ROOT / "shared" / "domain").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("shared.models"):
                offenders.append(str(source.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.parametrize(
    "path, key",
    [
        ("beneficiaries/u1", "beneficiary"),
        ("beneficiaries/u1/consent_events/e1", "consent_events"),
        ("audit_journal/x", "audit_journal"),
        ("mandates/m1", "mandates"),
    ],
)
def test_paths_resolve_to_their_location(path, key):
    assert location_of(path).key == key


@pytest.mark.parametrize("path", ["notes/u1", "beneficiaries/u1/notes/n1", "beneficiaries"])
def test_unknown_locations_are_refused(path):
    with pytest.raises(UnregisteredLocation):
        location_of(path)


def test_writing_an_unregistered_collection_fails():
    entry = AuditEntry(actor_ref="a", actor_role="staff", action="x", at=datetime.now(UTC))
    with pytest.raises(UnregisteredLocation):
        checked_data("shadow_copies/x", entry)


def test_writing_the_wrong_model_at_a_location_fails():
    entry = AuditEntry(actor_ref="a", actor_role="staff", action="x", at=datetime.now(UTC))
    with pytest.raises(TypeError):
        checked_data("beneficiaries/u1", entry)


@pytest.mark.parametrize("location", registry.STORAGE_LOCATIONS, ids=lambda loc: loc.key)
def test_storage_locations_are_per_user_and_name_a_configured_bucket(location):
    assert location.bucket in Settings.__dataclass_fields__
    assert location.path(uid="u1") != location.path(uid="u2")
    assert location.path(uid="u1").startswith("u1")
    assert isinstance(location.category, DataCategory)


@pytest.mark.parametrize(
    "location, path, subject",
    [
        (registry.VAULT_OBJECTS, "u1/avis.pdf", "u1"),
        (registry.VAULT_OBJECTS, "u1/sub/avis.pdf", "u1"),
        (registry.VAULT_OBJECTS, "u1/", None),
        (registry.VAULT_OBJECTS, "loose.pdf", None),
        (registry.SIMULATIONS, "beneficiaries/u1/simulations/s1", "u1"),
        (registry.SIMULATIONS, "beneficiaries/u1", None),
        (registry.MANDATES, "mandates/m1", None),  # found by a field, not the path
    ],
)
def test_the_subject_is_read_from_the_locator_segment(location, path, subject):
    assert location.subject_of(path) == subject


def test_the_registry_alone_says_where_one_persons_data_is():
    """What export, erasure and retention walk: every location naming a person, found."""
    places = registry.personal_data_of("u1", uid_ref="keyed-hash", email="zoe@example.org")
    by_key = {place.location.key: place for place in places}
    personal = {
        loc.key for loc in USER_DATA_LOCATIONS if loc.locator.kind is not LocatorKind.NO_PERSON
    }
    assert set(by_key) == personal
    assert by_key["beneficiary"].path == "beneficiaries/u1"
    assert by_key["simulations"].path == "beneficiaries/u1/simulations"
    assert by_key["vault_objects"].path == "u1/"
    assert (by_key["mandates"].field, by_key["mandates"].value) == ("beneficiary_uid", "u1")
    assert by_key["audit_journal"].value == "keyed-hash"  # the journal holds no uid in clear
    assert by_key["mail_suppressions"].value == "zoe@example.org"
    assert "worker_receipts" not in by_key
