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

    online_service: str | None = None
    #: Cerfa number of the paper form (e.g. "15692*01"), and its words.
    form: str | None = None
    form_label: BilingualText | None = None
    automatic: bool = False
    note: BilingualText | None = None


class DocumentNeeded(StrictModel):
    """A supporting document the aid needs: its vault slot (R9) and its name."""

    id: str
    label: BilingualText
    #: Health data (GDPR art. 9): may be sent directly to the institution.
    special_category: bool = False


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

    aid_id: str
    label: BilingualText
    status: Status
    periodicity: Periodicity
    monthly_amount: float | None = None
    yearly_amount: float | None = None
    #: What the household *pays* each month to get the aid (the CSS with a
    #: contribution): never money received, never in ``monthly_total``.
    monthly_contribution: float | None = None
    #: A new claimant's monthly amount in its first quarter, when it differs
    #: from ``monthly_amount`` (the steady state): the RSA and the prime
    #: d'activité read the benefits of the previous quarter, which a new
    #: claimant has not received yet.
    first_months_monthly_amount: float | None = None
    amount_certain: bool = True
    #: Why, in plain words (French and English): the amount as paid, the
    #: figures that decide it (curated vocabulary of the catalogue), notes.
    explanation: list[BilingualText] = Field(default_factory=list)
    #: The supporting documents, with the vault's slot ids (R9) and their names.
    documents: list[DocumentNeeded] = Field(default_factory=list)
    apply: ApplyGuide


class EligibilityReport(StrictModel):
    """The answer to "which aids, how much" for one household and one month."""

    month: str = categorised(D, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    #: OpenFisca-France version the amounts come from (e.g. "176.1.8").
    engine_version: str = categorised(D)
    #: Every OpenFisca package involved, with its version.
    engine_packages: dict[str, str] = categorised(D, default_factory=dict)
    catalogue_version: str = categorised(D)
    results: list[AidResult] = categorised(D)
    #: Sum of the monthly amounts of the aids the household is eligible to.
    monthly_total: float = categorised(D)


def monthly_total(results: list[AidResult]) -> float:
    """Sum of what eligible aids pay every month (yearly and one-off aids excluded)."""
    return round(sum(r.monthly_amount or 0.0 for r in results if r.status == "eligible"), 2)
