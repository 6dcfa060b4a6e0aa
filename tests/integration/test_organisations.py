"""Client organisations on the real emulators (R3, R11, R20).

Staff record a client, its admins and payments; a client admin invites
people by professional e-mail, each address once, and then sees for each
address only invited or registered. The isolation test walks every endpoint
of every function and every registered collection as a client admin and
finds nothing about a beneficiary beyond that status.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from shared.adapters import identity
from shared.api.endpoints import ROUTES
from shared.domain.data_registry import FIRESTORE_LOCATIONS
from shared.domain.mandates import MandateGrant, scopes_of
from tests.support import emulators
from tests.support.mail_sink import clear_sink, fail_next_sends, mails_to
from tests.support.seed import journal_about, seed_mandate, seed_profile

CONTRACT = {
    "name": "Mutuelle Exemple",
    "contract_start": "2026-01-01",
    "contract_end": "2028-12-31",
    "billing_name": "Paul Martin",
    "billing_email": "factures@mutuelle.example",
}


@pytest.fixture
def sink() -> Iterator[str]:
    yield clear_sink()
    clear_sink()


@pytest.fixture
def organisations(function_client: Any) -> Any:
    return function_client("organisations")


def _organisation_with_admin(organisations: Any) -> tuple[str, emulators.EmulatorUser]:
    staff = emulators.create_user(role="staff")
    created = organisations.post("/", json=CONTRACT, headers=staff.headers)
    assert created.status_code == 201, created.get_json()
    org_id = created.get_json()["id"]
    admin = emulators.create_user()
    added = organisations.put(f"/{org_id}/admins/{admin.uid}", headers=staff.headers)
    assert added.status_code == 200, added.get_json()
    return org_id, admin.refresh()


def _invite(organisations: Any, org_id: str, admin: Any, emails: list[str]) -> Any:
    return organisations.post(
        f"/{org_id}/invitations", json={"emails": emails}, headers=admin.headers
    )


def test_staff_record_a_client_its_admin_and_a_payment(organisations):
    staff = emulators.create_user(role="staff")
    org_id, admin = _organisation_with_admin(organisations)

    assert identity.current_role(admin.uid) == "client_admin"
    payment = organisations.post(
        f"/{org_id}/payments",
        json={"amount_cents": 120000, "paid_on": "2026-02-01", "reference": "F-2026-001"},
        headers=staff.headers,
    )
    assert payment.status_code == 201, payment.get_json()
    assert payment.get_json()["currency"] == "EUR"
    unknown = organisations.post(
        "/nope/payments",
        json={"amount_cents": 1, "paid_on": "2026-02-01", "reference": "x"},
        headers=staff.headers,
    )
    assert unknown.status_code == 404


def test_only_staff_whose_role_is_current_manage_organisations(organisations):
    beneficiary = emulators.create_user()
    assert organisations.post("/", json=CONTRACT, headers=beneficiary.headers).status_code == 403
    staff = emulators.create_user(role="staff")
    identity.set_role(
        staff.uid, "beneficiary"
    )  # the role was taken away; the token still says staff
    assert organisations.post("/", json=CONTRACT, headers=staff.headers).status_code == 403


def test_a_contract_ends_after_it_starts(organisations):
    staff = emulators.create_user(role="staff")
    body = {**CONTRACT, "contract_end": "2025-12-31"}
    response = organisations.post("/", json=body, headers=staff.headers)
    assert response.status_code == 422
    assert response.get_json()["code"] == "validation_failed"


def test_invitations_are_sent_once_and_followed_as_invited_or_registered(organisations, sink):
    org_id, admin = _organisation_with_admin(organisations)
    emails = ["ana@corp.example", "ben@corp.example", "ANA@corp.example"]

    first = _invite(organisations, org_id, admin, emails)
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["invitations"] == [
        {"email": "ana@corp.example", "status": "invited", "bounced": False},
        {"email": "ben@corp.example", "status": "invited", "bounced": False},
    ]
    again = _invite(organisations, org_id, admin, emails)
    assert again.get_json() == first.get_json()
    assert len(mails_to(sink, "ana@corp.example")) == 1
    assert len(mails_to(sink, "ben@corp.example")) == 1

    ana = emulators.create_user("ana@corp.example")
    seed_profile(ana.uid, email=ana.email)
    listed = organisations.get(f"/{org_id}/invitations", headers=admin.headers).get_json()
    assert listed["invitations"] == [
        {"email": "ana@corp.example", "status": "registered", "bounced": False},
        {"email": "ben@corp.example", "status": "invited", "bounced": False},
    ]


def test_a_bounced_address_is_flagged_and_retried_later(organisations, sink):
    org_id, admin = _organisation_with_admin(organisations)
    fail_next_sends(400)

    bounced = _invite(organisations, org_id, admin, ["typo@corp.example"]).get_json()
    assert bounced["invitations"] == [
        {"email": "typo@corp.example", "status": "invited", "bounced": True}
    ]
    assert mails_to(sink, "typo@corp.example") == []


def test_an_admin_of_another_organisation_sees_nothing(organisations, sink):
    org_id, admin = _organisation_with_admin(organisations)
    _invite(organisations, org_id, admin, ["ana@corp.example"])
    _, other_admin = _organisation_with_admin(organisations)

    assert (
        organisations.get(f"/{org_id}/invitations", headers=other_admin.headers).status_code == 403
    )
    refused = _invite(organisations, org_id, other_admin, ["eve@corp.example"])
    assert refused.status_code == 403
    assert mails_to(sink, "eve@corp.example") == []


def _request_as(function_client: Any, route: Any, person: Any, org_id: str, subject: str) -> Any:
    path = route.path
    for name, value in route.example_params.items():
        path = path.replace("{" + name + "}", org_id if name == "org_id" else value)
    return function_client(route.function).open(
        path or "/",
        method=route.method,
        query_string={"subject": subject},
        headers=person.headers,
        json={} if route.request_model else None,
    )


def test_a_client_admin_finds_no_beneficiary_data_anywhere(function_client, organisations, sink):
    """Every endpoint and every collection, as a client admin, beside a registered beneficiary."""
    org_id, admin = _organisation_with_admin(organisations)
    beneficiary = emulators.create_user("ana@corp.example")
    seed_profile(beneficiary.uid, email=beneficiary.email)
    _invite(organisations, org_id, admin, [beneficiary.email])
    seed_mandate(beneficiary.uid, "some-aidant", scopes_of(list(MandateGrant)))
    secrets = [beneficiary.uid, "some-aidant"]

    seen = []
    for route in ROUTES:
        for subject in (beneficiary.uid, admin.uid):
            response = _request_as(function_client, route, admin, org_id, subject)
            body = response.get_data(as_text=True)
            assert all(secret not in body for secret in secrets), (route.operation_id, body)
            if response.status_code < 400:
                seen.append((route.operation_id, json.loads(body)))
    # What the admin could read at all: the invitation statuses, and counts of people
    # where nothing under 10 people is shown (R12) — here, one person: nothing at all.
    assert {name for name, _ in seen} == {"listInvitations", "getClientStatistics"}
    assert all(
        payload
        == {"invitations": [{"email": beneficiary.email, "status": "registered", "bounced": False}]}
        for name, payload in seen
        if name == "listInvitations"
    )
    for name, payload in seen:
        if name == "getClientStatistics":
            counts = [n for row in payload["cells"].values() for n in row.values()]
            assert counts and all(n is None for n in counts)
    for location in FIRESTORE_LOCATIONS:
        collection = location.collection_pattern.replace("{uid}", beneficiary.uid)
        listed = emulators.firestore_rest("GET", collection, admin.id_token)
        assert listed.status_code == 403, collection
    assert (
        emulators.firestore_rest(
            "GET", f"beneficiaries/{beneficiary.uid}", admin.id_token
        ).status_code
        == 403
    )
    assert journal_about(beneficiary.uid) == []
