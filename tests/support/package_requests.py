"""The first real request each deployed function must answer from its own package.

A function served from its package (devstack.function_packages) is proved by one
request a browser or a queue would really send, on the emulators: a 2xx there means
the package carries every file and distribution that request needs. Each function
has its entry here; a function folder without one fails tests/packages until it gets
one, so a new function cannot be deployed unproved.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests

from shared.domain.policy import CURRENT_POLICY
from tests.integration.test_simulate import MONTH, SINGLE_NO_INCOME
from tests.support import emulators
from tests.support.seed import seed_profile

TIMEOUT = 120  # simulate builds the OpenFisca system on its first request

# The integration tests' single adult without resources renting in Paris (commune
# 75056), so that the City of Paris aids (the OpenFisca-Paris extension) are computed.
SIMULATION_REQUEST: dict[str, Any] = {"household": SINGLE_NO_INCOME, "month": MONTH}


def _signup_body() -> dict[str, Any]:
    return {"accept_policy_version": CURRENT_POLICY.version, "language": "fr"}


def sign_up(signup_url: str) -> tuple[emulators.EmulatorUser, requests.Response]:
    """A new Auth-emulator account signs up at ``signup_url``."""
    user = emulators.create_user()
    response = requests.post(signup_url, json=_signup_body(), headers=user.headers, timeout=TIMEOUT)
    return user, response


def _signed_up(urls: Mapping[str, str]) -> dict[str, str]:
    """Headers of a new beneficiary, signed up through the served ``signup``."""
    user, created = sign_up(urls["signup"])
    created.raise_for_status()
    return user.refresh().headers  # the token now carries the beneficiary role


def read_profile_after_signup(urls: Mapping[str, str]) -> requests.Response:
    """A new beneficiary reads its profile."""
    return requests.get(urls["profile"], headers=_signed_up(urls), timeout=TIMEOUT)


def simulate_signed_in(urls: Mapping[str, str]) -> requests.Response:
    """A new beneficiary simulates a Paris household (kept in its history)."""
    return requests.post(
        urls["simulate"], json=SIMULATION_REQUEST, headers=_signed_up(urls), timeout=TIMEOUT
    )


def simulate_anonymously(urls: Mapping[str, str]) -> requests.Response:
    """An anonymous simulation (nothing stored) of the same Paris household."""
    return requests.post(urls["simulate"], json=SIMULATION_REQUEST, timeout=TIMEOUT)


def _worker_outcome(response: requests.Response, expected: str) -> requests.Response:
    """A worker answers 200 even for a recorded permanent failure: check the outcome too.

    An import missing from the package would surface as a crashed job answered 200
    (so that the queue does not retry it); only the expected outcome proves the job ran.
    """
    if response.ok and response.json().get("outcome") != expected:
        raise AssertionError(f"job outcome {response.text[:500]!r}, expected {expected!r}")
    return response


def notify_a_beneficiary_of_the_policy(urls: Mapping[str, str]) -> requests.Response:
    """The notices queue delivers a policy-revision notice owed to a beneficiary (a mail)."""
    person = seed_profile(f"pkg-{uuid.uuid4().hex[:10]}", policy_version="2025-01")
    response = requests.post(
        f"{urls['notices_worker']}/notify_policy_revision",
        json={"uid": person.uid, "policy_version": CURRENT_POLICY.version},
        headers={
            "X-CloudTasks-TaskName": f"pkg-{uuid.uuid4().hex}",
            "X-CloudTasks-QueueName": "notices",
        },
        timeout=TIMEOUT,
    )
    return _worker_outcome(response, "sent")


def vault_file_finalized(urls: Mapping[str, str]) -> requests.Response:
    """Storage announces a file uploaded through a slot by a beneficiary who consented."""
    from devstack.storage_events import deliver_finalized
    from shared.adapters.vault_objects import VaultObjects
    from shared.config import settings
    from shared.domain.access import Access, Actor, ActorKind, Scope
    from shared.models.vault import UploadSlotRequest
    from shared.services import vault as vault_service
    from tests.support.sample_files import pdf

    person = seed_profile(f"pkg-{uuid.uuid4().hex[:10]}", vault=True)
    data = pdf()
    access = Access(Actor(person.uid, ActorKind.BENEFICIARY), person.uid, Scope.VAULT_WRITE, "")
    wiring = vault_service.default_vault()
    slot = vault_service.request_upload_slot(
        wiring,
        access,
        UploadSlotRequest(content_type="application/pdf", size=len(data), kind="tax_notice"),
    )
    name = wiring.owner_prefix(person.uid) + slot.document_id
    VaultObjects().write(name, data, "application/pdf")
    delivered = deliver_finalized(
        settings().storage_emulator_host or "", urls["vault_events"], settings().vault_bucket, name
    )
    response = requests.Response()
    response.status_code = delivered.status
    response.headers["Content-Type"] = "application/json"
    response._content = delivered.body.encode()
    return _worker_outcome(response, "available")


def _signed_up_to_the_vault(urls: Mapping[str, str]) -> dict[str, str]:
    """Headers of a new beneficiary who consented to the vault at sign-up."""
    user = emulators.create_user()
    body = {**_signup_body(), "consents": {"vault": True}}
    requests.post(
        urls["signup"], json=body, headers=user.headers, timeout=TIMEOUT
    ).raise_for_status()
    return user.refresh().headers


def vault_upload_slot(urls: Mapping[str, str]) -> requests.Response:
    """A beneficiary who consented asks for an upload slot (a signed URL)."""
    body = {"content_type": "application/pdf", "size": 1000, "kind": "tax_notice"}
    return requests.post(
        f"{urls['vault']}/uploads",
        json=body,
        headers=_signed_up_to_the_vault(urls),
        timeout=TIMEOUT,
    )


def form_generated(urls: Mapping[str, str]) -> requests.Response:
    """A beneficiary has the RSA form filled and kept in the vault (pypdf, clamd)."""
    return requests.post(
        f"{urls['forms']}/rsa",
        json={"edits": {"phone": "06 12 34 56 78"}},
        headers=_signed_up_to_the_vault(urls),
        timeout=TIMEOUT,
    )


def export_and_send_to_a_third_party(urls: Mapping[str, str]) -> requests.Response:
    """A new beneficiary asks for an export for a third party, reads its link, confirms.

    Three requests, so that the package proves every library its routes use: the
    task queue (the request), Storage (the signed link) and the mail provider (the
    confirmed send). The archive is built in between by the export job, run here.
    """
    from shared.domain.access import Access, Actor, ActorKind, Scope
    from shared.services import export
    from tests.support.footprint import forget_pending_tasks

    user, created = sign_up(urls["signup"])
    created.raise_for_status()
    headers = user.refresh().headers
    # The queued task is not delivered (a whole `make test` serves a gateway at the
    # tasks' target): its job is run right here, alone on the export's record.
    with emulators.queue_held(export.QUEUE):
        asked = requests.post(
            f"{urls['privacy']}/exports",
            json={"recipient": "conseil@asso.example.org"},
            headers=headers,
            timeout=TIMEOUT,
        )
        asked.raise_for_status()
        uid = user.uid
        forget_pending_tasks(uid)
        export_id = asked.json()["export_id"]
        service = Actor(uid="service:package-test", kind=ActorKind.SERVICE_ACCOUNT)
        export.build_export(
            Access(service, uid, Scope.PRIVACY_EXPORT, "package test"),
            export.ExportTask(uid=uid, export_id=export_id),
        )
        status = requests.get(
            f"{urls['privacy']}/exports/{export_id}", headers=headers, timeout=TIMEOUT
        )
        status.raise_for_status()
        return requests.post(
            f"{urls['privacy']}/exports/{export_id}/recipient", headers=headers, timeout=TIMEOUT
        )


def _task_headers(queue: str) -> dict[str, str]:
    return {"X-CloudTasks-TaskName": f"pkg-{uuid.uuid4().hex}", "X-CloudTasks-QueueName": queue}


def erase_a_beneficiary(urls: Mapping[str, str]) -> requests.Response:
    """The erasure queue delivers the confirmed erasure of a beneficiary with an account."""
    from datetime import UTC, datetime

    from shared.adapters import document_store
    from shared.domain.privacy_rights import backups_expire_on
    from shared.models.privacy import ErasureJob
    from shared.services.audit import pseudonym
    from shared.services.erasure import job_path

    user = emulators.create_user()
    seed_profile(user.uid, email=user.email)
    now = datetime.now(UTC)
    job = ErasureJob(
        subject_ref=pseudonym(user.uid),
        receipt_id=uuid.uuid4().hex,
        status="confirmed",
        requested_at=now,
        confirmed_at=now,
        backups_expire_on=backups_expire_on(now),
        working_uid=user.uid,
        working_email=user.email,
    )
    document_store.run_in_transaction(lambda w: w.create(job_path(user.uid), job))
    response = requests.post(
        f"{urls['erasure_worker']}/erase",
        json={"job_id": job.subject_ref},
        headers=_task_headers("erasure"),
        timeout=TIMEOUT,
    )
    return _worker_outcome(response, "erased")


def export_a_beneficiary(urls: Mapping[str, str]) -> requests.Response:
    """The exports queue delivers a beneficiary's export request (a ZIP into the bucket)."""
    from datetime import UTC, datetime

    from shared.adapters import document_store
    from shared.domain.data_registry import EXPORTS
    from shared.models.privacy import ExportRecord

    person = seed_profile(f"pkg-{uuid.uuid4().hex[:10]}")
    export_id = uuid.uuid4().hex[:24]
    record = ExportRecord(status="queued", requested_at=datetime.now(UTC))
    path = EXPORTS.path(uid=person.uid, export_id=export_id)
    document_store.run_in_transaction(lambda w: w.create(path, record))
    response = requests.post(
        f"{urls['export_worker']}/build_export",
        json={"uid": person.uid, "export_id": export_id},
        headers=_task_headers("exports"),
        timeout=TIMEOUT,
    )
    return _worker_outcome(response, "ready")


def scheduler_call(url: str, job_name: str) -> requests.Response:
    """What Cloud Scheduler posts to a daily job: an empty object and its headers."""
    return requests.post(
        url,
        json={},
        headers={
            "X-CloudScheduler-JobName": job_name,
            "X-CloudScheduler-ScheduleTime": datetime_now_iso(),
        },
        timeout=TIMEOUT,
    )


def sweep_retention(urls: Mapping[str, str]) -> requests.Response:
    """Cloud Scheduler's daily call: one idle account is warned, one warned long ago erased."""
    from datetime import UTC, datetime, timedelta

    from shared.adapters import document_store
    from shared.domain.data_registry import BENEFICIARY, INACTIVITY_WARNINGS
    from shared.models.privacy import InactivityWarning

    long_ago = datetime.now(UTC) - timedelta(days=3 * 365 + 40)
    idle = [seed_profile(f"pkg-{uuid.uuid4().hex[:10]}") for _ in range(2)]
    for profile in idle:
        path = BENEFICIARY.path(uid=profile.uid)
        old = profile.model_copy(update={"last_active_at": long_ago})
        document_store.run_in_transaction(lambda w, p=path, o=old: w.set(p, o))
    warned = InactivityWarning(
        sent_at=long_ago, last_active_at=long_ago, erasure_due_on=long_ago.date()
    )
    document_store.add(INACTIVITY_WARNINGS.collection(uid=idle[1].uid), warned)
    # The erasure it queues is held, then dropped: a whole `make test` serves a gateway
    # at the tasks' target, which would run it beside the next requests.
    from shared.services.erasure import QUEUE

    with emulators.queue_held(QUEUE):
        response = scheduler_call(urls["retention_sweep"], "retention-sweep")
    outcome = response.json().get("outcome", "") if response.ok else ""
    if response.ok and not str(outcome).startswith("warned="):
        raise AssertionError(f"sweep outcome {response.text[:500]!r}")
    return response


def datetime_now_iso() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat()


def invite_a_caregiver(urls: Mapping[str, str]) -> requests.Response:
    """A new beneficiary invites a caregiver by e-mail (a mandate and a mail)."""
    body = {
        "aidant_email": f"aidant-{uuid.uuid4().hex[:10]}@example.org",
        "aidant_name": "Marie Dupont",
        "grants": ["read_answers_and_results"],
        "days": 30,
    }
    return requests.post(urls["mandates"], json=body, headers=_signed_up(urls), timeout=TIMEOUT)


CLIENT = {
    "name": "Mutuelle Exemple",
    "contract_start": "2026-01-01",
    "contract_end": "2028-12-31",
    "billing_name": "Paul Martin",
    "billing_email": "factures@mutuelle.example",
}


def invite_through_a_client(urls: Mapping[str, str]) -> requests.Response:
    """Staff record a client and name its admin, who invites an address (a mail)."""
    staff = emulators.create_user(role="staff")
    org = requests.post(urls["organisations"], json=CLIENT, headers=staff.headers, timeout=TIMEOUT)
    org.raise_for_status()
    base = f"{urls['organisations']}/{org.json()['id']}"
    admin = emulators.create_user()
    requests.put(
        f"{base}/admins/{admin.uid}", headers=staff.headers, timeout=TIMEOUT
    ).raise_for_status()
    body = {"emails": [f"pkg-{uuid.uuid4().hex[:10]}@corp.example"]}
    return requests.post(
        f"{base}/invitations", json=body, headers=admin.refresh().headers, timeout=TIMEOUT
    )


def hand_off_from_a_partner(urls: Mapping[str, str]) -> requests.Response:
    """A partner signs a hand-off with a key of its JWKS (served on loopback) for a new person."""
    import json
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    import jwt
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    jwk = {**json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key())), "kid": "k1"}
    payload = json.dumps({"keys": [jwk]}).encode()

    class KeySet(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), KeySet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        staff = emulators.create_user(role="staff")
        org = requests.post(
            urls["organisations"], json=CLIENT, headers=staff.headers, timeout=TIMEOUT
        )
        org.raise_for_status()
        org_id = org.json()["id"]
        partner = {
            "issuer": "https://intranet.mutuelle.example",
            "jwks_url": f"http://127.0.0.1:{server.server_port}/jwks.json",
            "algorithm": "ES256",
            "allow_self_registration": True,
        }
        registered = requests.put(
            f"{urls['sso']}/partners/{org_id}", json=partner, headers=staff.headers, timeout=TIMEOUT
        )
        registered.raise_for_status()
        now = int(time.time())
        claims = {
            "iss": partner["issuer"],
            "aud": registered.json()["audience"],
            "iat": now,
            "nbf": now,
            "exp": now + 120,
            "jti": uuid.uuid4().hex,
            "email": f"pkg-{uuid.uuid4().hex[:10]}@corp.example",
        }
        assertion = jwt.encode(claims, key, algorithm="ES256", headers={"kid": "k1"})
        return requests.post(
            f"{urls['sso']}/{org_id}", json={"assertion": assertion}, timeout=TIMEOUT
        )
    finally:
        server.shutdown()


def dispatch_alerts(urls: Mapping[str, str]) -> requests.Response:
    """Cloud Scheduler's daily call after an aid was published: one batch is queued."""
    from tests.integration.test_alerts import NEW_AID, person, previous_run_without

    previous_run_without(NEW_AID)
    person("pkg")
    response = requests.post(
        urls["alerts_dispatch"],
        json={},
        headers={
            "X-CloudScheduler-JobName": "alerts-dispatch",
            "X-CloudScheduler-ScheduleTime": datetime_now_iso(),
        },
        timeout=TIMEOUT,
    )
    return _worker_outcome(response, "dispatched 1 batches")


def evaluate_an_alert_batch(urls: Mapping[str, str]) -> requests.Response:
    """The alerts queue delivers a batch whose one person a new aid concerns (a mail)."""
    from datetime import UTC, datetime

    from shared.adapters import document_store
    from shared.domain.data_registry import ALERT_RUNS
    from tests.integration.test_alerts import NEW_AID, person, previous_run_without

    previous_run_without(NEW_AID)
    uid = person("pkg")
    run_id = f"pkg-{uuid.uuid4().hex[:10]}"
    from shared.services import alerts

    run = alerts.open_run(run_id, "operator", datetime.now(UTC))
    document_store.put(
        ALERT_RUNS.path(run_id=run_id), run.model_copy(update={"status": "dispatched"})
    )
    response = requests.post(
        f"{urls['alerts_worker']}/evaluate_batch",
        json={"run_id": run_id, "batch": 0, "uids": [uid]},
        headers={
            "X-CloudTasks-TaskName": f"pkg-{uuid.uuid4().hex}",
            "X-CloudTasks-QueueName": "alerts",
        },
        timeout=TIMEOUT,
    )
    return _worker_outcome(response, "sent 1")


def start_an_alert_run(urls: Mapping[str, str]) -> requests.Response:
    """An unsigned mail event is refused; staff start a smart-alert run (one batch queued)."""
    from tests.integration.test_alerts import NEW_AID, person, previous_run_without

    refused = requests.post(f"{urls['alerts']}/mail_events", json=[], timeout=TIMEOUT)
    if refused.status_code != 401:
        raise AssertionError(f"unsigned mail events answered {refused.status_code}")
    previous_run_without(NEW_AID)
    person("pkg")
    staff = emulators.create_user(role="staff")
    return requests.post(
        f"{urls['alerts']}/runs", json={"note": "catalogue"}, headers=staff.headers, timeout=TIMEOUT
    )


def write_to_support(urls: Mapping[str, str]) -> requests.Response:
    """A new beneficiary opens a conversation with support, then an agent of its queue reads it."""
    headers = _signed_up(urls)
    body = {"queue": "aids", "subject": "Ma prime d'activité", "message": "Bonjour, une question."}
    opened = requests.post(
        f"{urls['support']}/threads", json=body, headers=headers, timeout=TIMEOUT
    )
    opened.raise_for_status()
    staff = emulators.create_user(role="staff")
    agent = emulators.create_user()
    requests.put(
        f"{urls['support']}/agents/{agent.uid}",
        json={"queue": "aids"},
        headers=staff.headers,
        timeout=TIMEOUT,
    ).raise_for_status()
    return requests.get(
        f"{urls['support']}/queue/{opened.json()['id']}",
        headers=agent.refresh().headers,
        timeout=TIMEOUT,
    )


def check_stale_rules(urls: Mapping[str, str]) -> requests.Response:
    """Cloud Scheduler's daily call: the stale engine rules are listed and recorded."""
    response = scheduler_call(urls["rules_check"], "rules-check")
    outcome = response.json().get("outcome", "") if response.ok else ""
    if response.ok and not str(outcome).startswith("stale_aids="):
        raise AssertionError(f"check outcome {response.text[:500]!r}")
    return response


@dataclass(frozen=True)
class FirstRequest:
    """How to send a function its first request, given the served functions' base URLs."""

    send: Callable[[Mapping[str, str]], requests.Response]
    also_serves: tuple[str, ...] = ()  # other functions the request goes through first


FIRST_REQUESTS: dict[str, FirstRequest] = {
    "signup": FirstRequest(lambda urls: sign_up(urls["signup"])[1]),
    "profile": FirstRequest(read_profile_after_signup, also_serves=("signup",)),
    "simulate": FirstRequest(simulate_signed_in, also_serves=("signup",)),
    "notices_worker": FirstRequest(notify_a_beneficiary_of_the_policy),
    "vault_events": FirstRequest(vault_file_finalized),
    "vault": FirstRequest(vault_upload_slot, also_serves=("signup",)),
    "forms": FirstRequest(form_generated, also_serves=("signup",)),
    "privacy": FirstRequest(export_and_send_to_a_third_party, also_serves=("signup",)),
    "erasure_worker": FirstRequest(erase_a_beneficiary),
    "export_worker": FirstRequest(export_a_beneficiary),
    "retention_sweep": FirstRequest(sweep_retention),
    "rules_check": FirstRequest(check_stale_rules),
    "mandates": FirstRequest(invite_a_caregiver, also_serves=("signup",)),
    "organisations": FirstRequest(invite_through_a_client),
    "sso": FirstRequest(hand_off_from_a_partner, also_serves=("organisations",)),
    "alerts_dispatch": FirstRequest(dispatch_alerts),
    "alerts_worker": FirstRequest(evaluate_an_alert_batch),
    "alerts": FirstRequest(start_an_alert_run),
    "support": FirstRequest(write_to_support, also_serves=("signup",)),
}
