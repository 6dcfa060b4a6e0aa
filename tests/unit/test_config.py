"""Configuration refuses unsafe environments (emulator mode must stay on loopback)."""

from __future__ import annotations

import pytest

from shared.config import ConfigurationError, load_settings

LOCAL = {
    "SESAME_ENV": "local",
    "GOOGLE_CLOUD_PROJECT": "demo-sesame",
    "FIRESTORE_EMULATOR_HOST": "127.0.0.1:8180",
    "FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099",
    "STORAGE_EMULATOR_HOST": "http://127.0.0.1:9023",
    "CLOUD_TASKS_EMULATOR_HOST": "127.0.0.1:8123",
    "SENDGRID_API_HOST": "http://127.0.0.1:8025",
}


def test_local_settings_load():
    loaded = load_settings(LOCAL)
    assert loaded.emulated
    assert loaded.region == "europe-west3"
    assert loaded.firestore_emulator_host == "127.0.0.1:8180"


@pytest.mark.parametrize("variable", sorted(set(LOCAL) - {"SESAME_ENV", "GOOGLE_CLOUD_PROJECT"}))
def test_local_mode_refuses_a_missing_emulator_variable(variable):
    env = {k: v for k, v in LOCAL.items() if k != variable}
    with pytest.raises(ConfigurationError, match=variable):
        load_settings(env)


@pytest.mark.parametrize(
    "variable, value",
    [
        ("FIRESTORE_EMULATOR_HOST", "firestore.googleapis.com:443"),
        ("STORAGE_EMULATOR_HOST", "https://storage.googleapis.com"),
        ("SENDGRID_API_HOST", "https://api.sendgrid.com"),
    ],
)
def test_local_mode_refuses_production_endpoints(variable, value):
    with pytest.raises(ConfigurationError, match=variable):
        load_settings({**LOCAL, variable: value})


def test_local_mode_needs_a_demo_project():
    with pytest.raises(ConfigurationError, match="demo-"):
        load_settings({**LOCAL, "GOOGLE_CLOUD_PROJECT": "sesame-prod"})


PRODUCTION = {
    "SESAME_ENV": "production",
    "GOOGLE_CLOUD_PROJECT": "sesame-prod",
    "SESAME_CORS_ORIGINS": "https://app.sesame.example",
}


def test_production_settings_load():
    loaded = load_settings(PRODUCTION)
    assert not loaded.emulated
    assert loaded.cors_origins == ("https://app.sesame.example",)


def test_production_refuses_leftover_emulator_variables():
    env = {
        **PRODUCTION,
        "SESAME_AUDIT_PEPPER": "s3cret",
        "FIRESTORE_EMULATOR_HOST": "127.0.0.1:8180",
    }
    with pytest.raises(ConfigurationError, match="FIRESTORE_EMULATOR_HOST"):
        load_settings(env)


def test_production_refuses_a_mail_api_host_override():
    env = {**PRODUCTION, "SENDGRID_API_HOST": "https://mail.attacker.example"}
    with pytest.raises(ConfigurationError, match="SENDGRID_API_HOST"):
        load_settings(env)


def test_production_refuses_a_missing_origin_list():
    env = {k: v for k, v in PRODUCTION.items() if k != "SESAME_CORS_ORIGINS"}
    with pytest.raises(ConfigurationError, match="SESAME_CORS_ORIGINS"):
        load_settings(env)


@pytest.mark.parametrize(
    "origins",
    [
        "*",
        "https://*.sesame.example",
        "https://app.sesame.example,*",
        "http://app.sesame.example",
        "https://app.sesame.example/path",
        "null",
        " , ",
    ],
)
def test_production_refuses_a_wildcard_or_non_https_origin(origins):
    with pytest.raises(ConfigurationError, match="SESAME_CORS_ORIGINS"):
        load_settings({**PRODUCTION, "SESAME_CORS_ORIGINS": origins})


def test_production_loads_without_pepper_but_cannot_pseudonymise(monkeypatch):
    """Functions that do not write the audit journal do not receive its secret (R18)."""
    from shared import config
    from shared.services import audit

    loaded = load_settings(PRODUCTION)
    assert loaded.audit_pepper is None
    monkeypatch.setattr(config, "settings", lambda: loaded)
    monkeypatch.setattr(audit, "settings", lambda: loaded)
    with pytest.raises(ConfigurationError, match="PEPPER"):
        audit.pseudonym("some-uid")


def test_unknown_mode_is_refused():
    with pytest.raises(ConfigurationError):
        load_settings({**LOCAL, "SESAME_ENV": "staging"})


def test_only_the_config_module_reads_the_environment():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    readers = [
        path.relative_to(root).as_posix()
        for folder in ("shared", "functions")
        for path in (root / folder).rglob("*.py")
        if "os.environ" in path.read_text() or "getenv(" in path.read_text()
    ]
    assert readers == ["shared/config.py"]
