"""Follow-up over time (R6): changes between simulations and totals received."""

from __future__ import annotations

from datetime import date

from shared.domain.follow_up import (
    ChangeKind,
    Entitlement,
    Received,
    changes_between,
    total_received,
)
from shared.domain.months import months_between


def e(aid_id, amount, eligible=True):
    return Entitlement(aid_id, eligible, amount)


def test_first_simulation_reports_no_change():
    assert changes_between(None, [e("rsa", 600.0)]) == []


def test_new_lost_and_changed_aids_are_reported():
    previous = [e("rsa", 600.0), e("af", 150.0), e("apl", 0.0, eligible=False)]
    current = [e("rsa", 550.0), e("af", 0.0, eligible=False), e("apl", 280.0)]

    found = {(c.kind, c.aid_id, c.before, c.after) for c in changes_between(previous, current)}

    assert found == {
        (ChangeKind.NEW_AID, "apl", None, 280.0),
        (ChangeKind.AID_LOST, "af", 150.0, None),
        (ChangeKind.AMOUNT_CHANGED, "rsa", 600.0, 550.0),
    }


def test_rounding_noise_is_not_a_change():
    assert changes_between([e("rsa", 600.0)], [e("rsa", 600.004)]) == []


def test_months_between_is_inclusive():
    assert months_between("2026-03", "2026-05") == 3
    assert months_between("2025-12", "2026-01") == 2
    assert months_between("2026-06", "2026-05") == 0


def test_total_received_counts_months_since_granted():
    monthly, to_date = total_received(
        [Received("rsa", 600.0, "2026-09"), Received("apl", 250.5, "2026-11")], date(2026, 11, 26)
    )
    assert monthly == 850.5
    assert to_date == 600.0 * 3 + 250.5
