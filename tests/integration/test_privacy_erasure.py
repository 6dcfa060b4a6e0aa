"""Erasure on the real emulators (R21, R22, R28, R30): every registered location, resumable, proved.

The person's footprint is made from the registry (tests/support/footprint.py),
so these tests cover a location registered later without being edited.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests

from shared.api.jobs.erasure_worker import JOBS
from shared.api.worker import Delivery, run_delivery
from shared.config import settings
from shared.domain import data_registry as registry
from shared.domain import privacy_rights as rules
from shared.domain.access import Access, Actor, ActorKind, Scope
from shared.domain.data_registry import DataLocation
from shared.errors import ApiError
from shared.models.privacy import ErasureConfirmation, ErasureJob
from shared.services import erasure
from shared.services.audit import pseudonym
from tests.support import emulators
from tests.support.footprint import (
    forget_pending_tasks,
    give_footprint,
    register_later_locations,
)

CLOCK = datetime(2027, 3, 15, 9, 30, tzinfo=UTC)


def clock() -> datetime:
    return CLOCK


def own(user: emulators.EmulatorUser, scope: Scope = Scope.PRIVACY_ERASE) -> Access:
    actor = Actor(uid=user.uid, kind=ActorKind.BENEFICIARY, email=user.email)
    return Access(actor, user.uid, scope, "erasure")


@pytest.fixture(autouse=True)
def no_pending_tasks_left() -> Iterator[list[str]]:
    made: list[str] = []
    yield made
    for uid in made:
        forget_pending_tasks(uid)


def person(made: list[str], **kwargs: int) -> tuple[emulators.EmulatorUser, dict[str, int]]:
    user = emulators.create_user()
    made.append(user.uid)
    return user, give_footprint(user.uid, user.email, **kwargs)


def held(user: emulators.EmulatorUser) -> dict[str, int]:
    """What the registry finds of ``user`` in every store, read fresh."""
    from shared.adapters import personal_data_stores

    places = registry.personal_data_of(user.uid, uid_ref=pseudonym(user.uid), email=user.email)
    return {place.location.key: personal_data_stores.count(place) for place in places}


def confirm(user: emulators.EmulatorUser) -> ErasureJob:
    """The person's confirmed request, without its task (tests run the job themselves)."""
    return erasure.start_erasure(user.uid, now=clock, email=user.email)


def task_of(job: ErasureJob) -> erasure.ErasureTask:
    return erasure.ErasureTask(job_id=job.subject_ref)


def stored_job(user: emulators.EmulatorUser) -> ErasureJob:
    from shared.adapters import document_store

    job = document_store.get(erasure.job_path(user.uid), ErasureJob)
    assert job is not None
    return job


@pytest.fixture(autouse=True)
def no_queued_erasure(monkeypatch: pytest.MonkeyPatch) -> None:
    # The erasure task would be delivered to a gateway these tests do not run;
    # they deliver the job themselves, through the worker entry point.
    monkeypatch.setattr(erasure, "enqueue", lambda job: "not-queued")


def deliver(job: ErasureJob, attempt: str) -> int:
    response = run_delivery(
        "erasure_worker",
        JOBS,
        erasure.JOB,
        {"job_id": job.subject_ref},
        Delivery("task", f"task:erasure:{job.subject_ref}:{attempt}", "local"),
    )
    return int(response.status_code)


def test_erasure_removes_every_registered_location_and_the_scan_finds_nothing(
    no_pending_tasks_left,
):
    user, made = person(no_pending_tasks_left)
    twin, _ = person(no_pending_tasks_left)
    before_twin = held(twin)
    assert all(held(user)[key] >= 1 for key in made), held(user)

    job = confirm(user)
    assert deliver(job, "1") == 200

    done = stored_job(user)
    assert done.status == "done"
    after = held(user)
    for location in rules.erasure_order():
        if rules.kept_by_law(location):
            assert done.stores[location.key].state == "kept"
        else:
            assert after[location.key] == 0, location.key
            assert done.stores[location.key].state == "done"
            assert done.stores[location.key].removed >= made[location.key], location.key
    assert set(done.remaining_after_scan.values()) == {0}
    # The twin with the same footprint is untouched.
    assert held(twin) == before_twin
    # What stays names nobody in clear.
    assert done.working_uid is None and done.working_email is None
    assert user.uid not in done.model_dump_json() and user.email not in done.model_dump_json()


@pytest.mark.parametrize(
    "failing",
    [location.key for location in rules.erasure_order() if not rules.kept_by_law(location)],
)
def test_a_failure_at_each_store_is_recorded_and_the_next_delivery_resumes(
    failing, no_pending_tasks_left
):
    user, _ = person(no_pending_tasks_left, files=1, items=1)
    job = confirm(user)
    order = [location.key for location in rules.erasure_order()]

    def outage(location: DataLocation) -> None:
        if location.key == failing:
            raise ConnectionError("store down")

    with pytest.raises(erasure.StoreFailure):
        erasure.run_erasure(own(user), task_of(job), now=clock, fault=outage)

    halfway = stored_job(user)
    assert halfway.status == "failed"
    assert halfway.stores[failing].state == "failed"
    assert halfway.stores[failing].error_code == "ConnectionError"
    before = order[: order.index(failing)]
    assert all(halfway.stores[key].state in ("done", "kept") for key in before)
    assert all(halfway.stores[key].state == "pending" for key in order[order.index(failing) + 1 :])
    # The stores after the failing one still hold the data.
    assert held(user)[failing] >= 1

    # The queue delivers again: the job resumes at the failed store and finishes.
    assert deliver(job, "resume") == 200
    finished = stored_job(user)
    assert finished.status == "done", finished.stores
    assert finished.attempts == 2
    assert all(count == 0 for count in finished.remaining_after_scan.values())
    assert all(
        count == 0 for key, count in held(user).items() if key in finished.remaining_after_scan
    )


def test_the_worker_answers_503_on_a_failing_store_so_the_queue_retries(no_pending_tasks_left):
    user, _ = person(no_pending_tasks_left, files=1, items=1)
    job = confirm(user)
    base = settings().sendgrid_api_host or ""
    # The mail provider answers 503 to its next calls (the sink's outage switch).
    outage = {"status": 503, "count": 1}
    requests.post(f"{base}/_sink/outages", json=outage, timeout=5).raise_for_status()

    assert deliver(job, "down") == 503

    assert stored_job(user).status == "failed"
    assert deliver(job, "up") == 200
    assert stored_job(user).status == "done"


def test_a_repeated_delivery_or_request_does_not_start_a_second_job(no_pending_tasks_left):
    user, _ = person(no_pending_tasks_left, files=1, items=1)
    job = confirm(user)
    assert deliver(job, "1") == 200
    assert deliver(job, "1") == 200  # the same task again: a duplicate, nothing runs
    again = confirm(user)
    assert again.receipt_id == job.receipt_id
    assert stored_job(user).attempts == 1


def test_the_request_needs_the_confirmation_word_of_the_notice(no_pending_tasks_left):
    user, _ = person(no_pending_tasks_left, files=1, items=1)
    notice = erasure.erasure_notice(own(user))
    assert notice.confirm_with == "EFFACER"
    assert "définitivement" in notice.notice
    assert {k.location for k in notice.kept_by_law} == {
        x.key for x in rules.erasure_order() if rules.kept_by_law(x)
    }

    with pytest.raises(ApiError) as refused:
        erasure.request_erasure(own(user), ErasureConfirmation(confirm="oui"))
    assert refused.value.code == "erasure_not_confirmed"
    assert held(user)["beneficiary"] == 1

    receipt = erasure.request_erasure(own(user), ErasureConfirmation(confirm="effacer"))
    assert receipt.status == "confirmed"
    assert erasure.erasure_receipt(receipt.receipt_url.rsplit("/", 1)[-1]) == receipt


def test_the_receipt_names_no_one_and_states_what_the_law_keeps(no_pending_tasks_left):
    user, made = person(no_pending_tasks_left, files=3, items=2)
    job = confirm(user)
    assert erasure.run_erasure(own(user), task_of(job), now=clock) == "erased"

    receipt = erasure.erasure_receipt(job.receipt_id)
    text = receipt.model_dump_json()
    assert user.uid not in text and user.email not in text
    assert receipt.pseudonymous_id == pseudonym(user.uid)
    assert receipt.requested_at == CLOCK
    assert receipt.stores["vault_objects"].removed == made["vault_objects"] == 3
    journal = next(k for k in receipt.kept_by_law if k.location == "audit_journal")
    assert journal.legal_basis == "legitimate_interest"
    assert journal.until == (CLOCK + timedelta(days=365)).date()
    # infra: no point-in-time recovery, no soft-deleted objects: a day at most.
    assert receipt.backups_expire_on == (CLOCK + timedelta(days=1)).date()


def test_a_location_registered_later_is_erased_with_no_change_to_the_code(
    monkeypatch, no_pending_tasks_left
):
    notes, attachments = register_later_locations(monkeypatch)

    user, made = person(no_pending_tasks_left, files=2, items=3)
    assert made[notes] == 3 and made[attachments] == 2
    job = confirm(user)
    assert set(job.stores) >= {notes, attachments}
    assert deliver(job, "1") == 200

    done = stored_job(user)
    assert done.stores[notes].removed == 3
    assert done.stores[attachments].removed == 2
    assert held(user)[notes] == 0 and held(user)[attachments] == 0
