"""The vault's pure rules: kinds, limits, quota arithmetic, names, refusals, checklists."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from shared.adapters.file_content import content_facts, inspect_pdf, sniff_type
from shared.domain.aids.catalogue import load_catalogue
from shared.domain.vault.checklist import (
    HeldDocument,
    ItemStatus,
    build_checklists,
    income_year_read,
    months_before,
)
from shared.domain.vault.content import (
    MAX_FILE_BYTES,
    MAX_VAULT_BYTES,
    ContentFacts,
    PdfFindings,
    content_refusal,
    declared_refusal,
    quota_refusal,
    remaining_quota,
)
from shared.domain.vault.file_names import MAX_DISPLAY_NAME, sanitise_display_name
from shared.domain.vault.kinds import DocumentKind, label_of
from shared.domain.vault.refusals import REFUSALS, RefusalCode
from shared.models.vault import VaultDocument
from tests.support import sample_files

R = RefusalCode


def test_every_catalogue_document_is_a_vault_kind_and_bank_details_are_not() -> None:
    kinds = {k.value for k in DocumentKind}

    assert set(load_catalogue().documents) <= kinds
    assert not any(word in k for k in kinds for word in ("bank", "rib", "iban"))
    for kind in DocumentKind:
        label = label_of(kind)
        assert label.fr and label.en and label.fr != label.en


def test_every_refusal_has_a_4xx_and_a_french_and_english_message() -> None:
    assert set(REFUSALS) == set(RefusalCode)
    for code, text in REFUSALS.items():
        assert 400 <= text.status < 500, code
        assert text.message.fr != text.message.en
        assert code.value.startswith("vault_")


def test_limits_are_10_mb_per_file_and_200_mb_per_person() -> None:
    assert MAX_FILE_BYTES == 10 * 1024 * 1024
    assert MAX_VAULT_BYTES == 200 * 1024 * 1024
    assert declared_refusal("application/pdf", MAX_FILE_BYTES) is None
    assert declared_refusal("application/pdf", MAX_FILE_BYTES + 1) is R.FILE_TOO_LARGE
    assert declared_refusal("application/pdf", 0) is R.FILE_EMPTY
    assert declared_refusal("application/zip", 10) is R.TYPE_NOT_ALLOWED
    assert declared_refusal("image/heif", 10) is None


@pytest.mark.parametrize(
    ("used", "incoming", "refused"),
    [
        (0, MAX_VAULT_BYTES, False),
        (0, MAX_VAULT_BYTES + 1, True),
        (MAX_VAULT_BYTES - 5, 5, False),
        (MAX_VAULT_BYTES - 5, 6, True),
        (MAX_VAULT_BYTES + 100, 1, True),  # already over (quota lowered): nothing more
    ],
)
def test_quota_arithmetic(used: int, incoming: int, refused: bool) -> None:
    assert (quota_refusal(used, incoming) is R.QUOTA_EXCEEDED) is refused
    assert remaining_quota(used) == max(0, MAX_VAULT_BYTES - used)


CLEAN_PDF = PdfFindings(readable=True)


@pytest.mark.parametrize(
    ("declared", "size", "facts", "expected"),
    [
        ("application/pdf", 10, ContentFacts(10, "application/pdf", CLEAN_PDF), None),
        ("image/heif", 10, ContentFacts(10, "image/heic"), None),
        ("application/pdf", 10, ContentFacts(10, "image/png"), R.TYPE_MISMATCH),
        ("image/png", 10, ContentFacts(10, None), R.TYPE_NOT_ALLOWED),
        ("image/png", 10, ContentFacts(10, "application/zip"), R.TYPE_NOT_ALLOWED),
        ("image/png", 10, ContentFacts(0, None), R.FILE_EMPTY),
        ("image/png", 10, ContentFacts(11, "image/png"), R.SIZE_MISMATCH),
        ("image/png", 10, ContentFacts(MAX_FILE_BYTES + 1, "image/png"), R.FILE_TOO_LARGE),
        ("application/pdf", 10, ContentFacts(10, "application/pdf", None), R.PDF_UNREADABLE),
        (
            "application/pdf",
            10,
            ContentFacts(10, "application/pdf", PdfFindings(True, active_content=("/JS",))),
            R.PDF_ACTIVE_CONTENT,
        ),
        (
            "application/pdf",
            10,
            ContentFacts(10, "application/pdf", PdfFindings(True, embedded_files=("/EF",))),
            R.PDF_EMBEDDED_FILES,
        ),
    ],
)
def test_content_refusal(
    declared: str, size: int, facts: ContentFacts, expected: RefusalCode | None
) -> None:
    assert content_refusal(declared, size, facts) is expected


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (sample_files.pdf(), "application/pdf"),
        (sample_files.png(), "image/png"),
        (sample_files.jpeg(), "image/jpeg"),
        (sample_files.heic(), "image/heic"),
        (b"MZ\x90\x00\x03", "application/x-msdownload"),  # a Windows program
        (b"plain text that says %PDF later", None),
    ],
)
def test_type_is_sniffed_from_the_bytes(data: bytes, mime: str | None) -> None:
    assert sniff_type(data) == mime


@pytest.mark.parametrize(
    ("build", "active", "embedded"),
    [
        (sample_files.pdf, False, False),
        (sample_files.pdf_with_javascript, True, False),
        (sample_files.pdf_with_open_action_script, True, False),
        (sample_files.pdf_with_page_trigger, True, False),
        (sample_files.pdf_with_embedded_file, False, True),
        (sample_files.pdf_with_file_attachment_annotation, False, True),
    ],
)
def test_pdf_inspection_finds_code_and_attachments(
    build: Callable[[], bytes], active: bool, embedded: bool
) -> None:
    findings = inspect_pdf(build())

    assert findings.readable
    assert bool(findings.active_content) is active
    assert bool(findings.embedded_files) is embedded


def test_broken_and_truncated_pdfs_are_unreadable() -> None:
    assert not inspect_pdf(b"%PDF-1.7\n garbage").readable
    facts = content_facts(sample_files.pdf()[:40])
    assert facts.sniffed_type == "application/pdf"
    assert content_refusal("application/pdf", 40, facts) is R.PDF_UNREADABLE


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\awa\\avis.pdf", "avis.pdf"),
        ("\uff0fetc\uff0fshadow", "shadow"),  # fullwidth slashes fold to real ones
        ("avis\x00\x1f\x7f.pdf", "avis.pdf"),
        ("facture\u202efdp.exe", "facturefdp.exe"),  # right-to-left override
        ("a\u200bb\u2066c\u2069.pdf", "abc.pdf"),  # zero-width space, isolates
        ("e\u0301te\u0301.pdf", "\u00e9t\u00e9.pdf"),  # composed
        ("  ..  ", "document"),
        ("...hidden", "hidden"),
        ("", "document"),
        ("a  \t b.pdf", "a b.pdf"),
    ],
)
def test_display_names_are_sanitised(raw: str, expected: str) -> None:
    assert sanitise_display_name(raw) == expected


def test_long_names_are_cut_keeping_the_extension() -> None:
    name = sanitise_display_name("x" * 500 + ".jpeg")

    assert len(name) == MAX_DISPLAY_NAME and name.endswith(".jpeg")


def test_every_stored_vault_field_has_a_data_category() -> None:
    from shared.domain.data_categories import category_of

    assert all(category_of(info) for info in VaultDocument.model_fields.values())


def test_tax_notice_year_read_per_aid_comes_from_the_catalogue() -> None:
    catalogue = load_catalogue()
    prime, aah = catalogue.get("paje_prime_naissance"), catalogue.get("aah")
    # CAF family benefits read the income of year N-2 (catalogue: tax_notice_income_year).
    assert prime.tax_notice_income_year == "n_minus_2"
    assert income_year_read(prime, date(2026, 11, 30)) == 2024
    # Others read the latest notice: income N-1 once every notice is sent (1 September).
    assert income_year_read(aah, date(2026, 11, 30)) == 2025
    assert income_year_read(aah, date(2026, 8, 31)) == 2024
    assert months_before(date(2026, 5, 31), 3) == date(2026, 2, 28)


def test_the_checklist_follows_the_tax_year_each_aid_declares() -> None:
    catalogue = load_catalogue()
    notice = [HeldDocument("d1", "tax_notice", (), income_year=2024)]
    today = date(2026, 11, 30)
    latest_aah = catalogue.get("aah").model_copy(update={"tax_notice_income_year": "latest"})
    n_minus_2_aah = latest_aah.model_copy(update={"tax_notice_income_year": "n_minus_2"})

    def status_with(aah: Any) -> ItemStatus:
        changed = catalogue.model_copy(
            update={"aids": tuple(aah if a.id == "aah" else a for a in catalogue.aids)}
        )
        (checklist,) = build_checklists(changed, ["aah"], notice, today)
        return {i.document: i.status for i in checklist.items}["tax_notice"]

    assert status_with(latest_aah) is ItemStatus.EXPIRED
    assert status_with(n_minus_2_aah) is ItemStatus.PRESENT


def test_every_aid_asking_for_a_tax_notice_says_which_income_year() -> None:
    for aid in load_catalogue().aids:
        assert (aid.tax_notice_income_year is not None) == ("tax_notice" in aid.documents), aid.id


def test_checklist_present_missing_expired_to_check() -> None:
    today = date(2026, 11, 30)
    held = [
        HeldDocument("d1", "identity_document", ()),
        HeldDocument("d2", "tax_notice", ("aah",), income_year=2023),  # too old for anything now
        HeldDocument("d3", "proof_of_address", (), issued_on=date(2026, 10, 1)),
        HeldDocument("d4", "tax_notice", ("paje_prime_naissance",), income_year=2024),
        HeldDocument("d5", "medical_certificate", ("rsa",)),  # tagged for another aid
    ]

    aah, prime = build_checklists(
        load_catalogue(), ["aah", "paje_prime_naissance", "nope"], held, today
    )

    assert {i.document: i.status for i in aah.items} == {
        "identity_document": ItemStatus.PRESENT,
        "proof_of_address": ItemStatus.PRESENT,
        "medical_certificate": ItemStatus.MISSING,
        "tax_notice": ItemStatus.EXPIRED,
    }
    assert {i.document: i.status for i in prime.items} == {
        "pregnancy_declaration": ItemStatus.MISSING,
        "tax_notice": ItemStatus.PRESENT,  # N-2 income serves CAF family benefits
    }
    assert not aah.complete
    undated = build_checklists(
        load_catalogue(), ["aah"], [HeldDocument("d6", "tax_notice", ())], today
    )
    assert {i.document: i.status for i in undated[0].items}["tax_notice"] is ItemStatus.TO_CHECK


@pytest.mark.parametrize(
    ("object_name", "owner"),
    [
        ("uid-1/AbCdEf123", "uid-1"),
        ("uid-1/nested/AbCdEf123", None),
        ("AbCdEf123", None),
        ("/AbCdEf123", None),
        ("uid-1/", None),
    ],
)
def test_owner_of_a_vault_object_comes_from_the_registry_prefix(
    object_name: str, owner: str | None
) -> None:
    from shared.adapters.vault_objects import owner_of_object, owner_prefix

    assert owner_of_object(object_name) == owner
    if owner:
        assert object_name.startswith(owner_prefix(owner))
