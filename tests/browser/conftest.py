"""The reference web client in headless Chromium against the local stack.

One browser and one gateway serve the whole session (the emulators come from
``python -m devstack run``): each test opens its own browser context, in a desktop
and a 360-px phone viewport, so cookies and storage never leak between tests.
Every context records each request, so the tests can prove that nothing leaves for
another origin than the API and the local Auth emulator.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from devstack.install import find_chromium
from tests.support import emulators

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Git-ignored (``build/``); named in the README.
SCREENSHOTS = ROOT / "build" / "browser-screenshots"
VIEWPORTS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 360, "height": 740},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}
SERIOUS = ("serious", "critical")

#: How long an action or an ``expect`` waits. Playwright's assertions default to 5 s,
#: not to the context's timeout: on a loaded CI machine Swagger UI took longer than
#: that to open a deep-linked operation of the whole API, so both wait the same.
WAIT_MS = 20_000
expect.set_options(timeout=WAIT_MS)


@dataclass(frozen=True)
class WebStack:
    """Where the client is served and which origins it may talk to."""

    url: str
    origin: str
    auth_origin: str
    # The bucket behind the vault's signed URLs (Cloud Storage in production).
    storage_origin: str


def reset_emulators(attempts: int = 4) -> None:
    """Empty Firestore and Auth; a cold emulator (first call of the run) may need a retry."""
    import requests

    for attempt in range(attempts):
        try:
            emulators.reset_firestore()
            emulators.reset_auth()
            return
        except requests.Timeout:
            if attempt == attempts - 1:
                raise


@pytest.fixture(scope="session")
def web_stack() -> Iterator[WebStack]:
    """The gateway (API + ``/app/``) on the stack's gateway port, in a thread of this process.

    ``devstack run`` gives that port and lists its origin in ``SESAME_CORS_ORIGINS``,
    as ``make run`` does for the gateway process.
    """
    from werkzeug.serving import make_server

    from devstack.gateway import build_app

    origin = os.environ["SESAME_GATEWAY_URL"]
    address = urlsplit(origin)
    server = make_server(
        address.hostname or "127.0.0.1", address.port or 80, build_app(origin), threaded=True
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    auth_origin = f"http://{os.environ['FIREBASE_AUTH_EMULATOR_HOST']}"
    try:
        yield WebStack(
            url=f"{origin}/app/",
            origin=origin,
            auth_origin=auth_origin,
            storage_origin=os.environ["STORAGE_EMULATOR_HOST"].rstrip("/"),
        )
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium, driven by Playwright (its own browser download is not reachable)."""
    from playwright.sync_api import sync_playwright

    executable = find_chromium()
    if executable is None:
        pytest.fail("chromium is missing: `make install` installs Debian's chromium package")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(executable),
            # Running as root in CI containers: Chromium's sandbox needs user namespaces.
            args=["--no-sandbox"],
        )
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Visit:
    """One person's browser context: page, requests seen, screenshot folder."""

    page: Any
    context: Any
    stack: WebStack
    folder: Path
    requests: list[str] = field(default_factory=list)
    steps: int = 0

    def open(self, fragment: str = "") -> None:
        self.page.goto(self.stack.url + fragment)

    def drawn(self, route: str) -> None:
        """Wait until the page of ``route`` ("#/compte") is drawn: the router marks
        ``main[data-route]`` once its content is in place, never the page it leaves."""
        self.page.wait_for_function(
            "(route) => { const main = document.getElementById('main');"
            " return main.dataset.route === route && !main.hasAttribute('aria-busy'); }",
            arg=route,
        )

    def follow(self, link: str) -> None:
        """Click the menu link named ``link`` and wait for its page to be drawn."""
        anchor = self.page.get_by_role("link", name=link, exact=True).first
        route = str(anchor.get_attribute("href"))
        anchor.click()
        self.drawn(route)

    def check(self, step: str) -> None:
        """Screenshot of this step, then axe-core: no serious or critical violation."""
        self.page.wait_for_load_state("networkidle")
        self.steps += 1
        slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        self.page.screenshot(path=str(self.folder / f"{self.steps:02d}-{slug}.png"), full_page=True)
        violations = self.page.evaluate(
            """async () => {
                const result = await window.axe.run(document, {resultTypes: ["violations"]});
                return result.violations.map((v) => ({id: v.id, impact: v.impact,
                    nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 3)}));
            }"""
        )
        serious = [v for v in violations if v["impact"] in SERIOUS]
        assert serious == [], f"accessibility, step {step!r}: {serious}"

    def foreign_requests(self) -> list[str]:
        allowed = {self.stack.origin, self.stack.auth_origin, self.stack.storage_origin}
        return [
            url
            for url in self.requests
            if f"{urlsplit(url).scheme}://{urlsplit(url).netloc}" not in allowed
            and not url.startswith(("data:", "blob:"))
        ]


@pytest.fixture(params=sorted(VIEWPORTS))
def visit(request: Any, browser: Any, web_stack: WebStack) -> Iterator[Visit]:
    """A fresh context in one viewport; at the end: no foreign request, no cookie."""
    reset_emulators()
    viewport = request.param
    context = browser.new_context(locale="fr-FR", **VIEWPORTS[viewport])
    # Injected through the DevTools protocol, so the client's strict CSP stays as served.
    context.add_init_script(path=str(AXE_SCRIPT))
    context.set_default_timeout(WAIT_MS)
    folder = SCREENSHOTS / request.node.originalname / viewport
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    page = context.new_page()
    visit = Visit(page=page, context=context, stack=web_stack, folder=folder)
    context.on("request", lambda sent: visit.requests.append(sent.url))
    try:
        yield visit
        assert visit.foreign_requests() == []
        assert context.cookies() == [], "the client sets no cookie, essential or not (R24)"
    finally:
        context.close()
