"""The served OpenAPI document is the contract: Schemathesis fuzzes every operation in it.

The gateway (every function behind one address, as ``make run`` serves it)
runs in this process on a free loopback port, on the test's emulators.
Schemathesis, from its own venv (``.devstack/venvs/schemathesis``), reads
``/openapi.json`` from it and sends generated requests, valid and invalid,
to every operation the document lists, signed in as a registered
beneficiary. A route added to any function is in the document, so it is
fuzzed too. The run is bounded (examples per operation) and seeded, so two
runs send the same requests; it must find no server error and no response
that breaks the document (status, content type, headers, body schema).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.install import SCHEMATHESIS_VENV
from shared.domain.policy import CURRENT_POLICY
from tests.support import emulators, gateway

SEED = 20261130
MAX_EXAMPLES = 10
CHECKS = ",".join(
    (
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "unsupported_method",
        "allow_header_conformance",
    )
)


@pytest.fixture
def served_gateway() -> Iterator[str]:
    with gateway.served_gateway() as url:
        yield url


def test_schemathesis_finds_no_server_error_and_no_contract_failure(
    served_gateway: str, tmp_path: Path
) -> None:
    import requests

    person = emulators.create_user()
    signed_up = requests.post(
        f"{served_gateway}/signup",
        json={"accept_policy_version": CURRENT_POLICY.version},
        headers=person.headers,
        timeout=30,
    )
    assert signed_up.status_code == 201, signed_up.text
    st = SCHEMATHESIS_VENV.path / "bin" / "st"
    assert st.exists(), "run `make install` (or python -m devstack install)"
    result = subprocess.run(
        [
            str(st),
            "run",
            f"{served_gateway}/openapi.json",
            "--checks",
            CHECKS,
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            str(SEED),
            "--workers",
            "1",
            "--request-timeout",
            "30",
            "--header",
            f"Authorization: Bearer {person.id_token}",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=tmp_path,
        check=False,
    )
    report = result.stdout[-6000:] + result.stderr[-2000:]
    assert result.returncode == 0, report
