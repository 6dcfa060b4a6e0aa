"""Endpoints of the ``vault`` function: the digital vault of supporting documents (R9).

Files go straight between the browser and the private bucket through signed
URLs; these endpoints hand out the slots and links and manage the records.
Only the owner reaches a vault: no route lists ``delegates`` until mandates
carry vault scopes, and the use cases refuse anyone acting for someone else
(R14, R16). Another person's document id is "not found", like an unknown one.
"""

from __future__ import annotations

from functools import partial

from shared.api.route import Route
from shared.domain.access import Scope
from shared.domain.purposes import Purpose
from shared.domain.vault.refusals import RefusalCode
from shared.models import vault as models
from shared.services import vault_requests

DOCUMENT = {"document_id": "the document's id, from the upload slot or the list"}
EXAMPLE = {"document_id": "d0cum3nt1d0cum3nt1"}
BASIS = (RefusalCode.CONSENT_REQUIRED.value, RefusalCode.PROCESSING_RESTRICTED.value)
NOT_FOUND = (RefusalCode.DOCUMENT_NOT_FOUND.value,)

# Every endpoint of the function serves the vault purpose.
vault_route = partial(Route, function="vault", purpose=Purpose.VAULT)

ROUTES: tuple[Route, ...] = (
    vault_route(
        method="POST",
        path="/uploads",
        operation_id="requestUploadSlot",
        summary="An upload slot: a short-lived signed PUT URL bound to type, length and a "
        "new object name.",
        handler=vault_requests.request_slot,
        request_model=models.UploadSlotRequest,
        response_model=models.SignedUpload,
        success_status=201,
        scope=Scope.VAULT_WRITE,
        errors=(
            *BASIS,
            RefusalCode.TYPE_NOT_ALLOWED.value,
            RefusalCode.FILE_TOO_LARGE.value,
            RefusalCode.QUOTA_EXCEEDED.value,
        ),
        requirements=("R9",),
    ),
    vault_route(
        method="POST",
        path="/documents/{document_id}/finalise",
        operation_id="finaliseUpload",
        summary="Check an uploaded file now (type, size, quota, PDF content, malware scan); "
        "the Storage event runs the same check, either may come first.",
        handler=vault_requests.finalise,
        response_model=models.DocumentView,
        scope=Scope.VAULT_WRITE,
        errors=(*BASIS, *NOT_FOUND, "unavailable"),
        requirements=("R9",),
        path_params=DOCUMENT,
        example_params=EXAMPLE,
    ),
    vault_route(
        method="POST",
        path="/documents/search",
        operation_id="listDocuments",
        summary="List the vault's documents, newest first, filtered by kind or aid, "
        "one page at a time (filters in the body).",
        handler=vault_requests.search,
        request_model=models.DocumentQuery,
        response_model=models.DocumentPage,
        scope=Scope.VAULT_READ,
        errors=(*BASIS, RefusalCode.INVALID_CURSOR.value),
        requirements=("R9",),
    ),
    vault_route(
        method="GET",
        path="/documents/{document_id}/download",
        operation_id="downloadDocument",
        summary="A 5-minute signed URL downloading the file as an attachment.",
        handler=vault_requests.download,
        response_model=models.DocumentDownload,
        scope=Scope.VAULT_READ,
        errors=(*BASIS, *NOT_FOUND, RefusalCode.DOCUMENT_NOT_READY.value),
        requirements=("R9",),
        path_params=DOCUMENT,
        example_params=EXAMPLE,
    ),
    vault_route(
        method="PATCH",
        path="/documents/{document_id}",
        operation_id="changeDocument",
        summary="Rename or re-tag a document (kind, aids, income year, issue date).",
        handler=vault_requests.change,
        request_model=models.DocumentChanges,
        response_model=models.DocumentView,
        scope=Scope.VAULT_WRITE,
        errors=(*BASIS, *NOT_FOUND),
        requirements=("R9",),
        path_params=DOCUMENT,
        example_params=EXAMPLE,
    ),
    vault_route(
        method="DELETE",
        path="/documents/{document_id}",
        operation_id="deleteDocument",
        summary="Delete a document: its file and its record together (a retry finishes).",
        handler=vault_requests.delete,
        response_model=models.DeletedDocument,
        scope=Scope.VAULT_WRITE,
        errors=NOT_FOUND,
        requirements=("R9", "R26"),
        path_params=DOCUMENT,
        example_params=EXAMPLE,
    ),
    vault_route(
        method="GET",
        path="/checklist",
        operation_id="documentChecklist",
        summary="Per aid of the latest simulation: the documents it needs, present, missing "
        "or outdated.",
        handler=vault_requests.checklist,
        response_model=models.ChecklistResponse,
        scope=Scope.VAULT_READ,
        errors=BASIS,
        requirements=("R9",),
    ),
    vault_route(
        method="POST",
        path="/consent-withdrawal",
        operation_id="withdrawVaultConsent",
        summary="Withdraw the vault consent after an explicit confirmation: the vault is "
        "emptied and the answer lists what was deleted.",
        handler=vault_requests.withdraw_consent,
        request_model=models.VaultConsentWithdrawal,
        response_model=models.VaultConsentWithdrawn,
        scope=Scope.VAULT_WRITE,
        errors=("not_registered", "policy_not_accepted"),
        requirements=("R9", "R26"),
    ),
)
