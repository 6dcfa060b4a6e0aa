"""Vault records (``beneficiaries/{uid}/vault_documents/{id}``) are closed to every client.

They are read and written only through the vault's use cases, which check the
consent (R9) and restriction first; the rules' final deny covers them, and this
proves it for the owner, another user and anonymous callers.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.adapters.vault_metadata import FirestoreVaultMetadata, documents_path
from shared.models.vault import DocumentStatus, VaultDocument
from tests.support import emulators

NOW = datetime(2026, 11, 2, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clean() -> None:
    emulators.reset_firestore()
    emulators.reset_auth()


@pytest.mark.parametrize("role", [None, "aidant", "staff", "privacy_officer"])
def test_vault_records_are_closed_to_owner_others_and_anonymous(role: str | None) -> None:
    alice, bob = emulators.create_user(), emulators.create_user(role=role)
    FirestoreVaultMetadata().create(
        VaultDocument(
            document_id="d0cum3nt1d0cum3nt1",
            owner_uid=alice.uid,
            object_name=f"{alice.uid}/d0cum3nt1d0cum3nt1",
            kind="tax_notice",
            display_name="avis.pdf",
            declared_content_type="application/pdf",
            declared_size=10,
            status=DocumentStatus.AVAILABLE,
            created_at=NOW,
            updated_at=NOW,
        )
    )
    path = f"{documents_path(alice.uid)}/d0cum3nt1d0cum3nt1"
    new = f"{documents_path(alice.uid)}/created-by-client"
    body = {"fields": {"status": {"stringValue": "available"}}}

    for token in (alice.id_token, bob.id_token, None):
        assert emulators.firestore_rest("GET", path, token).status_code == 403
        assert emulators.firestore_rest("PATCH", path, token, body).status_code == 403
        assert emulators.firestore_rest("PATCH", new, token, body).status_code == 403
        assert emulators.firestore_rest("DELETE", path, token).status_code == 403
