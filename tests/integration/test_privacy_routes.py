"""The privacy function over HTTP: notice, confirmation, progress, receipt (R28, R30)."""

from __future__ import annotations

import pytest

from shared.api.jobs.erasure_worker import JOBS
from shared.api.worker import Delivery, run_delivery
from shared.domain.policy import CURRENT_POLICY
from shared.services import erasure
from tests.support import emulators


@pytest.fixture(autouse=True)
def no_queued_erasure(monkeypatch: pytest.MonkeyPatch) -> None:
    # The gateway the task would be delivered to is not running: the test delivers it.
    monkeypatch.setattr(erasure, "enqueue", lambda job: "not-queued")


def test_a_beneficiary_reads_the_notice_confirms_and_downloads_the_receipt(function_client):
    person = emulators.create_user()
    signup = function_client("signup").post(
        "/", json={"accept_policy_version": CURRENT_POLICY.version}, headers=person.headers
    )
    assert signup.status_code == 201
    privacy = function_client("privacy")

    notice = privacy.get("/erasure/notice", headers=person.headers)
    assert notice.status_code == 200
    assert notice.get_json()["confirm_with"] == "EFFACER"
    english = privacy.get("/erasure/notice", headers={**person.headers, "Accept-Language": "en"})
    assert english.get_json()["confirm_with"] == "ERASE"
    # What the law keeps is said in the reader's language too, not in the registry's words.
    kept = {item["location"]: item["description"] for item in notice.get_json()["kept_by_law"]}
    kept_en = {i["location"]: i["description"] for i in english.get_json()["kept_by_law"]}
    assert "journal des accès" in kept["audit_journal"]
    assert "journal of accesses" in kept_en["audit_journal"]

    refused = privacy.post("/erasure", json={"confirm": "ok"}, headers=person.headers)
    assert refused.status_code == 422
    assert refused.get_json()["code"] == "erasure_not_confirmed"
    assert "EFFACER" in refused.get_json()["detail"]

    accepted = privacy.post("/erasure", json={"confirm": "EFFACER"}, headers=person.headers)
    assert accepted.status_code == 202
    receipt_url = accepted.get_json()["receipt_url"]
    progress = privacy.get("/erasure", headers=person.headers).get_json()
    assert progress["status"] == "confirmed"
    assert set(progress["stores"]) >= {"beneficiary", "auth_record", "vault_objects"}

    job_id = progress["pseudonymous_id"]
    delivered = run_delivery(
        "erasure_worker", JOBS, erasure.JOB, {"job_id": job_id}, Delivery("task", job_id, "local")
    )
    assert delivered.status_code == 200

    receipt = privacy.get(receipt_url.removeprefix("/privacy"))  # no token: the account is gone
    assert receipt.status_code == 200
    body = receipt.get_data(as_text=True)
    assert receipt.get_json()["status"] == "done"
    assert person.uid not in body and person.email not in body
    assert privacy.get("/erasure/receipts/" + "0" * 32).status_code == 404
