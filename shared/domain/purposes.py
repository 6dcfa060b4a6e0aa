"""Purposes of processing, their legal basis, and the check every processing runs.

Source: privacy policy §2.2 (REQUIREMENTS R5–R12) and §8 (R26: restriction and
objection). A processing calls :func:`check_legal_basis` before touching data;
the decision depends only on the beneficiary's recorded choices, so it is pure
and unit-tested without any store.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class LegalBasis(StrEnum):
    CONTRACT = "contract"
    CONSENT = "consent"
    LEGITIMATE_INTEREST = "legitimate_interest"
    LEGAL_OBLIGATION = "legal_obligation"


class Purpose(StrEnum):
    ACCOUNT = "account"  # §2.2.2 sign-up and login
    ALERTS = "alerts"  # §2.2.3, R5
    SIMULATION = "simulation"  # §2.2.4, R6
    FORMS = "forms"  # §2.2.5, R7
    SUPPORT = "support"  # §2.2.6, R8
    VAULT = "vault"  # §2.2.7, R9
    PROMOTION = "promotion"  # §2.2.8, R10
    CLIENT_ADMINISTRATION = "client_administration"  # §2.2.9, R11


LEGAL_BASIS: dict[Purpose, LegalBasis] = {
    Purpose.ACCOUNT: LegalBasis.CONTRACT,
    Purpose.ALERTS: LegalBasis.CONTRACT,
    Purpose.SIMULATION: LegalBasis.CONTRACT,
    Purpose.FORMS: LegalBasis.CONTRACT,
    # §2.2.6: "Notre intérêt légitime est d'assurer aux utilisateurs la meilleure expérience".
    Purpose.SUPPORT: LegalBasis.LEGITIMATE_INTEREST,
    Purpose.VAULT: LegalBasis.CONSENT,
    Purpose.PROMOTION: LegalBasis.CONSENT,
    Purpose.CLIENT_ADMINISTRATION: LegalBasis.LEGAL_OBLIGATION,
}

# Purposes that rest on consent: only these can be granted or withdrawn (R9, R10).
CONSENT_PURPOSES = frozenset(p for p, basis in LEGAL_BASIS.items() if basis is LegalBasis.CONSENT)

# Purposes a beneficiary may object to (R26). Objecting to the account itself
# is an erasure request, not an objection. Support rests on legitimate interest
# (§2.2.6), which a person may always object to (RGPD art. 21).
OBJECTABLE_PURPOSES = frozenset(
    {Purpose.ALERTS, Purpose.PROMOTION, Purpose.SIMULATION, Purpose.SUPPORT}
)


@dataclass(frozen=True)
class ProcessingDecision:
    allowed: bool
    code: str | None = None  # stable error code when refused

    @classmethod
    def allow(cls) -> ProcessingDecision:
        return cls(True)


def check_legal_basis(
    purpose: Purpose,
    *,
    consents: dict[str, bool],
    objections: set[str],
    restricted: bool,
) -> ProcessingDecision:
    """Decide whether ``purpose`` may run on a beneficiary's data now.

    Restriction (R26) freezes every processing except the account itself (the
    user must still be able to log in and lift it). An objection stops that
    purpose. A consent-based purpose needs a current, granted consent (R9, R10).
    """
    if restricted and purpose is not Purpose.ACCOUNT:
        return ProcessingDecision(False, "processing_restricted")
    if purpose.value in objections:
        return ProcessingDecision(False, "purpose_objected")
    if LEGAL_BASIS[purpose] is LegalBasis.CONSENT and not consents.get(purpose.value, False):
        return ProcessingDecision(False, "consent_required")
    return ProcessingDecision.allow()
