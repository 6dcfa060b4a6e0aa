"""``sesame``: the operators' command line (and the tests').

``sesame simulate FILE.json [--month YYYY-MM]`` prints the same JSON as the
API, computed by the same code path (:func:`shared.services.eligibility.evaluate`).
``sesame warm-cache [--cache-dir DIR]`` builds the engine cache (pickled
parameters, pruning profile) ahead of deployment, so no instance pays for it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

EXIT_INVALID = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sesame", description="Sésame operator tools")
    commands = parser.add_subparsers(dest="command", required=True)
    simulate = commands.add_parser("simulate", help="simulate the aids of a household (JSON)")
    simulate.add_argument("file", type=Path, help="household answers, as the API receives them")
    simulate.add_argument("--month", help="YYYY-MM (default: the current month)")
    simulate.add_argument("--cache-dir", type=Path, help="engine cache (default ~/.cache/sesame)")
    warm = commands.add_parser("warm-cache", help="build the engine cache")
    warm.add_argument("--cache-dir", type=Path, help="engine cache (default ~/.cache/sesame)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``sesame`` console script; returns the exit status."""
    args = _parser().parse_args(list(argv) if argv is not None else None)
    from shared.services import eligibility

    eligibility.configure(args.cache_dir)
    if args.command == "warm-cache":
        eligibility.warm_up()
        _emit(sys.stdout, {"status": "ok"})
        return 0
    from shared.domain.questionnaire import Household

    try:
        household = Household.model_validate_json(args.file.read_bytes())
        report = eligibility.evaluate(household, args.month)
    except ValidationError as error:
        problems = [
            {"loc": list(item["loc"]), "msg": item["msg"], "type": item["type"]}
            for item in error.errors()
        ]
        _emit(sys.stderr, {"errors": problems})
        return EXIT_INVALID
    except ValueError as error:  # a malformed --month
        _emit(sys.stderr, {"errors": [{"loc": ["month"], "msg": str(error)}]})
        return EXIT_INVALID
    _emit(sys.stdout, report.model_dump(mode="json"))
    return 0


def _emit(stream: TextIO, payload: object) -> None:
    """JSON for humans and machines alike (UTF-8, indented)."""
    stream.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
