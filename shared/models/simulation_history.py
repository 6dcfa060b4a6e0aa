"""A beneficiary's stored simulation history and follow-up of aids (R6).

Kept apart from the API bodies of ``simulate`` so that storing or reading
them (export, erasure, the document store's checks) never imports the
questionnaire or the catalogue.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.domain.data_categories import DataCategory, categorised
from shared.domain.strict import StrictModel

C = DataCategory


class StoredSimulation(StrictModel):
    """``beneficiaries/{uid}/simulations/{id}``: answers and a snapshot of results."""

    answers: dict[str, Any] = categorised(C.DIAGNOSTIC)
    month: str = categorised(C.DIAGNOSTIC)
    engine_version: str = categorised(C.DIAGNOSTIC)
    catalogue_version: str = categorised(C.DIAGNOSTIC)
    results: list[dict[str, Any]] = categorised(C.DIAGNOSTIC)
    monthly_total: float = categorised(C.DIAGNOSTIC)
    changes: list[dict[str, Any]] = categorised(C.DIAGNOSTIC, default_factory=list)
    created_at: datetime = categorised(C.INTERACTION)


class OutcomeEvent(StrictModel):
    status: str
    monthly_amount_received: float | None = None
    received_since: str | None = None
    at: datetime


class AidOutcome(StrictModel):
    """``beneficiaries/{uid}/aid_outcomes/{aid_id}``: the beneficiary's own follow-up."""

    aid_id: str = categorised(C.DIAGNOSTIC)
    status: str = categorised(C.DIAGNOSTIC)
    monthly_amount_received: float | None = categorised(C.DIAGNOSTIC, None)
    received_since: str | None = categorised(C.DIAGNOSTIC, None)
    history: list[OutcomeEvent] = categorised(C.DIAGNOSTIC, default_factory=list)
    updated_at: datetime = categorised(C.INTERACTION)
