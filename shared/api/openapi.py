"""OpenAPI 3.1 document generated from the route table and the pydantic models.

Generated, never hand-written: a test compares the served document with
this function's output, and the dispatcher routes with the same table.
"""

from __future__ import annotations

import html
import json
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from shared.api.endpoints import ROUTES
from shared.api.route import AUTH_REQUIRED, COMMON_ERRORS, SUBJECT_PARAMETER, Route
from shared.domain.policy import CURRENT_POLICY
from shared.errors import ERROR_CODES

REF_TEMPLATE = "#/components/schemas/{model}"

# Real responses recorded on the emulators (tests/support/response_examples.py):
# per operation id its success body, per error code a problem body. Integration
# tests fail when an answer no longer has its example's shape.
RESPONSE_EXAMPLES_FILE = Path(__file__).with_name("response_examples.json")


@cache
def load_response_examples() -> dict[str, dict[str, Any]]:
    """The recorded examples: ``{"operations": {id: body}, "problems": {code: body}}``."""
    if not RESPONSE_EXAMPLES_FILE.exists():
        return {"operations": {}, "problems": {}}
    loaded: dict[str, dict[str, Any]] = json.loads(RESPONSE_EXAMPLES_FILE.read_text("utf-8"))
    return loaded


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An RFC 9457 problem: a stable code to branch on and texts to show.",
    "required": ["type", "title", "status", "code", "detail"],
    "properties": {
        "type": {
            "type": "string",
            "format": "uri",
            "description": "URI naming the problem type; ends with the code.",
        },
        "title": {
            "type": "string",
            "description": "Short summary of the problem type, in the request's language.",
        },
        "status": {"type": "integer", "description": "The HTTP status code, repeated."},
        "code": {
            "type": "string",
            "enum": sorted(ERROR_CODES),
            "description": "Stable machine-readable code: branch on it, never on the texts.",
        },
        "detail": {
            "type": "string",
            "description": "In French, or English on Accept-Language: en.",
        },
        "errors": {
            "type": "array",
            "description": "One entry per invalid field, when the problem is about fields.",
            "items": {
                "type": "object",
                "required": ["field", "code", "message"],
                "properties": {
                    "field": {
                        "type": "string",
                        "description": "Dotted JSON path of the field (e.g. persons.0.birth_date).",
                    },
                    "code": {
                        "type": "string",
                        "description": (
                            "Stable code of the field error (e.g. missing, string_too_long)."
                        ),
                    },
                    "message": {
                        "type": "string",
                        "description": "What is wrong, in the request's language.",
                    },
                },
            },
        },
    },
}


# Headers some problem statuses carry (set by shared/api/dispatch.problem_response).
STATUS_HEADERS: dict[int, dict[str, Any]] = {
    405: {
        "Allow": {
            "description": "The methods this path accepts, comma-separated.",
            "schema": {"type": "string"},
        }
    },
    503: {
        "Retry-After": {
            "description": "Seconds to wait before retrying.",
            "schema": {"type": "string"},
        }
    },
}


def _path_schema(route: Route, name: str) -> dict[str, Any]:
    values = route.values_of(name)
    if values is None:
        return {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}
    return {"type": "string", "enum": list(values)}


def _models() -> list[type[BaseModel]]:
    seen: dict[str, type[BaseModel]] = {}
    for route in ROUTES:
        for model in (route.request_model, route.response_model):
            if model is not None:
                seen[model.__name__] = model
    return [seen[name] for name in sorted(seen)]


def _operation(route: Route) -> dict[str, Any]:
    codes = sorted(set(COMMON_ERRORS) | set(route.errors) | {"internal"})
    by_status: dict[int, list[str]] = {}
    for code in codes:
        by_status.setdefault(ERROR_CODES[code][0], []).append(code)
    examples = load_response_examples()
    success_content: dict[str, Any] = {
        "application/json": {
            "schema": {"$ref": REF_TEMPLATE.format(model=route.response_model.__name__)}
        }
    }
    if route.operation_id in examples["operations"]:
        success_content["application/json"]["example"] = examples["operations"][route.operation_id]
    successes = {route.success_status: "Success", **route.other_successes}
    responses: dict[str, Any] = {
        str(status): {"description": meaning, "content": success_content}
        for status, meaning in sorted(successes.items())
    }
    for status, status_codes in sorted(by_status.items()):
        problem: dict[str, Any] = {"schema": {"$ref": "#/components/schemas/Problem"}}
        recorded = {c: examples["problems"][c] for c in status_codes if c in examples["problems"]}
        if recorded:
            problem["examples"] = {code: {"value": body} for code, body in recorded.items()}
        responses[str(status)] = {
            "description": "Problem: " + ", ".join(status_codes),
            "content": {"application/problem+json": problem},
        }
        if status in STATUS_HEADERS:
            responses[str(status)]["headers"] = STATUS_HEADERS[status]
    operation: dict[str, Any] = {
        "operationId": route.operation_id,
        "summary": route.summary,
        "tags": [route.function],
        "responses": responses,
        "x-requirements": list(route.requirements),
        "x-roles": sorted(route.roles),
        "x-scope": route.scope.value,
    }
    operation["security"] = (
        [{"firebase": []}] if route.auth == AUTH_REQUIRED else [{}, {"firebase": []}]
    )
    parameters: list[dict[str, Any]] = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "description": text,
            "schema": _path_schema(route, name),
        }
        for name, text in route.path_params.items()
    ]
    if route.delegates:
        parameters.append(
            {
                "name": SUBJECT_PARAMETER,
                "in": "query",
                "required": False,
                "description": (
                    "uid of the person whose data is read, when acting for them ("
                    + ", ".join(sorted(route.delegates))
                    + "); checked server-side on every request and written to the audit journal."
                ),
                "schema": {"type": "string"},
            }
        )
    parameters.append(
        {
            "name": "Accept-Language",
            "in": "header",
            "required": False,
            "description": "fr (default) or en: the language of problem details and notices.",
            "schema": {"type": "string"},
        }
    )
    operation["parameters"] = parameters
    if route.request_model is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"$ref": REF_TEMPLATE.format(model=route.request_model.__name__)},
                    "example": route.example_body,
                }
            },
        }
    return operation


def build_document(server_url: str = "http://127.0.0.1:8080") -> dict[str, Any]:
    """The OpenAPI 3.1 document of every endpoint of every function."""
    _, definitions = models_json_schema(
        [(model, "validation") for model in _models()], ref_template=REF_TEMPLATE
    )
    schemas = dict(definitions.get("$defs", {}))
    schemas["Problem"] = PROBLEM_SCHEMA
    paths: dict[str, dict[str, Any]] = {}
    for route in ROUTES:
        paths.setdefault(route.public_path, {})[route.method.lower()] = _operation(route)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Sésame API",
            "version": "0.1.0",
            "description": (
                "Find, claim and keep the French social aids you are entitled to. "
                f"Privacy policy version {CURRENT_POLICY.version}."
            ),
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "firebase": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "Firebase ID token",
                }
            },
        },
    }


def _interactive_reference(prefix: str) -> str:
    """Swagger UI, from files served at ``prefix``: schemas, examples, try-it on this stack."""
    return (
        f"<link rel='stylesheet' href='{prefix}swagger-ui.css'>"
        "<div id='reference'></div>"
        f"<script src='{prefix}swagger-ui-bundle.js'></script>"
        "<script>window.addEventListener('load',function(){SwaggerUIBundle({"
        "url:'/openapi.json',dom_id:'#reference',deepLinking:true,"
        "tryItOutEnabled:true,defaultModelsExpandDepth:2,showExtensions:true})});</script>"
    )


def render_docs_page(document: dict[str, Any], renderer_prefix: str | None = None) -> str:
    """The reference page: the interactive renderer when its files are served at
    ``renderer_prefix``, then a plain summary of operations and error codes (no
    external assets either way)."""
    reference = _interactive_reference(renderer_prefix) if renderer_prefix else ""
    rows = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            statuses = ", ".join(operation["responses"])
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            body_ref = body.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1]
            rows.append(
                "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td>"
                "<td>{}</td></tr>".format(
                    html.escape(method.upper()),
                    html.escape(path),
                    html.escape(operation["summary"]),
                    html.escape(body_ref or "-"),
                    html.escape(statuses),
                )
            )
    codes = "".join(
        f"<tr><td><code>{html.escape(code)}</code></td><td>{status}</td><td>{html.escape(title.en)}</td></tr>"
        for code, (status, title) in sorted(ERROR_CODES.items())
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Sésame API</title>"
        "<style>body{font-family:sans-serif;margin:2rem}td,th{border:1px solid #ccc;padding:4px}"
        "table{border-collapse:collapse}</style></head><body>"
        f"<h1>{html.escape(document['info']['title'])}</h1>"
        f"<p>{html.escape(document['info']['description'])}</p>"
        "<p>Machine-readable document: <a href='/openapi.json'>/openapi.json</a>. "
        "Authenticate with <code>Authorization: Bearer &lt;Firebase ID token&gt;</code>.</p>"
        + reference
        + "<h2>Operations</h2><table><tr><th>Method</th><th>Path</th><th>Summary</th>"
        "<th>Body</th><th>Responses</th></tr>" + "".join(rows) + "</table>"
        "<h2>Error codes (application/problem+json)</h2><table><tr><th>code</th><th>status</th>"
        "<th>meaning</th></tr>" + codes + "</table></body></html>"
    )
