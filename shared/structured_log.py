"""Structured JSON logs for Cloud Logging that never carry personal data.

Callers log *events* with a fixed vocabulary of fields (:data:`SAFE_FIELDS`):
route, status, error code, durations, counts, and pseudonymous references
(keyed hashes, never a uid, email or name). A field outside the vocabulary is
refused, and any e-mail address or long digit run that slips into a value is
masked, so a careless log line cannot leak what the privacy policy protects.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

SAFE_FIELDS = frozenset(
    {
        "function",
        "method",
        "route",
        "status",
        "code",
        "duration_ms",
        "count",
        "aid_count",
        "actor_ref",
        "target_ref",
        "role",
        "purpose",
        "component",
        "attempt",
        "queue",
        "job",
        "engine_version",
        "catalogue_version",
        "reason",
        # Smart alerts (R5): run and batch names hold dates and numbers, never a person;
        # counts, and ``skipped`` as counts per reason.
        "run",
        "batch",
        "batches",
        "selected",
        "evaluated",
        "newly_eligible",
        "sent",
        "failed",
        "skipped",
        "received",
        "suppressed",
        "ignored",
        "mail_list",
    }
)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_DIGITS = re.compile(r"\d{6,}")
_SEVERITIES = {"DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL"}

_stream: TextIO | None = None


def set_stream(stream: TextIO | None) -> None:
    """Redirect log lines (tests capture them to prove they are clean)."""
    global _stream
    _stream = stream


def scrub(value: str) -> str:
    """Mask e-mail addresses and identifier-like digit runs in free text."""
    return _DIGITS.sub("[digits]", _EMAIL.sub("[email]", value))


def log_event(event: str, severity: str = "INFO", **fields: Any) -> dict[str, Any]:
    """Write one JSON log line and return it (for tests).

    Raises ``ValueError`` for a field outside :data:`SAFE_FIELDS`: adding a
    field is a privacy decision and must be made in this module.
    """
    if severity not in _SEVERITIES:
        raise ValueError(f"unknown severity {severity}")
    unknown = set(fields) - SAFE_FIELDS
    if unknown:
        raise ValueError(f"log fields not allowed (possible personal data): {sorted(unknown)}")
    entry: dict[str, Any] = {
        "severity": severity,
        "message": scrub(event),
        "time": datetime.now(UTC).isoformat(),
    }
    for key, value in fields.items():
        entry[key] = scrub(value) if isinstance(value, str) else value
    print(json.dumps(entry, default=str), file=_stream or sys.stdout, flush=True)
    return entry
