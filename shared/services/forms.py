"""Pre-filled application forms (R7): propose, let the person edit, generate, keep.

``propose_form`` shows every field of the official form with the value it would
get and where that value comes from; ``generate_form`` fills the PDF with the
proposal as the person edited it (changed or blanked values win, nothing beyond
the form's own fields is written); ``store_form`` keeps the result in the vault.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from shared.adapters.pdf_forms import fill
from shared.domain.access import Access
from shared.domain.forms.proposal import final_values, propose
from shared.domain.forms.sources import form_sources
from shared.domain.forms.templates import FormTemplate, load_templates
from shared.domain.strict import Language, StrictModel
from shared.domain.vault.kinds import DocumentKind
from shared.models.vault import VaultDocument
from shared.services.vault import Vault, deposit_generated

Edits = Mapping[str, str | bool | None]


class UnknownForm(LookupError):
    """No template has this id."""


class ProposedField(StrictModel):
    field_id: str = Field(description="The field's id: the key to use in edits.")
    label: str = Field(description="The field's label as printed on the form.")
    type: str = Field(description="text, date or checkbox.")
    value: str = Field(description="The proposed value (empty when unknown).")
    source: str | None = Field(description="Where the value comes from; null when none is known.")


class FormProposal(StrictModel):
    form_id: str = Field(description="The form's id.")
    cerfa: str = Field(
        description="The official Cerfa number, with its *NN version if known (e.g. 15692*01)."
    )
    cerfa_verified: bool = Field(
        description="True when the number was checked against an official page."
    )
    title: str = Field(description="The form's title.")
    fields: list[ProposedField] = Field(
        description="Every field of the form with its proposed value."
    )


class FormEdits(StrictModel):
    """The person's changes: field id → new value (``null`` or ``""`` blanks it)."""

    edits: dict[str, str | bool | None] = Field(
        default_factory=dict,
        max_length=200,
        description=(
            "Field id to new value: text, a date as text, or true/false for a "
            "checkbox; null or an empty string blanks the field."
        ),
    )


def template_of(form_id: str) -> FormTemplate:
    try:
        return load_templates()[form_id]
    except KeyError:
        raise UnknownForm(form_id) from None


def propose_form(
    form_id: str,
    profile: Mapping[str, Any],
    household: Mapping[str, Any],
    language: Language = "fr",
) -> FormProposal:
    """Every field of the form with its proposed value and that value's origin."""
    template = template_of(form_id)
    proposals = propose(template, form_sources(profile, household))
    version = f"*{template.cerfa.version}" if template.cerfa.version else ""
    return FormProposal(
        form_id=template.id,
        cerfa=template.cerfa.number + version,
        cerfa_verified=template.cerfa.verified,
        title=template.title.in_language(language),
        fields=[
            ProposedField(
                field_id=p.field_id,
                label=template.field(p.field_id).label.in_language(language),
                type=template.field(p.field_id).type,
                value=p.value,
                source=p.source,
            )
            for p in proposals
        ],
    )


def filled_values(
    form_id: str, profile: Mapping[str, Any], household: Mapping[str, Any], edits: Edits
) -> dict[str, str]:
    """PDF field name → value: the proposal with the person's edits, blank fields left out."""
    template = template_of(form_id)
    proposals = propose(template, form_sources(profile, household))
    return final_values(template, proposals, edits)


def generate_form(
    form_id: str, profile: Mapping[str, Any], household: Mapping[str, Any], edits: Edits
) -> bytes:
    """The filled PDF: the proposal with the person's edits, and nothing else."""
    values = filled_values(form_id, profile, household, edits)
    return fill(template_of(form_id).pdf_path, values)


def store_form(vault: Vault, access: Access, form_id: str, pdf: bytes) -> VaultDocument:
    """Keep a generated form in the owner's vault, tagged with the aids it serves."""
    template = template_of(form_id)
    language = access.language
    return deposit_generated(
        vault,
        access,
        pdf,
        content_type="application/pdf",
        kind=DocumentKind.APPLICATION_FORM,
        aid_ids=template.aid_ids,
        display_name=f"{template.title.in_language(language)}.pdf",
    )
