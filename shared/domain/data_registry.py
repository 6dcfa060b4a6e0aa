"""The one registry of where user data lives.

Export (R27), erasure (R21, R22, R28) and retention (R19, R23) all read this
list, and the document store refuses to write anywhere it does not list, so a
new collection cannot be forgotten by any of them. Each location names the
stored model whose fields declare their data category.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel

from shared.domain.data_categories import DataCategory, category_of
from shared.models.account import BeneficiaryProfile, ConsentEvent
from shared.models.audit import AuditEntry
from shared.models.simulation import AidOutcome, StoredSimulation


class OnErasure(StrEnum):
    DELETE = "delete"
    # Kept because it holds no personal data in clear (keyed hashes only) and
    # proves past accesses (R14); the hashes become unlinkable when the
    # profile is gone.
    KEEP_PSEUDONYMOUS = "keep_pseudonymous"


class Retention(StrEnum):
    # R19: life of the account, deleted after 3 years of inactivity.
    ACCOUNT_LIFETIME = "account_lifetime"
    # R14: access journal, pseudonymous; kept 1 year (CNIL recommendation for
    # access logs: 6 months to 1 year).
    ONE_YEAR = "one_year"
    # R9: the vault rests on consent; withdrawing it empties the vault.
    UNTIL_CONSENT_WITHDRAWN = "until_consent_withdrawn"
    # R27: a portability export is a copy handed to the user, not kept
    # (bucket lifecycle deletes it after 7 days, infra/storage.tf).
    SEVEN_DAYS = "seven_days"


@dataclass(frozen=True)
class DataLocation:
    """A Firestore path pattern (``{uid}`` = the data subject) and its model."""

    pattern: str
    model: type[BaseModel]
    on_erasure: OnErasure
    retention: Retention
    description: str

    @property
    def collection_pattern(self) -> str:
        return self.pattern.rsplit("/", 1)[0]

    def matches(self, document_path: str) -> bool:
        regex = "^" + re.sub(r"\\\{[a-z_]+\\\}", r"[^/]+", re.escape(self.pattern)) + "$"
        return re.match(regex, document_path) is not None

    def categories(self) -> dict[str, DataCategory | None]:
        return {name: category_of(info) for name, info in self.model.model_fields.items()}


USER_DATA_LOCATIONS: tuple[DataLocation, ...] = (
    DataLocation(
        pattern="beneficiaries/{uid}",
        model=BeneficiaryProfile,
        on_erasure=OnErasure.DELETE,
        retention=Retention.ACCOUNT_LIFETIME,
        description="Beneficiary account: contact, preferences, consents, policy acceptance.",
    ),
    DataLocation(
        pattern="beneficiaries/{uid}/consent_events/{event_id}",
        model=ConsentEvent,
        on_erasure=OnErasure.DELETE,
        retention=Retention.ACCOUNT_LIFETIME,
        description="History of consent grants and withdrawals (proof of consent).",
    ),
    DataLocation(
        pattern="beneficiaries/{uid}/simulations/{simulation_id}",
        model=StoredSimulation,
        on_erasure=OnErasure.DELETE,
        retention=Retention.ACCOUNT_LIFETIME,
        description="Questionnaire answers and result snapshots, kept to follow aids (R6).",
    ),
    DataLocation(
        pattern="beneficiaries/{uid}/aid_outcomes/{aid_id}",
        model=AidOutcome,
        on_erasure=OnErasure.DELETE,
        retention=Retention.ACCOUNT_LIFETIME,
        description="What the beneficiary reported per aid: applied, granted and amount, refused.",
    ),
    DataLocation(
        pattern="audit_journal/{entry_id}",
        model=AuditEntry,
        on_erasure=OnErasure.KEEP_PSEUDONYMOUS,
        retention=Retention.ONE_YEAR,
        description="Append-only journal of staff and aidant accesses (R14).",
    ),
)


@dataclass(frozen=True)
class StorageLocation:
    """Objects under ``prefix`` (``{uid}`` = the data subject) in one bucket."""

    bucket: str  # the Settings attribute naming the bucket, e.g. "vault_bucket"
    prefix: str
    category: DataCategory
    on_erasure: OnErasure
    retention: Retention
    description: str

    def prefix_for(self, uid: str) -> str:
        return self.prefix.replace("{uid}", uid)


USER_STORAGE_LOCATIONS: tuple[StorageLocation, ...] = (
    StorageLocation(
        bucket="vault_bucket",
        prefix="{uid}/",
        category=DataCategory.DIAGNOSTIC,
        on_erasure=OnErasure.DELETE,
        retention=Retention.UNTIL_CONSENT_WITHDRAWN,
        description="Supporting documents the beneficiary keeps in the vault (R9).",
    ),
    StorageLocation(
        bucket="exports_bucket",
        prefix="{uid}/",
        category=DataCategory.DIAGNOSTIC,
        on_erasure=OnErasure.DELETE,
        retention=Retention.SEVEN_DAYS,
        description="Portability exports waiting to be downloaded (R27).",
    ),
)


class UnregisteredLocation(LookupError):
    """A write aimed at a path the registry does not list."""


def location_of(document_path: str) -> DataLocation:
    """The registered location of ``document_path``, or :class:`UnregisteredLocation`."""
    for location in USER_DATA_LOCATIONS:
        if location.matches(document_path):
            return location
    raise UnregisteredLocation(f"no data location registered for {document_path!r}")


def collection_patterns() -> set[str]:
    return {location.collection_pattern for location in USER_DATA_LOCATIONS}
