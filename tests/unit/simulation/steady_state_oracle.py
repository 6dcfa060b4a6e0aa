"""An oracle for the steady state, independent of the product's input plan.

Steady state, defined: the household has lived in the declared situation since
well before the oldest month any rule reads, and each past month it received
what the rules give for that month (benefits it declares are taken as
declared). The oracle writes the plain OpenFisca JSON situation of a household
from the facts a person declares (its own mapping, not the product's
``plan_households``), runs it on the ``CountryTaxBenefitSystem`` as anyone
builds it (with the product's corrections of the law, ``plain_system``), and
computes each month completely before the next, oldest first, from
``WARM_UP_MONTHS`` before M to December of M's year, in the legal order of a month
(``STEADY_STATE_ORDER``, documented in the engine). Only then are the aids of
month M asked, in any order.

Net amounts are converted with the domain's money rules
(``shared.domain.money_rules``): they are the product's rules about what a
declared amount means, not part of the input plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from openfisca_core.simulation_builder import SimulationBuilder

from shared.adapters.openfisca import STEADY_STATE_ORDER, birth_grant_month
from shared.domain.money_rules import pension_bands, pension_from_net, taxable_salary
from shared.domain.months import add_months
from shared.domain.questionnaire import Household, commune_of

#: Months computed before M: twice the longest look-back of any rule (the CSS
#: reads 12 months of benefits).
WARM_UP_MONTHS = 24

_ACTIVITY = {
    "employed": "actif",
    "self_employed": "actif",
    "in_paid_training": "actif",
    "unemployed_compensated": "chomeur",
    "unemployed_not_compensated": "chomeur",
    "student": "etudiant",
    "retired": "retraite",
    "inactive": "inactif",
}
_SCHOOL = {
    "none": "inconnue",
    "nursery": "maternelle",
    "primary": "primaire",
    "middle": "college",
    "high": "lycee",
    "higher": "enseignement_superieur",
}
_HOUSING = {
    "tenant": "locataire_vide",
    "tenant_furnished": "locataire_meuble",
    "tenant_social": "locataire_hlm",
    "first_time_buyer": "primo_accedant",
    "owner": "proprietaire",
    "hosted_free": "loge_gratuitement",
    "residence": "locataire_foyer",
    "homeless": "sans_domicile",
}
_BENEFITS = {
    "aah": ("individu", ("aah",)),
    "ass": ("individu", ("ass",)),
    "rsa": ("famille", ("rsa",)),
    "ppa": ("famille", ("ppa",)),
    "housing_aid": ("famille", ("aide_logement", "aide_logement_montant")),
    "family_allowances": ("famille", ("af",)),
    "family_supplement": ("famille", ("cf",)),
    "family_support": ("famille", ("asf",)),
    "paje_base": ("famille", ("paje_base",)),
}


def _months(month: str) -> list[str]:
    january = f"{int(month[:4]) - 2}-01"
    return [add_months(january, k) for k in range(36)]


def _person_facts(
    household: Household, person: Any, month: str, months: Sequence[str]
) -> dict[str, Any]:
    role = person.relationship.value
    activity = (
        _ACTIVITY[person.activity.value]
        if person.activity is not None
        else (
            "etudiant" if person.school_level.value in ("middle", "high", "higher") else "inactif"
        )
    )
    couple = household.couple_status.value
    marital = {"married": "marie", "pacs": "pacse"}.get(couple, "celibataire")
    facts: dict[str, Any] = {
        "date_naissance": {"ETERNITY": person.birth_date.isoformat()},
    }
    per_month = {
        "activite": activity,
        "taux_incapacite": person.disability_rate / 100,
        "handicap": person.disability_rate >= 50,
        "aah_restriction_substantielle_durable_acces_emploi": person.disability_restriction,
        "scolarite": _SCHOOL[person.school_level.value],
        "garde_alternee": person.alternate_custody,
        "ass_precondition_remplie": person.unemployment_rights_exhausted and activity == "chomeur",
        "statut_marital": marital if role in ("applicant", "spouse") else "celibataire",
    }
    for name, value in per_month.items():
        facts[name] = dict.fromkeys(months, value)
    if role == "applicant":
        facts["livret_a"] = dict.fromkeys(months, household.assets.savings)
        facts["valeur_immo_non_loue"] = dict.fromkeys(months, household.assets.unrented_real_estate)
        if household.expected_birth is not None:
            birth = household.expected_birth.strftime("%Y-%m")
            start = add_months(birth, -9)
            facts["enceinte"] = {m: start <= m < birth for m in months}
    band = pension_bands(household, int(month[:4]))[person.id]
    for resource in person.resources:
        kind = resource.kind.value

        def amount(m: str, resource: Any = resource) -> float:
            return float(resource.by_month.get(m, resource.monthly_amount))

        if kind == "salary":
            facts["salaire_net"] = {m: amount(m) for m in months}
            facts["salaire_imposable"] = {m: taxable_salary(amount(m)) for m in months}
        elif kind == "unemployment":
            facts["chomage_net"] = {m: amount(m) for m in months}
            facts["chomage_imposable"] = {m: amount(m) for m in months}
        elif kind == "retirement_pension":
            pensions = {m: pension_from_net(amount(m), band) for m in months}
            facts["retraite_brute"] = {m: p.gross for m, p in pensions.items()}
            facts["retraite_imposable"] = {m: p.taxable for m, p in pensions.items()}
            facts["retraite_nette"] = {m: p.net for m, p in pensions.items()}
        elif kind == "invalidity_pension":
            facts["pensions_invalidite"] = {m: amount(m) for m in months}
        elif kind == "sickness_allowance":
            facts["indemnites_journalieres_maladie"] = {m: amount(m) for m in months}
        elif kind == "alimony_received":
            facts["pensions_alimentaires_percues"] = {m: amount(m) for m in months}
    return facts


def situation(households: Sequence[Household], month: str, unborn: bool = False) -> dict[str, Any]:
    """The plain OpenFisca situation of ``households`` simulated for ``month``;
    each household's entities and persons are prefixed ``h<position>_``, its
    applicant's famille is ``h<position>_f0``.

    ``unborn`` adds each expected child, born on the expected date (the PAJE
    birth grant is computed so, in its payment month).
    """
    individus: dict[str, dict[str, Any]] = {}
    familles: dict[str, dict[str, Any]] = {}
    foyers: dict[str, dict[str, Any]] = {}
    menages: dict[str, dict[str, Any]] = {}
    for position, household in enumerate(households):
        part = _one_situation(household, month, unborn, f"h{position}_")
        individus.update(part["individus"])
        familles.update(part["familles"])
        foyers.update(part["foyers_fiscaux"])
        menages.update(part["menages"])
    return {
        "individus": individus,
        "familles": familles,
        "foyers_fiscaux": foyers,
        "menages": menages,
    }


def _one_situation(household: Household, month: str, unborn: bool, prefix: str) -> dict[str, Any]:
    months = _months(month)
    benefit_months = [m for m in months if m != month]
    persons = list(household.persons)
    individus: dict[str, dict[str, Any]] = {}
    f0, t0 = f"{prefix}f0", f"{prefix}t0"
    familles: dict[str, dict[str, Any]] = {f0: {"parents": [], "enfants": []}}
    foyers: dict[str, dict[str, Any]] = {t0: {"declarants": [], "personnes_a_charge": []}}
    menage: dict[str, Any] = {"personne_de_reference": [], "enfants": [], "autres": []}
    joint = household.couple_status.value in ("married", "pacs")
    famille_of: dict[str, str] = {}
    for person in persons:
        pid = prefix + person.id
        individus[pid] = _person_facts(household, person, month, months)
        role = person.relationship.value
        if role == "applicant":
            familles[f0]["parents"].insert(0, pid)
            foyers[t0]["declarants"].insert(0, pid)
            menage["personne_de_reference"] = [pid]
            famille_of[pid] = f0
        elif role == "spouse":
            familles[f0]["parents"].append(pid)
            if joint:
                foyers[t0]["declarants"].append(pid)
            else:
                foyers[f"{prefix}t_{person.id}"] = {"declarants": [pid]}
            menage["conjoint"] = [pid]
            famille_of[pid] = f0
        elif role == "child":
            familles[f0]["enfants"].append(pid)
            foyers[t0]["personnes_a_charge"].append(pid)
            menage["enfants"].append(pid)
            famille_of[pid] = f0
        else:
            familles[f"{prefix}f_{person.id}"] = {"parents": [pid]}
            foyers[f"{prefix}t_{person.id}"] = {"declarants": [pid]}
            menage["autres"].append(pid)
            famille_of[pid] = f"{prefix}f_{person.id}"
    if unborn and household.expected_birth is not None:
        pid = f"{prefix}unborn"
        individus[pid] = {"date_naissance": {"ETERNITY": household.expected_birth.isoformat()}}
        familles[f0]["enfants"].append(pid)
        foyers[t0]["personnes_a_charge"].append(pid)
        menage["enfants"].append(pid)
    for person in persons:
        pid = prefix + person.id
        for resource in person.resources:
            declared = _BENEFITS.get(resource.kind.value)
            if declared is None:
                continue
            entity, names = declared
            target = individus[pid] if entity == "individu" else familles[famille_of[pid]]
            for name in names:
                values = target.setdefault(name, {})
                for m in benefit_months:
                    amount = float(resource.by_month.get(m, resource.monthly_amount))
                    values[m] = values.get(m, 0.0) + amount
    housing = household.housing
    menage.update(
        {
            "statut_occupation_logement": dict.fromkeys(months, _HOUSING[housing.status.value]),
            "loyer": dict.fromkeys(months, housing.rent or 0.0),
            "depcom": dict.fromkeys(months, commune_of(housing.commune)),
            "coloc": dict.fromkeys(months, housing.shared),
        }
    )
    return {
        "individus": individus,
        "familles": familles,
        "foyers_fiscaux": foyers,
        "menages": {f"{prefix}m0": menage},
    }


def steady_state_simulation(
    system: Any, households: Sequence[Household], month: str, unborn: bool = False
) -> Any:
    """A plain simulation of ``households`` whose months up to December of M's
    year are settled (the prime de Noël reads the RSA of November and December)."""
    simulation = SimulationBuilder().build_from_entities(
        system, situation(households, month, unborn)
    )
    names = [name for name in STEADY_STATE_ORDER if name in system.variables]
    for offset in range(-WARM_UP_MONTHS, 12 - int(month[5:7]) + 1):
        m = add_months(month, offset)
        for name in names:
            simulation.calculate(name, m)
    return simulation


def aid_values(simulation: Any, variable: str, period: str) -> list[float]:
    """The aid for each household's applicant famille (individual aids: summed
    over its members, ``any`` for a yes/no aid)."""
    value = simulation.calculate(variable, period)
    entity = simulation.tax_benefit_system.variables[variable].entity.key
    famille = simulation.populations["famille"]
    applicant_familles = [i for i, fid in enumerate(famille.ids) if str(fid).endswith("_f0")]
    if entity == "famille":
        return [float(value[i]) for i in applicant_familles]
    if entity == "menage":
        return [float(v) for v in value]
    if entity == "foyer_fiscal":
        foyer = simulation.populations["foyer_fiscal"]
        return [float(value[i]) for i, fid in enumerate(foyer.ids) if str(fid).endswith("_t0")]
    out = []
    for index in applicant_familles:
        members = value[famille.members_entity_id == index]
        out.append(float(members.any()) if members.dtype == bool else float(members.sum()))
    return out


def _declared_benefits(household: Household) -> frozenset[str]:
    return frozenset(
        r.kind.value for p in household.persons for r in p.resources if r.kind.value in _BENEFITS
    )


def oracle_values(
    system: Any,
    households: Sequence[Household],
    month: str,
    aids: Sequence[tuple[str, str, str]],
) -> list[dict[str, float]]:
    """``aids`` as (aid id, variable, "month" | "year") → each household's
    amounts, asked in the given order after the months are settled.

    Households that declare different benefits are simulated apart (a declared
    benefit is an input of the whole simulation).
    """
    groups: dict[frozenset[str], list[int]] = {}
    for index, household in enumerate(households):
        groups.setdefault(_declared_benefits(household), []).append(index)
    out: list[dict[str, float]] = [{} for _ in households]
    for members in groups.values():
        simulation = steady_state_simulation(system, [households[i] for i in members], month)
        for aid_id, variable, unit in aids:
            values = aid_values(simulation, variable, month if unit == "month" else month[:4])
            for index, value in zip(members, values, strict=True):
                out[index][aid_id] = value
    return out


def birth_grant(system: Any, household: Household, variable: str) -> float:
    """The PAJE birth grant, in its payment month, with the expected child."""
    assert household.expected_birth is not None
    at = birth_grant_month(household.expected_birth)
    simulation = steady_state_simulation(system, [household], at, unborn=True)
    return aid_values(simulation, variable, at)[0]


def first_of(month: str) -> date:
    """The first day of ``month``."""
    return date(int(month[:4]), int(month[5:7]), 1)
