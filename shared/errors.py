"""Errors every layer may raise, each with a stable machine code.

The HTTP layer turns them into one problem+json shape (RFC 9457):
``type``, ``title``, ``status``, ``code``, ``detail`` and optional ``errors``
(field errors). Codes are part of the public API: clients switch on them, so
never rename one; add a new one instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PROBLEM_BASE = "https://sesame.example/problems/"


@dataclass(frozen=True)
class FieldError:
    """One invalid input field, addressed by its JSON path."""

    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


# code -> (HTTP status, English title). One table so the OpenAPI document and
# the handlers cannot disagree about what a code means.
ERROR_CODES: dict[str, tuple[int, str]] = {
    "invalid_json": (400, "The request body is not valid JSON"),
    "validation_failed": (422, "Some fields are invalid"),
    "unsupported_media_type": (415, "The request body must be application/json"),
    "payload_too_large": (413, "The request body is too large"),
    "unauthenticated": (401, "A valid Firebase ID token is required"),
    "token_invalid": (401, "The ID token is invalid or expired"),
    "forbidden": (403, "You are not allowed to do this"),
    "email_not_verified": (403, "Verify your email address first"),
    "not_found": (404, "Nothing here"),
    "method_not_allowed": (405, "Method not allowed on this resource"),
    "not_registered": (409, "Sign up first"),
    "policy_not_accepted": (409, "The current privacy policy must be accepted"),
    "consent_required": (409, "This service needs your consent"),
    "processing_restricted": (409, "Processing of your data is restricted"),
    "purpose_objected": (409, "You objected to this processing"),
    "conflict": (409, "The resource changed meanwhile"),
    "origin_not_allowed": (403, "This web origin is not allowed"),
    "internal": (500, "Unexpected error"),
    "unavailable": (503, "A backing service is unavailable; retry later"),
}


@dataclass
class ApiError(Exception):
    """A failure that the caller can understand and act on."""

    code: str
    detail: str
    errors: list[FieldError] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in ERROR_CODES:
            raise ValueError(f"unknown error code {self.code!r}")
        super().__init__(self.detail)

    @property
    def status(self) -> int:
        return ERROR_CODES[self.code][0]

    def problem(self) -> dict[str, Any]:
        """The problem+json body of this error."""
        status, title = ERROR_CODES[self.code]
        body: dict[str, Any] = {
            "type": PROBLEM_BASE + self.code,
            "title": title,
            "status": status,
            "code": self.code,
            "detail": self.detail,
        }
        if self.errors:
            body["errors"] = [error.as_dict() for error in self.errors]
        body.update(self.extra)
        return body


# Cross-field validators (e.g. "a child cannot be older than the parent") run on
# a whole model, so pydantic reports them at the model's own location. They
# raise :func:`located_error` instead, carrying the offending field in the
# error context; :func:`validation_locations` puts it back into the ``loc``.
LOCATED_ERROR_TYPE = "household_inconsistent"


def located_error(loc: tuple[str | int, ...], message: str) -> Exception:
    """A validation error that names ``loc`` (relative to the validated model)."""
    from pydantic_core import PydanticCustomError

    path = ".".join(str(part) for part in loc)
    return PydanticCustomError(LOCATED_ERROR_TYPE, f"{path}: {message}", {"field": path})


def validation_locations(error: Any) -> list[tuple[str | int, ...]]:
    """The ``loc`` of each error of a pydantic ``ValidationError``, with the field
    a :func:`located_error` names appended."""
    locations: list[tuple[str | int, ...]] = []
    for item in error.errors():
        field = (item.get("ctx") or {}).get("field")
        loc: tuple[str | int, ...] = tuple(item["loc"])
        if item.get("type") == LOCATED_ERROR_TYPE and isinstance(field, str):
            loc += tuple(int(part) if part.isdigit() else part for part in field.split("."))
        locations.append(loc)
    return locations
