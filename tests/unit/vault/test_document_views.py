"""What the owner reads about a document's status, in their language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.domain.vault.kinds import DocumentKind
from shared.models.vault import DocumentStatus, VaultDocument
from shared.services.vault import view_of

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def _document(status: DocumentStatus) -> VaultDocument:
    return VaultDocument(
        document_id="doc-1",
        owner_uid="owner-1",
        object_name="vault/owner-1/doc-1",
        kind=DocumentKind.TAX_NOTICE,
        display_name="avis.pdf",
        declared_content_type="application/pdf",
        declared_size=1000,
        status=status,
        created_at=NOW,
        updated_at=NOW,
    )


def test_a_file_waiting_for_its_scan_says_so_in_french_by_default_and_in_english() -> None:
    pending = _document(DocumentStatus.SCAN_PENDING)

    french = view_of(pending)
    english = view_of(pending, "en")

    assert french.status is DocumentStatus.SCAN_PENDING
    assert french.status_message is not None
    assert "vérification antivirus" in french.status_message
    assert english.status_message is not None and "malware scan" in english.status_message
    assert french.content_type is None  # nothing about it is usable yet


@pytest.mark.parametrize(
    "status",
    [s for s in DocumentStatus if s is not DocumentStatus.SCAN_PENDING],
)
def test_other_statuses_need_no_words(status: DocumentStatus) -> None:
    assert view_of(_document(status)).status_message is None
