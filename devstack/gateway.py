"""One local address for every Cloud Function, plus the API docs.

``http://127.0.0.1:8080/<function>/…`` reaches ``functions/<function>/main.py``
exactly as functions-framework would serve it on Cloud Run (each function
mounted with its own Flask app), ``/openapi.json`` serves the generated
OpenAPI document and ``/docs`` a readable page. Cloud Tasks created locally
target this address too. ``/demo-partner`` plays a client's intranet for
single sign-on (:mod:`devstack.demo_partner`).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.wrappers import Request, Response

ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS_DIR = ROOT / "functions"
# The interactive reference renderer, installed from package-lock.json with the
# Firebase tools (``npm ci``): served from this checkout, never from a CDN.
RENDERER_DIR = ROOT / "node_modules" / "swagger-ui-dist"
RENDERER_FILES = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
}
DOCS_ASSETS = "/docs/assets/"


def function_names() -> list[str]:
    """Every deployable function: a folder of ``functions/`` with a ``main.py``."""
    return sorted(p.parent.name for p in FUNCTIONS_DIR.glob("*/main.py"))


def build_app(server_url: str) -> Any:
    import functions_framework

    from devstack import demo_partner
    from shared.api.openapi import build_document, render_docs_page

    document = build_document(server_url)
    names = function_names()

    @Request.application
    def root(request: Request) -> Response:
        if request.path == "/healthz":
            return Response("ok", content_type="text/plain")
        if request.path == "/openapi.json":
            return Response(
                json.dumps(document, ensure_ascii=False), content_type="application/json"
            )
        if request.path in {"/docs", "/docs/"}:
            page = render_docs_page(
                document, renderer_prefix=DOCS_ASSETS if RENDERER_DIR.is_dir() else None
            )
            return Response(page, content_type="text/html; charset=utf-8")
        name = request.path.removeprefix(DOCS_ASSETS)
        if request.path.startswith(DOCS_ASSETS) and name in RENDERER_FILES:
            return Response((RENDERER_DIR / name).read_bytes(), content_type=RENDERER_FILES[name])
        if request.path == demo_partner.PATH + "/jwks.json":
            return Response(json.dumps(demo_partner.key_set()), content_type="application/json")
        if request.path.rstrip("/") == demo_partner.PATH:
            page = demo_partner.page(server_url, request.args.get("email"))
            return Response(page, content_type="text/html; charset=utf-8")
        if request.path == "/":
            return Response(
                json.dumps({"functions": names, "docs": "/docs", "openapi": "/openapi.json"}),
                content_type="application/json",
            )
        from shared.errors import ApiError, language_of, text

        path = request.path
        problem = ApiError(
            "not_found",
            text(
                f"Aucune fonction à {path!r} ; voir /docs.",
                f"No function at {path!r}; see /docs.",
            ),
        ).problem(language_of(request.headers.get("Accept-Language")))
        return Response(
            json.dumps(problem, ensure_ascii=False),
            status=404,
            content_type="application/problem+json",
        )

    mounts = {f"/{name}": create(name, functions_framework) for name in names}
    return DispatcherMiddleware(root, mounts)


def create(name: str, functions_framework: Any) -> Any:
    """The function's own WSGI app; ``/name`` is served as ``/name/`` like on Cloud Run."""
    app = functions_framework.create_app(target=name, source=str(FUNCTIONS_DIR / name / "main.py"))

    def mounted(environ: dict[str, Any], start_response: Any) -> Any:
        if not environ.get("PATH_INFO"):
            environ["PATH_INFO"] = "/"
        return app.wsgi_app(environ, start_response)

    return mounted


def example_requests(url: str, auth_host: str) -> str:
    """Copy-pasteable shell lines: make an emulator account, then sign up with it."""
    from shared.domain.policy import CURRENT_POLICY

    return (
        f"TOKEN=$(curl -s -X POST 'http://{auth_host}/identitytoolkit.googleapis.com/v1/"
        "accounts:signUp?key=local' -H 'Content-Type: application/json' -d "
        '\'{"email":"camille@example.org","password":"secret-123",'
        "\"returnSecureToken\":true}' | python3 -c 'import sys,json;"
        'print(json.load(sys.stdin)["idToken"])\')\n'
        f'curl -s -X POST {url}/signup -H "Authorization: Bearer $TOKEN" '
        "-H 'Content-Type: application/json' -d "
        f'\'{{"accept_policy_version":"{CURRENT_POLICY.version}","language":"fr"}}\''
    )


def main(argv: list[str] | None = None) -> None:
    from werkzeug.serving import run_simple

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)
    url = f"http://{args.host}:{args.port}"
    app = build_app(url)
    run_simple(args.host, args.port, app, threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
