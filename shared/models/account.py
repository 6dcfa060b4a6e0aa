"""Beneficiary account: stored documents and API bodies (R1, R13, R25, R26).

Stored models tag every field with its data category (policy §2.1); API
models forbid unknown fields so a client typo is a 422, not silently ignored.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    Field,
    StringConstraints,
    field_validator,
)

from shared.domain.data_categories import DataCategory, categorised
from shared.domain.purposes import ProcessingDecision, Purpose, check_legal_basis
from shared.domain.strict import Language, StrictModel
from shared.errors import bilingual_error

C = DataCategory

ConsentPurpose = Literal["vault", "promotion"]
ObjectablePurpose = Literal["alerts", "promotion", "simulation"]

# Names: letters, spaces, apostrophes, hyphens and dots; no control characters.
PersonName = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=80, pattern=r"^[^\W\d_][\w .'’-]*$"
    ),
]
# French numbers in national (0X…) or international (+33…) form.
FRENCH_PHONE = re.compile(r"^(?:\+33|0)[1-9](?:[ .-]?\d{2}){4}$")


def _french_phone(value: str) -> str:
    if not FRENCH_PHONE.match(value):
        raise bilingual_error(
            "doit être un numéro de téléphone français (0X XX XX XX XX ou +33…)",
            "must be a French phone number (0X XX XX XX XX or +33…)",
        )
    return value


FrenchPhone = Annotated[str, StringConstraints(max_length=20), AfterValidator(_french_phone)]


# ---------------------------------------------------------------- stored


class ConsentState(StrictModel):
    granted: bool
    policy_version: str
    changed_at: datetime


class BeneficiaryProfile(StrictModel):
    """``beneficiaries/{uid}``: the account of one beneficiary."""

    uid: str = categorised(C.IDENTIFICATION)
    email: str = categorised(C.CONTACT)
    email_verified: bool = categorised(C.IDENTIFICATION)
    given_name: str | None = categorised(C.CONTACT, None)
    family_name: str | None = categorised(C.CONTACT, None)
    phone: str | None = categorised(C.CONTACT, None)
    language: Language = categorised(C.PREFERENCES, "fr")
    alerts_by_email: bool = categorised(C.PREFERENCES, True)
    policy_version: str = categorised(C.PREFERENCES)
    policy_accepted_at: datetime = categorised(C.PREFERENCES)
    consents: dict[str, ConsentState] = categorised(C.PREFERENCES, default_factory=dict)
    objections: list[str] = categorised(C.PREFERENCES, default_factory=list)
    restricted: bool = categorised(C.PREFERENCES, False)
    created_at: datetime = categorised(C.INTERACTION)
    updated_at: datetime = categorised(C.INTERACTION)
    # Drives the 3-year inactivity deletion (R19).
    last_active_at: datetime = categorised(C.INTERACTION)

    def processing_decision(self, purpose: Purpose) -> ProcessingDecision:
        """Whether ``purpose`` may run now (consent, objection, restriction)."""
        return check_legal_basis(
            purpose,
            consents={name: state.granted for name, state in self.consents.items()},
            objections=set(self.objections),
            restricted=self.restricted,
        )


class ConsentEvent(StrictModel):
    """``beneficiaries/{uid}/consent_events/{id}``: one grant or withdrawal, never edited."""

    purpose: str = categorised(C.PREFERENCES)
    granted: bool = categorised(C.PREFERENCES)
    policy_version: str = categorised(C.PREFERENCES)
    at: datetime = categorised(C.PREFERENCES)
    source: Literal["signup", "self_service"] = categorised(C.PREFERENCES)


# ---------------------------------------------------------------- requests


class SignupConsents(StrictModel):
    vault: bool = False
    promotion: bool = False


class SignupRequest(StrictModel):
    """Body of ``POST /signup``. The identity comes from the ID token."""

    accept_policy_version: str = Field(
        description="The policy version the user was shown and accepts; must be the current one."
    )
    language: Language = "fr"
    given_name: PersonName | None = None
    family_name: PersonName | None = None
    phone: FrenchPhone | None = None
    alerts_by_email: bool = True
    consents: SignupConsents = Field(default_factory=SignupConsents)


class ProfilePatch(StrictModel):
    """Body of ``PATCH /profile``: rectification (R26). ``null`` erases an optional value."""

    given_name: PersonName | None = None
    family_name: PersonName | None = None
    phone: FrenchPhone | None = None
    language: Language | None = None
    alerts_by_email: bool | None = None

    @field_validator("language", "alerts_by_email", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise bilingual_error("ne peut pas être vide (null)", "cannot be null")
        return value


class ConsentChange(StrictModel):
    """Body of ``PUT /profile/consents/{purpose}``."""

    granted: bool
    policy_version: str = Field(description="The policy version shown when the choice was made.")


class ObjectionChange(StrictModel):
    """Body of ``PUT /profile/objections/{purpose}`` (R26)."""

    objected: bool


class RestrictionChange(StrictModel):
    """Body of ``PUT /profile/restriction`` (R26): data kept, not processed."""

    restricted: bool


# ---------------------------------------------------------------- responses


class PolicyStatus(StrictModel):
    accepted_version: str
    accepted_at: datetime
    current_version: str
    current_revised_on: str
    reacceptance_needed: bool


class ProfileResponse(StrictModel):
    uid: str
    email: str
    email_verified: bool
    given_name: str | None
    family_name: str | None
    phone: str | None
    language: Language
    alerts_by_email: bool
    policy: PolicyStatus
    consents: dict[str, ConsentState]
    objections: list[str]
    restricted: bool
    created_at: datetime
    notices: list[str] = Field(
        default_factory=list,
        description="What a choice changes for the user (e.g. objection limits a service, R30).",
    )


class ConsentEventOut(StrictModel):
    purpose: str
    granted: bool
    policy_version: str
    at: datetime
    source: str


class ConsentHistoryResponse(StrictModel):
    events: list[ConsentEventOut]
