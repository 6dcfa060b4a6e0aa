"""The response examples of the OpenAPI document are what the API answers.

Each route's own example request (``example_path``, ``example_body``) is sent
through its deployed entry point on the emulators, as a registered beneficiary
(or the role the route is for), and the answer must have the documented
example's shape: same keys, same JSON types (ids, dates and amounts differ).
Routes whose example names a resource by id are held to their example by every
other integration test instead (tests/integration/conftest.py checks each
success answer against its route's example).
"""

from __future__ import annotations

from typing import Any

import pytest

from shared.api.endpoints import ROUTES
from shared.api.openapi import load_response_examples
from shared.api.route import Route
from shared.domain.access import ActorKind
from tests.support import emulators
from tests.support.response_examples import RECORDING, response_schema, shape_differences

BY_ID = {route.operation_id: route for route in ROUTES}

# What must exist before the example request can succeed: earlier example requests.
PREPARE: dict[str, tuple[str, ...]] = {
    "simulationHistory": ("simulate",),
    "listOutcomes": ("recordOutcome",),
    "documentChecklist": ("simulate",),
    "listDocuments": ("requestUploadSlot",),
    "getErasure": ("requestErasure",),
    "getPostMortemDirective": ("recordPostMortemDirective",),
    "listMandates": ("grantMandate",),
    "listSupportThreads": ("openSupportThread",),
}

# Path ids an example request needs: the route that creates the resource (called
# with its own example request) and the key of its answer holding the id.
CREATED_BY: dict[str, dict[str, tuple[str, str]]] = {
    "getExport": {"export_id": ("requestExport", "export_id")},
    "getStoredReport": {"simulation_id": ("simulate", "simulation_id")},
    "revokeMandate": {"mandate_id": ("grantMandate", "id")},
    "recordRequestIdentityCheck": {"request_id": ("registerRightsRequest", "id")},
    "extendRightsRequest": {"request_id": ("registerRightsRequest", "id")},
    "answerRightsRequest": {"request_id": ("registerRightsRequest", "id")},
    "readAlertRun": {"run_id": ("startAlertRun", "id")},
    "readCampaign": {"campaign_id": ("sendCampaign", "id")},
    "readOwnSupportThread": {"thread_id": ("openSupportThread", "id")},
    "writeSupportMessage": {"thread_id": ("openSupportThread", "id")},
}

# Example requests that need another person's data or role set up first.
NOT_STANDALONE = {
    "executePostMortemDirective": "names a deceased person's uid: test_privacy_directives.py",
    "listSupportQueue": "needs an agent attached to a queue: test_support.py",
    "listReceivedMandates": "needs a mandate to an aidant: test_mandates.py",
}

STANDALONE = [
    route
    for route in ROUTES
    if (
        all(route.values_of(name) is not None for name in route.path_params)
        or route.operation_id in CREATED_BY
    )
    and route.operation_id not in NOT_STANDALONE
]


def _call(
    function_client: Any,
    route: Route,
    person: emulators.EmulatorUser | None,
    ids: dict[str, str] | None = None,
) -> Any:
    path = route.path
    for name, value in {**route.example_params, **(ids or {})}.items():
        path = path.replace("{" + name + "}", value)
    return function_client(route.function).open(
        path or "/",
        method=route.method,
        json=route.example_body,
        headers=person.headers if person else {},
    )


def _succeeded(route: Route, response: Any) -> bool:
    return response.status_code in (route.success_status, *route.other_successes)


def test_every_route_is_either_called_here_or_named_with_where_it_is_checked():
    with_ids = {
        r.operation_id for r in ROUTES if any(r.values_of(n) is None for n in r.path_params)
    }
    called = {r.operation_id for r in STANDALONE}
    assert set(CREATED_BY) <= called and not called & set(NOT_STANDALONE)
    assert called | set(NOT_STANDALONE) | with_ids == set(BY_ID)


@pytest.mark.parametrize("route", STANDALONE, ids=lambda r: r.operation_id)
def test_the_example_request_answers_the_documented_example_shape(function_client, route):
    beneficiary = emulators.create_user()
    if route.operation_id != "signup":
        signup = _call(function_client, BY_ID["signup"], beneficiary)
        assert signup.status_code == 201, signup.get_json()
    for operation_id in PREPARE.get(route.operation_id, ()):
        prior = BY_ID[operation_id]
        response = _call(function_client, prior, beneficiary)
        assert _succeeded(prior, response), (operation_id, response.get_json())
    if ActorKind.BENEFICIARY in route.roles:
        actor = beneficiary
    else:
        actor = emulators.create_user(role=sorted(route.roles)[0].value)

    ids = {}
    for name, (operation_id, key) in CREATED_BY.get(route.operation_id, {}).items():
        creator = BY_ID[operation_id]
        author = beneficiary if ActorKind.BENEFICIARY in creator.roles else actor
        created = _call(function_client, creator, author)
        assert _succeeded(creator, created), (operation_id, created.get_json())
        ids[name] = created.get_json()[key]

    response = _call(function_client, route, actor, ids)

    assert _succeeded(route, response), response.get_json()
    if RECORDING:  # this answer becomes the example (tests/support/response_examples.py)
        return
    example = load_response_examples()["operations"][route.operation_id]
    schema, defs = response_schema(route)
    assert shape_differences(schema, defs, example, response.get_json()) == []
