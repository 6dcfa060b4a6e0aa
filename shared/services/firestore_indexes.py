"""The collection-group field indexes production needs, derived from the registry.

Firestore indexes every field of a collection by itself, but a query over a
collection group (every ``vault_documents`` of every beneficiary, say) needs a
single-field index whose scope is the group, declared explicitly. The code makes
such queries in three places, all driven by the registry:

* the retention sweep ends nested records by their date field (creation or last
  contact, :func:`shared.services.retention.date_field_of`);
* export and erasure find a person's records in nested locations by the
  locator's field (``shared/adapters/personal_data_stores.py``);
* an export link is found by its keyed hash under any beneficiary.

``firestore.indexes.json`` holds them as ``fieldOverrides`` (Firebase's format);
``infra/firestore.tf`` deploys each, and a unit test keeps the file equal to
:func:`field_overrides` (``python -m shared.services.firestore_indexes`` prints
it), so a location registered later gets its index with no hand-kept list.
"""

from __future__ import annotations

import json
from typing import Any

from shared.domain import data_registry as registry
from shared.services.retention import date_field_of

# Queries by a field the registry does not name: (location, field).
OTHER_GROUP_QUERIES: tuple[tuple[registry.DataLocation, str], ...] = (
    (registry.EXPORTS, "link_ref"),  # shared/services/export.py: the third party's link
)


def group_queried_fields() -> list[tuple[str, str]]:
    """``(collection group, field)`` of every collection-group query the code makes."""
    pairs: set[tuple[str, str]] = set()
    for location in registry.USER_DATA_LOCATIONS:
        if location.store is not registry.StoreKind.FIRESTORE:
            continue
        if not location.nested:
            continue  # a top-level collection: its automatic indexes serve the query
        group = location.collection_group
        if location.locator.kind is registry.LocatorKind.FIELD:
            pairs.add((group, location.locator.name))
        date_field = date_field_of(location)
        if date_field is not None:
            pairs.add((group, date_field))
    for location, field in OTHER_GROUP_QUERIES:
        pairs.add((location.collection_group, field))
    return sorted(pairs)


def field_overrides() -> list[dict[str, Any]]:
    """The ``fieldOverrides`` of firestore.indexes.json.

    An override replaces the field's automatic indexes, so the collection's own
    ascending and descending ones are declared again beside the group's.
    """
    return [
        {
            "collectionGroup": group,
            "fieldPath": field,
            "indexes": [
                {"order": "ASCENDING", "queryScope": "COLLECTION"},
                {"order": "DESCENDING", "queryScope": "COLLECTION"},
                {"order": "ASCENDING", "queryScope": "COLLECTION_GROUP"},
            ],
        }
        for group, field in group_queried_fields()
    ]


if __name__ == "__main__":
    import sys

    sys.stdout.write(json.dumps(field_overrides(), indent=2) + "\n")
