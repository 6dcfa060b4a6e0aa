"""Anonymised usage statistics (R12): for the operator, and for each client about its people.

One table per view: rows are the measures — people who registered, who ran
a simulation, to whom a simulation found at least one aid — and columns the
months. Each cell counts *people* (someone simulating five times in a month
counts once), only people who neither objected to a purpose nor restricted
processing (R26), then goes through :func:`shared.domain.statistics.suppress`:
no cell under 10 people, and complementary suppression so that no hidden cell
can be recovered by subtracting the others from a total. Totals under 10 are
hidden too. A client admin's view holds only the people their organisation
invited (by the invited address), and is refused for another organisation.

Reads every account of the view (and its simulations) on each call: fine for
the current volumes, to be replaced by counters kept at write time if it grows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from shared.adapters import document_store
from shared.domain import statistics
from shared.domain.access import Access
from shared.domain.data_registry import BENEFICIARY, CLIENT_INVITATIONS, SIMULATIONS
from shared.models.account import BeneficiaryProfile
from shared.models.organisations import ClientInvitation, UsageStatistics
from shared.models.simulation_history import StoredSimulation
from shared.services.organisations import require_admin, require_staff_now

REGISTRATIONS = "registrations"
SIMULATIONS_RUN = "simulations"
AIDS_FOUND = "aids_found"
MEASURES = (REGISTRATIONS, SIMULATIONS_RUN, AIDS_FOUND)


def _month(moment: datetime) -> str:
    return moment.strftime("%Y-%m")


def _people_of(uid: str, profile: BeneficiaryProfile) -> Iterable[statistics.Person]:
    """One entry per (measure, month) this person counts in, once each."""
    objected, restricted = bool(profile.objections), profile.restricted
    cells = {(REGISTRATIONS, _month(profile.created_at))}
    for _, simulation in document_store.list_collection(
        SIMULATIONS.collection(uid=uid), StoredSimulation
    ):
        month = _month(simulation.created_at)
        cells.add((SIMULATIONS_RUN, month))
        if any(result.get("status") == "eligible" for result in simulation.results):
            cells.add((AIDS_FOUND, month))
    for row, column in sorted(cells):
        yield statistics.Person(row=row, column=column, objected=objected, restricted=restricted)


def _table(profiles: Iterable[tuple[str, BeneficiaryProfile]]) -> UsageStatistics:
    people = [person for uid, profile in profiles for person in _people_of(uid, profile)]
    table = statistics.tabulate(people)
    published = statistics.suppress(table)
    row_totals, column_totals = statistics.totals(table)

    def shown(count: int) -> int | None:
        return count if count == 0 or count >= statistics.THRESHOLD else None

    months = sorted({month for row in table.values() for month in row})
    return UsageStatistics(
        threshold=statistics.THRESHOLD,
        measures=[measure for measure in MEASURES if measure in table],
        months=months,
        cells=published,
        measure_totals={row: shown(count) for row, count in row_totals.items()},
        month_totals={month: shown(count) for month, count in column_totals.items()},
    )


def _all_profiles() -> Iterable[tuple[str, BeneficiaryProfile]]:
    return document_store.list_collection(BENEFICIARY.collection_pattern, BeneficiaryProfile)


def operator_statistics(access: Access) -> UsageStatistics:
    """Staff: the whole service's counts, suppressed (R12)."""
    require_staff_now(access)
    return _table(_all_profiles())


def client_statistics(access: Access, org_id: str) -> UsageStatistics:
    """A client admin: counts about the people their organisation invited, suppressed (R3, R12)."""
    require_admin(access, org_id)
    invited = {
        invitation.email
        for _, invitation in document_store.find_by_fields(
            CLIENT_INVITATIONS.collection(), ClientInvitation, {"org_id": org_id}
        )
    }
    return _table((uid, p) for uid, p in _all_profiles() if p.email in invited)
