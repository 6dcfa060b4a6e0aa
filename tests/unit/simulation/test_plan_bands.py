"""A household without a pension skips working out its CSG bands, and plans the same.

The pension CSG band (``money_rules.pension_bands``) converts only declared
retirement pensions (``plan.BANDED_RESOURCES``). The plan of generated
households, pensioners among them, is compared with the plan made when every
household with any resource has its bands worked out.
"""

from __future__ import annotations

import pytest

from shared.adapters import openfisca as oe
from shared.adapters.openfisca import plan as planning
from shared.domain.money_rules import PensionCsgBand
from shared.domain.questionnaire import ResourceKind
from tests.fixtures.synthetic_households import synthetic_households

MONTH = "2026-11"


def test_households_without_a_pension_plan_as_if_their_bands_were_worked_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    households = synthetic_households(400, MONTH, seed=11)
    kinds = [{r.kind for p in h.persons for r in p.resources} for h in households]
    pensioners = sum(ResourceKind.RETIREMENT_PENSION in k for k in kinds)
    assert 0 < pensioners < sum(bool(k) for k in kinds)  # both kinds of household

    quick = oe.plan_households(households, MONTH)
    monkeypatch.setattr(planning, "BANDED_RESOURCES", frozenset(ResourceKind))
    worked_out = oe.plan_households(households, MONTH)

    assert quick.columns.keys() == worked_out.columns.keys()
    for name, column in worked_out.columns.items():
        assert quick.columns[name] == column, name
    # A pensioner's band is read: not every pension is converted as exempt.
    bands = {
        band
        for household in households
        for band in planning._ordered_bands(household, MONTH, with_unborn=False)
    }
    assert bands - {PensionCsgBand.EXEMPT}
