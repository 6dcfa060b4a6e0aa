"""Logs carry no personal data."""

from __future__ import annotations

import io
import json

import pytest

from shared.structured_log import log_event, set_stream


def test_fields_outside_the_vocabulary_are_refused():
    with pytest.raises(ValueError, match="email"):
        log_event("signup", email="a@b.fr")


def test_free_text_is_scrubbed_of_emails_and_identifiers():
    buffer = io.StringIO()
    set_stream(buffer)
    try:
        log_event("failed for jean.dupont@example.org with 1850275123456", reason="x@y.fr")
    finally:
        set_stream(None)
    line = json.loads(buffer.getvalue())
    assert "example.org" not in buffer.getvalue()
    assert "1850275123456" not in buffer.getvalue()
    assert line["severity"] == "INFO"
    assert line["reason"] == "[email]"
