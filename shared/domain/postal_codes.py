"""French postal codes → the communes they serve (INSEE codes and names).

People know their postal code, not their commune's INSEE code — and a postal
code may be another commune's INSEE code (69001 is Lyon 1er's postal code and
Affoux's INSEE code). The questionnaire therefore accepts a postal code and,
when it serves several communes, asks which; the INSEE code stays the stored
value the rules read. Data: ``data/postal_codes.tsv.gz``, built into the
repository by ``scripts/build_postal_codes.py`` from the npm package
``codes-postaux`` (source and date in the file's header).
"""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

from shared.domain.strict import FrozenStrictModel

DATA_PATH = Path(__file__).with_name("data") / "postal_codes.tsv.gz"


class CommuneChoice(FrozenStrictModel):
    """One commune a postal code serves."""

    insee: str
    name: str


@cache
def _table() -> dict[str, tuple[CommuneChoice, ...]]:
    table: dict[str, tuple[CommuneChoice, ...]] = {}
    with gzip.open(DATA_PATH, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or not line.strip():
                continue
            postal, *served = line.rstrip("\n").split("\t")
            table[postal] = tuple(
                CommuneChoice(insee=insee, name=name)
                for insee, name in (entry.split("=", 1) for entry in served)
            )
    return table


def communes_for(postal_code: str) -> tuple[CommuneChoice, ...]:
    """The communes ``postal_code`` serves (empty for an unknown code)."""
    return _table().get(postal_code, ())


def data_source() -> str:
    """The header line naming the data's source, version and date."""
    with gzip.open(DATA_PATH, "rt", encoding="utf-8") as handle:
        return handle.readline().lstrip("# ").strip()


__all__ = ["CommuneChoice", "communes_for", "data_source"]
