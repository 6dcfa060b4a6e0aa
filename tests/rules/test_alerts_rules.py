"""Smart-alert records and suppressed addresses are server-only (R5, R26).

Runs and their batch counts are read by staff through the ``alerts`` API; a
person's alert mails reach them through export (R27); a suppression is the
service's own record. No client reads or writes any of them, not even the owner.
"""

from __future__ import annotations

import pytest

from shared.adapters.clients import firestore_client
from shared.domain import data_registry as registry
from shared.models.stored import STORED_MODELS
from tests.support import emulators
from tests.support.footprint import sample_document


@pytest.mark.parametrize("location", registry.ALERT_LOCATIONS, ids=lambda x: x.key)
@pytest.mark.parametrize("role", [None, "beneficiary", "staff", "privacy_officer"])
def test_alert_records_are_closed_to_every_client(location, role):
    emulators.reset_firestore()
    person = emulators.create_user(role=role)
    ids = {name: ("doc-1" if name != "uid" else person.uid) for name in location.segments}
    path = location.path(**ids)
    firestore_client().document(path).set(sample_document(STORED_MODELS[location.key], "x"))

    assert emulators.firestore_rest("GET", path, person.id_token).status_code == 403
    assert emulators.firestore_rest("DELETE", path, person.id_token).status_code == 403
    body = {"fields": {"status": {"stringValue": "sent"}}}
    assert emulators.firestore_rest("PATCH", path, person.id_token, body).status_code == 403
    assert emulators.firestore_rest("GET", path, None).status_code == 403
