"""Per-aid checklist: which documents each aid asks for, which the vault holds (R9).

For each aid a person may get, every document the catalogue lists is
``present`` (an available vault document of that kind, tagged for the aid or
for no aid in particular), ``missing``, ``expired`` (held, but too old for what
the aid reads) or ``to_check`` (held, but its date is unknown, so only the
person can tell).

Dates that make a document outdated:

- A tax notice covers one income year. Each aid asking for one declares in the
  catalogue which year it reads (``tax_notice_income_year``): ``n_minus_2`` for the
  family benefits paid by the CAF, which read the income of year N-2 (the engine's
  resource history, shared/DESIGN.md), so any notice for N-2 or later does;
  ``latest`` for the latest notice: income N-1 once every notice of the year has
  been sent (the DGFiP sends them from late July to early September; from
  1 September on), N-2 before.
- A proof of address must be less than 3 months old (the catalogue's label).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from shared.domain.aids.catalogue import Aid, Catalogue
from shared.domain.months import add_months, last_day
from shared.domain.vault.kinds import DocumentKind

LATEST_NOTICES_SENT_BY = (9, 1)
"""(month, day) from which the notice of last year's income is in every mailbox."""
PROOF_OF_ADDRESS_MONTHS = 3


class ItemStatus(StrEnum):
    PRESENT = "present"
    MISSING = "missing"
    EXPIRED = "expired"
    TO_CHECK = "to_check"


@dataclass(frozen=True)
class HeldDocument:
    """The facts of one available vault document the checklist needs."""

    document_id: str
    kind: str
    aid_ids: tuple[str, ...]
    income_year: int | None = None
    issued_on: date | None = None


@dataclass(frozen=True)
class ChecklistItem:
    document: str
    status: ItemStatus
    document_ids: tuple[str, ...]
    """The vault documents that count for this item (best first)."""


@dataclass(frozen=True)
class AidChecklist:
    aid_id: str
    items: tuple[ChecklistItem, ...]

    @property
    def complete(self) -> bool:
        return all(item.status is ItemStatus.PRESENT for item in self.items)


def income_year_read(aid: Aid, today: date) -> int:
    """The oldest income year a tax notice may cover and still serve ``aid`` today."""
    if aid.tax_notice_income_year == "n_minus_2":
        return today.year - 2
    month, day = LATEST_NOTICES_SENT_BY
    return today.year - 1 if today >= date(today.year, month, day) else today.year - 2


def _status_of(aid: Aid, document: HeldDocument, today: date) -> ItemStatus:
    if document.kind == DocumentKind.TAX_NOTICE:
        if document.income_year is None:
            return ItemStatus.TO_CHECK
        if document.income_year < income_year_read(aid, today):
            return ItemStatus.EXPIRED
    if document.kind == DocumentKind.PROOF_OF_ADDRESS:
        if document.issued_on is None:
            return ItemStatus.TO_CHECK
        if document.issued_on < months_before(today, PROOF_OF_ADDRESS_MONTHS):
            return ItemStatus.EXPIRED
    return ItemStatus.PRESENT


def months_before(today: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (clamped to that month's end)."""
    month = add_months(f"{today:%Y-%m}", -months)
    end = last_day(month)
    return end.replace(day=min(today.day, end.day))


_RANK = {ItemStatus.PRESENT: 0, ItemStatus.TO_CHECK: 1, ItemStatus.EXPIRED: 2}


def _item(aid: Aid, needed: str, held: Iterable[HeldDocument], today: date) -> ChecklistItem:
    candidates = [
        (document, _status_of(aid, document, today))
        for document in held
        if document.kind == needed and (not document.aid_ids or aid.id in document.aid_ids)
    ]
    if not candidates:
        return ChecklistItem(needed, ItemStatus.MISSING, ())
    candidates.sort(key=lambda pair: (_RANK[pair[1]], pair[0].document_id))
    return ChecklistItem(needed, candidates[0][1], tuple(d.document_id for d, _ in candidates))


def build_checklists(
    catalogue: Catalogue,
    aid_ids: Sequence[str],
    held: Sequence[HeldDocument],
    today: date,
) -> list[AidChecklist]:
    """One checklist per aid of ``aid_ids`` (unknown aids are skipped), in that order."""
    known = {aid.id: aid for aid in catalogue.aids}
    return [
        AidChecklist(
            aid_id,
            tuple(_item(known[aid_id], needed, held, today) for needed in known[aid_id].documents),
        )
        for aid_id in aid_ids
        if aid_id in known
    ]
