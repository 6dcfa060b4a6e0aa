"""Read, count and delete one person's data in any registered location, by store kind.

Export (R27), erasure (R21, R22, R28) and the final scan walk the places
:func:`shared.domain.data_registry.personal_data_of` derives from the
registry; this module is the one that knows how each *store kind* reaches
them, so a location registered later is handled with no change here:

* Firestore: a document, every document of a collection (with its
  sub-collections), or the documents a field query finds;
* Cloud Storage: every object under a prefix of the location's bucket;
* Firebase Auth: the account;
* the mail provider: its contacts and unsubscribe records for the address;
* Cloud Tasks: pending tasks whose payload names the person (deleted, or a
  batch queued again without them, as each task kind declares).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import IO, Any

from shared.adapters import document_store, mail_records, object_store, task_queue
from shared.adapters.clients import firebase_app, firestore_client, storage_client
from shared.domain.data_registry import PersonalData, StoreKind


def _json_ready(value: Any) -> Any:
    """Firestore and Auth values as JSON: datetimes in ISO 8601, nested values walked."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    if isinstance(value, bytes):
        return value.hex()
    return value


# ------------------------------------------------------------------ Firestore


def _firestore_documents(found: PersonalData) -> Iterator[Any]:
    """Snapshots of the person's documents in one Firestore location."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    client = firestore_client()
    location = found.location
    if found.path:
        if found.path.count("/") % 2 == 1:  # a document path
            snapshot = client.document(found.path).get()
            if snapshot.exists:
                yield snapshot
            return
        yield from client.collection(found.path).stream()
        return
    query = document_store.documents_of(location)
    for snapshot in query.where(filter=FieldFilter(found.field, "==", found.value)).stream():
        if location.matches(snapshot.reference.path):
            yield snapshot


def _firestore_orphans(found: PersonalData) -> list[Any]:
    """Documents that exist only as parents of sub-collections (listed, not streamed)."""
    if not found.path or found.path.count("/") % 2 == 1:
        return []
    return [
        reference
        for reference in firestore_client().collection(found.path).list_documents()
        if not reference.get().exists
    ]


# ------------------------------------------------------------------ Auth


def _auth_user(uid: str) -> Any:
    from firebase_admin import auth

    try:
        return auth.get_user(uid, app=firebase_app())
    except auth.UserNotFoundError:
        return None


def auth_email(uid: str) -> str | None:
    """The e-mail on the person's Auth account, if the account exists."""
    user = _auth_user(uid)
    return None if user is None else user.email


def _auth_fields(user: Any) -> dict[str, Any]:
    def stamp(milliseconds: int | None) -> str | None:
        if not milliseconds:
            return None
        return datetime.fromtimestamp(milliseconds / 1000, UTC).isoformat()

    return {
        "uid": user.uid,
        "email": user.email,
        "email_verified": user.email_verified,
        "created_at": stamp(user.user_metadata.creation_timestamp),
        "last_sign_in_at": stamp(user.user_metadata.last_sign_in_timestamp),
        "role": (user.custom_claims or {}).get("role"),
    }


def _auth_uid(found: PersonalData) -> str:
    return found.path.rsplit("/", 1)[-1]


# ------------------------------------------------------------------ the three operations


def records(found: PersonalData) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(reference, fields)`` of each record held there (Storage objects: their metadata)."""
    store = found.location.store
    if store is StoreKind.FIRESTORE:
        for snapshot in _firestore_documents(found):
            yield snapshot.reference.path, _json_ready(snapshot.to_dict() or {})
    elif store is StoreKind.STORAGE:
        bucket = object_store.bucket_name(found.location.bucket)
        for blob in storage_client().list_blobs(bucket, prefix=found.path):
            yield (
                blob.name,
                {
                    "name": blob.name,
                    "size": blob.size,
                    "content_type": blob.content_type,
                    "metadata": dict(blob.metadata or {}),
                },
            )
    elif store is StoreKind.AUTH:
        user = _auth_user(_auth_uid(found))
        if user is not None:
            yield found.path, _auth_fields(user)
    elif store is StoreKind.MAIL_PROVIDER:
        for index, record in enumerate(mail_records.records(found.location.pattern, found.value)):
            yield f"{found.location.pattern}/{index}", _json_ready(record)
    elif store is StoreKind.TASK_PAYLOADS:
        for name in task_queue.tasks_naming(found.value):
            yield name, {"task": name.rsplit("/", 1)[-1]}


def count(found: PersonalData) -> int:
    """How many records of the person are held there (what the final scan checks)."""
    held = sum(1 for _ in records(found))
    return (
        held + len(_firestore_orphans(found))
        if found.location.store is StoreKind.FIRESTORE
        else held
    )


def open_object(found: PersonalData, name: str) -> IO[bytes]:
    """A Storage object of the location, opened for streaming (never read whole)."""
    bucket = object_store.bucket_name(found.location.bucket)
    stream: IO[bytes] = storage_client().bucket(bucket).blob(name).open("rb")
    return stream


def erase(found: PersonalData) -> int:
    """Delete every record of the person there; returns how many went. Safe to repeat."""
    store = found.location.store
    if store is StoreKind.FIRESTORE:
        client = firestore_client()
        removed = 0
        for snapshot in list(_firestore_documents(found)):
            client.recursive_delete(snapshot.reference)  # sub-collections too
            removed += 1
        for reference in _firestore_orphans(found):
            client.recursive_delete(reference)
        return removed
    if store is StoreKind.STORAGE:
        bucket = object_store.bucket_name(found.location.bucket)
        names = [blob.name for blob in storage_client().list_blobs(bucket, prefix=found.path)]
        return sum(object_store.delete(bucket, name) for name in names)
    if store is StoreKind.AUTH:
        from firebase_admin import auth

        try:
            auth.delete_user(_auth_uid(found), app=firebase_app())
        except auth.UserNotFoundError:
            return 0
        return 1
    if store is StoreKind.MAIL_PROVIDER:
        return mail_records.erase(found.location.pattern, found.value)
    return task_queue.remove_person(found.value)
