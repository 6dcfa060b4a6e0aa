"""Shortcuts of one simulation's life that must not change an amount.

* the formula in force at a period is OpenFisca's own (``_formula_at``);
* a simulation the engine is done with is freed without the cyclic garbage
  collector (``speedups.release``, run by ``speedups.simulation_of`` when its
  block ends, on an error too), and the engine's own objects are out of its
  reach (``keep_out_of_collector``);
* the collector is off while a batch is read and evaluated, and back on as it
  was once the last batch of the process ends (``system.collector_paused``, which
  the engine's build uses too).
"""

from __future__ import annotations

import gc
import weakref
from typing import Any

import pytest

pytest.importorskip("openfisca_france")

from shared.adapters import openfisca as oe
from shared.adapters.openfisca import speedups
from shared.adapters.openfisca.steady_state import (
    RULE_FIELDS,
    hold_at_zero,
    ruled_out_benefits,
    settle,
    settle_months,
)
from shared.domain.aids.catalogue import load_catalogue
from shared.domain.questionnaire import Household
from shared.services import eligibility

MONTH = "2025-05"


def _engine() -> Any:
    return eligibility._engine(load_catalogue())


def _settled(households: list[Household]) -> Any:
    """A simulation of ``households`` in steady state, as the engine builds it."""
    engine = _engine()
    plan = oe.plan_households(households, MONTH, declared_benefits=False)
    simulation = oe.build_simulation(engine.system, plan, engine.profile.pruned)
    zeros = [ruled_out_benefits(h, MONTH) for h in households]
    hold_at_zero(simulation, plan, frozenset.intersection(*zeros))
    depth = max(settle_months(zero) for zero in zeros)
    settle(simulation, MONTH, depth, reading=[aid.variable for aid in engine.aids])
    return simulation


def _rsa_household() -> Household:
    """The reference single person who receives the RSA in May 2025."""
    household = oe.reference_households()[0]
    rsa = _settled([household]).calculate("rsa", MONTH)
    assert float(rsa[0]) > 0  # the premise of the tests below
    return household


def _household_without_rsa() -> Household:
    """The reference working single parent (prime d'activité, no RSA)."""
    household = oe.reference_households()[5]
    simulation = _settled([household])
    assert float(simulation.calculate_add("rsa", MONTH[:4])[0]) == 0
    return household


def test_the_formula_in_force_is_openfisca_s_own() -> None:
    from openfisca_core import periods

    system = _engine().system
    compared = 0
    for text in ("2009-05", "2015-12", "2021-01", "2024", "2025-05", "2026-11"):
        period = periods.period(text)
        for variable in system.variables.values():
            if len(variable.formulas) > 1 or compared % 7 == 0:
                assert speedups._formula_at(variable, period) is variable.get_formula(period)
                compared += 1
    assert compared > 500


def test_a_released_simulation_is_freed_without_the_cyclic_collector() -> None:
    simulation = _settled([_rsa_household()])
    simulation.calculate("aefa", MONTH[:4])
    alive = weakref.ref(simulation)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        oe.release(simulation)
        del simulation
        assert alive() is None
    finally:
        if was_enabled:
            gc.enable()


def test_a_simulation_opened_by_the_engine_is_freed_when_its_block_fails() -> None:
    plan = oe.plan_households([_rsa_household()], MONTH, declared_benefits=False)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        try:
            with speedups.simulation_of(_engine().system, plan) as simulation:
                alive = weakref.ref(simulation)
                simulation.calculate("rsa", MONTH)
                raise LookupError("a formula failed")
        except LookupError:
            pass
        del simulation
        assert alive() is None
    finally:
        if was_enabled:
            gc.enable()


def test_the_engine_leaves_no_simulation_for_the_collector() -> None:
    pruned_simulation = speedups._pruned_simulation_class()
    households = [_rsa_household(), _household_without_rsa()]
    eligibility.evaluate(households[0], MONTH)  # warm: the engine's own state is built
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for household in oe.reference_households():
            eligibility.evaluate(household, MONTH)
        eligibility.evaluate_batch(households, MONTH)
        left = [o for o in gc.get_objects() if isinstance(o, pruned_simulation)]
        assert left == []
    finally:
        if was_enabled:
            gc.enable()


def test_the_engine_is_out_of_the_collector_s_reach() -> None:
    engine = _engine()
    assert gc.get_freeze_count() > 0
    tracked = {id(o) for o in gc.get_objects()}
    assert id(engine.system) not in tracked
    assert id(engine.system.variables["rsa"]) not in tracked


def test_the_collector_is_paused_for_a_batch_and_resumes_after_it_even_on_error():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), oe.collector_paused():
        assert not gc.isenabled()
        with oe.collector_paused():  # nested: the inner block does not turn it back on
            pass
        assert not gc.isenabled()
        raise RuntimeError("a batch fails")
    assert gc.isenabled()


def test_the_collector_resumes_only_when_the_last_thread_leaves():
    import threading

    inside, leave = threading.Event(), threading.Event()

    def other_batch() -> None:
        with oe.collector_paused():
            inside.set()
            leave.wait(10)

    thread = threading.Thread(target=other_batch)
    thread.start()
    assert inside.wait(10)
    with oe.collector_paused():
        pass
    assert not gc.isenabled()  # the other thread's batch is still running
    leave.set()
    thread.join(10)
    assert gc.isenabled()


def test_a_collector_turned_off_before_the_batch_stays_off():
    gc.disable()
    try:
        with oe.collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("month", ["2025-05", "2026-11"])
def test_the_ruled_out_benefits_read_from_the_rule_fields_are_those_of_the_whole_answers(
    month: str,
) -> None:
    """``ruled_out_benefits`` hands the questionnaire's rules only the answers
    they read (``steady_state.RULE_FIELDS``): what they rule out is what the
    whole answers rule out."""
    from shared.domain.months import first_day
    from shared.domain.questionnaire import ruled_out_aids
    from tests.fixtures.synthetic_households import synthetic_households

    households = synthetic_households(300, month, seed=20261202)
    today = first_day(month)
    whole = [ruled_out_aids(h.model_dump(mode="json"), today) for h in households]
    trimmed = [ruled_out_aids(h.model_dump(include=RULE_FIELDS), today) for h in households]
    assert trimmed == whole
    assert sum(bool(reasons) for reasons in whole) > 200  # the rules have work to do
    assert len({frozenset(reasons) for reasons in whole}) > 10
