"""What a simulation answers: one result per aid of the catalogue, and a total.

These models are returned by the API and the CLI, and stored to follow a
beneficiary's aids over time (R6: "results are kept to follow the
beneficiary's aids over time") — so they are *diagnostic* data (§2.1).
Pure domain: no OpenFisca, no Google Cloud import.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shared.domain.data_categories import DataCategory, categorised
from shared.domain.strict import BilingualText, StrictModel

D = DataCategory.DIAGNOSTIC

Status = Literal["eligible", "not_eligible", "to_check"]
Periodicity = Literal["monthly", "yearly", "one_off"]


class ApplyGuide(StrictModel):
    """How to apply, copied from the catalogue entry of the aid."""

    online_service: str | None = Field(
        None, description="URL of the official online service to apply, if any."
    )
    #: Cerfa number of the paper form (e.g. "15692*01"), and its words.
    form: str | None = Field(
        None, description="Cerfa number of the paper form (e.g. 15692*01), if any."
    )
    form_label: BilingualText | None = Field(
        None, description="Name of the paper form, in French and English."
    )
    automatic: bool = Field(
        False, description="True when nothing needs to be done: the aid is paid without a claim."
    )
    note: BilingualText | None = Field(
        None, description="Anything else to know to apply, in French and English."
    )


class DocumentNeeded(StrictModel):
    """A supporting document the aid needs: its vault slot (R9) and its name."""

    id: str = Field(
        description="The document's id, also its vault kind (see GET /simulate/catalogue)."
    )
    label: BilingualText = Field(description="The document's name, in French and English.")
    #: Health data (GDPR art. 9): may be sent directly to the institution.
    special_category: bool = Field(
        False,
        description=(
            "True for health data (GDPR art. 9): handled more strictly, may be "
            "sent directly to the institution."
        ),
    )


class AidResult(StrictModel):
    """The outcome for one aid.

    Amounts are in euros, rounded to the cent, *as paid*: net of the CRDS the
    paying body withholds (catalogue ``paid_net_of``: family benefits and the
    prime d'activité; the explanation then gives the gross amount and the
    deduction). ``monthly_amount`` is set for aids paid every month;
    ``yearly_amount`` is what is paid over a year (12 monthly payments, the
    yearly payment, or the one-off payment).
    Both are ``None`` when the aid is not money (free health cover) or when we
    cannot compute it. ``amount_certain`` is false when the legal parameters
    behind the amount are past the date OpenFisca last checked them, or when
    the result is only "to check".
    """

    aid_id: str = Field(
        description="The aid's catalogue id (see GET /simulate/catalogue), e.g. rsa, aide_logement."
    )
    label: BilingualText = Field(description="The aid's name, in French and English.")
    status: Status = Field(
        description=(
            "eligible, not_eligible, or to_check (an answer is missing or the rule cannot decide)."
        )
    )
    periodicity: Periodicity = Field(description="How the aid is paid: monthly, yearly or one_off.")
    monthly_amount: float | None = Field(
        None,
        description=(
            "Net amount in euros paid each month, as paid (after the CRDS "
            "withheld by the paying body); null when the aid is not paid monthly,"
            " is not money, or cannot be computed."
        ),
    )
    yearly_amount: float | None = Field(
        None,
        description=(
            "Net amount in euros paid over a year (12 monthly payments, the "
            "yearly payment or the one-off payment); null when not money or not "
            "computable."
        ),
    )
    #: What the household *pays* each month to get the aid (the CSS with a
    #: contribution): never money received, never in ``monthly_total``.
    monthly_contribution: float | None = Field(
        None,
        description=(
            "What the household pays each month, in euros, to get the aid (e.g. "
            "the CSS with a contribution); never counted in monthly_total."
        ),
    )
    #: A new claimant's monthly amount in its first quarter, when it differs
    #: from ``monthly_amount`` (the steady state): the RSA and the prime
    #: d'activité read the benefits of the previous quarter, which a new
    #: claimant has not received yet.
    first_months_monthly_amount: float | None = Field(
        None,
        description=(
            "A new claimant's monthly net amount in euros during the first "
            "quarter, when it differs from monthly_amount; null otherwise."
        ),
    )
    amount_certain: bool = Field(
        True,
        description=(
            "False when the legal parameters behind the amount are past the date "
            "they were last checked, or the result is only to_check."
        ),
    )
    #: Why, in plain words (French and English): the amount as paid, the
    #: figures that decide it (curated vocabulary of the catalogue), notes.
    explanation: list[BilingualText] = Field(
        default_factory=list,
        description="Why, in plain words: the amount as paid, the figures that decide it, notes.",
    )
    #: The supporting documents, with the vault's slot ids (R9) and their names.
    documents: list[DocumentNeeded] = Field(
        default_factory=list,
        description="Supporting documents the claim needs, with their vault slot ids.",
    )
    apply: ApplyGuide = Field(
        description="How to apply: online service, paper form, or automatic payment."
    )


class EligibilityReport(StrictModel):
    """The answer to "which aids, how much" for one household and one month."""

    month: str = categorised(
        D, pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="The month simulated, YYYY-MM."
    )
    #: OpenFisca-France version the amounts come from (e.g. "176.1.8").
    engine_version: str = categorised(
        D, description="Version of OpenFisca-France the amounts come from (e.g. 176.1.8)."
    )
    #: Every OpenFisca package involved, with its version.
    engine_packages: dict[str, str] = categorised(
        D, default_factory=dict, description="Every OpenFisca package involved, name to version."
    )
    catalogue_version: str = categorised(
        D, description="Short hash of the aid catalogue the results were computed with."
    )
    results: list[AidResult] = categorised(D, description="One result per aid of the catalogue.")
    #: Sum of the monthly amounts of the aids the household is eligible to.
    monthly_total: float = categorised(
        D,
        description=(
            "Sum in euros of the monthly amounts (net, as paid) of the aids the "
            "household is eligible to; yearly and one-off aids excluded."
        ),
    )


def monthly_total(results: list[AidResult]) -> float:
    """Sum of what eligible aids pay every month (yearly and one-off aids excluded)."""
    return round(sum(r.monthly_amount or 0.0 for r in results if r.status == "eligible"), 2)
