"""What the mail provider (SendGrid) holds about one address, read and erased (R21, R27).

Two kinds of records, each a registry location of store kind MAIL_PROVIDER,
named by its ``pattern``: Marketing contacts (``marketing/contacts``) and the
global unsubscribe list (``suppression/unsubscribes``). Locally the devstack
sink answers these calls like SendGrid and records them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from shared.adapters.mail import MailRefused, MailUnavailable, _client

CONTACTS = "marketing/contacts"
UNSUBSCRIBES = "suppression/unsubscribes"


def _call(request: Any, **kwargs: Any) -> Any:
    """One provider call; 404 reads as "nothing held", other failures sorted as for sends."""
    from python_http_client import exceptions

    try:
        response = request(**kwargs)
    except exceptions.NotFoundError:
        return None
    except exceptions.HTTPError as error:
        status = int(getattr(error, "status_code", 0) or 0)
        if status >= 500 or status == 429:
            raise MailUnavailable(f"status {status}") from None
        raise MailRefused(f"status {status}") from None
    except OSError as error:
        raise MailUnavailable(type(error).__name__) from None
    return response


def _body(response: Any) -> Any:
    import json

    if response is None or not response.body:
        return {}
    return json.loads(response.body)


def records(kind: str, email: str) -> list[dict[str, Any]]:
    """The provider's records of ``kind`` about ``email`` (empty when it holds none)."""
    api = _client().client
    if kind == CONTACTS:
        found = _body(
            _call(api.marketing.contacts.search.emails.post, request_body={"emails": [email]})
        )
        hit = found.get("result", {}).get(email) or {}
        return [hit["contact"]] if "contact" in hit else []
    if kind == UNSUBSCRIBES:
        found = _body(_call(api.asm.suppressions._("global")._(quote(email, safe="")).get))
        return [found] if found.get("recipient_email") else []
    raise LookupError(f"no provider call reaches {kind!r}")


def erase(kind: str, email: str) -> int:
    """Delete the provider's records of ``kind`` about ``email``; returns how many went."""
    held = records(kind, email)
    if not held:
        return 0
    api = _client().client
    if kind == CONTACTS:
        ids = ",".join(str(contact["id"]) for contact in held)
        _call(api.marketing.contacts.delete, query_params={"ids": ids})
    else:
        _call(api.asm.suppressions._("global")._(quote(email, safe="")).delete)
    return len(held)
