"""Erasure of one person's data everywhere the registry says it is (R21, R22, R28, R30).

1. :func:`erasure_notice`: what erasure stops and what the law keeps (R30),
   read before anything happens.
2. :func:`request_erasure`: the person confirms by typing the word of the
   notice; a job is recorded (one per person: a repeated request returns the
   same job) and a task is queued for the ``erasure_worker``.
3. :func:`run_erasure` (the worker's job): walks
   :func:`~shared.domain.privacy_rights.erasure_order`, deletes the person's
   records in each location, records a status per location *after each
   one*, and resumes where it stopped when a store failed or the process
   died (every step is safe to repeat). It ends with a scan of every location
   proving nothing remains, then clears the uid and e-mail the job needed.
4. :func:`erasure_receipt`: the receipt, with no personal data, reachable by
   its unguessable id before and after the account disappears.

Everything is driven by :func:`shared.domain.data_registry.personal_data_of`:
a location registered later is erased, scanned and reported without any
change here. Every date comes from an injectable clock.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from pydantic import Field

from shared.adapters import document_store, personal_data_stores, task_queue
from shared.adapters.document_store import Writes
from shared.config import settings
from shared.domain import data_registry as registry
from shared.domain import privacy_rights as rules
from shared.domain.access import Access
from shared.domain.data_registry import BENEFICIARY, ERASURE_JOBS, DataLocation, PersonalData
from shared.domain.strict import BilingualText, Language, StrictModel
from shared.errors import ApiError, PermanentFailure, TransientFailure, text
from shared.models.account import BeneficiaryProfile
from shared.models.privacy import (
    ErasureConfirmation,
    ErasureJob,
    ErasureNotice,
    ErasureReceipt,
    KeptByLaw,
    StoreStatus,
)
from shared.services.audit import pseudonym
from shared.structured_log import log_event

Clock = Callable[[], datetime]
QUEUE = "erasure"
WORKER = "erasure_worker"
JOB = "erase"


def utc_now() -> datetime:
    return datetime.now(UTC)


NO_SUCH_RECEIPT = text("Aucun reçu d'effacement à cette adresse.", "No erasure receipt here.")


class StoreFailure(TransientFailure):
    """One store could not be erased now; the job resumes there on the next delivery."""


def _kept(erased_on: datetime, language: Language = "fr") -> list[KeptByLaw]:
    """What erasure keeps by law, described for the person (French unless asked)."""
    return [
        KeptByLaw(
            location=location.key,
            description=rules.kept_description(location, language),
            legal_basis=location.retention.legal_basis.value,
            source=location.retention.source,
            until=rules.kept_until(location, erased_on.date()),
        )
        for location in rules.erasure_order()
        if rules.kept_by_law(location)
    ]


def erasure_notice(access: Access) -> ErasureNotice:
    """What erasure stops and what is kept by law, in the reader's language (R30)."""
    language = access.language
    return ErasureNotice(
        notice=rules.ERASURE_NOTICE.in_language(language),
        stops=[item.in_language(language) for item in rules.ERASURE_STOPS],
        kept_by_law=_kept(utc_now(), language),
        backups_expire_after_days=rules.BACKUP_EXPIRY.days,
        confirm_with=rules.CONFIRMATION_WORD.in_language(language),
    )


def job_path(uid: str) -> str:
    """One erasure job per person, named by the keyed hash of their uid."""
    return ERASURE_JOBS.path(job_id=pseudonym(uid))


def _email_of(uid: str) -> str:
    profile = document_store.get(BENEFICIARY.path(uid=uid), BeneficiaryProfile)
    if profile is not None:
        return profile.email
    return personal_data_stores.auth_email(uid) or ""


def receipt_url(receipt_id: str) -> str:
    return f"/privacy/erasure/receipts/{receipt_id}"


def _receipt(job: ErasureJob) -> ErasureReceipt:
    return ErasureReceipt(
        pseudonymous_id=job.subject_ref,
        status=job.status,
        requested_at=job.requested_at,
        completed_at=job.completed_at,
        stores=job.stores,
        remaining_after_scan=job.remaining_after_scan,
        kept_by_law=job.kept_by_law,
        backups_expire_on=job.backups_expire_on,
        receipt_url=receipt_url(job.receipt_id),
    )


def start_erasure(uid: str, *, now: Clock = utc_now, email: str | None = None) -> ErasureJob:
    """Record the erasure job of ``uid`` (or return the one already recorded) and queue it.

    Used by the person's confirmed request, by the retention sweep (R19) and
    by a privacy officer executing a directive (R29).
    """
    path = job_path(uid)
    at = now()

    def work(writes: Writes) -> tuple[ErasureJob, bool]:
        existing = writes.get(path, ErasureJob)
        if existing is not None and existing.status != "done":
            return existing, False
        if existing is not None:
            return existing, False
        job = ErasureJob(
            subject_ref=pseudonym(uid),
            receipt_id=secrets.token_hex(16),
            status="confirmed",
            requested_at=at,
            confirmed_at=at,
            stores={location.key: StoreStatus() for location in rules.erasure_order()},
            kept_by_law=_kept(at),
            backups_expire_on=rules.backups_expire_on(at),
            working_uid=uid,
            working_email=email if email is not None else _email_of(uid),
        )
        writes.create(path, job)
        return job, True

    job, created = document_store.run_in_transaction(work)
    if created:
        enqueue(job)
    return job


def enqueue(job: ErasureJob) -> str:
    """Queue the job for the erasure worker (payload: the job id only, no person)."""
    url = settings().worker_url(QUEUE, WORKER) + "/" + JOB
    return task_queue.enqueue(QUEUE, url, {"job_id": job.subject_ref})


def request_erasure(access: Access, confirmation: ErasureConfirmation) -> ErasureReceipt:
    """The person's confirmed erasure request (R28): records the job and queues it."""
    accepted = {rules.CONFIRMATION_WORD.fr, rules.CONFIRMATION_WORD.en}
    if confirmation.confirm.strip().upper() not in accepted:
        raise ApiError("erasure_not_confirmed", _not_confirmed(access))
    return _receipt(start_erasure(access.subject_uid, email=access.actor.email or None))


def _not_confirmed(access: Access) -> BilingualText:
    word = rules.CONFIRMATION_WORD
    return text(
        f"Pour confirmer l'effacement, tapez {word.fr}.",
        f"To confirm erasure, type {word.en}.",
    )


def erasure_status(access: Access) -> ErasureReceipt:
    """The person's erasure job as it stands (per-store progress), or ``not_found``."""
    job = document_store.get(job_path(access.subject_uid), ErasureJob)
    if job is None:
        raise ApiError("not_found", NO_SUCH_RECEIPT)
    return _receipt(job)


def erasure_receipt(receipt_id: str) -> ErasureReceipt:
    """The receipt behind an unguessable id: no personal data, so no sign-in is needed."""
    found = document_store.find_by_fields(
        ERASURE_JOBS.collection(), ErasureJob, {"receipt_id": receipt_id}
    )
    job = next((job for _, job in found), None)
    if job is None:
        raise ApiError("not_found", NO_SUCH_RECEIPT)
    return _receipt(job)


# ------------------------------------------------------------------ the job


class ErasureTask(StrictModel):
    """Payload of the ``erase`` task: the job id only (the keyed hash), never the person."""

    job_id: str = Field(min_length=8, max_length=64, pattern=r"^[0-9a-f]+$")


def _load(job_id: str) -> ErasureJob:
    job = document_store.get(ERASURE_JOBS.path(job_id=job_id), ErasureJob)
    if job is None:
        raise PermanentFailure("not_found")
    return job


def subject_of_task(task: ErasureTask) -> str:
    """Whose data the job erases (the worker opens and journals that access, R14)."""
    job = _load(task.job_id)
    if job.working_uid is None:  # finished: nothing left to reach
        raise PermanentFailure("already_erased")
    return job.working_uid


def _places(job: ErasureJob) -> list[PersonalData]:
    uid = job.working_uid or ""
    places = registry.personal_data_of(uid, uid_ref=job.subject_ref, email=job.working_email or "")
    order = {location.key: index for index, location in enumerate(rules.erasure_order())}
    return sorted(
        (p for p in places if p.location.key in order), key=lambda p: order[p.location.key]
    )


def _save(job_id: str, job: ErasureJob) -> None:
    path = ERASURE_JOBS.path(job_id=job_id)
    document_store.run_in_transaction(lambda writes: writes.set(path, job))


Fault = Callable[[DataLocation], None]


def _no_fault(location: DataLocation) -> None:
    return None


def run_erasure(
    access: Access, task: ErasureTask, *, now: Clock = utc_now, fault: Fault = _no_fault
) -> str:
    """Erase, store by store, every record of the job's person; resume where a run stopped.

    ``fault`` is called before each store is touched: tests make one store
    fail in turn (as an outage would) and check the next run resumes there.
    A failing store is recorded with its error and the job raises
    :class:`StoreFailure` (transient: the queue delivers again). The job is
    done only when the final scan finds nothing of the person anywhere.
    """
    job = _load(task.job_id)
    if job.status == "done":
        return "already_done"
    job = job.model_copy(update={"status": "running", "attempts": job.attempts + 1})
    _save(task.job_id, job)
    stores = dict(job.stores)
    for place in _places(job):
        key = place.location.key
        status = stores.get(key, StoreStatus())
        if status.state in ("done", "kept"):
            continue
        try:
            fault(place.location)
            if rules.kept_by_law(place.location):
                status = StoreStatus(
                    state="kept", kept=personal_data_stores.count(place), updated_at=now()
                )
            else:
                removed = personal_data_stores.erase(place)
                status = StoreStatus(
                    state="done", removed=status.removed + removed, updated_at=now()
                )
        except Exception as error:  # recorded, then retried: no store is skipped silently
            code = getattr(error, "code", type(error).__name__)
            stores[key] = status.model_copy(
                update={"state": "failed", "error_code": str(code), "updated_at": now()}
            )
            _save(task.job_id, job.model_copy(update={"status": "failed", "stores": stores}))
            log_event("erasure store failed", "WARNING", job=JOB, code=str(code))
            raise StoreFailure(f"store_failed:{key}") from None
        stores[key] = status
        job = job.model_copy(update={"stores": stores})
        _save(task.job_id, job)
    remaining = final_scan(job)
    if any(remaining.values()):
        # A store that said done but still holds something is erased again on the next run.
        for key, left in remaining.items():
            if left:
                stores[key] = stores[key].model_copy(
                    update={"state": "failed", "error_code": "scan_found_data", "updated_at": now()}
                )
        _save(
            task.job_id,
            job.model_copy(
                update={"status": "failed", "stores": stores, "remaining_after_scan": remaining}
            ),
        )
        raise StoreFailure("scan_found_data")
    completed = now()
    _save(
        task.job_id,
        job.model_copy(
            update={
                "status": "done",
                "completed_at": completed,
                "remaining_after_scan": remaining,
                "backups_expire_on": rules.backups_expire_on(completed),
                "kept_by_law": _kept(completed),
                "working_uid": None,
                "working_email": None,
            }
        ),
    )
    return "erased"


# Stores the final scan reads at once (I/O bound: each count waits on its store).
SCAN_THREADS = 8


def final_scan(job: ErasureJob) -> dict[str, int]:
    """Records of the person still held, per location erasure deletes (all zero when done).

    Reads every store again from the registry, not from the job's statuses,
    so a store that claimed success but kept something is caught.
    """
    places = [place for place in _places(job) if not rules.kept_by_law(place.location)]
    # Each count is one or a few round trips to a different store: asked together.
    with ThreadPoolExecutor(max_workers=SCAN_THREADS) as pool:
        counts = list(pool.map(personal_data_stores.count, places))
    return {place.location.key: count for place, count in zip(places, counts, strict=True)}
