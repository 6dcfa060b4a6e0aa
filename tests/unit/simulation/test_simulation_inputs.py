"""Every input of a batch's simulation is the plan's value, month by month.

``speedups._set_inputs`` writes a month's few differing values (a salary
that changed, the months of a pregnancy) into a copy of the column's base
instead of converting the whole column again: each month's array must equal
the plan's base with that month's overrides, converted whole.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("openfisca_france")

from shared.adapters import openfisca as oe
from shared.adapters.openfisca import speedups
from shared.adapters.openfisca.plan import _months_of
from shared.domain.aids.catalogue import load_catalogue
from shared.services import eligibility
from tests.fixtures.synthetic_households import synthetic_households

MONTH = "2026-11"


def test_each_month_of_each_input_is_the_plan_s_value() -> None:
    engine = eligibility._engine(load_catalogue())
    plan = oe.plan_households(synthetic_households(300, MONTH, seed=3), MONTH)
    overridden = {name for name, column in plan.columns.items() if column.overrides}
    assert {"salaire_net", "enceinte"} <= overridden  # floats and booleans change by month

    with speedups.simulation_of(engine.system, plan, engine.profile.pruned) as simulation:
        checked = 0
        for name, column in plan.columns.items():
            variable = engine.system.variables[name]
            if column.kind == "eternity":
                continue
            holder = simulation.get_holder(name)
            for month in _months_of(plan.month, column.kind):
                stored = holder.get_array(speedups._month_period(month))
                if stored is None:  # an input left at its default is not set
                    continue
                whole = list(column.base)
                for position, value in column.overrides.get(month, {}).items():
                    whole[position] = value
                expected = np.asarray(speedups._typed(variable, whole))
                if expected.dtype.kind == "U":  # OpenFisca stores strings as bytes
                    expected = expected.astype(stored.dtype)
                assert stored.dtype == expected.dtype, name
                assert np.array_equal(np.asarray(stored), np.asarray(expected)), (name, month)
                checked += 1
    assert checked > len(overridden) * 12
