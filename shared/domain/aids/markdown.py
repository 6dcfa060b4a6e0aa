"""Render the catalogue as the Markdown table of ``docs/catalogue.md``.

Why generated: a hand-kept table drifts from the YAML files the moment someone
adds an aid. The table is rewritten between two markers by
``python -m shared.domain.aids.markdown``, and a unit test fails when the
committed page differs from what the catalogue renders.
"""

from __future__ import annotations

import sys
from pathlib import Path

from shared.domain.aids.catalogue import (
    Aid,
    Catalogue,
    OpenFiscaComputation,
    load_catalogue,
)

BEGIN = "<!-- BEGIN CATALOGUE TABLE (generated: python -m shared.domain.aids.markdown) -->"
END = "<!-- END CATALOGUE TABLE -->"
DOC_PATH = Path(__file__).resolve().parents[3] / "docs" / "catalogue.md"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _computation(aid: Aid) -> str:
    comp = aid.computation
    if isinstance(comp, OpenFiscaComputation):
        extra = f", {comp.output}" if comp.output != "amount" else ""
        ext = f" ({comp.extension})" if comp.extension else ""
        return f"OpenFisca `{comp.variable}` ({comp.period}{extra}){ext}"
    return f"rule ({comp.amount.kind})"


def _source(aid: Aid) -> str:
    legal = f"[{_cell(aid.legal_reference.text)}]({aid.legal_reference.url})"
    apply = aid.apply.online_service
    return f"{legal} · [apply]({apply})" if apply else legal


def render_table(catalogue: Catalogue) -> str:
    """A one-line count, then the table, one row per aid, by scope then id."""
    national = [a for a in catalogue.aids if a.scope == "national"]
    computed = sum(1 for a in national if isinstance(a.computation, OpenFiscaComputation))
    local = len(catalogue.aids) - len(national)
    rows = [
        f"{len(national)} national aids ({computed} computed by OpenFisca-France, "
        f"{len(national) - computed} by declarative rules) and {local} local aids.",
        "",
        "| id | Aide | Institution | Calcul | Publiée | Source |",
        "|---|---|---|---|---|---|",
    ]
    for aid in sorted(catalogue.aids, key=lambda a: (a.scope != "national", a.id)):
        label = _cell(aid.label.fr)
        if aid.territory is not None:
            label += f" ({_cell(aid.territory.name)})"
        rows.append(
            f"| `{aid.id}` | {label} | {aid.institution} | {_computation(aid)} "
            f"| {aid.published_at.isoformat()} | {_source(aid)} |"
        )
    return "\n".join(rows)


def splice(document: str, table: str) -> str:
    """Replace what lies between the markers of ``document`` with ``table``."""
    head, sep, rest = document.partition(BEGIN)
    _, sep2, tail = rest.partition(END)
    if not sep or not sep2:
        raise ValueError("docs/catalogue.md lost its table markers")
    return f"{head}{BEGIN}\n{table}\n{END}{tail}"


def main() -> int:
    """Rewrite the table in ``docs/catalogue.md`` from the catalogue."""
    text = DOC_PATH.read_text(encoding="utf-8")
    DOC_PATH.write_text(splice(text, render_table(load_catalogue())), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
