"""The devstack SendGrid sink as tests read it: what was sent, to whom; outages on demand."""

from __future__ import annotations

from typing import Any

import requests

from shared.config import settings


def sink_base() -> str:
    return settings().sendgrid_api_host or ""


def clear_sink() -> str:
    """Forget every recorded mail; returns the sink's base URL."""
    base = sink_base()
    requests.delete(f"{base}/_sink/messages", timeout=5).raise_for_status()
    return base


def mails_to(sink: str, address: str) -> list[dict[str, Any]]:
    """The mails the sink received for ``address``."""
    messages = requests.get(f"{sink}/_sink/messages", timeout=5).json()
    return [
        m
        for m in messages
        if any(to["email"] == address for p in m["body"]["personalizations"] for to in p["to"])
    ]


def fail_next_sends(status: int, count: int = 1) -> None:
    """Answer the next ``count`` sends with ``status`` (503: down; 400: address refused)."""
    requests.post(
        f"{sink_base()}/_sink/outages", json={"status": status, "count": count}, timeout=5
    ).raise_for_status()
