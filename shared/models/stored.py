"""The stored model of every Firestore location of the data registry.

The registry (:mod:`shared.domain.data_registry`) is pure data; this binding
lets the document store check that each write puts the right model at a
registered path, and lets tests check that every stored field declares its
data category.
"""

from __future__ import annotations

from pydantic import BaseModel

from shared.domain import data_registry as registry
from shared.domain.data_categories import DataCategory, category_of
from shared.models.access import Mandate, WorkerReceipt
from shared.models.account import BeneficiaryProfile, ConsentEvent
from shared.models.audit import AuditEntry
from shared.models.simulation_history import AidOutcome, StoredSimulation
from shared.models.vault import VaultDocument

STORED_MODELS: dict[str, type[BaseModel]] = {
    registry.BENEFICIARY.key: BeneficiaryProfile,
    registry.CONSENT_EVENTS.key: ConsentEvent,
    registry.SIMULATIONS.key: StoredSimulation,
    registry.AID_OUTCOMES.key: AidOutcome,
    registry.MANDATES.key: Mandate,
    registry.AUDIT_JOURNAL.key: AuditEntry,
    registry.WORKER_RECEIPTS.key: WorkerReceipt,
    registry.VAULT_DOCUMENTS.key: VaultDocument,
}


def model_of(location: registry.DataLocation) -> type[BaseModel]:
    """The model stored at a Firestore ``location``."""
    return STORED_MODELS[location.key]


def categories(location: registry.DataLocation) -> dict[str, DataCategory | None]:
    """The data category each field of the location's model declares."""
    return {name: category_of(info) for name, info in model_of(location).model_fields.items()}
