"""Steady state: benefits of past months are those the rules give.

The household has lived in the declared situation since well before the
oldest month any rule reads, and each past month it received what the rules
give for that month; benefits it declares are taken as declared.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from shared.domain.months import add_months, first_day
from shared.domain.questionnaire import Household, SchoolLevel, ruled_out_aids

if TYPE_CHECKING:  # pragma: no cover - typing only
    pass
from shared.adapters.openfisca.plan import Kind, Plan, _months_of
from shared.adapters.openfisca.speedups import _month_period

#: Steady state: the household has lived in the declared situation since well
#: before the oldest month any rule reads, and each past month it received what
#: the rules give for that month. Benefits of past months are therefore
#: computed, month by month, oldest first, each month completely before the
#: next (:func:`settle`). Asked for M directly, OpenFisca would instead follow
#: the chain RSA(M) → AAH complements of the quarter → housing aid → RSA of the
#: month before… back in time until its spiral guard cuts it and caches
#: defaults, and the answer would depend on which aid is asked first.
#:
#: Inside a month, the order follows the legal reference periods: first the
#: benefits whose bases read only resources and other months (minima sociaux
#: on the past quarter or year, prestations familiales and school grants on
#: the N-2 tax year), then the housing aid (reads the RSA of the month before
#: and the student-grant status), then what reads this month's housing aid
#: (AAH complements), then the RSA (forfait logement of the month, the
#: quarter's benefits) and last the prime d'activité (reads the RSA).
STEADY_STATE_ORDER: tuple[str, ...] = (
    "aah",
    "asi",
    "aspa",
    "ass",
    "aeeh",
    "af",
    "cf",
    "asf",
    "paje_base",
    "bourse_college",
    "bourse_lycee",
    "bourse_criteres_sociaux",
    "aide_logement",
    "mva",
    "caah",
    "rsa",
    "ppa",
)


#: The longest reference period a catalogue aid reads before M: the
#: complémentaire santé solidaire counts the resources of the twelve months
#: before the request, benefits included (Code de la sécurité sociale art.
#: R861-8; OpenFisca-France ``css_cmu_base_ressources_individu`` sums
#: M − 12 to M − 1, with the AAH complements, whose amount reads the housing
#: aid of the month).
LONGEST_LOOK_BACK_MONTHS = 12

#: The first settled month is itself computed from the months before it, on
#: demand: its housing aid asks for the RSA of the month before, which follows
#: the chain back in time until OpenFisca's spiral guard cuts it, and a value
#: computed inside that cut can be wrong. Seen: a housing aid of 332 € instead
#: of 180 € in the first settled month, a coefficient K computed as if the
#: household had no resources; the prime d'activité, which reads the housing
#: aid of its quarter, was then 3–10 € a month too low, and some AAH
#: households' complémentaire santé solidaire differed. So one more month is
#: settled before the oldest month an aid reads: it absorbs the cut, and every
#: month an aid reads is computed from a settled month before it.
WARM_UP_MONTHS = 1

#: Months before M the product settles before computing M: every month an aid
#: reads must be in the steady state, after the warm-up month. Settled from
#: M − 6 only, the months M − 12 to M − 7 the CSS reads were computed on
#: demand and the CSS participation of some households differed from the
#: oracle's (which settles 24 months).
SETTLE_MONTHS = LONGEST_LOOK_BACK_MONTHS + WARM_UP_MONTHS


#: Benefits that are zero whenever an aid the answers rule out is (the AAH
#: complements need the AAH).
RULED_OUT_WITH: dict[str, tuple[str, ...]] = {"aah": ("aah", "caah", "mva")}


#: School grants and the schooling each needs (Code de l'éducation art. D531-1
#: collège, D531-19 lycée; higher-education grants for students).
SCHOOL_GRANTS: dict[str, SchoolLevel] = {
    "bourse_college": SchoolLevel.MIDDLE,
    "bourse_lycee": SchoolLevel.HIGH,
    "bourse_criteres_sociaux": SchoolLevel.HIGHER,
}


#: The answers ``questionnaire.ruled_out_aids`` reads: :func:`ruled_out_benefits`
#: hands it only these, run for every household of a batch (a full dump of
#: 10,000 households costs about 0.16 s of CPU, this one 0.11 s).
#: ``test_engine_shortcuts`` checks it rules out what the whole answers do.
RULE_FIELDS: dict[str, Any] = {
    "persons": {
        "__all__": {
            "relationship": True,
            "birth_date": True,
            "disability_rate": True,
            "activity": True,
            "resources": {"__all__": {"kind"}},
        }
    },
    "expected_birth": True,
    "housing": {"status"},
}


def ruled_out_benefits(household: Household, month: str) -> frozenset[str]:
    """Steady-state benefits the answers rule out in every month (no child: no
    family benefit; no rent: no housing aid; nobody at collège: no collège
    grant…): held at 0 instead of computed. The rules of
    ``questionnaire.ruled_out_aids`` and the schooling depend only on facts
    that do not change from month to month."""
    out: set[str] = set()
    for name in ruled_out_aids(household.model_dump(include=RULE_FIELDS), first_day(month)):
        out.update(RULED_OUT_WITH.get(name, (name,)))
    levels = {person.school_level for person in household.persons}
    out.update(grant for grant, level in SCHOOL_GRANTS.items() if level not in levels)
    return frozenset(out) & frozenset(STEADY_STATE_ORDER)


def hold_at_zero(
    simulation: Any, plan: Plan, names: Iterable[str], months: Kind = "window"
) -> None:
    """Set each of ``names`` to 0 in every month of ``months`` ("window": a
    benefit the answers rule out, nothing to compute; "received": every month
    but M, a household that has received none of them yet). Declared benefits
    keep the household's figures."""
    system = simulation.tax_benefit_system
    for name in sorted(names):
        variable = system.variables.get(name)
        if variable is None or name in plan.columns:
            continue  # declared: the household's own figures stand
        holder = simulation.get_holder(name)
        zeros = holder.default_array()
        for m in _months_of(plan.month, months):
            holder._set(_month_period(m), zeros.copy())
    simulation._memo.clear()


#: The benefits whose month-by-month computation fixes every other one: the
#: links of the two chains that run back in time. The housing aid and the RSA:
#: RSA → AAH complements → housing aid → RSA of the month before. The AAH, the
#: ASI and the ASS: the ASS counts the AAH of the twelve months before its
#: month (Code du travail art. R5423-1 to R5423-6; OpenFisca-France
#: ``ass_base_ressources_individu``, a rolling year), the AAH deducts the
#: ASI of the month before, the ASI counts the ASS. Computed on demand, a link
#: met a second time inside one computation is cut by OpenFisca's spiral guard,
#: and every value computed between the two meetings is forgotten when the
#: computation ends, then computed again (and cut again) by the next formula
#: that reads it: on 10,000 generated households of 2026-11, 2,164 formula
#: runs were repeats, 1,396 of them in settled months (a settled month's
#: housing aid computed up to six times): settling both chains cut that
#: batch's CPU by 13–28 % in one process, by the machine's phase. Settled
#: month by month, oldest first, every link reads a month already computed,
#: and nothing inside the window is cut. The other benefits of
#: :data:`STEADY_STATE_ORDER` read resources and other months only, so
#: computing them when a later formula first asks gives the value an eager
#: computation would: when the RSA of a month asks for them,
#: every earlier month of the chains is already settled. Skipping their eager
#: computation saves what no aid reads (the prime d'activité, school grants
#: and family benefits of past months nobody's RSA or housing aid counts).
#: The differential test proves it against the oracle, which settles all of
#: :data:`STEADY_STATE_ORDER` over 24 months.
SETTLED_CHAIN: tuple[str, ...] = ("aah", "asi", "ass", "aide_logement", "mva", "caah", "rsa")


#: The benefits whose being held at 0 lets a household be settled
#: :data:`SHORT_SETTLE_MONTHS` back only: the AAH and its complements. The
#: complements read the housing aid of their own month and the CSS counts them
#: over the twelve months before M;
#: with the AAH itself possible, some households' amounts still depend on the
#: months before the short look-back (``test_settled_chain``: a CSS
#: participation).
YEAR_BACK_READERS = frozenset(RULED_OUT_WITH["aah"])

#: The oldest month before M a household without the AAH has its benefits
#: read: the RSA and the prime d'activité count the quarter M − 3 to M − 1, and
#: the contrat d'engagement jeune reads the prime d'activité of that quarter,
#: each of which counts the quarter before it (one month earlier still in the
#: départements of the RSA experiment), whose housing aid reads the RSA of the
#: month before. Measured on 2026-12-02 (10,000 generated households of
#: 2026-11, 10 % of AAH households): settled from M − 4 or M − 8, 2 of them
#: had another allocation de rentrée scolaire than a settling of 24 months;
#: from M − 9, every amount of all 10,000 equals it
#: (``test_settled_chain.test_a_household_without_the_aah_is_settled_back_to_what_its_aids_read``).
SHORT_LOOK_BACK_MONTHS = 8

#: Months settled before M when the AAH is ruled out (nobody aged 16 or over
#: declares a disability rate of 50 % or more): the short look-back plus the
#: warm-up month (:data:`WARM_UP_MONTHS`). The differential test proves the
#: amounts equal the oracle's (24 settled months), and ``test_settled_chain``
#: that they equal a settling of a year.
SHORT_SETTLE_MONTHS = SHORT_LOOK_BACK_MONTHS + WARM_UP_MONTHS


def settle_months(zero: frozenset[str]) -> int:
    """How many months before M to settle, given the benefits held at 0:
    :data:`SETTLE_MONTHS` when the AAH may be paid, else
    :data:`SHORT_SETTLE_MONTHS`."""
    return SHORT_SETTLE_MONTHS if zero >= YEAR_BACK_READERS else SETTLE_MONTHS


#: Aid variables that read the settled chain after M: the prime de Noël reads
#: the RSA of November and December of M's year (``corrections``). Asked
#: directly, the RSA of November would follow the chain back to M through
#: OpenFisca's spiral guard (housing aid of the month → RSA of the month
#: before…); the months after M are settled instead, oldest first, as the
#: household's steady state goes on.
READS_AHEAD = frozenset({"aefa"})


def months_ahead(month: str, variables: Iterable[str]) -> int:
    """Months after M to settle when ``variables`` are computed: to December
    of M's year if one of them reads ahead (:data:`READS_AHEAD`), else none."""
    return 12 - int(month[5:7]) if READS_AHEAD.intersection(variables) else 0


def settle(
    simulation: Any,
    month: str,
    months_before: int = SETTLE_MONTHS,
    order: Iterable[str] = SETTLED_CHAIN,
    reading: Iterable[str] = (),
) -> None:
    """Compute the benefits of ``order`` (default: the links of the chains that
    run back in time, :data:`SETTLED_CHAIN`) for every month from M − ``months_before`` to
    M, and on to December when a variable of ``reading`` (the aids about to be
    asked) reads ahead (:func:`months_ahead`), oldest first, each month
    completely before the next (inputs stay as declared).
    :data:`STEADY_STATE_ORDER` computes every steady-state benefit.

    Months before the first settled month are computed on demand, cut by
    OpenFisca's spiral guard; a value computed there is kept once computed
    (``PrunedSimulation.invalidate_cache_entry``) instead of being computed
    again, with another cut, by each formula that reads it. Those values are
    as approximate either way: the warm-up month absorbs them. Measured on
    10,000 generated households (2025-05, 2026-04, 2026-11), the AAH
    households' batch took 26–35 % less CPU, and the households whose amounts
    differ from a settling of 24 months of every benefit went from 5, 5, 8 to
    3, 6, 4, of the kinds docs/simulation.md lists (known limits)."""
    system = simulation.tax_benefit_system
    names = [name for name in order if name in system.variables]
    first = _month_period(add_months(month, -months_before))
    # Only the product's simulations keep them: a plain OpenFisca simulation
    # (the baseline of bench/simulation.py) settles with OpenFisca's own rule.
    if hasattr(simulation, "keep_cut_values_before"):
        simulation.keep_cut_values_before = first.start
    for offset in range(-months_before, months_ahead(month, reading) + 1):
        period = _month_period(add_months(month, offset))
        for name in names:
            simulation.calculate(name, period)


#: Aids whose amount reads the benefits of the quarter before M: a new
#: claimant's first months differ from the steady state, and the result says so.
QUARTERLY_AIDS = frozenset({"rsa", "ppa"})
