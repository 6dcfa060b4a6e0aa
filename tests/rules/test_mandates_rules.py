"""Caregivers never reach Firestore directly, even with an active mandate (R16).

Everything an aidant may do goes through the API, where the mandate is
checked on every request and the access journaled; a rule letting an aidant
read a document would bypass both. Over REST with real Auth-emulator tokens.
"""

from __future__ import annotations

import pytest

from shared.domain.data_registry import MANDATES
from shared.domain.mandates import MandateGrant, scopes_of
from tests.rules.test_firestore_rules import patch, seed_consent_event, seed_outcome
from tests.support import emulators
from tests.support.seed import seed_mandate, seed_profile

EVERY_GRANT = scopes_of(list(MandateGrant))


@pytest.fixture(autouse=True)
def clean() -> None:
    emulators.reset_firestore()
    emulators.reset_auth()


@pytest.mark.parametrize("with_mandate", [True, False], ids=["mandate", "no-mandate"])
def test_an_aidant_reads_nothing_of_the_beneficiary_directly(with_mandate):
    beneficiary = emulators.create_user()
    aidant = emulators.create_user(role="aidant")
    seed_profile(beneficiary.uid)
    paths = [
        f"beneficiaries/{beneficiary.uid}",
        seed_consent_event(beneficiary.uid),
        seed_outcome(beneficiary.uid),
    ]
    if with_mandate:
        paths.append(
            MANDATES.path(mandate_id=seed_mandate(beneficiary.uid, aidant.uid, EVERY_GRANT))
        )

    for path in paths:
        assert emulators.firestore_rest("GET", path, aidant.id_token).status_code == 403, path
        assert patch(path, aidant.id_token, {"language": "fr"}).status_code == 403, path
        assert emulators.firestore_rest("DELETE", path, aidant.id_token).status_code == 403, path
