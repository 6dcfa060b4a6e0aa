"""A file landed in the vault bucket (a Storage "object finalized" event): finalise it.

The event runs the same finalise as the explicit call
(:func:`shared.services.vault.finalise_upload`): consent (R9), real type,
size, quota, PDF active content, clamd scan; idempotent. A file whose owner
has not consented is deleted with its record; a file no upload slot announced
is deleted. The owner is read from the object name by the registry's vault
locator (:func:`shared.adapters.vault_objects.owner_of_object`).
"""

from __future__ import annotations

from pydantic import ConfigDict

from shared.adapters.clamd import ScannerUnavailable
from shared.adapters.vault_objects import owner_of_object
from shared.config import settings
from shared.domain.access import Access
from shared.domain.strict import StrictModel
from shared.domain.vault.refusals import VaultRefusal
from shared.errors import PermanentFailure, TransientFailure

FINALIZED = "google.cloud.storage.object.v1.finalized"


class StorageObjectEvent(StrictModel):
    """The data of a Storage object event: the fields we read.

    Google adds fields to this payload over time, so unknown ones are ignored
    here (it comes from Google, not from a user).
    """

    model_config = ConfigDict(extra="ignore")

    bucket: str
    name: str
    generation: int | None = None


def owner_of_vault_event(event: StorageObjectEvent) -> str:
    """The subject of the intake job: the owner whose vault prefix holds the object."""
    if event.bucket != settings().vault_bucket:
        raise PermanentFailure("not_the_vault_bucket")
    owner = owner_of_object(event.name)
    if owner is None:
        raise PermanentFailure("not_a_vault_object")
    return owner


def take_in(access: Access, event: StorageObjectEvent) -> str:
    """Finalise the uploaded file; the outcome names the status or the refusal, never a person."""
    from shared.services.vault import default_vault, finalise_upload

    try:
        settled = finalise_upload(default_vault(), access, event.name, event.generation)
    except ScannerUnavailable:
        raise TransientFailure("scanner_unavailable") from None
    except VaultRefusal as refusal:
        return f"deleted_{refusal.code.value}"
    if settled is None:
        return "deleted_unknown_object"
    return settled.refusal.value if settled.refusal else settled.status.value
