"""Anonymised statistics (R12): no published cell lets anyone single out a person.

Counts are tabulated only from people who neither objected to a purpose nor
restricted processing (R26). A cell counting fewer than ``THRESHOLD`` people
(but some) is suppressed; then, because rows and columns are published with
their totals, a lone suppressed cell in a row or column could be recovered by
subtraction, so another cell of that row or column — the smallest — is
suppressed too (complementary suppression), until every row and column holds
none or at least two suppressed cells.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

THRESHOLD = 10  # the operator's rule: no cell under 10 people

Table = dict[str, dict[str, int]]  # row -> column -> count
Published = dict[str, dict[str, int | None]]  # None: suppressed


@dataclass(frozen=True)
class Person:
    """What the statistics may read of one person: groups and choices, no identity."""

    row: str  # e.g. the client organisation, or "direct"
    column: str  # e.g. the month, or the aid
    objected: bool
    restricted: bool


def tabulate(people: Iterable[Person]) -> Table:
    """Counts per (row, column), leaving out anyone who objected or restricted processing."""
    table: Table = {}
    for person in people:
        if person.objected or person.restricted:
            continue
        row = table.setdefault(person.row, {})
        row[person.column] = row.get(person.column, 0) + 1
    return table


def suppress(table: Table, threshold: int = THRESHOLD) -> Published:
    """The table with small cells and their complements replaced by ``None``."""
    columns = sorted({column for row in table.values() for column in row})
    cells = {(r, c): table[r].get(c, 0) for r in table for c in columns}
    hidden = {key for key, count in cells.items() if 0 < count < threshold}

    def lines() -> list[list[tuple[str, str]]]:
        return [[(r, c) for c in columns] for r in table] + [
            [(r, c) for r in table] for c in columns
        ]

    changed = True
    while changed:
        changed = False
        for line in lines():
            inside = [key for key in line if key in hidden]
            if len(inside) != 1:
                continue
            candidates = [key for key in line if key not in hidden and cells[key] > 0]
            if not candidates:
                candidates = [key for key in line if key not in hidden]
            if candidates:
                hidden.add(min(candidates, key=lambda key: (cells[key], key)))
                changed = True
    return {r: {c: (None if (r, c) in hidden else cells[(r, c)]) for c in columns} for r in table}


def totals(table: Table) -> tuple[dict[str, int], dict[str, int]]:
    """Row and column totals, published alongside (they are large enough by construction)."""
    rows = {r: sum(counts.values()) for r, counts in table.items()}
    columns: dict[str, int] = {}
    for counts in table.values():
        for c, n in counts.items():
            columns[c] = columns.get(c, 0) + n
    return rows, columns
