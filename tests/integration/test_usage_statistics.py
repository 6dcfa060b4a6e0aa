"""Anonymised statistics through the API on the real emulators (R12).

An operator (staff) and a client admin read counts of people per measure and
month. A client admin who knows that exactly one of their invited people
registered in October tries to learn anything about that person from the
published numbers, and cannot.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from shared.adapters import document_store
from shared.domain import statistics
from shared.domain.data_registry import BENEFICIARY, CLIENT_INVITATIONS, SIMULATIONS
from shared.models.organisations import ClientInvitation
from shared.models.simulation_history import StoredSimulation
from shared.services.organisations import invitation_id
from tests.integration.test_organisations import _organisation_with_admin
from tests.support import emulators
from tests.support.seed import seed_profile

OCTOBER = datetime(2026, 10, 15, tzinfo=UTC)
NOVEMBER = datetime(2026, 11, 3, tzinfo=UTC)


@pytest.fixture
def organisations(function_client: Any) -> Any:
    return function_client("organisations")


def person(uid: str, registered: datetime, *, org_id: str | None = None, **changes: Any) -> None:
    """A beneficiary (Firestore only: statistics read no Auth record), invited by ``org_id``."""
    profile = seed_profile(uid).model_copy(update={"created_at": registered, **changes})
    path = BENEFICIARY.path(uid=uid)
    document_store.run_in_transaction(lambda w: w.set(path, profile))
    simulation = StoredSimulation(
        answers={},
        month=registered.strftime("%Y-%m"),
        engine_version="t",
        catalogue_version="t",
        results=[{"aid_id": "rsa", "status": "eligible"}],
        monthly_total=0.0,
        created_at=registered,
    )
    for index in range(2):  # twice in a month: one person still
        document_store.run_in_transaction(
            lambda w, i=index: w.set(SIMULATIONS.path(uid=uid, simulation_id=f"s{i}"), simulation)
        )
    if org_id is not None:
        invitation = ClientInvitation(org_id=org_id, email=profile.email, invited_at=registered)
        path = CLIENT_INVITATIONS.path(invitation_id=invitation_id(org_id, profile.email))
        document_store.run_in_transaction(lambda w: w.set(path, invitation))


def published_numbers(body: dict[str, Any]) -> list[int]:
    numbers = [n for row in body["cells"].values() for n in row.values() if n is not None]
    totals = [*body["measure_totals"].values(), *body["month_totals"].values()]
    return numbers + [n for n in totals if n is not None]


def lines(body: dict[str, Any]) -> list[list[int | None]]:
    cells = body["cells"]
    rows = [list(row.values()) for row in cells.values()]
    columns = [[cells[r][m] for r in cells] for m in body["months"]]
    return rows + columns


def test_a_client_admin_cannot_single_out_the_one_person_registered_in_october(organisations):
    org_id, admin = _organisation_with_admin(organisations)
    for index in range(11):
        person(f"nov-{index}", NOVEMBER, org_id=org_id)
    person("the-one", OCTOBER, org_id=org_id)  # the person the admin tries to single out
    person("not-invited", OCTOBER)  # someone else's: never in this client's view

    answer = organisations.get(f"/{org_id}/statistics", headers=admin.headers)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["threshold"] == statistics.THRESHOLD == 10
    # No published number counts fewer than 10 people (zeros say nothing about anyone).
    assert all(n == 0 or n >= 10 for n in published_numbers(body))
    # October's registration is hidden, and so is a complement in its row and column:
    # no line holds a lone hidden cell that its total would give away by subtraction.
    assert body["cells"]["registrations"]["2026-10"] is None
    assert all(line.count(None) != 1 for line in lines(body))
    assert body["month_totals"]["2026-10"] is None
    # The invited people only: 12 registrations, the uninvited person not among them.
    assert body["measure_totals"]["registrations"] == 12

    # Another organisation's admin, or staff, may not read this client's view.
    _, other_admin = _organisation_with_admin(organisations)
    refused = organisations.get(f"/{org_id}/statistics", headers=other_admin.headers)
    assert refused.status_code == 403


def test_the_operator_counts_everyone_but_those_who_objected_or_restricted(organisations):
    for index in range(12):
        person(f"p-{index}", NOVEMBER)
    staff = emulators.create_user(role="staff")
    before = organisations.get("/statistics", headers=staff.headers)
    assert before.status_code == 200, before.get_json()
    assert before.get_json()["cells"]["registrations"]["2026-11"] == 12
    assert before.get_json()["cells"]["aids_found"]["2026-11"] == 12

    person("objector", NOVEMBER, objections=["promotion"])
    person("restricted", NOVEMBER, restricted=True)
    after = organisations.get("/statistics", headers=staff.headers).get_json()
    assert after["cells"]["registrations"]["2026-11"] == 12
    assert after["cells"]["simulations"]["2026-11"] == 12

    beneficiary = emulators.create_user()
    assert organisations.get("/statistics", headers=beneficiary.headers).status_code == 403
