"""Calendar months as ``YYYY-MM`` strings: the period unit of the simulation.

One module for the arithmetic so the request bounds, the engine's periods and
the follow-up of aids received all count months the same way.
"""

from __future__ import annotations

from datetime import date, timedelta


def _index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def current_month(today: date | None = None) -> str:
    """``YYYY-MM`` of ``today`` (default: the system date)."""
    return (today or date.today()).strftime("%Y-%m")


def add_months(month: str, delta: int) -> str:
    """``month`` shifted by ``delta`` months."""
    index = _index(month) + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_between(first_month: str, last_month: str) -> int:
    """Months from ``first_month`` to ``last_month`` inclusive; 0 if reversed."""
    return max(0, _index(last_month) - _index(first_month) + 1)


def first_day(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def last_day(month: str) -> date:
    return first_day(add_months(month, 1)) - timedelta(days=1)
