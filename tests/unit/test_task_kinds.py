"""The declared kinds of queued tasks: what erasure reads to find people in pending payloads."""

from __future__ import annotations

import pytest

from shared.adapters import task_queue
from shared.domain import data_registry as registry
from shared.domain.data_registry import TaskKind, UnregisteredTaskKind
from shared.services import alerts, campaigns, erasure, export


def test_every_job_the_services_queue_is_declared_with_its_person_fields() -> None:
    declared = {kind.job: kind for kind in registry.TASK_KINDS}
    assert declared[export.JOB].person_fields == ("uid",)
    assert declared[alerts.BATCH_JOB].people_fields == ("uids",)
    assert declared[campaigns.JOB].people_fields == ("uids",)
    # The erasure task names its job by the keyed hash only.
    assert not declared[erasure.JOB].person_fields and not declared[erasure.JOB].people_fields


def test_the_kind_is_read_from_the_last_segment_of_the_url() -> None:
    url = "https://europe-west3-p.cloudfunctions.net/alerts_worker/evaluate_batch?x=1"
    assert registry.task_kind(url).job == "evaluate_batch"
    with pytest.raises(UnregisteredTaskKind):
        registry.task_kind("https://example.org/alerts_worker/forgotten_job")


def test_the_queue_refuses_an_undeclared_kind_before_calling_cloud_tasks() -> None:
    with pytest.raises(UnregisteredTaskKind):
        task_queue.enqueue("alerts", "http://127.0.0.1:9/worker/forgotten_job", {"uid": "u1"})


def test_a_kind_naming_nobody_says_why() -> None:
    with pytest.raises(ValueError, match="says why"):
        TaskKind("silent")


def test_a_rewritten_batch_keeps_one_suffix_and_the_same_name_for_the_same_change() -> None:
    original = "projects/p/locations/l/queues/alerts/tasks/alerts-daily-2026-11-30-00000"
    first = task_queue._rewritten_name(original, b'{"uids": ["a", "b"]}')
    assert first.startswith(original + "-w") and len(first) == len(original) + 18
    assert first == task_queue._rewritten_name(original, b'{"uids": ["a", "b"]}')
    second = task_queue._rewritten_name(first, b'{"uids": ["a"]}')
    assert len(second) == len(first) and second != first
