"""Checking answers that are incomplete but must still have the right types.

``POST /simulate/questions`` takes the household answered so far: required
fields may be missing, but every field that *is* given must already have
the type, bounds and allowed values its model declares (an ``activity``
given as a list, a ``null`` disability rate, a string for a boolean are
refused with a 422 naming the field). The check walks the model's own field
declarations, so a field added to the questionnaire is covered without
touching this module.
"""

from __future__ import annotations

import json
import types
from functools import cache
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from shared.errors import FRENCH_CONTEXT_KEY, LOCATED_ERROR_TYPE

INNER_TYPE_KEY = "inner_type"
"""Context key carrying pydantic's own error type, worded in French by the HTTP layer."""


class PartialAnswerError(Exception):
    """One given answer has the wrong shape: where (``path``) and why, in both languages."""

    def __init__(
        self,
        path: tuple[str | int, ...],
        english: str,
        french: str | None = None,
        context: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(english)
        self.path = path
        self.english = english
        self.french = french
        self.context = context or {}

    def as_validation_error(self) -> Exception:
        """The pydantic error a validator raises, placed at the offending field."""
        from pydantic_core import PydanticCustomError

        where = ".".join(str(part) for part in self.path)
        context: dict[str, Any] = {**self.context, "field": where}
        if self.french is not None:
            context[FRENCH_CONTEXT_KEY] = self.french
        return PydanticCustomError(LOCATED_ERROR_TYPE, self.english, context)


def _without_none(annotation: Any) -> tuple[Any, bool]:
    """``(annotation without None, whether None was allowed)``."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [arg for arg in get_args(annotation) if arg is not type(None)]
        nullable = len(args) < len(get_args(annotation))
        if len(args) == 1:
            return args[0], nullable
    return annotation, False


def _model_class(annotation: Any) -> type[BaseModel] | None:
    return (
        annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    )


@cache
def _adapter(field: FieldInfo) -> TypeAdapter[Any]:
    if not field.metadata:
        return TypeAdapter(field.annotation)  # type: ignore[arg-type]
    return TypeAdapter(Annotated[field.annotation, *field.metadata])  # type: ignore[arg-type]


def check_partial(model: type[BaseModel], data: Any, path: tuple[str | int, ...] = ()) -> None:
    """Raise :class:`PartialAnswerError` at the first given field of ``data`` that
    ``model`` would refuse; missing fields are allowed at every level."""
    if not isinstance(data, dict):
        raise PartialAnswerError(path, "must be an object", "doit être un objet")
    for key, value in data.items():
        where = (*path, key)
        field = model.model_fields.get(key)
        if field is None:
            raise PartialAnswerError(where, "unknown field", "champ inconnu : retirez-le")
        annotation, nullable = _without_none(field.annotation)
        if value is None and nullable:
            continue
        nested = _model_class(annotation)
        items = get_args(annotation)
        item_model = _model_class(items[0]) if get_origin(annotation) is list and items else None
        if nested is not None:
            check_partial(nested, value, where)
        elif item_model is not None:
            _check_list(field, item_model, value, where)
        else:
            _check_value(field, value, where)


def _check_list(
    field: FieldInfo, item_model: type[BaseModel], value: Any, where: tuple[str | int, ...]
) -> None:
    if not isinstance(value, list):
        raise PartialAnswerError(where, "must be a list", "doit être une liste")
    longest = next((m.max_length for m in field.metadata if hasattr(m, "max_length")), None)
    if longest is not None and len(value) > longest:
        raise PartialAnswerError(
            where,
            f"must hold at most {longest} items",
            f"doit contenir au plus {longest} éléments",
        )
    for index, item in enumerate(value):
        check_partial(item_model, item, (*where, index))


def _check_value(field: FieldInfo, value: Any, where: tuple[str | int, ...]) -> None:
    try:
        # JSON mode, strict: dates and enum values as JSON strings, no "yes" for true.
        _adapter(field).validate_json(json.dumps(value), strict=True)
    except ValidationError as error:
        item = error.errors(include_url=False)[0]
        context = {str(k): str(v) for k, v in (item.get("ctx") or {}).items()}
        context[INNER_TYPE_KEY] = str(item["type"])
        inner = tuple(item["loc"])
        raise PartialAnswerError((*where, *inner), str(item["msg"]), context=context) from None
