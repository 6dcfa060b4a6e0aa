"""Smart-alert and campaign records and suppressed addresses are server-only (R5, R10, R26).

Runs, campaigns and their batch counts are read by staff through the ``alerts``
API; a person's mails reach them through export (R27); a suppression is the
service's own record. No client reads or writes any of them, not even the owner:
the same check as the privacy records.
"""

from __future__ import annotations

import pytest

from shared.domain import data_registry as registry
from tests.rules.test_privacy_rules import (
    test_privacy_records_are_closed_to_every_client as closed_to_every_client,
)
from tests.support import emulators


@pytest.mark.parametrize("location", registry.ALERT_LOCATIONS, ids=lambda x: x.key)
@pytest.mark.parametrize("role", [None, "beneficiary", "staff", "privacy_officer"])
def test_alert_records_are_closed_to_every_client(location, role):
    emulators.reset_firestore()
    closed_to_every_client(location, role)
