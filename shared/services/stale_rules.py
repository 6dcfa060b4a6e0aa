"""Stale rules: which catalogue aids need a new OpenFisca-France release (R6).

A daily check (Cloud Scheduler → ``rules_check`` function) lists the aids
whose amounts are "à confirmer" in the current month — their legal
parameters are past the date the engine's legislation is known until
(``FrenchEngine.stale_since``, the same rule the results' flag uses) — with
each parameter's own last-checked date, and records it (``rules_checks``, no
personal data). Staff read the latest record (``GET /simulate/stale-rules``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from shared.adapters import document_store
from shared.domain.access import Access
from shared.domain.aids.catalogue import (
    FixedParameterAmount,
    OpenFiscaComputation,
    RuleComputation,
    load_catalogue,
)
from shared.domain.data_registry import RULES_CHECKS
from shared.domain.strict import StrictModel
from shared.models.stale_rules import (
    StaleAid,
    StaleParameter,
    StaleRulesCheck,
    StaleRulesResponse,
)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time, in UTC (the default clock)."""
    return datetime.now(UTC)


# Cloud Scheduler posts to the function's root URL (infra/scheduler.tf): the job has no path.
JOB = ""
SUBJECT = "rules_check"  # the check acts on no one person; its journal entry says so


class CheckOrder(StrictModel):
    """Payload of the scheduled check (Cloud Scheduler sends an empty object)."""


def find_stale(month: str) -> StaleRulesCheck:
    """The catalogue aids whose amounts are "à confirmer" in ``month``."""
    from shared.services import eligibility

    catalogue = load_catalogue()
    engine = eligibility._engine(catalogue)
    aids: list[StaleAid] = []
    for aid in catalogue.aids:
        computation = aid.computation
        names: tuple[str, ...] = ()
        since: date | None = None
        if isinstance(computation, OpenFiscaComputation) and engine.knows(computation.variable):
            names = engine.profile.aid_parameters.get(computation.variable, ())
            since = engine.stale_since(computation.variable, month)
        elif isinstance(computation, RuleComputation) and isinstance(
            computation.amount, FixedParameterAmount
        ):
            names = (computation.amount.parameter,)
            since = engine.parameter_value(computation.amount.parameter, month)[1]
        if since is None:
            continue
        parameters = [
            StaleParameter(name=name, last_checked_on=checked)
            for name, checked in engine.parameter_checks(names)
        ]
        aids.append(StaleAid(aid_id=aid.id, stale_since=since, parameters=parameters))
    return StaleRulesCheck(
        checked_at=utc_now(),
        month=month,
        engine_version=engine.engine_version,
        legislation_known_until=engine.legislation_known_until,
        aids=aids,
    )


def daily_check(access: Access, order: CheckOrder, *, now: Clock = utc_now) -> str:
    """The scheduled check: the stale aids of the current month, recorded."""
    at = now()
    check = find_stale(at.strftime("%Y-%m")).model_copy(update={"checked_at": at})
    document_store.add(RULES_CHECKS.collection(), check)
    return f"stale_aids={len(check.aids)}"


def latest(access: Access) -> StaleRulesResponse:
    """The latest daily check, for staff."""
    newest = document_store.list_collection(
        RULES_CHECKS.collection(), StaleRulesCheck, "checked_at", descending=True, limit=1
    )
    return StaleRulesResponse(latest=next((check for _, check in newest), None))
