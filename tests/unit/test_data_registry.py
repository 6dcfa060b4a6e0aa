"""The registry of user-data locations: every stored field has a category."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.adapters.document_store import checked_data
from shared.config import Settings
from shared.domain.data_categories import DataCategory
from shared.domain.data_registry import (
    USER_DATA_LOCATIONS,
    USER_STORAGE_LOCATIONS,
    UnregisteredLocation,
    location_of,
)
from shared.models.audit import AuditEntry


@pytest.mark.parametrize("location", USER_DATA_LOCATIONS, ids=lambda loc: loc.pattern)
def test_every_stored_field_declares_exactly_one_category(location):
    categories = location.categories()
    missing = [name for name, category in categories.items() if category is None]
    assert categories and not missing, f"{location.pattern}: fields without category {missing}"
    assert all(isinstance(c, DataCategory) for c in categories.values())


def test_no_stored_field_is_a_payment_mean():
    """§2.1.4: bank details (RIB, IBAN, card) of beneficiaries are never collected."""
    forbidden = ("iban", "rib", "bic", "card", "bank")
    names = [name for loc in USER_DATA_LOCATIONS for name in loc.model.model_fields]
    assert not [n for n in names if any(word in n.lower() for word in forbidden)]


@pytest.mark.parametrize(
    "path, pattern",
    [
        ("beneficiaries/u1", "beneficiaries/{uid}"),
        ("beneficiaries/u1/consent_events/e1", "beneficiaries/{uid}/consent_events/{event_id}"),
        ("audit_journal/x", "audit_journal/{entry_id}"),
    ],
)
def test_paths_resolve_to_their_location(path, pattern):
    assert location_of(path).pattern == pattern


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


@pytest.mark.parametrize("location", USER_STORAGE_LOCATIONS, ids=lambda loc: loc.bucket)
def test_storage_locations_are_per_user_and_name_a_configured_bucket(location):
    assert location.bucket in Settings.__dataclass_fields__
    assert location.prefix_for("u1") != location.prefix_for("u2")
    assert location.prefix_for("u1").startswith("u1")
    assert isinstance(location.category, DataCategory)
