"""Turns one HTTP request into one handler call, and any failure into problem+json.

Order matters and is the same for every endpoint: CORS origin, route, body
size, authentication, role, media type, JSON, model validation, handler.
Every refusal happens before the handler runs, so bad input cannot leave a
partial write behind.
"""

from __future__ import annotations

import importlib
import json
import time
from typing import Any

from flask import Request, Response
from pydantic import BaseModel, ValidationError

from shared.api.routes import AUTH_REQUIRED, Route, routes_of
from shared.config import settings
from shared.errors import ApiError, FieldError, validation_locations
from shared.structured_log import log_event

PROBLEM_JSON = "application/problem+json"
ALLOWED_HEADERS = "Authorization, Content-Type"


def _json_response(body: Any, status: int, content_type: str = "application/json") -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status, content_type=content_type)


def problem_response(error: ApiError) -> Response:
    return _json_response(error.problem(), error.status, PROBLEM_JSON)


def _cors_headers(origin: str, methods: list[str]) -> dict[str, str]:
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Allow-Methods": ", ".join([*methods, "OPTIONS"]),
        "Access-Control-Allow-Headers": ALLOWED_HEADERS,
        "Access-Control-Max-Age": "600",
        "Vary": "Origin",
    }


def field_errors(error: ValidationError) -> list[FieldError]:
    """Pydantic errors as field errors, addressed by dotted JSON path."""
    return [
        FieldError(
            ".".join(str(part) for part in loc) or "body", str(item["type"]), str(item["msg"])
        )
        for item, loc in zip(
            error.errors(include_url=False), validation_locations(error), strict=True
        )
    ]


def _resolve(handler: str) -> Any:
    module_name, _, attribute = handler.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


def _find_route(function: str, request: Request) -> tuple[Route, dict[str, str]]:
    path = request.path
    candidates = [(r, r.match(path)) for r in routes_of(function)]
    matching = [(r, params) for r, params in candidates if params is not None]
    if not matching:
        raise ApiError("not_found", f"No endpoint at {path!r}.")
    for route, params in matching:
        if route.method == request.method:
            return route, params or {}
    allowed = ", ".join(sorted({r.method for r, _ in matching}))
    raise ApiError("method_not_allowed", f"Allowed here: {allowed}.", extra={"allowed": allowed})


def _read_body(request: Request, route: Route) -> BaseModel | None:
    limit = settings().max_body_bytes
    if request.content_length is not None and request.content_length > limit:
        raise ApiError("payload_too_large", f"The body exceeds {limit} bytes.")
    raw = request.stream.read(limit + 1)
    if len(raw) > limit:
        raise ApiError("payload_too_large", f"The body exceeds {limit} bytes.")
    if route.request_model is None:
        return None
    if request.mimetype != "application/json":
        raise ApiError("unsupported_media_type", "Send the body as application/json.")
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ApiError("invalid_json", f"Malformed JSON: {error.__class__.__name__}.") from None
    try:
        return route.request_model.model_validate(payload)
    except ValidationError as error:
        raise ApiError(
            "validation_failed", "Some fields are invalid.", field_errors(error)
        ) from None


def _authenticate(request: Request, route: Route) -> Any:
    from shared.adapters.identity import InvalidToken, verify

    header = request.headers.get("Authorization", "")
    if not header:
        if route.auth == AUTH_REQUIRED:
            raise ApiError("unauthenticated", "Send 'Authorization: Bearer <Firebase ID token>'.")
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError("unauthenticated", "The Authorization header must be 'Bearer <token>'.")
    try:
        principal = verify(token.strip())
    except InvalidToken:
        raise ApiError("token_invalid", "The ID token could not be verified.") from None
    if principal.role not in route.roles:
        raise ApiError("forbidden", "Your role cannot use this endpoint.")
    return principal


def dispatch(function: str, request: Request) -> Response:
    """Serve ``request`` for the Cloud Function named ``function``."""
    started = time.perf_counter()
    origin = request.headers.get("Origin")
    route_label = "unmatched"
    cors: dict[str, str] = {}
    try:
        if origin is not None and origin not in settings().cors_origins:
            raise ApiError("origin_not_allowed", "This web origin may not call the API.")
        if request.method == "OPTIONS":
            methods = sorted(
                {r.method for r in routes_of(function) if r.match(request.path) is not None}
            )
            if not methods:
                raise ApiError("not_found", f"No endpoint at {request.path!r}.")
            headers = _cors_headers(origin, methods) if origin else {"Allow": ", ".join(methods)}
            return Response(status=204, headers=headers)
        route, params = _find_route(function, request)
        route_label = route.operation_id
        if origin:
            cors = _cors_headers(origin, [route.method])
        principal = _authenticate(request, route)
        body = _read_body(request, route)
        handler = _resolve(route.handler)
        args = [principal] if body is None else [principal, body]
        result = handler(*args, **params)
        model, status = result if isinstance(result, tuple) else (result, route.success_status)
        response = _json_response(model.model_dump(mode="json"), status)
    except ApiError as error:
        response = problem_response(error)
    except ConnectionError:
        response = problem_response(ApiError("unavailable", "Retry in a moment."))
    except Exception as error:
        log_event(
            "unhandled error",
            "ERROR",
            function=function,
            route=route_label,
            reason=type(error).__name__,
        )
        response = problem_response(ApiError("internal", "Something went wrong on our side."))
    response.headers.update(cors)
    log_event(
        "request",
        function=function,
        method=request.method,
        route=route_label,
        status=response.status_code,
        duration_ms=round((time.perf_counter() - started) * 1000, 1),
    )
    return response
