"""Smoke checks that the Firestore and Auth emulators the stack started are usable."""

from __future__ import annotations

import uuid

import firebase_admin
import requests
from firebase_admin import auth
from google.cloud import firestore


def test_firestore_round_trip(stack_env: dict[str, str]) -> None:
    client = firestore.Client(project=stack_env["GOOGLE_CLOUD_PROJECT"])
    ref = client.collection("devstack_smoke").document(uuid.uuid4().hex)

    ref.set({"ok": True})

    assert ref.get().to_dict() == {"ok": True}
    ref.delete()


def test_firestore_runs_with_the_project_rules(stack_env: dict[str, str]) -> None:
    """An unauthenticated REST read is judged by firestore.rules (deny by default)."""
    host = stack_env["FIRESTORE_EMULATOR_HOST"]
    project = stack_env["GOOGLE_CLOUD_PROJECT"]
    url = (
        f"http://{host}/v1/projects/{project}/databases/(default)/documents/"
        f"devstack_smoke/{uuid.uuid4().hex}"
    )

    assert requests.get(url, timeout=5).status_code == 403


def test_auth_emulator_creates_users_without_credentials(stack_env: dict[str, str]) -> None:
    app = firebase_admin.initialize_app(
        options={"projectId": stack_env["GOOGLE_CLOUD_PROJECT"]},
        name=f"devstack-{uuid.uuid4().hex}",
    )
    try:
        email = f"smoke-{uuid.uuid4().hex[:8]}@example.org"
        user = auth.create_user(email=email, password="s3cret-pass", app=app)

        assert auth.get_user_by_email(email, app=app).uid == user.uid
        auth.delete_user(user.uid, app=app)
    finally:
        firebase_admin.delete_app(app)
