"""Support messaging and demo requests: stored documents and API bodies (R4, R8).

What a beneficiary writes to support is requests data (policy §2.1, §2.2.6);
what a prospect leaves when asking for a demo is contact data of a client
(§2.1.1 b, §2.2.1). An agent's listing of their queue shows no content and no
person: they open a thread to read it, and that read is journaled (R14).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from shared.domain.data_categories import DataCategory, categorised
from shared.domain.strict import StrictModel
from shared.domain.support import (
    MAX_MESSAGE_CHARS,
    MAX_SUBJECT_CHARS,
    Author,
    SupportQueue,
)
from shared.models.account import FrenchPhone, PersonName
from shared.models.mandates import EmailAddress

C = DataCategory

# ---------------------------------------------------------------- stored


class SupportThread(StrictModel):
    """``support_threads/{id}``: one conversation of a beneficiary with support (R8)."""

    beneficiary_uid: str = categorised(C.IDENTIFICATION)
    queue: SupportQueue = categorised(C.REQUESTS)
    subject: str = categorised(C.REQUESTS)
    opened_at: datetime = categorised(C.REQUESTS)
    last_message_at: datetime = categorised(C.REQUESTS)
    message_count: int = categorised(C.INTERACTION, 0)
    # The support agent who took the thread, if any (a staff account, not the beneficiary).
    assignee_uid: str | None = categorised(C.INTERACTION, None)


class SupportMessage(StrictModel):
    """``support_messages/{id}``: one message of a thread, never edited."""

    beneficiary_uid: str = categorised(C.IDENTIFICATION)
    thread_id: str = categorised(C.REQUESTS)
    author: Author = categorised(C.REQUESTS)
    body: str = categorised(C.REQUESTS)
    sent_at: datetime = categorised(C.REQUESTS)
    # Keyed hash of the agent who answered (proof of who wrote; no uid in clear).
    agent_ref: str | None = categorised(C.INTERACTION, None)


class DemoRequest(StrictModel):
    """``demo_requests/{hash of the address}``: a prospect's request, one per address (R4)."""

    company: str = categorised(C.CONTACT)
    employees: int = categorised(C.CONTACT)
    given_name: str = categorised(C.CONTACT)
    family_name: str = categorised(C.CONTACT)
    job_title: str = categorised(C.CONTACT)
    email: str = categorised(C.CONTACT)
    phone: str | None = categorised(C.CONTACT, None)
    message: str = categorised(C.REQUESTS, "")
    received_at: datetime = categorised(C.INTERACTION)
    # Counts the 3-year retention (a new request from the same address renews it).
    last_contact_at: datetime = categorised(C.INTERACTION)


class DemoRequestLimit(StrictModel):
    """``demo_request_limits/{window}``: requests from one hashed address in one hour."""

    count: int = categorised(C.INTERACTION)
    created_at: datetime = categorised(C.INTERACTION)


# ---------------------------------------------------------------- API

Subject = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_SUBJECT_CHARS)
]
MessageText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_MESSAGE_CHARS)
]


class ThreadRequest(StrictModel):
    """Body of ``POST /support/threads``: the topic, a subject line and the first message."""

    queue: SupportQueue
    subject: Subject
    message: MessageText


class MessageRequest(StrictModel):
    """Body of a new message in a thread (beneficiary or agent)."""

    body: MessageText


class MessageOut(StrictModel):
    """A message as both sides see it: who wrote (the beneficiary or support), what, when."""

    author: Author
    body: str
    sent_at: datetime


class ThreadOut(StrictModel):
    """A whole thread, for its beneficiary or an agent who may read it."""

    id: str
    queue: SupportQueue
    subject: str
    opened_at: datetime
    last_message_at: datetime
    messages: list[MessageOut]


class ThreadSummary(StrictModel):
    """One of the beneficiary's threads in their list."""

    id: str
    queue: SupportQueue
    subject: str
    last_message_at: datetime
    message_count: int


class ThreadList(StrictModel):
    threads: list[ThreadSummary]


class QueuedThread(StrictModel):
    """A thread in an agent's listing: no subject, no content, no person — open it to read."""

    id: str
    queue: SupportQueue
    assigned_to_me: bool
    opened_at: datetime
    last_message_at: datetime
    message_count: int
    awaiting_answer: bool = Field(description="The beneficiary wrote last.")


class QueuedThreadList(StrictModel):
    threads: list[QueuedThread]


class AgentRequest(StrictModel):
    """Body of ``PUT /support/agents/{uid}`` (staff): the queue the agent answers."""

    queue: SupportQueue


class AgentOut(StrictModel):
    uid: str
    queue: SupportQueue


class DemoRequestIn(StrictModel):
    """Body of ``POST /support/demo-requests``: a prospect asks for a demo (anonymous, R4).

    ``website`` is a trap for robots: the form hides it from people, so a
    request that fills it is answered as accepted and never stored.
    """

    company: str = Field(min_length=1, max_length=200)
    employees: int = Field(ge=1, le=1_000_000, description="Headcount of the organisation.")
    given_name: PersonName
    family_name: PersonName
    job_title: str = Field(min_length=1, max_length=100)
    email: EmailAddress
    phone: FrenchPhone | None = None
    message: str = Field(default="", max_length=MAX_MESSAGE_CHARS)
    website: str = Field(default="", max_length=200, description="Leave empty.")


class DemoReceipt(StrictModel):
    status: Literal["received"] = "received"
    message: str


class DemoRequestOut(StrictModel):
    """A demo request as staff read it to answer the prospect."""

    id: str
    company: str
    employees: int
    given_name: str
    family_name: str
    job_title: str
    email: str
    phone: str | None
    message: str
    received_at: datetime
    last_contact_at: datetime


class DemoRequestList(StrictModel):
    requests: list[DemoRequestOut]
