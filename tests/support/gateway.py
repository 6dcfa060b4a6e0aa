"""The gateway as ``make run`` serves it, on a free loopback port in the test's process."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.serving import make_server

from devstack.gateway import build_app


@contextmanager
def served_gateway() -> Iterator[str]:
    """Every function behind one address on the test's emulators; yields that address."""
    server = make_server("127.0.0.1", 0, build_app("http://127.0.0.1"), threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    server.app = build_app(url)  # the OpenAPI document names the address it is served at
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url
    finally:
        server.shutdown()
        thread.join()
