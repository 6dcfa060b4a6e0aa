"""Plain words for results: the curated vocabulary of the figures behind each
aid, and how amounts are written in French and English.

``explanations.yaml`` gives, for every key variable of the catalogue, the
words a person reads and how its value is written; no engine label reaches a
person. Pure domain: values come in as plain Python numbers and booleans.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Literal

from shared.domain import yaml_documents
from shared.domain.strict import BilingualText, FrozenStrictModel, NonEmptyText

VOCABULARY_PATH = Path(__file__).with_name("explanations.yaml")
NARROW_NO_BREAK_SPACE = "\u202f"  # French thousands separator

FigureKind = Literal["money", "yearly_money", "count", "yesno", "rate", "hidden"]


class Figure(FrozenStrictModel):
    """How one figure that decides an aid is named and written."""

    kind: FigureKind
    fr: NonEmptyText
    en: NonEmptyText
    #: Leave the line out when the value is 0 or "no".
    skip_zero: bool = False


@cache
def vocabulary() -> dict[str, Figure]:
    """OpenFisca variable name → its curated :class:`Figure` (loaded once)."""
    raw = yaml_documents.parse(VOCABULARY_PATH.read_text(encoding="utf-8"))
    return {name: Figure.model_validate(entry) for name, entry in raw.items()}


# ------------------------------------------------------------------ formats


def format_euros(value: float) -> str:
    """French money format: ``1 234,56 €``."""
    whole, cents = f"{value:,.2f}".split(".")
    return whole.replace(",", NARROW_NO_BREAK_SPACE) + f",{cents} €"


def format_euros_en(value: float) -> str:
    """English money format: ``€1,234.56``."""
    return f"€{value:,.2f}"


def format_number(value: float) -> str:
    """French decimal format without trailing zeros: ``1,5``; ``12``."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", NARROW_NO_BREAK_SPACE).replace(".", ",")


def format_number_en(value: float) -> str:
    """English decimal format without trailing zeros: ``1.5``; ``12``."""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def euros(value: float, per: Literal["month", "year", ""] = "") -> BilingualText:
    """An amount in both languages, optionally "par mois" / "a month"."""
    fr_suffix = {"month": " par mois", "year": " par an", "": ""}[per]
    en_suffix = {"month": " a month", "year": " a year", "": ""}[per]
    return BilingualText(fr=format_euros(value) + fr_suffix, en=format_euros_en(value) + en_suffix)


def explain_figure(name: str, value: Any) -> BilingualText | None:
    """The line a person reads for figure ``name`` with ``value``, or None
    when it is not shown (hidden, or zero with ``skip_zero``). Raises
    KeyError for a variable the vocabulary does not know."""
    figure = vocabulary()[name]
    if figure.kind == "hidden":
        return None
    if figure.skip_zero and not value:
        return None
    if figure.kind == "yesno":
        fr_value, en_value = ("oui", "yes") if value else ("non", "no")
    elif figure.kind in ("money", "yearly_money"):
        amount = euros(float(value), "year" if figure.kind == "yearly_money" else "")
        fr_value, en_value = amount.fr, amount.en
    elif figure.kind == "rate":
        percent = float(value) * 100
        fr_value = f"{format_number(percent)} %"
        en_value = f"{format_number_en(percent)}%"
    else:
        fr_value, en_value = format_number(float(value)), format_number_en(float(value))
    return BilingualText(fr=f"{figure.fr} : {fr_value}", en=f"{figure.en}: {en_value}")


__all__ = [
    "Figure",
    "euros",
    "explain_figure",
    "format_euros",
    "format_euros_en",
    "format_number",
    "format_number_en",
    "vocabulary",
]
