"""Beneficiary account: stored documents and API bodies (R1, R13, R25, R26).

Stored models tag every field with its data category (policy §2.1); API
models forbid unknown fields so a client typo is a 422, not silently ignored.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

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

POLICY_VERSION_MAX = 32
"""Longest policy version a client may send (published versions look like 2026-11)."""

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


FrenchPhone = Annotated[
    str,
    StringConstraints(max_length=20),
    AfterValidator(_french_phone),
    # The shortest number the validator takes, documented (its error code stays value_error).
    Field(
        description="A French phone number: 0X XX XX XX XX or +33 X XX XX XX XX.",
        json_schema_extra={"minLength": 10},
    ),
]


def _present_or_absent(schema: dict[str, Any]) -> None:
    """Document a field that may be left out but not sent as null (its validator refuses null)."""
    options = schema.pop("anyOf", None)
    if options:
        schema.update(next(option for option in options if option.get("type") != "null"))
    schema.pop("default", None)


# ---------------------------------------------------------------- stored


class ConsentState(StrictModel):
    granted: bool = Field(description="Whether the consent is currently given.")
    policy_version: str = Field(
        description="The privacy policy version shown when the choice was made."
    )
    changed_at: datetime = Field(description="When the choice was last changed (ISO 8601, UTC).")


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
    # unsubscribe_link: the one-click link of a promotion e-mail withdrew the consent.
    source: Literal["signup", "self_service", "unsubscribe_link"] = categorised(C.PREFERENCES)


# ---------------------------------------------------------------- requests


class SignupConsents(StrictModel):
    vault: bool = Field(
        False,
        description="Consent to keep supporting documents in the vault (needs a verified e-mail).",
    )
    promotion: bool = Field(False, description="Consent to receive newsletters and surveys.")


class SignupRequest(StrictModel):
    """Body of ``POST /signup``. The identity comes from the ID token."""

    accept_policy_version: str = Field(
        min_length=1,
        max_length=POLICY_VERSION_MAX,
        description="The policy version the user was shown and accepts; must be the current one.",
    )
    language: Language = Field(
        "fr", description="fr (default) or en: the language of messages and e-mails."
    )
    given_name: PersonName | None = Field(
        None,
        description=(
            "Given name (letters, spaces, apostrophes, hyphens, dots; 1 to 80 "
            "characters); optional."
        ),
    )
    family_name: PersonName | None = Field(
        None, description="Family name (same rules as given_name); optional."
    )
    phone: FrenchPhone | None = Field(None, description="French phone number; optional.")
    alerts_by_email: bool = Field(
        True,
        description=(
            "Whether to receive alerts about new aids by e-mail (default true; "
            "objecting later stops them)."
        ),
    )
    consents: SignupConsents = Field(
        default_factory=SignupConsents,
        description="Consents given at sign-up; both default to false.",
    )


class ProfilePatch(StrictModel):
    """Body of ``PATCH /profile``: rectification (R26). ``null`` erases an optional value."""

    given_name: PersonName | None = Field(
        None,
        description=(
            "Given name (letters, spaces, apostrophes, hyphens, dots; 1 to 80 "
            "characters); null erases it."
        ),
    )
    family_name: PersonName | None = Field(
        None, description="Family name (same rules as given_name); null erases it."
    )
    phone: FrenchPhone | None = Field(None, description="French phone number; null erases it.")
    language: Language | None = Field(
        default=None,
        description="fr or en: the language of messages and e-mails; cannot be null.",
        json_schema_extra=_present_or_absent,
    )
    alerts_by_email: bool | None = Field(
        default=None,
        description="Whether alerts about new aids are e-mailed; cannot be null.",
        json_schema_extra=_present_or_absent,
    )

    @field_validator("language", "alerts_by_email", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise bilingual_error("ne peut pas être vide (null)", "cannot be null")
        return value


class ConsentChange(StrictModel):
    """Body of ``PUT /profile/consents/{purpose}``."""

    granted: bool = Field(
        description="true grants the consent, false withdraws it (a JSON boolean, nothing else)."
    )
    policy_version: str = Field(
        min_length=1,
        max_length=POLICY_VERSION_MAX,
        description="The policy version shown when the choice was made; must be the current one.",
    )


class ObjectionChange(StrictModel):
    """Body of ``PUT /profile/objections/{purpose}`` (R26)."""

    objected: bool = Field(
        description="true objects to the purpose, false lifts the objection (a JSON boolean)."
    )


class RestrictionChange(StrictModel):
    """Body of ``PUT /profile/restriction`` (R26): data kept, not processed."""

    restricted: bool = Field(
        description=(
            "true restricts processing (data kept, not processed), false lifts it (a JSON boolean)."
        )
    )


# ---------------------------------------------------------------- responses


class PolicyStatus(StrictModel):
    accepted_version: str = Field(
        description="The privacy policy version the person accepted last (e.g. 2026-11)."
    )
    accepted_at: datetime = Field(description="When it was accepted (ISO 8601, UTC).")
    current_version: str = Field(description="The privacy policy version in force.")
    current_revised_on: str = Field(
        description="The day the policy in force was revised (YYYY-MM-DD)."
    )
    reacceptance_needed: bool = Field(
        description="True when the accepted version is older than the one in force."
    )


class ProfileResponse(StrictModel):
    uid: str = Field(description="The person's account id (Firebase Auth uid).")
    email: str = Field(description="The sign-in e-mail address.")
    email_verified: bool = Field(
        description=(
            "Whether the e-mail address has been verified (needed to grant the vault consent)."
        )
    )
    given_name: str | None = Field(description="Given name; null when not given.")
    family_name: str | None = Field(description="Family name; null when not given.")
    phone: str | None = Field(description="French phone number; null when not given.")
    language: Language = Field(description="fr or en: the language of messages and e-mails.")
    alerts_by_email: bool = Field(description="Whether alerts about new aids are e-mailed.")
    policy: PolicyStatus = Field(
        description=(
            "Which privacy policy version the person accepted, and whether a "
            "newer one needs accepting."
        )
    )
    consents: dict[str, ConsentState] = Field(
        description="Consent-based purposes (vault, promotion) and their current state."
    )
    objections: list[str] = Field(
        description="Purposes the person objects to (alerts, promotion, simulation, support)."
    )
    restricted: bool = Field(
        description="True while processing is restricted: data kept, not processed."
    )
    created_at: datetime = Field(description="When the account was created (ISO 8601, UTC).")
    notices: list[str] = Field(
        default_factory=list,
        description="What a choice changes for the user (e.g. objection limits a service, R30).",
    )


class ConsentEventOut(StrictModel):
    purpose: str = Field(description="The consent-based purpose: vault or promotion.")
    granted: bool = Field(description="true for a grant, false for a withdrawal.")
    policy_version: str = Field(
        description="The privacy policy version shown when the choice was made."
    )
    at: datetime = Field(description="When the choice was recorded (ISO 8601, UTC).")
    source: str = Field(
        description=(
            "Where the choice was made: signup, self_service (the profile) or "
            "unsubscribe_link (one-click link of a promotion e-mail)."
        )
    )


class ConsentHistoryResponse(StrictModel):
    events: list[ConsentEventOut] = Field(description="Every grant and withdrawal, oldest first.")
