"""Serving and exporting the reference web client (``web/``): files, SDK, config, headers."""

from __future__ import annotations

import dataclasses
import gzip
import json
from pathlib import Path

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from devstack.errors import StackError
from devstack.gateway import client_response
from devstack.install import ensure_debian_packages
from devstack.settings import DEFAULT_PORTS, Settings
from devstack.web_client import ClientConfig, export_for_hosting, firebase_version

LOCAL = ClientConfig(
    api_base="",
    firebase_api_key="local",
    firebase_project_id="demo-sesame",
    auth_emulator="http://127.0.0.1:9099",
    policy_version="2026-11",
)


def get(path: str, accept_gzip: bool = False) -> tuple[int, dict[str, str], bytes]:
    headers = {"Accept-Encoding": "gzip, deflate"} if accept_gzip else {}
    request = Request(EnvironBuilder(path=path, headers=headers).get_environ())
    response = client_response(request, LOCAL)
    return response.status_code, dict(response.headers), response.get_data()


def test_index_is_french_and_served_under_a_strict_policy():
    status, headers, body = get("/app/")

    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b'<html lang="fr">' in body
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "connect-src 'self' http://127.0.0.1:9099;" in policy
    assert "unsafe-inline" not in policy and "*" not in policy


def test_the_local_policy_admits_the_storage_emulator_of_signed_urls():
    config = dataclasses.replace(LOCAL, storage_origin="http://127.0.0.1:9023")
    request = Request(EnvironBuilder(path="/app/").get_environ())

    policy = client_response(request, config).headers["Content-Security-Policy"]

    assert "connect-src 'self' http://127.0.0.1:9099 http://127.0.0.1:9023;" in policy


def test_text_files_are_gzipped_when_the_browser_accepts_it():
    _, plain_headers, plain = get("/app/app.js")
    _, headers, compressed = get("/app/app.js", accept_gzip=True)

    assert "Content-Encoding" not in plain_headers
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed) == plain and len(compressed) < len(plain)


def test_config_names_the_auth_emulator_and_the_current_policy():
    _, headers, body = get("/app/config.json")

    config = json.loads(body)
    assert headers["Content-Type"] == "application/json"
    assert config["authEmulator"] == "http://127.0.0.1:9099"
    assert config["policyVersion"] == "2026-11" and config["apiBase"] == ""


def test_the_sdk_is_served_locally_and_never_imports_from_the_cdn():
    status, _, auth = get("/app/vendor/firebase-auth.js")

    assert status == 200
    assert b"gstatic.com" not in auth
    assert b'from"./firebase-app.js"' in auth
    assert firebase_version() == "12.19.0"  # the version pinned in package.json


def test_unknown_or_escaping_paths_are_not_found():
    for path in ("/app/missing.js", "/app/../pyproject.toml", "/app/vendor/firebase-firestore.js"):
        status, _, _ = get(path)
        assert status == 404, path


def test_hosting_export_carries_its_policy_and_a_production_config(tmp_path: Path):
    config = ClientConfig(
        api_base="https://api.sesame.example",
        firebase_api_key="web-key",
        firebase_project_id="sesame-prod",
        auth_emulator=None,
        policy_version="2026-11",
    )

    written = export_for_hosting(tmp_path / "web", config)

    names = {path.relative_to(tmp_path / "web").as_posix() for path in written}
    assert {"index.html", "app.js", "vendor/firebase-app.js", "config.json"} <= names
    index = (tmp_path / "web" / "index.html").read_text()
    assert "connect-src 'self' https://api.sesame.example https://identitytoolkit" in index
    # The vault upload PUTs to the signed URL on Cloud Storage.
    assert "https://storage.googleapis.com;" in index
    exported = json.loads((tmp_path / "web" / "config.json").read_text())
    assert exported["authEmulator"] is None and exported["firebase"]["apiKey"] == "web-key"


def test_local_stack_lets_the_gateway_origin_call_the_api(tmp_path: Path):
    settings = Settings(
        ports={**DEFAULT_PORTS, "gateway": 8131}, log_dir=tmp_path, tasks_max_retries=1
    )

    origins = settings.client_environment()["SESAME_CORS_ORIGINS"].split(",")

    assert "http://127.0.0.1:8131" in origins
    assert all(origin.startswith("http://") and "*" not in origin for origin in origins)


def test_browser_install_is_skipped_when_chromium_is_there():
    said: list[str] = []

    installed = ensure_debian_packages(
        "a browser", ("chromium",), lambda: Path("/bin/sh"), said.append
    )

    assert installed is False and said == []


def test_browser_install_names_the_package_when_apt_is_missing(monkeypatch):
    monkeypatch.setattr("devstack.install.shutil.which", lambda name: None)

    with pytest.raises(StackError, match="install chromium"):
        ensure_debian_packages("chromium", ("chromium",), lambda: None, lambda message: None)
