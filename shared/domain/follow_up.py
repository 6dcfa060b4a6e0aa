"""Following a beneficiary's aids over time (R6): what changed, what was received.

Pure functions over result summaries, so the rules are unit-tested without
the engine or the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from shared.domain.months import current_month, months_between

# Below one cent a difference is rounding, not a change of entitlement.
AMOUNT_TOLERANCE = 0.01


class ChangeKind(StrEnum):
    NEW_AID = "new_aid"
    AMOUNT_CHANGED = "amount_changed"
    AID_LOST = "aid_lost"


class OutcomeStatus(StrEnum):
    APPLIED = "applied"
    GRANTED = "granted"
    REFUSED = "refused"
    NOT_PURSUED = "not_pursued"


@dataclass(frozen=True)
class Entitlement:
    """The part of one aid's result that follow-up compares."""

    aid_id: str
    eligible: bool
    monthly_amount: float


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    aid_id: str
    before: float | None
    after: float | None


def changes_between(
    previous: Iterable[Entitlement] | None, current: Iterable[Entitlement]
) -> list[Change]:
    """Aids gained, lost, or whose monthly amount moved, since ``previous``.

    With no previous simulation nothing is reported as changed: a first
    result is not news.
    """
    if previous is None:
        return []
    before = {e.aid_id: e for e in previous if e.eligible}
    after = {e.aid_id: e for e in current if e.eligible}
    found: list[Change] = []
    for aid_id in sorted(after.keys() - before.keys()):
        found.append(Change(ChangeKind.NEW_AID, aid_id, None, after[aid_id].monthly_amount))
    for aid_id in sorted(before.keys() - after.keys()):
        found.append(Change(ChangeKind.AID_LOST, aid_id, before[aid_id].monthly_amount, None))
    for aid_id in sorted(before.keys() & after.keys()):
        old, new = before[aid_id].monthly_amount, after[aid_id].monthly_amount
        if abs(old - new) >= AMOUNT_TOLERANCE:
            found.append(Change(ChangeKind.AMOUNT_CHANGED, aid_id, old, new))
    return found


@dataclass(frozen=True)
class Received:
    aid_id: str
    monthly_amount: float
    since: str  # YYYY-MM


def total_received(granted: Iterable[Received], today: date) -> tuple[float, float]:
    """(monthly total now, total received to date) over granted aids.

    An aid granted since March and followed in May counts three months.
    """
    items = list(granted)
    current = current_month(today)
    monthly = sum(item.monthly_amount for item in items)
    to_date = sum(item.monthly_amount * months_between(item.since, current) for item in items)
    return round(monthly, 2), round(to_date, 2)


def summaries(results: Iterable[Mapping[str, object]]) -> list[Entitlement]:
    """Entitlements from stored result dictionaries (``aid_id``, ``status``, ``monthly_amount``)."""
    return [
        Entitlement(
            aid_id=str(item["aid_id"]),
            eligible=item.get("status") == "eligible",
            monthly_amount=float(item.get("monthly_amount") or 0.0),  # type: ignore[arg-type]
        )
        for item in results
    ]
