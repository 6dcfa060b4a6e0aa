"""Golden cases of "what would change it": thresholds and variants derived by
hand from the barème (cases and sources in ``what_would_change.yaml``).

A mismatch means the variants or the refinement are wrong, or OpenFisca's
parameters are: investigate, never edit the expected figure to match.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

pytest.importorskip("openfisca_france")

from shared.domain.questionnaire import Household
from shared.services.what_would_change import what_would_change

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "what_would_change.yaml").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_hand_checked_thresholds_and_changes(case: dict[str, Any]) -> None:
    assert case["source"].strip(), "every golden case cites its source"
    report = what_would_change(Household.model_validate(case["household"]), case["month"])
    for aid_id, amount in case.get("current", {}).items():
        assert report.current[aid_id] == pytest.approx(amount, abs=1e-6)
    for expected in case.get("thresholds", ()):
        found = [
            t.model_dump()
            for t in report.thresholds
            if (t.axis, t.person_id, t.aid_id)
            == (expected["axis"], expected.get("person_id"), expected["aid_id"])
        ]
        assert len(found) == 1, (expected, [t.statement.fr for t in report.thresholds])
        for key, value in expected.items():
            assert found[0][key] == pytest.approx(value, abs=1e-6), (key, found[0])
    for expected in case.get("changes", ()):
        found = [
            c.model_dump()
            for c in report.changes
            if (c.axis, c.aid_id) == (expected["axis"], expected["aid_id"])
        ]
        assert len(found) == 1, (expected, [c.statement.fr for c in report.changes])
        for key, value in expected.items():
            assert found[0][key] == pytest.approx(value, abs=1e-6), (key, found[0])
