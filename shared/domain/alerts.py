"""Smart alerts (R5): what changed since the last run, and who to tell about what.

Pure rules, unit-tested without any store:

* **What changed.** Each run records a fingerprint of every aid of the
  catalogue and the engine version. The next run compares: an aid whose id
  is new (published since) or whose entry changed, and every aid when the
  engine (OpenFisca-France: rules, parameters) or the legislation month
  changed, is re-evaluated. Nothing changed: nobody is evaluated.
* **Who is concerned.** A person is told about an aid that concerns them now
  and did not when they were last told (or, never told, in the result they
  last saw), or whose amount rose notably since.
* **Unsubscribing without signing in.** Every mail carries a token naming the
  person and the list, signed with a key of the service (HMAC-SHA256): only
  the service can make one, and it fits a URL path segment.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

MailList = Literal["alerts", "promotion"]

# A rise is "notable" when it is at least this much a month and this share of
# the amount last told: small recalculations (a parameter revalued by 1 %)
# are not worth an e-mail.
NOTABLE_RISE_EUROS = 20.0
NOTABLE_RISE_SHARE = 0.10

# The people of one batch task: one vectorised simulation. With the cyclic collector
# paused during a batch its fixed cost is small (≈ 0.3 CPU-s) and each household
# adds ≈ 0.33 CPU-ms (bench/alerts.py --curve, stored answers parsed, 10 % of
# households that may receive the AAH, 2-core development machine): 2,817 / 2,825 /
# 2,920 households per CPU-second in batches of 10,000 / 15,000 / 20,000, for a peak
# memory of 617 / 860 / 1,104 MB. 10,000 takes the gain and keeps the worker's 2 GiB
# far off.
BATCH_SIZE = 10_000

# A task's body must stay under Cloud Tasks' 1 MB: uids are up to 128 characters,
# so a batch also closes when its uids would pass this many bytes (10,000 Firebase
# uids of 28 characters take ~0.3 MB; only unusually long ids reach the cap).
MAX_BATCH_UID_BYTES = 900_000

_LIST_LETTER: dict[str, str] = {"alerts": "a", "promotion": "p"}
_MAC_CHARS = 22  # 132 bits of the HMAC, base64url
_TOKEN_UID_MAX = 41  # route path segments are at most 64 characters


@dataclass(frozen=True)
class Changes:
    """What a run re-evaluates, and why (recorded on the run)."""

    aids: tuple[str, ...]
    new_aids: tuple[str, ...]
    changed_aids: tuple[str, ...]
    engine_changed: bool
    month_changed: bool

    @property
    def reason(self) -> str:
        if self.engine_changed:
            return "engine_version"
        if self.month_changed:
            return "legislation_month"
        if self.new_aids and not self.changed_aids:
            return "new_aids"
        if self.aids:
            return "catalogue_change"
        return "nothing_changed"


def changes_since(
    fingerprints: Mapping[str, str],
    engine_version: str,
    month: str,
    *,
    previous_fingerprints: Mapping[str, str] | None,
    previous_engine_version: str | None,
    previous_month: str | None,
    engine_aids: Iterable[str],
) -> Changes:
    """The engine aids to re-evaluate, given this run's and the previous run's state.

    ``engine_aids`` are the aids the engine computes (rule aids need no
    batch simulation). Without a previous run every engine aid is evaluated:
    people are then compared with the results they last saw.
    """
    computed = [aid for aid in fingerprints if aid in set(engine_aids)]
    if previous_fingerprints is None:
        return Changes(tuple(sorted(computed)), (), (), True, True)
    new = sorted(a for a in computed if a not in previous_fingerprints)
    changed = sorted(
        a
        for a in computed
        if a in previous_fingerprints and previous_fingerprints[a] != fingerprints[a]
    )
    engine_changed = engine_version != previous_engine_version
    month_changed = month != previous_month
    every = engine_changed or month_changed
    aids = sorted(computed) if every else sorted({*new, *changed})
    return Changes(tuple(aids), tuple(new), tuple(changed), engine_changed, month_changed)


def notable_rise(before: float, now: float) -> bool:
    """Whether a monthly amount rose enough since last told to be worth an e-mail."""
    rise = now - before
    return rise >= NOTABLE_RISE_EUROS and rise >= NOTABLE_RISE_SHARE * before


def worth_telling(before: Mapping[str, float], now: Mapping[str, float]) -> dict[str, float]:
    """The aids (id -> monthly amount now) a person should hear about.

    ``before`` is what they were last told, or the result they last saw; an
    aid missing there did not concern them. An aid newly concerning them, or
    whose amount rose notably, is worth telling; one that fell or stayed is not.
    """
    told: dict[str, float] = {}
    for aid, amount in now.items():
        previous = before.get(aid, 0.0)
        if amount <= 0:
            continue
        if previous <= 0 or notable_rise(previous, amount):
            told[aid] = amount
    return told


def batched(uids: Iterable[str]) -> Iterator[list[str]]:
    """``uids`` in order, cut into the batches of one task each: at most
    ``BATCH_SIZE`` people and ``MAX_BATCH_UID_BYTES`` of uids (quoted JSON strings
    and their separators counted) per batch."""
    pending: list[str] = []
    size = 0
    for uid in uids:
        cost = len(uid.encode()) + 4  # its quotes, and the comma and space after it
        if pending and (len(pending) == BATCH_SIZE or size + cost > MAX_BATCH_UID_BYTES):
            yield pending
            pending, size = [], 0
        pending.append(uid)
        size += cost
    if pending:
        yield pending


def batch_task_name(run_id: str, batch: int) -> str:
    """The Cloud Tasks name of one batch: the same run and batch always give the same name,
    so a repeated dispatch enqueues nothing new (the queue refuses a name it has seen)."""
    return f"alerts-{run_id}-{batch:05d}"


# ------------------------------------------------------------------ unsubscribe tokens


def _mac(key: bytes, mail_list: str, uid: str) -> str:
    digest = hmac.new(key, f"unsubscribe:{mail_list}:{uid}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:_MAC_CHARS]


def unsubscribe_token(key: bytes, mail_list: MailList, uid: str) -> str:
    """A token that unsubscribes ``uid`` from ``mail_list``, made only with ``key``.

    Letter of the list, the MAC, then the uid: all in ``[A-Za-z0-9_-]``, at
    most 64 characters, so it is one path segment of the unsubscribe URL.
    """
    if not uid or len(uid) > _TOKEN_UID_MAX:
        raise ValueError("uid too long for an unsubscribe token")
    return _LIST_LETTER[mail_list] + _mac(key, mail_list, uid) + uid


def read_unsubscribe_token(key: bytes, token: str) -> tuple[MailList, str] | None:
    """``(list, uid)`` of a genuine token; ``None`` for anything forged or altered."""
    lists = {letter: name for name, letter in _LIST_LETTER.items()}
    if len(token) <= 1 + _MAC_CHARS or token[0] not in lists:
        return None
    mail_list = lists[token[0]]
    mac, uid = token[1 : 1 + _MAC_CHARS], token[1 + _MAC_CHARS :]
    if not hmac.compare_digest(mac, _mac(key, mail_list, uid)):
        return None
    return mail_list, uid  # type: ignore[return-value]


def address_key(email: str) -> str:
    """The document id of an address's suppression: a hash, so the id itself names no one."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:40]
