"""The daily retention sweep (R19, R23): the registry's periods, applied.

* **Inactivity (R19).** A beneficiary inactive for 3 years (the period of the
  ``beneficiary`` location, counted from ``last_active_at``) is warned by
  e-mail 30 days before, then erased by the same job as a self-service
  erasure. Using the service again (a newer ``last_active_at``) voids the
  warning.
* **Periods counted from creation or last contact (R4, R23).** Every
  Firestore location whose retention counts from its records' creation, or
  from the last contact (a prospect's demo request) — a location registered
  later included — loses the records older than its period, found by the
  stored model's date field for that start.
* **Client data (R20).** Every location counted from the end of the client's
  contract — organisations, their admins, invitations and sign-on settings (5
  years), their payments (10 years) — loses the records whose contract ended
  longer ago than its period.
* **A record of each run**, as counts per location: no personal data.

Exports in the bucket expire by the bucket's own lifecycle (infra/storage.tf).
Every date comes from the injected clock.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from shared.adapters import document_store, mail
from shared.adapters.clients import firestore_client
from shared.domain import data_registry as registry
from shared.domain.access import Access
from shared.domain.data_registry import (
    BENEFICIARY,
    INACTIVITY_WARNINGS,
    ORGANISATIONS,
    RETENTION_RUNS,
    CountedFrom,
)
from shared.domain.strict import StrictModel
from shared.errors import TransientFailure, text
from shared.models.account import BeneficiaryProfile
from shared.models.organisations import Organisation
from shared.models.privacy import InactivityWarning, RetentionRun
from shared.models.stored import STORED_MODELS
from shared.services.erasure import Clock, start_erasure, utc_now

WARNING_AHEAD = timedelta(days=30)  # R19 as promised: warned 30 days before
# Cloud Scheduler posts to the function's root URL (infra/scheduler.tf): the job has no path.
JOB = ""
SUBJECT = "retention_sweep"  # the sweep acts on no one person; its journal entry says so

# How client records (R20) name their organisation and their contract's end.
ORG_ID = "org_id"
CONTRACT_END = "contract_end"

# The field holding the date a period counts from, by the names stored models use.
CREATION_FIELDS = ("created_at", "requested_at", "ran_at", "at")
DATE_FIELDS: dict[CountedFrom, tuple[str, ...]] = {
    CountedFrom.CREATED: CREATION_FIELDS,
    CountedFrom.LAST_CONTACT: ("last_contact_at",),
}

WARNING_SUBJECT = text(
    "Sésame : votre compte sera supprimé dans 30 jours",
    "Sésame: your account will be deleted in 30 days",
)


class SweepOrder(StrictModel):
    """Payload of the scheduled ``sweep`` (Cloud Scheduler sends an empty object)."""


def inactivity_period() -> timedelta:
    return timedelta(days=BENEFICIARY.retention.days)


def _warning_body(profile: BeneficiaryProfile, due: datetime) -> str:
    if profile.language == "en":
        return (
            "You have not used Sésame for almost 3 years. As our privacy policy says, "
            f"your account and all your data will be deleted on {due.date().isoformat()}.\n\n"
            "To keep them, simply sign in before that date."
        )
    return (
        "Vous n'avez pas utilisé Sésame depuis bientôt 3 ans. Comme le prévoit notre "
        "politique de confidentialité, votre compte et toutes vos données seront supprimés le "
        f"{due.strftime('%d/%m/%Y')}.\n\nPour les conserver, il suffit de vous connecter "
        "avant cette date."
    )


def _older_than(location: registry.DataLocation, field: str, before: datetime) -> list[Any]:
    """Snapshots of a location's documents whose ``field`` is before ``before``."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    query = document_store.documents_of(location)
    return list(query.where(filter=FieldFilter(field, "<=", before)).stream())


def _current_warning(uid: str, profile: BeneficiaryProfile) -> InactivityWarning | None:
    warnings = document_store.list_collection(
        INACTIVITY_WARNINGS.collection(uid=uid), InactivityWarning
    )
    return next((w for _, w in warnings if w.last_active_at == profile.last_active_at), None)


def _inactive_accounts(at: datetime) -> tuple[int, int]:
    """Warn, then erase, the accounts inactive for the R19 period; returns (warned, erased)."""
    warned = erased = 0
    threshold = at - inactivity_period() + WARNING_AHEAD
    for snapshot in _older_than(BENEFICIARY, "last_active_at", threshold):
        if not BENEFICIARY.matches(snapshot.reference.path):
            continue
        uid = snapshot.id
        profile = BeneficiaryProfile.model_validate(snapshot.to_dict())
        deadline = profile.last_active_at + inactivity_period()
        warning = _current_warning(uid, profile)
        if warning is None:
            due = max(deadline, at + WARNING_AHEAD)
            try:
                mail.send(
                    profile.email,
                    WARNING_SUBJECT.in_language(profile.language),
                    _warning_body(profile, due),
                )
            except mail.MailUnavailable:
                raise TransientFailure("mail_unavailable") from None
            except mail.MailRefused:
                pass  # an address that refuses mail is still erased after the period
            record = InactivityWarning(
                sent_at=at, last_active_at=profile.last_active_at, erasure_due_on=due.date()
            )
            document_store.add(INACTIVITY_WARNINGS.collection(uid=uid), record)
            warned += 1
        elif at >= deadline and at.date() >= warning.erasure_due_on:
            start_erasure(uid, now=lambda: at)
            erased += 1
    return warned, erased


def date_field_of(location: registry.DataLocation) -> str | None:
    """The stored date the sweep reads to end a Firestore location's records, if it has one."""
    if location.store is not registry.StoreKind.FIRESTORE:
        return None
    candidates = DATE_FIELDS.get(location.retention.counted_from, ())
    fields = STORED_MODELS[location.key].model_fields
    return next((name for name in candidates if name in fields), None)


def _purge_by_creation(at: datetime) -> dict[str, int]:
    """Delete the records of every Firestore location counted from a stored date, past its period.

    Creation and last contact are dates each record holds; the other starts
    (inactivity, consent withdrawal, contract end) are handled by their own events.
    """
    purged: dict[str, int] = {}
    for location in registry.USER_DATA_LOCATIONS:
        field = date_field_of(location)
        if field is None:
            continue
        before = at - timedelta(days=location.retention.days)
        old = [
            s for s in _older_than(location, field, before) if location.matches(s.reference.path)
        ]
        for snapshot in old:
            firestore_client().recursive_delete(snapshot.reference)
        purged[location.key] = len(old)
    return purged


def _organisation_of(location: registry.DataLocation, snapshot: Any) -> str | None:
    """The organisation a client record belongs to: its ``org_id`` field, or path segment."""
    named = (snapshot.to_dict() or {}).get(ORG_ID)
    if isinstance(named, str):
        return named
    if location.pattern.endswith("/{" + ORG_ID + "}"):
        return str(snapshot.id)
    return None


def _contract_end(
    location: registry.DataLocation, snapshot: Any, contract_ends: dict[str, date]
) -> date | None:
    """When the contract a record depends on ended: its own ``contract_end``, or its
    organisation's. ``None`` when neither is known (the record is then kept)."""
    own = (snapshot.to_dict() or {}).get(CONTRACT_END)
    if isinstance(own, str):
        return date.fromisoformat(own)
    org_id = _organisation_of(location, snapshot)
    return contract_ends.get(org_id) if org_id is not None else None


def _purge_after_contract_end(at: datetime) -> dict[str, int]:
    """Delete client records past their period counted from the end of the contract (R20).

    Every Firestore location whose retention counts from ``contract_end`` is
    swept, a location registered later included: client data 5 years, client
    payment data 10 years after the contract ends. A record carries its own
    contract end or names its organisation, whose contract end is read before
    anything is deleted. Records reading it from their organisation go first and
    the organisations themselves last, so a run stopped half-way leaves no record
    whose contract end can no longer be found.
    """
    contract_ends = {
        org_id: organisation.contract_end
        for org_id, organisation in document_store.list_collection(
            ORGANISATIONS.collection(), Organisation
        )
    }
    locations = [
        location
        for location in registry.USER_DATA_LOCATIONS
        if location.store is registry.StoreKind.FIRESTORE
        and location.retention.counted_from is CountedFrom.CONTRACT_END
    ]
    locations.sort(key=lambda location: CONTRACT_END in STORED_MODELS[location.key].model_fields)
    purged: dict[str, int] = {}
    for location in locations:
        last_day = at.date() - timedelta(days=location.retention.days)
        ended = [
            snapshot
            for snapshot in document_store.documents_of(location).stream()
            if location.matches(snapshot.reference.path)
            and (end := _contract_end(location, snapshot, contract_ends)) is not None
            and end <= last_day
        ]
        for snapshot in ended:
            firestore_client().recursive_delete(snapshot.reference)
        purged[location.key] = len(ended)
    return purged


def sweep(access: Access, order: SweepOrder, *, now: Clock = utc_now) -> str:
    """One retention run (the scheduled job); records what it did without personal data."""
    at = now()
    warned, erased = _inactive_accounts(at)
    purged = _purge_by_creation(at) | _purge_after_contract_end(at)
    run = RetentionRun(ran_at=at, warned=warned, erasures_started=erased, purged=purged)
    document_store.add(RETENTION_RUNS.collection(), run)
    return f"warned={warned} erasures={erased} purged={sum(purged.values())}"
