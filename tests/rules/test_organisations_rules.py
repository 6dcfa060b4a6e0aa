"""Client organisations' and sign-on collections are server-only, even for admins (R2, R3, R11).

A client admin follows invitations through the API, which answers only
invited or registered; a readable document would show more (the payment
records, other admins, when each mail went out).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.adapters import document_store
from shared.domain.data_registry import (
    CLIENT_ADMINS,
    CLIENT_INVITATIONS,
    CLIENT_PAYMENTS,
    ORGANISATIONS,
    SSO_PARTNERS,
    SSO_USED_ASSERTIONS,
)
from shared.models.organisations import ClientAdmin, ClientInvitation, ClientPayment, Organisation
from shared.models.sso import SsoPartner, UsedAssertion
from tests.rules.test_firestore_rules import patch
from tests.support import emulators

NOW = datetime(2026, 11, 2, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clean() -> None:
    emulators.reset_firestore()
    emulators.reset_auth()


def _seed(uid: str) -> list[str]:
    """An organisation administered by ``uid``, with an invitation and a payment."""
    organisation = Organisation(
        name="Mutuelle Exemple",
        contract_start=date(2026, 1, 1),
        contract_end=date(2028, 12, 31),
        billing_name="Paul Martin",
        billing_email="factures@mutuelle.example",
        created_at=NOW,
    )
    org_id = document_store.add(ORGANISATIONS.collection(), organisation)
    documents = {
        CLIENT_ADMINS.path(member_id=f"{org_id}_{uid}"): ClientAdmin(
            org_id=org_id, uid=uid, added_at=NOW
        ),
        CLIENT_INVITATIONS.path(invitation_id=f"{org_id}_x"): ClientInvitation(
            org_id=org_id, email="ana@corp.example", invited_at=NOW
        ),
        CLIENT_PAYMENTS.path(payment_id="p1"): ClientPayment(
            org_id=org_id,
            amount_cents=1000,
            currency="EUR",
            paid_on=date(2026, 2, 1),
            reference="F-1",
            recorded_at=NOW,
        ),
        SSO_PARTNERS.path(org_id=org_id): SsoPartner(
            issuer="https://intranet.example",
            jwks_url="https://intranet.example/jwks.json",
            algorithm="RS256",
            registered_at=NOW,
        ),
        SSO_USED_ASSERTIONS.path(assertion_id="a1"): UsedAssertion(org_id=org_id, expires_at=NOW),
    }
    for path, document in documents.items():
        document_store.run_in_transaction(lambda w, p=path, d=document: w.set(p, d))
    return [ORGANISATIONS.path(org_id=org_id), *documents]


@pytest.mark.parametrize("role", [None, "beneficiary", "aidant", "client_admin", "staff"])
def test_organisation_collections_are_closed_to_every_client(role):
    person = emulators.create_user(role=role)
    for path in _seed(person.uid):
        assert emulators.firestore_rest("GET", path, person.id_token).status_code == 403, path
        assert patch(path, person.id_token, {"name": "x"}).status_code == 403, path
        assert emulators.firestore_rest("DELETE", path, person.id_token).status_code == 403, path
        assert emulators.firestore_rest("GET", path, None).status_code == 403, path
