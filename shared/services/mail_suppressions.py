"""Addresses no mail of the service may reach again: bounces and spam reports (R26).

SendGrid reports them through its signed event webhook; the signature
(ECDSA P-256 over the timestamp and the raw body, SendGrid's scheme) is
checked with the ``sendgrid`` package's own verifier before anything is
recorded. Every sender asks :func:`is_suppressed` first: smart alerts,
promotion campaigns and organisation invitations.
"""

from __future__ import annotations

import binascii
import json
from datetime import UTC, datetime
from typing import Any

from shared.adapters import document_store
from shared.config import settings
from shared.domain.alerts import address_key
from shared.domain.data_registry import SUPPRESSED_ADDRESSES
from shared.errors import ApiError, text
from shared.models.alerts import MailSuppression
from shared.structured_log import log_event

SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature"
TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp"

# SendGrid event types that mean "stop mailing this address".
SUPPRESSING_EVENTS = {"bounce": "bounce", "spamreport": "spamreport", "dropped": "dropped"}

MAX_EVENTS = 1000  # SendGrid posts batches of events; a bigger body is not from it


def is_suppressed(email: str) -> bool:
    """Whether ``email`` bounced or reported a mail of ours as spam."""
    path = SUPPRESSED_ADDRESSES.path(address_key=address_key(email))
    return document_store.get(path, MailSuppression) is not None


def suppressed_among(emails: list[str]) -> set[str]:
    """Those of ``emails`` that bounced or reported a mail of ours as spam, read in
    one batched read (a batch of smart alerts checks a thousand addresses)."""
    paths = [SUPPRESSED_ADDRESSES.path(address_key=address_key(email)) for email in emails]
    found = document_store.get_many(paths, MailSuppression)
    return {email for email, record in zip(emails, found, strict=True) if record is not None}


def suppress(email: str, reason: str, event_at: datetime) -> bool:
    """Record that no mail may reach ``email`` again; ``False`` if it was already recorded."""
    path = SUPPRESSED_ADDRESSES.path(address_key=address_key(email))
    record = MailSuppression(
        email=email.strip().lower(),
        reason=reason,
        event_at=event_at,
        created_at=datetime.now(UTC),
    )

    def work(writes: Any) -> bool:
        if writes.get(path, MailSuppression) is not None:
            return False
        writes.create(path, record)
        return True

    return bool(document_store.run_in_transaction(work))


REFUSED = text(
    "Signature de l'événement absente ou invalide.",
    "Missing or invalid event signature.",
)


def verify_signature(raw: bytes, signature: str, timestamp: str) -> bool:
    """Whether SendGrid signed ``timestamp`` + ``raw`` with the key configured for us."""
    from sendgrid.helpers.eventwebhook import EventWebhook

    key = settings().sendgrid_webhook_key
    if not key or not signature or not timestamp:
        return False
    try:
        payload = raw.decode("utf-8")
        return bool(EventWebhook(key).verify_signature(payload, signature, timestamp))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return False


def record_events(raw: bytes, signature: str, timestamp: str) -> dict[str, int]:
    """Check a webhook delivery's signature, then record every bounce and spam report.

    Raises ``unauthenticated`` (401) for a bad signature, ``validation_failed``
    (400) for a body that is not SendGrid's list of events. Returns counts.
    """
    if not verify_signature(raw, signature, timestamp):
        raise ApiError("unauthenticated", REFUSED)
    try:
        events = json.loads(raw)
    except ValueError:
        events = None
    if not isinstance(events, list) or len(events) > MAX_EVENTS:
        raise ApiError(
            "validation_failed",
            text(
                "Le corps doit être une liste d'événements.", "The body must be a list of events."
            ),
        )
    counts = {"received": len(events), "suppressed": 0, "ignored": 0}
    for event in events:
        kind = event.get("event") if isinstance(event, dict) else None
        email = event.get("email") if isinstance(event, dict) else None
        if kind not in SUPPRESSING_EVENTS or not isinstance(email, str) or "@" not in email:
            counts["ignored"] += 1
            continue
        stamp = event.get("timestamp")
        at = (
            datetime.fromtimestamp(stamp, UTC)
            if isinstance(stamp, int) and 0 < stamp < 2**33
            else datetime.now(UTC)
        )
        if suppress(email, SUPPRESSING_EVENTS[kind], at):
            counts["suppressed"] += 1
    log_event(
        "mail events",
        received=counts["received"],
        suppressed=counts["suppressed"],
        ignored=counts["ignored"],
    )
    return counts
