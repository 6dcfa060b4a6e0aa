"""R30 request deadlines and R12 small-cell suppression, with controlled dates and data."""

from __future__ import annotations

import itertools
from datetime import date

from shared.domain.rights_requests import extend, first_due_date, is_overdue
from shared.domain.statistics import THRESHOLD, Person, suppress, tabulate, totals

# ------------------------------------------------------------------ R30 (RGPD art. 12.3)


def test_the_answer_is_due_one_month_after_receipt_or_the_months_last_day():
    assert first_due_date(date(2027, 3, 15)) == date(2027, 4, 15)
    assert first_due_date(date(2027, 1, 31)) == date(2027, 2, 28)
    assert first_due_date(date(2028, 1, 31)) == date(2028, 2, 29)  # leap year
    assert first_due_date(date(2027, 12, 20)) == date(2028, 1, 20)


def test_an_extension_needs_a_reason_and_a_notice_before_the_first_due_date():
    received = date(2027, 3, 15)
    granted = extend(received, "demandes nombreuses", notice_sent_on=date(2027, 4, 15))
    assert granted.allowed and granted.due_on == date(2027, 6, 15)  # two more months

    assert extend(received, "  ", date(2027, 4, 1)).refusal == "extension_reason_required"
    late = extend(received, "complexe", notice_sent_on=date(2027, 4, 16))
    assert not late.allowed and late.refusal == "extension_notice_too_late"
    assert late.due_on == date(2027, 4, 15)
    assert extend(received, "complexe", None).refusal == "extension_notice_too_late"


def test_overdue_means_unanswered_after_the_due_date():
    due = date(2027, 4, 15)
    assert not is_overdue(due, None, date(2027, 4, 15))
    assert is_overdue(due, None, date(2027, 4, 16))
    assert not is_overdue(due, date(2027, 4, 10), date(2027, 5, 1))


# ------------------------------------------------------------------ R12


def crowd(row: str, column: str, count: int, **choices: bool) -> list[Person]:
    return [
        Person(row, column, choices.get("objected", False), choices.get("restricted", False))
    ] * count


def test_people_who_objected_or_restricted_are_not_counted():
    people = crowd("A", "2027-01", 12) + crowd("A", "2027-01", 5, objected=True)
    people += crowd("A", "2027-01", 3, restricted=True)
    assert tabulate(people) == {"A": {"2027-01": 12}}


def test_small_cells_and_their_complements_are_suppressed():
    people = (
        crowd("A", "jan", 40)
        + crowd("A", "feb", 3)
        + crowd("A", "mar", 25)
        + crowd("B", "jan", 30)
        + crowd("B", "feb", 50)
        + crowd("B", "mar", 20)
    )
    published = suppress(tabulate(people))
    assert published["A"]["feb"] is None  # 3 < 10
    # A lone hidden cell in row A and column feb would be recovered from the totals.
    for line in [list(published["A"].values()), [published[r]["feb"] for r in published]]:
        assert line.count(None) >= 2
    assert all(v is None or v >= THRESHOLD for row in published.values() for v in row.values())


def test_an_attacker_with_the_totals_cannot_single_out_a_person():
    # One person alone in (client C, aid "x"): the attacker knows everything else.
    people = (
        crowd("C", "x", 1)
        + crowd("C", "y", 14)
        + crowd("C", "z", 22)
        + crowd("D", "x", 18)
        + crowd("D", "y", 11)
        + crowd("D", "z", 35)
        + crowd("E", "x", 27)
        + crowd("E", "y", 16)
        + crowd("E", "z", 12)
    )
    table = tabulate(people)
    published = suppress(table)
    row_totals, column_totals = totals(table)

    # Every value consistent with what is published (cells shown, totals) for the hidden cells.
    hidden = [(r, c) for r in published for c in published[r] if published[r][c] is None]
    assert ("C", "x") in hidden

    def left(r: str, c: str) -> int:
        """What the totals leave for the hidden cells of this cell's row and column."""
        in_row = row_totals[r] - sum(v or 0 for v in published[r].values())
        in_column = column_totals[c] - sum(published[x][c] or 0 for x in published)
        return min(in_row, in_column)

    solutions = set()
    ranges = [range(left(r, c) + 1) for r, c in hidden]
    for values in itertools.product(*ranges):
        guess = {key: value for key, value in zip(hidden, values, strict=True)}
        full = {r: {c: guess.get((r, c), published[r][c]) for c in published[r]} for r in published}
        if all(sum(full[r].values()) == row_totals[r] for r in full) and all(
            sum(full[r][c] for r in full) == column_totals[c] for c in column_totals
        ):
            solutions.add(guess[("C", "x")])
    assert 1 in solutions and len(solutions) > 1  # the lone person's cell is not determined
