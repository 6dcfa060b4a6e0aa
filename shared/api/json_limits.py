"""Limits on a JSON body checked on its raw bytes, before any parser sees it.

A body of a few kilobytes can still be hostile: a thousand nested arrays
exhaust the parser's recursion, an integer of thousands of digits makes
Python refuse the conversion (or spend quadratic time on it). Both are
refused here with a 4xx, by scanning the tokens of the body once; strings
are skipped whole, so brackets or digits inside them do not count.
After parsing, :func:`first_lone_surrogate` finds text that cannot be
stored or logged (a ``\\ud800`` escape without its pair).
"""

from __future__ import annotations

import re
from typing import Any

MAX_DEPTH = 16
"""Deepest nesting of arrays and objects a body may have (ours need 4)."""

MAX_NUMBER_CHARS = 24
"""Longest number literal accepted: enough for any amount, rate or count we take."""

_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]|-?[0-9][0-9.eE+\-]*')


class BodyLimitExceeded(ValueError):
    """The body breaks a structural limit; ``kind`` says which (``depth`` or ``number``)."""

    def __init__(self, kind: str, limit: int) -> None:
        super().__init__(f"{kind} limit {limit} exceeded")
        self.kind = kind
        self.limit = limit


def check_structure(raw: bytes) -> None:
    """Raise :class:`BodyLimitExceeded` if ``raw`` nests too deep or holds too long a number."""
    depth = 0
    for match in _TOKENS.finditer(raw):
        token = match.group()
        first = token[:1]
        if first in (b"[", b"{"):
            depth += 1
            if depth > MAX_DEPTH:
                raise BodyLimitExceeded("depth", MAX_DEPTH)
        elif first in (b"]", b"}"):
            depth -= 1
        elif first != b'"' and len(token) > MAX_NUMBER_CHARS:
            raise BodyLimitExceeded("number", MAX_NUMBER_CHARS)


_SURROGATE = re.compile("[\ud800-\udfff]")


def first_lone_surrogate(value: Any, path: str = "body") -> str | None:
    """The JSON path of the first string (value or key) holding a lone surrogate, if any."""
    if isinstance(value, str):
        return path if _SURROGATE.search(value) else None
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = first_lone_surrogate(item, f"{path}.{index}")
            if found:
                return found
    if isinstance(value, dict):
        for key, item in value.items():
            if _SURROGATE.search(key):
                return path
            found = first_lone_surrogate(item, f"{path}.{key}")
            if found:
                return found
    return None
