"""The first real request each deployed function must answer from its own package.

A function served from its package (devstack.function_packages) is proved by one
request a browser or a queue would really send, on the emulators: a 2xx there means
the package carries every file and distribution that request needs. Each function
has its entry here; a function folder without one fails tests/packages until it gets
one, so a new function cannot be deployed unproved.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests

from shared.domain.policy import CURRENT_POLICY
from tests.integration.test_simulate import MONTH, SINGLE_NO_INCOME
from tests.support import emulators

TIMEOUT = 120  # simulate builds the OpenFisca system on its first request

# The integration tests' single adult without resources renting in Paris (commune
# 75056), so that the City of Paris aids (the OpenFisca-Paris extension) are computed.
SIMULATION_REQUEST: dict[str, Any] = {"household": SINGLE_NO_INCOME, "month": MONTH}


def _signup_body() -> dict[str, Any]:
    return {"accept_policy_version": CURRENT_POLICY.version, "language": "fr"}


def sign_up(signup_url: str) -> tuple[emulators.EmulatorUser, requests.Response]:
    """A new Auth-emulator account signs up at ``signup_url``."""
    user = emulators.create_user()
    response = requests.post(signup_url, json=_signup_body(), headers=user.headers, timeout=TIMEOUT)
    return user, response


def _signed_up(urls: Mapping[str, str]) -> dict[str, str]:
    """Headers of a new beneficiary, signed up through the served ``signup``."""
    user, created = sign_up(urls["signup"])
    created.raise_for_status()
    return user.refresh().headers  # the token now carries the beneficiary role


def read_profile_after_signup(urls: Mapping[str, str]) -> requests.Response:
    """A new beneficiary reads its profile."""
    return requests.get(urls["profile"], headers=_signed_up(urls), timeout=TIMEOUT)


def simulate_signed_in(urls: Mapping[str, str]) -> requests.Response:
    """A new beneficiary simulates a Paris household (kept in its history)."""
    return requests.post(
        urls["simulate"], json=SIMULATION_REQUEST, headers=_signed_up(urls), timeout=TIMEOUT
    )


def simulate_anonymously(urls: Mapping[str, str]) -> requests.Response:
    """An anonymous simulation (nothing stored) of the same Paris household."""
    return requests.post(urls["simulate"], json=SIMULATION_REQUEST, timeout=TIMEOUT)


@dataclass(frozen=True)
class FirstRequest:
    """How to send a function its first request, given the served functions' base URLs."""

    send: Callable[[Mapping[str, str]], requests.Response]
    also_serves: tuple[str, ...] = ()  # other functions the request goes through first


FIRST_REQUESTS: dict[str, FirstRequest] = {
    "signup": FirstRequest(lambda urls: sign_up(urls["signup"])[1]),
    "profile": FirstRequest(read_profile_after_signup, also_serves=("signup",)),
    "simulate": FirstRequest(simulate_signed_in, also_serves=("signup",)),
}
