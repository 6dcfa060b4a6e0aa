"""Evaluating only some aids of many households at once (smart alerts, R5).

A run of the smart alerts re-evaluates the aids its change concerns: a newly
published aid, aids whose catalogue entry changed. Computing only those aids,
instead of the whole catalogue, saves most of the batch when they need no
steady state, and the aids' own formulas otherwise.

**The steady state is the expensive part.** Before answering month M, the
engine computes the housing aid and the RSA of every month from M − 12 (the
chain that runs back in time, ``steady_state.settle``); that is about three
quarters of a batch's time. An aid whose computation reads no benefit of that
chain, nor any other steady-state benefit but itself (a school allowance, the
energy cheque, a birth grant…), has the same value whether the past months
were settled or not, so its batch skips the settling.

The batch itself is the engine's (``FrenchEngine.batch_values`` with the asked
aids, ``settle=False`` when none of them needs it, decided here and applied in
``eligibility.evaluate_batch``).

Which aids read steady-state benefits is found by running each aid once,
traced, on the reference households without settling, and looking at the
variables OpenFisca computed (formulas are vectorised: the variables one
household needs are those every household needs). The answer is kept per
aid and month for the life of the process. ``test_changed_aids`` proves on
generated households that the values equal the whole-catalogue batch's.
"""

from __future__ import annotations

import threading
from typing import Any

_needs_settling: dict[tuple[str, str], bool] = {}
_lock = threading.Lock()


def needs_settling(engine: Any, aid: Any, month: str) -> bool:
    """Whether computing ``aid`` (an engine ``AidVariable``) in ``month`` reads a
    steady-state benefit other than its own variable, so the past months must be
    settled first. Traced once per aid and month, then remembered."""
    key = (aid.aid_id, month)
    with _lock:
        known = _needs_settling.get(key)
    if known is not None:
        return known
    from shared.adapters import openfisca
    from shared.adapters.openfisca.pruning import _walk

    households = openfisca.reference_households()
    plan = openfisca.plan_households(households, month, declared_benefits=False)
    simulation = openfisca.build_simulation(engine.system, plan, engine.profile.pruned)
    simulation.trace = True
    engine.value(simulation, plan, aid)
    read = {node.name for node in _walk(simulation.tracer.trees)}
    found = bool(read & (set(openfisca.STEADY_STATE_ORDER) - {aid.variable}))
    with _lock:
        _needs_settling[key] = found
    return found
