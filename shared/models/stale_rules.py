"""Stale rules: the catalogue aids whose OpenFisca parameters are past their
last known value (what needs a new OpenFisca-France release).

Written by the daily check (``rules_check`` function), read by staff
(``GET /simulate/stale-rules``). Names no person: aids, parameters, dates.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from shared.domain.data_categories import DataCategory, categorised
from shared.domain.strict import StrictModel
from shared.models.privacy import Day

C = DataCategory


class StaleParameter(StrictModel):
    """One legal parameter an aid reads, and the date its value was last checked."""

    name: str = Field(description="The OpenFisca parameter's name (dotted path).")
    #: OpenFisca-France's ``last_value_still_valid_on`` (None: never dated).
    last_checked_on: Day | None = Field(
        None,
        description=(
            "The day its value was last known valid (OpenFisca's "
            "last_value_still_valid_on, YYYY-MM-DD); null when never dated."
        ),
    )


class StaleAid(StrictModel):
    """One catalogue aid whose amounts are "à confirmer" in the month checked."""

    aid_id: str = Field(description="The aid's catalogue id.")
    #: The date the engine's legislation is known until (amounts after it are unsure).
    stale_since: Day = Field(
        description=(
            "The date its legislation is known until: amounts after it are unsure (YYYY-MM-DD)."
        )
    )
    #: Its parameters, the least recently checked first.
    parameters: list[StaleParameter] = Field(
        default_factory=list,
        description="The legal parameters it reads, the least recently checked first.",
    )


class StaleRulesCheck(StrictModel):
    """``rules_checks/{check_id}``: one daily check, without personal data."""

    checked_at: datetime = categorised(
        C.INTERACTION, description="When the check ran (ISO 8601, UTC)."
    )
    month: str = categorised(C.INTERACTION, description="The month checked, YYYY-MM.")
    engine_version: str = categorised(
        C.INTERACTION, description="OpenFisca-France version checked."
    )
    legislation_known_until: Day = categorised(
        C.INTERACTION,
        description="The date the engine's legislation is known until (YYYY-MM-DD).",
    )
    aids: list[StaleAid] = categorised(
        C.INTERACTION,
        default_factory=list,
        description="Catalogue aids whose amounts are unsure (à confirmer) in the month checked.",
    )


class StaleRulesResponse(StrictModel):
    """``GET /simulate/stale-rules``: the latest daily check (None before the first)."""

    latest: StaleRulesCheck | None = Field(
        None, description="The latest daily check; null before the first."
    )
