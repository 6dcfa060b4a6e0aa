"""Each processing checks its legal basis: consent, restriction, objection (R9, R10, R26)."""

from __future__ import annotations

import pytest

from shared.domain.policy import CURRENT_POLICY, PUBLISHED_VERSIONS, needs_reacceptance
from shared.domain.purposes import CONSENT_PURPOSES, Purpose, check_legal_basis


def decide(purpose, consents=None, objections=(), restricted=False):
    return check_legal_basis(
        purpose, consents=consents or {}, objections=set(objections), restricted=restricted
    )


def test_consent_purposes_are_exactly_vault_and_promotion():
    assert {p.value for p in CONSENT_PURPOSES} == {"vault", "promotion"}


@pytest.mark.parametrize("purpose", [Purpose.VAULT, Purpose.PROMOTION])
def test_consent_based_purposes_need_a_granted_consent(purpose):
    assert decide(purpose).code == "consent_required"
    assert decide(purpose, {purpose.value: False}).code == "consent_required"
    assert decide(purpose, {purpose.value: True}).allowed


def test_contract_purposes_run_without_consent():
    assert decide(Purpose.SIMULATION).allowed
    assert decide(Purpose.ALERTS).allowed


def test_objection_stops_that_purpose_only():
    assert decide(Purpose.ALERTS, objections=["alerts"]).code == "purpose_objected"
    assert decide(Purpose.SIMULATION, objections=["alerts"]).allowed


def test_restriction_pauses_everything_but_the_account():
    assert decide(Purpose.SIMULATION, restricted=True).code == "processing_restricted"
    assert decide(Purpose.VAULT, {"vault": True}, restricted=True).code == "processing_restricted"
    assert decide(Purpose.ACCOUNT, restricted=True).allowed


def test_policy_reacceptance():
    assert needs_reacceptance(CURRENT_POLICY.version) is False
    assert needs_reacceptance("1999-01") is True
    assert needs_reacceptance(None) is True
    assert PUBLISHED_VERSIONS[-1] is CURRENT_POLICY
