"""OpenFisca-France behind one small interface: household answers in, aid amounts out.

Why it looks like this (measured on the 2-core development machine, see
``docs/simulation.md`` and ``bench/simulation.py``):

* **One input plan, two builders.** :func:`plan_household` turns a
  :class:`~shared.domain.questionnaire.Household` into the OpenFisca inputs, with
  the resource history each aid reads (January of year N-2 up to the simulated
  month: the RSA/PPA read the 3 previous months, housing aids 12 months ending
  M-2, the CSS M-12..M-1, family aids the N-2 tax year). The fast path builds
  simulations from numpy arrays (one household or 10,000 alike);
  :func:`situation_json` builds the plain OpenFisca JSON situation of the same
  plan, which the differential test and the benchmark compute naively.
* **Benefits of other months are inputs.** In every month but M, each
  benefit is what the household declared it receives (else 0), not
  recomputed up to 36 times: OpenFisca computes the benefits of month M only
  (the prime de Noël then reads the declared RSA of the year plus month M's).
* **Pruning.** Most of the ~50,000 formula calls of a naive simulation compute
  zeros: payroll contributions, self-employment, capital income… for inputs
  the questionnaire never sets. The engine derives once (from OpenFisca's own
  trace of reference households and the formulas' code) the set of variables
  that are zero whatever the answers, and skips their formulas. The
  differential test proves amounts stay identical.
* **Cold start.** The parameters tree is pickled (YAML parsing is most of the
  build), variable source files are not re-parsed for introspection, and
  parameters are resolved lazily per date instead of the whole tree per date.

``import openfisca_*`` happens only inside this module's functions: importing
the module is cheap, and ``signup`` never imports it at all.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.metadata
import importlib.util
import inspect
import os
import pickle
import sys
import threading
import types
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from shared.domain.money_rules import (
    PensionCsgBand,
    pension_bands,
    pension_from_net,
    taxable_salary,
)
from shared.domain.months import add_months, first_day
from shared.domain.questionnaire import (
    RENT_PAYING,
    UNEMPLOYED,
    ActivityStatus,
    CoupleStatus,
    Household,
    HousingStatus,
    Person,
    Relationship,
    ResourceKind,
    SchoolLevel,
    commune_of,
    ruled_out_aids,
)
from shared.structured_log import log_event

if TYPE_CHECKING:  # pragma: no cover - typing only
    from openfisca_core.simulations import Simulation
    from openfisca_core.taxbenefitsystems import TaxBenefitSystem

#: ``component`` of the engine's log events. They go through
#: :func:`shared.structured_log.log_event`, whose fixed vocabulary keeps personal
#: data out: a reason names a variable, a period or an exception type, never a
#: value or an exception's message (which may quote inputs).
LOG_COMPONENT = "openfisca_engine"


def _warn(event: str, reason: str, count: int | None = None) -> None:
    fields: dict[str, Any] = {"component": LOG_COMPONENT, "reason": reason}
    if count is not None:
        fields["count"] = count
    log_event(event, "WARNING", **fields)


#: Bump when the plan or the pruning derivation changes: invalidates cached profiles.
PROFILE_VERSION = 6
ENGINE_DISTRIBUTIONS = ("openfisca-core", "openfisca-france")
EXTENSION_DISTRIBUTIONS = {
    "openfisca_france_local": "openfisca-france-local",
    "openfisca_paris": "openfisca-paris",
}
#: Months the pruning profile is derived at (fixed, so the profile is deterministic).
#: The API simulates from ``shared.models.simulation.FIRST_SUPPORTED_MONTH``
#: (2024-01, the earliest month the differential test proves; OpenFisca-France
#: lacks parameters for much older months) to 12 months after the current month.
PROFILE_MONTHS = ("2024-03", "2025-05")

Output = Literal["amount", "annual_amount", "monthly_contribution", "eligibility"]


def default_cache_dir() -> Path:
    """``~/.cache/sesame``: where the pickled parameters and profile live."""
    return Path("~/.cache/sesame").expanduser()


# ======================================================================= aids


@dataclass(frozen=True)
class AidVariable:
    """What the engine needs to know about one aid computed by OpenFisca."""

    aid_id: str
    variable: str
    period: Literal["month", "year"]
    entity: str
    output: Output = "amount"
    key_variables: tuple[str, ...] = ()
    periodicity: Literal["monthly", "yearly", "one_off"] = "monthly"
    extension: str | None = None


def aid_variables_from_catalogue(catalogue: Any) -> tuple[AidVariable, ...]:
    """The OpenFisca aids of a catalogue (``shared.domain.aids.catalogue``)."""
    out: list[AidVariable] = []
    for aid in catalogue.aids:
        computation = aid.computation
        if getattr(computation, "kind", None) != "openfisca":
            continue
        out.append(
            AidVariable(
                aid_id=aid.id,
                variable=computation.variable,
                period=computation.period,
                entity=computation.entity,
                output=getattr(computation, "output", "amount"),
                key_variables=tuple(computation.key_variables),
                periodicity=aid.periodicity,
                extension=getattr(computation, "extension", None),
            )
        )
    return tuple(out)


# ======================================================================= periods


@functools.cache
def _window(month: str) -> tuple[tuple[str, ...], frozenset[str], tuple[str, ...], frozenset[str]]:
    """(window, its set, the window's months other than ``month``, their set)."""
    window = tuple(month_window(month))
    others = tuple(m for m in window if m != month)
    return window, frozenset(window), others, frozenset(others)


def month_window(month: str) -> list[str]:
    """Every month from January of year N-2 to December of year N.

    The widest history the catalogue's rules read: family aids, the chèque
    énergie and school grants read the N-2 tax year; housing aids 12 months
    ending M-2; the CSS M-12..M-1; the RSA and PPA the last quarter. The months
    after M assume the declared situation goes on: yearly aids (the prime de
    Noël reads the RSA of November) look ahead within year N.
    """
    january = f"{int(month[:4]) - 2:04d}-01"
    return [add_months(january, offset) for offset in range(36)]


def birth_grant_month(expected_birth: date) -> str:
    """The month the PAJE birth grant is paid: the 7th month of pregnancy."""
    return add_months(expected_birth.strftime("%Y-%m"), -2)


def _age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


# ======================================================================= plan

# Questionnaire vocabulary → OpenFisca enum names.
ACTIVITE = {
    ActivityStatus.EMPLOYED: "actif",
    ActivityStatus.SELF_EMPLOYED: "actif",
    ActivityStatus.IN_PAID_TRAINING: "actif",
    ActivityStatus.UNEMPLOYED_COMPENSATED: "chomeur",
    ActivityStatus.UNEMPLOYED_NOT_COMPENSATED: "chomeur",
    ActivityStatus.STUDENT: "etudiant",
    ActivityStatus.RETIRED: "retraite",
    ActivityStatus.INACTIVE: "inactif",
}
SCOLARITE = {
    SchoolLevel.NONE: "inconnue",
    SchoolLevel.NURSERY: "maternelle",
    SchoolLevel.PRIMARY: "primaire",
    SchoolLevel.MIDDLE: "college",
    SchoolLevel.HIGH: "lycee",
    SchoolLevel.HIGHER: "enseignement_superieur",
}
STATUT_OCCUPATION = {
    HousingStatus.TENANT: "locataire_vide",
    HousingStatus.TENANT_FURNISHED: "locataire_meuble",
    HousingStatus.TENANT_SOCIAL: "locataire_hlm",
    HousingStatus.FIRST_TIME_BUYER: "primo_accedant",
    HousingStatus.OWNER: "proprietaire",
    HousingStatus.HOSTED_FREE: "loge_gratuitement",
    HousingStatus.RESIDENCE: "locataire_foyer",
    HousingStatus.HOMELESS: "sans_domicile",
}
STATUT_MARITAL = {
    CoupleStatus.MARRIED: "marie",
    CoupleStatus.PACS: "pacse",
    CoupleStatus.COHABITING: "celibataire",
    CoupleStatus.SINGLE: "celibataire",
}

#: Declared resources → individual OpenFisca inputs, every month of the window.
#: The questionnaire asks net amounts; each rule reads its own base, converted
#: by ``shared.domain.money_rules``: taxable pay (the N-2 bases) is net pay plus
#: the non-deductible CSG and CRDS; a pension is given gross (the ASPA and ASI
#: read ``retraite_brute``), taxable and net, with the levies of the CSG band
#: the household's income puts it in. Unemployment, invalidity and sickness
#: benefits are taken taxable = net.
INDIVIDUAL_RESOURCES: dict[ResourceKind, tuple[str, ...]] = {
    ResourceKind.SALARY: ("salaire_net", "salaire_imposable"),
    ResourceKind.UNEMPLOYMENT: ("chomage_net", "chomage_imposable"),
    ResourceKind.RETIREMENT_PENSION: ("retraite_brute", "retraite_imposable", "retraite_nette"),
    ResourceKind.INVALIDITY_PENSION: ("pensions_invalidite",),
    ResourceKind.SICKNESS_ALLOWANCE: ("indemnites_journalieres_maladie",),
    ResourceKind.ALIMONY_RECEIVED: ("pensions_alimentaires_percues",),
}


def _converted(name: str, net: float, band: PensionCsgBand) -> float:
    """The value of input ``name`` for a declared net monthly amount."""
    if name == "salaire_imposable":
        return taxable_salary(net)
    if name.startswith("retraite_"):
        amounts = pension_from_net(net, band)
        return {"retraite_brute": amounts.gross, "retraite_imposable": amounts.taxable}.get(
            name, net
        )
    return net


#: Benefits the household declares it receives: inputs for every month of the
#: window except M (M is what we compute). A benefit it does not declare is not
#: an input: the rules give it, month by month (steady state, below).
PAST_INDIVIDUAL_BENEFITS: dict[ResourceKind, str] = {
    ResourceKind.AAH: "aah",
    ResourceKind.ASS: "ass",
}
PAST_FAMILY_BENEFITS: dict[ResourceKind, tuple[str, ...]] = {
    ResourceKind.RSA: ("rsa",),
    ResourceKind.PPA: ("ppa",),
    # Declared net: both the gross-of-CRDS total and the net amount readers use.
    ResourceKind.HOUSING_AID: ("aide_logement", "aide_logement_montant"),
    ResourceKind.FAMILY_ALLOWANCES: ("af",),
    ResourceKind.FAMILY_SUPPLEMENT: ("cf",),
    ResourceKind.FAMILY_SUPPORT: ("asf",),
    ResourceKind.PAJE_BASE: ("paje_base",),
}

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
#: Months before M the product settles before computing M. The chain above has
#: a short memory (a quarter for the RSA, one month for the housing aid), so
#: values settle within a few months; the differential test proves the answer
#: equals the oracle's, which settles 24 months.
SETTLE_MONTHS = 6


#: Benefits that are zero whenever an aid the answers rule out is (the AAH
#: complements need the AAH).
RULED_OUT_WITH: dict[str, tuple[str, ...]] = {"aah": ("aah", "caah", "mva")}


def ruled_out_benefits(ruled_out: Iterable[str]) -> frozenset[str]:
    """Steady-state benefits the answers rule out in every month (no child: no
    family benefit; no rent: no housing aid…): held at 0 instead of computed.
    ``ruled_out`` are the aid variables of ``questionnaire.ruled_out_aids``,
    which depend only on facts that do not change from month to month."""
    out: set[str] = set()
    for name in ruled_out:
        out.update(RULED_OUT_WITH.get(name, (name,)))
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


def settle(simulation: Any, month: str, months_before: int = SETTLE_MONTHS) -> None:
    """Compute the steady-state benefits of every month from M − ``months_before``
    to M, oldest first, in :data:`STEADY_STATE_ORDER` (inputs stay as declared)."""
    system = simulation.tax_benefit_system
    names = [name for name in STEADY_STATE_ORDER if name in system.variables]
    for offset in range(months_before, -1, -1):
        period = _month_period(add_months(month, -offset))
        for name in names:
            simulation.calculate(name, period)


#: Aids whose amount reads the benefits of the quarter before M: a new
#: claimant's first months differ from the steady state, and the result says so.
QUARTERLY_AIDS = frozenset({"rsa", "ppa"})

#: One-off grants computed in their payment month rather than in M.
BIRTH_GRANTS = frozenset({"paje_naissance"})

Kind = Literal["eternity", "window", "received"]
UNBORN_ID = "enfant_a_naitre"


@dataclass
class Column:
    """One input variable for every member of its entity, across households.

    ``base`` is the value of every month of ``kind`` ("window": every month of
    :func:`month_window`; "received": all of them but M; "eternity": once);
    ``overrides`` maps a month to {entity index: value} where it differs.
    """

    entity: str
    kind: Kind
    base: list[Any]
    overrides: dict[str, dict[int, Any]] = field(default_factory=dict)


@dataclass
class Plan:
    """The OpenFisca inputs of one or many households for one month, as columns.

    Persons are listed household by household, applicant first (person ids
    must sort in role order for OpenFisca); each household is one ``menage``,
    its famille 0 and foyer 0 are the applicant's (results are about them);
    other adults (``Relationship.OTHER``) have their own famille and foyer.
    """

    month: str
    households: int
    person_ids: list[str]
    person_household: np.ndarray
    famille_of: np.ndarray
    famille_role: list[str]
    foyer_of: np.ndarray
    foyer_role: list[str]
    menage_role: list[str]
    first_famille: np.ndarray
    first_foyer: np.ndarray
    n_familles: int
    n_foyers: int
    columns: dict[str, Column]

    @property
    def n_persons(self) -> int:
        return len(self.person_ids)

    def count(self, entity: str) -> int:
        return {
            "individu": self.n_persons,
            "famille": self.n_familles,
            "foyer_fiscal": self.n_foyers,
            "menage": self.households,
        }[entity]

    @property
    def in_first_famille(self) -> np.ndarray:
        """Whether each person belongs to their household's famille 0."""
        return self.famille_of == self.first_famille[self.person_household]


def _ordered_persons(household: Household, with_unborn: bool) -> list[Person]:
    """Applicant, spouse, children, others: OpenFisca wants ids in role order."""
    rank = {
        Relationship.APPLICANT: 0,
        Relationship.SPOUSE: 1,
        Relationship.CHILD: 2,
        Relationship.OTHER: 3,
    }
    persons = sorted(household.persons, key=lambda p: rank[p.relationship])
    if with_unborn and household.expected_birth is not None:
        persons.insert(
            sum(p.relationship is not Relationship.OTHER for p in persons),
            Person(
                id=UNBORN_ID,
                relationship=Relationship.CHILD,
                birth_date=household.expected_birth,
            ),
        )
    return persons


#: Schooling that makes a person whose activity was left blank a pupil or a student.
IN_EDUCATION = frozenset({SchoolLevel.MIDDLE, SchoolLevel.HIGH, SchoolLevel.HIGHER})


def _activite(person: Person) -> str:
    """OpenFisca's ``activite``: the answer, else "etudiant" for a person at
    school (a 16-year-old at lycée is not a young job seeker), else "inactif"."""
    if person.activity is not None:
        return ACTIVITE[person.activity]
    return "etudiant" if person.school_level in IN_EDUCATION else "inactif"


def plan_household(household: Household, month: str, with_unborn: bool = False) -> Plan:
    """The OpenFisca inputs of one household simulated for ``month`` ("YYYY-MM").

    ``with_unborn`` adds the expected child as a member born on the expected
    date: only the PAJE birth grant is computed that way (OpenFisca pays it in
    the month two months before the birth); other aids would count the child
    too early (the PAJE base allowance starts after the birth).
    """
    return plan_households([household], month, with_unborn)


def plan_households(households: Sequence[Household], month: str, with_unborn: bool = False) -> Plan:
    """The OpenFisca inputs of many households for ``month``, column by column.

    One pass over the persons fills plain lists; the simulation is then built
    from arrays (batch re-evaluation of thousands of households, R5).
    """
    _, window_set, _, received_set = _window(month)
    person_ids: list[str] = []
    person_household: list[int] = []
    famille_of: list[int] = []
    famille_role: list[str] = []
    foyer_of: list[int] = []
    foyer_role: list[str] = []
    menage_role: list[str] = []
    first_famille: list[int] = []
    first_foyer: list[int] = []
    births: list[date] = []
    activite: list[str] = []
    rates: list[int] = []
    restriction: list[bool] = []
    scolarite: list[str] = []
    custody: list[bool] = []
    ass_ok: list[bool] = []
    marital: list[str] = []
    applicants: list[int] = []
    declared: dict[ResourceKind, list[tuple[int, int, Any]]] = {}
    n_familles = n_foyers = 0
    for h_index, household in enumerate(households):
        persons = _ordered_persons(household, with_unborn)
        base_famille, base_foyer = n_familles, n_foyers
        first_famille.append(base_famille)
        first_foyer.append(base_foyer)
        n_familles += 1
        n_foyers += 1
        tax_couple = household.couple_status in (CoupleStatus.MARRIED, CoupleStatus.PACS)
        couple_marital = STATUT_MARITAL[household.couple_status]
        for person in persons:
            index = len(person_ids)
            rel = person.relationship
            person_ids.append(person.id)
            person_household.append(h_index)
            if rel is Relationship.APPLICANT:
                applicants.append(index)
                famille_of.append(base_famille)
                famille_role.append("demandeur")
                foyer_of.append(base_foyer)
                foyer_role.append("declarant_principal")
                menage_role.append("personne_de_reference")
            elif rel is Relationship.SPOUSE:
                famille_of.append(base_famille)
                famille_role.append("conjoint")
                menage_role.append("conjoint")
                if tax_couple:
                    foyer_of.append(base_foyer)
                    foyer_role.append("conjoint")
                else:
                    # Concubins file separate tax returns (CGI art. 6).
                    foyer_of.append(n_foyers)
                    foyer_role.append("declarant_principal")
                    n_foyers += 1
            elif rel is Relationship.CHILD:
                famille_of.append(base_famille)
                famille_role.append("enfant")
                foyer_of.append(base_foyer)
                foyer_role.append("personne_a_charge")
                menage_role.append("enfant")
            else:
                famille_of.append(n_familles)
                famille_role.append("demandeur")
                foyer_of.append(n_foyers)
                foyer_role.append("declarant_principal")
                menage_role.append("autre")
                n_familles += 1
                n_foyers += 1
            births.append(person.birth_date)
            activite.append(_activite(person))
            rates.append(person.disability_rate)
            restriction.append(person.disability_restriction)
            scolarite.append(SCOLARITE[person.school_level])
            custody.append(person.alternate_custody)
            # ASS: job seekers only (C. trav. L5423-1); asked of them alone.
            ass_ok.append(person.unemployment_rights_exhausted and person.activity in UNEMPLOYED)
            marital.append(
                couple_marital
                if rel in (Relationship.APPLICANT, Relationship.SPOUSE)
                else "celibataire"
            )
            for resource in person.resources:
                declared.setdefault(resource.kind, []).append((index, famille_of[index], resource))

    n = len(person_ids)
    bands = [
        band for household in households for band in _ordered_bands(household, month, with_unborn)
    ]
    columns: dict[str, Column] = {}

    def column(name: str, entity: str, kind: Kind, base: list[Any]) -> Column:
        entry = columns[name] = Column(entity, kind, base)
        return entry

    column("date_naissance", "individu", "eternity", births)
    column("activite", "individu", "window", activite)
    column("taux_incapacite", "individu", "window", [rate / 100 for rate in rates])
    # "handicap" opens the disabled-child rules (AEEH, AF age limit): 50 % and more.
    column("handicap", "individu", "window", [rate >= 50 for rate in rates])
    column("aah_restriction_substantielle_durable_acces_emploi", "individu", "window", restriction)
    column("scolarite", "individu", "window", scolarite)
    column("garde_alternee", "individu", "window", custody)
    column("ass_precondition_remplie", "individu", "window", ass_ok)
    column("statut_marital", "individu", "window", marital)
    enceinte = column("enceinte", "individu", "window", [False] * n)
    for h_index, household in enumerate(households):
        if household.expected_birth is None:
            continue
        # The applicant carries the pregnancy in our model (RSA majoré for a
        # pregnant single person, CASF art. L262-9): the 9 months before birth.
        birth_month = household.expected_birth.strftime("%Y-%m")
        start = add_months(birth_month, -9)
        for m in window_set:
            if start <= m < birth_month:
                enceinte.overrides.setdefault(m, {})[applicants[h_index]] = True

    for kind, names in INDIVIDUAL_RESOURCES.items():
        for name in names:
            entry = column(name, "individu", "window", [0.0] * n)
            _fill(entry, declared.get(kind, ()), window_set, name, bands)
    for kind, name in PAST_INDIVIDUAL_BENEFITS.items():
        if kind in declared:
            _fill(column(name, "individu", "received", [0.0] * n), declared[kind], received_set)
    for kind, names in PAST_FAMILY_BENEFITS.items():
        base = [0.0] * n_familles
        overrides: dict[str, dict[int, Any]] = {}
        entries = declared.get(kind, ())
        if not entries:
            continue
        for _, famille, resource in entries:
            base[famille] += resource.monthly_amount
        for m in sorted({m for _, _, r in entries for m in r.by_month if m in received_set}):
            totals: dict[int, float] = {}
            for _, famille, resource in entries:
                totals[famille] = totals.get(famille, 0.0) + resource.by_month.get(
                    m, resource.monthly_amount
                )
            overrides[m] = totals
        for name in names:
            column(name, "famille", "received", list(base)).overrides = dict(overrides)

    # Capital is declared per household and carried by the applicant.
    savings = [0.0] * n
    property_value = [0.0] * n
    for h_index, household in enumerate(households):
        savings[applicants[h_index]] = household.assets.savings
        property_value[applicants[h_index]] = household.assets.unrented_real_estate
    column("livret_a", "individu", "window", savings)
    column("valeur_immo_non_loue", "individu", "window", property_value)

    column(
        "statut_occupation_logement",
        "menage",
        "window",
        [STATUT_OCCUPATION[h.housing.status] for h in households],
    )
    column("loyer", "menage", "window", [h.housing.rent or 0.0 for h in households])
    column("depcom", "menage", "window", [commune_of(h.housing.commune) for h in households])
    column("coloc", "menage", "window", [h.housing.shared for h in households])

    return Plan(
        month=month,
        households=len(households),
        person_ids=person_ids,
        person_household=np.asarray(person_household, dtype=np.int64),
        famille_of=np.asarray(famille_of, dtype=np.int64),
        famille_role=famille_role,
        foyer_of=np.asarray(foyer_of, dtype=np.int64),
        foyer_role=foyer_role,
        menage_role=menage_role,
        first_famille=np.asarray(first_famille, dtype=np.int64),
        first_foyer=np.asarray(first_foyer, dtype=np.int64),
        n_familles=n_familles,
        n_foyers=n_foyers,
        columns=columns,
    )


def _ordered_bands(household: Household, month: str, with_unborn: bool) -> list[PensionCsgBand]:
    bands = pension_bands(household, int(month[:4]))
    return [
        bands.get(person.id, PensionCsgBand.EXEMPT)
        for person in _ordered_persons(household, with_unborn)
    ]


def _fill(
    entry: Column,
    declared: Iterable[tuple[int, int, Any]],
    months: frozenset[str],
    name: str = "",
    bands: Sequence[PensionCsgBand] = (),
) -> None:
    """Declared net amounts of a resource → the input ``name`` (converted)."""
    for index, _, resource in declared:
        band = bands[index] if bands else PensionCsgBand.FULL
        entry.base[index] = _converted(name, resource.monthly_amount, band)
        for m, amount in resource.by_month.items():
            if m in months:
                entry.overrides.setdefault(m, {})[index] = _converted(name, amount, band)


#: Every variable :func:`plan_households` may set: the pruning never skips what
#: depends on any of them.
PLAN_INPUT_VARIABLES: frozenset[str] = frozenset(
    {
        "date_naissance",
        "activite",
        "taux_incapacite",
        "handicap",
        "aah_restriction_substantielle_durable_acces_emploi",
        "scolarite",
        "garde_alternee",
        "ass_precondition_remplie",
        "statut_marital",
        "enceinte",
        "livret_a",
        "valeur_immo_non_loue",
        "statut_occupation_logement",
        "loyer",
        "depcom",
        "coloc",
    }
    | {name for names in INDIVIDUAL_RESOURCES.values() for name in names}
    | {name for names in PAST_FAMILY_BENEFITS.values() for name in names}
    | set(PAST_INDIVIDUAL_BENEFITS.values())
)


def _months_of(plan_month: str, kind: Kind) -> tuple[str, ...]:
    window, _, received, _ = _window(plan_month)
    return received if kind == "received" else window


# ======================================================================= plain JSON


def situation_json(plan: Plan, explicit_defaults: bool = False) -> dict[str, Any]:
    """The plain OpenFisca JSON situation of ``plan`` (web API format).

    As a person writing a situation by hand would, it states the facts and
    leaves out resources answered "none" (``explicit_defaults=False``):
    OpenFisca then derives them from their own inputs (zero salary from zero
    gross pay…). Benefits received in other months stay explicit, even at 0:
    "not received" is a fact, not a default. Entity ids are prefixed by the household's position
    when the plan holds several households.
    """
    many = plan.households > 1

    def pid(index: int) -> str:
        person = plan.person_ids[index]
        return f"h{plan.person_household[index]}_{person}" if many else person

    individus: dict[str, dict[str, Any]] = {pid(i): {} for i in range(plan.n_persons)}
    familles: dict[str, dict[str, Any]] = {f"famille_{i}": {} for i in range(plan.n_familles)}
    foyers: dict[str, dict[str, Any]] = {f"foyer_{i}": {} for i in range(plan.n_foyers)}
    menages: dict[str, dict[str, Any]] = {f"menage_{i}": {} for i in range(plan.households)}
    plural = {
        "demandeur": "parents",
        "conjoint": "parents",
        "enfant": "enfants",
        "declarant_principal": "declarants",
        "personne_a_charge": "personnes_a_charge",
        "autre": "autres",
    }
    for index in range(plan.n_persons):
        person = pid(index)
        famille = familles[f"famille_{plan.famille_of[index]}"]
        famille.setdefault(plural[plan.famille_role[index]], []).append(person)
        foyer = foyers[f"foyer_{plan.foyer_of[index]}"]
        role = plan.foyer_role[index]
        foyer.setdefault("declarants" if role == "conjoint" else plural[role], []).append(person)
        menage = menages[f"menage_{plan.person_household[index]}"]
        role = plan.menage_role[index]
        if role in ("personne_de_reference", "conjoint"):
            menage[role] = [person]
        else:
            menage.setdefault(plural[role], []).append(person)
    rows: dict[str, list[dict[str, Any]]] = {
        "individu": list(individus.values()),
        "famille": list(familles.values()),
        "foyer_fiscal": list(foyers.values()),
        "menage": list(menages.values()),
    }
    for name, entry in plan.columns.items():
        targets = rows[entry.entity]
        if entry.kind == "eternity":
            for row, value in zip(targets, entry.base, strict=True):
                row[name] = {"ETERNITY": _json_value(value)}
            continue
        omit = None if explicit_defaults or entry.kind == "received" else _DEFAULTS.get(name)
        for m in _months_of(plan.month, entry.kind):
            override = entry.overrides.get(m, {})
            for index, row in enumerate(targets):
                value = override.get(index, entry.base[index])
                if omit is not None and value == omit:
                    continue
                row.setdefault(name, {})[m] = _json_value(value)
    return {
        "individus": individus,
        "familles": familles,
        "foyers_fiscaux": foyers,
        "menages": menages,
    }


# Defaults of the planned inputs in OpenFisca-France (checked by a unit test).
_DEFAULTS: dict[str, Any] = {
    "activite": "inactif",
    "taux_incapacite": 0.0,
    "handicap": False,
    "aah_restriction_substantielle_durable_acces_emploi": False,
    "scolarite": "inconnue",
    "garde_alternee": False,
    "ass_precondition_remplie": False,
    "statut_marital": "celibataire",
    "enceinte": False,
    "livret_a": 0.0,
    "valeur_immo_non_loue": 0.0,
    "coloc": False,
    **{name: 0.0 for names in INDIVIDUAL_RESOURCES.values() for name in names},
}


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value


# ======================================================================= the system


def _installed_versions(extensions: Sequence[str]) -> dict[str, str]:
    names = list(ENGINE_DISTRIBUTIONS) + [EXTENSION_DISTRIBUTIONS[e] for e in extensions]
    return {name: importlib.metadata.version(name) for name in names}


def _lazy_parameters_class() -> type:
    """A ``ParameterNodeAtInstant`` that resolves children when first read.

    OpenFisca-Core builds the whole tree (3,400 parameters) for every date a
    formula asks about; a simulation asks about ~80 dates, so the first
    simulation spends seconds building nodes no formula reads.
    """
    from openfisca_core.errors import ParameterNotFoundError
    from openfisca_core.parameters import (
        ParameterNode,
        ParameterNodeAtInstant,
        VectorialParameterNodeAtInstant,
    )

    class LazyParameterNodeAtInstant(ParameterNodeAtInstant):
        def __init__(self, name: str, node: Any, instant_str: str) -> None:
            self._name = name
            self._node = node
            self._instant_str = instant_str

        def _resolve(self, key: str) -> Any:
            child = self._node.children.get(key)
            if child is None:
                return None
            if type(child) is ParameterNode:
                value: Any = LazyParameterNodeAtInstant(child.name, child, self._instant_str)
            else:
                value = child._get_at_instant(self._instant_str)
            if value is not None:
                object.__setattr__(self, key, value)
            return value

        def __getattr__(self, key: str) -> Any:
            if key.startswith("__"):
                raise AttributeError(key)
            value = self._resolve(key)
            if value is None:
                raise ParameterNotFoundError(f"{self._name}.{key}", self._instant_str)
            return value

        @property
        def _children(self) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for key in self._node.children:
                value = self.__dict__.get(key)
                if value is None:
                    value = self._resolve(key)
                if value is not None:
                    out[key] = value
            return out

        def __getitem__(self, key: Any) -> Any:
            if isinstance(key, np.ndarray):
                return VectorialParameterNodeAtInstant.build_from_node_name(self, key)
            value = self.__dict__.get(key)
            if value is None:
                value = self._resolve(key)
            if value is None:
                raise ParameterNotFoundError(f"{self._name}.{key}", self._instant_str)
            return value

        def __iter__(self) -> Iterator[str]:
            return iter(self._children)

        def __reduce__(self) -> Any:
            return (LazyParameterNodeAtInstant, (self._name, self._node, self._instant_str))

    return LazyParameterNodeAtInstant


def _build_system(parameters: Any | None, extensions: Sequence[str]) -> TaxBenefitSystem:
    """OpenFisca-France (+ extensions), from pickled parameters when given."""
    from openfisca_core import periods
    from openfisca_core.taxbenefitsystems import TaxBenefitSystem
    from openfisca_core.variables import Variable
    from openfisca_france.conf.cache_blacklist import cache_blacklist
    from openfisca_france.entities import entities
    from openfisca_france.france_taxbenefitsystem import COUNTRY_DIR, FranceTaxBenefitSystem

    lazy_node = _lazy_parameters_class()

    class SesameTaxBenefitSystem(FranceTaxBenefitSystem):
        """France without the costs a simulation service never needs."""

        def __init__(self) -> None:
            TaxBenefitSystem.__init__(self, entities)
            if parameters is None:
                self.load_parameters(os.path.join(COUNTRY_DIR, "parameters"))
            else:
                self.parameters = parameters
            self.add_variables_from_directory(os.path.join(COUNTRY_DIR, "model"))
            self.cache_blacklist = cache_blacklist
            self._at_instant: dict[Any, Any] = {}
            for extension in extensions:
                package = importlib.import_module(extension)
                directory = package.__path__[0]
                self.add_variables_from_directory(directory)
                param_dir = os.path.join(directory, "parameters")
                if parameters is None and os.path.isdir(param_dir):
                    from openfisca_core.parameters import ParameterNode

                    self.parameters.merge(ParameterNode(directory_path=param_dir))

        def add_variables_from_file(self, file_path: str) -> None:
            # Same as OpenFisca-Core minus the ast parse of every file, which
            # only feeds the web API's "source code" field (~1 s at start).
            stem = os.path.splitext(os.path.basename(file_path))[0]
            module_name = f"{id(self)}_{hash(os.path.abspath(file_path))}_{stem}"
            spec = importlib.util.spec_from_file_location(module_name, file_path)
            if spec is None or spec.loader is None:
                return
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            spec.loader.exec_module(module)
            for item in list(vars(module).values()):
                if (
                    inspect.isclass(item)
                    and issubclass(item, Variable)
                    and item.__module__ == module_name
                ):
                    variable_class: Any = item
                    variable_class.introspection_data = (file_path, "", 0)
                    self.add_variable(variable_class)

        def get_parameters_at_instant(self, instant: Any) -> Any:
            if isinstance(instant, periods.Period):
                key = instant.start
            elif isinstance(instant, periods.Instant):
                key = instant
            else:
                key = periods.instant(instant)
            node = self._at_instant.get(key)
            if node is None:
                node = self._at_instant[key] = lazy_node(
                    self.parameters.name, self.parameters, str(key)
                )
            return node

    return SesameTaxBenefitSystem()


def plain_system(extensions: Sequence[str] = ()) -> TaxBenefitSystem:
    """The stock OpenFisca-France system, as anyone would build it (baseline)."""
    from openfisca_france import CountryTaxBenefitSystem

    system = CountryTaxBenefitSystem()
    for extension in extensions:
        system.load_extension(extension)
    return system


# ======================================================================= simulations


def _pruned_simulation_class() -> type:
    from openfisca_core.simulations import Simulation

    class PrunedSimulation(Simulation):
        """A simulation that skips known-zero formulas and answers repeats fast.

        * formulas of ``pruned`` variables are not run (their default is the
          value they would compute for any household we can describe);
        * ``calculate`` remembers its results by (variable, period) as given:
          most of a simulation's calls re-read a value already computed, and
          OpenFisca's full path for a cache hit (period parsing, entity checks,
          tracer, storage lookup) costs ~30 µs each. Values OpenFisca itself
          invalidates (spirals) are forgotten at the same time; tracing
          bypasses the memo so traces stay complete.
        """

        pruned: frozenset[str] = frozenset()

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._memo: dict[tuple[Any, ...], Any] = {}
            self._no_formula = _formula_less(self.tax_benefit_system)

        def calculate(self, variable_name: str, period: Any) -> Any:
            key = (variable_name, period)
            try:
                return self._memo[key]
            except KeyError:
                pass
            except TypeError:  # an unhashable period: take the normal path
                return super().calculate(variable_name, period)
            result = super().calculate(variable_name, period)
            if not self.trace:
                self._memo[key] = result
            return result

        def calculate_add(self, variable_name: str, period: Any) -> Any:
            # Sums over sub-periods are re-requested as often as plain values
            # (the RSA reads the same quarter of resources many times). A copy
            # is returned: unlike cached values, callers may modify a sum.
            if self.trace:
                return super().calculate_add(variable_name, period)
            key = ("+", variable_name, period)
            try:
                cached = self._memo.get(key)
            except TypeError:
                return super().calculate_add(variable_name, period)
            if cached is None:
                cached = self._memo[key] = super().calculate_add(variable_name, period)
            return cached.copy()

        def purge_cache_of_invalid_values(self) -> None:
            if not self.tracer.stack and self.invalidated_caches:
                self._memo.clear()
            super().purge_cache_of_invalid_values()

        def set_input(self, variable_name: str, period: Any, value: Any) -> None:
            self._memo.clear()
            super().set_input(variable_name, period, value)

        def _run_formula(self, variable: Any, population: Any, period: Any) -> Any:
            if variable.name in self.pruned:
                return None
            return super()._run_formula(variable, population, period)

        def _calculate(self, variable_name: str, period: Any) -> Any:
            # Variables without a formula to run (inputs, pruned) only need
            # their stored value or their default: skip the formula machinery.
            if variable_name in self.pruned or variable_name in self._no_formula:
                variable = self.tax_benefit_system.variables[variable_name]
                holder = self.get_variable_population(variable_name).get_holder(variable_name)
                self._check_period_consistency(period, variable)
                cached = holder.get_array(period)
                if cached is not None:
                    return cached
                # Not stored in the holder: the memo keeps it, and a default
                # is as cheap to rebuild as to look up.
                return holder.default_array()
            return super()._calculate(variable_name, period)

        def link_to_entities_instances(self) -> None:
            super().link_to_entities_instances()
            for population in self.populations.values():
                population.__class__ = _fast_population_class(type(population))

    return PrunedSimulation


_FORMULA_LESS: dict[int, frozenset[str]] = {}


def _formula_less(system: Any) -> frozenset[str]:
    """Names of the variables of ``system`` that have no formula (pure inputs)."""
    names = _FORMULA_LESS.get(id(system))
    if names is None:
        names = _FORMULA_LESS[id(system)] = frozenset(
            name for name, variable in system.variables.items() if not variable.formulas
        )
    return names


_FAST_POPULATIONS: dict[type, type] = {}


def _fast_population_class(base: type) -> type:
    """``base`` whose ``population(variable, period)`` answers repeats from the
    simulation's memo once the variable passed OpenFisca's checks for it."""
    if getattr(base, "_sesame_fast", False):
        return base
    fast = _FAST_POPULATIONS.get(base)
    if fast is not None:
        return fast

    def __call__(self: Any, variable_name: str, period: Any, options: Any = None) -> Any:
        if options is None:
            checked = self.__dict__.get("_checked")
            if checked is not None and variable_name in checked:
                try:
                    hit = self.simulation._memo.get((variable_name, period))
                except TypeError:
                    hit = None
                if hit is not None:
                    return hit
        result = base.__call__(self, variable_name, period, options)
        if options is None:
            self.__dict__.setdefault("_checked", set()).add(variable_name)
        return result

    fast = type(f"Fast{base.__name__}", (base,), {"__call__": __call__, "_sesame_fast": True})
    _FAST_POPULATIONS[base] = fast
    return fast


_ORIGINAL_PERIOD_METHODS: dict[str, Any] = {}


def install_period_memo() -> None:
    """Memoise OpenFisca's period arithmetic (``Instant``/``Period`` are immutable
    tuples and these methods pure): a simulation does ~30,000 of them through
    pendulum. Process-wide, idempotent; ``test_period_memo`` compares every
    memoised method with the original on a grid of periods."""
    from openfisca_core.periods import Instant, Period

    if _ORIGINAL_PERIOD_METHODS:
        return

    def memo_method(cls: type, name: str, copy_list: bool = False) -> None:
        original = getattr(cls, name)
        _ORIGINAL_PERIOD_METHODS[f"{cls.__name__}.{name}"] = original
        cache: dict[Any, Any] = {}

        def method(self: Any, *args: Any) -> Any:
            key = (self, *args)
            try:
                value = cache[key]
            except KeyError:
                value = cache[key] = original(self, *args)
            except TypeError:
                return original(self, *args)
            return list(value) if copy_list else value

        method.__doc__ = original.__doc__
        setattr(cls, name, method)

    def memo_property(cls: type, name: str) -> None:
        original = getattr(cls, name)
        _ORIGINAL_PERIOD_METHODS[f"{cls.__name__}.{name}"] = original
        getter = original.fget
        cache: dict[Any, Any] = {}

        def fget(self: Any) -> Any:
            try:
                return cache[self]
            except KeyError:
                value = cache[self] = getter(self)
                return value

        setattr(cls, name, property(fget, doc=original.__doc__))

    memo_method(Instant, "offset")
    memo_method(Period, "offset")
    memo_method(Period, "get_subperiods", copy_list=True)
    for name in (
        "first_month",
        "this_year",
        "last_month",
        "last_3_months",
        "last_year",
        "n_2",
        "stop",
        "size_in_months",
        "size_in_days",
    ):
        if isinstance(getattr(Period, name, None), property):
            memo_property(Period, name)


def build_simulation(
    system: TaxBenefitSystem,
    plan: Plan,
    pruned: frozenset[str] = frozenset(),
) -> Simulation:
    """One vectorised simulation of every household of ``plan``.

    Entities are declared from numpy arrays (no JSON): ids are integers in
    position order, roles the fine-grained ones OpenFisca-France expects.
    """
    from openfisca_core.simulation_builder import SimulationBuilder

    if plan.households == 0:
        raise ValueError("no household to simulate")
    builder = SimulationBuilder()
    builder.create_entities(system)
    populations = builder.populations
    builder.declare_person_entity("individu", np.arange(plan.n_persons))
    for entity, count, members, roles in (
        ("famille", plan.n_familles, plan.famille_of, plan.famille_role),
        ("foyer_fiscal", plan.n_foyers, plan.foyer_of, plan.foyer_role),
        ("menage", plan.households, plan.person_household, plan.menage_role),
    ):
        population = builder.declare_entity(entity, np.arange(count))
        flattened = {role.key: i for i, role in enumerate(population.entity.flattened_roles)}
        builder.join_with_persons(
            population,
            members,
            np.fromiter((flattened[r] for r in roles), dtype=np.int16, count=len(roles)),
        )
    simulation_class = _pruned_simulation_class()
    simulation = simulation_class(system, populations)
    simulation.pruned = pruned
    _set_inputs(simulation, plan)
    return simulation


def _set_inputs(simulation: Simulation, plan: Plan) -> None:
    system = simulation.tax_benefit_system
    for name, entry in plan.columns.items():
        variable = system.variables[name]
        base_array = _typed(variable, entry.base)
        if not entry.overrides and not variable.formulas and _is_default(variable, base_array):
            continue  # an unset input already reads as its default
        holder = simulation.get_holder(name)
        if entry.kind == "eternity":
            holder._set(None, base_array)
            continue
        # Holder._set, not Simulation.set_input: the periods are exactly the
        # variable's definition period, so OpenFisca's input casting (and its
        # per-call string parsing) has nothing to do.
        for m in _months_of(plan.month, entry.kind):
            changes = entry.overrides.get(m)
            if changes:
                values = list(entry.base)
                for position, value in changes.items():
                    values[position] = value
                holder._set(_month_period(m), _typed(variable, values))
            else:
                holder._set(_month_period(m), base_array.copy())
    simulation._memo.clear()


_MONTH_PERIODS: dict[str, Any] = {}


def _month_period(month: str) -> Any:
    period = _MONTH_PERIODS.get(month)
    if period is None:
        from openfisca_core import periods

        period = _MONTH_PERIODS[month] = periods.period(month)
    return period


def _typed(variable: Any, values: Sequence[Any]) -> Any:
    """A list of plain values → the array type OpenFisca stores for ``variable``."""
    from openfisca_core.indexed_enums import EnumArray

    value_type = variable.value_type
    if value_type is float:
        return np.asarray(values, dtype=np.float32)
    if value_type is bool:
        return np.asarray(values, dtype=bool)
    if value_type is int:
        return np.asarray(values, dtype=np.int32)
    if value_type is date:
        return np.asarray(values, dtype="datetime64[D]")
    if value_type is str:
        return np.asarray(values, dtype=str)
    # Enum: encode names into the variable's indices.
    possible = variable.possible_values
    lookup = {item.name: item.index for item in possible}
    indices = np.fromiter((lookup[v] for v in values), dtype=np.int16, count=len(values))
    return EnumArray(indices, possible)


# ======================================================================= the engine


@dataclass
class Profile:
    """What the engine derived once about OpenFisca for our questionnaire."""

    #: Variables whose formula yields the default for every household we can describe.
    pruned: frozenset[str]
    #: Aid variable → parameters its (pruned) computation reads (stale flags).
    aid_parameters: dict[str, tuple[str, ...]]
    #: Aid variables themselves pruned: our questions cannot make them non-zero.
    structurally_zero: frozenset[str]


class FrenchEngine:
    """The tax-benefit system and what we derived about it, built once per process."""

    def __init__(
        self,
        aids: Sequence[AidVariable],
        cache_dir: Path | None = None,
        derive: bool = True,
    ) -> None:
        self.cache_dir = cache_dir if cache_dir is not None else default_cache_dir()
        wanted = sorted({a.extension for a in aids if a.extension})
        # A deployment without an extension skips its local aids (catalogue rule).
        self.extensions = tuple(e for e in wanted if importlib.util.find_spec(e) is not None)
        if len(self.extensions) != len(wanted):
            absent = sorted(set(wanted) - set(self.extensions))
            _warn("openfisca extensions not installed", ", ".join(absent), len(absent))
        self.aids = tuple(aids)
        self.versions = _installed_versions(self.extensions)
        install_period_memo()
        self.system = self._load_system()
        self.aids = tuple(a for a in aids if a.variable in self.system.variables)
        missing = sorted({a.variable for a in aids} - {a.variable for a in self.aids})
        if missing:
            _warn("aid variables unknown to openfisca, skipped", ", ".join(missing), len(missing))
        self._profile: Profile | None = None
        self._profile_lock = threading.Lock()
        self._stale: dict[tuple[str, str], date | None] = {}
        self._derive = derive

    # ---------------------------------------------------------------- versions

    @property
    def engine_version(self) -> str:
        """``openfisca-france==X`` plus extensions: stored with every result."""
        return " ".join(f"{name}=={version}" for name, version in self.versions.items())

    @property
    def france_version(self) -> str:
        return self.versions["openfisca-france"]

    def _key(self, *parts: str) -> str:
        digest = hashlib.sha256(
            repr((sorted(self.versions.items()), self.extensions, PROFILE_VERSION, parts)).encode()
        )
        return digest.hexdigest()[:16]

    # ---------------------------------------------------------------- system

    def _load_system(self) -> TaxBenefitSystem:
        path = self.cache_dir / f"parameters-{self._key()}.pickle"
        parameters = None
        if path.exists():
            try:
                with path.open("rb") as handle:
                    parameters = pickle.load(handle)  # noqa: S301 - our own cache file
            except Exception as error:  # a corrupt cache is rebuilt, never fatal
                _warn("ignoring unreadable parameter cache", type(error).__name__)
                parameters = None
        system = _build_system(parameters, self.extensions)
        if parameters is None:
            _write_atomically(
                path, pickle.dumps(system.parameters, protocol=pickle.HIGHEST_PROTOCOL)
            )
        return system

    # ---------------------------------------------------------------- profile

    @property
    def profile(self) -> Profile:
        """The pruning profile, loaded from the cache or derived (slow, once)."""
        if self._profile is None:
            with self._profile_lock:
                if self._profile is None:
                    self._profile = self._load_profile()
        return self._profile

    def _load_profile(self) -> Profile:
        variables = tuple(sorted({a.variable for a in self.aids} | self._key_variables()))
        path = self.cache_dir / f"profile-{self._key(*variables)}.pickle"
        if path.exists():
            try:
                with path.open("rb") as handle:
                    loaded = pickle.load(handle)  # noqa: S301 - our own cache file
                if isinstance(loaded, Profile):
                    return loaded
            except Exception as error:
                _warn("ignoring unreadable profile cache", type(error).__name__)
        if not self._derive:
            return Profile(frozenset(), {}, frozenset())
        profile = derive_profile(self)
        _write_atomically(path, pickle.dumps(profile, protocol=pickle.HIGHEST_PROTOCOL))
        return profile

    def _key_variables(self) -> set[str]:
        return {
            name for aid in self.aids for name in aid.key_variables if name in self.system.variables
        }

    # ---------------------------------------------------------------- compute

    def simulate(
        self,
        plan: Plan,
        aids: Sequence[AidVariable] | None = None,
        prune: bool = True,
    ) -> tuple[Simulation, dict[str, np.ndarray]]:
        """Compute ``aids`` for every household of ``plan``; values per household
        (famille 0 / menage), as OpenFisca returns them (float or bool)."""
        aids = self.aids if aids is None else aids
        pruned = self.profile.pruned if prune else frozenset()
        simulation = build_simulation(self.system, plan, pruned)
        settle(simulation, plan.month)
        return simulation, {a.aid_id: self.value(simulation, plan, a) for a in aids}

    def knows(self, variable: str) -> bool:
        """True when the loaded system defines ``variable``."""
        return variable in self.system.variables

    def aid(self, aid_id: str) -> AidVariable:
        return next(a for a in self.aids if a.aid_id == aid_id)

    def evaluate_household(
        self, household: Household, month: str, aid_ids: Sequence[str]
    ) -> dict[str, dict[str, Any]]:
        """Value, key figures, staleness of each aid for one household.

        One pruned simulation for all the aids; the PAJE birth grant, paid once
        in the 7th month of pregnancy, is computed in that month with the
        expected child in the family.
        """
        aids = [self.aid(aid_id) for aid_id in aid_ids]
        plan = plan_household(household, month)
        simulation = build_simulation(self.system, plan, self.profile.pruned)
        zero = ruled_out_benefits(
            ruled_out_aids(household.model_dump(mode="json"), first_day(month))
        )
        hold_at_zero(simulation, plan, zero)
        settle(simulation, month)
        first_months = self._first_months(
            plan, [a for a in aids if a.variable in QUARTERLY_AIDS], zero
        )
        out: dict[str, dict[str, Any]] = {}
        for aid in aids:
            sim, used, at = simulation, plan, month
            if aid.variable in BIRTH_GRANTS and household.expected_birth is not None:
                at = birth_grant_month(household.expected_birth)
                used = plan_household(household, at, with_unborn=True)
                sim = build_simulation(self.system, used, self.profile.pruned)
                settle(sim, at)
            period = at if aid.period == "month" else at[:4]
            raw = household_values(sim, used, aid.variable, period)[0]
            out[aid.aid_id] = {
                "value": bool(raw) if np.asarray(raw).dtype == bool else float(raw),
                "key_values": self.key_values(sim, used, aid, at),
                "stale_since": self.stale_since(aid.variable, month),
                "structurally_zero": aid.variable in self.profile.structurally_zero,
                "first_months_value": first_months.get(aid.aid_id),
            }
        return out

    def _first_months(
        self, plan: Plan, aids: Sequence[AidVariable], zero: frozenset[str]
    ) -> dict[str, float]:
        """What ``aids`` pay a new claimant: the benefits it does not declare
        taken as not yet received in the months before M (its first quarter)."""
        if not aids:
            return {}
        simulation = build_simulation(self.system, plan, self.profile.pruned)
        hold_at_zero(simulation, plan, zero)
        hold_at_zero(simulation, plan, set(STEADY_STATE_ORDER) - zero, months="received")
        return {
            aid.aid_id: float(household_values(simulation, plan, aid.variable, plan.month)[0])
            for aid in aids
        }

    def key_values(
        self, simulation: Simulation, plan: Plan, aid: AidVariable, month: str
    ) -> list[tuple[str, Any]]:
        """(variable, value) of the aid's key variables, read from the simulation
        (the words a person reads come from the catalogue's vocabulary).

        They were computed on the way to the aid (OpenFisca's trace of the aid
        lists them), so reading them back costs a cache lookup.
        """
        out: list[tuple[str, Any]] = []
        for name in aid.key_variables:
            variable = self.system.variables.get(name)
            if variable is None:
                continue
            unit = str(variable.definition_period)
            period = month[:4] if unit.endswith("year") else month
            try:
                array = simulation.calculate(name, period if unit != "eternity" else "ETERNITY")
            except Exception as error:
                _warn("key variable failed", f"{name}: {type(error).__name__}")
                continue
            out.append((name, _explained_value(plan, variable, array)))
        return out

    @functools.cached_property
    def legislation_known_until(self) -> date:
        """The last date the engine's legislation is known for: the latest
        ``last_value_still_valid_on`` any OpenFisca-France parameter carries
        (the date its maintainers last checked values against the law) or
        the latest date a value starts on.

        A single horizon rather than each parameter's own date: most
        parameters are not re-dated when they are still valid, so their own
        date says nothing about a month after it (the RSA revalued in April
        2025 still carried a 2024 date); a revaluation the release includes
        is known, whatever its date says.
        """
        checks: list[date] = []
        latest_start = date.min
        for node in _walk([self.system.parameters]):
            checked = (getattr(node, "metadata", None) or {}).get("last_value_still_valid_on")
            if checked is not None:
                checks.append(
                    checked if isinstance(checked, date) else date.fromisoformat(str(checked))
                )
            for value in getattr(node, "values_list", None) or ():
                latest_start = max(latest_start, date.fromisoformat(value.instant_str))
        # A "still valid on" date more than a year after every value the
        # release holds is a legal end date written ahead, not a check.
        limit = latest_start.replace(year=latest_start.year + 1)
        return max([latest_start, *(d for d in checks if d <= limit)])

    def stale_since(self, aid_variable: str, month: str) -> date | None:
        """The date the legislation is known until when ``month`` is after it
        and the aid reads legal parameters (amounts "à confirmer"), else None."""
        key = (aid_variable, month)
        if key not in self._stale:
            dates = [
                d
                for name in self.profile.aid_parameters.get(aid_variable, ())
                if (d := self._parameter_stale_since(name, month)) is not None
            ]
            self._stale[key] = min(dates) if dates else None
        return self._stale[key]

    def _parameter_stale_since(self, name: str, month: str) -> date | None:
        node: Any = self.system.parameters
        for part in name.split("."):
            children = getattr(node, "children", None)
            node = children.get(part) if isinstance(children, dict) else None
            if node is None:
                return None
        known_until = self.legislation_known_until
        start = first_day(month)
        values = getattr(node, "values_list", None)
        if values:
            latest = values[0]
            # Abolished, or superseded by a value known to start after M: not stale.
            if latest.value is None or date.fromisoformat(latest.instant_str) > start:
                return None
        return known_until if known_until < start else None

    def parameter_value(
        self, path: str, month: str, times_bmaf: bool = False
    ) -> tuple[float | None, date | None]:
        """A parameter's value at ``month`` (× the BMAF if asked), and the date
        it is stale since (None if current)."""
        node: Any = self.system.get_parameters_at_instant(f"{month}-01")
        try:
            for part in path.split("."):
                node = getattr(node, part)
            value = float(node)
        except Exception:
            return None, None
        stale = [self._parameter_stale_since(path, month)]
        if times_bmaf:
            bmaf_path = "prestations_sociales.prestations_familiales.bmaf.bmaf"
            bmaf, _ = self.parameter_value(bmaf_path, month)
            if bmaf is None:
                return None, None
            value = round(value * bmaf, 2)
            stale.append(self._parameter_stale_since(bmaf_path, month))
        dates = [d for d in stale if d is not None]
        return value, (min(dates) if dates else None)

    def evaluate_batch(self, households: Sequence[Household], month: str) -> list[dict[str, float]]:
        """Monthly (or monthly-equivalent) amount of every OpenFisca aid, for
        each household, from one vectorised simulation per set of declared
        benefits (a declared benefit is an input for the whole simulation, so
        households that declare different ones are not simulated together)."""
        groups: dict[frozenset[ResourceKind], list[int]] = {}
        for index, household in enumerate(households):
            groups.setdefault(declared_benefits(household), []).append(index)
        rows: list[dict[str, float]] = [{} for _ in households]
        for members in groups.values():
            for index, row in zip(
                members, self._evaluate_group([households[i] for i in members], month), strict=True
            ):
                rows[index] = row
        return rows

    def _evaluate_group(
        self, households: Sequence[Household], month: str
    ) -> list[dict[str, float]]:
        plan = plan_households(households, month)
        simulation = build_simulation(self.system, plan, self.profile.pruned)
        on = first_day(month)
        zero = functools.reduce(
            frozenset.intersection,
            (ruled_out_benefits(ruled_out_aids(h.model_dump(mode="json"), on)) for h in households),
        )
        hold_at_zero(simulation, plan, zero)
        settle(simulation, month)
        columns: dict[str, np.ndarray] = {}
        for aid in self.aids:
            period = month if aid.period == "month" else month[:4]
            values = household_values(simulation, plan, aid.variable, period).astype(np.float64)
            if aid.output == "eligibility" or aid.output == "monthly_contribution":
                values = (values > 0).astype(np.float64)
            elif (
                aid.output == "annual_amount"
                or aid.period == "year"
                or aid.periodicity != "monthly"
            ):
                values = values / 12
            columns[aid.aid_id] = np.round(values, 2)
        return [
            {aid_id: float(column[index]) for aid_id, column in columns.items()}
            for index in range(plan.households)
        ]

    def value(self, simulation: Simulation, plan: Plan, aid: AidVariable) -> np.ndarray:
        """The aid's value for each household's applicant family."""
        period = plan.month if aid.period == "month" else plan.month[:4]
        return household_values(simulation, plan, aid.variable, period)


def declared_benefits(household: Household) -> frozenset[ResourceKind]:
    """The benefits a household declares it receives (inputs, not computed)."""
    kinds = set(PAST_INDIVIDUAL_BENEFITS) | set(PAST_FAMILY_BENEFITS)
    return frozenset(r.kind for p in household.persons for r in p.resources if r.kind in kinds)


def household_values(simulation: Simulation, plan: Plan, variable: str, period: str) -> np.ndarray:
    """``variable`` for each household of ``plan``: its applicant's famille, foyer
    fiscal or its menage; for individuals, the sum (``any`` for booleans) over
    the members of the applicant's famille."""
    array = np.asarray(simulation.calculate(variable, period))
    entity = simulation.tax_benefit_system.variables[variable].entity.key
    if entity == "menage":
        return array
    if entity == "famille":
        return array[plan.first_famille]
    if entity == "foyer_fiscal":
        return array[plan.first_foyer]
    mask = plan.in_first_famille
    if array.dtype == bool:
        hits = np.bincount(plan.person_household, weights=array & mask, minlength=plan.households)
        return hits > 0
    return np.bincount(
        plan.person_household, weights=np.where(mask, array, 0), minlength=plan.households
    )


def _explained_value(plan: Plan, variable: Any, array: Any) -> Any:
    """One value to show for a key variable: the applicant family's (max over
    its members for individual variables), decoded for enums."""
    entity = variable.entity.key
    values = array.decode_to_str() if hasattr(array, "decode_to_str") else np.asarray(array)
    if entity in ("famille", "foyer_fiscal", "menage"):
        value = values[0]
    else:
        members = np.flatnonzero(plan.in_first_famille & (plan.person_household == 0))
        picked = values[members]
        value = (
            picked.max() if picked.dtype != object and picked.dtype.kind in "biuf" else picked[0]
        )
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        value = round(value, 2)
    return value


def _write_atomically(path: Path, payload: bytes) -> None:
    """Write a cache file so a concurrent reader never sees half of it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        temporary.write_bytes(payload)
        temporary.replace(path)
    except OSError as error:
        _warn("cannot write engine cache; continuing without it", type(error).__name__)


# ======================================================================= reference households


def reference_households() -> list[Household]:
    """Households that exercise every input the questionnaire can set.

    Used to derive the pruning profile (structure matters, amounts do not) and
    by ``bench/simulation.py`` as the reference households of the benchmark.
    """
    raw: list[dict[str, Any]] = [
        {  # single, no resources, private tenant in Paris
            "persons": [
                {
                    "id": "alex",
                    "relationship": "applicant",
                    "birth_date": "1990-04-12",
                    "activity": "unemployed_not_compensated",
                },
            ],
            "housing": {"status": "tenant", "rent": 550, "commune": "75056"},
        },
        {  # married couple, two children, one salary, social housing
            "persons": [
                {
                    "id": "ana",
                    "relationship": "applicant",
                    "birth_date": "1985-06-01",
                    "activity": "employed",
                    "resources": [
                        {"kind": "salary", "monthly_amount": 1500, "by_month": {"2024-12": 1700}},
                        {"kind": "family_allowances", "monthly_amount": 148},
                    ],
                },
                {
                    "id": "ben",
                    "relationship": "spouse",
                    "birth_date": "1983-02-11",
                    "activity": "unemployed_compensated",
                    "unemployment_rights_exhausted": True,
                    "resources": [{"kind": "unemployment", "monthly_amount": 900}],
                },
                {
                    "id": "chloe",
                    "relationship": "child",
                    "birth_date": "2013-09-03",
                    "school_level": "middle",
                },
                {
                    "id": "dan",
                    "relationship": "child",
                    "birth_date": "2009-01-20",
                    "school_level": "high",
                    "disability_rate": 60,
                },
            ],
            "couple_status": "married",
            "housing": {"status": "tenant_social", "rent": 480, "commune": "69123"},
            "assets": {"savings": 3000},
        },
        {  # single parent, toddler in alternating custody, part-time job, pregnant
            "persons": [
                {
                    "id": "eva",
                    "relationship": "applicant",
                    "birth_date": "1995-11-30",
                    "activity": "employed",
                    "resources": [
                        {"kind": "salary", "monthly_amount": 700},
                        {"kind": "alimony_received", "monthly_amount": 150},
                        {"kind": "housing_aid", "monthly_amount": 250},
                        {"kind": "ppa", "monthly_amount": 120},
                    ],
                },
                {
                    "id": "finn",
                    "relationship": "child",
                    "birth_date": "2023-03-15",
                    "alternate_custody": True,
                },
            ],
            "housing": {
                "status": "tenant_furnished",
                "rent": 620,
                "commune": "13055",
                "shared": True,
            },
            "expected_birth": "2025-07-20",
        },
        {  # retired couple (PACS), owner, pensions, savings and property
            "persons": [
                {
                    "id": "gus",
                    "relationship": "applicant",
                    "birth_date": "1950-05-05",
                    "activity": "retired",
                    "resources": [{"kind": "retirement_pension", "monthly_amount": 850}],
                },
                {
                    "id": "hana",
                    "relationship": "spouse",
                    "birth_date": "1952-08-19",
                    "activity": "retired",
                    "disability_rate": 80,
                    "resources": [
                        {"kind": "retirement_pension", "monthly_amount": 400},
                        {"kind": "invalidity_pension", "monthly_amount": 300},
                    ],
                },
            ],
            "couple_status": "pacs",
            "housing": {"status": "owner", "commune": "2A004"},
            "assets": {"savings": 25000, "unrented_real_estate": 80000},
        },
        {  # disabled adult on AAH, cohabiting partner student, other adult, first-time buyer
            "persons": [
                {
                    "id": "ines",
                    "relationship": "applicant",
                    "birth_date": "1978-12-24",
                    "activity": "inactive",
                    "disability_rate": 70,
                    "disability_restriction": True,
                    "resources": [
                        {"kind": "aah", "monthly_amount": 1000},
                        {
                            "kind": "sickness_allowance",
                            "monthly_amount": 0,
                            "by_month": {"2024-06": 400},
                        },
                    ],
                },
                {
                    "id": "jo",
                    "relationship": "spouse",
                    "birth_date": "2001-07-07",
                    "activity": "student",
                    "school_level": "higher",
                    "resources": [
                        {"kind": "salary", "monthly_amount": 300},
                        {"kind": "ass", "monthly_amount": 0},
                        {"kind": "rsa", "monthly_amount": 0},
                    ],
                },
                {
                    "id": "kim",
                    "relationship": "child",
                    "birth_date": "2019-10-10",
                    "school_level": "primary",
                },
                {
                    "id": "lou",
                    "relationship": "other",
                    "birth_date": "1948-01-01",
                    "activity": "retired",
                    "resources": [{"kind": "retirement_pension", "monthly_amount": 1200}],
                },
            ],
            "couple_status": "cohabiting",
            "housing": {"status": "first_time_buyer", "rent": 700, "commune": "59350"},
        },
        {  # young adult in a residence, hosted family aids declared
            "persons": [
                {
                    "id": "max",
                    "relationship": "applicant",
                    "birth_date": "2003-03-03",
                    "activity": "in_paid_training",
                    "school_level": "higher",
                    "resources": [
                        {"kind": "salary", "monthly_amount": 1100},
                        {"kind": "family_supplement", "monthly_amount": 0},
                        {"kind": "family_support", "monthly_amount": 0},
                        {"kind": "paje_base", "monthly_amount": 0},
                    ],
                },
                {"id": "noa", "relationship": "child", "birth_date": "2024-12-01"},
            ],
            "housing": {"status": "residence", "rent": 420, "commune": "97411"},
        },
    ]
    return [Household.model_validate(item) for item in raw]


# ======================================================================= synthetic households

_COMMUNES = (
    "75056",
    "69123",
    "13055",
    "59350",
    "2A004",
    "97411",
    "33063",
    "01001",
    "29019",
    "93066",
)


def synthetic_households(count: int, month: str, seed: int = 0) -> list[Household]:
    """``count`` varied, valid households around ``month`` (seeded, reproducible).

    For the differential test (optimised path vs plain OpenFisca) and the
    batch benchmark: every questionnaire input takes varied values, including
    per-month resource changes and declared past benefits.
    """
    rng = np.random.default_rng(seed)
    year = int(month[:4])
    window = month_window(month)
    kinds = list(ResourceKind)
    out: list[Household] = []
    while len(out) < count:

        def birth(age_low: int, age_high: int) -> str:
            age = int(rng.integers(age_low, age_high + 1))
            return f"{year - age:04d}-{int(rng.integers(1, 13)):02d}-{int(rng.integers(1, 29)):02d}"

        def resources(activity: str, adult: bool) -> list[dict[str, Any]]:
            chosen: dict[str, float] = {}
            main = {
                "employed": "salary",
                "self_employed": "salary",
                "in_paid_training": "salary",
                "unemployed_compensated": "unemployment",
                "retired": "retirement_pension",
            }.get(activity)
            if main and adult:
                chosen[main] = float(rng.choice([0, 300, 800, 1200, 1800, 2600, 4200]))
            for index in rng.choice(len(kinds), size=int(rng.integers(0, 3)), replace=False):
                kind = kinds[int(index)]
                if adult or kind is ResourceKind.SALARY:
                    chosen.setdefault(kind.value, float(rng.choice([50, 150, 400, 700])))
            items = []
            for kind_name, amount in chosen.items():
                by_month = {}
                if rng.random() < 0.3:
                    for m in rng.choice(window, size=3, replace=False):
                        by_month[str(m)] = float(rng.choice([0, 250, 900]))
                items.append({"kind": kind_name, "monthly_amount": amount, "by_month": by_month})
            return items

        activities = [a.value for a in ActivityStatus]
        applicant_activity = str(rng.choice(activities))
        persons: list[dict[str, Any]] = [
            {
                "id": "p0",
                "relationship": "applicant",
                "birth_date": birth(18, 88),
                "activity": applicant_activity,
                "disability_rate": int(rng.choice([0, 0, 0, 0, 30, 50, 65, 80])),
                "disability_restriction": bool(rng.random() < 0.3),
                "school_level": "higher" if applicant_activity == "student" else "none",
                "unemployment_rights_exhausted": bool(rng.random() < 0.5),
                "resources": resources(applicant_activity, True),
            }
        ]
        couple = str(rng.choice([c.value for c in CoupleStatus]))
        if couple != "single":
            activity = str(rng.choice(activities))
            persons.append(
                {
                    "id": "p1",
                    "relationship": "spouse",
                    "birth_date": birth(18, 88),
                    "activity": activity,
                    "disability_rate": int(rng.choice([0, 0, 0, 80])),
                    "unemployment_rights_exhausted": bool(rng.random() < 0.5),
                    "resources": resources(activity, True),
                }
            )
        youngest_parent = min(year - int(p["birth_date"][:4]) for p in persons)
        for index in range(int(rng.choice([0, 0, 1, 1, 2, 2, 3, 4]))):
            high = min(24, youngest_parent - 15)
            if high < 0:
                break
            age = int(rng.integers(0, high + 1))
            level = (
                (
                    "nursery"
                    if 3 <= age <= 5
                    else "primary"
                    if age <= 10
                    else "middle"
                    if age <= 14
                    else "high"
                    if age <= 17
                    else str(rng.choice(["higher", "none"]))
                )
                if age >= 3
                else "none"
            )
            persons.append(
                {
                    "id": f"c{index}",
                    "relationship": "child",
                    "birth_date": birth(age, age),
                    "school_level": level,
                    "alternate_custody": bool(rng.random() < 0.15),
                    "disability_rate": int(rng.choice([0, 0, 0, 0, 0, 50, 80])),
                    "resources": resources("employed", age >= 16) if age >= 16 else [],
                }
            )
        if rng.random() < 0.1:
            persons.append(
                {
                    "id": "o0",
                    "relationship": "other",
                    "birth_date": birth(18, 90),
                    "activity": "retired",
                    "resources": resources("retired", True),
                }
            )
        status = str(rng.choice([s.value for s in HousingStatus]))
        housing: dict[str, Any] = {"status": status, "commune": str(rng.choice(_COMMUNES))}
        if status in {s.value for s in RENT_PAYING}:
            housing["rent"] = float(rng.choice([250, 420, 600, 850, 1300]))
            housing["shared"] = bool(rng.random() < 0.15)
        answers: dict[str, Any] = {
            "persons": persons,
            "couple_status": couple,
            "housing": housing,
            "assets": {
                "savings": float(rng.choice([0, 0, 1500, 12000, 60000])),
                "unrented_real_estate": float(rng.choice([0, 0, 0, 90000])),
            },
        }
        if rng.random() < 0.1:
            answers["expected_birth"] = add_months(month, int(rng.integers(1, 8))) + "-15"
        try:
            out.append(Household.model_validate(answers))
        except ValueError:
            continue  # e.g. a child not younger than a parent: draw again
    return out


# ======================================================================= profile derivation


def _is_default(variable: Any, value: Any) -> bool:
    """True when every element of ``value`` equals the variable's default."""
    if value is None:
        return True
    default = variable.default_value
    try:
        if variable.value_type is date:
            return bool(np.all(np.asarray(value) == np.datetime64(default)))
        if hasattr(default, "index") and hasattr(value, "possible_values"):
            return bool(np.all(np.asarray(value) == default.index))
        return bool(np.all(np.asarray(value) == default))
    except (TypeError, ValueError):
        return False


def _names_in_code(code: types.CodeType, globals_: Mapping[str, Any], seen: set[int]) -> set[str]:
    """Every string constant a formula may use as a variable name.

    Walks nested code objects, module-level helper functions the formula calls
    and module-level collections of names: a static over-approximation of the
    formula's dependencies, which complements the traced ones.
    """
    if id(code) in seen:
        return set()
    seen.add(id(code))
    names: set[str] = set()
    for const in code.co_consts:
        if isinstance(const, str):
            names.add(const)
        elif isinstance(const, types.CodeType):
            names |= _names_in_code(const, globals_, seen)
        elif isinstance(const, tuple | frozenset):
            names |= {c for c in const if isinstance(c, str)}
    for name in code.co_names:
        target = globals_.get(name)
        if (
            isinstance(target, types.FunctionType)
            and (target.__module__ or "").find("openfisca") >= 0
        ):
            names |= _names_in_code(target.__code__, target.__globals__, seen)
        elif isinstance(target, list | tuple | set | frozenset):
            names |= {item for item in target if isinstance(item, str)}
        elif isinstance(target, dict):
            names |= {
                item for item in list(target) + list(target.values()) if isinstance(item, str)
            }
    return names


def static_dependencies(system: Any) -> dict[str, set[str]]:
    """Variable → variables its formulas may read (from their code)."""
    known = set(system.variables)
    out: dict[str, set[str]] = {}
    for name, variable in system.variables.items():
        deps: set[str] = set()
        for formula in variable.formulas.values():
            code = getattr(formula, "__code__", None)
            if code is not None:
                deps |= _names_in_code(code, formula.__globals__, set()) & known
        deps.discard(name)
        out[name] = deps
    return out


def _aid_periods(engine: FrenchEngine, month: str) -> list[tuple[str, str]]:
    wanted: list[tuple[str, str]] = []
    for aid in engine.aids:
        period = month if aid.period == "month" else month[:4]
        wanted.append((aid.variable, period))
        for key in aid.key_variables:
            if key in engine.system.variables:
                unit = engine.system.variables[key].definition_period
                wanted.append((key, month[:4] if str(unit) == "year" else month))
    return wanted


def _walk(nodes: Iterable[Any]) -> Iterator[Any]:
    """Every node of trees (trace nodes: a list of children; parameter nodes:
    a dict of them; leaves: none)."""
    stack = list(nodes)
    while stack:
        node = stack.pop()
        yield node
        children = getattr(node, "children", None) or ()
        stack.extend(children.values() if isinstance(children, dict) else children)


def dependency_closure(graph: Mapping[str, Iterable[str]], root: str) -> set[str]:
    """``root`` and every variable reachable from it in ``graph``."""
    seen = {root}
    stack = [root]
    while stack:
        for child in graph.get(stack.pop(), ()):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


def _source_file(system: Any, name: str) -> str | None:
    """The file defining the formulas of variable ``name`` (None for inputs)."""
    for formula in system.variables[name].formulas.values():
        code = getattr(formula, "__code__", None)
        if code is not None:
            return str(code.co_filename)
    return None


def derive_profile(engine: FrenchEngine) -> Profile:
    """Derive which formulas are zero for every household we can describe.

    A variable is pruned when (1) no chain of dependencies — traced on the
    reference households, or read from its formulas' code — leads to an input
    the questionnaire sets, so its value only depends on the period and the
    household's structure, and (2) it took its default value on every
    reference household at every profile month. Then the parameters each aid's
    pruned computation reads are recorded, for the stale-amount flags.
    Slow (tens of seconds): runs once per OpenFisca version, then is cached.
    """
    system = engine.system
    edges: dict[str, set[str]] = {}
    traced: set[str] = set()
    non_default: set[str] = set()
    households = reference_households()
    for month in PROFILE_MONTHS:
        plan = plan_households(households, month)
        simulation = build_simulation(system, plan)
        simulation.trace = True
        settle(simulation, month)
        for variable, period in _aid_periods(engine, month):
            try:
                simulation.calculate(variable, period)
            except Exception as error:  # an aid that cannot compute is reported at evaluation
                _warn("profile: aid failed", f"{variable}@{period}: {type(error).__name__}")
        for node in _walk(simulation.tracer.trees):
            traced.add(node.name)
            edges.setdefault(node.name, set()).update(child.name for child in node.children)
            if node.name not in non_default and not _is_default(
                system.variables[node.name], node.value
            ):
                non_default.add(node.name)
    for name, deps in static_dependencies(system).items():
        edges.setdefault(name, set()).update(deps)
    dependents: dict[str, set[str]] = {}
    for parent, children in edges.items():
        for child in children:
            dependents.setdefault(child, set()).add(parent)
    reach = set(PLAN_INPUT_VARIABLES)
    frontier = list(reach)
    while frontier:
        for parent in dependents.get(frontier.pop(), ()):
            if parent not in reach:
                reach.add(parent)
                frontier.append(parent)
    pruned = frozenset(
        name
        for name in traced
        if system.variables[name].formulas and name not in reach and name not in non_default
    )
    # The aid's legal parameters: those read by formulas written in the aid's
    # own source file (the RSA's amounts and ceilings, not the income tax
    # rules its resource base happens to touch), following the dependency
    # graph (a value computed for another aid is a childless cache hit).
    parameters_of: dict[str, set[str]] = {}
    graph: dict[str, set[str]] = {}
    for month in PROFILE_MONTHS:
        plan = plan_households(households, month)
        simulation = build_simulation(system, plan, pruned)
        simulation.trace = True
        settle(simulation, month)
        for aid in engine.aids:
            period = month if aid.period == "month" else month[:4]
            try:
                simulation.calculate(aid.variable, period)
            except Exception as error:
                _warn("profile: aid failed", f"{aid.variable}@{period}: {type(error).__name__}")
        for node in _walk(simulation.tracer.trees):
            graph.setdefault(node.name, set()).update(c.name for c in node.children)
            parameters_of.setdefault(node.name, set()).update(p.name for p in node.parameters)
    aid_parameters: dict[str, set[str]] = {}
    for aid in engine.aids:
        home = _source_file(system, aid.variable)
        names = {
            name
            for name in dependency_closure(graph, aid.variable)
            if _source_file(system, name) == home
        }
        aid_parameters[aid.variable] = {p for name in names for p in parameters_of.get(name, ())}
    log_event(
        "profile derived",
        component=LOG_COMPONENT,
        reason=f"{len(traced)} variables traced",
        count=len(pruned),
    )
    return Profile(
        pruned=pruned,
        aid_parameters={k: tuple(sorted(v)) for k, v in aid_parameters.items()},
        structurally_zero=frozenset(a.variable for a in engine.aids if a.variable in pruned),
    )


# ======================================================================= singleton

_ENGINE: FrenchEngine | None = None
_ENGINE_LOCK = threading.Lock()


def get_engine(aids: Sequence[AidVariable], cache_dir: Path | None = None) -> FrenchEngine:
    """The process-wide engine (built on first use; warm afterwards)."""
    global _ENGINE
    if _ENGINE is None:
        with _ENGINE_LOCK:
            if _ENGINE is None:
                _ENGINE = FrenchEngine(aids, cache_dir)
    return _ENGINE


def reset_engine() -> None:
    """Forget the process-wide engine (tests that change the cache directory)."""
    global _ENGINE
    _ENGINE = None


__all__ = [
    "AidVariable",
    "FrenchEngine",
    "Plan",
    "Profile",
    "aid_variables_from_catalogue",
    "build_simulation",
    "default_cache_dir",
    "get_engine",
    "household_values",
    "month_window",
    "plain_system",
    "plan_household",
    "plan_households",
    "situation_json",
]
