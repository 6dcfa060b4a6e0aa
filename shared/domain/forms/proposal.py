"""What a form would say, where each value comes from, and what the person keeps (R7).

The person sees every proposed value with its source, may change or blank any
of them, and the PDF is filled with exactly the values they ended with: the
form's own fields, nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from shared.domain.forms.templates import FormField, FormTemplate

SourceValue = str | int | float | bool | date | None


class UnknownFormField(ValueError):
    """An edit names a field the form does not have."""

    def __init__(self, field_id: str) -> None:
        super().__init__(field_id)
        self.field_id = field_id


@dataclass(frozen=True)
class ProposedValue:
    field_id: str
    value: str
    source: str | None
    """Where the value came from (``None``: nothing known, the person fills it)."""


def _render(field: FormField, raw: SourceValue) -> str:
    if raw is None:
        return ""
    if field.type == "checkbox":
        return field.on_value if str(raw) in field.checked_when else ""
    if field.type == "date" and isinstance(raw, date):
        return raw.strftime("%d/%m/%Y")
    if isinstance(raw, float):
        return f"{raw:.2f}".replace(".", ",")
    return str(raw)[: field.max_length]


def propose(template: FormTemplate, sources: Mapping[str, SourceValue]) -> list[ProposedValue]:
    """The value each field would get from ``sources``, with its origin."""
    proposals = []
    for field in template.fields:
        raw = sources.get(field.source) if field.source else None
        value = _render(field, raw)
        proposals.append(ProposedValue(field.id, value, field.source if value else None))
    return proposals


def final_values(
    template: FormTemplate,
    proposals: list[ProposedValue],
    edits: Mapping[str, str | bool | None],
) -> dict[str, str]:
    """The PDF field values after the person's edits; blank fields are left out.

    An edit to ``None`` or ``""`` blanks the field; a checkbox edit is a boolean.
    Editing a field the form does not have is refused (never written anywhere).
    """
    values = {p.field_id: p.value for p in proposals}
    for field_id, edited in edits.items():
        try:
            field = template.field(field_id)
        except KeyError:
            raise UnknownFormField(field_id) from None
        if field.type == "checkbox":
            values[field_id] = field.on_value if edited is True else ""
        else:
            values[field_id] = "" if edited in (None, False) else str(edited)[: field.max_length]
    return {template.field(k).pdf_field: v for k, v in values.items() if v}
