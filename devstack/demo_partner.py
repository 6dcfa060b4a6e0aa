"""A local partner intranet for trying single sign-on end to end (R2), served by the gateway.

A client's intranet signs a short hand-off (a JWT naming the person's e-mail)
with its own key and publishes the public half as a JWKS. Locally, this
module plays that intranet: it keeps an ES256 key under
``.devstack/demo-partner/`` (made on first use, never committed), and the
gateway serves

* ``/demo-partner/jwks.json``: the key set Sésame fetches to verify;
* ``/demo-partner``: a page where one types an e-mail and gets a signed
  hand-off, with the ``curl`` line that trades it for a Firebase custom token.

``python -m devstack demo-partner EMAIL`` does the same from a shell, after
recording (once) a demo organisation whose sign-on settings point at that
key set, with self-registration allowed so that any address can try it.
"""

from __future__ import annotations

import hashlib
import html
import json
import time
import uuid
from pathlib import Path
from typing import Any

from devstack.settings import STATE_DIR

KEY_FILE = STATE_DIR / "demo-partner" / "es256.pem"
ISSUER = "https://intranet.partenaire-demo.example"
ALGORITHM = "ES256"
LIFETIME_SECONDS = 120  # well within the five minutes Sésame accepts
ORG_ID = "partenaire-demo"
PATH = "/demo-partner"


def _private_key(key_file: Path = KEY_FILE) -> Any:
    """The partner's signing key, made (owner-readable only) the first time."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    if key_file.exists():
        return serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    key = ec.generate_private_key(ec.SECP256R1())
    key_file.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    key_file.touch(mode=0o600)
    key_file.write_bytes(pem)
    return key


def _public_jwk(key: Any) -> dict[str, Any]:
    from jwt.algorithms import ECAlgorithm

    jwk = json.loads(ECAlgorithm.to_jwk(key.public_key()))
    # The key id names the key itself, so a new key file is a new kid (a rotation).
    kid = hashlib.sha256(json.dumps(jwk, sort_keys=True).encode()).hexdigest()[:16]
    return {**jwk, "kid": kid, "use": "sig", "alg": ALGORITHM}


def key_set(key_file: Path = KEY_FILE) -> dict[str, Any]:
    """The JWKS the partner publishes: its public key only."""
    return {"keys": [_public_jwk(_private_key(key_file))]}


def signed_hand_off(email: str, org_id: str = ORG_ID, key_file: Path = KEY_FILE) -> str:
    """A hand-off as the partner's intranet would sign it for ``email``."""
    import jwt

    from shared.services.sso import audience_of

    key = _private_key(key_file)
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": audience_of(org_id),
        "iat": now,
        "nbf": now,
        "exp": now + LIFETIME_SECONDS,
        "jti": uuid.uuid4().hex,
        "email": email,
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM, headers={"kid": _public_jwk(key)["kid"]})


def register(gateway_url: str, org_id: str = ORG_ID) -> str:
    """Record the demo organisation and its sign-on settings (admin writes to the emulator).

    Idempotent: running it again points the settings at the same key set.
    Returns the organisation id.
    """
    from datetime import UTC, date, datetime

    from shared.adapters import document_store
    from shared.domain.data_registry import ORGANISATIONS, SSO_PARTNERS
    from shared.models.organisations import Organisation
    from shared.models.sso import SsoPartner

    now = datetime.now(UTC)
    organisation = Organisation(
        name="Partenaire de démonstration",
        contract_start=date(now.year, 1, 1),
        contract_end=date(now.year + 1, 12, 31),
        billing_name="Démo Locale",
        billing_email="facturation@partenaire-demo.example",
        created_at=now,
    )
    partner = SsoPartner(
        issuer=ISSUER,
        jwks_url=f"{gateway_url}{PATH}/jwks.json",
        algorithm=ALGORITHM,
        allow_self_registration=True,
        registered_at=now,
    )

    def work(writes: Any) -> None:
        writes.set(ORGANISATIONS.path(org_id=org_id), organisation)
        writes.set(SSO_PARTNERS.path(org_id=org_id), partner)

    document_store.run_in_transaction(work)
    return org_id


def trade_command(gateway_url: str, assertion: str, org_id: str = ORG_ID) -> str:
    """The ``curl`` line that trades a hand-off for a Firebase custom token."""
    body = json.dumps({"assertion": assertion})
    return (
        f"curl -s -X POST {gateway_url}/sso/{org_id} "
        f"-H 'Content-Type: application/json' -d '{body}'"
    )


def page(gateway_url: str, email: str | None) -> str:
    """The partner's page: a form, and once an e-mail is typed, its signed hand-off."""
    result = ""
    if email:
        assertion = signed_hand_off(email)
        result = (
            "<h2>Passage signé</h2>"
            f"<p>Valable {LIFETIME_SECONDS} secondes, une seule fois.</p>"
            f"<textarea rows='6' cols='100' readonly>{html.escape(assertion)}</textarea>"
            "<p>Échangez-le contre un jeton de connexion Firebase :</p>"
            f"<pre>{html.escape(trade_command(gateway_url, assertion))}</pre>"
        )
    return (
        "<!doctype html><html lang='fr'><head><meta charset='utf-8'>"
        "<title>Intranet partenaire (démo locale)</title></head><body>"
        "<h1>Intranet partenaire — démonstration locale</h1>"
        "<p>Cette page joue l'intranet d'une organisation cliente : elle signe, avec sa "
        f"propre clé (publiée sur <a href='{PATH}/jwks.json'>{PATH}/jwks.json</a>), "
        "l'adresse e-mail d'une personne pour qu'elle arrive connectée sur Sésame.</p>"
        f"<form method='get' action='{PATH}'><label>Adresse e-mail "
        "<input type='email' name='email' required></label> "
        "<button type='submit'>Signer le passage</button></form>"
        f"{result}</body></html>"
    )


def main(email: str, gateway_url: str) -> int:
    """Register the demo partner, then print a signed hand-off for ``email`` and how to use it."""
    org_id = register(gateway_url)
    assertion = signed_hand_off(email, org_id)
    print(f"Organisation {org_id}: sign-on through {gateway_url}{PATH}/jwks.json ({ALGORITHM}).")
    print(f"Signed hand-off for {email} (valid {LIFETIME_SECONDS} s, once):\n{assertion}")
    print(f"Trade it for a Firebase custom token:\n    {trade_command(gateway_url, assertion)}")
    return 0
