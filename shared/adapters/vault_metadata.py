"""Vault document records in Firestore: ``beneficiaries/{uid}/vault_documents/{id}``.

Paths come from the data registry's ``VAULT_DOCUMENTS`` location and every write
goes through the registry-checked document store, so export, erasure and
retention know these records (R9, R21, R27). The admin client bypasses the
security rules: only the vault's use cases reach these records, and the rules
keep clients out of the collection.

The list query is declared here as data (:data:`LIST_FILTERS`, :data:`LIST_ORDER`)
so that the composite indexes it needs (``firestore.indexes.json``, deployed by
``infra/firestore.tf``) are derived from the same declaration and checked against it.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations
from typing import Any

from shared.adapters import document_store
from shared.adapters.clients import firestore_client
from shared.domain.data_registry import VAULT_DOCUMENTS
from shared.models.vault import LISTED_STATUSES, VaultDocument

Decide = Callable[[VaultDocument, list[VaultDocument]], VaultDocument | None]

COLLECTION_ID = VAULT_DOCUMENTS.collection_pattern.rsplit("/", 1)[1]

# The list query: always ``status in LISTED_STATUSES``; optionally ``kind ==`` and
# ``aid_ids array-contains``; newest first, document id breaking ties (stable cursor).
STATUS_FILTER = ("status", "ASCENDING")
LIST_FILTERS = {"kind": ("kind", "ASCENDING"), "aid_id": ("aid_ids", "CONTAINS")}
LIST_ORDER = (("created_at", "DESCENDING"), ("document_id", "DESCENDING"))


def documents_path(owner_uid: str) -> str:
    """The collection of ``owner_uid``'s vault records."""
    return VAULT_DOCUMENTS.collection(uid=owner_uid)


def record_path(owner_uid: str, document_id: str) -> str:
    return VAULT_DOCUMENTS.path(uid=owner_uid, document_id=document_id)


def list_index_fields(filters: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The composite index fields the list query needs with these optional ``filters``.

    Array-contains first, then equality fields by name, then the order: the form
    Firestore proposes for a missing index.
    """
    chosen = [LIST_FILTERS[name] for name in filters] + [STATUS_FILTER]
    contains = sorted(f for f in chosen if f[1] == "CONTAINS")
    equal = sorted(f for f in chosen if f[1] != "CONTAINS")
    return (*contains, *equal, *LIST_ORDER)


def required_indexes() -> set[tuple[tuple[str, str], ...]]:
    """Every composite index of the list query, one per combination of optional filters."""
    names = tuple(LIST_FILTERS)
    return {
        list_index_fields(subset)
        for size in range(len(names) + 1)
        for subset in combinations(names, size)
    }


def _load(snapshot: Any) -> VaultDocument:
    return VaultDocument.model_validate(snapshot.to_dict())


class FirestoreVaultMetadata:
    """Vault records of every owner, one sub-collection per beneficiary."""

    def _collection(self, owner_uid: str) -> Any:
        return firestore_client().collection(documents_path(owner_uid))

    def create(self, document: VaultDocument) -> None:
        document_store.create(record_path(document.owner_uid, document.document_id), document)

    def get(self, owner_uid: str, document_id: str) -> VaultDocument | None:
        return document_store.get(record_path(owner_uid, document_id), VaultDocument)

    def save(self, document: VaultDocument) -> None:
        document_store.put(record_path(document.owner_uid, document.document_id), document)

    def delete(self, owner_uid: str, document_id: str) -> None:
        document_store.delete(record_path(owner_uid, document_id))

    def all(self, owner_uid: str) -> list[VaultDocument]:
        return [_load(snapshot) for snapshot in self._collection(owner_uid).stream()]

    def settle(self, owner_uid: str, document_id: str, decide: Decide) -> VaultDocument | None:
        """Run ``decide(document, all the owner's documents)`` in one transaction.

        What ``decide`` returns is written (``None``: nothing changes). Two checks of
        the same owner racing for the last bytes of the quota cannot both win: the
        transaction that read a document the other changed is retried.
        """
        path = record_path(owner_uid, document_id)

        def work(writes: document_store.Writes) -> VaultDocument | None:
            current = writes.get(path, VaultDocument)
            if current is None:
                return None
            everything = writes.all_in(documents_path(owner_uid), VaultDocument)
            changed = decide(current, everything)
            if changed is None:
                return current
            writes.set(path, changed)
            return changed

        return document_store.run_in_transaction(work)

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
        for name, direction in LIST_ORDER:
            query = query.order_by(name, direction=getattr(firestore.Query, direction))
        if after_document_id is not None:
            after = collection.document(after_document_id).get()
            if not after.exists:
                return [], False, None
            query = query.start_after(after)
        found = [_load(s) for s in query.limit(limit + 1).stream()]
        next_id = found[limit - 1].document_id if len(found) > limit else None
        return found[:limit], True, next_id
