"""What every operation of the OpenAPI document must declare, whoever adds the route.

Generated from the route table: a route added to any function is held to the
same contract (statuses it can return, headers, examples, path enums).
"""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

from shared.api.endpoints import ROUTES
from shared.api.openapi import PROBLEM_SCHEMA, build_document, load_response_examples
from shared.api.route import COMMON_ERRORS
from shared.errors import ERROR_CODES
from shared.models.account import ProfilePatch

DOCUMENT = build_document()


def _operation(route):
    return DOCUMENT["paths"][route.public_path][route.method.lower()]


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.operation_id)
def test_every_operation_declares_the_statuses_any_request_can_meet(route):
    responses = _operation(route)["responses"]
    for status in ("400", "404", "405", "413", "422", "503"):
        assert status in responses, status
    assert "Allow" in responses["405"]["headers"]
    assert "Retry-After" in responses["503"]["headers"]


def test_a_signup_retry_is_a_documented_200():
    signup = next(r for r in ROUTES if r.operation_id == "signup")
    responses = _operation(signup)["responses"]
    assert "201" in responses and "200" in responses
    assert responses["200"]["content"] == responses["201"]["content"]


@pytest.mark.parametrize(
    "route", [r for r in ROUTES if r.path_params], ids=lambda r: r.operation_id
)
def test_path_parameters_list_their_values(route):
    for parameter in _operation(route)["parameters"]:
        if parameter["in"] != "path":
            continue
        name = parameter["name"]
        if route.values_of(name) is None:  # ids: a pattern, the router's own
            assert re.fullmatch(parameter["schema"]["pattern"], route.example_params[name])
        else:
            assert route.example_params[name] in parameter["schema"]["enum"]


@pytest.mark.parametrize(
    "route", [r for r in ROUTES if r.request_model is not None], ids=lambda r: r.operation_id
)
def test_every_request_body_has_an_example_the_api_accepts(route):
    example = _operation(route)["requestBody"]["content"]["application/json"]["example"]
    assert example, route.operation_id
    # The same strict validation as the dispatcher's.
    route.request_model.model_validate_json(json.dumps(example), strict=True)


def test_fields_the_api_refuses_as_null_or_empty_are_not_documented_as_allowed():
    schema = DOCUMENT["components"]["schemas"]["ProfilePatch"]["properties"]
    assert "anyOf" not in schema["language"] and schema["language"]["type"] == "string"
    assert "anyOf" not in schema["alerts_by_email"]
    phone = next(o for o in schema["phone"]["anyOf"] if o.get("type") == "string")
    assert phone["minLength"] >= 10
    for null in ({"language": None}, {"alerts_by_email": None}, {"phone": ""}):
        with pytest.raises(ValueError):
            ProfilePatch.model_validate_json(json.dumps(null), strict=True)
    commune = DOCUMENT["components"]["schemas"]["Housing"]["properties"]["commune"]
    assert commune["minLength"] == 5 and "INSEE" in commune["description"]


# ---------------------------------------------------------------- field descriptions

# What a description must not be: empty, a placeholder, or the property's own name.
PLACEHOLDERS = {"todo", "tbd", "fixme", "xxx", "description", "-", "...", "n/a"}


def _described_properties(schema: dict, where: str):
    """Every (path, property schema) of ``schema``, nested objects, items and options included."""
    for name, prop in schema.get("properties", {}).items():
        yield f"{where}.{name}", name, prop
        yield from _described_properties(prop, f"{where}.{name}")
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            yield from _described_properties(schema[key], f"{where}[]")
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            yield from _described_properties(option, where)


def _placeholder(name: str, text: str | None) -> bool:
    words = (text or "").strip().rstrip(".").lower()
    return (
        len(words) < 4
        or words in PLACEHOLDERS
        or words.replace(" ", "_") == name.lower()
        or not re.search(r"[a-z]{3}", words)
    )


def test_the_description_check_refuses_missing_placeholder_and_echoed_descriptions():
    schema = {
        "properties": {
            "a": {},
            "b": {"description": "TODO"},
            "given_name": {"description": "Given name"},
            "c": {"items": {"properties": {"d": {"description": "  "}}}},
            "e": {"description": "Net amount paid each month, in euros."},
        }
    }
    flagged = [
        path
        for path, name, prop in _described_properties(schema, "X")
        if _placeholder(name, prop.get("description"))
    ]
    assert flagged == ["X.a", "X.b", "X.given_name", "X.c", "X.c[].d"]


def test_every_property_of_every_schema_has_a_description():
    """Requests, responses and the problem, nested models included: a client can read each field."""
    undescribed = [
        path
        for schema_name, schema in DOCUMENT["components"]["schemas"].items()
        for path, name, prop in _described_properties(schema, schema_name)
        if _placeholder(name, prop.get("description"))
    ]
    assert not undescribed, undescribed


def test_every_parameter_has_a_description():
    for path, operations in DOCUMENT["paths"].items():
        for method, operation in operations.items():
            for parameter in operation["parameters"]:
                assert not _placeholder(parameter["name"], parameter.get("description")), (
                    method,
                    path,
                    parameter["name"],
                )


# ---------------------------------------------------------------- response examples

EXAMPLES = load_response_examples()


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.operation_id)
def test_every_success_response_shows_an_example_the_model_serialises_unchanged(route):
    """Recorded from a real answer (tests/support/response_examples.py), and still valid:
    the response model reads it and writes it back identical, so no key is missing,
    extra or of another type."""
    example = EXAMPLES["operations"].get(route.operation_id)
    assert example is not None, f"record the response example of {route.operation_id}"
    for status, response in _operation(route)["responses"].items():
        if status.startswith("2"):
            assert response["content"]["application/json"]["example"] == example
    assert route.response_model.model_validate(example).model_dump(mode="json") == example


def test_recorded_examples_name_only_existing_operations_and_error_codes():
    operations = {route.operation_id for route in ROUTES}
    assert set(EXAMPLES["operations"]) <= operations
    assert set(EXAMPLES["problems"]) <= set(ERROR_CODES)


def test_problem_examples_are_valid_problems_of_their_status():
    assert EXAMPLES["problems"], "no problem example recorded"
    validator = jsonschema.Draft202012Validator(PROBLEM_SCHEMA)
    for code, body in EXAMPLES["problems"].items():
        validator.validate(body)
        assert body["code"] == code and body["status"] == ERROR_CODES[code][0]


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.operation_id)
def test_each_problem_status_shows_the_recorded_problems_of_its_codes(route):
    codes = set(COMMON_ERRORS) | set(route.errors) | {"internal"}
    responses = _operation(route)["responses"]
    for status, response in responses.items():
        if status.startswith("2"):
            continue
        of_status = {c for c in codes if str(ERROR_CODES[c][0]) == status}
        shown = response["content"]["application/problem+json"].get("examples", {})
        assert set(shown) == of_status & set(EXAMPLES["problems"]), status
        for code, example in shown.items():
            assert example["value"] == EXAMPLES["problems"][code]
    assert (
        "validation_failed" in responses["422"]["content"]["application/problem+json"]["examples"]
    )
