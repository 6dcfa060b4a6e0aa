"""Runtime configuration: the only module that reads ``os.environ``.

Every other module asks :func:`settings` for what it needs. In ``local`` mode
(emulators) the configuration refuses to load when an emulator variable is
missing or points outside the loopback interface: a mistyped variable would
otherwise send the Google clients silently to production.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})

# Variables whose value must point at a local emulator in local mode.
EMULATOR_VARIABLES = (
    "FIRESTORE_EMULATOR_HOST",
    "FIREBASE_AUTH_EMULATOR_HOST",
    "STORAGE_EMULATOR_HOST",
    "CLOUD_TASKS_EMULATOR_HOST",
    "SENDGRID_API_HOST",
)


class ConfigurationError(RuntimeError):
    """The environment does not describe a safe, complete configuration."""


def _host_of(value: str) -> str:
    """Return the host part of ``host:port`` or ``scheme://host:port``."""
    if "://" not in value:
        value = "//" + value
    return urlsplit(value).hostname or ""


@dataclass(frozen=True)
class Settings:
    """Resolved configuration of one process."""

    env: str
    project: str
    region: str
    firestore_emulator_host: str | None
    auth_emulator_host: str | None
    storage_emulator_host: str | None
    tasks_emulator_host: str | None
    sendgrid_api_host: str | None
    sendgrid_api_key: str
    mail_sender: str
    vault_bucket: str
    exports_bucket: str
    tasks_target_base: str
    cors_origins: tuple[str, ...]
    max_body_bytes: int
    audit_pepper: bytes | None
    # Workers (shared/api/worker.py): the service accounts whose OIDC tokens
    # they accept, and the audience those tokens must name (the worker's URL).
    tasks_invoker: str
    scheduler_invoker: str
    events_invoker: str
    worker_audience: str
    engine_cache_dir: Path
    log_level: str
    clamd_address: str
    # The address people reach the API at (links in e-mails): api.<domain> in production,
    # the local gateway otherwise.
    public_api_base: str = "http://127.0.0.1:8080"
    # Where each Cloud Tasks queue delivers (SESAME_<QUEUE>_WORKER_URL, set by infra/tasks.tf);
    # locally the gateway at tasks_target_base serves every worker.
    worker_urls: dict[str, str] = field(default_factory=dict)
    # The deployed queues' ids (SESAME_<QUEUE>_QUEUE, infra/tasks.tf), e.g. for erasure to
    # look for pending tasks about a person in each.
    queue_ids: dict[str, str] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    # Where people reach the web app, for links in e-mails (results); locally the
    # first web origin.
    web_base: str = "http://localhost:3000"
    # Signs unsubscribe tokens (secret mail-token-key in production, R26).
    mail_token_key: bytes | None = None
    # SendGrid's event-webhook verification key (base64 DER, from SendGrid's mail settings).
    sendgrid_webhook_key: str = ""
    # The engine the alerts worker evaluates with (its requirements' OpenFisca pins, set by
    # infra/functions.tf): functions without OpenFisca record it on alert runs.
    engine_version: str = ""

    @property
    def emulated(self) -> bool:
        """True when every Google service is an emulator on this machine."""
        return self.env in {"local", "test"}

    def worker_url(self, queue: str, function: str) -> str:
        """The URL a task of ``queue`` is posted to: its worker's, or the local gateway's."""
        return self.worker_urls.get(queue) or f"{self.tasks_target_base}/{function}"


def _check_production_origins(raw: str) -> None:
    """Production names its web origins: each an ``https://host``, never a wildcard.

    Without this, a missing variable would fall back to the local defaults and a
    ``*`` would let any site call the API with a person's token.
    """
    origins = _csv(raw)
    if not origins:
        raise ConfigurationError("SESAME_CORS_ORIGINS must list the web origins in production")
    for origin in origins:
        parts = urlsplit(origin)
        if (
            "*" in origin
            or parts.scheme != "https"
            or not parts.hostname
            or parts.path not in {"", "/"}
            or parts.query
            or parts.username
        ):
            raise ConfigurationError(
                f"SESAME_CORS_ORIGINS: {origin!r} is not an https origin (no wildcard, no path)"
            )


def _csv(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build :class:`Settings` from ``environ`` (defaults to ``os.environ``).

    Raises :class:`ConfigurationError` when local mode is asked for but any
    emulator variable is missing or not on loopback, or when production mode is
    asked for with an emulator variable still set.
    """
    env = dict(os.environ if environ is None else environ)
    mode = env.get("SESAME_ENV", "local")
    if mode not in {"local", "test", "production"}:
        raise ConfigurationError(f"SESAME_ENV must be local, test or production, not {mode!r}")
    project = env.get("GOOGLE_CLOUD_PROJECT", "")
    if not project:
        raise ConfigurationError("GOOGLE_CLOUD_PROJECT is not set")

    if mode in {"local", "test"}:
        if not project.startswith("demo-"):
            raise ConfigurationError(
                "local mode needs a demo- project id so that nothing can reach a real project"
            )
        for name in EMULATOR_VARIABLES:
            value = env.get(name, "")
            if not value:
                raise ConfigurationError(f"{name} must be set in local mode (emulators)")
            if _host_of(value) not in LOOPBACK_HOSTS:
                raise ConfigurationError(f"{name} must point at 127.0.0.1 in local mode")
    else:
        # SENDGRID_API_HOST included: in production, mail goes to SendGrid itself, never
        # to a host an environment variable could redirect it (and its contents) to.
        leftovers = [name for name in EMULATOR_VARIABLES if env.get(name)]
        if leftovers:
            raise ConfigurationError(
                "production mode with emulator or endpoint overrides set: " + ", ".join(leftovers)
            )
        _check_production_origins(env.get("SESAME_CORS_ORIGINS", ""))

    # Only the functions that write the audit journal receive the pepper
    # (least privilege, R18); :func:`shared.services.audit.pseudonym` refuses
    # to work without it in production.
    pepper = env.get("SESAME_AUDIT_PEPPER", "") or ("" if mode == "production" else "local-only")

    cache_default = Path(env.get("XDG_CACHE_HOME", str(Path.home() / ".cache"))) / "sesame"
    return Settings(
        env=mode,
        project=project,
        region=env.get("SESAME_REGION", "europe-west3"),
        firestore_emulator_host=env.get("FIRESTORE_EMULATOR_HOST") or None,
        auth_emulator_host=env.get("FIREBASE_AUTH_EMULATOR_HOST") or None,
        storage_emulator_host=env.get("STORAGE_EMULATOR_HOST") or None,
        tasks_emulator_host=env.get("CLOUD_TASKS_EMULATOR_HOST") or None,
        sendgrid_api_host=env.get("SENDGRID_API_HOST") or None,
        sendgrid_api_key=env.get("SENDGRID_API_KEY", ""),
        mail_sender=env.get("SESAME_MAIL_SENDER", "no-reply@sesame.example"),
        vault_bucket=env.get("SESAME_VAULT_BUCKET", f"{project}-vault"),
        exports_bucket=env.get("SESAME_EXPORTS_BUCKET", f"{project}-exports"),
        tasks_target_base=env.get("SESAME_TASKS_TARGET_BASE", "http://127.0.0.1:8080"),
        cors_origins=_csv(
            env.get("SESAME_CORS_ORIGINS", "http://localhost:3000,http://127.0.0.1:3000")
        ),
        max_body_bytes=int(env.get("SESAME_MAX_BODY_BYTES", str(64 * 1024))),
        audit_pepper=pepper.encode() or None,
        tasks_invoker=env.get("SESAME_TASKS_INVOKER", ""),
        scheduler_invoker=env.get("SESAME_SCHEDULER_INVOKER", ""),
        events_invoker=env.get("SESAME_EVENTS_INVOKER", ""),
        worker_audience=env.get("SESAME_WORKER_AUDIENCE", ""),
        engine_cache_dir=Path(env.get("SESAME_ENGINE_CACHE", str(cache_default))),
        log_level=env.get("SESAME_LOG_LEVEL", "INFO"),
        # host:port of the clamd that scans vault uploads (devstack starts one locally).
        clamd_address=env.get("SESAME_CLAMD_ADDRESS", "127.0.0.1:3310"),
        public_api_base=env.get(
            "SESAME_PUBLIC_API_BASE",
            env.get("SESAME_TASKS_TARGET_BASE", "http://127.0.0.1:8080"),
        ),
        worker_urls={
            match.group(1).lower(): value
            for name, value in env.items()
            if (match := re.fullmatch(r"SESAME_([A-Z]+)_WORKER_URL", name)) and value
        },
        web_base=env.get("SESAME_WEB_BASE", "")
        or (_csv(env.get("SESAME_CORS_ORIGINS", "")) or ("http://localhost:3000",))[0],
        mail_token_key=(
            env.get("SESAME_MAIL_TOKEN_KEY", "") or ("" if mode == "production" else "local-only")
        ).encode()
        or None,
        sendgrid_webhook_key=env.get("SESAME_SENDGRID_WEBHOOK_KEY", ""),
        engine_version=env.get("SESAME_ENGINE_VERSION", ""),
        queue_ids={
            match.group(1).lower(): value
            for name, value in env.items()
            if (match := re.fullmatch(r"SESAME_([A-Z]+)_QUEUE", name)) and value
        },
    )


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The process-wide settings, loaded once."""
    return load_settings()
