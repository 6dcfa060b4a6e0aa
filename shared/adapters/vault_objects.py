"""The vault's files in the private vault bucket: signed URLs, read, write, delete.

Uploads and downloads go straight between the person's browser and Cloud
Storage through short-lived V4 signed URLs, so files never transit through a
function. The upload URL binds the content type, the exact length
(``x-goog-content-length-range``) and "the object must not exist yet"
(``x-goog-if-generation-match: 0``): a slot cannot be reused to overwrite a
checked file. The download URL makes the browser save the file
(``response-content-disposition: attachment``) instead of rendering it.

Signing: in production the function's service account signs through IAM
(signBlob); against the emulator a key made in this process signs, since
gcp-storage-emulator checks neither signatures nor preconditions (shared/DESIGN.md):
the bindings above are enforced by Cloud Storage only, and the finalise step
re-checks the real size and type whatever the client sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from shared.adapters.clients import storage_client
from shared.config import settings
from shared.domain.data_registry import VAULT_OBJECTS

UPLOAD_URL_LIFETIME = timedelta(minutes=15)
DOWNLOAD_URL_LIFETIME = timedelta(minutes=5)


def owner_prefix(owner_uid: str) -> str:
    """Where ``owner_uid``'s vault files live in the bucket (the registry's prefix)."""
    return VAULT_OBJECTS.path(uid=owner_uid)


def owner_of_object(object_name: str) -> str | None:
    """The owner whose vault prefix holds ``object_name`` (what a Storage event names).

    ``None`` when the name is not ``<prefix of some uid><document id>`` with a single
    path segment as document id.
    """
    uid = VAULT_OBJECTS.subject_of(object_name)
    if uid is None or "/" in object_name[len(owner_prefix(uid)) :]:
        return None
    return uid


@dataclass(frozen=True)
class SignedRequest:
    url: str
    headers: dict[str, str]
    expires_at: datetime


@dataclass(frozen=True)
class StoredObject:
    data: bytes
    generation: int
    content_type: str | None


@lru_cache(maxsize=1)
def _local_signing_credentials() -> Any:
    """A throw-away key for signing against the emulator (which checks no signature)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from google.oauth2 import service_account

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return service_account.Credentials.from_service_account_info(
        {
            "type": "service_account",
            "project_id": settings().project,
            "private_key_id": "local",
            "private_key": pem,
            "client_email": f"vault-signer@{settings().project}.iam.gserviceaccount.com",
            "token_uri": "https://oauth2.googleapis.com/token",
        }
    )


def _signing_arguments() -> dict[str, Any]:
    if settings().emulated:
        return {
            "credentials": _local_signing_credentials(),
            "api_access_endpoint": settings().storage_emulator_host,
        }
    # On Cloud Functions the runtime's credentials hold no key: sign through IAM.
    import google.auth
    from google.auth.transport.requests import Request

    credentials: Any
    credentials, _ = google.auth.default()
    credentials.refresh(Request())
    return {
        "service_account_email": credentials.service_account_email,
        "access_token": credentials.token,
    }


def attachment_disposition(display_name: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact UTF-8 one (RFC 6266)."""
    fallback = display_name.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(display_name, safe='')}"


class VaultObjects:
    """The private vault bucket."""

    def __init__(self, bucket_name: str | None = None) -> None:
        self.bucket_name = bucket_name or settings().vault_bucket

    @property
    def _bucket(self) -> Any:
        return storage_client().bucket(self.bucket_name)

    def signed_upload(self, object_name: str, content_type: str, size: int) -> SignedRequest:
        """A PUT URL accepting exactly one new object of this type and size."""
        headers = {
            "Content-Type": content_type,
            "x-goog-content-length-range": f"{size},{size}",
            "x-goog-if-generation-match": "0",
        }
        url = self._bucket.blob(object_name).generate_signed_url(
            version="v4",
            method="PUT",
            expiration=UPLOAD_URL_LIFETIME,
            content_type=content_type,
            headers={k: v for k, v in headers.items() if k != "Content-Type"},
            **_signing_arguments(),
        )
        return SignedRequest(str(url), headers, datetime.now(UTC) + UPLOAD_URL_LIFETIME)

    def signed_download(
        self, object_name: str, display_name: str, content_type: str
    ) -> SignedRequest:
        """A short-lived GET URL that makes the browser save the file under its name."""
        url = self._bucket.blob(object_name).generate_signed_url(
            version="v4",
            method="GET",
            expiration=DOWNLOAD_URL_LIFETIME,
            response_disposition=attachment_disposition(display_name),
            response_type=content_type,
            **_signing_arguments(),
        )
        return SignedRequest(str(url), {}, datetime.now(UTC) + DOWNLOAD_URL_LIFETIME)

    def read(self, object_name: str) -> StoredObject | None:
        """The object's bytes and generation, or ``None`` when it does not exist."""
        from google.api_core.exceptions import NotFound

        blob = self._bucket.get_blob(object_name)
        if blob is None:
            return None
        try:
            data = blob.download_as_bytes(if_generation_match=blob.generation)
        except NotFound:
            return None
        return StoredObject(bytes(data), int(blob.generation or 0), blob.content_type)

    def write(self, object_name: str, data: bytes, content_type: str) -> int:
        """Create the object (never overwrite); returns its generation."""
        blob = self._bucket.blob(object_name)
        blob.upload_from_string(data, content_type=content_type, if_generation_match=0)
        return int(blob.generation or 0)

    def delete(self, object_name: str) -> None:
        """Delete the object; an object already gone is not an error (retries)."""
        from google.api_core.exceptions import NotFound

        try:
            self._bucket.blob(object_name).delete()
        except NotFound:
            return

    def names_under(self, prefix: str) -> list[str]:
        """Every object name under ``prefix``."""
        return [blob.name for blob in storage_client().list_blobs(self.bucket_name, prefix=prefix)]
