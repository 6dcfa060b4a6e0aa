"""Vault document records in Firestore: ``beneficiaries/{uid}/vault_documents/{id}``.

Written through ``google.cloud.firestore`` directly, next to (not through) the
registry-checked document store, until the data registry lists this
collection; the stored model already declares a data category on every field.
The admin client bypasses the security rules: only the owner's use cases reach
these records, and the rules keep clients out of the collection (deny by default).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shared.adapters.clients import firestore_client
from shared.models.vault import LISTED_STATUSES, VaultDocument

COLLECTION = "vault_documents"

Decide = Callable[[VaultDocument, list[VaultDocument]], VaultDocument | None]


def documents_path(owner_uid: str) -> str:
    return f"beneficiaries/{owner_uid}/{COLLECTION}"


def _load(snapshot: Any) -> VaultDocument:
    return VaultDocument.model_validate(snapshot.to_dict())


class FirestoreVaultMetadata:
    """Vault records of every owner, one sub-collection per beneficiary."""

    def _collection(self, owner_uid: str) -> Any:
        return firestore_client().collection(documents_path(owner_uid))

    def create(self, document: VaultDocument) -> None:
        self._collection(document.owner_uid).document(document.document_id).create(
            document.model_dump(mode="python")
        )

    def get(self, owner_uid: str, document_id: str) -> VaultDocument | None:
        snapshot = self._collection(owner_uid).document(document_id).get()
        return _load(snapshot) if snapshot.exists else None

    def save(self, document: VaultDocument) -> None:
        self._collection(document.owner_uid).document(document.document_id).set(
            document.model_dump(mode="python")
        )

    def delete(self, owner_uid: str, document_id: str) -> None:
        self._collection(owner_uid).document(document_id).delete()

    def all(self, owner_uid: str) -> list[VaultDocument]:
        return [_load(snapshot) for snapshot in self._collection(owner_uid).stream()]

    def settle(self, owner_uid: str, document_id: str, decide: Decide) -> VaultDocument | None:
        """Run ``decide(document, all the owner's documents)`` in one transaction.

        What ``decide`` returns is written (``None``: nothing changes). Two checks of
        the same owner racing for the last bytes of the quota cannot both win: the
        transaction that read a document the other changed is retried.
        """
        from google.cloud import firestore

        collection = self._collection(owner_uid)
        reference = collection.document(document_id)

        @firestore.transactional
        def run(transaction: Any) -> VaultDocument | None:
            snapshot = reference.get(transaction=transaction)
            if not snapshot.exists:
                return None
            current = _load(snapshot)
            every_record = collection.where(
                filter=firestore.FieldFilter("owner_uid", "==", owner_uid)
            )
            everything = [_load(s) for s in transaction.get(every_record)]
            changed = decide(current, everything)
            if changed is None:
                return current
            transaction.set(reference, changed.model_dump(mode="python"))
            return changed

        result: VaultDocument | None = run(firestore_client().transaction())
        return result

    def page(
        self,
        owner_uid: str,
        *,
        kind: str | None,
        aid_id: str | None,
        limit: int,
        after_document_id: str | None,
    ) -> tuple[list[VaultDocument], bool, str | None]:
        """One page, newest first: ``(documents, cursor_valid, next document id)``."""
        from google.cloud import firestore

        collection = self._collection(owner_uid)
        query = collection.where(
            filter=firestore.FieldFilter("status", "in", [s.value for s in LISTED_STATUSES])
        )
        if kind is not None:
            query = query.where(filter=firestore.FieldFilter("kind", "==", kind))
        if aid_id is not None:
            query = query.where(filter=firestore.FieldFilter("aid_ids", "array_contains", aid_id))
        query = query.order_by("created_at", direction=firestore.Query.DESCENDING).order_by(
            "document_id", direction=firestore.Query.DESCENDING
        )
        if after_document_id is not None:
            after = collection.document(after_document_id).get()
            if not after.exists:
                return [], False, None
            query = query.start_after(after)
        found = [_load(s) for s in query.limit(limit + 1).stream()]
        next_id = found[limit - 1].document_id if len(found) > limit else None
        return found[:limit], True, next_id
