"""Endpoints of the ``privacy`` function: export (R26, R27), erasure (R21, R28, R30),
post-mortem directives (R29) and requests received by post or e-mail (R30).

Export and erasure are the person's own: the long work runs in the
``export_worker`` and ``erasure_worker`` jobs, queued by these routes; the
person reads progress here. The erasure receipt holds no personal data and is
reached by its unguessable id, so it stays downloadable once the account is
gone; a third party's export link is likewise an unguessable token, valid while
the export lives. Directives are recorded by the person and carried out by a
privacy officer (the access to the deceased's data checked and journaled); requests by post or
e-mail are registered and followed by privacy officers only.
"""

from __future__ import annotations

from typing import Any

from shared.api.route import AUTH_OPTIONAL, Route
from shared.domain.access import ActorKind, Scope
from shared.domain.privacy_rights import CONFIRMATION_WORD
from shared.domain.purposes import Purpose
from shared.models import privacy
from shared.services import directives, erasure, export, received_requests

OFFICERS = frozenset({ActorKind.PRIVACY_OFFICER})
REQUEST_ID = {"request_id": "the request's id, as returned when it was registered"}
EXAMPLE_REQUEST = {"request_id": "AbCdEf0123456789wxyz"}


def _receipt(access: Any, receipt_id: str) -> privacy.ErasureReceipt:
    return erasure.erasure_receipt(receipt_id)


def _download(access: Any, token: str) -> privacy.ExportDownload:
    return export.download_by_link(access, token)


ROUTES: tuple[Route, ...] = (
    Route(
        function="privacy",
        method="POST",
        path="/exports",
        operation_id="requestExport",
        summary="Ask for a ZIP of all your data; optionally name a third party to send it to.",
        handler=export.request_export,
        request_model=privacy.ExportRequest,
        example_body={"recipient": "conseillere@cias-exemple.fr"},
        response_model=privacy.ExportStatus,
        success_status=202,
        scope=Scope.PRIVACY_EXPORT,
        purpose=Purpose.ACCOUNT,
        requirements=("R26", "R27"),
    ),
    Route(
        function="privacy",
        method="GET",
        path="/exports/{export_id}",
        operation_id="getExport",
        summary="Progress of an export; when ready, a short-lived signed download link.",
        handler=export.export_status,
        response_model=privacy.ExportStatus,
        scope=Scope.PRIVACY_EXPORT,
        purpose=Purpose.ACCOUNT,
        errors=("not_found",),
        requirements=("R27",),
        path_params={"export_id": "the export's id, as returned when it was asked for"},
        example_params={"export_id": "0123456789abcdef01234567"},
    ),
    Route(
        function="privacy",
        method="POST",
        path="/exports/{export_id}/recipient",
        operation_id="confirmExportRecipient",
        summary="Confirm sending the export to the third party named in the request.",
        handler=export.confirm_recipient,
        response_model=privacy.ExportStatus,
        scope=Scope.PRIVACY_EXPORT,
        purpose=Purpose.ACCOUNT,
        errors=("not_found",),
        requirements=("R27",),
        path_params={"export_id": "the export's id"},
        example_params={"export_id": "0123456789abcdef01234567"},
    ),
    Route(
        function="privacy",
        method="GET",
        path="/erasure/notice",
        operation_id="getErasureNotice",
        summary="What erasure stops and what the law keeps, to read before confirming (R30).",
        handler=erasure.erasure_notice,
        response_model=privacy.ErasureNotice,
        scope=Scope.PRIVACY_ERASE,
        purpose=Purpose.ACCOUNT,
        requirements=("R28", "R30"),
    ),
    Route(
        function="privacy",
        method="POST",
        path="/erasure",
        operation_id="requestErasure",
        summary="Confirm erasure of your account and all your data (the notice's word).",
        handler=erasure.request_erasure,
        request_model=privacy.ErasureConfirmation,
        example_body={"confirm": CONFIRMATION_WORD.fr},
        response_model=privacy.ErasureReceipt,
        success_status=202,
        scope=Scope.PRIVACY_ERASE,
        purpose=Purpose.ACCOUNT,
        errors=("erasure_not_confirmed",),
        requirements=("R21", "R22", "R28", "R30"),
    ),
    Route(
        function="privacy",
        method="GET",
        path="/erasure",
        operation_id="getErasure",
        summary="Progress of your erasure, store by store.",
        handler=erasure.erasure_status,
        response_model=privacy.ErasureReceipt,
        scope=Scope.PRIVACY_ERASE,
        purpose=Purpose.ACCOUNT,
        errors=("not_found",),
        requirements=("R28",),
    ),
    Route(
        function="privacy",
        method="GET",
        path="/erasure/receipts/{receipt_id}",
        operation_id="getErasureReceipt",
        summary="The erasure receipt: no personal data, readable without an account.",
        handler=_receipt,
        response_model=privacy.ErasureReceipt,
        auth=AUTH_OPTIONAL,
        scope=Scope.PRIVACY_ERASE,
        purpose=Purpose.ACCOUNT,
        errors=("not_found",),
        requirements=("R21", "R28"),
        path_params={"receipt_id": "the receipt's id, given when erasure was confirmed"},
        example_params={"receipt_id": "0123456789abcdef0123456789abcdef"},
    ),
    Route(
        function="privacy",
        method="GET",
        path="/export-links/{token}",
        operation_id="downloadExportByLink",
        summary="The link mailed to a third party: a fresh short-lived download URL while "
        "the export lives (7 days).",
        handler=_download,
        response_model=privacy.ExportDownload,
        auth=AUTH_OPTIONAL,
        scope=Scope.PRIVACY_EXPORT,
        purpose=Purpose.ACCOUNT,
        errors=("not_found", "link_expired"),
        requirements=("R27", "R29"),
        path_params={"token": "the token of the mailed link"},
        example_params={"token": "Zm9vYmFyYmF6cXV4MDEyMzQ1Njc4OWFiY2RlZmdoaWpr"},
    ),
    # ---------------------------------------------------------- post-mortem directives (R29)
    Route(
        function="privacy",
        method="PUT",
        path="/directive",
        operation_id="recordPostMortemDirective",
        summary="Record what happens to your data after your death: keep, erase or "
        "communicate, and the trusted contact who receives it.",
        handler=directives.record_directive,
        request_model=privacy.DirectiveRequest,
        response_model=privacy.DirectiveOut,
        scope=Scope.PRIVACY_ERASE,
        purpose=Purpose.ACCOUNT,
        requirements=("R29",),
        example_body={
            "choice": "communicate",
            "trusted_contact_name": "Claire Martin",
            "trusted_contact_email": "claire.martin@example.org",
        },
    ),
    Route(
        function="privacy",
        method="GET",
        path="/directive",
        operation_id="getPostMortemDirective",
        summary="Your recorded post-mortem directive.",
        handler=directives.get_directive,
        response_model=privacy.DirectiveOut,
        scope=Scope.PRIVACY_ERASE,
        purpose=Purpose.ACCOUNT,
        errors=("not_found",),
        requirements=("R29",),
    ),
    Route(
        function="privacy",
        method="POST",
        path="/directive/execution",
        operation_id="executePostMortemDirective",
        summary="Privacy officer: carry out a deceased person's directive on a verified "
        "death notice (the access is journaled).",
        handler=directives.execute_directive,
        request_model=privacy.DeathNotice,
        response_model=privacy.DirectiveExecutionOut,
        success_status=201,
        other_successes={200: "carried out already: the same record"},
        scope=Scope.PRIVACY_ERASE,
        purpose=Purpose.ACCOUNT,
        roles=OFFICERS,
        errors=("not_found",),
        requirements=("R14", "R29"),
        example_body={
            "subject_uid": "u1",
            "evidence": "death_certificate",
            "verified_on": "2026-11-02",
        },
    ),
    # ---------------------------------------------------------- requests by post or e-mail (R30)
    Route(
        function="privacy",
        method="POST",
        path="/requests",
        operation_id="registerRightsRequest",
        summary="Privacy officer: register a request received by post or e-mail (due one "
        "month after receipt).",
        handler=received_requests.register_request,
        request_model=privacy.RightsRequestIn,
        response_model=privacy.RightsRequestOut,
        success_status=201,
        scope=Scope.PRIVACY_REQUESTS,
        purpose=Purpose.ACCOUNT,
        roles=OFFICERS,
        requirements=("R30",),
        example_body={
            "kind": "access",
            "channel": "email",
            "received_on": "2026-11-02",
            "identity": "pending",
            "reply_email": "camille.durand@example.org",
        },
    ),
    Route(
        function="privacy",
        method="GET",
        path="/requests/overdue",
        operation_id="listOverdueRightsRequests",
        summary="Privacy officer: unanswered requests past their due date.",
        handler=received_requests.overdue_requests,
        response_model=privacy.RightsRequestList,
        scope=Scope.PRIVACY_REQUESTS,
        purpose=Purpose.ACCOUNT,
        roles=OFFICERS,
        requirements=("R30",),
    ),
    Route(
        function="privacy",
        method="POST",
        path="/requests/{request_id}/identity",
        operation_id="recordRequestIdentityCheck",
        summary="Privacy officer: record the outcome of the requester's identity check.",
        handler=received_requests.update_identity,
        request_model=privacy.IdentityUpdate,
        response_model=privacy.RightsRequestOut,
        scope=Scope.PRIVACY_REQUESTS,
        purpose=Purpose.ACCOUNT,
        roles=OFFICERS,
        errors=("not_found",),
        requirements=("R30",),
        path_params=REQUEST_ID,
        example_params=EXAMPLE_REQUEST,
        example_body={"identity": "verified"},
    ),
    Route(
        function="privacy",
        method="POST",
        path="/requests/{request_id}/extension",
        operation_id="extendRightsRequest",
        summary="Privacy officer: extend the deadline by two months, with a reason and a "
        "notice sent before the first due date.",
        handler=received_requests.extend_request,
        request_model=privacy.ExtensionRequest,
        response_model=privacy.RightsRequestOut,
        scope=Scope.PRIVACY_REQUESTS,
        purpose=Purpose.ACCOUNT,
        roles=OFFICERS,
        errors=("not_found", "conflict", "extension_reason_required", "extension_notice_too_late"),
        requirements=("R30",),
        path_params=REQUEST_ID,
        example_params=EXAMPLE_REQUEST,
        example_body={"reason": "Demande portant sur dix ans d'historique."},
    ),
    Route(
        function="privacy",
        method="POST",
        path="/requests/{request_id}/answer",
        operation_id="answerRightsRequest",
        summary="Privacy officer: record the day the answer was sent.",
        handler=received_requests.answer_request,
        request_model=privacy.AnswerRecord,
        response_model=privacy.RightsRequestOut,
        scope=Scope.PRIVACY_REQUESTS,
        purpose=Purpose.ACCOUNT,
        roles=OFFICERS,
        errors=("not_found", "conflict"),
        requirements=("R30",),
        path_params=REQUEST_ID,
        example_params=EXAMPLE_REQUEST,
        example_body={"answered_on": "2026-11-20"},
    ),
)
