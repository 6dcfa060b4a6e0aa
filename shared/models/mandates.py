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

    aidant_email: EmailAddress
    aidant_name: PersonName = Field(
        description="The caregiver's name as the beneficiary knows them (shown in the journal)."
    )
    grants: list[MandateGrant] = Field(min_length=1, max_length=len(MandateGrant))
    days: int = Field(ge=MIN_DAYS, le=MAX_DAYS, description="Duration: 1 day to 1 year.")


class MandateOut(StrictModel):
    """A mandate as its beneficiary sees it."""

    id: str
    aidant_email: str | None
    aidant_name: str
    grants: list[MandateGrant]
    status: MandateStatus
    granted_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None


class MandateList(StrictModel):
    mandates: list[MandateOut]


class ReceivedMandate(StrictModel):
    """A mandate as its aidant sees it: whose data (the ``?subject=`` to use), what, until when."""

    id: str
    beneficiary_uid: str
    grants: list[MandateGrant]
    status: MandateStatus
    expires_at: datetime


class ReceivedMandateList(StrictModel):
    mandates: list[ReceivedMandate]


class JournalLine(StrictModel):
    """One access to the beneficiary's data by someone else, told in plain words."""

    sentence: str = Field(description="e.g. « Marie D. a consulté votre profil le 3 mars 2026. »")
    who: str
    action: str
    reason: str
    at: datetime


class JournalResponse(StrictModel):
    entries: list[JournalLine]
