"""Cloud Storage objects of the registered buckets (locally: the storage emulator)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from shared.config import settings


@lru_cache(maxsize=1)
def _client() -> Any:
    from google.cloud import storage  # type: ignore[attr-defined]

    if settings().emulated:
        from google.auth.credentials import AnonymousCredentials

        return storage.Client(project=settings().project, credentials=AnonymousCredentials())
    return storage.Client(project=settings().project)


def bucket_name(setting: str) -> str:
    """The bucket a registry location names by its Settings attribute (e.g. ``vault_bucket``)."""
    return str(getattr(settings(), setting))


def metadata(bucket: str, name: str) -> dict[str, str] | None:
    """The object's custom metadata, or ``None`` when the object does not exist."""
    blob = _client().bucket(bucket).get_blob(name)
    return None if blob is None else dict(blob.metadata or {})


def delete(bucket: str, name: str) -> bool:
    """Delete one object; ``False`` when it was already gone."""
    from google.api_core.exceptions import NotFound

    try:
        _client().bucket(bucket).blob(name).delete()
    except NotFound:
        return False
    return True
