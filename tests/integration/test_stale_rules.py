"""The daily check of stale engine rules, on the real emulators (R6): run as
Cloud Scheduler runs it, recorded without personal data, read by staff only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.api.jobs.rules_check import JOBS
from shared.api.worker import Delivery, run_delivery
from shared.domain.months import add_months
from shared.services import eligibility, stale_rules
from tests.support import emulators

pytest.importorskip("openfisca_france")


def _known_until() -> str:
    from shared.domain.aids.catalogue import load_catalogue

    engine = eligibility._engine(load_catalogue())
    return str(engine.legislation_known_until.strftime("%Y-%m"))


def test_aids_are_stale_only_after_the_known_legislation():
    """Within the known legislation nothing is stale; the month after it, the
    aids reading legal parameters are, each with its parameters' dates."""
    assert stale_rules.find_stale("2025-05").aids == []
    after = add_months(_known_until(), 1)
    stale = {aid.aid_id: aid for aid in stale_rules.find_stale(after).aids}
    assert {"rsa", "aah", "prime_activite"} <= set(stale)
    rsa = stale["rsa"]
    assert rsa.stale_since.strftime("%Y-%m") == _known_until()
    names = [p.name for p in rsa.parameters]
    assert any("rsa" in name for name in names)
    dated = [p.last_checked_on for p in rsa.parameters if p.last_checked_on is not None]
    assert dated == sorted(dated)  # the least recently checked first


def test_daily_check_is_recorded_and_read_by_staff_only(function_client):
    after = datetime.strptime(add_months(_known_until(), 2) + "-03", "%Y-%m-%d")
    # Later than the worker's own run below (real clock), so it is the latest record.
    at = max(after.replace(tzinfo=UTC), datetime.now(UTC) + timedelta(days=1))
    response = run_delivery(
        "rules_check",
        JOBS,
        stale_rules.JOB,
        {},
        Delivery("scheduler", f"scheduler:rules-check:{at.isoformat()}", "local"),
    )
    assert response.status_code == 200, response.data
    # The worker ran on the real clock; the record of a known date is checked below.
    stale_rules.daily_check(None, stale_rules.CheckOrder(), now=lambda: at)  # type: ignore[arg-type]

    client = function_client("simulate")
    staff = emulators.create_user(role="staff")
    read = client.get("/stale-rules", headers=staff.headers)
    assert read.status_code == 200, read.data
    latest = read.get_json()["latest"]
    assert latest["month"] == at.strftime("%Y-%m")
    assert "rsa" in [aid["aid_id"] for aid in latest["aids"]]

    beneficiary = emulators.create_user()
    assert client.get("/stale-rules", headers=beneficiary.headers).status_code == 403
    assert client.get("/stale-rules").status_code == 401
