"""Use case: which aids can a household get, and how much (R6).

``evaluate`` answers the API and the CLI (one household, with explanations);
``evaluate_batch`` answers the smart-alert re-evaluation (R5: thousands of
households in one vectorised simulation). Both take the month simulated
("YYYY-MM", default: the current month) so a result can be reproduced.

Order of work for one household, cheapest first:
1. rule aids (``kind: rule``) are decided from the answers alone;
2. aids the answers already rule out (no child → no family allowance; not in
   Paris → no Paris aid) are "not eligible" without any computation;
3. every remaining OpenFisca aid is computed in one simulation, its key
   variables read back to explain the result, and its legal parameters checked
   for staleness. A zero is "to check", not "not eligible", when the aid
   depends on inputs we never ask and the catalogue's ``to_check_when`` rule
   says the household may be concerned (CMG: a child under 6).

Amounts are answered *as paid*: for the aids the catalogue marks
``paid_net_of: [crds]`` (family benefits and the prime d'activité, whose
OpenFisca amounts are gross), the CRDS the CAF withholds is deducted at the
rate OpenFisca-France holds for the month simulated (``paid_amount``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from shared.domain.aids.catalogue import (
    DEDUCTION_PARAMETERS,
    Aid,
    Catalogue,
    FixedParameterAmount,
    OpenFiscaComputation,
    RuleComputation,
    evaluate_rule,
    load_catalogue,
)
from shared.domain.aids.explanations import (
    euros,
    explain_figure,
    format_number,
    format_number_en,
)
from shared.domain.money_rules import paid_amount, yearly_of_monthly
from shared.domain.months import current_month, first_day
from shared.domain.questionnaire import (
    YEAR_MONTH_PATTERN,
    Household,
    commune_of,
    rule_answers,
    ruled_out_aids,
)
from shared.domain.results import (
    AidResult,
    ApplyGuide,
    DocumentNeeded,
    EligibilityReport,
    monthly_total,
)
from shared.domain.strict import BilingualText
from shared.models.simulation import check_supported_month

MONTH_PATTERN = re.compile(YEAR_MONTH_PATTERN)

_cache_dir: Path | None = None


def configure(cache_dir: Path | None) -> None:
    """Where the engine keeps its pickled parameters and derived profile.

    Called once by the composition root with ``settings.engine_cache_dir``;
    the default is ``~/.cache/sesame``. Must precede the first evaluation.
    """
    global _cache_dir
    _cache_dir = cache_dir


def _engine(catalogue: Catalogue) -> Any:
    from shared.adapters import openfisca

    return openfisca.get_engine(openfisca.aid_variables_from_catalogue(catalogue), _cache_dir)


def _check_month(month: str | None) -> str:
    """``month`` (default: the current month), refused outside the supported range
    (``SimulateRequest`` refuses it first; this guards the other callers)."""
    month = month or current_month()
    if not MONTH_PATTERN.match(month):
        raise ValueError(f"month must be YYYY-MM, not {month!r}")
    return check_supported_month(month)


# ------------------------------------------------------------------ rules


def in_territory(aid: Aid, household: Household) -> bool | None:
    """Whether the household lives where a local aid applies (None: unknown)."""
    territory = aid.territory
    if territory is None:
        return True
    commune = commune_of(household.housing.commune)
    if territory.kind == "commune":
        return commune == territory.code
    if territory.kind == "departement":
        return commune.startswith(territory.code)
    return None  # regions: no commune → region table here; say "to check"


def _label(aid: Aid) -> BilingualText:
    return BilingualText(fr=aid.label.fr, en=aid.label.en)


def _apply(aid: Aid) -> ApplyGuide:
    info = aid.apply
    note = BilingualText(fr=info.note.fr, en=info.note.en) if info.note else None
    return ApplyGuide(
        online_service=info.online_service,
        form=info.form,
        form_label=(
            BilingualText(fr=f"Formulaire cerfa n° {info.form}", en=f"Cerfa form no. {info.form}")
            if info.form
            else None
        ),
        automatic=info.automatic,
        note=note,
    )


def catalogue_documents() -> Mapping[str, Any]:
    """The catalogue's supporting documents by id."""
    return load_catalogue().documents


def _document(documents: Mapping[str, Any], doc_id: str) -> DocumentNeeded:
    document = documents[doc_id]
    return DocumentNeeded(
        id=doc_id,
        label=BilingualText(fr=document.label.fr, en=document.label.en),
        special_category=document.special_category,
    )


def _result(aid: Aid, **fields: Any) -> AidResult:
    return AidResult(
        aid_id=aid.id,
        label=_label(aid),
        periodicity=aid.periodicity,
        documents=[_document(catalogue_documents(), doc_id) for doc_id in aid.documents],
        apply=_apply(aid),
        **fields,
    )


def _amounts(monthly: float | None, yearly: float | None) -> dict[str, Any]:
    return {
        "monthly_amount": None if monthly is None else round(monthly, 2),
        "yearly_amount": None if yearly is None else round(yearly, 2),
    }


# ------------------------------------------------------------------ amounts as paid

#: How each deduction of ``Aid.paid_net_of`` is named to users.
DEDUCTION_LABELS: Mapping[str, str] = {"crds": "CRDS"}
_PER: Mapping[str, Literal["month", "year", ""]] = {
    "monthly": "month",
    "yearly": "year",
    "one_off": "",
}


@dataclass(frozen=True)
class _Withholding:
    """What the paying body withholds from one aid at the month simulated."""

    #: (label, rate) of each deduction, e.g. ("CRDS", 0.005).
    rates: tuple[tuple[str, float], ...]
    #: The earliest "last checked" date of the rates' parameters that M is past.
    stale_since: date | None

    def _paid_and_withheld(self, gross: float) -> tuple[float, float]:
        return paid_amount(gross, [rate for _, rate in self.rates])

    def paid(self, gross: float) -> float:
        """The paid amount alone (batches: no words to build per household)."""
        return self._paid_and_withheld(gross)[0]

    def apply(self, gross: float) -> tuple[float, BilingualText]:
        """The paid amount, and the words naming the gross and the deductions."""
        paid, withheld = self._paid_and_withheld(gross)
        names_fr = ", ".join(f"{label} {format_number(rate * 100)} %" for label, rate in self.rates)
        names_en = ", ".join(
            f"{label} {format_number_en(rate * 100)}%" for label, rate in self.rates
        )
        gross_text, withheld_text = euros(paid + withheld), euros(withheld)
        return paid, BilingualText(
            fr=f"montant brut {gross_text.fr}, dont {names_fr} déduite : {withheld_text.fr}",
            en=f"gross amount {gross_text.en}, less {names_en}: {withheld_text.en}",
        )


def _withholding(aid: Aid, engine: Any, month: str) -> _Withholding | None:
    """The catalogue's ``paid_net_of`` of ``aid`` with the engine's rates at ``month``."""
    if not aid.paid_net_of:
        return None
    rates: list[tuple[str, float]] = []
    stale: list[date] = []
    for deduction in aid.paid_net_of:
        rate, stale_since = engine.parameter_value(DEDUCTION_PARAMETERS[deduction], month)
        if rate is None:  # test_paid_amounts checks the engine has it
            raise LookupError(f"{aid.id}: no {deduction} rate in the engine at {month}")
        rates.append((DEDUCTION_LABELS[deduction], rate))
        if stale_since is not None:
            stale.append(stale_since)
    return _Withholding(tuple(rates), min(stale) if stale else None)


def _earliest(*dates: date | None) -> date | None:
    known = [d for d in dates if d is not None]
    return min(known) if known else None


def _paid_line(aid: Aid, paid: float, detail: BilingualText) -> BilingualText:
    amount = euros(paid, _PER[aid.periodicity])
    return BilingualText(
        fr=f"Montant versé : {amount.fr} ({detail.fr}).",
        en=f"Amount paid: {amount.en} ({detail.en}).",
    )


MISSING_ANSWERS = BilingualText(
    fr="Certaines réponses manquent pour conclure : à vérifier.",
    en="Some answers are missing to conclude: to be checked.",
)
UNASKED_FACTS = BilingualText(
    fr="Cette aide dépend d'informations que le questionnaire ne demande pas : à vérifier.",
    en="This aid depends on facts the questionnaire does not ask: to be checked.",
)


def _rule_result(aid: Aid, answers: Mapping[str, Any], engine: Any, month: str) -> AidResult:
    computation = aid.computation
    assert isinstance(computation, RuleComputation)
    decided = evaluate_rule(computation.rule, answers)
    status = {True: "eligible", False: "not_eligible", None: "to_check"}[decided]
    explanation: list[BilingualText] = []
    monthly = yearly = None
    certain = decided is not None
    amount = computation.amount
    if decided is None:
        explanation.append(MISSING_ANSWERS)
    if isinstance(amount, FixedParameterAmount):
        value, valid_until = engine.parameter_value(amount.parameter, month, amount.base == "bmaf")
        if value is not None and decided is not False:
            withholding = _withholding(aid, engine, month)
            if withholding is None:
                text = euros(value)
                explanation.append(
                    BilingualText(
                        fr=f"{amount.meaning.fr} : {text.fr}.",
                        en=f"{amount.meaning.en}: {text.en}.",
                    )
                )
            else:
                value, detail = withholding.apply(value)
                text = euros(value)
                explanation.append(
                    BilingualText(
                        fr=f"{amount.meaning.fr} : {text.fr} versés ({detail.fr}).",
                        en=f"{amount.meaning.en}: {text.en} paid ({detail.en}).",
                    )
                )
                valid_until = _earliest(valid_until, withholding.stale_since)
            if amount.unit == "per_month":
                monthly, yearly = value, yearly_of_monthly(value)
            elif amount.unit in ("per_year", "one_off"):
                yearly = value
            if valid_until is not None:
                certain = False
                explanation.append(stale_note(valid_until))
    elif decided is not False:
        explanation.append(BilingualText(fr=amount.explanation.fr, en=amount.explanation.en))
    return _result(
        aid,
        status=status,
        amount_certain=certain,
        explanation=explanation,
        **_amounts(monthly, yearly),
    )


# ------------------------------------------------------------------ words


def stale_note(known_until: date) -> BilingualText:
    """Why an amount is "à confirmer": the month is after the known legislation."""
    return BilingualText(
        fr="Montant à confirmer : la législation connue s'arrête au "
        f"{known_until.strftime('%d/%m/%Y')} ; une revalorisation ultérieure n'est pas comptée.",
        en="Amount to be confirmed: the known legislation ends on "
        f"{known_until.isoformat()}; a later revaluation is not counted.",
    )


# ------------------------------------------------------------------ openfisca aids


@dataclass(frozen=True)
class _Outcome:
    value: float | bool
    #: (OpenFisca variable, value) of the aid's key figures.
    key_values: list[tuple[str, Any]]
    stale_since: date | None
    structurally_zero: bool
    #: What a new claimant gets in its first months (aids reading the past
    #: quarter), when the engine computed it.
    first_months_value: float | None = None

    @property
    def explanation(self) -> list[BilingualText]:
        """The key figures in the catalogue's curated words (never engine labels)."""
        lines = (explain_figure(name, value) for name, value in self.key_values)
        return [line for line in lines if line is not None]


def _first_months_amount(outcome: _Outcome, withholding: _Withholding | None) -> float | None:
    """A new claimant's monthly amount as paid, when the engine computed it."""
    if outcome.first_months_value is None:
        return None
    if withholding is None:
        return round(outcome.first_months_value, 2)
    return withholding.paid(outcome.first_months_value)


def _openfisca_result(
    aid: Aid,
    outcome: _Outcome,
    withholding: _Withholding | None = None,
    rules_known: Mapping[str, Any] | None = None,
) -> AidResult:
    """The result of an aid the engine computed; ``withholding`` turns the
    engine's gross amount into the amount paid.

    A zero is "not eligible" unless it may only reflect what we do not ask:
    the catalogue's ``to_check_when`` rule holding on ``rules_known`` (the
    answers as rule fields), or an aid no answer can make non-zero.
    """
    computation = aid.computation
    assert isinstance(computation, OpenFiscaComputation)
    value = outcome.value
    explanation = list(outcome.explanation)
    monthly: float | None = None
    yearly: float | None = None
    stale_since = outcome.stale_since
    if computation.output == "eligibility":
        eligible = bool(value)
    elif computation.output == "monthly_contribution":
        eligible = float(value) > 0
        if eligible:
            to_pay = round(float(value), 2)
            per_month = euros(to_pay, "month")
            per_year = euros(yearly_of_monthly(to_pay), "year")
            explanation.insert(
                0,
                BilingualText(
                    fr=f"Participation à payer : {per_month.fr} ({per_year.fr}).",
                    en=f"Contribution to pay: {per_month.en} ({per_year.en}).",
                ),
            )
    else:
        amount = float(value)
        eligible = amount > 0
        if eligible and withholding is not None:
            amount, detail = withholding.apply(amount)
            explanation.insert(0, _paid_line(aid, amount, detail))
            stale_since = _earliest(stale_since, withholding.stale_since)
        if eligible:
            if computation.output == "annual_amount" or computation.period == "year":
                yearly = amount
            elif aid.periodicity == "monthly":
                monthly, yearly = amount, yearly_of_monthly(amount)
            else:
                yearly = amount
    first_months = _first_months_amount(outcome, withholding) if monthly is not None else None
    if first_months is not None and abs(first_months - (monthly or 0.0)) < 0.01:
        first_months = None
    if first_months is not None:
        first = euros(first_months, "month")
        explanation.append(
            BilingualText(
                fr="Si vous ne receviez encore aucune aide les trois mois précédents (situation "
                f"nouvelle) : {first.fr} les trois premiers mois, puis le montant ci-dessus, car "
                "les aides reçues le trimestre précédent comptent dans les ressources.",
                en="If you received no aid in the previous three months (a new situation): "
                f"{first.en} for the first three months, then the amount above, because aids "
                "received in the previous quarter count as resources.",
            )
        )
    unasked = aid.to_check_when
    if eligible:
        status = "eligible"
    elif unasked is not None and evaluate_rule(unasked.rule, rules_known or {}) is True:
        status = "to_check"
        explanation.insert(0, BilingualText(fr=unasked.because.fr, en=unasked.because.en))
    elif outcome.structurally_zero:
        status = "to_check"
        explanation.insert(0, UNASKED_FACTS)
    else:
        status = "not_eligible"
    certain = stale_since is None and status != "to_check"
    if stale_since is not None:
        explanation.append(stale_note(stale_since))
    contribution = (
        round(float(value), 2)
        if computation.output == "monthly_contribution" and status == "eligible"
        else None
    )
    return _result(
        aid,
        status=status,
        amount_certain=certain,
        explanation=explanation,
        monthly_contribution=contribution,
        first_months_monthly_amount=first_months,
        **_amounts(monthly, yearly),
    )


def evaluate(household: Household, month: str | None = None) -> EligibilityReport:
    """Every aid of the catalogue for ``household`` in ``month`` ("YYYY-MM").

    Deterministic for a given (household, month, catalogue, engine version).
    """
    month = _check_month(month)
    catalogue = load_catalogue()
    engine = _engine(catalogue)
    on = first_day(month)
    answers = household.model_dump(mode="json")
    rules_known = rule_answers(answers, on)
    ruled_out = ruled_out_aids(answers, on)
    results: dict[str, AidResult] = {}
    to_compute: list[Aid] = []
    for aid in catalogue.aids:
        computation = aid.computation
        if isinstance(computation, RuleComputation):
            results[aid.id] = _rule_result(aid, rules_known, engine, month)
            continue
        if not engine.knows(computation.variable):
            continue  # an extension this deployment does not load
        where = in_territory(aid, household)
        if where is False:
            territory = aid.territory
            name = territory.name if territory else ""
            results[aid.id] = _result(
                aid,
                status="not_eligible",
                explanation=[
                    BilingualText(
                        fr=f"Aide réservée aux habitants de {name}.",
                        en=f"Aid reserved for residents of {name}.",
                    )
                ],
            )
        elif computation.variable in ruled_out:
            results[aid.id] = _result(
                aid, status="not_eligible", explanation=[ruled_out[computation.variable]]
            )
        else:
            to_compute.append(aid)
    outcomes = engine.evaluate_household(
        household,
        month,
        [aid.id for aid in to_compute],
    )
    for aid in to_compute:
        results[aid.id] = _openfisca_result(
            aid, _Outcome(**outcomes[aid.id]), _withholding(aid, engine, month), rules_known
        )
    ordered = [results[aid.id] for aid in catalogue.aids if aid.id in results]
    return EligibilityReport(
        month=month,
        engine_version=engine.france_version,
        engine_packages=dict(engine.versions),
        catalogue_version=catalogue.version,
        results=ordered,
        monthly_total=monthly_total(ordered),
    )


def evaluate_batch(
    households: Sequence[Household],
    month: str | None = None,
    aid_ids: Collection[str] | None = None,
) -> list[dict[str, float]]:
    """Aid amounts of many households at once, for the smart-alert re-evaluation (R5).

    One vectorised simulation built from numpy arrays. For each household, a
    dict of OpenFisca aid id → monthly amount (yearly and one-off aids as a
    monthly equivalent, amount / 12; eligibility-only aids as 1.0 when
    eligible): a value > 0 means "may concern this household". Amounts are as
    paid, like ``evaluate``'s (for yearly and one-off aids the deduction is
    applied to the monthly equivalent, which may differ from paid / 12 by a
    cent). Rule aids need no engine and are left out; no explanations, no
    stale flags.

    ``aid_ids`` limits the work to those aids (what an alert run's change
    concerns, ``FrenchEngine.needs_settling``); the values are those the
    whole catalogue gives. ``None``, or every engine aid: the whole catalogue.
    """
    return _batch_amounts(households, month, aid_ids, by_alert_change=True)


def evaluate_aids_batch(
    households: Sequence[Household], month: str | None, aid_ids: Sequence[str] | None
) -> list[dict[str, float]]:
    """``evaluate_batch`` limited to the OpenFisca aids ``aid_ids`` (None:
    all), through the engine's own pruning: the formulas only other aids need
    are not run ("what would change it" asks the monthly aids only, and skips
    the yearly aids' computation of every month of the year). Each amount
    equals ``evaluate_batch``'s."""
    return _batch_amounts(households, month, aid_ids, by_alert_change=False)


def _batch_amounts(
    households: Sequence[Household],
    month: str | None,
    aid_ids: Collection[str] | None,
    by_alert_change: bool,
) -> list[dict[str, float]]:
    """The batch amounts, local rules and withholdings applied.

    ``by_alert_change``: the past months are settled only when one of the asked
    aids reads a steady-state benefit (``FrenchEngine.needs_settling``);
    otherwise always, as for the whole catalogue.
    """
    month = _check_month(month)
    if not households:
        return []
    catalogue = load_catalogue()
    engine = _engine(catalogue)
    if aid_ids is None or {a.aid_id for a in engine.aids} <= set(aid_ids):
        rows = list(engine.evaluate_batch(households, month))
    else:
        asked = [aid for aid in engine.aids if aid.aid_id in set(aid_ids)]
        settle = not by_alert_change or any(engine.needs_settling(aid, month) for aid in asked)
        ids = [aid.aid_id for aid in asked]
        rows = list(engine.evaluate_batch(households, month, ids, settle_first=settle))
    local = [aid for aid in catalogue.aids if aid.territory is not None]
    withheld = [
        (aid.id, withholding)
        for aid in catalogue.aids
        if (withholding := _withholding(aid, engine, month)) is not None
        and isinstance(aid.computation, OpenFiscaComputation)
    ]
    # Households of a batch share few distinct gross amounts (a family benefit's
    # amount per number of children): each is turned into its paid amount once
    # per batch, not once per household (Decimal arithmetic, ~10 µs each).
    paid_of: dict[str, dict[float, float]] = {aid_id: {} for aid_id, _ in withheld}
    for household, row in zip(households, rows, strict=True):
        for aid in local:
            if aid.id in row and in_territory(aid, household) is False:
                row[aid.id] = 0.0
        for aid_id, withholding in withheld:
            gross = row.get(aid_id, 0.0)
            if gross > 0:
                known = paid_of[aid_id]
                paid = known.get(gross)
                if paid is None:
                    paid = known[gross] = withholding.paid(gross)
                row[aid_id] = paid
    return rows


def warm_up(month: str | None = None) -> None:
    """Build the engine and its cache, and run one simulation.

    For deployment images (``sesame warm-cache``) and for instance start-up
    hooks: the first real request then finds a warm process.
    """
    from shared.adapters import openfisca

    catalogue = load_catalogue()
    engine = _engine(catalogue)
    _ = engine.profile
    evaluate(openfisca.reference_households()[0], month)
    openfisca.keep_out_of_collector()
