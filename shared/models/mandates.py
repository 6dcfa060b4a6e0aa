"""API bodies of caregiver mandates and of the journal a beneficiary reads (R14, R16).

The stored mandate is :class:`shared.models.access.Mandate`; these are what
crosses the API: the beneficiary's request, what each side sees of a mandate,
and the journal in plain words.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from shared.domain.mandates import MAX_DAYS, MIN_DAYS, MandateGrant, MandateStatus
from shared.domain.strict import StrictModel
from shared.errors import bilingual_error
from shared.models.account import PersonName

# One address, no display part; lower-cased so that an invitation matches the
# address the caregiver signs in with, whatever the capitals.
EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


def _email(value: str) -> str:
    if not EMAIL.match(value):
        raise bilingual_error(
            "doit être une adresse e-mail (nom@domaine.fr)",
            "must be an e-mail address (name@domain.fr)",
        )
    return value.lower()


EmailAddress = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=254), AfterValidator(_email)
]


class MandateRequest(StrictModel):
    """Body of ``POST /mandates``: whom to invite, what to grant, for how long."""

    aidant_email: EmailAddress = Field(
        description=(
            "The caregiver's e-mail address: the invitation is sent there and they sign in with it."
        )
    )
    aidant_name: PersonName = Field(
        description="The caregiver's name as the beneficiary knows them (shown in the journal)."
    )
    grants: list[MandateGrant] = Field(
        min_length=1,
        max_length=len(MandateGrant),
        description=(
            "What the caregiver may do (at least one): read_answers_and_results, "
            "edit_answers, read_vault, upload_to_vault, generate_forms."
        ),
    )
    days: int = Field(ge=MIN_DAYS, le=MAX_DAYS, description="Duration: 1 day to 1 year.")


class MandateOut(StrictModel):
    """A mandate as its beneficiary sees it."""

    id: str = Field(description="The mandate's id.")
    aidant_email: str | None = Field(
        description="The caregiver's e-mail address; null when it is no longer kept."
    )
    aidant_name: str = Field(description="The caregiver's name as the beneficiary gave it.")
    grants: list[MandateGrant] = Field(
        description=(
            "What the caregiver may do: read_answers_and_results, edit_answers, "
            "read_vault, upload_to_vault, generate_forms."
        )
    )
    status: MandateStatus = Field(
        description="invited (waiting for the caregiver), active, revoked or expired."
    )
    granted_at: datetime = Field(description="When the beneficiary granted it (ISO 8601, UTC).")
    expires_at: datetime = Field(description="When it stops (ISO 8601, UTC).")
    accepted_at: datetime | None = Field(
        description="When the caregiver accepted it; null until then."
    )
    revoked_at: datetime | None = Field(
        description="When the beneficiary revoked it; null unless revoked."
    )


class MandateList(StrictModel):
    mandates: list[MandateOut] = Field(
        description="Every mandate the person granted, whatever its status, newest first."
    )


class ReceivedMandate(StrictModel):
    """A mandate as its aidant sees it: whose data (the ``?subject=`` to use), what, until when."""

    id: str = Field(description="The mandate's id, used in /mandates/{mandate_id}/accept.")
    beneficiary_uid: str = Field(
        description="The beneficiary's uid: pass it as ?subject= to act for them."
    )
    grants: list[MandateGrant] = Field(
        description="What the caregiver may do for this beneficiary."
    )
    status: MandateStatus = Field(description="invited, active, revoked or expired.")
    expires_at: datetime = Field(description="When it stops (ISO 8601, UTC).")


class ReceivedMandateList(StrictModel):
    mandates: list[ReceivedMandate] = Field(description="Every mandate received by the caregiver.")


class JournalLine(StrictModel):
    """One access to the beneficiary's data by someone else, told in plain words."""

    sentence: str = Field(description="e.g. « Marie D. a consulté votre profil le 3 mars 2026. »")
    who: str = Field(
        description=(
            "Who accessed the data, as the person knows them (caregiver's name, "
            "support, privacy officer)."
        )
    )
    action: str = Field(description="What was done, in plain words.")
    reason: str = Field(description="Why (the mandate, the support request, the rights request).")
    at: datetime = Field(description="When (ISO 8601, UTC).")


class JournalResponse(StrictModel):
    entries: list[JournalLine] = Field(
        description="Every access to the person's data by someone else, newest first."
    )
