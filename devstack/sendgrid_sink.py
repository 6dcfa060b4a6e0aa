"""A local stand-in for SendGrid's ``POST /v3/mail/send`` that keeps what it receives.

SendGrid has no emulator, and mocking the client would hide the real request it
builds. The real ``sendgrid`` client is pointed here instead
(``SendGridAPIClient(api_key=…, host=SENDGRID_API_HOST)``); the sink answers like
SendGrid (202 and an ``X-Message-Id``; 401 without a bearer key; 400 for a body
SendGrid would refuse) and lets tests read what was sent:

* ``GET /_sink/messages``: JSON list of received mails, oldest first;
* ``DELETE /_sink/messages``: forget them (and any outage scheduled below);
* ``POST /_sink/outages`` with ``{"status": 503, "count": 1}``: answer the next
  ``count`` calls (sends, and the contact calls below) with that status, as
  SendGrid does when it is down or rate-limiting, so retries can be tested;
* ``GET /healthz``: 200 once listening.

It also keeps the two kinds of records SendGrid holds about a person, with the
calls that read and erase them (R21): Marketing contacts
(``PUT /v3/marketing/contacts``, ``POST /v3/marketing/contacts/search/emails``,
``DELETE /v3/marketing/contacts?ids=…``) and global unsubscribes
(``POST /v3/asm/suppressions/global``, ``GET`` and ``DELETE
/v3/asm/suppressions/global/{email}``); ``GET /_sink/calls`` lists every such call.

Standard library only, memory only: it is a test fixture, not a mail server.
"""

from __future__ import annotations

import argparse
import itertools
import json
import threading
import uuid
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

MAIL_SEND_PATH = "/v3/mail/send"
MESSAGES_PATH = "/_sink/messages"
OUTAGES_PATH = "/_sink/outages"
CALLS_PATH = "/_sink/calls"
CONTACTS_PATH = "/v3/marketing/contacts"
CONTACT_SEARCH_PATH = "/v3/marketing/contacts/search/emails"
SUPPRESSIONS_PATH = "/v3/asm/suppressions/global"
MAX_BODY_BYTES = 30 * 1024 * 1024  # SendGrid's own limit for a whole message


class Mailbox:
    """Received mails, shared by the server's threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        self._outages: list[int] = []
        self.contacts: dict[str, dict[str, Any]] = {}  # by e-mail
        self.suppressions: dict[str, int] = {}  # e-mail -> created (epoch seconds)
        self._calls: list[dict[str, str]] = []

    def record_call(self, method: str, path: str) -> None:
        with self._lock:
            self._calls.append({"method": method, "path": path})

    def calls(self) -> list[dict[str, str]]:
        with self._lock:
            return list(self._calls)

    def add(self, record: dict[str, Any]) -> str:
        with self._lock:
            message_id = f"local-{next(self._ids)}"
            self._messages.append({"id": message_id, **record})
            return message_id

    def all(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._messages)

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()
            self._outages.clear()
            self._calls.clear()

    def schedule_outage(self, status: int, count: int) -> None:
        with self._lock:
            self._outages.extend([status] * count)

    def next_outage(self) -> int | None:
        """The status to fail the next send with, if an outage is scheduled."""
        with self._lock:
            return self._outages.pop(0) if self._outages else None


def sendgrid_errors(body: Any) -> list[dict[str, Any]]:
    """The checks SendGrid makes that a mail adapter is most likely to get wrong."""
    if not isinstance(body, dict):
        return [{"message": "The request body must be a JSON object.", "field": None}]
    errors: list[dict[str, Any]] = []
    personalizations = body.get("personalizations")
    if not isinstance(personalizations, list) or not personalizations:
        errors.append(
            {
                "message": "The personalizations field is required and must have at least"
                " one personalization.",
                "field": "personalizations",
            }
        )
    else:
        for index, item in enumerate(personalizations):
            if not isinstance(item, dict) or not item.get("to"):
                errors.append(
                    {
                        "message": "The to array is required for all personalization objects,"
                        " and must have at least one email object with a valid email address.",
                        "field": f"personalizations.{index}.to",
                    }
                )
    sender = body.get("from")
    if not isinstance(sender, dict) or not sender.get("email"):
        errors.append(
            {
                "message": "The from object must be provided for every email send."
                " It is an object that requires an email parameter.",
                "field": "from.email",
            }
        )
    if not body.get("template_id"):
        if not body.get("content"):
            errors.append(
                {
                    "message": "Unless a valid template_id is provided, the content parameter"
                    " is required.",
                    "field": "content",
                }
            )
        has_subject = bool(body.get("subject")) or (
            isinstance(personalizations, list)
            and bool(personalizations)
            and all(isinstance(p, dict) and p.get("subject") for p in personalizations)
        )
        if not has_subject:
            errors.append(
                {
                    "message": "The subject is required. You can get around this requirement"
                    " if you use a template with a subject defined or if every personalization"
                    " has a subject defined.",
                    "field": "subject",
                }
            )
    return errors


class SinkHandler(BaseHTTPRequestHandler):
    server_version = "sendgrid-sink"
    mailbox: Mailbox  # set on the subclass made by make_server

    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _send_empty(self, status: int, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()

    def _not_found(self) -> None:
        self._send_json(HTTPStatus.NOT_FOUND, {"errors": [{"message": "not found"}]})

    def do_GET(self) -> None:
        if self.path == "/healthz":
            self._send_json(HTTPStatus.OK, {"status": "ok"})
        elif self.path == MESSAGES_PATH:
            self._send_json(HTTPStatus.OK, self.mailbox.all())
        elif self.path == CALLS_PATH:
            self._send_json(HTTPStatus.OK, self.mailbox.calls())
        elif self.path.startswith(SUPPRESSIONS_PATH + "/"):
            if self._provider_call():
                return
            email = unquote(self.path[len(SUPPRESSIONS_PATH) + 1 :])
            created = self.mailbox.suppressions.get(email)
            found = {} if created is None else {"recipient_email": email, "created": created}
            self._send_json(HTTPStatus.OK, found)
        else:
            self._not_found()

    def do_DELETE(self) -> None:
        if self.path == MESSAGES_PATH:
            self.mailbox.clear()
            self._send_empty(HTTPStatus.NO_CONTENT)
        elif self.path.startswith(CONTACTS_PATH + "?"):
            if self._provider_call():
                return
            ids = set(parse_qs(urlsplit(self.path).query).get("ids", [""])[0].split(","))
            for email, contact in list(self.mailbox.contacts.items()):
                if contact["id"] in ids:
                    del self.mailbox.contacts[email]
            self._send_json(HTTPStatus.ACCEPTED, {"job_id": f"delete-{len(ids)}"})
        elif self.path.startswith(SUPPRESSIONS_PATH + "/"):
            if self._provider_call():
                return
            self.mailbox.suppressions.pop(unquote(self.path[len(SUPPRESSIONS_PATH) + 1 :]), None)
            self._send_empty(HTTPStatus.NO_CONTENT)
        else:
            self._not_found()

    def _provider_call(self) -> bool:
        """Record the call; True when a scheduled outage answered it instead."""
        self.mailbox.record_call(self.command, urlsplit(self.path).path)
        outage = self.mailbox.next_outage()
        if outage is not None:
            self._send_json(outage, {"errors": [{"message": "Service unavailable"}]})
            return True
        return False

    def _json_body(self) -> Any:
        try:
            return json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        except ValueError:
            return None

    def do_PUT(self) -> None:
        if self.path != CONTACTS_PATH:
            self._not_found()
            return
        if self._provider_call():
            return
        body = self._json_body()
        contacts = body.get("contacts") if isinstance(body, dict) else None
        if not isinstance(contacts, list) or not all(
            isinstance(c, dict) and c.get("email") for c in contacts
        ):
            self._send_json(HTTPStatus.BAD_REQUEST, {"errors": [{"message": "contacts"}]})
            return
        for contact in contacts:
            known = self.mailbox.contacts.get(contact["email"], {"id": uuid.uuid4().hex})
            self.mailbox.contacts[contact["email"]] = {**known, **contact}
        self._send_json(HTTPStatus.ACCEPTED, {"job_id": uuid.uuid4().hex})

    def _provider_post(self) -> bool:
        """Marketing contacts search and suppression additions; False if not one of them."""
        if self.path == CONTACT_SEARCH_PATH:
            if self._provider_call():
                return True
            body = self._json_body()
            emails = body.get("emails", []) if isinstance(body, dict) else []
            result = {
                e: {"contact": self.mailbox.contacts[e]}
                for e in emails
                if e in self.mailbox.contacts
            }
            # SendGrid answers 404 when none of the addresses is a contact.
            self._send_json(HTTPStatus.OK if result else HTTPStatus.NOT_FOUND, {"result": result})
            return True
        if self.path == SUPPRESSIONS_PATH:
            if self._provider_call():
                return True
            body = self._json_body()
            emails = body.get("recipient_emails", []) if isinstance(body, dict) else []
            for email in emails:
                self.mailbox.suppressions.setdefault(email, int(datetime.now(UTC).timestamp()))
            self._send_json(HTTPStatus.CREATED, {"recipient_emails": emails})
            return True
        return False

    def _schedule_outage(self) -> None:
        try:
            order = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            status, count = int(order["status"]), int(order.get("count", 1))
        except (ValueError, KeyError, TypeError):
            self._send_json(HTTPStatus.BAD_REQUEST, {"errors": [{"message": "status, count"}]})
            return
        if not 400 <= status <= 599 or not 0 < count <= 100:
            self._send_json(HTTPStatus.BAD_REQUEST, {"errors": [{"message": "status, count"}]})
            return
        self.mailbox.schedule_outage(status, count)
        self._send_empty(HTTPStatus.NO_CONTENT)

    def do_POST(self) -> None:
        if self.path == OUTAGES_PATH:
            self._schedule_outage()
            return
        if self._provider_post():
            return
        if self.path != MAIL_SEND_PATH:
            self._not_found()
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._send_json(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                {"errors": [{"message": "Payload too large", "field": None}]},
            )
            return
        raw = self.rfile.read(length)
        outage = self.mailbox.next_outage()
        if outage is not None:
            self._send_json(outage, {"errors": [{"message": "Service unavailable", "field": None}]})
            return
        authorization = self.headers.get("Authorization", "")
        if not authorization.startswith("Bearer ") or not authorization[7:].strip():
            self._send_json(
                HTTPStatus.UNAUTHORIZED,
                {
                    "errors": [
                        {
                            "message": "The provided authorization grant is invalid, expired,"
                            " or revoked",
                            "field": None,
                            "help": None,
                        }
                    ]
                },
            )
            return
        try:
            body = json.loads(raw)
        except ValueError:
            self._send_json(
                HTTPStatus.BAD_REQUEST,
                {"errors": [{"message": "Bad Request: body is not JSON", "field": None}]},
            )
            return
        errors = sendgrid_errors(body)
        if errors:
            self._send_json(HTTPStatus.BAD_REQUEST, {"errors": errors})
            return
        message_id = self.mailbox.add(
            {
                "received_at": datetime.now(UTC).isoformat(),
                "authorization": True,
                "content_type": self.headers.get("Content-Type"),
                "user_agent": self.headers.get("User-Agent"),
                "body": body,
            }
        )
        self._send_empty(HTTPStatus.ACCEPTED, {"X-Message-Id": message_id})


def make_server(host: str, port: int) -> ThreadingHTTPServer:
    """A ready-to-serve sink with its own empty mailbox (usable in-process too)."""
    handler = type("BoundSinkHandler", (SinkHandler,), {"mailbox": Mailbox()})
    return ThreadingHTTPServer((host, port), handler)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Local SendGrid sink (records mails).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    args = parser.parse_args(argv)
    server = make_server(args.host, args.port)
    print(f"sendgrid sink listening on http://{args.host}:{args.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
