"""Deadlines of rights requests received by post or e-mail (R30; RGPD art. 12.3).

The answer is due one month after receipt; it may be extended by two more
months for complex or numerous requests, only with a reason and only if the
person is told before the first due date. Pure date arithmetic: the clock is
the caller's.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

EXTENSION_MONTHS = 2  # RGPD art. 12.3: "de deux mois"


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the last day of that month when it is shorter.

    "One month after 31 January" is 28 (or 29) February, the usual reading of a
    deadline counted in months (Règlement 1182/71 art. 3.2.c, applied to the GDPR).
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def first_due_date(received_on: date) -> date:
    """One month after receipt."""
    return add_months(received_on, 1)


@dataclass(frozen=True)
class ExtensionDecision:
    allowed: bool
    due_on: date
    refusal: str = ""  # stable code when refused


def extend(received_on: date, reason: str, notice_sent_on: date | None) -> ExtensionDecision:
    """The new due date if an extension is lawful: a reason, and the person told in time."""
    first = first_due_date(received_on)
    if not reason.strip():
        return ExtensionDecision(False, first, "extension_reason_required")
    if notice_sent_on is None or notice_sent_on > first:
        return ExtensionDecision(False, first, "extension_notice_too_late")
    return ExtensionDecision(True, add_months(first, EXTENSION_MONTHS))


def is_overdue(due_on: date, answered_on: date | None, today: date) -> bool:
    """Unanswered after its due date."""
    return answered_on is None and today > due_on
