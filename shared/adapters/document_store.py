"""Firestore behind a small interface that only writes registered locations.

Every write names a document path and a stored model; the path must match a
Firestore location of :mod:`shared.domain.data_registry` whose bound model
(:mod:`shared.models.stored`) is that model, so nothing is stored that
export, erasure and retention do not know about.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import BaseModel

from shared.adapters.clients import firestore_client
from shared.domain.data_registry import DataLocation, location_of
from shared.errors import ApiError, text

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

#: Ids per ``get_all`` call: Firestore answers them as one stream; chunks keep
#: each request and its answer a bounded size.
GET_MANY_CHUNK = 500
#: Queries in flight at once in :func:`newest_in_each` (gRPC channels multiplex
#: them; more threads mostly add contention on a one-vCPU instance).
QUERY_THREADS = 32


def checked_data(path: str, document: BaseModel) -> dict[str, Any]:
    """The Firestore payload of ``document`` after checking its location."""
    # Imported on the first write: the registry of every stored model is ~0.1 s of
    # imports a function answering reads or anonymous simulations never needs.
    from shared.models.stored import model_of

    model = model_of(location_of(path))
    if not isinstance(document, model):
        raise TypeError(f"{path} stores {model.__name__}, not {type(document).__name__}")
    return _storable(document.model_dump(mode="python"))


def _storable(value: Any) -> Any:
    """``value`` with every calendar date as an ISO string.

    Firestore stores timestamps but has no date-only type (the client refuses a
    ``datetime.date``); models read the ISO string back into a ``date``.
    """
    if isinstance(value, dict):
        return {key: _storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_storable(item) for item in value]
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    return value


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


CONTENTION_BUDGET_SECONDS = 3.0
"""How long one request keeps retrying a contended transaction before answering 503."""


def _aborted(error: BaseException) -> bool:
    from google.api_core import exceptions

    if isinstance(error, exceptions.Aborted):
        return True
    # The client wraps the last Aborted in a ValueError once its attempts are spent.
    return isinstance(error, ValueError) and isinstance(error.__cause__, exceptions.Aborted)


def run_in_transaction(work: Callable[[Writes], T]) -> T:
    """Run ``work`` in a Firestore transaction, retried on contention.

    ``work`` may run several times: whatever it stamps (time, ids) must be
    taken inside it, after its reads, so what commits last carries the latest
    stamp. After :data:`CONTENTION_BUDGET_SECONDS` of aborted attempts (with a
    random pause between rounds, so contenders spread out) the request fails
    with ``contention`` (503 and ``Retry-After``), never an unexpected error.
    """
    from google.cloud import firestore

    @firestore.transactional
    def _run(transaction: Any) -> T:
        return work(Writes(transaction))

    deadline = time.monotonic() + CONTENTION_BUDGET_SECONDS
    pause = 0.02
    while True:
        try:
            return _run(firestore_client().transaction())
        except Exception as error:
            if not _aborted(error):
                raise
            if time.monotonic() + pause > deadline:
                raise ApiError(
                    "contention",
                    text(
                        "Ces données sont modifiées par d'autres requêtes en ce moment ; "
                        "réessayez dans un instant.",
                        "This data is being changed by other requests right now; "
                        "retry in a moment.",
                    ),
                ) from None
            time.sleep(random.uniform(pause / 2, pause))  # noqa: S311 - jitter, not a secret
            pause = min(pause * 2, 0.4)


def get(path: str, model: type[M]) -> M | None:
    snapshot = firestore_client().document(path).get()
    return model.model_validate(snapshot.to_dict()) if snapshot.exists else None


def get_many(paths: Sequence[str], model: type[M]) -> list[M | None]:
    """The documents at ``paths`` in one batched read (``get_all``), in the order
    asked; ``None`` where there is none. Firestore answers many ids in one round
    trip instead of one per document (a batch of smart alerts reads a thousand)."""
    client = firestore_client()
    wanted = list(dict.fromkeys(paths))
    found: dict[str, M] = {}
    for start in range(0, len(wanted), GET_MANY_CHUNK):
        references = [client.document(path) for path in wanted[start : start + GET_MANY_CHUNK]]
        for snapshot in client.get_all(references):
            if snapshot.exists:
                found[snapshot.reference.path] = model.model_validate(snapshot.to_dict())
    return [found.get(path) for path in paths]


def newest_in_each(
    collection_paths: Sequence[str], model: type[M], order_by: str, limit: int
) -> list[list[tuple[str, M]]]:
    """For each collection of ``collection_paths``, its ``limit`` newest documents by
    ``order_by`` (``(id, document)`` pairs), the queries run side by side.

    Firestore has no one query for "the newest of each of these sub-collections";
    concurrent queries make the wait that of the slowest few, not of their sum.
    """
    from concurrent.futures import ThreadPoolExecutor

    def newest(collection_path: str) -> list[tuple[str, M]]:
        return list(list_collection(collection_path, model, order_by, descending=True, limit=limit))

    if not collection_paths:
        return []
    with ThreadPoolExecutor(max_workers=min(QUERY_THREADS, len(collection_paths))) as pool:
        return list(pool.map(newest, collection_paths))


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


def find_before(
    collection_path: str, model: type[M], field: str, before: object
) -> Iterator[tuple[str, M]]:
    """Documents of one collection whose ``field`` is strictly before ``before``."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    query = (
        firestore_client().collection(collection_path).where(filter=FieldFilter(field, "<", before))
    )
    for snapshot in query.stream():
        yield str(snapshot.id), model.model_validate(snapshot.to_dict())


def documents_of(location: DataLocation) -> Any:
    """A query over every document of a registered location: its collection, or
    its collection group when it is nested under a parent (callers keep the
    snapshots whose path ``location.matches``: a group spans every parent)."""
    client = firestore_client()
    if location.nested:
        return client.collection_group(location.collection_group)
    return client.collection(location.collection_pattern)


def find_one_in_group(
    location: DataLocation, model: type[M], field: str, value: str
) -> tuple[str, M] | None:
    """The document of a registered sub-collection, under any parent, whose ``field`` is ``value``.

    Production needs a collection-group single-field index on that field
    (``fieldOverrides`` of firestore.indexes.json).
    """
    from google.cloud.firestore_v1.base_query import FieldFilter

    query = documents_of(location).where(filter=FieldFilter(field, "==", value))
    for snapshot in query.limit(5).stream():
        if location.matches(snapshot.reference.path):
            return snapshot.reference.path, model.model_validate(snapshot.to_dict())
    return None


def prune_oldest(collection_path: str, order_by: str, keep: int) -> int:
    """Delete the documents of ``collection_path`` beyond the ``keep`` newest by ``order_by``.

    Returns how many were deleted. Concurrent pruners may delete the same
    document: deleting a missing document is not an error.
    """
    from google.cloud import firestore

    location_of(f"{collection_path}/_")  # only registered locations
    query = (
        firestore_client()
        .collection(collection_path)
        .order_by(order_by, direction=firestore.Query.DESCENDING)
        .offset(keep)
        .select([])
    )
    deleted = 0
    for snapshot in query.stream():
        snapshot.reference.delete()
        deleted += 1
    return deleted
