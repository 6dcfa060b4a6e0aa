"""Money rules between what people know and what the legal rules read.

People know the *net* amounts they receive; the rules read other bases:

* the ASPA and the ASI count retirement pensions **gross**, before CSG, CRDS
  and CASA (resources of CSS art. R815-22 and following; OpenFisca-France's
  ASPA/ASI resource base reads ``retraite_brute``, and ignores a pension given
  only as ``retraite_nette``);
* family aids, school grants and the chèque énergie read the **taxable**
  income of year N-2 (net + the part of the CSG that is not deductible from
  income tax, + the CRDS);
* the RSA, the prime d'activité and the CSS read net amounts.

So a declared net pension is converted here, with the levies of the CSG band
the household's income puts it in; and amounts are answered *as paid*
(:func:`paid_amount`: the CRDS the CAF withholds). Pure domain: no OpenFisca.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - typing only
    from shared.domain.questionnaire import Household

CENT = Decimal("0.01")


# ------------------------------------------------------------------ as paid


def _decimal(value: float | Decimal) -> Decimal:
    return Decimal(repr(value) if isinstance(value, float) else value)


def paid_amount(gross: float, rates: Sequence[float]) -> tuple[float, float]:
    """(amount paid, amount withheld) for a ``gross`` amount and withholding ``rates``.

    The gross amount is taken to the cent (half up, as the decrees write
    amounts); each deduction, gross × rate, is **truncated** to the cent; the
    paid amount is the gross minus the deductions. Truncating the CRDS — not
    rounding the net amount half up — is what the CAF does:

    * OpenFisca-France computes ``crds_logement`` so ("La CRDS est arrondie au
      centime d'euro inférieur", barème des aides au logement, brochure 2024 p. 59);
    * it gives service-public.fr's ARS 2025 amounts to the cent (F1878):
      425,60 − 2,12 = 423,48 €, 449,09 − 2,24 = 446,85 €, 464,65 − 2,32 = 462,33 €,
      where rounding 0,995 × gross half up gives 423,47 € and 446,84 €;
    * and the allocations familiales of April 2024 (BMAF 466,44 €): 149,26 → 148,52 €,
      37,32 → 37,14 €, 85,13 → 84,71 € (half up: 148,51 €, 37,13 €, 84,70 €).

    A gross amount of 0 (or less) pays nothing and withholds nothing.
    """
    exact = _decimal(gross).quantize(CENT, rounding=ROUND_HALF_UP)
    if exact <= 0:
        return 0.0, 0.0
    withheld = sum(
        ((exact * _decimal(rate)).quantize(CENT, rounding=ROUND_DOWN) for rate in rates),
        Decimal(0),
    )
    return float(exact - withheld), float(withheld)


def yearly_of_monthly(monthly_paid: float) -> float:
    """What a monthly aid pays over a year: twelve payments of the amount as paid."""
    return float((_decimal(monthly_paid) * 12).quantize(CENT, rounding=ROUND_HALF_UP))


# ------------------------------------------------------------------ pensions


class PensionCsgBand(StrEnum):
    """The CSG rate on replacement income set by the RFR of year N-2 (CSS art. L136-8 III)."""

    EXEMPT = "exempt"
    REDUCED = "reduced"
    MEDIAN = "median"
    FULL = "full"


@dataclass(frozen=True)
class PensionLevies:
    """Levies withheld from a retirement pension, as rates of the gross pension."""

    csg_deductible: float
    csg_not_deductible: float
    crds: float
    casa: float

    @property
    def total(self) -> float:
        return self.csg_deductible + self.csg_not_deductible + self.crds + self.casa


#: CSG on pensions: CSS art. L136-8 II 1° (8,3 %, of which 5,9 % deductible, CGI
#: art. 154 quinquies), III 1° bis (6,6 %, 4,2 % deductible) and III 2° (3,8 %,
#: all deductible); CRDS 0,5 % (ordonnance n° 96-50, art. 14 I), not due by
#: those exempt from the CSG; CASA 0,3 % (CASF art. L14-10-4 2°), not due at the
#: exempt and reduced rates.
PENSION_LEVIES: dict[PensionCsgBand, PensionLevies] = {
    PensionCsgBand.EXEMPT: PensionLevies(0.0, 0.0, 0.0, 0.0),
    PensionCsgBand.REDUCED: PensionLevies(0.038, 0.0, 0.005, 0.0),
    PensionCsgBand.MEDIAN: PensionLevies(0.042, 0.024, 0.005, 0.003),
    PensionCsgBand.FULL: PensionLevies(0.059, 0.024, 0.005, 0.003),
}

#: RFR thresholds of year N-2 for the CSG band of year N, first part and each
#: further half-part (CSS art. L136-8 III, revalued every 1 January; values of
#: OpenFisca-France's ``csg.remplacement.seuils``, lettre ministérielle
#: D23-022880 du 23/11/2023 for 2024, then art. L136-8 revaluation):
#: (exempt up to, reduced up to, median up to) each as (first part, per half-part).
PENSION_RFR_THRESHOLDS: dict[int, tuple[tuple[int, int], tuple[int, int], tuple[int, int]]] = {
    2024: ((12230, 3265), (15988, 4269), (24813, 6623)),
    2025: ((12817, 3422), (16755, 4474), (26004, 6941)),
    2026: ((13048, 3484), (17057, 4555), (26472, 7066)),
}

#: The 10 % deduction of pensions and wages for income tax (CGI art. 83 3° and
#: 158 5° a): the RFR estimate applies it to the yearly taxable amount.
TAX_DEDUCTION = 0.10


def pension_band(yearly_reference_income: float, tax_parts: float, year: int) -> PensionCsgBand:
    """The pension CSG band of ``year`` for a household's RFR and tax parts.

    Years outside the table use the nearest known year's thresholds.
    """
    known = min(max(year, min(PENSION_RFR_THRESHOLDS)), max(PENSION_RFR_THRESHOLDS))
    half_parts_beyond_first = max(0.0, (tax_parts - 1) * 2)
    limits = [
        first + half_parts_beyond_first * per_half
        for first, per_half in PENSION_RFR_THRESHOLDS[known]
    ]
    if yearly_reference_income <= limits[0]:
        return PensionCsgBand.EXEMPT
    if yearly_reference_income <= limits[1]:
        return PensionCsgBand.REDUCED
    if yearly_reference_income <= limits[2]:
        return PensionCsgBand.MEDIAN
    return PensionCsgBand.FULL


@dataclass(frozen=True)
class PensionAmounts:
    """One monthly pension on the three bases the rules read."""

    gross: float
    taxable: float
    net: float


def pension_from_net(net: float, band: PensionCsgBand) -> PensionAmounts:
    """Gross and taxable pension of a declared ``net`` monthly pension.

    gross = net / (1 − CSG − CRDS − CASA); taxable = gross − deductible CSG
    (CGI art. 154 quinquies). Rounded to the cent.
    Example: 900 € net at the reduced rate → 900 / 0,957 = 940,44 € gross.
    """
    levies = PENSION_LEVIES[band]
    gross = round(net / (1 - levies.total), 2)
    taxable = round(gross * (1 - levies.csg_deductible), 2)
    return PensionAmounts(gross=gross, taxable=taxable, net=net)


def tax_parts(adults_in_tax_household: int, dependent_children: int) -> float:
    """Quotient familial parts (CGI art. 194): 1 per adult, ½ for each of the
    first two children, 1 from the third; a single parent's first child counts
    1 (CGI art. 194 II, "case T")."""
    parts = float(max(1, adults_in_tax_household))
    for rank in range(dependent_children):
        parts += 0.5 if rank < 2 else 1.0
    if adults_in_tax_household == 1 and dependent_children:
        parts += 0.5
    return parts


#: Declared resources that make the tax reference income (before the 10 % deduction).
TAXED_RESOURCE_KINDS = frozenset(
    {"salary", "unemployment", "retirement_pension", "invalidity_pension", "alimony_received"}
)


def pension_bands(household: Household, year: int) -> dict[str, PensionCsgBand]:
    """Each person's pension CSG band in ``year``: that of their foyer fiscal.

    Steady state: the RFR of year N-2 is estimated from today's declared
    yearly resources after the 10 % deduction. The applicant's foyer holds the
    children and, if married or PACS (CGI art. 6), the spouse; a cohabiting
    spouse and other adults file their own return.
    """
    joint = household.couple_status.value in ("married", "pacs")
    foyer_of: dict[str, str] = {}
    for person in household.persons:
        role = person.relationship.value
        in_applicant_foyer = role in ("applicant", "child") or (role == "spouse" and joint)
        foyer_of[person.id] = "applicant" if in_applicant_foyer else person.id
    income: dict[str, float] = {}
    adults: dict[str, int] = {}
    children: dict[str, int] = {}
    for person in household.persons:
        foyer = foyer_of[person.id]
        counter = children if person.relationship.value == "child" else adults
        counter[foyer] = counter.get(foyer, 0) + 1
        for resource in person.resources:
            if resource.kind.value in TAXED_RESOURCE_KINDS:
                income[foyer] = income.get(foyer, 0.0) + 12 * resource.monthly_amount
    bands = {
        foyer: pension_band(
            income.get(foyer, 0.0) * (1 - TAX_DEDUCTION),
            tax_parts(adults.get(foyer, 1), children.get(foyer, 0)),
            year,
        )
        for foyer in set(foyer_of.values())
    }
    return {person_id: bands[foyer] for person_id, foyer in foyer_of.items()}


# ------------------------------------------------------------------ salaries

#: Non-deductible CSG (2,4 %) and CRDS (0,5 %) on 98,25 % of gross pay (CSS
#: art. L136-1-2 and L136-8 I; CGI art. 154 quinquies): added to net pay they
#: give the taxable pay.
SALARY_NON_DEDUCTIBLE_LEVIES = (0.024 + 0.005) * 0.9825
#: Net pay of a private-sector employee (non-cadre) is about 78 % of gross pay
#: (employee social contributions, CSG and CRDS, service-public.fr F34735
#: "Salaire brut ou net": "environ 22 % à 25 %" withheld); used only to estimate
#: the non-deductible CSG above.
NET_TO_GROSS_SALARY = 1 / 0.78


def taxable_salary(net: float) -> float:
    """Taxable monthly pay of a declared ``net`` monthly pay (rounded to the cent)."""
    return round(net * (1 + SALARY_NON_DEDUCTIBLE_LEVIES * NET_TO_GROSS_SALARY), 2)


__all__ = [
    "PENSION_LEVIES",
    "PensionAmounts",
    "PensionCsgBand",
    "paid_amount",
    "pension_band",
    "pension_bands",
    "pension_from_net",
    "tax_parts",
    "taxable_salary",
    "yearly_of_monthly",
]
