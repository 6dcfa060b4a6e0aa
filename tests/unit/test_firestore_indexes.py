"""Production has an index for every collection-group query the code makes."""

from __future__ import annotations

import json
from pathlib import Path

from shared.domain import data_registry as registry
from shared.services.firestore_indexes import field_overrides, group_queried_fields

ROOT = Path(__file__).resolve().parents[2]


def test_the_indexes_file_declares_exactly_the_field_indexes_the_registry_needs():
    declared = json.loads((ROOT / "firestore.indexes.json").read_text())["fieldOverrides"]
    assert declared == field_overrides()


def test_every_override_keeps_the_collection_indexes_and_adds_the_group_one():
    for override in field_overrides():
        scopes = {(i["order"], i["queryScope"]) for i in override["indexes"]}
        assert ("ASCENDING", "COLLECTION_GROUP") in scopes
        assert {("ASCENDING", "COLLECTION"), ("DESCENDING", "COLLECTION")} <= scopes


def test_a_nested_location_swept_by_its_creation_date_is_indexed_for_the_group():
    # Exports live under each beneficiary and end 7 days after they were requested.
    assert ("exports", "requested_at") in group_queried_fields()
    assert registry.EXPORTS.retention.counted_from is registry.CountedFrom.CREATED


def test_terraform_deploys_every_override():
    terraform = (ROOT / "infra" / "firestore.tf").read_text()
    assert 'resource "google_firestore_field" "collection_group"' in terraform
    assert 'jsondecode(file("${path.module}/../firestore.indexes.json")).fieldOverrides' in (
        terraform
    )
