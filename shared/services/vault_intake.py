"""What happens when a file lands in the vault bucket (a Storage "object finalized" event).

The vault rests on consent (R9): a file whose owner has no account, or has
not consented (or withdrew consent), is deleted at once instead of kept.
A file whose owner consented is marked accepted on its metadata, which the
vault reads before listing it. The owner is the first segment of the object
name, as the data registry declares for the vault (``{uid}/…``).
"""

from __future__ import annotations

from pydantic import ConfigDict

from shared.adapters import object_store
from shared.domain.access import Access
from shared.domain.data_registry import VAULT_OBJECTS
from shared.domain.purposes import Purpose, check_legal_basis
from shared.domain.strict import StrictModel
from shared.errors import ApiError, PermanentFailure
from shared.services.accounts import load_profile

FINALIZED = "google.cloud.storage.object.v1.finalized"
INTAKE_KEY = "sesame-intake"


class StorageObjectEvent(StrictModel):
    """The data of a Storage object event: the fields we read.

    Google adds fields to this payload over time, so unknown ones are ignored
    here (it comes from Google, not from a user).
    """

    model_config = ConfigDict(extra="ignore")

    bucket: str
    name: str


def owner_of_vault_object(event: StorageObjectEvent) -> str:
    """The subject of the intake job: the uid segment the registry's vault locator names."""
    if event.bucket != object_store.bucket_name(VAULT_OBJECTS.bucket):
        raise PermanentFailure("not_the_vault_bucket")
    owner = VAULT_OBJECTS.subject_of(event.name)
    if owner is None:
        raise PermanentFailure("not_a_vault_object")
    return owner


def take_in(access: Access, event: StorageObjectEvent) -> str:
    """Keep the file if its owner consented to the vault (R9), else delete it."""
    try:
        profile = load_profile(access)
    except ApiError:
        object_store.delete(event.bucket, event.name)
        return "deleted_no_account"
    decision = check_legal_basis(
        Purpose.VAULT,
        consents={k: v.granted for k, v in profile.consents.items()},
        objections=set(profile.objections),
        restricted=profile.restricted,
    )
    if not decision.allowed:
        object_store.delete(event.bucket, event.name)
        return f"deleted_{decision.code}"
    if object_store.metadata(event.bucket, event.name) is None:
        return "already_gone"
    object_store.set_metadata(event.bucket, event.name, {INTAKE_KEY: "accepted"})
    return "accepted"
