"""One HTTP endpoint: its path, models, who may call it, and the use case it runs.

Each function declares its endpoints in its own module of
:mod:`shared.api.routes` (``signup``, ``profile``, ``simulate``): the
function's entry point imports only that module, so it loads only the
services it serves (``signup`` and ``profile`` never import OpenFisca, the
questionnaire or the catalogue). The dispatcher routes with these tables and
the OpenAPI document is generated from all of them
(:mod:`shared.api.endpoints`), so documentation cannot drift from what is served.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from shared.domain.access import ActorKind, Scope
from shared.domain.purposes import Purpose

AUTH_REQUIRED = "required"
AUTH_OPTIONAL = "optional"

# Query parameter naming the subject when the actor acts for someone else.
SUBJECT_PARAMETER = "subject"

COMMON_ERRORS = (
    "invalid_json",
    "validation_failed",
    "unsupported_media_type",
    "payload_too_large",
    "unauthenticated",
    "token_invalid",
    "forbidden",
    "origin_not_allowed",
    # Every endpoint may also meet these: a body beyond the structural limits
    # (shared/api/json_limits.py), a path with no such resource or method,
    # and a backing service down or a document too contended to change now.
    "json_too_complex",
    "not_found",
    "method_not_allowed",
    "unavailable",
    "contention",
)

Result = BaseModel | tuple[BaseModel, int]
Handler = Callable[..., Result]
"""Called as ``handler(access, [body], **path_params)``; ``access`` is ``None`` for an
anonymous caller of an optional-auth endpoint. Returns the response model, or
``(model, status)`` when the status depends on the outcome."""


@dataclass(frozen=True)
class Route:
    function: str
    method: str
    path: str  # relative to the function, e.g. "/consents/{purpose}"
    operation_id: str
    summary: str
    handler: Handler
    response_model: type[BaseModel]
    scope: Scope
    purpose: Purpose
    request_model: type[BaseModel] | None = None
    success_status: int = 200
    auth: str = AUTH_REQUIRED
    roles: frozenset[ActorKind] = frozenset({ActorKind.BENEFICIARY})
    # Kinds that may act for another subject (``?subject=<uid>``), each checked
    # server-side and journaled (shared/services/access.py).
    delegates: frozenset[ActorKind] = frozenset()
    errors: tuple[str, ...] = ()
    requirements: tuple[str, ...] = ()
    path_params: dict[str, str] = field(default_factory=dict)  # name -> description
    example_params: dict[str, str] = field(default_factory=dict)  # for docs and tests
    # name -> the values a path parameter may take (an enum in the OpenAPI
    # document), or a function returning them when they come from data.
    path_values: dict[str, tuple[str, ...] | Callable[[], tuple[str, ...]]] = field(
        default_factory=dict
    )
    # A valid request body, shown in the OpenAPI document and proved valid by a test.
    example_body: dict[str, Any] | None = None
    # Other success statuses than ``success_status`` -> what they mean (e.g. a retry).
    other_successes: dict[int, str] = field(default_factory=dict)

    def values_of(self, name: str) -> tuple[str, ...] | None:
        """The allowed values of path parameter ``name``, if the route restricts them."""
        values = self.path_values.get(name)
        return values() if callable(values) else values

    @property
    def example_path(self) -> str:
        """The relative path with example parameter values filled in."""
        path = self.path
        for name, value in self.example_params.items():
            path = path.replace("{" + name + "}", value)
        return path or "/"

    @property
    def public_path(self) -> str:
        """Path behind the single local address / load balancer."""
        return ("/" + self.function + self.path).rstrip("/")

    def match(self, path: str) -> dict[str, str] | None:
        pattern = re.sub(r"\\\{([a-z_]+)\\\}", r"(?P<\1>[A-Za-z0-9_-]{1,64})", re.escape(self.path))
        found = re.fullmatch(pattern.rstrip("/") or "", path.rstrip("/"))
        return found.groupdict() if found else None

    def call(self, access: Any, body: BaseModel | None, params: dict[str, str]) -> Result:
        """Run the use case with the resolved access, the validated body and path parameters."""
        args = [access] if body is None else [access, body]
        return self.handler(*args, **params)
