"""One local address for every function; the served OpenAPI document is the generated one."""

from __future__ import annotations

from pathlib import Path

from werkzeug.test import Client

from devstack.gateway import build_app, function_names
from shared.api.endpoints import ROUTES
from shared.api.openapi import build_document
from shared.domain.policy import CURRENT_POLICY
from tests.support import emulators

ROOT = Path(__file__).resolve().parents[2]


def gateway() -> Client:
    return Client(build_app("http://127.0.0.1:8080"))


def test_every_function_folder_is_served_and_documented():
    """API functions are in the OpenAPI document; workers have a job table instead."""
    assert function_names() == sorted(p.parent.name for p in (ROOT / "functions").glob("*/main.py"))
    documented = {route.function for route in ROUTES}
    workers = {p.stem for p in (ROOT / "shared" / "api" / "jobs").glob("[a-z]*.py")}
    assert set(function_names()) == documented | workers
    assert not documented & workers


def test_served_openapi_is_the_generated_document():
    response = gateway().get("/openapi.json")
    assert response.status_code == 200
    assert response.get_json() == build_document("http://127.0.0.1:8080")


def test_docs_page_lists_every_operation():
    page = gateway().get("/docs").get_data(as_text=True)
    for route in ROUTES:
        assert route.public_path in page


def test_a_request_through_the_gateway_reaches_the_function():
    person = emulators.create_user()
    client = gateway()
    created = client.post(
        "/signup", json={"accept_policy_version": CURRENT_POLICY.version}, headers=person.headers
    )
    read = client.get("/profile", headers=person.headers)

    assert created.status_code == 201
    assert read.status_code == 200
    assert read.get_json()["uid"] == person.uid


def test_unknown_function_is_a_problem_json_404():
    response = gateway().get("/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["code"] == "not_found"


def test_cloud_tasks_deliver_to_the_gateway():
    """A task created on the Tasks emulator reaches a function through the one local address."""
    import json
    import threading
    import time

    import grpc
    from google.cloud import tasks_v2
    from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport
    from werkzeug.serving import make_server

    from shared.config import settings

    seen: list[tuple[str, str, int]] = []
    app = build_app("http://127.0.0.1")

    def recording(environ, start_response):
        path = environ["PATH_INFO"]  # before the gateway shifts it into SCRIPT_NAME
        queue_header = environ.get("HTTP_X_CLOUDTASKS_QUEUENAME", "")

        def start(status, headers, exc_info=None):
            seen.append((path, queue_header, int(status.split()[0])))
            return start_response(status, headers, exc_info)

        return app(environ, start)

    server = make_server("127.0.0.1", 0, recording, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        channel = grpc.insecure_channel(settings().tasks_emulator_host)
        client = tasks_v2.CloudTasksClient(transport=CloudTasksGrpcTransport(channel=channel))
        queue = f"projects/{settings().project}/locations/{settings().region}/queues/default"
        client.create_task(
            parent=queue,
            task=tasks_v2.Task(
                http_request=tasks_v2.HttpRequest(
                    http_method=tasks_v2.HttpMethod.POST,
                    url=f"http://127.0.0.1:{server.server_port}/signup",
                    headers={"Content-Type": "application/json"},
                    body=json.dumps({"accept_policy_version": CURRENT_POLICY.version}).encode(),
                )
            ),
        )
        deadline = time.monotonic() + 15
        while not seen and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        server.shutdown()
    # The signup function itself answered: no token on a task, so a problem+json 401.
    assert seen, "the task never reached the gateway"
    path, queue_header, status = seen[0]
    assert (path, status) == ("/signup", 401)
    assert queue_header == queue
