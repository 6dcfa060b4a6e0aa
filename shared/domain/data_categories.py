"""The data categories of the privacy policy (§2.1) and how fields declare them.

Every field of every stored document declares exactly one category through
:func:`categorised`; :mod:`shared.domain.data_registry` checks that no stored
field is left without one.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import Field


class DataCategory(StrEnum):
    """§2.1 of the policy: every stored field belongs to exactly one of these."""

    CONTACT = "contact"
    IDENTIFICATION = "identification"
    PREFERENCES = "preferences"
    DIAGNOSTIC = "diagnostic"
    REQUESTS = "requests"
    CLIENT = "client"
    INTERACTION = "interaction"


CATEGORY_KEY = "data_category"


def categorised(category: DataCategory, default: Any = ..., **kwargs: Any) -> Any:
    """A pydantic ``Field`` tagged with its data category."""
    extra = dict(kwargs.pop("json_schema_extra", None) or {})
    extra[CATEGORY_KEY] = category.value
    return Field(default, json_schema_extra=extra, **kwargs)


def category_of(field_info: Any) -> DataCategory | None:
    """The category declared on a pydantic ``FieldInfo``, if any."""
    extra = field_info.json_schema_extra
    if isinstance(extra, dict) and CATEGORY_KEY in extra:
        return DataCategory(str(extra[CATEGORY_KEY]))
    return None
