"""The Cloud Storage emulator serves the project's buckets to the real client."""

from __future__ import annotations

import uuid

from google.auth.credentials import AnonymousCredentials
from google.cloud.storage import Client


def _client(stack_env: dict[str, str]) -> Client:
    # The client reads STORAGE_EMULATOR_HOST itself; credentials are not checked.
    return Client(project=stack_env["GOOGLE_CLOUD_PROJECT"], credentials=AnonymousCredentials())


def test_buckets_exist(stack_env: dict[str, str]) -> None:
    names = {bucket.name for bucket in _client(stack_env).list_buckets()}

    assert {stack_env["SESAME_VAULT_BUCKET"], stack_env["SESAME_EXPORTS_BUCKET"]} <= names


def test_object_round_trip(stack_env: dict[str, str]) -> None:
    client = _client(stack_env)
    bucket = client.bucket(stack_env["SESAME_VAULT_BUCKET"])
    name = f"users/u-1/{uuid.uuid4().hex}.pdf"
    content = b"%PDF-1.4 justificatif de domicile"

    bucket.blob(name).upload_from_string(content, content_type="application/pdf")

    blob = client.bucket(stack_env["SESAME_VAULT_BUCKET"]).get_blob(name)
    assert blob is not None
    assert blob.content_type == "application/pdf"
    assert blob.size == len(content)
    assert blob.download_as_bytes() == content
    blob.delete()
    assert client.bucket(stack_env["SESAME_VAULT_BUCKET"]).get_blob(name) is None
