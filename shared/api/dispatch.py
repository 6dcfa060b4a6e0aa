"""Turns one HTTP request into one handler call, and any failure into problem+json.

Order matters and is the same for every endpoint: CORS origin, route, body
size, authentication, role, media type, JSON, model validation, access to
the subject (server-side checks, audit journal), handler. Every refusal
happens before the handler runs, so bad input cannot leave a partial write
behind. Problems are told in French, or in English when ``Accept-Language``
prefers it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from typing import Any

from flask import Request, Response
from pydantic import BaseModel, ValidationError

from shared.api.json_limits import (
    MAX_DEPTH,
    MAX_NUMBER_CHARS,
    BodyLimitExceeded,
    check_structure,
    first_lone_surrogate,
)
from shared.api.route import AUTH_REQUIRED, SUBJECT_PARAMETER, Route
from shared.api.validation_messages import field_message
from shared.config import settings
from shared.domain.access import Access, Actor
from shared.domain.strict import DEFAULT_LANGUAGE, Language
from shared.errors import ApiError, FieldError, language_of, text, validation_locations
from shared.structured_log import log_event

PROBLEM_JSON = "application/problem+json"
ALLOWED_HEADERS = "Authorization, Content-Type, Accept-Language"
ROLE_REFUSED = text(
    "Votre rôle ne permet pas d'utiliser ce point d'accès.", "Your role cannot use this endpoint."
)


def _json_response(body: Any, status: int, content_type: str = "application/json") -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status, content_type=content_type)


RETRY_AFTER_SECONDS = 1
"""What a 503 tells the client to wait before retrying (contention clears in milliseconds)."""


def problem_response(error: ApiError, language: Language = DEFAULT_LANGUAGE) -> Response:
    """The problem+json response of ``error``, with the headers its status calls for."""
    response = _json_response(error.problem(language), error.status, PROBLEM_JSON)
    response.headers["Content-Language"] = language
    if error.status == 405 and "allowed" in error.extra:
        response.headers["Allow"] = str(error.extra["allowed"])
    if error.status == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


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
            ".".join(str(part) for part in loc) or "body", str(item["type"]), field_message(item)
        )
        for item, loc in zip(
            error.errors(include_url=False), validation_locations(error), strict=True
        )
    ]


def _not_found(path: str) -> ApiError:
    return ApiError(
        "not_found", text(f"Aucun point d'accès à {path!r}.", f"No endpoint at {path!r}.")
    )


def _resource(routes: Sequence[Route], path: str) -> list[tuple[Route, dict[str, str]]]:
    """The routes of the resource at ``path``, with the parameters each reads from it.

    A literal path names its own resource: ``/documents/search`` is not the
    document whose id is "search", so templated routes that would also match
    it are left out when a route with fewer parameters matches.
    """
    matching = [(r, params) for r in routes if (params := r.match(path)) is not None]
    fewest = min((len(params) for _, params in matching), default=0)
    return [(r, params) for r, params in matching if len(params) == fewest]


def _find_route(routes: Sequence[Route], request: Request) -> tuple[Route, dict[str, str]]:
    path = request.path
    matching = _resource(routes, path)
    if not matching:
        raise _not_found(path)
    for route, params in matching:
        if route.method == request.method:
            return route, params or {}
    allowed = ", ".join(sorted({r.method for r, _ in matching}))
    raise ApiError(
        "method_not_allowed",
        text(f"Méthodes possibles ici : {allowed}.", f"Allowed here: {allowed}."),
        extra={"allowed": allowed},
    )


def _too_large(limit: int) -> ApiError:
    return ApiError(
        "payload_too_large",
        text(f"Le corps dépasse {limit} octets.", f"The body exceeds {limit} bytes."),
    )


def _read_body(request: Request, route: Route) -> BaseModel | None:
    limit = settings().max_body_bytes
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(limit)
    raw = request.stream.read(limit + 1)
    if len(raw) > limit:
        raise _too_large(limit)
    if route.request_model is None:
        return None
    if request.mimetype != "application/json":
        raise ApiError(
            "unsupported_media_type",
            text("Envoyez le corps en application/json.", "Send the body as application/json."),
        )
    try:
        check_structure(raw)
    except BodyLimitExceeded as error:
        raise ApiError(
            "json_too_complex",
            text(
                f"Au plus {MAX_DEPTH} niveaux d'imbrication et {MAX_NUMBER_CHARS} caractères "
                "par nombre.",
                f"At most {MAX_DEPTH} levels of nesting and {MAX_NUMBER_CHARS} characters "
                "per number.",
            ),
            extra={"limit": error.kind},
        ) from None
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        name = error.__class__.__name__
        raise ApiError(
            "invalid_json", text(f"JSON mal formé : {name}.", f"Malformed JSON: {name}.")
        ) from None
    surrogate_at = first_lone_surrogate(payload)
    if surrogate_at is not None:
        raise ApiError(
            "validation_failed",
            text("Certains champs sont invalides.", "Some fields are invalid."),
            [
                FieldError(
                    surrogate_at.removeprefix("body.") or "body",
                    "invalid_unicode",
                    text(
                        "texte Unicode invalide (demi-paire de substitution isolée)",
                        "invalid Unicode text (lone surrogate)",
                    ),
                )
            ],
        )
    try:
        # Strict: a boolean is true or false, a number is a JSON number; no
        # "yes", 1 or 0.0 standing for a boolean, no "12" standing for a number.
        return route.request_model.model_validate_json(raw, strict=True)
    except ValidationError as error:
        raise ApiError(
            "validation_failed",
            text("Certains champs sont invalides.", "Some fields are invalid."),
            field_errors(error),
        ) from None


def _authenticate(request: Request, route: Route) -> Actor | None:
    from shared.adapters.identity import InvalidToken, verify

    header = request.headers.get("Authorization", "")
    if not header:
        if route.auth == AUTH_REQUIRED:
            raise ApiError(
                "unauthenticated",
                text(
                    "Envoyez « Authorization: Bearer <jeton d'identification Firebase> ».",
                    "Send 'Authorization: Bearer <Firebase ID token>'.",
                ),
            )
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(
            "unauthenticated",
            text(
                "L'en-tête Authorization doit être « Bearer <jeton> ».",
                "The Authorization header must be 'Bearer <token>'.",
            ),
        )
    try:
        actor = verify(token.strip())
    except InvalidToken:
        raise ApiError(
            "token_invalid",
            text(
                "Le jeton d'identification n'a pas pu être vérifié.",
                "The ID token could not be verified.",
            ),
        ) from None
    if actor.kind not in route.roles:
        raise ApiError("forbidden", ROLE_REFUSED)
    return actor


def _open_access(
    request: Request, route: Route, actor: Actor | None, language: Language
) -> Access | None:
    """Whose data the request touches: the caller's own, or ``?subject=`` checked server-side."""
    subject = request.args.get(SUBJECT_PARAMETER)
    if actor is None:
        return None
    if subject is not None and (subject != actor.uid and actor.kind not in route.delegates):
        raise ApiError(
            "forbidden",
            text(
                "Ce point d'accès ne sert que vos propres données.",
                "This endpoint serves your own data only.",
            ),
        )
    if (
        subject is None or subject == actor.uid
    ) and actor.kind not in route.roles - route.delegates:
        raise ApiError("forbidden", ROLE_REFUSED)
    from shared.services.access import open_access

    return open_access(
        actor,
        subject or actor.uid,
        route.scope,
        action=route.operation_id,
        reason=route.purpose.value,
        language=language,
    )


def dispatch(routes: Sequence[Route], request: Request) -> Response:
    """Serve ``request`` with the endpoints ``routes`` of one Cloud Function."""
    started = time.perf_counter()
    function = routes[0].function
    language = language_of(request.headers.get("Accept-Language"))
    origin = request.headers.get("Origin")
    route_label = "unmatched"
    cors: dict[str, str] = {}
    try:
        if origin is not None and origin not in settings().cors_origins:
            raise ApiError(
                "origin_not_allowed",
                text(
                    "Cette origine web ne peut pas appeler l'API.",
                    "This web origin may not call the API.",
                ),
            )
        if request.method == "OPTIONS":
            methods = sorted({r.method for r, _ in _resource(routes, request.path)})
            if not methods:
                raise _not_found(request.path)
            headers = _cors_headers(origin, methods) if origin else {"Allow": ", ".join(methods)}
            return Response(status=204, headers=headers)
        route, params = _find_route(routes, request)
        route_label = route.operation_id
        if origin:
            cors = _cors_headers(origin, [route.method])
        actor = _authenticate(request, route)
        body = _read_body(request, route)
        access = _open_access(request, route, actor, language)
        result = route.call(access, body, params)
        model, status = result if isinstance(result, tuple) else (result, route.success_status)
        response = _json_response(model.model_dump(mode="json"), status)
    except ApiError as error:
        response = problem_response(error, language)
    except ConnectionError:
        response = problem_response(
            ApiError("unavailable", text("Réessayez dans un instant.", "Retry in a moment.")),
            language,
        )
    except Exception as error:
        log_event(
            "unhandled error",
            "ERROR",
            function=function,
            route=route_label,
            reason=type(error).__name__,
        )
        response = problem_response(
            ApiError(
                "internal",
                text("Une erreur est survenue de notre côté.", "Something went wrong on our side."),
            ),
            language,
        )
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


def http_function(handler: Callable[[Request], Any]) -> Callable[[Request], Any]:
    """Declare ``handler`` as the HTTP Cloud Function of its ``main.py``, answering every path.

    It registers the handler with the Functions Framework (as ``@functions_framework.http``
    does) and lets it answer the paths the framework's own URL rule cannot match: the
    framework routes ``/<path:path>``, which does not match a path holding a line break
    (``%0A`` in an id), and Flask would answer its HTML 404. Used while the function's
    module loads, inside the app's context, the handler answers those too, with a
    problem+json like every other refusal.
    """
    import flask
    import functions_framework

    registered = functions_framework.http(handler)
    if flask.has_app_context():
        flask.current_app.register_error_handler(404, lambda _error: registered(flask.request))
    return registered
