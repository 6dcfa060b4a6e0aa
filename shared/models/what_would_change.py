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

    axis: Literal["earnings", "rent"]
    #: Whose earnings (a person id of the household); None for the rent.
    person_id: str | None = None
    aid_id: str
    change: Literal["starts", "stops"]
    #: The last whole euro with the current side's state, and the first with the other.
    last_value_before: float
    first_value_after: float
    amount_before: float
    amount_after: float
    statement: BilingualText


class VariantChange(StrictModel):
    """An aid's amount if the household changed (a partner, a child, an age)."""

    axis: Literal["couple", "new_child", "child_age"]
    #: The child who ages, or the new child; None for a couple change.
    person_id: str | None = None
    aid_id: str
    amount_now: float
    amount_then: float
    statement: BilingualText


class CurvePoint(StrictModel):
    """One point of the earnings curve."""

    earnings: float
    #: Monthly aids of the catalogue computed by the engine, as paid.
    aids_total: float
    #: ``earnings`` + ``aids_total``.
    total: float
    #: What the household keeps of each euro earned since the previous point
    #: (1 − effective marginal rate); None at the first point.
    kept_per_extra_euro: float | None = None
    amounts: dict[str, float] = Field(default_factory=dict)


class EarningsCurve(StrictModel):
    """Aids and earnings of the household as one person's net pay varies."""

    person_id: str
    #: The monthly net SMIC (35 h) of the month simulated, the grid's unit.
    smic_net: float
    points: list[CurvePoint]


class WhatWouldChangeReport(StrictModel):
    """Per aid, the nearest changes, and the earnings curves."""

    month: str
    engine_version: str
    catalogue_version: str
    #: Monthly amounts of the household now, in steady state (declared
    #: benefits are recomputed, as for every variant).
    current: dict[str, float]
    thresholds: list[Threshold]
    changes: list[VariantChange]
    earnings_curves: list[EarningsCurve]
    #: Households simulated (grid, refinement and variants) and the vectorised
    #: simulations that computed them.
    variants_simulated: int
    simulations: int
    notes: list[BilingualText] = Field(default_factory=list)
