"""Display names of vault documents: what a person called the file, made harmless.

The name is metadata only (the object's name is random), shown back to its
owner and offered as the download's file name, so it must not carry a path,
control characters, bidirectional overrides that disguise an extension
(``facture\u202efdp.exe``), or unbounded length.
"""

from __future__ import annotations

import unicodedata

MAX_DISPLAY_NAME = 120
FALLBACK_NAME = "document"
# Cc control, Cf format (bidi overrides and isolates, zero-width characters),
# Cs surrogates, Co private use, Cn unassigned.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_SEPARATORS = ("/", "\\")


def sanitise_display_name(raw: str) -> str:
    """A safe display name for ``raw``; never empty, at most 120 characters.

    NFKC first, so look-alike slashes (fullwidth ``／``) become real ones and are
    then treated as separators; only the last path component is kept; invisible
    and control characters go; whitespace runs become one space; leading dots
    go (no hidden files, no ``..``). Truncation keeps the extension.
    """
    text = unicodedata.normalize("NFKC", raw)
    for separator in _SEPARATORS:
        text = text.rsplit(separator, 1)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch) not in _DROPPED_CATEGORIES)
    text = " ".join(text.split())
    text = text.lstrip(". ")
    if not text:
        return FALLBACK_NAME
    if len(text) > MAX_DISPLAY_NAME:
        stem, dot, extension = text.rpartition(".")
        if dot and stem and 0 < len(extension) <= 10:
            text = stem[: MAX_DISPLAY_NAME - len(extension) - 1].rstrip() + "." + extension
        else:
            text = text[:MAX_DISPLAY_NAME].rstrip()
    return text
