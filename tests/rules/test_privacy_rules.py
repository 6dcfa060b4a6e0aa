"""Privacy-rights records are server-only: no client reads or writes them, not even their owner.

Erasure jobs, exports, inactivity warnings and retention runs are read through the
``privacy`` API (which checks the caller) or not at all; ``firestore.rules`` has no
rule for them, so the catch-all denial applies.
"""

from __future__ import annotations

import pytest

from shared.adapters.clients import firestore_client
from shared.domain import data_registry as registry
from shared.models.stored import STORED_MODELS
from tests.support import emulators
from tests.support.footprint import sample_document

# Erasure jobs, exports, inactivity warnings, retention runs, post-mortem directives and
# their executions, requests received by post or e-mail; and the daily checks of stale
# rules, which name no one but are for staff only, read through the API.
LOCATIONS = [*registry.PRIVACY_LOCATIONS, registry.RULES_CHECKS]


@pytest.mark.parametrize("location", LOCATIONS, ids=lambda x: x.key)
@pytest.mark.parametrize("role", [None, "beneficiary", "staff", "privacy_officer"])
def test_privacy_records_are_closed_to_every_client(location, role):
    person = emulators.create_user(role=role)
    ids = {name: ("doc-1" if name != "uid" else person.uid) for name in location.segments}
    path = location.path(**ids)
    firestore_client().document(path).set(sample_document(STORED_MODELS[location.key], "x"))

    assert emulators.firestore_rest("GET", path, person.id_token).status_code == 403
    assert emulators.firestore_rest("DELETE", path, person.id_token).status_code == 403
    body = {"fields": {"status": {"stringValue": "done"}}}
    assert emulators.firestore_rest("PATCH", path, person.id_token, body).status_code == 403
    assert emulators.firestore_rest("GET", path, None).status_code == 403
