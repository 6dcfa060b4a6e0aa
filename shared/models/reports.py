"""Bodies of the reference endpoints: the catalogue's labels and one stored report."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from shared.domain.results import EligibilityReport
from shared.domain.strict import BilingualText, StrictModel


class CatalogueAid(StrictModel):
    id: str = Field(description="The aid's id, used in results and in /simulate/outcomes/{aid_id}.")
    label: BilingualText = Field(description="The aid's name, in French and English.")
    summary: BilingualText = Field(
        description="What the aid is for, in one sentence, in French and English."
    )
    institution: str = Field(description="Who pays or grants it (caf, france_travail, …).")
    documents: list[str] = Field(description="Ids of the supporting documents it needs.")


class CatalogueDocument(StrictModel):
    id: str = Field(
        description="The document's id, as in results (documents[].id) and vault kinds."
    )
    label: BilingualText = Field(description="The document's name, in French and English.")
    special_category: bool = Field(description="Health data (GDPR art. 9): handled more strictly.")


class CatalogueForm(StrictModel):
    id: str = Field(description="The form's id, used in /forms/{form_id}.")
    title: BilingualText = Field(description="The form's title, in French and English.")
    cerfa_number: str = Field(description="Number of the official Cerfa form (5 digits).")
    aid_ids: list[str] = Field(description="The aids this form applies for.")
    institution: str = Field(description="Who receives the form (caf, cpam, france_travail, …).")


class CatalogueResponse(StrictModel):
    """Everything a client needs to label what the API returns: aids, documents, forms."""

    version: str = Field(description="Short hash of the catalogue, as stored with each report.")
    aids: list[CatalogueAid] = Field(description="Every aid of the catalogue, with its labels.")
    documents: list[CatalogueDocument] = Field(
        description="Every supporting document kind, with its label."
    )
    forms: list[CatalogueForm] = Field(
        description="Every form the service can pre-fill, with its title."
    )


class StoredReportResponse(StrictModel):
    """One stored simulation: its report as computed then (amounts as paid, net)."""

    simulation_id: str = Field(description="The stored simulation's id.")
    created_at: datetime = Field(description="When the simulation was made (ISO 8601, UTC).")
    report: EligibilityReport = Field(description="The report as computed then.")
