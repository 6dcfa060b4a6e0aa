"""What would change it: the answer of ``POST /simulate/what-would-change`` (R6).

For one household: per aid, the nearest changes along what a person controls
or lives through (earnings, rent, a partner, a child), as plain statements
with amounts, and the earnings curve (aids + earnings for 0 to 2.5 × SMIC).
Computed, never stored: the request is the body of ``POST /simulate``.
Amounts are monthly, in euros, as paid (like ``AidResult.monthly_amount``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shared.domain.strict import BilingualText, StrictModel


class Threshold(StrictModel):
    """Where an aid starts or stops along earnings or rent, to the euro."""

    axis: Literal["earnings", "rent"] = Field(
        description="What varies: earnings (a person's monthly net pay) or rent (monthly rent)."
    )
    #: Whose earnings (a person id of the household); None for the rent.
    person_id: str | None = Field(
        None, description="Whose earnings vary (a person id of the household); null for the rent."
    )
    aid_id: str = Field(description="The aid's catalogue id.")
    change: Literal["starts", "stops"] = Field(description="starts (becomes payable) or stops.")
    #: The last whole euro with the current side's state, and the first with the other.
    last_value_before: float = Field(description="The last whole euro (monthly) before the change.")
    first_value_after: float = Field(description="The first whole euro (monthly) after the change.")
    amount_before: float = Field(
        description="The aid's monthly net amount in euros at last_value_before."
    )
    amount_after: float = Field(
        description="The aid's monthly net amount in euros at first_value_after."
    )
    statement: BilingualText = Field(
        description="The threshold in one sentence, in French and English."
    )


class VariantChange(StrictModel):
    """An aid's amount if the household changed (a partner, a child, an age)."""

    axis: Literal["couple", "new_child", "child_age"] = Field(
        description=(
            "What changes: couple (a partner joins), new_child, or child_age (a child gets older)."
        )
    )
    #: The child who ages, or the new child; None for a couple change.
    person_id: str | None = Field(
        None, description="The child who ages, or the new child; null for a couple change."
    )
    aid_id: str = Field(description="The aid's catalogue id.")
    amount_now: float = Field(description="The aid's monthly net amount in euros now.")
    amount_then: float = Field(
        description="The aid's monthly net amount in euros after the change."
    )
    statement: BilingualText = Field(
        description="The change in one sentence, in French and English."
    )


class CurvePoint(StrictModel):
    """One point of the earnings curve."""

    earnings: float = Field(description="The person's monthly net pay at this point, in euros.")
    #: Monthly aids of the catalogue computed by the engine, as paid.
    aids_total: float = Field(
        description="Monthly net amount in euros of the catalogue's aids, as paid."
    )
    #: ``earnings`` + ``aids_total``.
    total: float = Field(description="earnings + aids_total, in euros per month.")
    #: What the household keeps of each euro earned since the previous point
    #: (1 − effective marginal rate); None at the first point.
    kept_per_extra_euro: float | None = Field(
        None,
        description=(
            "What the household keeps of each euro earned since the previous "
            "point (1 minus the effective marginal rate); null at the first "
            "point."
        ),
    )
    amounts: dict[str, float] = Field(
        default_factory=dict, description="Monthly net amount in euros of each aid, by aid id."
    )


class EarningsCurve(StrictModel):
    """Aids and earnings of the household as one person's net pay varies."""

    person_id: str = Field(description="The person whose net pay varies.")
    #: The monthly net SMIC (35 h) of the month simulated, the grid's unit.
    smic_net: float = Field(
        description=(
            "The monthly net minimum wage (SMIC, 35 h) of the month simulated, in"
            " euros: the grid's unit."
        )
    )
    points: list[CurvePoint] = Field(description="The curve, by increasing earnings.")


class WhatWouldChangeReport(StrictModel):
    """Per aid, the nearest changes, and the earnings curves."""

    month: str = Field(description="The month simulated, YYYY-MM.")
    engine_version: str = Field(description="OpenFisca-France version used.")
    catalogue_version: str = Field(description="Short hash of the aid catalogue used.")
    #: Monthly amounts of the household now, in steady state (declared
    #: benefits are recomputed, as for every variant).
    current: dict[str, float] = Field(
        description="Monthly net amount in euros of each aid now, by aid id (steady state)."
    )
    thresholds: list[Threshold] = Field(
        description="Where an aid starts or stops along earnings or rent, to the euro."
    )
    changes: list[VariantChange] = Field(
        description="Aid amounts if the household changed (a partner, a new child, a child's age)."
    )
    earnings_curves: list[EarningsCurve] = Field(
        description="Per working-age person, aids and income as their net pay varies."
    )
    #: Households simulated (grid, refinement and variants) and the vectorised
    #: simulations that computed them.
    variants_simulated: int = Field(
        description="Households simulated to build this report (grid, refinement and variants)."
    )
    simulations: int = Field(description="Vectorised engine runs that computed them.")
    notes: list[BilingualText] = Field(
        default_factory=list,
        description="What to keep in mind when reading the report, in French and English.",
    )
