"""Field error messages in French and English, from pydantic's error types.

Pydantic words its messages in English only; the person filling a form reads
French by default, so the common error types are worded here in both
languages with the error's own limits (``{max_length}``, ``{expected}``…).
Validators of our models that raise :func:`shared.errors.bilingual_error`
carry their French text in the error context. Anything else keeps pydantic's
English message, prefixed in French.
"""

from __future__ import annotations

from typing import Any

from shared.domain.strict import BilingualText
from shared.errors import FRENCH_CONTEXT_KEY

FRENCH: dict[str, str] = {
    "missing": "champ obligatoire",
    "extra_forbidden": "champ inconnu : retirez-le",
    "string_type": "doit être une chaîne de caractères",
    "string_too_short": "doit contenir au moins {min_length} caractère(s)",
    "string_too_long": "doit contenir au plus {max_length} caractères",
    "string_pattern_mismatch": "format invalide",
    "bool_type": "doit être vrai ou faux",
    "bool_parsing": "doit être vrai ou faux",
    "int_type": "doit être un nombre entier",
    "int_parsing": "doit être un nombre entier",
    "int_from_float": "doit être un nombre entier",
    "float_type": "doit être un nombre",
    "float_parsing": "doit être un nombre",
    "greater_than": "doit être supérieur à {gt}",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "less_than": "doit être inférieur à {lt}",
    "less_than_equal": "doit être inférieur ou égal à {le}",
    "literal_error": "doit valoir : {expected}",
    "enum": "doit valoir : {expected}",
    "dict_type": "doit être un objet",
    "model_type": "doit être un objet",
    "model_attributes_type": "doit être un objet",
    "list_type": "doit être une liste",
    "too_short": "doit contenir au moins {min_length} élément(s)",
    "too_long": "doit contenir au plus {max_length} éléments",
    "date_type": "doit être une date (AAAA-MM-JJ)",
    "date_parsing": "doit être une date (AAAA-MM-JJ)",
    "date_from_datetime_parsing": "doit être une date (AAAA-MM-JJ)",
    "date_from_datetime_inexact": "doit être une date sans heure (AAAA-MM-JJ)",
    "datetime_type": "doit être une date et une heure",
    "datetime_parsing": "doit être une date et une heure",
}


def field_message(item: Any) -> BilingualText:
    """The message of one pydantic error (an item of ``ValidationError.errors()``)."""
    english = str(item["msg"])
    context = item.get("ctx") or {}
    french = context.get(FRENCH_CONTEXT_KEY)
    if not isinstance(french, str):
        # An error re-raised at a nested field keeps pydantic's own type in its context.
        template = FRENCH.get(str(context.get("inner_type", item["type"])))
        try:
            french = template.format(**context) if template else f"valeur invalide ({english})"
        except (KeyError, IndexError):
            french = template or f"valeur invalide ({english})"
    return BilingualText(fr=french, en=english)
