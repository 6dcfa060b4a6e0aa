"""Stored documents written directly (admin client), and reads of the audit journal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.adapters import document_store
from shared.domain.data_registry import AUDIT_JOURNAL, BENEFICIARY, MANDATES
from shared.domain.policy import CURRENT_POLICY
from shared.models.access import Mandate
from shared.models.account import BeneficiaryProfile, ConsentState
from shared.models.audit import AuditEntry
from shared.services.audit import pseudonym

NOW = datetime(2026, 11, 2, tzinfo=UTC)


def seed_profile(
    uid: str,
    *,
    email: str | None = None,
    policy_version: str = CURRENT_POLICY.version,
    language: str = "fr",
    vault: bool = False,
) -> BeneficiaryProfile:
    """A beneficiary profile as sign-up would have stored it."""
    consents = {
        "vault": ConsentState(granted=vault, policy_version=policy_version, changed_at=NOW),
        "promotion": ConsentState(granted=False, policy_version=policy_version, changed_at=NOW),
    }
    profile = BeneficiaryProfile(
        uid=uid,
        email=email or f"{uid}@example.org",
        email_verified=True,
        language=language,  # type: ignore[arg-type]
        policy_version=policy_version,
        policy_accepted_at=NOW,
        consents=consents,
        created_at=NOW,
        updated_at=NOW,
        last_active_at=NOW,
    )
    path = BENEFICIARY.path(uid=uid)
    document_store.run_in_transaction(lambda w: w.set(path, profile))
    return profile


def seed_mandate(
    beneficiary: str,
    aidant: str,
    scopes: list[str],
    *,
    revoked: bool = False,
    expires_at: datetime | None = None,
) -> str:
    """An accepted mandate from ``beneficiary`` to ``aidant`` (30 days from now); returns its id."""
    mandate = Mandate(
        beneficiary_uid=beneficiary,
        aidant_uid=aidant,
        scopes=scopes,
        granted_at=NOW,
        accepted_at=NOW,
        expires_at=expires_at or datetime.now(UTC) + timedelta(days=30),
        revoked_at=NOW if revoked else None,
    )
    return document_store.add(MANDATES.collection(), mandate)


def journal_about(subject_uid: str) -> list[AuditEntry]:
    """The audit entries whose target is ``subject_uid`` (found by its keyed hash)."""
    return [
        entry
        for _, entry in document_store.find_by_fields(
            AUDIT_JOURNAL.collection(), AuditEntry, {"target_ref": pseudonym(subject_uid)}
        )
    ]
