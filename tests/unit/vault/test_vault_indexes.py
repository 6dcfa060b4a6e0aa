"""The composite indexes declared for deployment are exactly those the vault's list query needs."""

from __future__ import annotations

import json
from pathlib import Path

from shared.adapters.vault_metadata import (
    COLLECTION_ID,
    LIST_FILTERS,
    LIST_ORDER,
    list_index_fields,
    required_indexes,
)

ROOT = Path(__file__).resolve().parents[3]


def declared() -> set[tuple[tuple[str, str], ...]]:
    indexes = json.loads((ROOT / "firestore.indexes.json").read_text())["indexes"]
    assert all(i["collectionGroup"] == COLLECTION_ID for i in indexes)
    assert all(i["queryScope"] == "COLLECTION" for i in indexes)
    return {
        tuple((f["fieldPath"], f.get("order") or f["arrayConfig"]) for f in i["fields"])
        for i in indexes
    }


def test_every_filter_combination_of_the_list_query_has_its_index_and_no_more() -> None:
    assert declared() == required_indexes()
    assert len(required_indexes()) == 2 ** len(LIST_FILTERS)


def test_an_index_puts_array_contains_first_and_the_query_order_last() -> None:
    fields = list_index_fields(("kind", "aid_id"))
    assert fields[0] == ("aid_ids", "CONTAINS")
    assert fields[1:3] == (("kind", "ASCENDING"), ("status", "ASCENDING"))
    assert fields[-len(LIST_ORDER) :] == LIST_ORDER


def test_terraform_deploys_the_declared_file() -> None:
    terraform = (ROOT / "infra" / "firestore.tf").read_text()
    assert 'file("${path.module}/../firestore.indexes.json")' in terraform
    assert 'resource "google_firestore_index" "composite"' in terraform
