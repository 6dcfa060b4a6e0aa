"""What would change it: the variants of one household along what a person
controls or lives through.

Pure domain logic (no engine): from one household and the month simulated,
the households that differ from it along one axis — a person's monthly net
earnings, the rent, moving in or out as a couple, a child arriving, a child
reaching the next age band. The use case (``shared.services.what_would_change``)
computes them all in one vectorised simulation and words the differences.

Every variant is a valid ``Household`` (built through validation), taken in
steady state: the benefits a household declares it receives are dropped, since
the variant would receive what the rules give it (``without_declared_benefits``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import ValidationError

from shared.domain.months import first_day
from shared.domain.questionnaire import (
    MAX_MONTHLY_AMOUNT,
    RENT_PAYING,
    ActivityStatus,
    CoupleStatus,
    Household,
    Relationship,
    ResourceKind,
)

Axis = Literal["earnings", "rent", "couple", "new_child", "child_age"]

#: Resources that are benefits already received: in a variant they are what the
#: rules give, not what was declared.
DECLARED_BENEFIT_KINDS = frozenset(
    {
        ResourceKind.AAH,
        ResourceKind.ASS,
        ResourceKind.RSA,
        ResourceKind.PPA,
        ResourceKind.HOUSING_AID,
        ResourceKind.FAMILY_ALLOWANCES,
        ResourceKind.FAMILY_SUPPLEMENT,
        ResourceKind.FAMILY_SUPPORT,
        ResourceKind.PAJE_BASE,
    }
)

#: Ages at which a child's rights change: PAJE and complément familial (3),
#: ARS bands (6, 11, 15, 18), the family-allowance increase (14), the end of
#: compulsory schooling (16), the end of "enfant à charge" for the prestations
#: familiales (20) and housing aids (21). CSS art. L521-3, R543-1, L512-3, R512-2.
AGE_BANDS: tuple[int, ...] = (3, 6, 11, 14, 15, 16, 18, 20, 21)

#: Points of the earnings grid: 0 to 2.5 × SMIC in steps of SMIC / 10.
EARNINGS_STEPS = 25
EARNINGS_SPAN = 2.5
#: Points of the rent grid: 0 to twice the rent (at least 1 000 €).
RENT_STEPS = 20
RENT_SPAN_MINIMUM = 1000.0

NEW_CHILD_ID = "nouvel_enfant"
NEW_PARTNER_ID = "conjoint_a_venir"


@dataclass(frozen=True)
class Variant:
    """One changed household: the axis, whom it concerns, the value on the axis."""

    axis: Axis
    household: Household
    #: The person whose earnings change, the child who ages.
    person_id: str | None = None
    #: Euros a month (earnings, rent) or the age reached (child_age).
    value: float | None = None
    #: The date a child reaches the age (child_age).
    on: date | None = None


def without_declared_benefits(household: Household) -> Household:
    """``household`` with the benefits it declares dropped (steady state)."""
    data = household.model_dump(mode="json")
    for person in data["persons"]:
        person["resources"] = [
            r for r in person["resources"] if r["kind"] not in DECLARED_BENEFIT_KINDS
        ]
    return Household.model_validate(data)


def _rebuilt(data: dict[str, Any]) -> Household | None:
    """The household of ``data``, or None when the change makes it invalid."""
    try:
        return Household.model_validate(data)
    except ValidationError:
        return None


def earners(household: Household) -> list[str]:
    """Ids of the persons whose earnings are an axis: the applicant and the spouse."""
    return [
        p.id
        for p in household.persons
        if p.relationship in (Relationship.APPLICANT, Relationship.SPOUSE)
    ]


def with_earnings(household: Household, person_id: str, net: float) -> Household:
    """``household`` where ``person_id`` earns ``net`` € a month (net pay, every
    month), working when ``net`` > 0; other resources unchanged."""
    data = household.model_dump(mode="json")
    for person in data["persons"]:
        if person["id"] != person_id:
            continue
        others = [r for r in person["resources"] if r["kind"] != ResourceKind.SALARY.value]
        pay = [{"kind": ResourceKind.SALARY.value, "monthly_amount": net}] if net > 0 else []
        person["resources"] = others + pay
        working = (ActivityStatus.EMPLOYED, ActivityStatus.SELF_EMPLOYED)
        if net > 0 and person.get("activity") not in {a.value for a in working}:
            person["activity"] = ActivityStatus.EMPLOYED.value
    return Household.model_validate(data)


def with_rent(household: Household, rent: float) -> Household:
    """``household`` paying ``rent`` € a month."""
    data = household.model_dump(mode="json")
    data["housing"]["rent"] = rent
    return Household.model_validate(data)


def pays_rent(household: Household) -> bool:
    """True when the rent is an axis (a status that pays one, and a rent given)."""
    return household.housing.status in RENT_PAYING and household.housing.rent is not None


def earnings_grid(smic_net: float) -> list[float]:
    """0 to 2.5 × the monthly net SMIC, whole euros."""
    return [
        float(round(smic_net * EARNINGS_SPAN * step / EARNINGS_STEPS))
        for step in range(EARNINGS_STEPS + 1)
    ]


def rent_grid(rent: float) -> list[float]:
    """0 to twice the rent (at least :data:`RENT_SPAN_MINIMUM`, at most the
    largest amount the questionnaire accepts), whole euros."""
    top = min(max(2 * rent, RENT_SPAN_MINIMUM), MAX_MONTHLY_AMOUNT)
    return [float(round(top * step / RENT_STEPS)) for step in range(RENT_STEPS + 1)]


def couple_variant(household: Household) -> Household | None:
    """A single applicant joined by a partner of the same age with no income;
    a couple split (the spouse and their resources leave, the children stay)."""
    data = household.model_dump(mode="json")
    spouse = next((p for p in data["persons"] if p["relationship"] == "spouse"), None)
    if spouse is not None:
        data["persons"] = [p for p in data["persons"] if p is not spouse]
        data["couple_status"] = CoupleStatus.SINGLE.value
        return _rebuilt(data)
    applicant = household.applicant()
    data["persons"].append(
        {
            "id": NEW_PARTNER_ID,
            "relationship": Relationship.SPOUSE.value,
            "birth_date": applicant.birth_date.isoformat(),
            "activity": ActivityStatus.INACTIVE.value,
        }
    )
    data["couple_status"] = CoupleStatus.COHABITING.value
    return _rebuilt(data)


def new_child_variant(household: Household, month: str) -> Household | None:
    """``household`` with a child born on the first day of ``month``."""
    data = household.model_dump(mode="json")
    data["persons"].append(
        {
            "id": NEW_CHILD_ID,
            "relationship": Relationship.CHILD.value,
            "birth_date": first_day(month).isoformat(),
        }
    )
    return _rebuilt(data)


def _birthday(born: date, age: int) -> date:
    year = born.year + age
    # A child born on 29 February has its birthday on 1 March in other years.
    return date(year, 3, 1) if (born.month, born.day) == (2, 29) else born.replace(year=year)


def age_on(born: date, on: date) -> int:
    """Age in whole years on ``on``."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def child_age_variants(household: Household, month: str) -> Iterator[Variant]:
    """For each child, the household where the child has just reached the next
    age band (birthday on the first day of ``month``), the rules of ``month``."""
    start = first_day(month)
    for index, person in enumerate(household.persons):
        if person.relationship is not Relationship.CHILD:
            continue
        age = age_on(person.birth_date, start)
        band = next((b for b in AGE_BANDS if b > age), None)
        if band is None:
            continue
        data = household.model_dump(mode="json")
        data["persons"][index]["birth_date"] = _birthday(start, -band).isoformat()
        aged = _rebuilt(data)
        if aged is not None:
            yield Variant(
                "child_age",
                aged,
                person_id=person.id,
                value=float(band),
                on=_birthday(person.birth_date, band),
            )


def variants(household: Household, month: str, smic_net: float) -> list[Variant]:
    """Every variant of ``household`` (already without declared benefits): the
    earnings grid of the applicant and spouse, the rent grid of a tenant,
    moving in or out as a couple, a child arriving, each child's next age band."""
    out: list[Variant] = []
    for person_id in earners(household):
        for net in earnings_grid(smic_net):
            out.append(
                Variant("earnings", with_earnings(household, person_id, net), person_id, value=net)
            )
    if pays_rent(household):
        for rent in rent_grid(float(household.housing.rent or 0.0)):
            out.append(Variant("rent", with_rent(household, rent), value=rent))
    if (couple := couple_variant(household)) is not None:
        out.append(Variant("couple", couple))
    if (child := new_child_variant(household, month)) is not None:
        out.append(Variant("new_child", child, person_id=NEW_CHILD_ID))
    out.extend(child_age_variants(household, month))
    return out


def at_value(household: Household, variant: Variant, value: float) -> Household:
    """The household of ``variant``'s axis at another ``value`` (earnings, rent)."""
    if variant.axis == "earnings" and variant.person_id is not None:
        return with_earnings(household, variant.person_id, value)
    if variant.axis == "rent":
        return with_rent(household, value)
    raise ValueError(f"axis {variant.axis} has no value to move along")
