"""The vault's use cases as the ``vault`` function serves them (R9).

Each takes the access object the dispatcher opened, runs the use case of
:mod:`shared.services.vault` on the production wiring, and turns a vault
refusal into a problem with the refusal's stable code, in the person's
language. The checklist reads the aids from the person's latest stored
simulation; the consent withdrawal records the withdrawal and empties the vault
in one call, only when the person confirmed it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import ParamSpec, TypeVar

from shared.adapters.clamd import ScannerUnavailable
from shared.domain.access import Access
from shared.domain.aids.catalogue import load_catalogue
from shared.domain.purposes import Purpose
from shared.domain.vault.refusals import RefusalCode, VaultRefusal
from shared.errors import ApiError, text
from shared.models.account import ConsentChange
from shared.models.vault import (
    AidChecklistView,
    ChecklistItemView,
    ChecklistResponse,
    DeletedDocument,
    DocumentChanges,
    DocumentDownload,
    DocumentPage,
    DocumentQuery,
    DocumentView,
    SignedUpload,
    UploadSlotRequest,
    VaultConsentWithdrawal,
    VaultConsentWithdrawn,
)
from shared.services import accounts, vault
from shared.services.stored_simulations import latest_simulation
from shared.services.vault import Vault, view_of

P = ParamSpec("P")
R = TypeVar("R")

# The simulation says which aids the person may get: eligible ones, and those to check.
MAY_GET = frozenset({"eligible", "to_check"})


@lru_cache(maxsize=1)
def wired_vault() -> Vault:
    """The production vault, built once per instance (clients are reused)."""
    return vault.default_vault()


def refusal_problem(refusal: VaultRefusal) -> ApiError:
    """A vault refusal as the API's problem: same stable code, French and English text."""
    return ApiError(refusal.code.value, text(refusal.message("fr"), refusal.message("en")))


def as_problems(use_case: Callable[P, R]) -> Callable[P, R]:
    """Run ``use_case``; a vault refusal or a scanner outage becomes a problem."""

    @wraps(use_case)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return use_case(*args, **kwargs)
        except VaultRefusal as refusal:
            raise refusal_problem(refusal) from None
        except ScannerUnavailable:
            raise ApiError(
                "unavailable",
                text(
                    "La vérification antivirus est momentanément indisponible : réessayez.",
                    "The malware scan is unavailable for a moment: retry.",
                ),
            ) from None

    return run


@as_problems
def request_slot(access: Access, request: UploadSlotRequest) -> tuple[SignedUpload, int]:
    """An upload slot: a signed PUT URL bound to type, length and a new object."""
    return vault.request_upload_slot(wired_vault(), access, request), 201


@as_problems
def finalise(access: Access, document_id: str) -> DocumentView:
    """Check an uploaded file now (the Storage event does the same; idempotent)."""
    wiring = wired_vault()
    settled = vault.finalise_upload(
        wiring, access, wiring.owner_prefix(vault.owner_of(access)) + document_id
    )
    if settled is None:
        raise VaultRefusal(RefusalCode.DOCUMENT_NOT_FOUND)
    return view_of(settled, access.language)


@as_problems
def search(access: Access, query: DocumentQuery) -> DocumentPage:
    """The person's documents, filtered by kind or aid, one page at a time."""
    return vault.list_documents(
        wired_vault(),
        access,
        kind=query.kind,
        aid_id=query.aid_id,
        cursor=query.cursor,
        limit=query.limit,
        language=access.language,
    )


@as_problems
def download(access: Access, document_id: str) -> DocumentDownload:
    """A 5-minute signed URL that saves the file under its sanitised name."""
    return vault.download_link(wired_vault(), access, document_id)


@as_problems
def change(access: Access, changes: DocumentChanges, document_id: str) -> DocumentView:
    """Rename or re-tag a document."""
    if not changes.model_fields_set:
        raise ApiError(
            "validation_failed",
            text("Envoyez au moins un champ à modifier.", "Send at least one field to change."),
        )
    return view_of(
        vault.change_document(wired_vault(), access, document_id, changes), access.language
    )


@as_problems
def delete(access: Access, document_id: str) -> DeletedDocument:
    """Delete a document: file and record together."""
    return vault.delete_document(wired_vault(), access, document_id)


@as_problems
def checklist(access: Access) -> ChecklistResponse:
    """Per aid of the latest simulation: needed documents present, missing or outdated."""
    latest = latest_simulation(vault.owner_of(access))
    aid_ids = (
        [r["aid_id"] for r in latest[1].results if r.get("status") in MAY_GET] if latest else []
    )
    lists = vault.checklists(wired_vault(), access, aid_ids)
    catalogue = load_catalogue()
    language = access.language
    return ChecklistResponse(
        simulation_id=latest[0] if latest else None,
        simulated_at=latest[1].created_at if latest else None,
        aids=[
            AidChecklistView(
                aid_id=one.aid_id,
                aid_label=catalogue.get(one.aid_id).label.in_language(language),
                complete=one.complete,
                items=[
                    ChecklistItemView(
                        document=item.document,
                        document_label=catalogue.documents[item.document].label.in_language(
                            language
                        ),
                        status=item.status.value,
                        document_ids=list(item.document_ids),
                    )
                    for item in one.items
                ],
            )
            for one in lists
        ],
    )


@as_problems
def withdraw_consent(access: Access, request: VaultConsentWithdrawal) -> VaultConsentWithdrawn:
    """Withdraw the vault consent and empty the vault (R9); says what was deleted.

    The withdrawal is recorded first, so no upload is accepted while the vault
    is being emptied; a retry after a crash empties what is left.
    """
    profile = accounts.load_profile(access)
    consent = profile.consents.get(Purpose.VAULT.value)
    if consent is not None and consent.granted:
        accounts.record_consent(
            access,
            ConsentChange(granted=False, policy_version=request.policy_version),
            Purpose.VAULT.value,
        )
    emptied = vault.empty_vault(wired_vault(), access)
    return VaultConsentWithdrawn(
        consent_granted=False,
        deleted=emptied.deleted,
        orphan_objects_deleted=emptied.orphan_objects_deleted,
    )
