"""``sesame``: the operators' command line (and the tests').

``sesame simulate FILE.json [--month YYYY-MM]`` prints the same JSON as the
API's answer to an anonymous caller (``SimulationResponse`` with ``stored:
false``), validated by the same request model (``SimulateRequest``: supported
months, nobody born after the month) and computed by the same code path
(:func:`shared.services.eligibility.evaluate`); invalid input exits with 2.
With ``--what-would-change`` it prints the answer of
``POST /simulate/what-would-change`` for the same body instead.
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
    simulate.add_argument(
        "file",
        type=Path,
        help="the body of POST /simulate ({household, month}), or the household alone",
    )
    simulate.add_argument("--month", help="YYYY-MM (default: the current month)")
    simulate.add_argument(
        "--what-would-change",
        action="store_true",
        help="print what would change the aids (POST /simulate/what-would-change) instead",
    )
    simulate.add_argument("--cache-dir", type=Path, help="engine cache (default ~/.cache/sesame)")
    warm = commands.add_parser("warm-cache", help="build the engine cache")
    warm.add_argument("--cache-dir", type=Path, help="engine cache (default ~/.cache/sesame)")
    alerts = commands.add_parser(
        "alerts-run",
        help="start a smart-alert run now (after a catalogue change or an OpenFisca upgrade)",
    )
    alerts.add_argument("--cache-dir", type=Path, help="engine cache (default ~/.cache/sesame)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``sesame`` console script; returns the exit status."""
    args = _parser().parse_args(list(argv) if argv is not None else None)
    from shared import structured_log

    # stdout carries the JSON answer alone: log events go to stderr meanwhile.
    previous = structured_log._stream
    structured_log.set_stream(sys.stderr)
    try:
        return _run(args)
    finally:
        structured_log.set_stream(previous)


def _run(args: argparse.Namespace) -> int:
    from shared.services import eligibility

    eligibility.configure(args.cache_dir)
    if args.command == "warm-cache":
        eligibility.warm_up()
        _emit(sys.stdout, {"status": "ok"})
        return 0
    if args.command == "alerts-run":
        return _alerts_run()
    from shared.errors import validation_locations
    from shared.models.simulation import SimulateRequest, SimulationResponse

    try:
        # The body of POST /simulate as is, or a household alone (wrapped into one).
        content = json.loads(args.file.read_bytes())
        body: dict[str, object] = (
            dict(content)
            if isinstance(content, dict) and "household" in content
            else {"household": content}
        )
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        problem = {"loc": ["file"], "msg": str(error), "type": "invalid_json"}
        _emit(sys.stderr, {"errors": [problem]})
        return EXIT_INVALID
    if args.month is not None:
        body["month"] = args.month
    try:
        # As strict as the API: a boolean is true or false, a number a JSON number.
        request = SimulateRequest.model_validate_json(json.dumps(body), strict=True)
        if args.what_would_change:
            from shared.services.what_would_change import what_would_change

            changes = what_would_change(request.household, request.month)
            _emit(sys.stdout, changes.model_dump(mode="json"))
            return 0
        report = eligibility.evaluate(request.household, request.month)
    except ValidationError as error:
        # The field a cross-field check names is in the ``loc``, as in the API's
        # ``field`` (e.g. ``household.persons.1.birth_date``).
        problems = [
            {"loc": list(loc), "msg": item["msg"], "type": item["type"]}
            for item, loc in zip(error.errors(), validation_locations(error), strict=True)
        ]
        _emit(sys.stderr, {"errors": problems})
        return EXIT_INVALID
    except ValueError as error:  # a month refused by the engine (SimulateRequest checks first)
        _emit(sys.stderr, {"errors": [{"loc": ["month"], "msg": str(error)}]})
        return EXIT_INVALID
    # Exactly the API's answer to an anonymous caller (nothing is stored).
    _emit(sys.stdout, SimulationResponse(report=report, stored=False).model_dump(mode="json"))
    return 0


def _alerts_run() -> int:
    """Open a run and enqueue its batches, as the staff endpoint does; prints the run's counts."""
    from datetime import UTC, datetime

    from shared.services import alerts

    now = datetime.now(UTC)
    run_id = f"cli-{now:%Y-%m-%d-%H-%M-%S}"
    alerts.dispatch(run_id, "operator", now=now)
    _emit(sys.stdout, alerts.run_out(run_id).model_dump(mode="json"))
    return 0


def _emit(stream: TextIO, payload: object) -> None:
    """JSON for humans and machines alike (UTF-8, indented)."""
    stream.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
