"""The API reference at ``/docs`` renders in a browser with its examples and field descriptions."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from shared.api.openapi import load_response_examples
from tests.browser.conftest import WAIT_MS, WebStack


def test_the_reference_shows_recorded_examples_and_field_descriptions(
    browser: Any, web_stack: WebStack
) -> None:
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(WAIT_MS)
    requests: list[str] = []
    context.on("request", lambda sent: requests.append(sent.url))
    page = context.new_page()
    try:
        # Deep link: Swagger UI opens the operation #/<tag>/<operationId>, in a block
        # it names operations-<tag>-<operationId>.
        page.goto(web_stack.origin + "/docs#/simulate/simulate")
        operation = page.locator("#operations-simulate-simulate")
        responses = operation.locator(".responses-wrapper")
        # The recorded answer of POST /simulate, not one made up from the schema.
        recorded = load_response_examples()["operations"]["simulate"]
        engine = recorded["report"]["engine_version"]
        expect(responses).to_contain_text(f'"engine_version": "{engine}"')
        # The request example, and a problem example of the shared error response.
        expect(operation.locator(".opblock-section-request-body")).to_contain_text('"household"')
        expect(responses).to_contain_text('"code": "validation_failed"')

        # The request's schema, expanded: nested fields with their descriptions.
        body = operation.locator(".opblock-section-request-body")
        body.get_by_role("tab", name="Schema").click(no_wait_after=True)
        body.get_by_role("button", name="Expand all").first.click(no_wait_after=True)
        expect(body).to_contain_text("INSEE code of the commune")
        expect(body).to_contain_text("Monthly rent without charges in euros")
        assert all(url.startswith(web_stack.origin) for url in requests), requests
    finally:
        context.close()
