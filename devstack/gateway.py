"""One local address for every Cloud Function, plus the API docs.

``http://127.0.0.1:8080/<function>/…`` reaches ``functions/<function>/main.py``
exactly as functions-framework would serve it on Cloud Run (each function
mounted with its own Flask app), ``/openapi.json`` serves the generated
OpenAPI document, ``/docs`` a readable page and ``/app/`` the reference web
client (``devstack/web_client.py``). Cloud Tasks created locally target this
address too.
OpenAPI document and ``/docs`` a readable page. Cloud Tasks created locally
target this address too. ``/demo-partner`` plays a client's intranet for
single sign-on (:mod:`devstack.demo_partner`).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.wrappers import Request, Response

from devstack import web_client
from devstack.settings import PROJECT

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


def local_client_config() -> web_client.ClientConfig:
    """The web client's settings on this stack: API on the same origin, the Auth emulator."""
    from shared.domain.policy import CURRENT_POLICY

    auth_host = os.environ.get("FIREBASE_AUTH_EMULATOR_HOST")
    return web_client.ClientConfig(
        api_base="",
        firebase_api_key="local",
        firebase_project_id=os.environ.get("GOOGLE_CLOUD_PROJECT", PROJECT),
        auth_emulator=f"http://{auth_host}" if auth_host else None,
        policy_version=CURRENT_POLICY.version,
        storage_origin=os.environ.get("STORAGE_EMULATOR_HOST"),
    )


def client_response(request: Request, config: web_client.ClientConfig) -> Response:
    """A file of the web client, compressed when accepted, under a strict CSP."""
    path = request.path.removeprefix(web_client.PREFIX)
    found = web_client.read_client_file(
        path, config, "gzip" in request.headers.get("Accept-Encoding", "")
    )
    if found is None:
        return Response("Not found", status=404, content_type="text/plain; charset=utf-8")
    response = Response(found.body, content_type=found.content_type)
    if found.gzipped:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Content-Security-Policy"] = web_client.content_security_policy(
        [origin for origin in (config.auth_emulator, config.storage_origin) if origin]
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def build_app(server_url: str) -> Any:
    import functions_framework

    from devstack import demo_partner
    from shared.api.openapi import build_document, render_docs_page

    document = build_document(server_url)
    names = function_names()
    client_config = local_client_config()

    @Request.application
    def root(request: Request) -> Response:
        if request.path == "/healthz":
            return Response("ok", content_type="text/plain")
        if request.path == web_client.PREFIX.rstrip("/"):
            return Response(status=308, headers={"Location": web_client.PREFIX})
        if request.path.startswith(web_client.PREFIX):
            return client_response(request, client_config)
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
                json.dumps(
                    {
                        "functions": names,
                        "docs": "/docs",
                        "openapi": "/openapi.json",
                        "web": web_client.PREFIX,
                    }
                ),
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
