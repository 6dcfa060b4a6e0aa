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

    queue: SupportQueue = Field(
        description=(
            "The topic: account (sign-in, profile, privacy rights), aids "
            "(simulation, aids found) or documents (vault, forms)."
        )
    )
    subject: Subject = Field(description="A subject line.")
    message: MessageText = Field(description="The first message, plain text.")


class MessageRequest(StrictModel):
    """Body of a new message in a thread (beneficiary or agent)."""

    body: MessageText = Field(description="The message text, plain text.")


class MessageOut(StrictModel):
    """A message as both sides see it: who wrote (the beneficiary or support), what, when."""

    author: Author = Field(description="beneficiary or support (agents are not named).")
    body: str = Field(description="The message text.")
    sent_at: datetime = Field(description="When it was written (ISO 8601, UTC).")


class ThreadOut(StrictModel):
    """A whole thread, for its beneficiary or an agent who may read it."""

    id: str = Field(description="The thread's id.")
    queue: SupportQueue = Field(description="account, aids or documents.")
    subject: str = Field(description="The subject line the beneficiary wrote.")
    opened_at: datetime = Field(description="When the thread was opened (ISO 8601, UTC).")
    last_message_at: datetime = Field(
        description="When the last message was written (ISO 8601, UTC)."
    )
    messages: list[MessageOut] = Field(description="Every message of the thread.")


class ThreadSummary(StrictModel):
    """One of the beneficiary's threads in their list."""

    id: str = Field(description="The thread's id, used in /support/threads/{thread_id}.")
    queue: SupportQueue = Field(description="account, aids or documents.")
    subject: str = Field(description="The subject line the beneficiary wrote.")
    last_message_at: datetime = Field(
        description="When the last message was written (ISO 8601, UTC)."
    )
    message_count: int = Field(description="Messages in the thread.")


class ThreadList(StrictModel):
    threads: list[ThreadSummary] = Field(description="The beneficiary's support threads.")


class QueuedThread(StrictModel):
    """A thread in an agent's listing: no subject, no content, no person — open it to read."""

    id: str = Field(description="The thread's id, used in /support/queue/{thread_id}.")
    queue: SupportQueue = Field(description="account, aids or documents.")
    assigned_to_me: bool = Field(description="True when the calling agent has taken the thread.")
    opened_at: datetime = Field(description="When the thread was opened (ISO 8601, UTC).")
    last_message_at: datetime = Field(
        description="When the last message was written (ISO 8601, UTC)."
    )
    message_count: int = Field(description="Messages in the thread.")
    awaiting_answer: bool = Field(description="The beneficiary wrote last.")


class QueuedThreadList(StrictModel):
    threads: list[QueuedThread] = Field(description="The threads of the agent's queue.")


class AgentRequest(StrictModel):
    """Body of ``PUT /support/agents/{uid}`` (staff): the queue the agent answers."""

    queue: SupportQueue = Field(
        description=(
            "The queue the agent answers: account (sign-in, profile, privacy "
            "rights), aids (simulation, aids found) or documents (vault, forms)."
        )
    )


class AgentOut(StrictModel):
    uid: str = Field(description="The support agent's account.")
    queue: SupportQueue = Field(
        description="The queue the agent answers: account, aids or documents."
    )


class DemoRequestIn(StrictModel):
    """Body of ``POST /support/demo-requests``: a prospect asks for a demo (anonymous, R4).

    ``website`` is a trap for robots: the form hides it from people, so a
    request that fills it is answered as accepted and never stored.
    """

    company: str = Field(
        min_length=1,
        max_length=200,
        description="The prospect's organisation (1 to 200 characters).",
    )
    employees: int = Field(ge=1, le=1_000_000, description="Headcount of the organisation.")
    given_name: PersonName = Field(description="The prospect's given name.")
    family_name: PersonName = Field(description="The prospect's family name.")
    job_title: str = Field(
        min_length=1, max_length=100, description="The prospect's job title (1 to 100 characters)."
    )
    email: EmailAddress = Field(description="The prospect's professional e-mail address.")
    phone: FrenchPhone | None = Field(None, description="A French phone number; optional.")
    message: str = Field(
        default="",
        max_length=MAX_MESSAGE_CHARS,
        description="Anything the prospect wants to add; optional.",
    )
    website: str = Field(default="", max_length=200, description="Leave empty.")


class DemoReceipt(StrictModel):
    status: Literal["received"] = Field("received", description="Always received.")
    message: str = Field(description="A confirmation to show the prospect, in their language.")


class DemoRequestOut(StrictModel):
    """A demo request as staff read it to answer the prospect."""

    id: str = Field(description="The demo request's id.")
    company: str = Field(description="The prospect's organisation.")
    employees: int = Field(description="Headcount of the organisation.")
    given_name: str = Field(description="The prospect's given name.")
    family_name: str = Field(description="The prospect's family name.")
    job_title: str = Field(description="The prospect's job title.")
    email: str = Field(description="The prospect's professional e-mail address.")
    phone: str | None = Field(description="The prospect's phone number; null when not given.")
    message: str = Field(description="What the prospect added (may be empty).")
    received_at: datetime = Field(description="When the first request arrived (ISO 8601, UTC).")
    last_contact_at: datetime = Field(
        description=(
            "When the prospect last asked (ISO 8601, UTC); the 3-year retention counts from it."
        )
    )


class DemoRequestList(StrictModel):
    requests: list[DemoRequestOut] = Field(description="Every demo request still kept.")
