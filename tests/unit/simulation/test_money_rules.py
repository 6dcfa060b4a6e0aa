"""Net amounts as people know them → the bases the rules read."""

from __future__ import annotations

import pytest

from shared.domain.money_rules import (
    PensionCsgBand,
    pension_band,
    pension_bands,
    pension_from_net,
    tax_parts,
    taxable_salary,
    yearly_of_monthly,
)
from shared.domain.questionnaire import Household


def test_pension_gross_and_taxable_by_csg_band() -> None:
    # CSS art. L136-8: 0 %, 3,8 %, 6,6 % (+ CASA 0,3 %), 8,3 % (+ CASA); CRDS 0,5 %
    # except when exempt. 900 € net at the reduced rate: 900 / 0,957 = 940,44 €.
    assert pension_from_net(900, PensionCsgBand.EXEMPT).gross == 900
    reduced = pension_from_net(900, PensionCsgBand.REDUCED)
    assert reduced.gross == 940.44 and reduced.taxable == pytest.approx(904.70, abs=0.01)
    full = pension_from_net(1500, PensionCsgBand.FULL)
    assert full.gross == round(1500 / 0.909, 2)
    assert full.taxable == round(full.gross * (1 - 0.059), 2)


def test_pension_band_thresholds_2025() -> None:
    # 2025 thresholds (CSS art. L136-8 III): 12 817 / 16 755 / 26 004 € for one part,
    # + 3 422 / 4 474 / 6 941 € per further half-part.
    assert pension_band(12817, 1, 2025) is PensionCsgBand.EXEMPT
    assert pension_band(12818, 1, 2025) is PensionCsgBand.REDUCED
    assert pension_band(16756, 1, 2025) is PensionCsgBand.MEDIAN
    assert pension_band(26005, 1, 2025) is PensionCsgBand.FULL
    assert pension_band(12817 + 2 * 3422, 2, 2025) is PensionCsgBand.EXEMPT
    # Years after the table use its latest thresholds.
    assert pension_band(13048, 1, 2031) is PensionCsgBand.EXEMPT


def test_tax_parts_and_household_bands() -> None:
    assert tax_parts(1, 0) == 1 and tax_parts(2, 2) == 3 and tax_parts(2, 3) == 4
    assert tax_parts(1, 1) == 2  # single parent: the first child counts one part
    household = Household.model_validate(
        {
            "persons": [
                {
                    "id": "a",
                    "relationship": "applicant",
                    "birth_date": "1950-01-01",
                    "resources": [{"kind": "retirement_pension", "monthly_amount": 1500}],
                },
                {
                    "id": "b",
                    "relationship": "spouse",
                    "birth_date": "1952-01-01",
                    "resources": [{"kind": "retirement_pension", "monthly_amount": 1500}],
                },
            ],
            "couple_status": "cohabiting",
            "housing": {"status": "owner", "commune": "75056"},
        }
    )
    # Cohabiting partners file apart (CGI art. 6): 1 500 × 12 × 0,9 = 16 200 € each,
    # one part: reduced rate in 2025 (≤ 16 755 €).
    assert pension_bands(household, 2025) == {
        "a": PensionCsgBand.REDUCED,
        "b": PensionCsgBand.REDUCED,
    }


def test_taxable_salary_and_yearly_amounts() -> None:
    # Net + (2,4 % + 0,5 %) × 98,25 % of a gross of net / 0,78.
    assert taxable_salary(1000) == round(1000 * (1 + 0.029 * 0.9825 / 0.78), 2)
    assert yearly_of_monthly(151.05) == 1812.60
