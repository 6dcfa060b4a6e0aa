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
from shared.models.alerts import (
    AlertBatchResult,
    AlertDelivery,
    AlertRun,
    Campaign,
    CampaignDelivery,
    MailSuppression,
)
from shared.models.audit import AuditEntry
from shared.models.organisations import ClientAdmin, ClientInvitation, ClientPayment, Organisation
from shared.models.privacy import (
    DirectiveExecution,
    ErasureJob,
    ExportRecord,
    InactivityWarning,
    PostMortemDirective,
    RetentionRun,
    RightsRequest,
)
from shared.models.simulation_history import AidOutcome, StoredSimulation
from shared.models.sso import SsoPartner, UsedAssertion
from shared.models.stale_rules import StaleRulesCheck
from shared.models.support import DemoRequest, DemoRequestLimit, SupportMessage, SupportThread
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
    # The daily check of the engine's rules (R6): no person.
    registry.RULES_CHECKS.key: StaleRulesCheck,
    # Privacy rights (R21, R22, R27, R28).
    registry.ERASURE_JOBS.key: ErasureJob,
    registry.EXPORTS.key: ExportRecord,
    registry.INACTIVITY_WARNINGS.key: InactivityWarning,
    registry.RETENTION_RUNS.key: RetentionRun,
    registry.POST_MORTEM_DIRECTIVES.key: PostMortemDirective,
    registry.DIRECTIVE_EXECUTIONS.key: DirectiveExecution,
    registry.RIGHTS_REQUESTS.key: RightsRequest,
    registry.ORGANISATIONS.key: Organisation,
    registry.CLIENT_ADMINS.key: ClientAdmin,
    registry.CLIENT_INVITATIONS.key: ClientInvitation,
    registry.CLIENT_PAYMENTS.key: ClientPayment,
    registry.SSO_PARTNERS.key: SsoPartner,
    registry.SSO_USED_ASSERTIONS.key: UsedAssertion,
    # Smart alerts (R5) and addresses no mail may reach.
    registry.ALERT_RUNS.key: AlertRun,
    registry.ALERT_BATCHES.key: AlertBatchResult,
    registry.ALERT_DELIVERIES.key: AlertDelivery,
    registry.SUPPRESSED_ADDRESSES.key: MailSuppression,
    registry.CAMPAIGNS.key: Campaign,
    registry.CAMPAIGN_BATCHES.key: AlertBatchResult,
    registry.CAMPAIGN_DELIVERIES.key: CampaignDelivery,
    registry.SUPPORT_THREADS.key: SupportThread,
    registry.SUPPORT_MESSAGES.key: SupportMessage,
    registry.DEMO_REQUESTS.key: DemoRequest,
    registry.DEMO_REQUEST_LIMITS.key: DemoRequestLimit,
}


def model_of(location: registry.DataLocation) -> type[BaseModel]:
    """The model stored at a Firestore ``location``."""
    return STORED_MODELS[location.key]


def categories(location: registry.DataLocation) -> dict[str, DataCategory | None]:
    """The data category each field of the location's model declares."""
    return {name: category_of(info) for name, info in model_of(location).model_fields.items()}
