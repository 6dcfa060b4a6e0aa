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


def test_finalize_delivers_the_event_eventarc_would_send(stack_env: dict[str, str]) -> None:
    """`python -m devstack finalize BUCKET OBJECT`: a CloudEvent for an emulator object."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from devstack.cli import main

    received: list[tuple[dict[str, str], dict[str, object]]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            received.append(({k.lower(): v for k, v in self.headers.items()}, json.loads(body)))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    bucket = stack_env["SESAME_VAULT_BUCKET"]
    name = f"u-1/{uuid.uuid4().hex}.pdf"
    _client(stack_env).bucket(bucket).blob(name).upload_from_string(b"%PDF-1.4")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        target = f"http://127.0.0.1:{server.server_port}/vault_events"
        assert main(["finalize", bucket, name, "--target", target]) == 0
        assert main(["finalize", bucket, "u-1/not-there.pdf", "--target", target]) == 3
    finally:
        server.shutdown()

    [(headers, data)] = received
    assert headers["ce-type"] == "google.cloud.storage.object.v1.finalized"
    assert headers["ce-source"] == f"//storage.googleapis.com/projects/_/buckets/{bucket}"
    assert headers["ce-subject"] == f"objects/{name}"
    assert headers["ce-id"].startswith(f"{bucket}/{name}/")
    assert (data["bucket"], data["name"]) == (bucket, name)
