"""Settling only the housing aid and the RSA month by month gives the amounts
settling every steady-state benefit gives.

The product settles :data:`SETTLED_CHAIN` (the two links of the chain that runs
back in time) and lets OpenFisca compute the other past benefits when a formula
first asks for them; the oracle of ``test_differential`` settles all of
:data:`STEADY_STATE_ORDER`. This test compares the two settlings on the same
vectorised product simulation (generated households, declared benefits
included), for every catalogue aid: a direct check of the lever, on more
households than the oracle can afford.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("openfisca_france")

from shared.adapters import openfisca as oe
from shared.adapters.openfisca.steady_state import SETTLED_CHAIN
from shared.domain.aids.catalogue import load_catalogue
from shared.models.simulation import FIRST_SUPPORTED_MONTH
from shared.services import eligibility
from tests.fixtures.synthetic_households import synthetic_households


@pytest.mark.parametrize("month", [FIRST_SUPPORTED_MONTH, "2025-05"])
def test_settling_the_chain_equals_settling_every_benefit(month: str) -> None:
    engine = eligibility._engine(load_catalogue())
    households = synthetic_households(24, month, seed=int(month.replace("-", "")) + 7)
    plan = oe.plan_households(households, month)
    aids = [a for a in engine.aids if a.variable not in oe.BIRTH_GRANTS]
    assert set(SETTLED_CHAIN) < set(oe.STEADY_STATE_ORDER)

    def amounts(order: tuple[str, ...]) -> dict[str, np.ndarray]:
        simulation = oe.build_simulation(engine.system, plan, engine.profile.pruned)
        oe.settle(simulation, month, order=order)
        return {a.aid_id: engine.value(simulation, plan, a).astype(np.float64) for a in aids}

    chain = amounts(SETTLED_CHAIN)
    full = amounts(oe.STEADY_STATE_ORDER)
    for aid_id, values in full.items():
        np.testing.assert_array_equal(chain[aid_id], values, err_msg=aid_id)
    # Not a vacuous comparison: the generated households receive aids.
    assert sum(int(np.count_nonzero(values)) for values in full.values()) > len(households)
