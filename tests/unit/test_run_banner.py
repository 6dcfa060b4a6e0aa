"""`make run` prints where the API is and a first request that works as pasted."""

from __future__ import annotations

from devstack.cli import api_banner
from devstack.settings import Settings
from shared.domain.policy import CURRENT_POLICY


def test_banner_names_docs_and_a_signup_request_with_the_current_policy():
    settings = Settings.from_environ()
    banner = api_banner(settings)

    gateway = settings.url("gateway")
    assert f"{gateway}/docs" in banner and f"{gateway}/openapi.json" in banner
    assert f"curl -s -X POST {gateway}/signup" in banner
    assert f"http://{settings.address('auth')}/identitytoolkit.googleapis.com" in banner
    assert f'"accept_policy_version":"{CURRENT_POLICY.version}"' in banner
