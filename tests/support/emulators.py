"""Test access to the real emulators: users with real emulator ID tokens, resets.

Tests run inside ``python -m devstack run``, which exports the emulator
variables; nothing here mocks a Google service.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests

from shared.config import settings

API_KEY = "local-emulator-key"  # the Auth emulator accepts any key


def _auth_base() -> str:
    return f"http://{settings().auth_emulator_host}"


def _firestore_base() -> str:
    return f"http://{settings().firestore_emulator_host}"


@dataclass
class EmulatorUser:
    uid: str
    email: str
    password: str
    id_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.id_token}"}

    def refresh(self) -> EmulatorUser:
        """Sign in again so the token carries current claims and verification state."""
        self.id_token = sign_in(self.email, self.password)
        return self


def sign_in(email: str, password: str) -> str:
    response = requests.post(
        f"{_auth_base()}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword",
        params={"key": API_KEY},
        json={"email": email, "password": password, "returnSecureToken": True},
        timeout=10,
    )
    response.raise_for_status()
    return str(response.json()["idToken"])


def create_user(
    email: str | None = None, *, verified: bool = True, role: str | None = None
) -> EmulatorUser:
    """A real Auth-emulator account and its ID token."""
    from firebase_admin import auth

    from shared.adapters.clients import firebase_app

    email = email or f"user-{uuid.uuid4().hex[:10]}@example.org"
    password = "correct-horse-" + uuid.uuid4().hex[:8]
    response = requests.post(
        f"{_auth_base()}/identitytoolkit.googleapis.com/v1/accounts:signUp",
        params={"key": API_KEY},
        json={"email": email, "password": password, "returnSecureToken": True},
        timeout=10,
    )
    response.raise_for_status()
    uid = str(response.json()["localId"])
    if verified:
        auth.update_user(uid, email_verified=True, app=firebase_app())
    if role:
        auth.set_custom_user_claims(uid, {"role": role}, app=firebase_app())
    return EmulatorUser(uid, email, password, sign_in(email, password))


def reset_auth() -> None:
    requests.delete(
        f"{_auth_base()}/emulator/v1/projects/{settings().project}/accounts", timeout=10
    ).raise_for_status()


def reset_firestore() -> None:
    requests.delete(
        f"{_firestore_base()}/emulator/v1/projects/{settings().project}/databases/(default)/documents",
        timeout=10,
    ).raise_for_status()


@contextmanager
def queue_held(queue: str) -> Iterator[None]:
    """The Cloud Tasks ``queue`` delivers nothing inside the block; what it then holds is dropped.

    For tests that run a queued job themselves, through the worker entry point:
    the task the code under test queues must not reach a worker too. Deleting it
    right after it is queued is a race: the emulator dispatches every 0.1 s, and
    in a whole ``make test`` a worker does answer at the tasks' target (the
    browser tests' session gateway, on the stack's gateway port), so the same
    job would run beside the test's (two builds of one export contend on its
    record). Paused before anything is queued, the queue dispatches none of it.
    """
    from shared.adapters import task_queue

    client = task_queue._client()
    name = task_queue.queue_path(queue)
    client.pause_queue(name=name)
    try:
        yield
    finally:
        client.purge_queue(name=name)
        client.resume_queue(name=name)


def firestore_rest(
    method: str,
    document_path: str,
    token: str | None,
    body: dict[str, Any] | None = None,
    params: dict[str, Any] | None = None,
) -> requests.Response:
    """Call the Firestore REST API as a client would: rules apply to ID tokens."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    url = (
        f"{_firestore_base()}/v1/projects/{settings().project}/databases/(default)/documents/"
        + document_path
    )
    return requests.request(method, url, headers=headers, json=body, params=params, timeout=10)


def all_document_paths() -> list[str]:
    """Every document path in the emulator, walking sub-collections (admin client)."""
    from shared.adapters.clients import firestore_client

    found: list[str] = []

    def walk(collections: Any) -> None:
        for collection in collections:
            for reference in collection.list_documents():
                if reference.get().exists:
                    found.append(reference.path)
                walk(reference.collections())

    walk(firestore_client().collections())
    return found
