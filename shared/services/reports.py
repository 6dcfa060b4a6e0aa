"""Reference reads: the catalogue's labels (anyone) and one stored report (its owner, R26)."""

from __future__ import annotations

from functools import cache

from pydantic import ValidationError

from shared.adapters import document_store
from shared.domain.access import Access
from shared.domain.data_registry import SIMULATIONS
from shared.domain.results import EligibilityReport
from shared.errors import ApiError, text
from shared.models.reports import (
    CatalogueAid,
    CatalogueDocument,
    CatalogueForm,
    CatalogueResponse,
    StoredReportResponse,
)
from shared.models.simulation_history import StoredSimulation
from shared.services.accounts import load_profile


@cache
def _catalogue() -> CatalogueResponse:
    from shared.domain.aids.catalogue import load_catalogue
    from shared.domain.forms.templates import load_templates

    catalogue = load_catalogue()
    return CatalogueResponse(
        version=catalogue.version,
        aids=[
            CatalogueAid(
                id=aid.id,
                label=aid.label,
                summary=aid.summary,
                institution=aid.institution,
                documents=list(aid.documents),
            )
            for aid in catalogue.aids
        ],
        documents=[
            CatalogueDocument(id=key, label=doc.label, special_category=doc.special_category)
            for key, doc in sorted(catalogue.documents.items())
        ],
        forms=[
            CatalogueForm(
                id=form.id,
                title=form.title,
                cerfa_number=form.cerfa.number,
                aid_ids=list(form.aid_ids),
                institution=form.institution,
            )
            for form in load_templates().values()
        ],
    )


def catalogue(access: Access | None) -> CatalogueResponse:
    """The aids, supporting documents and forms with their labels in French and English."""
    return _catalogue()


def _no_such_report(simulation_id: str) -> ApiError:
    return ApiError(
        "not_found",
        text(
            f"Aucune simulation enregistrée {simulation_id!r}.",
            f"No stored simulation {simulation_id!r}.",
        ),
    )


def stored_report(access: Access, simulation_id: str) -> StoredReportResponse:
    """One of the subject's stored simulations, with its full report."""
    load_profile(access)
    stored = document_store.get(
        SIMULATIONS.path(uid=access.subject_uid, simulation_id=simulation_id), StoredSimulation
    )
    if stored is None:
        raise _no_such_report(simulation_id)
    try:
        report = EligibilityReport(
            month=stored.month,
            engine_version=stored.engine_version,
            catalogue_version=stored.catalogue_version,
            results=stored.results,  # validated into results
            monthly_total=stored.monthly_total,
        )
    except ValidationError:
        # Stored before the result format changed: the summary in the history remains.
        raise _no_such_report(simulation_id) from None
    return StoredReportResponse(
        simulation_id=simulation_id, created_at=stored.created_at, report=report
    )
