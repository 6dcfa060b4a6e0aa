"""Households that exercise every input the questionnaire can set.

Used to derive the pruning profile (structure matters, amounts do not), by
the plain-words test and by ``bench/simulation.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shared.domain.questionnaire import (
    Household,
)

if TYPE_CHECKING:  # pragma: no cover - typing only
    pass


def reference_households() -> list[Household]:
    """Households that exercise every input the questionnaire can set.

    Used to derive the pruning profile (structure matters, amounts do not) and
    by ``bench/simulation.py`` as the reference households of the benchmark.
    """
    raw: list[dict[str, Any]] = [
        {  # single, no resources, private tenant in Paris
            "persons": [
                {
                    "id": "alex",
                    "relationship": "applicant",
                    "birth_date": "1990-04-12",
                    "activity": "unemployed_not_compensated",
                },
            ],
            "housing": {"status": "tenant", "rent": 550, "commune": "75056"},
        },
        {  # married couple, two children, one salary, social housing
            "persons": [
                {
                    "id": "ana",
                    "relationship": "applicant",
                    "birth_date": "1985-06-01",
                    "activity": "employed",
                    "resources": [
                        {"kind": "salary", "monthly_amount": 1500, "by_month": {"2024-12": 1700}},
                        {"kind": "family_allowances", "monthly_amount": 148},
                    ],
                },
                {
                    "id": "ben",
                    "relationship": "spouse",
                    "birth_date": "1983-02-11",
                    "activity": "unemployed_compensated",
                    "unemployment_rights_exhausted": True,
                    "resources": [{"kind": "unemployment", "monthly_amount": 900}],
                },
                {
                    "id": "chloe",
                    "relationship": "child",
                    "birth_date": "2013-09-03",
                    "school_level": "middle",
                },
                {
                    "id": "dan",
                    "relationship": "child",
                    "birth_date": "2009-01-20",
                    "school_level": "high",
                    "disability_rate": 60,
                },
            ],
            "couple_status": "married",
            "housing": {"status": "tenant_social", "rent": 480, "commune": "69123"},
            "assets": {"savings": 3000},
        },
        {  # single parent, toddler in alternating custody, part-time job, pregnant
            "persons": [
                {
                    "id": "eva",
                    "relationship": "applicant",
                    "birth_date": "1995-11-30",
                    "activity": "employed",
                    "resources": [
                        {"kind": "salary", "monthly_amount": 700},
                        {"kind": "alimony_received", "monthly_amount": 150},
                        {"kind": "housing_aid", "monthly_amount": 250},
                        {"kind": "ppa", "monthly_amount": 120},
                    ],
                },
                {
                    "id": "finn",
                    "relationship": "child",
                    "birth_date": "2023-03-15",
                    "alternate_custody": True,
                },
            ],
            "housing": {
                "status": "tenant_furnished",
                "rent": 620,
                "commune": "13055",
                "shared": True,
            },
            "expected_birth": "2025-07-20",
        },
        {  # retired couple (PACS), owner, pensions, savings and property
            "persons": [
                {
                    "id": "gus",
                    "relationship": "applicant",
                    "birth_date": "1950-05-05",
                    "activity": "retired",
                    "resources": [{"kind": "retirement_pension", "monthly_amount": 850}],
                },
                {
                    "id": "hana",
                    "relationship": "spouse",
                    "birth_date": "1952-08-19",
                    "activity": "retired",
                    "disability_rate": 80,
                    "resources": [
                        {"kind": "retirement_pension", "monthly_amount": 400},
                        {"kind": "invalidity_pension", "monthly_amount": 300},
                    ],
                },
            ],
            "couple_status": "pacs",
            "housing": {"status": "owner", "commune": "2A004"},
            "assets": {"savings": 25000, "unrented_real_estate": 80000},
        },
        {  # disabled adult on AAH, cohabiting partner student, other adult, first-time buyer
            "persons": [
                {
                    "id": "ines",
                    "relationship": "applicant",
                    "birth_date": "1978-12-24",
                    "activity": "inactive",
                    "disability_rate": 70,
                    "disability_restriction": True,
                    "resources": [
                        {"kind": "aah", "monthly_amount": 1000},
                        {
                            "kind": "sickness_allowance",
                            "monthly_amount": 0,
                            "by_month": {"2024-06": 400},
                        },
                    ],
                },
                {
                    "id": "jo",
                    "relationship": "spouse",
                    "birth_date": "2001-07-07",
                    "activity": "student",
                    "school_level": "higher",
                    "resources": [
                        {"kind": "salary", "monthly_amount": 300},
                        {"kind": "ass", "monthly_amount": 0},
                        {"kind": "rsa", "monthly_amount": 0},
                    ],
                },
                {
                    "id": "kim",
                    "relationship": "child",
                    "birth_date": "2019-10-10",
                    "school_level": "primary",
                },
                {
                    "id": "lou",
                    "relationship": "other",
                    "birth_date": "1948-01-01",
                    "activity": "retired",
                    "resources": [{"kind": "retirement_pension", "monthly_amount": 1200}],
                },
            ],
            "couple_status": "cohabiting",
            "housing": {"status": "first_time_buyer", "rent": 700, "commune": "59350"},
        },
        {  # young adult in a residence, hosted family aids declared
            "persons": [
                {
                    "id": "max",
                    "relationship": "applicant",
                    "birth_date": "2003-03-03",
                    "activity": "in_paid_training",
                    "school_level": "higher",
                    "resources": [
                        {"kind": "salary", "monthly_amount": 1100},
                        {"kind": "family_supplement", "monthly_amount": 0},
                        {"kind": "family_support", "monthly_amount": 0},
                        {"kind": "paje_base", "monthly_amount": 0},
                    ],
                },
                {"id": "noa", "relationship": "child", "birth_date": "2024-12-01"},
            ],
            "housing": {"status": "residence", "rent": 420, "commune": "97411"},
        },
    ]
    return [Household.model_validate(item) for item in raw]
