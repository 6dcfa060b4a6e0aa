"""Transactional e-mail through SendGrid (locally: the devstack sink, same client).

Failures are sorted for the workers: SendGrid down, rate-limited or slow is
*transient* (the queue retries); a refused message (bad address, bad key) is
*permanent* (retrying cannot help).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from shared.config import settings


class MailUnavailable(ConnectionError):
    """SendGrid could not take the message now; retry later."""


class MailRefused(ValueError):
    """SendGrid refused the message; retrying will not change that."""


@lru_cache(maxsize=1)
def _client() -> Any:
    from sendgrid import SendGridAPIClient

    config = settings()
    host = config.sendgrid_api_host or "https://api.sendgrid.com"
    return SendGridAPIClient(api_key=config.sendgrid_api_key, host=host)


def send(to: str, subject: str, body: str, headers: dict[str, str] | None = None) -> str:
    """Send one plain-text mail from the service's sender; returns the provider's message id.

    ``headers`` are added to the message as is (e.g. RFC 8058 List-Unsubscribe).
    """
    from python_http_client import exceptions
    from sendgrid.helpers.mail import Header, Mail

    message = Mail(settings().mail_sender, to, subject, plain_text_content=body)
    for name, value in (headers or {}).items():
        message.header = Header(name, value)
    try:
        response = _client().send(message)
    except (exceptions.TooManyRequestsError, exceptions.GatewayTimeoutError) as error:
        raise MailUnavailable(type(error).__name__) from None
    except exceptions.HTTPError as error:
        status = int(getattr(error, "status_code", 0) or 0)
        if status >= 500:
            raise MailUnavailable(f"status {status}") from None
        raise MailRefused(f"status {status}") from None
    except OSError as error:  # connection refused, reset, DNS: the provider is unreachable
        raise MailUnavailable(type(error).__name__) from None
    return str(response.headers.get("X-Message-Id", ""))
