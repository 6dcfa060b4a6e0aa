"""Benchmark of the revocation check on every request. Not a test: prints figures.

    python -m devstack run -- .venv/bin/python -m bench.token_check [--rounds 101]

On the Auth emulator: the median time of ``verify_id_token`` with
``check_revoked=True`` (what the dispatcher does: one read of the account)
against the baseline ``check_revoked=False`` (the token alone), both timed in
this process, interleaved, and their ratio. It decides whether a cache of the
account state is worth its cost: a cache would delay a revocation by its
lifetime. Note: in emulator mode the token's signature is not checked, so
the baseline is cheaper than in production, where google-auth verifies it.
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench.vault import median_ms


def main() -> None:
    """Print the medians and their ratio."""
    from firebase_admin import auth

    from shared.adapters.clients import firebase_app
    from tests.support import emulators

    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=101)
    rounds = parser.parse_args().rounds
    person = emulators.create_user()
    app = firebase_app()
    token = person.id_token
    plain: list[float] = []
    checked: list[float] = []
    for _ in range(rounds):  # interleaved: both see the same machine load
        plain.append(median_ms(lambda: auth.verify_id_token(token, app=app), 1))
        checked.append(
            median_ms(lambda: auth.verify_id_token(token, app=app, check_revoked=True), 1)
        )
    base, with_check = statistics.median(plain), statistics.median(checked)
    print(f"rounds: {rounds}, {time.strftime('%Y-%m-%d')}")
    print(f"verify_id_token (baseline, token only): {base:.2f} ms")
    print(f"verify_id_token(check_revoked=True):    {with_check:.2f} ms")
    print(f"added by the revocation check: {with_check - base:.2f} ms ({with_check / base:.1f}x)")


if __name__ == "__main__":
    main()
