"""Endpoints of the ``privacy`` function: export (R26, R27) and erasure (R21, R28, R30).

Both are the person's own: the long work runs in the ``export_worker`` and
``erasure_worker`` jobs, queued by these routes; the person reads progress
here. The erasure receipt holds no personal data and is reached by its
unguessable id, so it stays downloadable once the account is gone.
"""

from __future__ import annotations

from typing import Any

from shared.api.route import AUTH_OPTIONAL, Route
from shared.domain.access import Scope
from shared.domain.privacy_rights import CONFIRMATION_WORD
from shared.domain.purposes import Purpose
from shared.models import privacy
from shared.services import erasure, export


def _receipt(access: Any, receipt_id: str) -> privacy.ErasureReceipt:
    return erasure.erasure_receipt(receipt_id)


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
)
