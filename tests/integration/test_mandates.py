"""Caregivers' mandates on the real emulators (R14, R16).

A beneficiary invites a caregiver by e-mail, the caregiver accepts with that
verified address, then reaches the beneficiary's data only within the
mandate's grants, only while it is active, each access journaled and read
back by the beneficiary in plain words. Revocation and expiry stop the very
next request, whatever token the caregiver holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.adapters import document_store, identity
from shared.api.endpoints import ROUTES
from shared.domain.access import Actor, ActorKind, Scope
from shared.domain.data_registry import MANDATES
from shared.domain.mandates import GRANT_SCOPES, MandateGrant, scopes_of
from shared.errors import ApiError
from shared.models.access import Mandate
from shared.services.access import open_access
from tests.support import emulators
from tests.support.mail_sink import clear_sink, fail_next_sends, mails_to
from tests.support.seed import journal_about, seed_mandate, seed_profile

# Every scope a mandate can open, and those it never opens (the beneficiary's own).
MANDATE_SCOPES = sorted({s for scopes in GRANT_SCOPES.values() for s in scopes})
NEVER_DELEGATED = [
    Scope.PROFILE_WRITE,
    Scope.ACCOUNT_CREATE,
    Scope.MANDATES_MANAGE,
    Scope.MANDATES_RECEIVE,
]


@pytest.fixture
def sink() -> Iterator[str]:
    yield clear_sink()
    clear_sink()


@pytest.fixture
def mandates(function_client: Any) -> Any:
    return function_client("mandates")


@pytest.fixture
def profile(function_client: Any) -> Any:
    return function_client("profile")


def _beneficiary() -> emulators.EmulatorUser:
    person = emulators.create_user()
    seed_profile(person.uid, email=person.email)
    return person


def _invite(
    mandates: Any,
    beneficiary: emulators.EmulatorUser,
    email: str,
    grants: list[str] | None = None,
    days: int = 30,
    **headers: str,
) -> Any:
    body = {
        "aidant_email": email,
        "aidant_name": "Marie Dupont",
        "grants": grants or ["read_answers_and_results"],
        "days": days,
    }
    return mandates.post("/", json=body, headers={**beneficiary.headers, **headers})


def _active_mandate(
    mandates: Any, beneficiary: emulators.EmulatorUser, grants: list[str] | None = None
) -> tuple[str, emulators.EmulatorUser]:
    """An invitation sent, accepted by a fresh account; returns the id and the aidant."""
    aidant = emulators.create_user()
    invited = _invite(mandates, beneficiary, aidant.email, grants)
    assert invited.status_code == 201, invited.get_json()
    mandate_id = invited.get_json()["id"]
    accepted = mandates.post(f"/{mandate_id}/accept", headers=aidant.headers)
    assert accepted.status_code == 200, accepted.get_json()
    return mandate_id, aidant.refresh()


def _read_profile(profile: Any, subject: str, aidant: emulators.EmulatorUser) -> Any:
    return profile.get("/", query_string={"subject": subject}, headers=aidant.headers)


# ------------------------------------------------------------ the whole journey


def test_invite_accept_act_and_read_who_did_what(mandates, profile, sink):
    beneficiary = _beneficiary()
    aidant = emulators.create_user()

    invited = _invite(mandates, beneficiary, aidant.email.upper())
    assert invited.status_code == 201, invited.get_json()
    mandate = invited.get_json()
    assert mandate["status"] == "invited"
    assert mandate["aidant_email"] == aidant.email  # matched whatever the capitals
    assert mandate["grants"] == ["read_answers_and_results"]
    invitation = mails_to(sink, aidant.email)
    assert len(invitation) == 1
    assert mandate["id"] in invitation[0]["body"]["content"][0]["value"]

    # Not yet accepted: the invitation grants nothing.
    assert _read_profile(profile, beneficiary.uid, aidant).status_code == 403

    accepted = mandates.post(f"/{mandate['id']}/accept", headers=aidant.headers)
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["status"] == "active"
    assert accepted.get_json()["beneficiary_uid"] == beneficiary.uid
    assert identity.current_role(aidant.uid) == "aidant"
    confirmation = mails_to(sink, beneficiary.email)
    assert len(confirmation) == 1
    assert "Marie Dupont a accepté votre mandat" in confirmation[0]["body"]["content"][0]["value"]

    aidant.refresh()
    received = mandates.get("/received", headers=aidant.headers).get_json()["mandates"]
    assert [m["id"] for m in received] == [mandate["id"]]
    read = _read_profile(profile, beneficiary.uid, aidant)
    assert read.status_code == 200, read.get_json()
    assert read.get_json()["uid"] == beneficiary.uid

    journal = mandates.get("/journal", headers=beneficiary.headers)
    assert journal.status_code == 200
    entries = journal.get_json()["entries"]
    today = datetime.now(UTC).date()
    assert [e["who"] for e in entries] == ["Marie D."]
    assert entries[0]["sentence"].startswith("Marie D. a consulté votre profil le ")
    assert entries[0]["sentence"].endswith(f" {today.year}.")
    english = mandates.get(
        "/journal", headers={**beneficiary.headers, "Accept-Language": "en"}
    ).get_json()["entries"]
    assert english[0]["sentence"].startswith("Marie D. read your profile on ")

    listed = mandates.get("/", headers=beneficiary.headers).get_json()["mandates"]
    assert [(m["id"], m["status"]) for m in listed] == [(mandate["id"], "active")]


def test_the_same_invitation_twice_is_one_mandate_and_one_mail(mandates, sink):
    beneficiary = _beneficiary()
    first = _invite(mandates, beneficiary, "aidant@example.org")
    again = _invite(mandates, beneficiary, "aidant@example.org")

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == again.get_json()["id"]
    assert len(mails_to(sink, "aidant@example.org")) == 1


def test_an_invitation_the_mail_service_could_not_take_is_sent_on_retry(mandates, sink):
    beneficiary = _beneficiary()
    fail_next_sends(503)

    down = _invite(mandates, beneficiary, "later@example.org")
    assert down.status_code == 503
    assert mails_to(sink, "later@example.org") == []

    retried = _invite(mandates, beneficiary, "later@example.org")
    assert retried.status_code == 200
    assert len(mails_to(sink, "later@example.org")) == 1


def test_a_refused_address_cancels_the_invitation(mandates, sink):
    beneficiary = _beneficiary()
    fail_next_sends(400)

    refused = _invite(mandates, beneficiary, "nobody@example.org")

    assert refused.status_code == 422
    assert refused.get_json()["errors"][0]["code"] == "address_refused"
    listed = mandates.get("/", headers=beneficiary.headers).get_json()["mandates"]
    assert [m["status"] for m in listed] == ["revoked"]


# ------------------------------------------------------------ revocation and expiry


def test_revocation_stops_the_next_request_with_the_same_token(mandates, profile, sink):
    beneficiary = _beneficiary()
    mandate_id, aidant = _active_mandate(mandates, beneficiary)
    assert _read_profile(profile, beneficiary.uid, aidant).status_code == 200

    revoked = mandates.post(f"/{mandate_id}/revoke", headers=beneficiary.headers)

    assert revoked.status_code == 200
    assert revoked.get_json()["status"] == "revoked"
    refused = _read_profile(profile, beneficiary.uid, aidant)
    assert refused.status_code == 403
    assert refused.get_json()["code"] == "forbidden"
    # Revoking again changes nothing.
    again = mandates.post(f"/{mandate_id}/revoke", headers=beneficiary.headers)
    assert again.get_json()["revoked_at"] == revoked.get_json()["revoked_at"]


def test_an_expired_mandate_stops_the_next_request(mandates, profile, sink):
    beneficiary = _beneficiary()
    mandate_id, aidant = _active_mandate(mandates, beneficiary)
    assert _read_profile(profile, beneficiary.uid, aidant).status_code == 200

    # The expiry date passes between two requests (the stored date is what is checked).
    path = MANDATES.path(mandate_id=mandate_id)
    stored = document_store.get(path, Mandate)
    assert stored is not None
    past = stored.model_copy(update={"expires_at": datetime.now(UTC) - timedelta(seconds=1)})
    document_store.run_in_transaction(lambda w: w.set(path, past))

    assert _read_profile(profile, beneficiary.uid, aidant).status_code == 403
    listed = mandates.get("/", headers=beneficiary.headers).get_json()["mandates"]
    assert [m["status"] for m in listed] == ["expired"]
    # Nor can an expired invitation be accepted any more.
    late = emulators.create_user()
    invited = _invite(mandates, beneficiary, late.email).get_json()["id"]
    path = MANDATES.path(mandate_id=invited)
    stored = document_store.get(path, Mandate)
    assert stored is not None
    expired = stored.model_copy(update={"expires_at": datetime.now(UTC) - timedelta(seconds=1)})
    document_store.run_in_transaction(lambda w: w.set(path, expired))
    assert mandates.post(f"/{invited}/accept", headers=late.headers).status_code == 409


# ------------------------------------------------------------ scopes


@pytest.mark.parametrize("grant", list(MandateGrant), ids=lambda g: g.value)
def test_each_grant_opens_its_scopes_and_no_other(grant):
    beneficiary, aidant = emulators.create_user(), emulators.create_user(role="aidant")
    seed_mandate(beneficiary.uid, aidant.uid, scopes_of([grant]))
    actor = Actor(aidant.uid, ActorKind.AIDANT)

    for scope in [*MANDATE_SCOPES, *NEVER_DELEGATED]:
        allowed = scope in GRANT_SCOPES[grant]
        try:
            open_access(actor, beneficiary.uid, scope, action="test", reason="test")
            opened = True
        except ApiError as error:
            assert error.code == "forbidden"
            opened = False
        assert opened is allowed, (grant, scope)
    # One journal entry per access allowed, none for the refusals.
    assert len(journal_about(beneficiary.uid)) == len(GRANT_SCOPES[grant])


def test_a_mandate_without_the_read_grant_cannot_read_the_profile(mandates, profile, sink):
    beneficiary = _beneficiary()
    _, aidant = _active_mandate(mandates, beneficiary, ["upload_to_vault", "generate_forms"])

    refused = _read_profile(profile, beneficiary.uid, aidant)

    assert refused.status_code == 403
    assert journal_about(beneficiary.uid) == []


def test_a_mandate_serves_only_its_beneficiary(mandates, profile, sink):
    beneficiary, other = _beneficiary(), _beneficiary()
    _, aidant = _active_mandate(mandates, beneficiary)

    assert _read_profile(profile, other.uid, aidant).status_code == 403
    assert journal_about(other.uid) == []


def test_a_caregiver_without_a_mandate_is_refused(profile):
    beneficiary = _beneficiary()
    aidant = emulators.create_user(role="aidant")

    assert _read_profile(profile, beneficiary.uid, aidant).status_code == 403
    assert journal_about(beneficiary.uid) == []


# ------------------------------------------------------------ who may do what with mandates


def test_only_the_invited_verified_address_accepts(mandates, sink):
    beneficiary = _beneficiary()
    invited = emulators.create_user()
    mandate_id = _invite(mandates, beneficiary, invited.email).get_json()["id"]

    stranger = emulators.create_user()
    assert mandates.post(f"/{mandate_id}/accept", headers=stranger.headers).status_code == 404
    unverified = emulators.create_user(verified=False)
    other_id = _invite(mandates, beneficiary, unverified.email).get_json()["id"]
    refused = mandates.post(f"/{other_id}/accept", headers=unverified.headers)
    assert refused.get_json()["code"] == "email_not_verified"
    # A person who is already a beneficiary (role claim set at sign-up) keeps that account apart.
    signed_up = emulators.create_user(role="beneficiary")
    third_id = _invite(mandates, beneficiary, signed_up.email).get_json()["id"]
    assert mandates.post(f"/{third_id}/accept", headers=signed_up.headers).status_code == 409
    # The beneficiary cannot accept their own invitation, nor name themselves.
    assert mandates.post(f"/{mandate_id}/accept", headers=beneficiary.headers).status_code == 404
    itself = _invite(mandates, beneficiary, beneficiary.email)
    assert itself.status_code == 422
    assert itself.get_json()["errors"][0]["code"] == "is_self"


def test_a_revoked_invitation_cannot_be_accepted(mandates, sink):
    beneficiary = _beneficiary()
    invited = emulators.create_user()
    mandate_id = _invite(mandates, beneficiary, invited.email).get_json()["id"]
    mandates.post(f"/{mandate_id}/revoke", headers=beneficiary.headers)

    assert mandates.post(f"/{mandate_id}/accept", headers=invited.headers).status_code == 409
    assert identity.current_role(invited.uid) is None


def test_nobody_revokes_someone_elses_mandate(mandates, sink):
    beneficiary, other = _beneficiary(), _beneficiary()
    mandate_id, aidant = _active_mandate(mandates, beneficiary)

    assert mandates.post(f"/{mandate_id}/revoke", headers=other.headers).status_code == 404
    assert mandates.post(f"/{mandate_id}/revoke", headers=aidant.headers).status_code == 403
    listed = mandates.get("/", headers=beneficiary.headers).get_json()["mandates"]
    assert [m["status"] for m in listed] == ["active"]


MANDATE_ROUTES = [route for route in ROUTES if route.function == "mandates"]


@pytest.mark.parametrize("route", MANDATE_ROUTES, ids=lambda r: r.operation_id)
def test_no_mandate_endpoint_serves_someone_acting_for_another(mandates, route, sink):
    beneficiary = _beneficiary()
    _, aidant = _active_mandate(mandates, beneficiary, [g.value for g in MandateGrant])

    response = mandates.open(
        route.example_path,
        method=route.method,
        query_string={"subject": beneficiary.uid},
        headers=aidant.headers,
        json={} if route.request_model else None,
    )

    assert response.status_code == 403
    assert journal_about(beneficiary.uid) == []


@pytest.mark.parametrize(
    "change",
    [
        {"days": 0},
        {"days": 366},
        {"grants": []},
        {"grants": ["read_bank_details"]},
        {"aidant_email": "not-an-address"},
        {"aidant_name": "R2-D2 <script>"},
    ],
    ids=lambda c: next(iter(c)) + "=" + str(next(iter(c.values()))),
)
def test_bad_invitations_are_refused_with_their_field(mandates, change, sink):
    beneficiary = _beneficiary()
    body = {
        "aidant_email": "aidant@example.org",
        "aidant_name": "Marie Dupont",
        "grants": ["read_vault"],
        "days": 30,
        **change,
    }

    response = mandates.post("/", json=body, headers=beneficiary.headers)

    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"].split(".")[0] == next(iter(change))
    assert mandates.get("/", headers=beneficiary.headers).get_json()["mandates"] == []
    assert mails_to(sink, "aidant@example.org") == []


# ------------------------------------------------------------ the journal cannot be changed


def test_the_journal_is_read_only_through_the_api(mandates, profile, sink):
    beneficiary = _beneficiary()
    _, aidant = _active_mandate(mandates, beneficiary)
    _read_profile(profile, beneficiary.uid, aidant)
    before = journal_about(beneficiary.uid)
    assert len(before) == 1

    for method in ("PUT", "PATCH", "DELETE", "POST"):
        response = mandates.open("/journal", method=method, headers=beneficiary.headers)
        assert response.status_code == 405, method
    # Reading one's own journal is not an access by someone else: nothing is added.
    mandates.get("/journal", headers=beneficiary.headers)
    assert journal_about(beneficiary.uid) == before
    # No endpoint of any function changes or deletes journal entries: none names it.
    assert not [r for r in ROUTES if "journal" in r.path and r.method != "GET"]
