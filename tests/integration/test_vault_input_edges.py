"""Vault requests that fuzzing once turned into server errors: each is a clear 4xx or a success.

Every case here came from the Schemathesis run over the served OpenAPI
document (tests/integration/test_schemathesis.py); they are kept as plain
requests so a regression names the exact body.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.test_vault_api import sign_up, slot
from tests.support import emulators

pytestmark = pytest.mark.integration


@pytest.fixture
def owner(function_client: Any) -> emulators.EmulatorUser:
    person = emulators.create_user()
    sign_up(function_client, person)
    return person


def test_a_change_with_every_field_null_but_one_is_applied_or_refused_cleanly(
    function_client, owner
):
    document_id = slot(function_client, owner, b"%PDF-1.4 x")["document_id"]
    response = function_client("vault").patch(
        f"/documents/{document_id}",
        json={
            "aid_ids": None,
            "display_name": None,
            "income_year": None,
            "issued_on": "2000-01-01",
            "kind": None,
        },
        headers=owner.headers,
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["issued_on"] == "2000-01-01"


def test_a_withdrawal_with_an_empty_policy_version_is_refused_cleanly(function_client, owner):
    response = function_client("vault").post(
        "/consent-withdrawal",
        json={"confirm_empty_vault": True, "policy_version": ""},
        headers=owner.headers,
    )
    assert response.status_code == 422, response.get_json()


def test_a_cursor_that_is_not_one_of_ours_is_refused_cleanly(function_client, owner):
    response = function_client("vault").post(
        "/documents/search",
        json={
            "limit": 39,
            "kind": "proof_of_address",
            "cursor": "\u00dd\u0014\u008a\u00fa",
            "aid_id": "aspa",
        },
        headers=owner.headers,
    )
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["errors"][0]["field"] == "cursor"
    # Well-formed, but not the encoding of one of our document ids ("a/b").
    response = function_client("vault").post(
        "/documents/search", json={"cursor": "YS9i"}, headers=owner.headers
    )
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["code"] == "vault_invalid_cursor"


def test_an_aid_the_catalogue_does_not_list_is_refused_and_nothing_is_written(
    function_client, owner
):
    body = {
        "aid_ids": ["z2", "rsa"],
        "size": 4,
        "kind": "tax_notice",
        "content_type": "application/pdf",
    }
    response = function_client("vault").post("/uploads", json=body, headers=owner.headers)
    assert response.status_code == 422, response.get_json()
    assert "aid_ids" in str(response.get_json()), response.get_json()
    listed = function_client("vault").post("/documents/search", json={}, headers=owner.headers)
    assert listed.get_json()["documents"] == []


def test_an_issue_date_is_kept_and_can_be_changed(function_client, owner):
    document_id = slot(
        function_client, owner, b"%PDF-1.4 x", kind="proof_of_address", issued_on="2026-10-02"
    )["document_id"]
    changed = function_client("vault").patch(
        f"/documents/{document_id}", json={"issued_on": "2026-11-03"}, headers=owner.headers
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["issued_on"] == "2026-11-03"


def test_a_file_name_with_astral_characters_is_kept_sanitised(function_client, owner):
    body = (
        '{"size": 4, "kind": "tax_notice", "file_name": "avis \\ud834\\udfef.pdf",'
        ' "content_type": "application/pdf"}'
    )
    response = function_client("vault").post(
        "/uploads", data=body, content_type="application/json", headers=owner.headers
    )
    assert response.status_code == 201, response.get_json()


def test_the_search_resource_allows_only_post_and_says_so(function_client, owner):
    for method in ("get", "patch", "delete"):
        response = getattr(function_client("vault"), method)(
            "/documents/search", headers=owner.headers
        )
        assert response.status_code == 405, (method, response.get_json())
        assert response.headers["Allow"] == "POST"
    # A real document id still reaches the document routes.
    document_id = slot(function_client, owner, b"%PDF-1.4 x")["document_id"]
    response = function_client("vault").patch(
        f"/documents/{document_id}", json={"display_name": "avis"}, headers=owner.headers
    )
    assert response.status_code == 200, response.get_json()
