"""Firestore behind a small interface that only writes registered locations.

Every write names a document path and a stored model; the path must match a
Firestore location of :mod:`shared.domain.data_registry` whose bound model
(:mod:`shared.models.stored`) is that model, so nothing is stored that
export, erasure and retention do not know about.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from pydantic import BaseModel

from shared.adapters.clients import firestore_client
from shared.domain.data_registry import location_of
from shared.models.stored import model_of

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


def checked_data(path: str, document: BaseModel) -> dict[str, Any]:
    """The Firestore payload of ``document`` after checking its location."""
    model = model_of(location_of(path))
    if not isinstance(document, model):
        raise TypeError(f"{path} stores {model.__name__}, not {type(document).__name__}")
    return document.model_dump(mode="python")


class Writes:
    """The writes of one transaction; applied all together or not at all."""

    def __init__(self, transaction: Any) -> None:
        self._transaction = transaction

    def get(self, path: str, model: type[M]) -> M | None:
        snapshot = firestore_client().document(path).get(transaction=self._transaction)
        return model.model_validate(snapshot.to_dict()) if snapshot.exists else None

    def create(self, path: str, document: BaseModel) -> None:
        self._transaction.create(firestore_client().document(path), checked_data(path, document))

    def set(self, path: str, document: BaseModel) -> None:
        self._transaction.set(firestore_client().document(path), checked_data(path, document))

    def all_in(self, collection_path: str, model: type[M]) -> list[M]:
        """Every document of one collection, read inside the transaction."""
        # A transaction reads queries, not collection references: order by document name.
        query = firestore_client().collection(collection_path).order_by("__name__")
        return [model.model_validate(s.to_dict()) for s in self._transaction.get(query)]


def run_in_transaction(work: Callable[[Writes], T]) -> T:
    """Run ``work`` in a Firestore transaction (retried on contention)."""
    from google.cloud import firestore

    @firestore.transactional
    def _run(transaction: Any) -> T:
        return work(Writes(transaction))

    return _run(firestore_client().transaction())


def get(path: str, model: type[M]) -> M | None:
    snapshot = firestore_client().document(path).get()
    return model.model_validate(snapshot.to_dict()) if snapshot.exists else None


def create(path: str, document: BaseModel) -> None:
    """Create the document at ``path`` (a registered location); fails if it exists."""
    firestore_client().document(path).create(checked_data(path, document))


def put(path: str, document: BaseModel) -> None:
    """Write the whole document at ``path`` (a registered location)."""
    firestore_client().document(path).set(checked_data(path, document))


def delete(path: str) -> None:
    """Delete the document at ``path``, which must be at a registered location."""
    location_of(path)
    firestore_client().document(path).delete()


def add(collection_path: str, document: BaseModel) -> str:
    """Create a document with a generated id in ``collection_path``; returns the id."""
    reference = firestore_client().collection(collection_path).document()
    reference.create(checked_data(f"{collection_path}/{reference.id}", document))
    return str(reference.id)


def list_collection(
    collection_path: str,
    model: type[M],
    order_by: str | None = None,
    *,
    descending: bool = False,
    limit: int | None = None,
) -> Iterator[tuple[str, M]]:
    """``(document id, document)`` pairs of one collection, optionally ordered and limited."""
    from google.cloud import firestore

    query: Any = firestore_client().collection(collection_path)
    if order_by:
        direction = firestore.Query.DESCENDING if descending else firestore.Query.ASCENDING
        query = query.order_by(order_by, direction=direction)
    if limit is not None:
        query = query.limit(limit)
    for snapshot in query.stream():
        yield str(snapshot.id), model.model_validate(snapshot.to_dict())


def find_by_fields(
    collection_path: str, model: type[M], equals: dict[str, str]
) -> Iterator[tuple[str, M]]:
    """Documents of one collection whose fields equal ``equals`` (a registry locator query)."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    query: Any = firestore_client().collection(collection_path)
    for name, value in equals.items():
        query = query.where(filter=FieldFilter(name, "==", value))
    for snapshot in query.stream():
        yield str(snapshot.id), model.model_validate(snapshot.to_dict())
