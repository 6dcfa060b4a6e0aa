"""The values a form may be pre-filled from: the profile and the questionnaire answers.

A flat name → value table (``profile.family_name``, ``applicant.birth_date``,
``household.housing.rent``…) so that templates declare their mapping as data.
Only facts the person gave are here; nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from pydantic import TypeAdapter, ValidationError

from shared.domain.forms.proposal import SourceValue

PROFILE_FIELDS = ("given_name", "family_name", "email", "phone")


def _person(household: Mapping[str, Any], relationship: str) -> Mapping[str, Any]:
    for person in household.get("persons", []):
        if person.get("relationship") == relationship:
            return dict(person)
    return {}


_DATE = TypeAdapter(date)


def _as_date(value: Any) -> date | None:
    """A date given as a date or an ISO string (stored answers hold strings)."""
    if value is None:
        return None
    try:
        return _DATE.validate_python(value)
    except ValidationError:
        return None


def form_sources(
    profile: Mapping[str, Any], household: Mapping[str, Any]
) -> dict[str, SourceValue]:
    """Every source name a template may use, from a profile and household answers."""
    sources: dict[str, SourceValue] = {f"profile.{n}": profile.get(n) for n in PROFILE_FIELDS}
    applicant, spouse = _person(household, "applicant"), _person(household, "spouse")
    housing = dict(household.get("housing") or {})
    children = [p for p in household.get("persons", []) if p.get("relationship") == "child"]
    sources.update(
        {
            "applicant.birth_date": _as_date(applicant.get("birth_date")),
            "applicant.activity": applicant.get("activity"),
            "applicant.disability_rate": applicant.get("disability_rate") or None,
            "spouse.birth_date": _as_date(spouse.get("birth_date")),
            "household.couple_status": household.get("couple_status"),
            "household.children_count": len(children) if household.get("persons") else None,
            "household.expected_birth": _as_date(household.get("expected_birth")),
            "household.housing.status": housing.get("status"),
            "household.housing.rent": housing.get("rent"),
            "household.housing.commune": housing.get("commune"),
        }
    )
    return sources
