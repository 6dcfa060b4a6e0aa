"""Response examples of the OpenAPI document, held to what the API really answers.

The examples in ``shared/api/response_examples.json`` are recorded from real
responses on the emulators, never written by hand. Every integration test that
receives a success (or problem) response from a route compares it with the
route's example: same keys, same JSON types, recursively (ids, dates and
amounts may differ). A route whose answer changes shape therefore fails the
test that called it until its example is recorded again:

    SESAME_RECORD_RESPONSE_EXAMPLES=1 python -m devstack run -- \
        python -m pytest tests/integration -q -p no:cacheprovider

Recording keeps, per operation, the richest response met (the most fields with
a value, then the shortest) with each list cut to its first three items, and,
per error code, the first problem met.
"""

from __future__ import annotations

import json
import os
from typing import Any

from shared.api.endpoints import routes_of
from shared.api.openapi import RESPONSE_EXAMPLES_FILE, load_response_examples
from shared.api.route import Route

RECORDING = os.environ.get("SESAME_RECORD_RESPONSE_EXAMPLES") == "1"
# Items an example keeps of each list (a simulation lists every aid of the catalogue).
LIST_ITEMS_KEPT = 3

_recorded: dict[str, dict[str, Any]] = {"operations": {}, "problems": {}}


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[-1]]
    options = [o for o in schema.get("anyOf", []) if o.get("type") != "null"]
    if len(options) == 1:
        return _resolve(options[0], defs)
    return schema


def shape_differences(
    schema: dict[str, Any], defs: dict[str, Any], example: Any, real: Any, where: str = "$"
) -> list[str]:
    """Where ``real`` differs from ``example`` in keys or JSON types (values may differ).

    A null on either side, or an empty list, says nothing about the other's
    shape; maps (``additionalProperties``) compare each real value with the
    example's first value, since their keys are data.
    """
    if example is None or real is None:
        return []
    if _kind(example) != _kind(real):
        return [f"{where}: {_kind(real)} where the example has {_kind(example)}"]
    schema = _resolve(schema, defs)
    if isinstance(real, list):
        if not example:
            return []
        items = schema.get("items", {}) if isinstance(schema.get("items"), dict) else {}
        return [
            difference
            for index, item in enumerate(real)
            for difference in shape_differences(items, defs, example[0], item, f"{where}[{index}]")
        ]
    if not isinstance(real, dict):
        return []
    properties = schema.get("properties")
    if properties is None:  # a map: its keys are data, its values share one shape
        if not example:
            return []
        sample = next(iter(example.values()))
        values = schema.get("additionalProperties")
        value_schema = values if isinstance(values, dict) else {}
        return [
            difference
            for key, value in real.items()
            for difference in shape_differences(value_schema, defs, sample, value, f"{where}.{key}")
        ]
    differences = [
        f"{where}: key {k!r} not in the example" for k in sorted(set(real) - set(example))
    ]
    differences += [f"{where}: example key {k!r} missing" for k in sorted(set(example) - set(real))]
    for key in sorted(set(real) & set(example)):
        differences += shape_differences(
            properties.get(key, {}), defs, example[key], real[key], f"{where}.{key}"
        )
    return differences


def response_schema(route: Route) -> tuple[dict[str, Any], dict[str, Any]]:
    """The serialised JSON schema of the route's response model, and its definitions."""
    schema = route.response_model.model_json_schema(mode="serialization")
    return schema, schema.get("$defs", {})


def _filled(value: Any, where: str = "$") -> set[str]:
    """The paths (list positions folded) that hold a value: what an example shows."""
    if isinstance(value, dict):
        return {p for key, item in value.items() for p in _filled(item, f"{where}.{key}")}
    if isinstance(value, list):
        return {p for item in value for p in _filled(item, f"{where}[]")}
    return set() if value in (None, "") else {where}


def _richness(value: Any) -> tuple[int, int]:
    """More fields shown first, then the shorter answer (an example is read, not scrolled)."""
    return len(_filled(value)), -len(json.dumps(value))


def _shortened(value: Any) -> Any:
    """``value`` with every list cut to its first items: still a real answer, readable."""
    if isinstance(value, dict):
        return {key: _shortened(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shortened(item) for item in value[:LIST_ITEMS_KEPT]]
    return value


def route_of(function: str, method: str, path: str) -> Route | None:
    """The route of ``function`` serving ``method`` on the relative ``path``, if any."""
    for route in routes_of(function):
        if route.method == method.upper() and route.match(path) is not None:
            return route
    return None


def observe(function: str, method: str, path: str, status: int, body: Any) -> None:
    """Hold one real response to its route's recorded example (or record it)."""
    route = route_of(function, method, path)
    if route is None or not isinstance(body, dict):
        return
    if status in (route.success_status, *route.other_successes):
        if RECORDING:
            kept = _recorded["operations"].get(route.operation_id)
            if kept is None or _richness(body) > _richness(kept):
                _recorded["operations"][route.operation_id] = body
            return
        example = load_response_examples()["operations"].get(route.operation_id)
        if example is None:  # reported once by tests/unit/test_openapi_contract.py
            return
        schema, defs = response_schema(route)
        differences = shape_differences(schema, defs, example, body)
        assert not differences, (
            f"{route.operation_id} answered another shape than its example: {differences}"
        )
    elif status >= 400 and isinstance(body.get("code"), str) and RECORDING:
        _recorded["problems"].setdefault(body["code"], body)


def write_recording() -> None:
    """Merge what this run recorded into the examples file (earlier examples are kept)."""
    if not RECORDING:
        return
    examples = load_response_examples()
    for section in ("operations", "problems"):
        merged = {**examples.get(section, {}), **_recorded[section]}
        examples[section] = {key: _shortened(merged[key]) for key in sorted(merged)}
    RESPONSE_EXAMPLES_FILE.write_text(
        json.dumps(examples, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
