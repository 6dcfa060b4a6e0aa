"""The document vault's pure rules (R9): kinds, limits, names, refusals, checklists.

No I/O here: bytes are inspected by :mod:`shared.adapters.file_content`, scanned by
:mod:`shared.adapters.clamd`, stored by the vault adapters; the use cases that tie
them together are in :mod:`shared.services.vault`.
"""
