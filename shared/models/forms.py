"""What the ``forms`` function answers about pre-filled application forms (R7)."""

from __future__ import annotations

from pydantic import Field

from shared.domain.strict import StrictModel
from shared.models.vault import DocumentView


class FormSummary(StrictModel):
    form_id: str
    cerfa: str = Field(description="The official form's number, with its *NN version if known.")
    cerfa_verified: bool = Field(
        description="True only when an official page (service-public.fr, the aid's official "
        "site or a public body's site publishing the form) showed this number and version; "
        "false: the number is unverified, check it before relying on it."
    )
    cerfa_source_url: str = Field(
        description="The page the number was checked against (or, unverified, the page "
        "to check it on)."
    )
    title: str
    institution: str
    aid_ids: list[str]


class FormList(StrictModel):
    forms: list[FormSummary]


class GeneratedForm(StrictModel):
    """The filled PDF, kept in the vault: the person downloads it from there."""

    document: DocumentView
    values: dict[str, str] = Field(
        description="Every field written into the PDF (field id → value); blanked ones are absent."
    )
