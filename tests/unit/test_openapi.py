"""The OpenAPI document is complete and consistent with the route table."""

from __future__ import annotations

import json

import pytest

from shared.api.endpoints import ROUTES
from shared.api.openapi import build_document
from shared.errors import ERROR_CODES


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_document_is_openapi_31_and_every_ref_resolves():
    document = build_document()
    assert document["openapi"] == "3.1.0"
    schemas = document["components"]["schemas"]
    for ref in _refs(document):
        assert ref.startswith("#/components/schemas/")
        assert ref.rsplit("/", 1)[-1] in schemas, ref
    json.dumps(document)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.operation_id)
def test_every_route_is_documented_with_its_errors(route):
    operation = build_document()["paths"][route.public_path][route.method.lower()]
    assert operation["operationId"] == route.operation_id
    assert str(route.success_status) in operation["responses"]
    for code in route.errors:
        assert str(ERROR_CODES[code][0]) in operation["responses"]
    if route.request_model is not None:
        assert route.request_model.model_config.get("extra") == "forbid"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.operation_id)
def test_path_parameters_have_descriptions_and_examples(route):
    import re

    names = set(re.findall(r"\{([a-z_]+)\}", route.path))
    assert names == set(route.path_params) == set(route.example_params)


def test_operation_ids_are_unique():
    ids = [route.operation_id for route in ROUTES]
    assert len(ids) == len(set(ids))
