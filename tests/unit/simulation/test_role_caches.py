"""Who holds a role, as the fast populations answer it, is OpenFisca's answer.

``speedups._fast_population_class`` keeps ``has_role`` per role and answers
``value_from_person`` and ``sum(…, role=…)`` from the members holding it. This
compares each with OpenFisca's own method on a simulation of generated
households (couples, children, other adults), for every role of every group
entity, and checks a caller may change the array it receives.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("openfisca_france")

from shared.adapters import openfisca as oe
from shared.domain.aids.catalogue import load_catalogue
from shared.services import eligibility
from tests.fixtures.synthetic_households import synthetic_households

MONTH = "2025-05"
#: A variable of each group entity, read through a person's projector.
GROUP_VARIABLE = {"famille": "af_nbenf", "menage": "loyer", "foyer_fiscal": "rfr"}


def test_role_answers_equal_openfisca_s_own() -> None:
    engine = eligibility._engine(load_catalogue())
    plan = oe.plan_households(synthetic_households(40, MONTH, seed=5), MONTH)
    simulation = oe.build_simulation(engine.system, plan, engine.profile.pruned)
    persons = simulation.persons
    assert type(persons).__name__ == "FastPopulation"  # the fast answers are the ones compared
    base_person = type(persons).__mro__[1]
    rng = np.random.default_rng(5)
    values = rng.integers(-50, 500, persons.count).astype(np.float64)
    compared = 0
    for population in simulation.populations.values():
        if population is persons:
            continue
        base_group = type(population).__mro__[1]
        for role in population.entity.flattened_roles:
            expected = base_person.has_role(persons, role)
            got = persons.has_role(role)
            np.testing.assert_array_equal(got, expected)
            got[:] = ~got  # the caller's own copy: the next answer is unchanged
            np.testing.assert_array_equal(persons.has_role(role), expected)
            np.testing.assert_array_equal(
                population.sum(values, role=role), base_group.sum(population, values, role=role)
            )
            if role.max == 1:
                for default in (0, -1):
                    np.testing.assert_array_equal(
                        population.value_from_person(values, role, default),
                        base_group.value_from_person(population, values, role, default),
                    )
            compared += 1
    assert compared > 6
    # Not vacuous: some roles are held, by some members only.
    famille = simulation.populations["famille"]
    held = [persons.has_role(r).sum() for r in famille.entity.flattened_roles]
    assert 0 < max(held) < persons.count


def test_kept_projectors_answer_as_openfisca_s_new_ones() -> None:
    """``individu.famille``, ``famille.demandeur``…: the projector a population
    keeps after its first use projects what OpenFisca's freshly built one does,
    and releasing the simulation drops it (it points to other populations)."""
    from openfisca_core.populations import Population
    from openfisca_core.projectors import Projector

    engine = eligibility._engine(load_catalogue())
    plan = oe.plan_households(synthetic_households(40, MONTH, seed=5), MONTH)
    simulation = oe.build_simulation(engine.system, plan, engine.profile.pruned)
    persons = simulation.persons
    checked = 0
    for population in simulation.populations.values():
        shortcuts = ["famille", "menage", "foyer_fiscal"] if population is persons else []
        shortcuts += [
            r.key for r in getattr(population.entity, "flattened_roles", ()) if r.max == 1
        ]
        for shortcut in shortcuts:
            kept = getattr(population, shortcut)
            assert isinstance(kept, Projector)
            assert getattr(population, shortcut) is kept  # found as an attribute now
            fresh = Population.__getattr__(population, shortcut)
            assert fresh is not kept
            variable = GROUP_VARIABLE[shortcut] if population is persons else "age"
            period = MONTH[:4] if variable == "rfr" else MONTH
            np.testing.assert_array_equal(kept(variable, period), fresh(variable, period))
            checked += 1
    assert checked >= 5
    oe.release(simulation)
    assert not [
        v
        for p in simulation.populations.values()
        for v in vars(p).values()
        if isinstance(v, Projector)
    ]
