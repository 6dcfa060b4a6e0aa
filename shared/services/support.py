"""Support messaging (R8) and prospects' demo requests (R4).

A beneficiary opens a thread in a queue (its topic), writes and reads it. A
support agent lists the threads assigned to them or waiting in their queue —
ids and dates only — and opens one to read or answer it: the thread is
checked to be in the agent's reach *now* (role and queue on the Auth record,
assignment in Firestore), then :func:`shared.services.access.open_access`
checks the same and journals the access before any message is read, so the
beneficiary sees every read in their journal (R14). Processing stops when
the beneficiary restricted it or objected to support (R26).

Demo requests come from anyone, signed in or not: bounded per client address
and hour (keyed hash of the address, never stored in clear), with a hidden
field robots fill, kept 3 years from the prospect's last contact (registry).
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime

from shared.adapters import document_store, identity
from shared.adapters.document_store import Writes
from shared.domain.access import Access, ActorKind, Scope
from shared.domain.data_registry import (
    BENEFICIARY,
    DEMO_REQUEST_LIMITS,
    DEMO_REQUESTS,
    SUPPORT_MESSAGES,
    SUPPORT_THREADS,
)
from shared.domain.purposes import Purpose
from shared.domain.strict import Language
from shared.domain.support import (
    DEMO_REQUESTS_PER_WINDOW,
    DEMO_WINDOW_SECONDS,
    MAX_MESSAGES_PER_THREAD,
    MAX_THREADS,
    Author,
    agent_reaches,
)
from shared.errors import ApiError, text
from shared.models.account import BeneficiaryProfile
from shared.models.support import (
    AgentOut,
    AgentRequest,
    DemoReceipt,
    DemoRequest,
    DemoRequestIn,
    DemoRequestLimit,
    DemoRequestList,
    DemoRequestOut,
    MessageOut,
    MessageRequest,
    QueuedThread,
    QueuedThreadList,
    SupportMessage,
    SupportThread,
    ThreadList,
    ThreadOut,
    ThreadRequest,
    ThreadSummary,
)
from shared.services.access import SUPPORT_QUEUE_CLAIM, open_access
from shared.services.audit import pseudonym
from shared.services.organisations import require_staff_now

NO_THREAD = text("Cette conversation n'existe pas.", "No such conversation.")
NOT_REGISTERED = text(
    "Pas encore de profil : appelez d'abord POST /signup.",
    "No profile yet: call POST /signup first.",
)
OUT_OF_REACH = text(
    "Cette conversation n'est ni à vous ni dans votre file.",
    "This conversation is neither yours nor in your queue.",
)
NOT_AN_AGENT = text("Réservé aux conseillers du support.", "Support agents only.")


def _now() -> datetime:
    return datetime.now(UTC)


def _new_id() -> str:
    return uuid.uuid4().hex[:20]


def _check_basis(uid: str, *, by_agent: bool) -> None:
    """Support may process this beneficiary's messages now: no restriction, no objection (R26).

    For an agent, a thread whose beneficiary has no profile any more is not found.
    """
    profile = document_store.get(BENEFICIARY.path(uid=uid), BeneficiaryProfile)
    if profile is None:
        raise (
            ApiError("not_found", NO_THREAD)
            if by_agent
            else ApiError("not_registered", NOT_REGISTERED)
        )
    decision = profile.processing_decision(Purpose.SUPPORT)
    if decision.code == "processing_restricted":
        raise ApiError(
            "processing_restricted",
            text(
                "Le traitement des données de cette personne est limité : le support ne peut "
                "pas traiter ses messages."
                if by_agent
                else "Vous avez limité le traitement de vos données : levez la limitation pour "
                "écrire au support.",
                "This person's data processing is restricted: support cannot handle their messages."
                if by_agent
                else "You restricted the processing of your data: lift it to write to support.",
            ),
        )
    if decision.code == "purpose_objected":
        raise ApiError(
            "purpose_objected",
            text(
                "Opposition au traitement par le support : retirez-la pour écrire au support.",
                "Support processing was objected to: withdraw the objection to use support.",
            ),
        )


def _messages(thread_id: str, beneficiary_uid: str) -> list[MessageOut]:
    # Both fields: the locator query an erasure also runs, narrowed to one thread.
    found = document_store.find_by_fields(
        SUPPORT_MESSAGES.collection(),
        SupportMessage,
        {SUPPORT_MESSAGES.locator.name: beneficiary_uid, "thread_id": thread_id},
    )
    ordered = sorted((message for _, message in found), key=lambda m: m.sent_at)
    return [MessageOut(author=m.author, body=m.body, sent_at=m.sent_at) for m in ordered]


def _thread_out(thread_id: str, thread: SupportThread) -> ThreadOut:
    shown = thread.model_dump(include={"queue", "subject", "opened_at", "last_message_at"})
    return ThreadOut(id=thread_id, messages=_messages(thread_id, thread.beneficiary_uid), **shown)


def _threads_of(uid: str) -> list[tuple[str, SupportThread]]:
    return list(
        document_store.find_by_fields(
            SUPPORT_THREADS.collection(), SupportThread, {SUPPORT_THREADS.locator.name: uid}
        )
    )


def _append(
    thread_id: str,
    message: SupportMessage,
    *,
    owner: str | None = None,
    assign_to: str | None = None,
) -> SupportThread:
    """Add ``message`` to the thread and move its dates, in one transaction.

    ``owner``: the thread must be this beneficiary's (else not found). ``assign_to``:
    an answering agent takes an unassigned thread.
    """
    thread_path = SUPPORT_THREADS.path(thread_id=thread_id)
    message_path = SUPPORT_MESSAGES.path(message_id=_new_id())

    def work(writes: Writes) -> SupportThread:
        thread = writes.get(thread_path, SupportThread)
        if thread is None or (owner is not None and thread.beneficiary_uid != owner):
            raise ApiError("not_found", NO_THREAD)
        if thread.message_count >= MAX_MESSAGES_PER_THREAD:
            raise ApiError(
                "support_limit_reached",
                text(
                    f"Une conversation compte au plus {MAX_MESSAGES_PER_THREAD} messages : "
                    "ouvrez-en une nouvelle.",
                    f"A conversation holds at most {MAX_MESSAGES_PER_THREAD} messages: "
                    "open a new one.",
                ),
            )
        change: dict[str, object] = {
            "last_message_at": message.sent_at,
            "message_count": thread.message_count + 1,
        }
        if assign_to is not None and thread.assignee_uid is None:
            change["assignee_uid"] = assign_to
        updated = thread.model_copy(update=change)
        writes.set(thread_path, updated)
        writes.create(message_path, message)
        return updated

    return document_store.run_in_transaction(work)


# ---------------------------------------------------------------- beneficiary


def open_thread(access: Access, request: ThreadRequest) -> tuple[ThreadOut, int]:
    """Open a thread in ``request.queue`` with its first message (R8)."""
    uid = access.subject_uid
    _check_basis(uid, by_agent=False)
    if len(_threads_of(uid)) >= MAX_THREADS:
        raise ApiError(
            "support_limit_reached",
            text(
                f"Vous avez déjà {MAX_THREADS} conversations avec le support : "
                "continuez l'une d'elles.",
                f"You already have {MAX_THREADS} conversations with support: continue one.",
            ),
        )
    now = _now()
    thread_id = _new_id()
    thread = SupportThread(
        beneficiary_uid=uid,
        queue=request.queue,
        subject=request.subject,
        opened_at=now,
        last_message_at=now,
        message_count=1,
    )
    message = SupportMessage(
        beneficiary_uid=uid,
        thread_id=thread_id,
        author=Author.BENEFICIARY,
        body=request.message,
        sent_at=now,
    )

    def work(writes: Writes) -> None:
        writes.create(SUPPORT_THREADS.path(thread_id=thread_id), thread)
        writes.create(SUPPORT_MESSAGES.path(message_id=_new_id()), message)

    document_store.run_in_transaction(work)
    return _thread_out(thread_id, thread), 201


def list_threads(access: Access) -> ThreadList:
    """The beneficiary's threads, most recent activity first (reading is never restricted)."""
    found = sorted(_threads_of(access.subject_uid), key=lambda p: p[1].last_message_at)
    shown = {"queue", "subject", "last_message_at", "message_count"}
    return ThreadList(
        threads=[
            ThreadSummary(id=thread_id, **thread.model_dump(include=shown))
            for thread_id, thread in reversed(found)
        ]
    )


def _own_thread(access: Access, thread_id: str) -> SupportThread:
    thread = document_store.get(SUPPORT_THREADS.path(thread_id=thread_id), SupportThread)
    if thread is None or thread.beneficiary_uid != access.subject_uid:
        raise ApiError("not_found", NO_THREAD)
    return thread


def read_thread(access: Access, thread_id: str) -> ThreadOut:
    """One of the beneficiary's threads with all its messages."""
    return _thread_out(thread_id, _own_thread(access, thread_id))


def write_message(access: Access, request: MessageRequest, thread_id: str) -> tuple[ThreadOut, int]:
    """The beneficiary adds a message to their thread."""
    uid = access.subject_uid
    _check_basis(uid, by_agent=False)
    _own_thread(access, thread_id)
    message = SupportMessage(
        beneficiary_uid=uid,
        thread_id=thread_id,
        author=Author.BENEFICIARY,
        body=request.body,
        sent_at=_now(),
    )
    thread = _append(thread_id, message, owner=uid)
    return _thread_out(thread_id, thread), 201


# ---------------------------------------------------------------- support agents


def _agent_queue(access: Access) -> str | None:
    """The agent's queue now; the role itself is re-read, a removed agent stops at once."""
    agent = access.subject_uid
    if identity.current_role(agent) != ActorKind.SUPPORT_AGENT.value:
        raise ApiError("forbidden", NOT_AN_AGENT)
    return identity.current_claim(agent, SUPPORT_QUEUE_CLAIM)


def queued_threads(access: Access) -> QueuedThreadList:
    """Threads assigned to the agent or waiting in their queue: ids, dates, counts only."""
    agent = access.subject_uid
    queue = _agent_queue(access)
    found: dict[str, SupportThread] = {}
    if queue is not None:
        found.update(
            document_store.find_by_fields(
                SUPPORT_THREADS.collection(), SupportThread, {"queue": queue}
            )
        )
    found.update(
        document_store.find_by_fields(
            SUPPORT_THREADS.collection(), SupportThread, {"assignee_uid": agent}
        )
    )
    ordered = sorted(found.items(), key=lambda p: p[1].last_message_at, reverse=True)
    return QueuedThreadList(
        threads=[
            QueuedThread(
                id=thread_id,
                queue=thread.queue,
                assigned_to_me=thread.assignee_uid == agent,
                opened_at=thread.opened_at,
                last_message_at=thread.last_message_at,
                message_count=thread.message_count,
                awaiting_answer=_last_author(thread_id, thread) is Author.BENEFICIARY,
            )
            for thread_id, thread in ordered
        ]
    )


def _last_author(thread_id: str, thread: SupportThread) -> Author | None:
    found = document_store.find_by_fields(
        SUPPORT_MESSAGES.collection(),
        SupportMessage,
        {SUPPORT_MESSAGES.locator.name: thread.beneficiary_uid, "thread_id": thread_id},
    )
    last = max((message for _, message in found), key=lambda m: m.sent_at, default=None)
    return last.author if last else None


def _reach(access: Access, thread_id: str, action: str) -> tuple[SupportThread, Access]:
    """The thread, if in the agent's reach now, and the journaled access to its beneficiary."""
    queue = _agent_queue(access)
    thread = document_store.get(SUPPORT_THREADS.path(thread_id=thread_id), SupportThread)
    if thread is None:
        raise ApiError("not_found", NO_THREAD)
    if not agent_reaches(
        queue=thread.queue,
        assignee_uid=thread.assignee_uid,
        agent_uid=access.subject_uid,
        agent_queue=queue,
    ):
        raise ApiError("forbidden", OUT_OF_REACH)
    on_behalf = open_access(
        access.actor,
        thread.beneficiary_uid,
        Scope.SUPPORT_ANSWER,
        action=action,
        reason=Purpose.SUPPORT.value,
        language=access.language,
    )
    _check_basis(thread.beneficiary_uid, by_agent=True)
    return thread, on_behalf


def agent_read_thread(access: Access, thread_id: str) -> ThreadOut:
    """An agent reads a thread of their reach; the read lands in the beneficiary's journal."""
    thread, _ = _reach(access, thread_id, "readSupportThread")
    return _thread_out(thread_id, thread)


def agent_answer(access: Access, request: MessageRequest, thread_id: str) -> tuple[ThreadOut, int]:
    """An agent answers (journaled); an unassigned thread becomes theirs."""
    _, on_behalf = _reach(access, thread_id, "answerSupportThread")
    message = SupportMessage(
        beneficiary_uid=on_behalf.subject_uid,
        thread_id=thread_id,
        author=Author.SUPPORT,
        body=request.body,
        sent_at=_now(),
        agent_ref=pseudonym(access.subject_uid),
    )
    thread = _append(thread_id, message, assign_to=access.subject_uid)
    return _thread_out(thread_id, thread), 201


def attach_agent(access: Access, request: AgentRequest, uid: str) -> AgentOut:
    """Staff make ``uid`` a support agent of ``request.queue`` (or move them to it)."""
    require_staff_now(access)
    if identity.current_role(uid) not in (None, ActorKind.SUPPORT_AGENT.value):
        raise ApiError(
            "conflict",
            text(
                "Ce compte a déjà un autre usage : utilisez un compte de support distinct.",
                "This account already has another use: use a separate support account.",
            ),
        )
    try:
        identity.set_role(
            uid, ActorKind.SUPPORT_AGENT.value, {SUPPORT_QUEUE_CLAIM: request.queue.value}
        )
    except identity.UnknownIdentity:
        raise ApiError("not_found", text("Ce compte n'existe pas.", "No such account.")) from None
    return AgentOut(uid=uid, queue=request.queue)


# ---------------------------------------------------------------- demo requests (R4)

DEMO_RECEIVED = text(
    "Merci ! Notre équipe vous recontacte sous deux jours ouvrés.",
    "Thank you! Our team will contact you within two working days.",
)


def _count_request_from(client_address: str, now: datetime) -> None:
    """Count one request from this address in the current hour; refuse beyond the limit."""
    window = int(now.timestamp()) // DEMO_WINDOW_SECONDS
    path = DEMO_REQUEST_LIMITS.path(window_id=f"{pseudonym(client_address)}_{window}")

    def work(writes: Writes) -> int:
        current = writes.get(path, DemoRequestLimit)
        count = (current.count if current else 0) + 1
        writes.set(path, DemoRequestLimit(count=count, created_at=now))
        return count

    if document_store.run_in_transaction(work) > DEMO_REQUESTS_PER_WINDOW:
        raise ApiError(
            "too_many_requests",
            text(
                "Trop de demandes depuis votre connexion : réessayez dans une heure.",
                "Too many requests from your connection: retry in an hour.",
            ),
        )


def demo_request_id(email: str) -> str:
    """One record per address: asking again renews the last contact, it adds no copy."""
    return hashlib.sha256(email.encode()).hexdigest()[:32]


def request_demo(
    request: DemoRequestIn, *, client_address: str, language: Language
) -> tuple[DemoReceipt, int]:
    """Record a prospect's demo request (R4), within the per-address limit."""
    now = _now()
    _count_request_from(client_address, now)
    receipt = DemoReceipt(message=DEMO_RECEIVED.in_language(language))
    if request.website:
        return receipt, 202  # filled by a robot: answered the same, kept nowhere
    path = DEMO_REQUESTS.path(request_id=demo_request_id(request.email))
    fields = request.model_dump(exclude={"website"})

    def work(writes: Writes) -> None:
        existing = writes.get(path, DemoRequest)
        received = existing.received_at if existing else now
        writes.set(path, DemoRequest(**fields, received_at=received, last_contact_at=now))

    document_store.run_in_transaction(work)
    return receipt, 202


def list_demo_requests(access: Access) -> DemoRequestList:
    """Staff read the demo requests to answer them, most recent contact first."""
    require_staff_now(access)
    found = sorted(
        document_store.list_collection(DEMO_REQUESTS.collection(), DemoRequest),
        key=lambda p: p[1].last_contact_at,
        reverse=True,
    )
    return DemoRequestList(requests=[DemoRequestOut(id=i, **r.model_dump()) for i, r in found])
