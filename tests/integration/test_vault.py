"""The vault on the real emulators and clamd: upload, finalise, use, delete, empty (R9)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from shared.adapters import document_store
from shared.adapters.clamd import ClamdScanner, ScannerUnavailable
from shared.adapters.vault_metadata import FirestoreVaultMetadata
from shared.adapters.vault_objects import VaultObjects, owner_prefix
from shared.domain.access import Access, Actor, ActorKind, Scope
from shared.domain.vault.content import MAX_FILE_BYTES
from shared.domain.vault.kinds import DocumentKind
from shared.domain.vault.refusals import RefusalCode, VaultRefusal
from shared.models.account import BeneficiaryProfile, ConsentState
from shared.models.vault import DocumentChanges, DocumentStatus, UploadSlotRequest, VaultDocument
from shared.services import vault as vault_service
from shared.services.vault import Vault, default_vault
from shared.structured_log import set_stream
from tests.support import sample_files

pytestmark = pytest.mark.integration


def me(uid: str) -> Access:
    """A beneficiary acting on their own vault."""
    return Access(Actor(uid, ActorKind.BENEFICIARY), uid, Scope.VAULT_WRITE, "vault")


def _beneficiary(uid: str, *, vault_consent: bool = True) -> None:
    now = datetime.now(UTC)
    profile = BeneficiaryProfile(
        uid=uid,
        email=f"{uid}@example.org",
        email_verified=True,
        policy_version="2025-01",
        policy_accepted_at=now,
        consents={
            "vault": ConsentState(granted=vault_consent, policy_version="2025-01", changed_at=now)
        },
        created_at=now,
        updated_at=now,
        last_active_at=now,
    )
    document_store.run_in_transaction(lambda w: w.set(f"beneficiaries/{uid}", profile))


@pytest.fixture
def vault() -> Iterator[Vault]:
    wired = default_vault()
    yield wired
    for name in wired.objects.names_under(""):
        wired.objects.delete(name)


@pytest.fixture
def owner() -> str:
    _beneficiary("owner-1")
    return "owner-1"


def _upload(
    vault: Vault,
    owner: str,
    data: bytes,
    *,
    content_type: str = "application/pdf",
    kind: DocumentKind = DocumentKind.TAX_NOTICE,
    file_name: str = "avis.pdf",
    declared_size: int | None = None,
) -> str:
    """Ask for a slot and PUT the bytes to the signed URL, as a browser would."""
    slot = vault_service.request_upload_slot(
        vault,
        me(owner),
        UploadSlotRequest(
            content_type=content_type,
            size=declared_size if declared_size is not None else len(data),
            kind=kind,
            file_name=file_name,
            aid_ids=["rsa"],
            income_year=2024,
        ),
    )
    response = requests.put(slot.url, data=data, headers=slot.headers, timeout=30)
    assert response.status_code == 200, response.text
    return slot.document_id


def _finalise(vault: Vault, owner: str, document_id: str) -> VaultDocument:
    settled = vault_service.finalise_upload(vault, me(owner), owner_prefix(owner) + document_id)
    assert settled is not None
    return settled


def test_upload_and_finalise_makes_the_document_available(vault: Vault, owner: str) -> None:
    data = sample_files.pdf()
    document_id = _upload(vault, owner, data)

    settled = _finalise(vault, owner, document_id)

    assert settled.status is DocumentStatus.AVAILABLE
    assert settled.size == len(data)
    assert settled.content_type == "application/pdf"
    assert settled.object_name == owner_prefix(owner) + document_id
    stored = vault.objects.read(settled.object_name)
    assert stored is not None and stored.data == data


def test_signed_upload_url_binds_type_length_and_creation_only(vault: Vault, owner: str) -> None:
    slot = vault_service.request_upload_slot(
        vault,
        me(owner),
        UploadSlotRequest(content_type="image/png", size=71, kind=DocumentKind.IDENTITY_DOCUMENT),
    )
    query = parse_qs(urlsplit(slot.url).query)
    signed = query["X-Goog-SignedHeaders"][0].split(";")
    assert {"content-type", "x-goog-content-length-range", "x-goog-if-generation-match"} <= set(
        signed
    )
    assert slot.headers["x-goog-content-length-range"] == "71,71"
    assert slot.headers["Content-Type"] == "image/png"
    assert urlsplit(slot.url).path.endswith(owner_prefix(owner) + slot.document_id)


@pytest.mark.parametrize(
    ("data", "content_type", "file_name", "code"),
    [
        # A PNG named and declared as a PDF: the bytes decide.
        (sample_files.png(), "application/pdf", "releve.pdf", RefusalCode.TYPE_MISMATCH),
        (
            sample_files.pdf_with_javascript(),
            "application/pdf",
            "a.pdf",
            RefusalCode.PDF_ACTIVE_CONTENT,
        ),
        (
            sample_files.pdf_with_embedded_file(),
            "application/pdf",
            "a.pdf",
            RefusalCode.PDF_EMBEDDED_FILES,
        ),
        (sample_files.pdf_with_eicar(), "application/pdf", "a.pdf", RefusalCode.MALWARE_FOUND),
        (b"MZ\x90\x00 a program", "image/jpeg", "photo.jpg", RefusalCode.TYPE_NOT_ALLOWED),
    ],
    ids=["extension-lies", "pdf-javascript", "pdf-embedded-file", "eicar", "executable"],
)
def test_refused_file_is_deleted_and_its_reason_recorded(
    vault: Vault, owner: str, data: bytes, content_type: str, file_name: str, code: RefusalCode
) -> None:
    document_id = _upload(vault, owner, data, content_type=content_type, file_name=file_name)

    settled = _finalise(vault, owner, document_id)

    assert settled.status is DocumentStatus.REJECTED
    assert settled.refusal is code
    assert vault.objects.read(settled.object_name) is None
    page = vault_service.list_documents(vault, me(owner))
    (view,) = page.documents
    assert view.refusal is code
    assert view.refusal_message and view.refusal_message == vault_service.refusal_message(code)


def test_oversize_is_refused_at_the_slot_and_after_upload(vault: Vault, owner: str) -> None:
    with pytest.raises(VaultRefusal) as refused:
        vault_service.request_upload_slot(
            vault,
            me(owner),
            UploadSlotRequest.model_construct(
                content_type="application/pdf",
                size=MAX_FILE_BYTES + 1,
                kind=DocumentKind.TAX_NOTICE,
                aid_ids=[],
                file_name="",
                income_year=None,
                issued_on=None,
            ),
        )
    assert refused.value.code is RefusalCode.FILE_TOO_LARGE
    assert refused.value.status == 413

    # The emulator does not enforce the signed length: the real bytes are checked.
    big = sample_files.pdf_of_size(MAX_FILE_BYTES + 1)
    document_id = _upload(vault, owner, big, declared_size=1000)
    settled = _finalise(vault, owner, document_id)
    assert settled.refusal is RefusalCode.FILE_TOO_LARGE
    assert vault.objects.read(settled.object_name) is None


def test_quota_counts_available_documents(owner: str) -> None:
    first, second = sample_files.pdf(300), sample_files.pdf(400)
    small = Vault(**{**default_vault().__dict__, "quota": len(first) + len(second) - 1})
    document_id = _upload(small, owner, first)
    assert _finalise(small, owner, document_id).status is DocumentStatus.AVAILABLE

    with pytest.raises(VaultRefusal) as refused:
        vault_service.request_upload_slot(
            small,
            me(owner),
            UploadSlotRequest(
                content_type="application/pdf", size=len(second), kind="payslips_3_months"
            ),
        )
    assert refused.value.code is RefusalCode.QUOTA_EXCEEDED

    # Declared small, uploaded big: the quota is checked again on the real bytes.
    sneaky = _upload(small, owner, second, declared_size=10)
    settled = _finalise(small, owner, sneaky)
    assert settled.status is DocumentStatus.REJECTED
    assert settled.refusal in {RefusalCode.SIZE_MISMATCH, RefusalCode.QUOTA_EXCEEDED}
    for name in small.objects.names_under(""):
        small.objects.delete(name)


def test_quota_is_checked_on_the_real_bytes_at_finalise(owner: str) -> None:
    first, second = sample_files.pdf(300), sample_files.pdf(400)
    small = Vault(**{**default_vault().__dict__, "quota": len(first) + len(second) - 1})
    # Both slots are granted (nothing stored yet); the second to settle does not fit.
    one = _upload(small, owner, first)
    two = _upload(small, owner, second)
    assert _finalise(small, owner, one).status is DocumentStatus.AVAILABLE

    settled = _finalise(small, owner, two)

    assert settled.refusal is RefusalCode.QUOTA_EXCEEDED
    assert small.objects.read(settled.object_name) is None
    for name in small.objects.names_under(""):
        small.objects.delete(name)


def test_finalise_delivered_twice_settles_once(vault: Vault, owner: str) -> None:
    document_id = _upload(vault, owner, sample_files.pdf())
    first = _finalise(vault, owner, document_id)
    stored = vault.objects.read(first.object_name)
    assert stored is not None

    again = vault_service.finalise_upload(vault, me(owner), first.object_name, stored.generation)

    assert again == first  # same record, same check time: nothing ran twice


def test_another_persons_document_is_not_found_and_says_nothing(vault: Vault, owner: str) -> None:
    document_id = _upload(vault, owner, sample_files.pdf())
    _finalise(vault, owner, document_id)
    _beneficiary("intruder")

    attempts = [
        lambda: vault_service.get_document(vault, me("intruder"), document_id),
        lambda: vault_service.download_link(vault, me("intruder"), document_id),
        lambda: vault_service.change_document(
            vault, me("intruder"), document_id, DocumentChanges(display_name="x")
        ),
        lambda: vault_service.delete_document(vault, me("intruder"), document_id),
        lambda: vault_service.get_document(vault, me("intruder"), "no-such-document-id"),
    ]
    messages = set()
    for attempt in attempts:
        with pytest.raises(VaultRefusal) as refused:
            attempt()
        assert refused.value.code is RefusalCode.DOCUMENT_NOT_FOUND
        messages.add((refused.value.message("fr"), refused.value.message("en")))
    assert len(messages) == 1  # an existing id and an unknown one read the same
    assert document_id not in str(messages)
    # The intruder's finalise of the owner's object is not theirs to settle.
    assert (
        vault_service.finalise_upload(vault, me("intruder"), owner_prefix(owner) + document_id)
        is None
    )
    assert (
        vault_service.get_document(vault, me(owner), document_id).status is DocumentStatus.AVAILABLE
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\win.ini", "win.ini"),
        ("avis\x00\x07\x1b[31m.pdf", "avis[31m.pdf"),
        ("facture\u202efdp.exe", "facturefdp.exe"),
    ],
)
def test_file_names_are_kept_only_sanitised(
    vault: Vault, owner: str, raw: str, expected: str
) -> None:
    document_id = _upload(vault, owner, sample_files.pdf(), file_name=raw)

    settled = _finalise(vault, owner, document_id)

    assert settled.display_name == expected
    assert settled.object_name == owner_prefix(owner) + document_id  # the name plays no part
    assert raw not in str(FirestoreVaultMetadata().get(owner, document_id))


def test_download_link_is_a_short_lived_attachment(vault: Vault, owner: str) -> None:
    data = sample_files.pdf()
    document_id = _upload(vault, owner, data, file_name="Avis d'impôt 2024.pdf")
    _finalise(vault, owner, document_id)

    link = vault_service.download_link(vault, me(owner), document_id)

    query = parse_qs(urlsplit(link.url).query)
    assert query["response-content-disposition"][0].startswith("attachment;")
    assert (
        "filename*=UTF-8''Avis%20d%27imp%C3%B4t%202024.pdf"
        in query["response-content-disposition"][0]
    )
    assert int(query["X-Goog-Expires"][0]) <= 300
    response = requests.get(link.url, timeout=10)
    assert response.status_code == 200 and response.content == data


def test_list_filters_and_paginates_with_a_cursor(vault: Vault, owner: str) -> None:
    ids = [
        _upload(vault, owner, sample_files.pdf(i), kind=DocumentKind.PAYSLIPS_3_MONTHS)
        for i in range(3)
    ]
    _upload(vault, owner, sample_files.png(), content_type="image/png", kind=DocumentKind.LEASE)

    first = vault_service.list_documents(
        vault, me(owner), kind=DocumentKind.PAYSLIPS_3_MONTHS, limit=2
    )
    assert first.next_cursor is not None
    second = vault_service.list_documents(
        vault, me(owner), kind=DocumentKind.PAYSLIPS_3_MONTHS, limit=2, cursor=first.next_cursor
    )

    seen = [d.document_id for d in first.documents + second.documents]
    assert sorted(seen) == sorted(ids) and second.next_cursor is None
    assert {d.kind_label for d in first.documents} == {"Bulletins de salaire des 3 derniers mois"}
    by_aid = vault_service.list_documents(vault, me(owner), aid_id="rsa", language="en")
    assert len(by_aid.documents) == 4
    assert vault_service.list_documents(vault, me(owner), aid_id="aah").documents == []
    with pytest.raises(VaultRefusal) as refused:
        vault_service.list_documents(vault, me(owner), cursor="not-a-real-cursor")
    assert refused.value.code is RefusalCode.INVALID_CURSOR


def test_rename_and_retag(vault: Vault, owner: str) -> None:
    document_id = _upload(vault, owner, sample_files.pdf())
    _finalise(vault, owner, document_id)

    changed = vault_service.change_document(
        vault,
        me(owner),
        document_id,
        DocumentChanges(
            display_name="../Avis 2025\u202e.pdf", kind="tax_notice", aid_ids=["aah", "rsa"]
        ),
    )

    stored = FirestoreVaultMetadata().get(owner, document_id)
    assert stored == changed
    assert changed.display_name == "Avis 2025.pdf"
    assert changed.aid_ids == ["aah", "rsa"]
    assert changed.income_year == 2024  # untouched


class _CrashOnce:
    """The real Firestore store, except that the first record delete crashes."""

    def __init__(self, real: FirestoreVaultMetadata) -> None:
        self.real = real
        self.crashed = False

    def __getattr__(self, name: str) -> object:
        return getattr(self.real, name)

    def delete(self, owner_uid: str, document_id: str) -> None:
        if not self.crashed:
            self.crashed = True
            raise RuntimeError("instance stopped mid-delete")
        self.real.delete(owner_uid, document_id)


def test_delete_interrupted_then_retried_leaves_neither(vault: Vault, owner: str) -> None:
    document_id = _upload(vault, owner, sample_files.pdf())
    settled = _finalise(vault, owner, document_id)
    crashing = Vault(**{**vault.__dict__, "metadata": _CrashOnce(FirestoreVaultMetadata())})

    with pytest.raises(RuntimeError):
        vault_service.delete_document(crashing, me(owner), document_id)

    # Between the crash and the retry the document is gone from the person's view.
    interrupted = FirestoreVaultMetadata().get(owner, document_id)
    assert interrupted is not None and interrupted.status is DocumentStatus.DELETING
    assert vault_service.list_documents(vault, me(owner)).documents == []
    vault_service.delete_document(crashing, me(owner), document_id)
    assert FirestoreVaultMetadata().get(owner, document_id) is None
    assert vault.objects.read(settled.object_name) is None


def test_withdrawn_consent_empties_the_vault_and_says_what_went(vault: Vault, owner: str) -> None:
    kept = [_upload(vault, owner, sample_files.pdf(i), file_name=f"doc{i}.pdf") for i in range(2)]
    for document_id in kept:
        _finalise(vault, owner, document_id)
    VaultObjects().write(owner_prefix(owner) + "stray-object-without-record", b"x", "text/plain")
    _beneficiary("neighbour")
    theirs = _upload(vault, "neighbour", sample_files.pdf())
    _beneficiary(owner, vault_consent=False)

    emptied = vault_service.empty_vault(vault, me(owner))

    assert sorted(d.document_id for d in emptied.deleted) == sorted(kept)
    assert {d.display_name for d in emptied.deleted} == {"doc0.pdf", "doc1.pdf"}
    assert emptied.orphan_objects_deleted == 1
    assert vault.objects.names_under(owner_prefix(owner)) == []
    assert FirestoreVaultMetadata().all(owner) == []
    assert FirestoreVaultMetadata().get("neighbour", theirs) is not None
    with pytest.raises(VaultRefusal) as refused:
        vault_service.list_documents(vault, me(owner))
    assert refused.value.code is RefusalCode.CONSENT_REQUIRED
    with pytest.raises(VaultRefusal):
        vault_service.request_upload_slot(
            vault, me(owner), UploadSlotRequest(content_type="image/png", size=10, kind="lease")
        )


def test_scanner_down_is_transient_and_leaves_the_file_pending_unscanned(owner: str) -> None:
    # Port 9 (discard) has no listener here: no clamd answers.
    down = Vault(**{**default_vault().__dict__, "scanner": ClamdScanner("127.0.0.1", 9, 2.0)})
    document_id = _upload(down, owner, sample_files.pdf())
    logs = io.StringIO()
    set_stream(logs)
    try:
        with pytest.raises(ScannerUnavailable):
            vault_service.finalise_upload(down, me(owner), owner_prefix(owner) + document_id)
    finally:
        set_stream(None)

    record = FirestoreVaultMetadata().get(owner, document_id)
    assert record is not None and record.status is DocumentStatus.SCAN_PENDING
    assert record.content_type is None and record.checked_at is None
    (line,) = [json.loads(entry) for entry in logs.getvalue().splitlines()]
    assert (line["message"], line["severity"]) == ("vault_scan_unavailable", "WARNING")
    assert owner not in logs.getvalue() and document_id not in logs.getvalue()
    with pytest.raises(VaultRefusal) as not_ready:
        vault_service.download_link(down, me(owner), document_id)
    assert not_ready.value.code is RefusalCode.DOCUMENT_NOT_READY
    assert down.objects.read(record.object_name) is not None  # kept for the retry
    assert _finalise(default_vault(), owner, document_id).status is DocumentStatus.AVAILABLE
    for name in down.objects.names_under(""):
        down.objects.delete(name)


def test_clamd_verdicts() -> None:
    from shared.config import settings

    scanner = ClamdScanner.at(settings().clamd_address)
    assert scanner.ping()
    assert scanner.scan(sample_files.pdf()).clean
    infected = scanner.scan(sample_files.pdf_with_eicar())
    assert not infected.clean and infected.signature and "EICAR" in infected.signature


def test_checklist_reads_the_vault(vault: Vault, owner: str) -> None:
    document_id = _upload(vault, owner, sample_files.pdf(), kind=DocumentKind.IDENTITY_DOCUMENT)
    _finalise(vault, owner, document_id)

    (rsa,) = vault_service.checklists(vault, me(owner), ["rsa"])

    statuses = {item.document: item.status.value for item in rsa.items}
    assert statuses["identity_document"] == "present"
    assert statuses["proof_of_address"] == "missing"


def test_generated_form_is_checked_and_kept_in_the_vault(vault: Vault, owner: str) -> None:
    from shared.adapters.pdf_forms import read_values
    from shared.services.forms import generate_form, store_form

    profile = {"given_name": "Awa", "family_name": "Diallo"}
    pdf = generate_form("rsa", profile, {}, {"phone": "06 12 34 56 78"})

    kept = store_form(vault, me(owner), "rsa", pdf)

    assert kept.status is DocumentStatus.AVAILABLE
    assert kept.kind is DocumentKind.APPLICATION_FORM
    assert kept.aid_ids == ["prime_activite", "rsa"]
    assert kept.display_name == "Demande de revenu de solidarité active (RSA).pdf"
    stored = vault.objects.read(kept.object_name)
    assert stored is not None
    values = read_values(stored.data)
    assert (values["nom_naissance"], values["telephone"]) == ("Diallo", "06 12 34 56 78")
