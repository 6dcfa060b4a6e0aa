"""Bodies of the reference endpoints: the catalogue's labels and one stored report."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from shared.domain.results import EligibilityReport
from shared.domain.strict import BilingualText, StrictModel


class CatalogueAid(StrictModel):
    id: str = Field(description="The aid's id, used in results and in /simulate/outcomes/{aid_id}.")
    label: BilingualText
    summary: BilingualText
    institution: str = Field(description="Who pays or grants it (caf, france_travail, …).")
    documents: list[str] = Field(description="Ids of the supporting documents it needs.")


class CatalogueDocument(StrictModel):
    id: str
    label: BilingualText
    special_category: bool = Field(description="Health data (GDPR art. 9): handled more strictly.")


class CatalogueForm(StrictModel):
    id: str
    title: BilingualText
    cerfa_number: str = Field(description="Number of the official Cerfa form (5 digits).")
    aid_ids: list[str] = Field(description="The aids this form applies for.")
    institution: str


class CatalogueResponse(StrictModel):
    """Everything a client needs to label what the API returns: aids, documents, forms."""

    version: str = Field(description="Short hash of the catalogue, as stored with each report.")
    aids: list[CatalogueAid]
    documents: list[CatalogueDocument]
    forms: list[CatalogueForm]


class StoredReportResponse(StrictModel):
    """One stored simulation: its report as computed then (amounts as paid, net)."""

    simulation_id: str
    created_at: datetime
    report: EligibilityReport
