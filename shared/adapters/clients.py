"""Lazily created Google clients, one per process, reused across invocations.

Cloud Functions keep module globals between requests: creating clients on
first use (not at import) keeps cold starts short for functions that never
touch a given service. Settings are checked before any client exists, so a
misconfigured emulator variable fails here instead of reaching production.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from shared.config import settings


@lru_cache(maxsize=1)
def firestore_client() -> Any:
    from google.cloud import firestore

    return firestore.Client(project=settings().project)


@lru_cache(maxsize=1)
def firebase_app() -> Any:
    import firebase_admin
    from google.auth.credentials import AnonymousCredentials

    options = {"projectId": settings().project}
    if settings().emulated:
        # The Auth emulator needs no credentials; anonymous ones keep
        # firebase-admin from looking for application-default credentials.
        from firebase_admin import credentials

        class _EmulatorCredential(credentials.Base):
            def get_credential(self) -> Any:
                return AnonymousCredentials()

        return firebase_admin.initialize_app(_EmulatorCredential(), options, name="sesame")
    return firebase_admin.initialize_app(options=options, name="sesame")


@lru_cache(maxsize=1)
def storage_client() -> Any:
    """Cloud Storage; against the emulator (``STORAGE_EMULATOR_HOST``) without credentials."""
    from google.cloud import storage  # type: ignore[attr-defined]

    if settings().emulated:
        from google.auth.credentials import AnonymousCredentials

        return storage.Client(project=settings().project, credentials=AnonymousCredentials())
    return storage.Client(project=settings().project)
