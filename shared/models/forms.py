"""What the ``forms`` function answers about pre-filled application forms (R7)."""

from __future__ import annotations

from pydantic import Field

from shared.domain.strict import StrictModel
from shared.models.vault import DocumentView


class FormSummary(StrictModel):
    form_id: str = Field(description="The form's id, used in /forms/{form_id}.")
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
    title: str = Field(description="The form's title.")
    institution: str = Field(description="Who receives the form (caf, cpam, france_travail, …).")
    aid_ids: list[str] = Field(description="The aids this form applies for.")


class FormList(StrictModel):
    forms: list[FormSummary] = Field(description="Every form the service can pre-fill.")


class GeneratedForm(StrictModel):
    """The filled PDF, kept in the vault: the person downloads it from there."""

    document: DocumentView = Field(
        description=(
            "The filled PDF, stored in the vault: download it with "
            "/vault/documents/{document_id}/download."
        )
    )
    values: dict[str, str] = Field(
        description="Every field written into the PDF (field id → value); blanked ones are absent."
    )
