"""Endpoints of the ``support`` function: support messaging (R8) and demo requests (R4).

A beneficiary opens, lists, reads and continues their own threads. A
support agent lists the threads assigned to them or in their queue, then
reads and answers one — each such access checked against the thread and
the agent's queue now, and journaled for the beneficiary (R14). Staff attach
agents to queues and read prospects' demo requests; anyone may ask for a
demo, within per-address limits.
"""

from __future__ import annotations

from flask import request as http_request

from shared.api.route import AUTH_OPTIONAL, Handler, Route
from shared.domain.access import Access, ActorKind, Scope
from shared.domain.purposes import Purpose
from shared.errors import language_of
from shared.models import support as models
from shared.services import support

BENEFICIARY = frozenset({ActorKind.BENEFICIARY})
AGENT = frozenset({ActorKind.SUPPORT_AGENT})
STAFF = frozenset({ActorKind.STAFF})
THREAD_ID = {"thread_id": "the thread's id"}
# Refusals of support processing for this beneficiary now (R26), and of writing more.
LEGAL_BASIS_ERRORS = ("not_registered", "processing_restricted", "purpose_objected")
WRITE_ERRORS = (*LEGAL_BASIS_ERRORS, "support_limit_reached")
# An agent acts on someone else's thread: the caller's own profile is never asked for.
AGENT_ERRORS = ("not_found", "processing_restricted", "purpose_objected")
AGENT_WRITE_ERRORS = (*AGENT_ERRORS, "support_limit_reached")
EXAMPLE_THREAD = {"thread_id": "t1"}
EXAMPLE_MESSAGE = {"body": "Merci, c'est bien reçu."}
EXAMPLE_DEMO = {
    "company": "Mutuelle Exemple",
    "employees": 250,
    "given_name": "Claire",
    "family_name": "Martin",
    "job_title": "Responsable RH",
    "email": "claire.martin@mutuelle.example",
    "phone": "01 23 45 67 89",
    "message": "Nous aimerions proposer Sésame à nos salariés.",
}


def client_address() -> str:
    """The caller's address as the load balancer saw it.

    Google's load balancer appends ``<client address>, <its own address>`` to
    ``X-Forwarded-For``: the next-to-last entry is the one a caller cannot forge.
    Locally, with no balancer, the socket's peer.
    """
    forwarded = [
        part.strip() for part in http_request.headers.get("X-Forwarded-For", "").split(",")
    ]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) >= 2:
        return forwarded[-2]
    return http_request.remote_addr or "unknown"


def _request_demo(
    access: Access | None, body: models.DemoRequestIn
) -> tuple[models.DemoReceipt, int]:
    language = (
        access.language if access else language_of(http_request.headers.get("Accept-Language"))
    )
    return support.request_demo(body, client_address=client_address(), language=language)


def _new_message(
    path: str,
    operation_id: str,
    summary: str,
    handler: Handler,
    scope: Scope,
    roles: frozenset[ActorKind],
    requirements: tuple[str, ...],
    errors: tuple[str, ...] = WRITE_ERRORS,
) -> Route:
    """A new message in a thread: the beneficiary's or an agent's, the same contract."""
    return Route(
        function="support",
        method="POST",
        path=path,
        operation_id=operation_id,
        summary=summary,
        handler=handler,
        request_model=models.MessageRequest,
        example_body=EXAMPLE_MESSAGE,
        response_model=models.ThreadOut,
        scope=scope,
        purpose=Purpose.SUPPORT,
        success_status=201,
        roles=roles,
        errors=errors,
        requirements=requirements,
        path_params=THREAD_ID,
        example_params=EXAMPLE_THREAD,
    )


ROUTES: tuple[Route, ...] = (
    Route(
        function="support",
        method="POST",
        path="/threads",
        operation_id="openSupportThread",
        summary="Beneficiary: open a conversation with support in a topic queue.",
        handler=support.open_thread,
        request_model=models.ThreadRequest,
        example_body={
            "queue": "documents",
            "subject": "Avis d'imposition refusé",
            "message": "Bonjour, mon avis d'imposition n'est pas accepté dans le coffre-fort.",
        },
        response_model=models.ThreadOut,
        scope=Scope.SUPPORT,
        purpose=Purpose.SUPPORT,
        success_status=201,
        roles=BENEFICIARY,
        errors=WRITE_ERRORS,
        requirements=("R8", "R26"),
    ),
    Route(
        function="support",
        method="GET",
        path="/threads",
        operation_id="listSupportThreads",
        summary="Beneficiary: their conversations with support, latest activity first.",
        handler=support.list_threads,
        response_model=models.ThreadList,
        scope=Scope.SUPPORT,
        purpose=Purpose.SUPPORT,
        roles=BENEFICIARY,
        requirements=("R8",),
    ),
    Route(
        function="support",
        method="GET",
        path="/threads/{thread_id}",
        operation_id="readOwnSupportThread",
        summary="Beneficiary: one of their conversations, with every message.",
        handler=support.read_thread,
        response_model=models.ThreadOut,
        scope=Scope.SUPPORT,
        purpose=Purpose.SUPPORT,
        roles=BENEFICIARY,
        requirements=("R8",),
        path_params=THREAD_ID,
        example_params=EXAMPLE_THREAD,
    ),
    _new_message(
        "/threads/{thread_id}/messages",
        "writeSupportMessage",
        "Beneficiary: add a message to one of their conversations.",
        support.write_message,
        Scope.SUPPORT,
        BENEFICIARY,
        ("R8", "R26"),
    ),
    Route(
        function="support",
        method="GET",
        path="/queue",
        operation_id="listSupportQueue",
        summary="Support agent: threads assigned to them or in their queue (no content).",
        handler=support.queued_threads,
        response_model=models.QueuedThreadList,
        scope=Scope.SUPPORT_ANSWER,
        purpose=Purpose.SUPPORT,
        roles=AGENT,
        requirements=("R8", "R18"),
    ),
    Route(
        function="support",
        method="GET",
        path="/queue/{thread_id}",
        operation_id="readSupportThread",
        summary="Support agent: read a thread of their reach (journaled for the beneficiary).",
        handler=support.agent_read_thread,
        response_model=models.ThreadOut,
        scope=Scope.SUPPORT_ANSWER,
        purpose=Purpose.SUPPORT,
        roles=AGENT,
        errors=AGENT_ERRORS,
        requirements=("R8", "R14", "R26"),
        path_params=THREAD_ID,
        example_params=EXAMPLE_THREAD,
    ),
    _new_message(
        "/queue/{thread_id}/messages",
        "answerSupportThread",
        "Support agent: answer a thread of their reach (journaled; takes it if free).",
        support.agent_answer,
        Scope.SUPPORT_ANSWER,
        AGENT,
        ("R8", "R14", "R26"),
        AGENT_WRITE_ERRORS,
    ),
    Route(
        function="support",
        method="PUT",
        path="/agents/{uid}",
        operation_id="attachSupportAgent",
        summary="Staff: make an account a support agent of a queue, or move it to another.",
        handler=support.attach_agent,
        request_model=models.AgentRequest,
        example_body={"queue": "aids"},
        response_model=models.AgentOut,
        scope=Scope.SUPPORT_STAFFING,
        purpose=Purpose.SUPPORT,
        roles=STAFF,
        errors=("conflict",),
        requirements=("R8", "R18"),
        path_params={"uid": "the agent's account"},
        example_params={"uid": "u1"},
    ),
    Route(
        function="support",
        method="POST",
        path="/demo-requests",
        operation_id="requestDemo",
        summary="Anyone: ask for a demo of Sésame for an organisation (limited per address).",
        handler=_request_demo,
        request_model=models.DemoRequestIn,
        example_body=EXAMPLE_DEMO,
        response_model=models.DemoReceipt,
        scope=Scope.DEMO_REQUEST,
        purpose=Purpose.CLIENT_ADMINISTRATION,
        success_status=202,
        auth=AUTH_OPTIONAL,
        errors=("too_many_requests",),
        requirements=("R4",),
    ),
    Route(
        function="support",
        method="GET",
        path="/demo-requests",
        operation_id="listDemoRequests",
        summary="Staff: prospects' demo requests, latest contact first.",
        handler=support.list_demo_requests,
        response_model=models.DemoRequestList,
        scope=Scope.DEMO_REQUESTS_READ,
        purpose=Purpose.CLIENT_ADMINISTRATION,
        roles=STAFF,
        requirements=("R4",),
    ),
)
