"""The input plan: household answers → OpenFisca inputs, as columns.

One plan, two builders: the fast path builds simulations from numpy arrays
(``speedups.build_simulation``, one household or 10,000 alike);
:func:`situation_json` writes the plain OpenFisca JSON situation of the same
plan. Declared net amounts are converted by ``shared.domain.money_rules`` to
the bases each rule reads; benefits the household declares are inputs of
every month but M, the others are computed in steady state
(``steady_state``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from shared.domain.money_rules import (
    PensionCsgBand,
    pension_bands,
    pension_from_net,
    taxable_salary,
)
from shared.domain.months import add_months
from shared.domain.questionnaire import (
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
)

if TYPE_CHECKING:  # pragma: no cover - typing only
    pass


Output = Literal["amount", "annual_amount", "monthly_contribution", "eligibility"]


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


#: Declared resources in the months before the window: nothing was declared
#: then, and from no input OpenFisca computes each of them as 0 for every
#: household we can describe (the payroll, pension and unemployment chains of
#: a zero gross amount). The engine answers that 0 without running the chains:
#: the N-2 resource bases of the settled months reach back to years N-3 to N-6,
#: a quarter of a household's formula runs otherwise
#: (``test_history_at_zero_is_what_openfisca_computes`` holds it to stock OpenFisca).
HISTORY_AT_ZERO: frozenset[str] = frozenset(
    name for names in INDIVIDUAL_RESOURCES.values() for name in names
)


#: Variables that read the answers (age, salary) but that no answer can make
#: non-zero, because they hinge on an input the questionnaire does not ask:
#: an apprenticeship on its contract's start date (``apprentissage_contrat_debut``),
#: so nobody is an apprentice and the apprentice's pay is 0; an accident-at-work
#: annuity on the rate of incapacity it was granted for (``taux_accident_travail``).
#: Every resource base reads them each month; the engine answers their default.
NEVER_DESCRIBED: frozenset[str] = frozenset(
    {"apprenti", "remuneration_apprenti", "rente_accident_travail"}
)


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


def plan_households(
    households: Sequence[Household],
    month: str,
    with_unborn: bool = False,
    declared_benefits: bool = True,
) -> Plan:
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
    if not declared_benefits:  # every benefit in steady state (batch re-evaluation)
        for kind in (*PAST_INDIVIDUAL_BENEFITS, *PAST_FAMILY_BENEFITS):
            declared.pop(kind, None)
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


#: Resources whose conversion reads the CSG band (``_converted``): the pensions.
BANDED_RESOURCES: frozenset[ResourceKind] = frozenset({ResourceKind.RETIREMENT_PENSION})


def _ordered_bands(household: Household, month: str, with_unborn: bool) -> list[PensionCsgBand]:
    persons = _ordered_persons(household, with_unborn)
    resources = (r.kind for person in household.persons for r in person.resources)
    if not any(kind in BANDED_RESOURCES for kind in resources):
        # No pension to convert: the bands are read by nothing (working them out
        # estimates every foyer's taxable income, a tenth of planning a batch).
        return [PensionCsgBand.EXEMPT] * len(persons)
    bands = pension_bands(household, int(month[:4]))
    return [bands.get(person.id, PensionCsgBand.EXEMPT) for person in persons]


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


def declared_benefits(household: Household) -> frozenset[ResourceKind]:
    """The benefits a household declares it receives (inputs, not computed)."""
    kinds = set(PAST_INDIVIDUAL_BENEFITS) | set(PAST_FAMILY_BENEFITS)
    return frozenset(r.kind for p in household.persons for r in p.resources if r.kind in kinds)
