"""The one error type devstack shows to people: its message is the whole diagnosis."""

from __future__ import annotations


class StackError(Exception):
    """Something the user can fix (a busy port, a missing file, a component that died).

    The CLI prints the message without a traceback, so it must say what failed, where
    to look (log file) and what to change (which variable).
    """
