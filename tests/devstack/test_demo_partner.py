"""The local partner intranet lets the whole single sign-on journey be tried (R2).

The gateway as ``make run`` serves it, on the test's emulators: the partner
is registered with its JWKS on the gateway, its page signs a hand-off for an
address, and ``/sso`` trades that hand-off for a custom token once — the
second use is refused as a replay.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from devstack import demo_partner
from tests.support import emulators, gateway


@pytest.fixture
def gateway_url() -> Iterator[str]:
    with gateway.served_gateway() as url:
        yield url


def test_the_partner_page_signs_a_hand_off_that_signs_the_person_in_once(gateway_url):
    emulators.reset_firestore()
    org_id = demo_partner.register(gateway_url)
    email = "camille.durand@partenaire-demo.example"

    keys = requests.get(f"{gateway_url}/demo-partner/jwks.json", timeout=10).json()["keys"]
    assert [(k["kty"], k["crv"], k["alg"]) for k in keys] == [("EC", "P-256", "ES256")]
    assert "d" not in keys[0]  # the public half only
    page = requests.get(f"{gateway_url}/demo-partner", params={"email": email}, timeout=10)
    assert page.status_code == 200 and "Passage signé" in page.text
    assertion = re.search(r"<textarea[^>]*>([^<]+)</textarea>", page.text)
    assert assertion is not None

    body = {"assertion": assertion.group(1)}
    signed_in = requests.post(f"{gateway_url}/sso/{org_id}", json=body, timeout=30)
    assert signed_in.status_code == 200, signed_in.text
    assert signed_in.json()["custom_token"]
    replayed = requests.post(f"{gateway_url}/sso/{org_id}", json=body, timeout=30)
    assert replayed.status_code == 401 and replayed.json()["reason"] == "replayed"


def test_a_new_key_file_is_a_new_key_id(tmp_path: Path):
    first = demo_partner.key_set(tmp_path / "one.pem")["keys"][0]
    again = demo_partner.key_set(tmp_path / "one.pem")["keys"][0]
    other = demo_partner.key_set(tmp_path / "two.pem")["keys"][0]
    assert first == again and first["kid"] != other["kid"]
    assert (tmp_path / "one.pem").stat().st_mode & 0o077 == 0  # readable by its owner only
