"""The ``vault`` and ``forms`` functions over HTTP, on the emulators and clamd (R7, R9, R14).

Each test goes through the deployed entry points (dispatcher, token, access
object) and, for the Storage event, through the worker entry point.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from shared.adapters import document_store
from shared.adapters.clamd import ClamdScanner
from shared.adapters.pdf_forms import read_values
from shared.adapters.vault_metadata import FirestoreVaultMetadata
from shared.adapters.vault_objects import VaultObjects, owner_prefix
from shared.api.jobs import vault_events
from shared.api.worker import Delivery, run_delivery
from shared.config import settings
from shared.domain.data_registry import SIMULATIONS
from shared.domain.forms.templates import load_templates
from shared.domain.policy import CURRENT_POLICY
from shared.models.simulation_history import StoredSimulation
from shared.services import vault_requests
from shared.structured_log import set_stream
from tests.support import emulators, sample_files
from tests.support.seed import journal_about, seed_mandate

pytestmark = pytest.mark.integration

POLICY = CURRENT_POLICY.version


@pytest.fixture(autouse=True)
def empty_bucket() -> Any:
    yield
    objects = VaultObjects()
    for name in objects.names_under(""):
        objects.delete(name)


def sign_up(function_client: Any, person: emulators.EmulatorUser, *, vault: bool = True) -> None:
    response = function_client("signup").post(
        "/",
        json={
            "accept_policy_version": POLICY,
            "given_name": "Awa",
            "family_name": "Diallo",
            "phone": "06 12 34 56 78",
            "consents": {"vault": vault},
        },
        headers=person.headers,
    )
    assert response.status_code == 201, response.get_json()


@pytest.fixture
def owner(function_client: Any) -> emulators.EmulatorUser:
    person = emulators.create_user()
    sign_up(function_client, person)
    return person


def slot(
    function_client: Any, person: emulators.EmulatorUser, data: bytes, **declared: Any
) -> dict[str, Any]:
    body = {
        "content_type": "application/pdf",
        "size": len(data),
        "kind": "tax_notice",
        "file_name": "avis.pdf",
        "aid_ids": ["rsa"],
        "income_year": 2024,
        **declared,
    }
    response = function_client("vault").post("/uploads", json=body, headers=person.headers)
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def upload(
    function_client: Any, person: emulators.EmulatorUser, data: bytes, **declared: Any
) -> str:
    """Slot, then the browser's PUT to the signed URL; returns the document id."""
    granted = slot(function_client, person, data, **declared)
    put = requests.put(granted["url"], data=data, headers=granted["headers"], timeout=30)
    assert put.status_code == 200, put.text
    return str(granted["document_id"])


def finalise(function_client: Any, person: emulators.EmulatorUser, document_id: str) -> Any:
    return function_client("vault").post(
        f"/documents/{document_id}/finalise", headers=person.headers
    )


def deliver_event(uid: str, document_id: str) -> Any:
    """The Storage finalize event of the object, through the worker entry point."""
    name = owner_prefix(uid) + document_id
    stored = VaultObjects().read(name)
    payload = {
        "bucket": settings().vault_bucket,
        "name": name,
        "generation": str(stored.generation) if stored else "0",
    }
    (job,) = vault_events.JOBS
    delivery = Delivery("event", f"event:test:{uuid.uuid4().hex}", "local-emulator")
    return run_delivery("vault_events", [job], job.name, payload, delivery)


def search(function_client: Any, person: emulators.EmulatorUser, **query: Any) -> Any:
    return function_client("vault").post("/documents/search", json=query, headers=person.headers)


# ------------------------------------------------------------------ upload and finalise


def test_upload_then_finalise_makes_the_document_available(function_client, owner):
    data = sample_files.pdf()
    document_id = upload(function_client, owner, data)

    response = finalise(function_client, owner, document_id)

    body = response.get_json()
    assert response.status_code == 200, body
    assert (body["status"], body["size"], body["content_type"]) == (
        "available",
        len(data),
        "application/pdf",
    )
    assert body["kind_label"] == "Dernier avis d'imposition (ou de non-imposition)"
    listed = search(function_client, owner).get_json()["documents"]
    assert [d["document_id"] for d in listed] == [document_id]


def test_the_storage_event_and_the_explicit_call_run_the_same_finalise_once(function_client, owner):
    document_id = upload(function_client, owner, sample_files.pdf())

    by_event = deliver_event(owner.uid, document_id)
    by_call = finalise(function_client, owner, document_id).get_json()
    again = deliver_event(owner.uid, document_id)

    assert by_event.status_code == 200 and b'"available"' in by_event.data
    assert again.status_code == 200 and b'"available"' in again.data
    record = FirestoreVaultMetadata().get(owner.uid, document_id)
    assert record is not None and record.checked_at is not None
    assert by_call["status"] == "available"
    # The worker's access to the owner's vault is journaled (R14); the owner's own call is not.
    assert [(e.action, e.actor_role) for e in journal_about(owner.uid)] == [
        (vault_events.vault_intake.FINALIZED, "service_account")
    ] * 2


def cut_scanner(monkeypatch: pytest.MonkeyPatch) -> None:
    """The production wiring with clamd unreachable (port 9: nothing listens there)."""
    from shared.services import vault as vault_service

    wiring = vault_service.default_vault
    unreachable = ClamdScanner("127.0.0.1", 9, 2.0)
    monkeypatch.setattr(
        vault_service, "default_vault", lambda: replace(wiring(), scanner=unreachable)
    )
    vault_requests.wired_vault.cache_clear()


def bring_scanner_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()
    vault_requests.wired_vault.cache_clear()


@pytest.fixture
def scanner_down(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    cut_scanner(monkeypatch)
    yield
    bring_scanner_back(monkeypatch)


def test_with_no_scanner_the_file_waits_unscanned_and_an_alertable_line_is_logged(
    function_client, owner, scanner_down
):
    document_id = upload(function_client, owner, sample_files.pdf())
    logs = io.StringIO()
    set_stream(logs)
    try:
        by_call = finalise(function_client, owner, document_id)
        by_event = deliver_event(owner.uid, document_id)
    finally:
        set_stream(None)

    assert by_call.status_code == 503, by_call.get_json()
    assert by_call.get_json()["code"] == "unavailable"
    assert "momentanément indisponible" in by_call.get_json()["detail"]
    assert by_event.status_code == 503  # a transient failure: Eventarc delivers it again
    (listed,) = search(function_client, owner).get_json()["documents"]
    assert (listed["status"], listed["content_type"]) == ("scan_pending", None)
    assert listed["status_message"].startswith("Fichier bien reçu")
    download = function_client("vault").get(
        f"/documents/{document_id}/download", headers=owner.headers
    )
    assert download.status_code == 409 and download.get_json()["code"] == "vault_document_not_ready"
    events = [json.loads(line) for line in logs.getvalue().splitlines()]
    assert [e["message"] for e in events].count("vault_scan_unavailable") == 2
    for secret in (owner.uid, owner.email, document_id, "Diallo", "avis.pdf"):
        assert secret not in logs.getvalue()


def test_a_pending_file_is_scanned_and_settled_once_clamd_answers_again(
    function_client, owner, monkeypatch
):
    document_id = upload(function_client, owner, sample_files.pdf_with_eicar())
    cut_scanner(monkeypatch)
    assert deliver_event(owner.uid, document_id).status_code == 503
    bring_scanner_back(monkeypatch)

    settled = deliver_event(owner.uid, document_id)

    assert settled.status_code == 200 and b"malware_found" in settled.data
    (listed,) = search(function_client, owner).get_json()["documents"]
    assert (listed["status"], listed["refusal"]) == ("rejected", "vault_malware_found")
    assert listed["status_message"] is None
    assert VaultObjects().read(owner_prefix(owner.uid) + document_id) is None


@pytest.mark.parametrize(
    ("data", "declared", "code"),
    [
        (
            sample_files.pdf(),
            {"content_type": "image/png", "file_name": "photo.png"},
            "vault_type_mismatch",
        ),
        (sample_files.pdf_with_eicar(), {}, "vault_malware_found"),
        (sample_files.pdf_with_javascript(), {}, "vault_pdf_active_content"),
    ],
    ids=["extension-lies", "eicar", "pdf-javascript"],
)
def test_a_refused_file_is_deleted_with_a_clear_status_and_message(
    function_client, owner, data, declared, code
):
    document_id = upload(function_client, owner, data, **declared)

    answer = deliver_event(owner.uid, document_id)

    assert answer.status_code == 200 and code.encode() in answer.data
    view = finalise(function_client, owner, document_id).get_json()
    assert (view["status"], view["refusal"]) == ("rejected", code)
    assert view["refusal_message"]  # French by default
    english = function_client("vault").post(
        "/documents/search", json={}, headers={**owner.headers, "Accept-Language": "en"}
    )
    assert english.get_json()["documents"][0]["refusal_message"] != view["refusal_message"]
    assert VaultObjects().read(owner_prefix(owner.uid) + document_id) is None


def test_oversize_and_quota_are_refused_at_the_slot(function_client, owner):
    too_big = function_client("vault").post(
        "/uploads",
        json={"content_type": "application/pdf", "size": 10 * 1024 * 1024 + 1, "kind": "lease"},
        headers=owner.headers,
    )
    assert too_big.status_code == 422
    assert too_big.get_json()["errors"][0]["field"] == "size"

    # 20 available files of 10 MiB fill the 200 MiB quota (the records are what it counts).
    now = datetime.now(UTC)
    from shared.models.vault import DocumentStatus, VaultDocument

    for i in range(20):
        FirestoreVaultMetadata().create(
            VaultDocument(
                document_id=f"full{i:02d}full{i:02d}full",
                owner_uid=owner.uid,
                object_name=owner_prefix(owner.uid) + f"full{i:02d}",
                kind="payslips_3_months",
                display_name="bulletins.pdf",
                declared_content_type="application/pdf",
                declared_size=10 * 1024 * 1024,
                size=10 * 1024 * 1024,
                status=DocumentStatus.AVAILABLE,
                created_at=now,
                updated_at=now,
            )
        )
    full = function_client("vault").post(
        "/uploads",
        json={"content_type": "application/pdf", "size": 1, "kind": "lease"},
        headers=owner.headers,
    )
    assert full.status_code == 409
    assert full.get_json()["code"] == "vault_quota_exceeded"
    assert "200 Mo" in full.get_json()["detail"]


def test_file_names_with_path_traversal_and_control_characters_are_sanitised(
    function_client, owner
):
    document_id = upload(
        function_client, owner, sample_files.pdf(), file_name="../../etc/\x00pass\x1bwd\u202e.pdf"
    )
    finalise(function_client, owner, document_id)

    (listed,) = search(function_client, owner).get_json()["documents"]

    assert listed["display_name"] == "passwd.pdf"
    assert FirestoreVaultMetadata().get(owner.uid, document_id).object_name == (
        owner_prefix(owner.uid) + document_id
    )


# ------------------------------------------------------------------ use


def test_list_filters_and_pages_download_rename_and_delete(function_client, owner):
    ids = [
        upload(function_client, owner, sample_files.pdf(i), kind=kind, aid_ids=aids)
        for i, (kind, aids) in enumerate(
            [("payslips_3_months", ["rsa"]), ("payslips_3_months", ["aah"]), ("lease", ["rsa"])]
        )
    ]
    for document_id in ids:
        finalise(function_client, owner, document_id)

    first = search(function_client, owner, kind="payslips_3_months", limit=1).get_json()
    second = search(
        function_client, owner, kind="payslips_3_months", limit=1, cursor=first["next_cursor"]
    ).get_json()
    by_aid = search(function_client, owner, aid_id="rsa").get_json()
    assert [d["document_id"] for d in first["documents"] + second["documents"]] == [ids[1], ids[0]]
    assert second["next_cursor"] is None
    assert {d["document_id"] for d in by_aid["documents"]} == {ids[0], ids[2]}

    vault = function_client("vault")
    link = vault.get(f"/documents/{ids[2]}/download", headers=owner.headers).get_json()
    assert "response-content-disposition=attachment" in link["url"]
    renamed = vault.patch(
        f"/documents/{ids[2]}",
        json={"display_name": "bail 2025.pdf", "aid_ids": ["apl"]},
        headers=owner.headers,
    ).get_json()
    assert (renamed["display_name"], renamed["aid_ids"]) == ("bail 2025.pdf", ["apl"])

    deleted = vault.delete(f"/documents/{ids[2]}", headers=owner.headers)
    assert deleted.status_code == 200 and deleted.get_json()["display_name"] == "bail 2025.pdf"
    assert VaultObjects().read(owner_prefix(owner.uid) + ids[2]) is None
    assert FirestoreVaultMetadata().get(owner.uid, ids[2]) is None
    again = vault.delete(f"/documents/{ids[2]}", headers=owner.headers)
    assert again.status_code == 404 and again.get_json()["code"] == "vault_document_not_found"


def test_another_persons_document_is_denied_and_the_error_says_nothing_about_it(
    function_client, owner
):
    document_id = upload(function_client, owner, sample_files.pdf(), file_name="secret.pdf")
    finalise(function_client, owner, document_id)
    intruder = emulators.create_user()
    sign_up(function_client, intruder)
    vault = function_client("vault")

    theirs = [
        vault.get(f"/documents/{document_id}/download", headers=intruder.headers),
        vault.patch(f"/documents/{document_id}", json={"kind": "lease"}, headers=intruder.headers),
        vault.delete(f"/documents/{document_id}", headers=intruder.headers),
        vault.post(f"/documents/{document_id}/finalise", headers=intruder.headers),
    ]
    unknown = vault.get("/documents/nosuchdocument00/download", headers=intruder.headers)
    for_someone = vault.get(
        f"/documents/{document_id}/download?subject={owner.uid}", headers=intruder.headers
    )

    for response in theirs:
        assert response.status_code == 404
        body = response.get_json()
        assert (body["code"], body["detail"]) == (
            unknown.get_json()["code"],
            unknown.get_json()["detail"],
        )
        assert document_id not in response.get_data(as_text=True)
        assert "secret" not in response.get_data(as_text=True)
    assert for_someone.status_code == 403
    assert journal_about(owner.uid) == []
    assert FirestoreVaultMetadata().get(owner.uid, document_id).kind.value == "tax_notice"


# ------------------------------------------------------------------ caregivers (R14, R16)


def aidant_under(owner: emulators.EmulatorUser, scopes: list[str], **mandate: Any) -> Any:
    """An aidant account holding a mandate from ``owner`` with ``scopes``."""
    aidant = emulators.create_user(role="aidant")
    seed_mandate(owner.uid, aidant.uid, scopes, **mandate)
    return aidant


def for_owner(owner: emulators.EmulatorUser) -> dict[str, str]:
    return {"subject": owner.uid}


def attempts(function_client: Any, owner: Any, actor: Any, document_id: str) -> dict[str, int]:
    """Every vault and forms action an aidant may be granted, as ``actor`` for ``owner``."""
    vault, forms = function_client("vault"), function_client("forms")
    subject, headers = for_owner(owner), actor.headers
    slot_body = {"content_type": "application/pdf", "size": 1000, "kind": "identity_document"}
    calls = {
        "listDocuments": vault.post(
            "/documents/search", json={}, query_string=subject, headers=headers
        ),
        "downloadDocument": vault.get(
            f"/documents/{document_id}/download", query_string=subject, headers=headers
        ),
        "documentChecklist": vault.get("/checklist", query_string=subject, headers=headers),
        "requestUploadSlot": vault.post(
            "/uploads", json=slot_body, query_string=subject, headers=headers
        ),
        "finaliseUpload": vault.post(
            f"/documents/{document_id}/finalise", query_string=subject, headers=headers
        ),
        "listForms": forms.get("/", query_string=subject, headers=headers),
        "proposeForm": forms.get("/rsa/proposal", query_string=subject, headers=headers),
        "generateForm": forms.post(
            "/rsa", json={"edits": {}}, query_string=subject, headers=headers
        ),
    }
    return {action: response.status_code for action, response in calls.items()}


# The actions each mandate scope opens, and no other (shared/domain/mandates.py).
OPENED_BY = {
    "vault:read": {"listDocuments", "downloadDocument", "documentChecklist"},
    "vault:write": {"requestUploadSlot", "finaliseUpload"},
    "forms": {"listForms", "proposeForm", "generateForm"},
}


@pytest.mark.parametrize("scope", sorted(OPENED_BY))
def test_a_mandate_scope_opens_exactly_its_vault_and_forms_actions_each_journaled(
    function_client, owner, scope
):
    document_id = upload(function_client, owner, sample_files.pdf())
    finalise(function_client, owner, document_id)
    aidant = aidant_under(owner, [scope])

    statuses = attempts(function_client, owner, aidant, document_id)

    allowed = {action for action, status in statuses.items() if status in (200, 201)}
    denied = {action for action, status in statuses.items() if status == 403}
    assert allowed == OPENED_BY[scope], statuses
    assert denied == set(statuses) - OPENED_BY[scope], statuses
    journal = journal_about(owner.uid)
    assert sorted(e.action for e in journal) == sorted(OPENED_BY[scope])
    assert {e.actor_role for e in journal} == {"aidant"}


@pytest.mark.parametrize(
    "who",
    ["revoked", "expired", "mandate_from_someone_else", "staff", "privacy_officer"],
)
def test_no_valid_mandate_no_vault_and_no_forms(function_client, owner, who):
    document_id = upload(function_client, owner, sample_files.pdf())
    finalise(function_client, owner, document_id)
    every_scope = sorted(OPENED_BY)
    if who == "revoked":
        actor = aidant_under(owner, every_scope, revoked=True)
    elif who == "expired":
        actor = aidant_under(
            owner, every_scope, expires_at=datetime.now(UTC) - timedelta(minutes=1)
        )
    elif who == "mandate_from_someone_else":
        actor = emulators.create_user(role="aidant")
        seed_mandate(emulators.create_user().uid, actor.uid, every_scope)
    else:
        # Support staff and the privacy officer never reach vault files (docs/vault.md).
        actor = emulators.create_user(role=who)

    statuses = attempts(function_client, owner, actor, document_id)

    assert set(statuses.values()) == {403}, statuses
    assert journal_about(owner.uid) == []
    assert len(search(function_client, owner).get_json()["documents"]) == 1


def test_an_aidant_uploads_for_the_beneficiary_who_then_owns_the_document(function_client, owner):
    aidant = aidant_under(owner, ["vault:write"])
    data = sample_files.pdf()
    vault = function_client("vault")
    body = {"content_type": "application/pdf", "size": len(data), "kind": "identity_document"}

    granted = vault.post(
        "/uploads", json=body, query_string=for_owner(owner), headers=aidant.headers
    ).get_json()
    put = requests.put(granted["url"], data=data, headers=granted["headers"], timeout=30)
    assert put.status_code == 200, put.text
    settled = vault.post(
        f"/documents/{granted['document_id']}/finalise",
        query_string=for_owner(owner),
        headers=aidant.headers,
    )

    assert settled.status_code == 200, settled.get_json()
    assert settled.get_json()["status"] == "available"
    assert VaultObjects().read(owner_prefix(owner.uid) + granted["document_id"]) is not None
    assert VaultObjects().names_under(owner_prefix(aidant.uid)) == []
    (listed,) = search(function_client, owner).get_json()["documents"]
    assert (listed["document_id"], listed["kind"]) == (granted["document_id"], "identity_document")
    # Renaming, deleting and emptying the vault stay with the beneficiary.
    document = f"/documents/{granted['document_id']}"
    rename = vault.patch(
        document, json={"kind": "lease"}, query_string=for_owner(owner), headers=aidant.headers
    )
    delete = vault.delete(document, query_string=for_owner(owner), headers=aidant.headers)
    assert (rename.status_code, delete.status_code) == (403, 403)
    assert (
        FirestoreVaultMetadata().get(owner.uid, granted["document_id"]).kind.value
        == "identity_document"
    )


def test_an_aidant_generates_a_form_from_the_beneficiarys_data_into_their_vault(
    function_client, owner
):
    aidant = aidant_under(owner, ["forms"])
    forms = function_client("forms")

    proposal = forms.get("/rsa/proposal", query_string=for_owner(owner), headers=aidant.headers)
    generated = forms.post(
        "/rsa",
        json={"edits": {"phone": ""}},
        query_string=for_owner(owner),
        headers=aidant.headers,
    )

    fields = {f["field_id"]: f["value"] for f in proposal.get_json()["fields"]}
    assert (fields["family_name"], fields["email"]) == ("Diallo", owner.email)
    assert generated.status_code == 201, generated.get_json()
    assert generated.get_json()["values"]["email"] == owner.email
    assert "phone" not in generated.get_json()["values"]
    (kept,) = search(function_client, owner).get_json()["documents"]
    assert kept["kind"] == "application_form"
    assert sorted(e.action for e in journal_about(owner.uid)) == ["generateForm", "proposeForm"]


# ------------------------------------------------------------------ checklist


def store_simulation(uid: str, results: list[dict[str, Any]], answers: dict[str, Any]) -> None:
    path = SIMULATIONS.path(uid=uid, simulation_id=uuid.uuid4().hex)
    document_store.create(
        path,
        StoredSimulation(
            answers=answers,
            month="2025-05",
            engine_version="test",
            catalogue_version="0123456789ab",
            results=results,
            monthly_total=0.0,
            created_at=datetime.now(UTC),
        ),
    )


def test_the_checklist_follows_the_latest_simulation(function_client, owner):
    store_simulation(owner.uid, [{"aid_id": "aah", "status": "eligible"}], {})
    store_simulation(
        owner.uid,
        [{"aid_id": "rsa", "status": "eligible"}, {"aid_id": "aah", "status": "not_eligible"}],
        {},
    )
    identity = upload(function_client, owner, sample_files.pdf(), kind="identity_document")
    finalise(function_client, owner, identity)

    body = function_client("vault").get("/checklist", headers=owner.headers).get_json()

    assert [aid["aid_id"] for aid in body["aids"]] == ["rsa"]
    items = {item["document"]: item for item in body["aids"][0]["items"]}
    assert items["identity_document"]["status"] == "present"
    assert items["identity_document"]["document_ids"] == [identity]
    assert items["proof_of_address"]["status"] == "missing"
    assert body["aids"][0]["complete"] is False


# ------------------------------------------------------------------ consent withdrawal


def test_withdrawal_needs_an_explicit_yes_then_empties_the_vault_and_says_what_went(
    function_client, owner
):
    kept = [
        upload(function_client, owner, sample_files.pdf(i), file_name=f"doc{i}.pdf")
        for i in range(2)
    ]
    for document_id in kept:
        finalise(function_client, owner, document_id)
    vault = function_client("vault")

    unconfirmed = vault.post(
        "/consent-withdrawal",
        json={"confirm_empty_vault": False, "policy_version": POLICY},
        headers=owner.headers,
    )
    assert unconfirmed.status_code == 422
    assert unconfirmed.get_json()["errors"][0]["field"] == "confirm_empty_vault"
    assert len(search(function_client, owner).get_json()["documents"]) == 2

    confirmed = vault.post(
        "/consent-withdrawal",
        json={"confirm_empty_vault": True, "policy_version": POLICY},
        headers=owner.headers,
    )

    body = confirmed.get_json()
    assert confirmed.status_code == 200, body
    assert body["consent_granted"] is False
    assert sorted(d["display_name"] for d in body["deleted"]) == ["doc0.pdf", "doc1.pdf"]
    assert VaultObjects().names_under(owner_prefix(owner.uid)) == []
    assert FirestoreVaultMetadata().all(owner.uid) == []
    profile = function_client("profile").get("/", headers=owner.headers).get_json()
    assert profile["consents"]["vault"]["granted"] is False
    listing = search(function_client, owner)
    assert listing.status_code == 409 and listing.get_json()["code"] == "vault_consent_required"


def test_a_file_arriving_after_the_withdrawal_is_deleted_with_its_record(function_client, owner):
    document_id = upload(function_client, owner, sample_files.pdf())
    function_client("vault").post(
        "/consent-withdrawal",
        json={"confirm_empty_vault": True, "policy_version": POLICY},
        headers=owner.headers,
    )
    # A slot granted before the withdrawal, used after it.
    VaultObjects().write(
        owner_prefix(owner.uid) + document_id, sample_files.pdf(), "application/pdf"
    )

    answer = deliver_event(owner.uid, document_id)

    assert answer.status_code == 200
    assert VaultObjects().read(owner_prefix(owner.uid) + document_id) is None
    assert FirestoreVaultMetadata().get(owner.uid, document_id) is None


# ------------------------------------------------------------------ forms


def test_forms_are_listed_with_their_cerfa_numbers_and_whether_verified(function_client, owner):
    body = function_client("forms").get("/", headers=owner.headers).get_json()

    assert {f["form_id"] for f in body["forms"]} == set(load_templates())
    assert len(body["forms"]) >= 6
    verified = {f["form_id"] for f in body["forms"] if f["cerfa_verified"]}
    assert verified == {t.id for t in load_templates().values() if t.cerfa.verified}
    assert verified == {"rsa", "complementaire_sante_solidaire", "mdph"}
    rsa = next(f for f in body["forms"] if f["form_id"] == "rsa")
    assert (rsa["cerfa"], rsa["title"], rsa["cerfa_source_url"]) == (
        "15481*01",
        "Demande de revenu de solidarité active (RSA)",
        "https://www.service-public.fr/particuliers/vosdroits/R1350",
    )
    # An unverified number says so, and where to check it.
    aspa = next(f for f in body["forms"] if f["form_id"] == "aspa")
    assert (aspa["cerfa"], aspa["cerfa_verified"]) == ("14953", False)
    assert aspa["cerfa_source_url"].startswith("https://www.service-public.fr/")


def test_proposal_shows_each_value_and_its_source_from_profile_and_latest_answers(
    function_client, owner
):
    store_simulation(
        owner.uid,
        [],
        {
            "persons": [{"id": "awa", "relationship": "applicant", "birth_date": "1988-04-12"}],
            "couple_status": "single",
            "housing": {"status": "tenant", "rent": 480, "commune": "69123"},
        },
    )

    body = function_client("forms").get("/rsa/proposal", headers=owner.headers).get_json()

    fields = {f["field_id"]: (f["value"], f["source"]) for f in body["fields"]}
    assert fields["family_name"] == ("Diallo", "profile.family_name")
    assert fields["birth_date"] == ("12/04/1988", "applicant.birth_date")
    assert fields["commune"] == ("69123", "household.housing.commune")
    assert fields["social_security_number"] == ("", None)


def test_the_generated_form_carries_exactly_the_edited_values_and_is_kept_in_the_vault(
    function_client, owner
):
    edits = {"phone": "", "caf_number": "1234567", "given_name": "Awa Marie"}

    response = function_client("forms").post("/rsa", json={"edits": edits}, headers=owner.headers)

    body = response.get_json()
    assert response.status_code == 201, body
    document = body["document"]
    assert (document["kind"], document["status"]) == ("application_form", "available")
    stored = VaultObjects().read(owner_prefix(owner.uid) + document["document_id"])
    assert stored is not None
    template = load_templates()["rsa"]
    expected = {
        "family_name": "Diallo",
        "given_name": "Awa Marie",
        "caf_number": "1234567",
        "email": owner.email,
    }
    assert body["values"] == expected
    pdf_field = {f.id: f.pdf_field for f in template.fields}
    written = {name: value for name, value in read_values(stored.data).items() if value}
    assert written == {pdf_field[k]: v for k, v in expected.items()}
    assert set(read_values(stored.data)) == {f.pdf_field for f in template.fields}


def test_form_generation_refusals_write_nothing(function_client, owner):
    forms = function_client("forms")
    unknown_field = forms.post("/rsa", json={"edits": {"iban": "FR76…"}}, headers=owner.headers)
    unknown_form = forms.post("/cerfa_imaginaire", json={"edits": {}}, headers=owner.headers)
    assert unknown_field.status_code == 422
    assert unknown_field.get_json()["code"] == "form_field_unknown"
    assert unknown_field.get_json()["errors"][0]["field"] == "edits.iban"
    assert unknown_form.status_code == 404 and unknown_form.get_json()["code"] == "form_not_found"

    no_consent = emulators.create_user()
    sign_up(function_client, no_consent, vault=False)
    refused = forms.post("/rsa", json={"edits": {}}, headers=no_consent.headers)
    assert refused.status_code == 409 and refused.get_json()["code"] == "vault_consent_required"
    assert "consentement" in refused.get_json()["detail"]
    assert FirestoreVaultMetadata().all(owner.uid) == []
    assert FirestoreVaultMetadata().all(no_consent.uid) == []
    assert VaultObjects().names_under("") == []


# ------------------------------------------------------------------ bad input on write paths


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        (
            "post",
            "/uploads",
            {"content_type": "application/x-msdownload", "size": 10, "kind": "lease"},
            415,
            "vault_type_not_allowed",
        ),
        (
            "post",
            "/uploads",
            {"content_type": "application/pdf", "size": 0, "kind": "lease"},
            422,
            "validation_failed",
        ),
        (
            "post",
            "/uploads",
            {"content_type": "application/pdf", "size": 10, "kind": "bank_details"},
            422,
            "validation_failed",
        ),
        (
            "post",
            "/uploads",
            {"content_type": "application/pdf", "size": 10, "kind": "lease", "aid_ids": ["../rsa"]},
            422,
            "validation_failed",
        ),
        ("post", "/documents/search", {"cursor": "%%%not-a-cursor"}, 422, "validation_failed"),
        ("post", "/documents/search", {"limit": 1000}, 422, "validation_failed"),
        (
            "patch",
            "/documents/nosuchdocument00",
            {"display_name": "x.pdf"},
            404,
            "vault_document_not_found",
        ),
        (
            "post",
            "/consent-withdrawal",
            {"confirm_empty_vault": True, "policy_version": "1999-01"},
            409,
            "policy_not_accepted",
        ),
        ("post", "/consent-withdrawal", {"policy_version": "x"}, 422, "validation_failed"),
    ],
    ids=[
        "type-not-allowed",
        "empty-size",
        "bank-details-not-a-kind",
        "aid-id-traversal",
        "bad-cursor",
        "page-too-large",
        "rename-unknown",
        "withdraw-old-policy",
        "withdraw-without-confirmation",
    ],
)
def test_bad_input_on_vault_write_paths_is_a_stable_4xx_and_writes_nothing(
    function_client, owner, method, path, body, status, code
):
    before = (
        sorted(emulators.all_document_paths()),
        VaultObjects().names_under(""),
    )

    response = getattr(function_client("vault"), method)(path, json=body, headers=owner.headers)

    problem = response.get_json()
    assert (response.status_code, problem["code"]) == (status, code), problem
    assert response.mimetype == "application/problem+json"
    assert problem["detail"]
    assert (sorted(emulators.all_document_paths()), VaultObjects().names_under("")) == before
