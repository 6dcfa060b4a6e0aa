"""Use case: what would change a household's aids (R6).

From one household: the variants of ``shared.domain.what_if`` (earnings grid
of the applicant and spouse from 0 to 2.5 × SMIC, rent grid, a partner moving
in or out, a child arriving, each child's next age band) are computed in ONE
vectorised simulation (``eligibility.evaluate_aids_batch``: amounts as paid,
in steady state, only the monthly aids the answer reports: the yearly aids
would compute every month of the year and double the cost). Where an aid
starts or stops between two grid points, the interval is cut in 20, all
intervals together, round after round (two for a grid step up to 400 €)
until the threshold is known to the euro. Every amount is the one a
simulation of that variant alone gives (``test_differential.py`` checks
random variants against the oracle; ``test_what_would_change.py`` against
``evaluate``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shared.domain.aids.catalogue import Aid, OpenFiscaComputation, load_catalogue
from shared.domain.aids.explanations import euros
from shared.domain.mandates import MONTHS_EN, MONTHS_FR
from shared.domain.money_rules import NET_TO_GROSS_SALARY
from shared.domain.questionnaire import Household, Relationship
from shared.domain.strict import BilingualText
from shared.domain.what_if import (
    Variant,
    at_value,
    variants,
    without_declared_benefits,
)
from shared.models.what_would_change import (
    CurvePoint,
    EarningsCurve,
    Threshold,
    VariantChange,
    WhatWouldChangeReport,
)
from shared.services import eligibility

#: The OpenFisca parameter of the monthly gross SMIC (35 h a week).
SMIC_GROSS_MONTHLY = "marche_travail.salaire_minimum.smic.smic_b_mensuel"
#: At most this many points tried inside an interval per refinement round: the
#: interval is cut in 20, so two rounds reach the euro for any grid step up to
#: 400 € (each round is one vectorised simulation, whose cost is mostly per
#: simulation, not per household).
MAX_POINTS_PER_ROUND = 19
#: A change of an aid smaller than this (euros a month) is not worth a statement.
NOTABLE = 1.0

STEADY_STATE_NOTE = BilingualText(
    fr="Montants mensuels versés, avec les règles du mois simulé, pour une situation "
    "durable : les aides que vous déclarez recevoir sont recalculées comme pour chaque "
    "changement.",
    en="Monthly amounts paid, under the rules of the month simulated, for a lasting "
    "situation: the aids you declare are recomputed as for every change.",
)
SMIC_NOTE = BilingualText(
    fr="Courbe des revenus : salaire net de 0 à 2,5 fois le SMIC net (estimé à 78 % du "
    "SMIC brut mensuel).",
    en="Earnings curve: net pay from 0 to 2.5 times the net minimum wage (estimated at "
    "78% of the gross monthly minimum wage).",
)


def monthly_aids(catalogue: Any) -> list[Aid]:
    """The catalogue's aids paid every month as money, computed by the engine."""
    return [
        aid
        for aid in catalogue.aids
        if isinstance(aid.computation, OpenFiscaComputation)
        and aid.periodicity == "monthly"
        and aid.computation.output == "amount"
    ]


def smic_net(month: str) -> float:
    """The monthly net SMIC of ``month``, whole euros: the gross SMIC of the
    engine's parameters at the employee's net/gross ratio (money_rules)."""
    engine = eligibility._engine(load_catalogue())
    gross, _ = engine.parameter_value(SMIC_GROSS_MONTHLY, month)
    if gross is None:
        raise LookupError(f"no SMIC in the engine at {month}")
    return float(round(gross / NET_TO_GROSS_SALARY))


class _Batches:
    """Counts the vectorised simulations and the households they computed."""

    def __init__(self, month: str, aid_ids: Sequence[str]) -> None:
        self.month = month
        self.aid_ids = aid_ids
        self.simulations = 0
        self.households = 0

    def run(
        self, households: Sequence[Household], aid_ids: Sequence[str] | None = None
    ) -> list[dict[str, float]]:
        """Amounts of ``aid_ids`` (default: every monthly aid) for each household."""
        if not households:
            return []
        wanted = self.aid_ids if aid_ids is None else aid_ids
        self.simulations += 1
        self.households += len(households)
        rows = eligibility.evaluate_aids_batch(households, self.month, wanted)
        return [{aid_id: row.get(aid_id, 0.0) for aid_id in wanted} for row in rows]


@dataclass
class _Bracket:
    """An interval of an axis where one aid starts or stops."""

    variant: Variant
    aid_id: str
    lo: float
    hi: float
    amount_lo: float
    amount_hi: float

    @property
    def done(self) -> bool:
        return self.hi - self.lo <= 1

    def inside(self) -> list[float]:
        width = self.hi - self.lo
        count = min(MAX_POINTS_PER_ROUND, int(width) - 1)
        points = {float(self.lo + round(width * j / (count + 1))) for j in range(1, count + 1)}
        return sorted(p for p in points if self.lo < p < self.hi)


def _brackets(
    axis_variants: list[Variant], rows: list[dict[str, float]], aid_ids: Sequence[str]
) -> list[_Bracket]:
    """Each grid interval of one axis where an aid's paid/not-paid state flips."""
    out: list[_Bracket] = []
    for aid_id in aid_ids:
        for (left, a), (right, b) in zip(
            zip(axis_variants, rows, strict=True),
            zip(axis_variants[1:], rows[1:], strict=True),
            strict=False,
        ):
            if (a[aid_id] > 0) != (b[aid_id] > 0):
                assert left.value is not None and right.value is not None
                out.append(_Bracket(left, aid_id, left.value, right.value, a[aid_id], b[aid_id]))
    return out


def _refine(base: Household, brackets: list[_Bracket], batches: _Batches) -> None:
    """Narrow every bracket to one euro: each round computes the points inside
    every open bracket in one vectorised simulation, of the aids that flip
    only (fewer formulas to run)."""
    while open_ := [b for b in brackets if not b.done]:
        flipping = sorted({bracket.aid_id for bracket in open_})
        wanted: dict[tuple[int, float], Household] = {}
        for bracket in open_:
            for point in bracket.inside():
                key = (id(bracket.variant), point)
                if key not in wanted:
                    wanted[key] = at_value(base, bracket.variant, point)
        keys = list(wanted)
        rows = dict(zip(keys, batches.run([wanted[k] for k in keys], flipping), strict=True))
        for bracket in open_:
            state = bracket.amount_lo > 0
            lo, amount_lo = bracket.lo, bracket.amount_lo
            hi, amount_hi = bracket.hi, bracket.amount_hi
            for point in bracket.inside():
                amount = rows[(id(bracket.variant), point)][bracket.aid_id]
                if (amount > 0) != state:
                    hi, amount_hi = point, amount
                    break
                lo, amount_lo = point, amount
            bracket.lo, bracket.hi = lo, hi
            bracket.amount_lo, bracket.amount_hi = amount_lo, amount_hi


def _pay_words(household: Household, person_id: str | None) -> tuple[str, str]:
    """Whose net pay, in French and English."""
    person = next((p for p in household.persons if p.id == person_id), None)
    if person is not None and person.relationship is Relationship.SPOUSE:
        return "de salaire net de votre conjoint", "your partner's net pay"
    return "de salaire net", "your net pay"


def _threshold(household: Household, bracket: _Bracket, labels: dict[str, Aid]) -> Threshold:
    """A bracket narrowed to the euro, in words."""
    aid = labels[bracket.aid_id].label
    starts = bracket.amount_hi > 0
    first, last = euros(bracket.hi), euros(bracket.lo)
    amount = euros(bracket.amount_hi if starts else bracket.amount_lo, "month")
    if bracket.variant.axis == "earnings":
        pay_fr, pay_en = _pay_words(household, bracket.variant.person_id)
        if starts:
            fr = f"À partir de {first.fr} par mois {pay_fr}, {aid.fr} commence ({amount.fr})."
            en = f"From {first.en} a month of {pay_en}, {aid.en} starts ({amount.en})."
        else:
            fr = (
                f"Au-delà de {last.fr} par mois {pay_fr}, {aid.fr} s'arrête "
                f"(encore {amount.fr} à {last.fr})."
            )
            en = f"Above {last.en} a month of {pay_en}, {aid.en} stops ({amount.en} at {last.en})."
    elif starts:
        fr = f"Avec un loyer de {first.fr} ou plus, {aid.fr} commence ({amount.fr})."
        en = f"With a rent of {first.en} or more, {aid.en} starts ({amount.en})."
    else:
        fr = (
            f"Avec un loyer de {first.fr} ou plus, {aid.fr} s'arrête "
            f"(encore {amount.fr} à {last.fr})."
        )
        en = f"With a rent of {first.en} or more, {aid.en} stops ({amount.en} at {last.en})."
    axis = bracket.variant.axis
    assert axis in ("earnings", "rent")
    return Threshold(
        axis=axis,
        person_id=bracket.variant.person_id,
        aid_id=bracket.aid_id,
        change="starts" if starts else "stops",
        last_value_before=bracket.lo,
        first_value_after=bracket.hi,
        amount_before=bracket.amount_lo,
        amount_after=bracket.amount_hi,
        statement=BilingualText(fr=fr, en=en),
    )


def _if_clause(household: Household, variant: Variant) -> BilingualText:
    """The condition a variant states, in words."""
    if variant.axis == "couple":
        if any(p.relationship is Relationship.SPOUSE for p in household.persons):
            return BilingualText(
                fr="Sans votre conjoint (et ses revenus)",
                en="Without your partner (and their income)",
            )
        return BilingualText(
            fr="Avec un conjoint sans revenus", en="With a partner who has no income"
        )
    if variant.axis == "new_child":
        return BilingualText(fr="Avec un enfant de plus", en="With one more child")
    assert variant.on is not None and variant.value is not None
    age = int(variant.value)
    when_fr = f"{MONTHS_FR[variant.on.month - 1]} {variant.on.year}"
    when_en = f"{MONTHS_EN[variant.on.month - 1]} {variant.on.year}"
    return BilingualText(
        fr=f"Quand {variant.person_id} aura {age} ans ({when_fr})",
        en=f"When {variant.person_id} turns {age} ({when_en})",
    )


def _change(
    household: Household, variant: Variant, aid: Aid, now: float, then: float
) -> VariantChange:
    condition = _if_clause(household, variant)
    before, after = euros(now, "month"), euros(then, "month")
    label = aid.label
    if then <= 0:
        fr = f"{condition.fr}, {label.fr} s'arrêterait."
        en = f"{condition.en}, {label.en} would stop."
    elif now <= 0:
        fr = f"{condition.fr}, vous auriez droit à {label.fr} : {after.fr}."
        en = f"{condition.en}, you would get {label.en}: {after.en}."
    else:
        fr = f"{condition.fr}, {label.fr} passerait de {before.fr} à {after.fr}."
        en = f"{condition.en}, {label.en} would go from {before.en} to {after.en}."
    axis = variant.axis
    assert axis in ("couple", "new_child", "child_age")
    return VariantChange(
        axis=axis,
        person_id=variant.person_id,
        aid_id=aid.id,
        amount_now=now,
        amount_then=then,
        statement=BilingualText(fr=fr, en=en),
    )


def _curve(
    person_id: str, smic: float, axis: list[Variant], rows: list[dict[str, float]]
) -> EarningsCurve:
    points: list[CurvePoint] = []
    for variant, row in zip(axis, rows, strict=True):
        earnings = float(variant.value or 0.0)
        aids_total = round(sum(row.values()), 2)
        total = round(earnings + aids_total, 2)
        kept = None
        if points and earnings > points[-1].earnings:
            kept = round((total - points[-1].total) / (earnings - points[-1].earnings), 4)
        amounts = {aid_id: amount for aid_id, amount in row.items() if amount > 0}
        points.append(
            CurvePoint(
                earnings=earnings,
                aids_total=aids_total,
                total=total,
                kept_per_extra_euro=kept,
                amounts=amounts,
            )
        )
    return EarningsCurve(person_id=person_id, smic_net=smic, points=points)


def what_would_change(household: Household, month: str | None = None) -> WhatWouldChangeReport:
    """Per monthly aid, the nearest changes of ``household``'s situation that
    start, stop or change it, and the earnings curves (see the module)."""
    month = eligibility._check_month(month)
    catalogue = load_catalogue()
    engine = eligibility._engine(catalogue)
    aids = monthly_aids(catalogue)
    by_id = {aid.id: aid for aid in aids}
    aid_ids = [aid.id for aid in aids if engine.knows(aid.computation.variable)]  # type: ignore[union-attr]
    base = without_declared_benefits(household)
    smic = smic_net(month)
    all_variants = variants(base, month, smic)
    batches = _Batches(month, aid_ids)
    rows = batches.run([base, *(v.household for v in all_variants)])
    current, variant_rows = rows[0], rows[1:]

    brackets: list[_Bracket] = []
    curves: list[EarningsCurve] = []
    changes: list[VariantChange] = []
    axes: dict[tuple[str, str | None], list[int]] = {}
    for index, variant in enumerate(all_variants):
        if variant.axis in ("earnings", "rent"):
            axes.setdefault((variant.axis, variant.person_id), []).append(index)
            continue
        for aid_id in aid_ids:
            now, then = current[aid_id], variant_rows[index][aid_id]
            if abs(then - now) >= NOTABLE:
                changes.append(_change(base, variant, by_id[aid_id], now, then))
    for (axis, person_id), indexes in axes.items():
        axis_variants = [all_variants[i] for i in indexes]
        axis_rows = [variant_rows[i] for i in indexes]
        brackets.extend(_brackets(axis_variants, axis_rows, aid_ids))
        if axis == "earnings" and person_id is not None:
            curves.append(_curve(person_id, smic, axis_variants, axis_rows))
    _refine(base, brackets, batches)
    thresholds = [_threshold(base, bracket, by_id) for bracket in brackets]
    return WhatWouldChangeReport(
        month=month,
        engine_version=engine.france_version,
        catalogue_version=catalogue.version,
        current={aid_id: amount for aid_id, amount in current.items()},
        thresholds=thresholds,
        changes=changes,
        earnings_curves=curves,
        variants_simulated=batches.households,
        simulations=batches.simulations,
        notes=[STEADY_STATE_NOTE, SMIC_NOTE],
    )
