"""What the bytes of an uploaded file really are: sniffed type and PDF contents.

The type comes from the file's magic numbers (PyPI ``filetype``), never from its
name or the declared type. A PDF is parsed with ``pypdf`` and every object
reachable from its trailer is walked: anything that runs code when the file is
opened or used (JavaScript, launch or submit actions, additional-action
triggers) or that carries other files is reported, wherever it hides (catalogue,
pages, annotations, form fields, name trees). The verdict is
:func:`shared.domain.vault.content.content_refusal`'s.
"""

from __future__ import annotations

import io
import logging
from typing import Any

import filetype
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from shared.domain.vault.content import PDF, ContentFacts, PdfFindings

# Action types that do more than move inside the document.
_ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/Rendition", "/GoToE", "/ResetForm"}
)
_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/AA"})
_EMBEDDING_KEYS = frozenset({"/EmbeddedFiles", "/EF"})
_MAX_OBJECTS = 500_000
"""Bound on the walk: a 10 MB file cannot hold more; a loop cannot keep us busy."""


def sniff_type(data: bytes) -> str | None:
    """The MIME type the content's magic numbers say, or ``None`` when unknown."""
    kind = filetype.guess(data[:8192])
    return None if kind is None else str(kind.mime)


def _findings_of(root: Any) -> PdfFindings:
    active: set[str] = set()
    embedded: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [root]
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        visited += 1
        if visited > _MAX_OBJECTS:
            raise ValueError("too many objects")
        if isinstance(node, DictionaryObject):
            for name, value in node.items():
                if name in _ACTIVE_KEYS:
                    active.add(str(name))
                if name in _EMBEDDING_KEYS:
                    embedded.add(str(name))
                if name == "/S" and isinstance(value, NameObject) and value in _ACTIVE_ACTIONS:
                    active.add(f"/S {value}")
                if name == "/Subtype" and value == "/FileAttachment":
                    embedded.add("/FileAttachment")
                if name == "/OpenAction" and isinstance(value, (DictionaryObject, IndirectObject)):
                    action = value.get_object()
                    if isinstance(action, DictionaryObject) and action.get("/S") != "/GoTo":
                        active.add("/OpenAction")
                stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return PdfFindings(
        readable=True, active_content=tuple(sorted(active)), embedded_files=tuple(sorted(embedded))
    )


def inspect_pdf(data: bytes) -> PdfFindings:
    """What a PDF holds that the vault refuses; unreadable when it cannot be parsed.

    Encrypted PDFs count as unreadable: neither this walk nor the malware scanner
    can see inside them.
    """
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return PdfFindings(readable=False)
        return _findings_of(reader.trailer)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return PdfFindings(readable=False)


def content_facts(data: bytes) -> ContentFacts:
    """Sniffed type, size and, for a PDF, what it contains."""
    sniffed = sniff_type(data)
    return ContentFacts(
        size=len(data),
        sniffed_type=sniffed,
        pdf=inspect_pdf(data) if sniffed == PDF else None,
    )


# pypdf warns about every repaired cross-reference table of a scanned file.
logging.getLogger("pypdf").setLevel(logging.ERROR)
