"""Partner single sign-on on the real emulators (R2, R3).

A partner key set (JWKS) is served from a local HTTP server on loopback, as
a client's intranet would publish it; assertions are signed with real keys
(cryptography), verified by PyJWT in the service, and the custom token it
answers is exchanged with the Auth emulator for a real sign-in. Every
refusal case is one test.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from shared.config import settings
from shared.models.organisations import ClientInvitation
from shared.services.organisations import invitation_id
from tests.support import emulators

ISSUER = "https://intranet.mutuelle.example"
INVITED = "ana@corp.example"

RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())


class KeySet:
    """The partner's published JWKS, changeable during a test (rotation)."""

    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.fetches = 0

    def publish(self, kid: str, private_key: Any) -> None:
        public = private_key.public_key()
        algorithm = jwt.algorithms.RSAAlgorithm if isinstance(public, rsa.RSAPublicKey) else None
        jwk = json.loads(
            algorithm.to_jwk(public) if algorithm else jwt.algorithms.ECAlgorithm.to_jwk(public)
        )
        self.keys.append({**jwk, "kid": kid, "use": "sig"})


@pytest.fixture(scope="module")
def key_set() -> Iterator[tuple[KeySet, str]]:
    published = KeySet()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            published.fetches += 1
            body = json.dumps({"keys": published.keys}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield published, f"http://127.0.0.1:{server.server_port}/jwks.json"
    server.shutdown()


@pytest.fixture
def partner(function_client: Any, key_set: tuple[KeySet, str]) -> dict[str, Any]:
    """An organisation with a registered partner (RS256 pinned) and one invited address.

    Each test's partner has its own key-set address, so its cache starts empty.
    """
    published, base = key_set
    url = f"{base}?partner={uuid.uuid4().hex}"
    published.keys.clear()
    published.publish("k1", RSA_KEY)
    published.publish("ec1", EC_KEY)
    staff = emulators.create_user(role="staff")
    organisations = function_client("organisations")
    org = organisations.post(
        "/",
        json={
            "name": "Mutuelle Exemple",
            "contract_start": "2026-01-01",
            "contract_end": "2028-12-31",
            "billing_name": "Paul Martin",
            "billing_email": "factures@mutuelle.example",
        },
        headers=staff.headers,
    ).get_json()
    registered = function_client("sso").put(
        f"/partners/{org['id']}",
        json={"issuer": ISSUER, "jwks_url": url, "algorithm": "RS256"},
        headers=staff.headers,
    )
    assert registered.status_code == 200, registered.get_json()
    from shared.adapters import document_store
    from shared.domain.data_registry import CLIENT_INVITATIONS
    from tests.support.seed import NOW

    path = CLIENT_INVITATIONS.path(invitation_id=invitation_id(org["id"], INVITED))
    invitation = ClientInvitation(org_id=org["id"], email=INVITED, invited_at=NOW)
    document_store.run_in_transaction(lambda w: w.set(path, invitation))
    return {"org_id": org["id"], "audience": registered.get_json()["audience"]}


def claims(partner: dict[str, Any], **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "iss": ISSUER,
        "aud": partner["audience"],
        "iat": now,
        "nbf": now,
        "exp": now + 120,
        "jti": uuid.uuid4().hex,
        "email": INVITED,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def signed(payload: dict[str, Any], key: Any = RSA_KEY, kid: str = "k1", alg: str = "RS256") -> str:
    return jwt.encode(payload, key, algorithm=alg, headers={"kid": kid})


def hand_off(function_client: Any, partner: dict[str, Any], assertion: str) -> Any:
    return function_client("sso").post(f"/{partner['org_id']}", json={"assertion": assertion})


def refused(response: Any, reason: str) -> None:
    assert response.status_code == 401, response.get_json()
    body = response.get_json()
    assert (body["code"], body["reason"]) == ("sso_refused", reason)
    assert INVITED not in json.dumps(body)


def test_a_valid_hand_off_signs_the_invited_person_in(function_client, partner):
    response = hand_off(function_client, partner, signed(claims(partner)))

    assert response.status_code == 200, response.get_json()
    token = response.get_json()["custom_token"]
    signed_in = requests.post(
        f"http://{settings().auth_emulator_host}/identitytoolkit.googleapis.com/v1/"
        "accounts:signInWithCustomToken",
        params={"key": emulators.API_KEY},
        json={"token": token, "returnSecureToken": True},
        timeout=10,
    )
    assert signed_in.status_code == 200, signed_in.text
    from shared.adapters import identity

    uid = identity.uid_of_email(INVITED)
    assert uid is not None
    # The emulator's ID token: read, not verified (its signature proves nothing locally).
    id_claims = jwt.decode(signed_in.json()["idToken"], options={"verify_signature": False})
    assert id_claims["user_id"] == uid
    # A second hand-off (new assertion) signs in the same account.
    again = hand_off(function_client, partner, signed(claims(partner)))
    assert again.status_code == 200
    assert identity.uid_of_email(INVITED) == uid


def test_alg_none_is_refused(function_client, partner):
    unsigned = jwt.encode(claims(partner), None, algorithm="none", headers={"kid": "k1"})
    refused(hand_off(function_client, partner, unsigned), "algorithm")


def test_hs256_keyed_with_the_public_key_is_refused(function_client, partner):
    public_pem = RSA_KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    # PyJWT refuses to sign HS256 with a PEM key, so the forgery is built by hand.
    import base64
    import hashlib
    import hmac

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "k1"}).encode())
    body = b64(json.dumps(claims(partner)).encode())
    signature = hmac.new(public_pem, f"{header}.{body}".encode(), hashlib.sha256).digest()
    forged = f"{header}.{body}.{b64(signature)}"
    refused(hand_off(function_client, partner, forged), "algorithm")


def test_another_asymmetric_algorithm_than_the_pinned_one_is_refused(function_client, partner):
    es256 = signed(claims(partner), EC_KEY, kid="ec1", alg="ES256")
    refused(hand_off(function_client, partner, es256), "algorithm")


def test_an_unknown_key_id_is_refused(function_client, partner):
    refused(hand_off(function_client, partner, signed(claims(partner), kid="nope")), "unknown_key")


def test_a_bad_signature_is_refused(function_client, partner):
    refused(
        hand_off(function_client, partner, signed(claims(partner), OTHER_RSA_KEY)),
        "bad_signature",
    )


def test_an_expired_assertion_is_refused(function_client, partner):
    now = int(time.time())
    old = claims(partner, iat=now - 400, nbf=now - 400, exp=now - 200)
    refused(hand_off(function_client, partner, signed(old)), "expired")


def test_an_assertion_not_yet_valid_is_refused(function_client, partner):
    now = int(time.time())
    early = claims(partner, iat=now, nbf=now + 200, exp=now + 280)
    refused(hand_off(function_client, partner, signed(early)), "not_yet_valid")


def test_an_assertion_living_more_than_five_minutes_is_refused(function_client, partner):
    now = int(time.time())
    refused(
        hand_off(function_client, partner, signed(claims(partner, exp=now + 301))),
        "lifetime_too_long",
    )


def test_a_replayed_assertion_is_refused(function_client, partner):
    assertion = signed(claims(partner))
    assert hand_off(function_client, partner, assertion).status_code == 200
    refused(hand_off(function_client, partner, assertion), "replayed")


def test_a_wrong_audience_is_refused(function_client, partner):
    refused(
        hand_off(function_client, partner, signed(claims(partner, aud="sesame-sso:other"))),
        "wrong_audience",
    )


def test_a_wrong_issuer_is_refused(function_client, partner):
    refused(
        hand_off(function_client, partner, signed(claims(partner, iss="https://evil.example"))),
        "wrong_issuer",
    )


def test_an_address_the_client_did_not_invite_is_refused(function_client, partner):
    stranger = claims(partner, email="eve@corp.example")
    refused(hand_off(function_client, partner, signed(stranger)), "not_invited")
    from shared.adapters import identity

    assert identity.uid_of_email("eve@corp.example") is None  # no account was created


def test_a_missing_assertion_id_is_refused(function_client, partner):
    refused(hand_off(function_client, partner, signed(claims(partner, jti=None))), "missing_claim")


def test_a_rotated_key_is_fetched_again(function_client, partner, key_set, monkeypatch):
    from shared.services import sso

    monkeypatch.setattr(sso, "JWKS_REFRESH_COOLDOWN_SECONDS", 0)
    published, _ = key_set
    assert hand_off(function_client, partner, signed(claims(partner))).status_code == 200
    published.publish("k2", OTHER_RSA_KEY)  # the partner rotates after we cached its set

    response = hand_off(function_client, partner, signed(claims(partner), OTHER_RSA_KEY, "k2"))

    assert response.status_code == 200, response.get_json()


def test_made_up_key_ids_do_not_refetch_the_key_set_again_and_again(
    function_client, partner, key_set
):
    published, _ = key_set
    assert hand_off(function_client, partner, signed(claims(partner))).status_code == 200
    fetched = published.fetches

    for _ in range(3):
        refused(
            hand_off(function_client, partner, signed(claims(partner), kid="made-up")),
            "unknown_key",
        )

    assert published.fetches == fetched  # within the cooldown: the cached set answers


def test_an_unknown_organisation_is_refused(function_client, partner):
    response = function_client("sso").post("/nobody", json={"assertion": signed(claims(partner))})
    refused(response, "unknown_client")
