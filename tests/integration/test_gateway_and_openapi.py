"""One local address for every function; the served OpenAPI document is the generated one."""

from __future__ import annotations

from pathlib import Path

from werkzeug.test import Client

from devstack.gateway import build_app, function_names
from shared.api.openapi import build_document
from shared.api.routes import ROUTES
from shared.domain.policy import CURRENT_POLICY
from tests.support import emulators

ROOT = Path(__file__).resolve().parents[2]


def gateway() -> Client:
    return Client(build_app("http://127.0.0.1:8080"))


def test_every_function_folder_is_served_and_documented():
    assert function_names() == sorted(p.parent.name for p in (ROOT / "functions").glob("*/main.py"))
    documented = {route.function for route in ROUTES}
    assert set(function_names()) == documented


def test_served_openapi_is_the_generated_document():
    response = gateway().get("/openapi.json")
    assert response.status_code == 200
    assert response.get_json() == build_document("http://127.0.0.1:8080")


def test_docs_page_lists_every_operation():
    page = gateway().get("/docs").get_data(as_text=True)
    for route in ROUTES:
        assert route.public_path in page


def test_a_request_through_the_gateway_reaches_the_function():
    person = emulators.create_user()
    client = gateway()
    created = client.post(
        "/signup", json={"accept_policy_version": CURRENT_POLICY.version}, headers=person.headers
    )
    read = client.get("/profile", headers=person.headers)

    assert created.status_code == 201
    assert read.status_code == 200
    assert read.get_json()["uid"] == person.uid


def test_unknown_function_is_a_problem_json_404():
    response = gateway().get("/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["code"] == "not_found"
