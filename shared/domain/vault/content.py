"""What the vault accepts: file types, sizes and the per-person quota (R9).

Pure rules over facts the adapters establish (the type sniffed from the bytes,
the real size, what a PDF contains, the scanner's verdict): each returns the
refusal code that applies, or ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.vault.refusals import RefusalCode

MIB = 1024 * 1024
MAX_FILE_BYTES = 10 * MIB
"""10 Mo per file: a scanned multi-page document at 200 dpi fits well below."""
MAX_VAULT_BYTES = 200 * MIB
"""200 Mo per person, every available document counted."""

# Declared type -> the type the content must sniff as. HEIF photos (iPhone) are
# declared either way; the sniffer names the family image/heic.
ALLOWED_CONTENT_TYPES: dict[str, str] = {
    "application/pdf": "application/pdf",
    "image/jpeg": "image/jpeg",
    "image/png": "image/png",
    "image/heic": "image/heic",
    "image/heif": "image/heic",
}

PDF = "application/pdf"


def declared_refusal(content_type: str, size: int) -> RefusalCode | None:
    """Refuse an upload slot whose declared type or size is already out of bounds."""
    if content_type not in ALLOWED_CONTENT_TYPES:
        return RefusalCode.TYPE_NOT_ALLOWED
    if size <= 0:
        return RefusalCode.FILE_EMPTY
    if size > MAX_FILE_BYTES:
        return RefusalCode.FILE_TOO_LARGE
    return None


def remaining_quota(used_bytes: int, quota: int = MAX_VAULT_BYTES) -> int:
    """Bytes a person may still add (never negative)."""
    return max(0, quota - used_bytes)


def quota_refusal(
    used_bytes: int, incoming_bytes: int, quota: int = MAX_VAULT_BYTES
) -> RefusalCode | None:
    """Refuse ``incoming_bytes`` more when they do not fit in what is left of the quota."""
    if incoming_bytes > remaining_quota(used_bytes, quota):
        return RefusalCode.QUOTA_EXCEEDED
    return None


@dataclass(frozen=True)
class PdfFindings:
    """What inspecting a PDF's objects found (see :mod:`shared.adapters.file_content`)."""

    readable: bool
    active_content: tuple[str, ...] = ()
    """Names of what would run code: /JS, /JavaScript, /OpenAction, /AA, /Launch…"""
    embedded_files: tuple[str, ...] = ()
    """Names of what carries files: /EmbeddedFiles, /FileAttachment."""


@dataclass(frozen=True)
class ContentFacts:
    """What the real bytes of an upload turned out to be."""

    size: int
    sniffed_type: str | None
    pdf: PdfFindings | None = None


def content_refusal(
    declared_type: str, declared_size: int, facts: ContentFacts
) -> RefusalCode | None:
    """The first reason to refuse these bytes, in the order a person can act on.

    Order: empty, too large, size differs from the slot (the signed URL binds the
    length in production; the emulator does not check it), type not allowed, type
    differs from the declared one, then what the PDF contains.
    """
    if facts.size == 0:
        return RefusalCode.FILE_EMPTY
    if facts.size > MAX_FILE_BYTES:
        return RefusalCode.FILE_TOO_LARGE
    if facts.size != declared_size:
        return RefusalCode.SIZE_MISMATCH
    if facts.sniffed_type not in set(ALLOWED_CONTENT_TYPES.values()):
        return RefusalCode.TYPE_NOT_ALLOWED
    if ALLOWED_CONTENT_TYPES.get(declared_type) != facts.sniffed_type:
        return RefusalCode.TYPE_MISMATCH
    if facts.sniffed_type == PDF:
        if facts.pdf is None or not facts.pdf.readable:
            return RefusalCode.PDF_UNREADABLE
        if facts.pdf.active_content:
            return RefusalCode.PDF_ACTIVE_CONTENT
        if facts.pdf.embedded_files:
            return RefusalCode.PDF_EMBEDDED_FILES
    return None
