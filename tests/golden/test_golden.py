"""Golden situations: OpenFisca-France through our whole path gives the
official amounts as paid (cases and sources in ``cases.yaml``).

A mismatch means the situation we build is wrong (missing history, wrong
role...) or OpenFisca's parameters are: investigate, never edit the expected
amount to match.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

pytest.importorskip("openfisca_france")

from shared.domain.questionnaire import Household
from shared.services.eligibility import evaluate

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "cases.yaml").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_official_amount(case: dict[str, Any]) -> None:
    assert case["source"].strip(), "every golden case cites its source"
    assert case.get("expected") or case.get("not_eligible"), "every case checks something"
    report = evaluate(Household.model_validate(case["household"]), case["month"])
    results = {result.aid_id: result for result in report.results}
    tolerance = float(case.get("tolerance", 0.0)) + 1e-6
    for aid_id in case.get("not_eligible", ()):
        assert results[aid_id].status == "not_eligible", (aid_id, results[aid_id].explanation)
    for aid_id, expected in case.get("expected", {}).items():
        result = results[aid_id]
        assert result.status == "eligible", (aid_id, result.explanation)
        if "monthly" in expected:
            assert result.monthly_amount is not None
            assert result.monthly_amount == pytest.approx(expected["monthly"], abs=tolerance)
            # The yearly amount is 12 unrounded monthly payments, rounded once.
            assert result.yearly_amount == pytest.approx(12 * result.monthly_amount, abs=0.06)
        if "contribution" in expected:
            # What the household pays each month: never counted as received.
            assert result.monthly_contribution == pytest.approx(expected["contribution"], abs=1e-6)
            assert result.monthly_amount is None
        if "yearly" in expected:
            assert result.yearly_amount == pytest.approx(expected["yearly"], abs=tolerance)
