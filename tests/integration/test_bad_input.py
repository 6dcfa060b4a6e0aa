"""Bad input on every endpoint: a 4xx problem+json with a stable code, and no write.

Cases are generated from the route table, so a new endpoint is covered the
moment it is declared.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from shared.api.endpoints import ROUTES
from shared.api.route import AUTH_REQUIRED, Route
from shared.config import settings
from shared.domain.policy import CURRENT_POLICY
from tests.support import emulators

BODY_ROUTES = [r for r in ROUTES if r.request_model is not None]
# The endpoints that work on the caller's own beneficiary data.
PROFILE_ROUTES = [r for r in ROUTES if "not_registered" in r.errors]
TOKEN_ROUTES = [r for r in ROUTES if r.auth == AUTH_REQUIRED]


def _call(function_client: Any, route: Route, **kwargs: Any) -> Any:
    client = function_client(route.function)
    return client.open(route.example_path, method=route.method, **kwargs)


def _assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.data
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["code"] == code
    assert body["status"] == status
    assert body["type"].endswith("/" + code)
    assert body["title"] and body["detail"]
    return body


@pytest.fixture
def registered(function_client: Any) -> emulators.EmulatorUser:
    person = emulators.create_user()
    response = function_client("signup").post(
        "/", json={"accept_policy_version": CURRENT_POLICY.version}, headers=person.headers
    )
    assert response.status_code == 201
    return person


def _snapshot() -> list[tuple[str, Any]]:
    from shared.adapters.clients import firestore_client

    return sorted(
        (path, firestore_client().document(path).get().to_dict())
        for path in emulators.all_document_paths()
    )


@pytest.mark.parametrize("route", TOKEN_ROUTES, ids=lambda r: r.operation_id)
def test_missing_token_is_401(function_client, route):
    before = _snapshot()
    _assert_problem(_call(function_client, route, json={}), 401, "unauthenticated")
    assert _snapshot() == before


def _unsigned_token(claims: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


@pytest.mark.parametrize(
    "token",
    [
        "not-a-jwt",
        # Right shape, wrong project: a token minted for another Firebase project.
        _unsigned_token(
            {
                "aud": "other-project",
                "iss": "https://securetoken.google.com/other-project",
                "sub": "x",
                "user_id": "x",
                "iat": 1,
                "exp": 4102444800,
                "auth_time": 1,
            }
        ),
        # Expired token for this project.
        "EXPIRED",
    ],
    ids=["garbage", "wrong-project", "expired"],
)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.operation_id)
def test_forged_or_expired_token_is_401(function_client, route, token):
    if token == "EXPIRED":
        project = settings().project
        token = _unsigned_token(
            {
                "aud": project,
                "iss": f"https://securetoken.google.com/{project}",
                "sub": "x",
                "user_id": "x",
                "iat": 1,
                "exp": 2,
                "auth_time": 1,
            }
        )
    before = _snapshot()
    response = _call(function_client, route, json={}, headers={"Authorization": f"Bearer {token}"})
    _assert_problem(response, 401, "token_invalid")
    assert _snapshot() == before


@pytest.mark.parametrize("route", BODY_ROUTES, ids=lambda r: r.operation_id)
def test_malformed_json_is_400(function_client, registered, route):
    before = _snapshot()
    response = _call(
        function_client,
        route,
        data='{"granted": tru',
        content_type="application/json",
        headers=registered.headers,
    )
    _assert_problem(response, 400, "invalid_json")
    assert _snapshot() == before


@pytest.mark.parametrize("route", BODY_ROUTES, ids=lambda r: r.operation_id)
def test_unknown_field_is_422_naming_it(function_client, registered, route):
    before = _snapshot()
    response = _call(function_client, route, json={"is_admin": True}, headers=registered.headers)
    body = _assert_problem(response, 422, "validation_failed")
    assert any(e["field"] == "is_admin" and e["code"] == "extra_forbidden" for e in body["errors"])
    assert _snapshot() == before


@pytest.mark.parametrize("route", BODY_ROUTES, ids=lambda r: r.operation_id)
def test_wrong_types_are_422(function_client, registered, route):
    assert route.request_model is not None
    wrong = {name: {"nested": ["x"]} for name in route.request_model.model_fields}
    before = _snapshot()
    response = _call(function_client, route, json=wrong, headers=registered.headers)
    body = _assert_problem(response, 422, "validation_failed")
    assert {e["field"].split(".")[0] for e in body["errors"]} <= set(
        route.request_model.model_fields
    )
    assert _snapshot() == before


@pytest.mark.parametrize("route", BODY_ROUTES, ids=lambda r: r.operation_id)
def test_json_array_body_is_422(function_client, registered, route):
    response = _call(function_client, route, json=[1, 2], headers=registered.headers)
    _assert_problem(response, 422, "validation_failed")


@pytest.mark.parametrize("route", BODY_ROUTES, ids=lambda r: r.operation_id)
def test_non_json_media_type_is_415(function_client, registered, route):
    response = _call(
        function_client,
        route,
        data="granted=true",
        content_type="application/x-www-form-urlencoded",
        headers=registered.headers,
    )
    _assert_problem(response, 415, "unsupported_media_type")


@pytest.mark.parametrize("route", BODY_ROUTES, ids=lambda r: r.operation_id)
def test_oversized_body_is_413(function_client, registered, route):
    before = _snapshot()
    padding = "x" * (settings().max_body_bytes + 1)
    response = _call(
        function_client,
        route,
        data=json.dumps({"given_name": padding}),
        content_type="application/json",
        headers=registered.headers,
    )
    _assert_problem(response, 413, "payload_too_large")
    assert _snapshot() == before


# A valid body per operation, so the test reaches the ownership check.
VALID_BODIES: dict[str, dict[str, Any] | None] = {
    "getProfile": None,
    "rectifyProfile": {"given_name": "Eve"},
    "listConsentEvents": None,
    "setConsent": {"granted": True, "policy_version": CURRENT_POLICY.version},
    "setObjection": {"objected": True},
    "setRestriction": {"restricted": True},
    "simulate": {
        "household": {
            "persons": [{"id": "eve", "relationship": "applicant", "birth_date": "1990-01-01"}],
            "housing": {"status": "tenant", "rent": 500, "commune": "75056"},
        }
    },
    "simulationHistory": None,
    "listOutcomes": None,
    "recordOutcome": {"status": "applied"},
    # Vault and forms (R7, R9).
    "withdrawVaultConsent": {"confirm_empty_vault": True, "policy_version": CURRENT_POLICY.version},
    "proposeForm": None,
    "generateForm": {"edits": {}},
}


@pytest.mark.parametrize("route", PROFILE_ROUTES, ids=lambda r: r.operation_id)
def test_another_users_data_is_unreachable(function_client, registered, route):
    """A signed-in user without a profile gets 'not_registered', never someone else's data."""
    stranger = emulators.create_user()
    before = _snapshot()
    response = _call(
        function_client, route, json=VALID_BODIES[route.operation_id], headers=stranger.headers
    )
    _assert_problem(response, 409, "not_registered")
    assert _snapshot() == before


def test_unknown_path_is_404_and_wrong_method_405(function_client, registered):
    _assert_problem(
        function_client("profile").get("/nothing", headers=registered.headers), 404, "not_found"
    )
    body = _assert_problem(
        function_client("profile").delete("/", headers=registered.headers),
        405,
        "method_not_allowed",
    )
    assert body["allowed"] == "GET, PATCH"


def test_cors_preflight_answers_allowed_origin_without_wildcard(function_client):
    origin = settings().cors_origins[0]
    response = function_client("profile").options(
        "/", headers={"Origin": origin, "Access-Control-Request-Method": "PATCH"}
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == origin
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert "PATCH" in response.headers["Access-Control-Allow-Methods"]


def test_cors_refuses_unknown_origin(function_client, registered):
    response = function_client("profile").get(
        "/", headers={"Origin": "https://evil.example", **registered.headers}
    )
    _assert_problem(response, 403, "origin_not_allowed")
    assert "Access-Control-Allow-Origin" not in response.headers


def test_problems_are_french_by_default_and_english_on_request(function_client, registered):
    """Stable codes; the person reads French unless they ask for English."""
    profile = function_client("profile")
    body = {"given_name": "x" * 81}

    french = profile.patch("/", json=body, headers=registered.headers)
    english = profile.patch("/", json=body, headers={**registered.headers, "Accept-Language": "en"})

    assert french.status_code == english.status_code == 422
    fr, en = french.get_json(), english.get_json()
    assert fr["code"] == en["code"] == "validation_failed"
    assert (fr["title"], fr["detail"]) == (
        "Certains champs sont invalides",
        "Certains champs sont invalides.",
    )
    assert (en["title"], en["detail"]) == ("Some fields are invalid", "Some fields are invalid.")
    assert fr["errors"][0]["message"] == "doit contenir au plus 80 caractères"
    assert en["errors"][0]["message"] == "String should have at most 80 characters"
    assert french.headers["Content-Language"] == "fr"
    assert english.headers["Content-Language"] == "en"
