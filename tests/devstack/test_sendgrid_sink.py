"""The real ``sendgrid`` client delivers to the local sink, which answers like SendGrid."""

from __future__ import annotations

import uuid

import pytest
import requests
from python_http_client.exceptions import BadRequestsError
from sendgrid import SendGridAPIClient
from sendgrid.helpers.mail import Mail


def _messages(base: str) -> list[dict[str, object]]:
    response = requests.get(f"{base}/_sink/messages", timeout=5)
    response.raise_for_status()
    messages: list[dict[str, object]] = response.json()
    return messages


def test_real_client_mail_is_recorded(stack_env: dict[str, str]) -> None:
    base = stack_env["SENDGRID_API_HOST"]
    subject = f"Votre dossier {uuid.uuid4().hex[:8]}"
    client = SendGridAPIClient(api_key=stack_env["SENDGRID_API_KEY"], host=base)
    mail = Mail(
        from_email="no-reply@sesame.example",
        to_emails="beneficiaire@example.org",
        subject=subject,
        html_content="<p>Bonjour, votre dossier est prêt.</p>",
    )

    response = client.send(mail)

    assert response.status_code == 202
    assert response.headers["X-Message-Id"].startswith("local-")
    [message] = [m for m in _messages(base) if m["body"]["subject"] == subject]  # type: ignore[index]
    assert message["authorization"] is True
    body = message["body"]
    assert isinstance(body, dict)
    assert body["personalizations"][0]["to"] == [{"email": "beneficiaire@example.org"}]
    assert body["from"] == {"email": "no-reply@sesame.example"}
    assert body["content"][0] == {
        "type": "text/html",
        "value": "<p>Bonjour, votre dossier est prêt.</p>",
    }


def test_sink_refuses_what_sendgrid_refuses(stack_env: dict[str, str]) -> None:
    base = stack_env["SENDGRID_API_HOST"]
    client = SendGridAPIClient(api_key=stack_env["SENDGRID_API_KEY"], host=base)
    before = len(_messages(base))

    with pytest.raises(BadRequestsError) as refused:
        client.client.mail.send.post(request_body={"from": {"email": "a@example.org"}})
    assert b"personalizations" in refused.value.body

    unauthenticated = requests.post(
        f"{base}/v3/mail/send",
        json={"personalizations": [{"to": [{"email": "x@y.z"}]}]},
        timeout=5,
    )
    assert unauthenticated.status_code == 401
    assert len(_messages(base)) == before


def test_messages_can_be_cleared(stack_env: dict[str, str]) -> None:
    base = stack_env["SENDGRID_API_HOST"]
    client = SendGridAPIClient(api_key=stack_env["SENDGRID_API_KEY"], host=base)
    client.send(Mail("a@sesame.example", "b@example.org", "hello", plain_text_content="hi"))
    assert _messages(base)

    assert requests.delete(f"{base}/_sink/messages", timeout=5).status_code == 204

    assert _messages(base) == []
    assert requests.get(f"{base}/healthz", timeout=5).status_code == 200


def test_a_scheduled_outage_fails_the_next_sends_then_ends(stack_env: dict[str, str]) -> None:
    """What SendGrid does when down: workers must see a 503 and retry (tests/integration)."""
    from python_http_client.exceptions import ServiceUnavailableError

    base = stack_env["SENDGRID_API_HOST"]
    requests.delete(f"{base}/_sink/messages", timeout=5).raise_for_status()
    client = SendGridAPIClient(api_key=stack_env["SENDGRID_API_KEY"], host=base)
    mail = Mail("a@sesame.example", "b@example.org", "panne", plain_text_content="hi")
    scheduled = requests.post(f"{base}/_sink/outages", json={"status": 503, "count": 1}, timeout=5)

    with pytest.raises(ServiceUnavailableError):
        client.send(mail)
    client.send(mail)

    assert scheduled.status_code == 204
    assert len(_messages(base)) == 1
    bad = requests.post(f"{base}/_sink/outages", json={"status": 200}, timeout=5)
    assert bad.status_code == 400
