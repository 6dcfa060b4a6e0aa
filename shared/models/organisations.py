"""Client organisations: stored documents and API bodies (R3, R11, R20).

An organisation pays for the service for its people. Its records are client
data (policy §2.1): the contract, the billing contact, payments, its admins.
The invitations it sends hold one thing about a beneficiary, the
professional address it was given, and all the client ever learns back is
whether that address registered (R3).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, PlainSerializer, model_validator

from shared.domain.data_categories import DataCategory, categorised
from shared.domain.strict import StrictModel
from shared.errors import bilingual_error
from shared.models.account import PersonName
from shared.models.mandates import EmailAddress

C = DataCategory

# Firestore stores timestamps, not calendar dates: a date is kept as its ISO text.
StoredDate = Annotated[date, PlainSerializer(lambda day: day.isoformat(), return_type=str)]

# ---------------------------------------------------------------- stored


class Organisation(StrictModel):
    """``organisations/{org_id}``: a client, its contract and billing contact (R11)."""

    name: str = categorised(C.CLIENT)
    contract_start: StoredDate = categorised(C.CLIENT)
    contract_end: StoredDate = categorised(C.CLIENT)
    billing_name: str = categorised(C.CLIENT)
    billing_email: str = categorised(C.CLIENT)
    created_at: datetime = categorised(C.CLIENT)


class ClientAdmin(StrictModel):
    """``client_admins/{org_id}_{uid}``: ``uid`` administers ``org_id``."""

    org_id: str = categorised(C.CLIENT)
    uid: str = categorised(C.CLIENT)
    added_at: datetime = categorised(C.CLIENT)


class ClientInvitation(StrictModel):
    """``client_invitations/{id}``: one professional address a client invited (R3)."""

    org_id: str = categorised(C.CLIENT)
    email: str = categorised(C.CONTACT)
    invited_at: datetime = categorised(C.CLIENT)
    sent_at: datetime | None = categorised(C.INTERACTION, None)
    # The mail provider refused the address: the client is told to check it.
    bounced: bool = categorised(C.INTERACTION, False)


class ClientPayment(StrictModel):
    """``client_payments/{id}``: one payment by an organisation (kept 10 years, R20)."""

    org_id: str = categorised(C.CLIENT)
    amount_cents: int = categorised(C.CLIENT)
    currency: Literal["EUR"] = categorised(C.CLIENT)
    paid_on: StoredDate = categorised(C.CLIENT)
    reference: str = categorised(C.CLIENT)
    recorded_at: datetime = categorised(C.CLIENT)
    # The contract's end, copied when the payment is recorded: a payment outlives its
    # organisation's record (10 years against 5, R20) and its period counts from this day.
    contract_end: StoredDate | None = categorised(C.CLIENT, None)


# ---------------------------------------------------------------- API


class OrganisationRequest(StrictModel):
    """Body of ``POST /organisations`` (staff): a new client and its contract."""

    name: str = Field(
        min_length=1,
        max_length=200,
        description="The client organisation's name (1 to 200 characters).",
    )
    contract_start: date = Field(description="First day of the contract (YYYY-MM-DD).")
    contract_end: date = Field(
        description="Last day of the contract (YYYY-MM-DD), not before its start."
    )
    billing_name: PersonName = Field(description="The billing contact's name.")
    billing_email: EmailAddress = Field(description="The billing contact's e-mail address.")

    @model_validator(mode="after")
    def _contract_order(self) -> OrganisationRequest:
        if self.contract_end <= self.contract_start:
            raise bilingual_error(
                "la fin du contrat doit suivre son début",
                "the contract must end after it starts",
            )
        return self


class OrganisationOut(StrictModel):
    id: str = Field(description="The organisation's id.")
    name: str = Field(description="The client organisation's name.")
    contract_start: date = Field(description="First day of the contract (YYYY-MM-DD).")
    contract_end: date = Field(description="Last day of the contract (YYYY-MM-DD).")
    billing_name: str = Field(description="The billing contact's name.")
    billing_email: str = Field(description="The billing contact's e-mail address.")


class AdminOut(StrictModel):
    org_id: str = Field(description="The organisation's id.")
    uid: str = Field(description="The account made client admin of it.")


class PaymentRequest(StrictModel):
    """Body of ``POST /organisations/{org_id}/payments`` (staff)."""

    amount_cents: int = Field(
        gt=0,
        le=100_000_000,
        description="Amount paid, in euro cents (more than 0, at most 1 000 000 euros).",
    )
    currency: Literal["EUR"] = Field("EUR", description="EUR, the only currency.")
    paid_on: date = Field(description="The day it was paid (YYYY-MM-DD).")
    reference: str = Field(
        min_length=1,
        max_length=80,
        description="The invoice or transfer reference (1 to 80 characters).",
    )


class PaymentOut(StrictModel):
    id: str = Field(description="The payment's id.")
    amount_cents: int = Field(description="Amount paid, in euro cents.")
    currency: str = Field(description="Always EUR.")
    paid_on: date = Field(description="The day it was paid (YYYY-MM-DD).")
    reference: str = Field(description="The invoice or transfer reference.")


class InvitationsRequest(StrictModel):
    """Body of ``POST /organisations/{org_id}/invitations``: professional addresses."""

    emails: list[EmailAddress] = Field(
        min_length=1,
        max_length=100,
        description="Professional e-mail addresses to invite (1 to 100).",
    )


InvitationStatus = Literal["invited", "registered"]


class InvitationOut(StrictModel):
    """All a client admin sees of a beneficiary: the address, invited or registered (R3)."""

    email: str = Field(description="The invited professional e-mail address.")
    status: InvitationStatus = Field(
        description="invited (no account yet) or registered (signed up)."
    )
    bounced: bool = Field(description="True when the mail provider refused the address: check it.")


class InvitationList(StrictModel):
    invitations: list[InvitationOut] = Field(description="Every invitation of the organisation.")


class UsageStatistics(StrictModel):
    """Counts of people per measure and month (R12); ``None`` marks a suppressed number."""

    threshold: int = Field(
        description=(
            "Smallest count shown: a smaller one is suppressed (null) so nobody can be singled out."
        )
    )
    measures: list[str] = Field(
        description="The measures counted (rows): e.g. registrations, simulations run, aids found."
    )
    months: list[str] = Field(description="The months counted (columns), YYYY-MM.")
    cells: dict[str, dict[str, int | None]] = Field(
        description="People counted, by measure then month; null when below the threshold."
    )
    measure_totals: dict[str, int | None] = Field(
        description="People counted per measure over all months; null when below the threshold."
    )
    month_totals: dict[str, int | None] = Field(
        description="People counted per month over all measures; null when below the threshold."
    )
