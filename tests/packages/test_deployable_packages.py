"""Every function, deployed as infra/ packages it, answers a real request (R6, R17, R18).

For each function infra/ deploys (the packager's own list: a folder with a main.py,
the same rule as Terraform's ``local.deployed_functions``), the archive the deploy
uploads is unpacked, installed into an empty virtual environment from its own
``requirements.txt`` only, started with functions-framework as Cloud Run starts it,
and sent a real request on the emulators. A file left out of the package, a missing
or mis-pinned requirement, or an import of something the package does not carry
fails here rather than after a deploy.
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from pathlib import Path

import pytest

from devstack.function_packages import (
    CleanEnvironments,
    FunctionPackage,
    deployable_functions,
    serve_together,
)
from tests.support.package_requests import (
    FIRST_REQUESTS,
    SIMULATION_REQUEST,
    simulate_anonymously,
)

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def test_every_deployed_function_has_a_first_request() -> None:
    missing = sorted(set(deployable_functions()) - FIRST_REQUESTS.keys())
    assert not missing, (
        f"no first request for {missing}: add one to tests/support/package_requests.py, "
        "so that its package is proved before it is deployed"
    )


@pytest.mark.parametrize("name", deployable_functions())
def test_package_installs_alone_starts_and_answers_2xx(
    name: str,
    packages: dict[str, FunctionPackage],
    environments: CleanEnvironments,
    tmp_path: Path,
) -> None:
    first = FIRST_REQUESTS.get(name)
    source = packages[name].source_dir
    if first is None:
        pytest.fail(f"{name} has no first request (see the test above)")
    with ExitStack() as stack:
        names = [name, *first.also_serves]
        running = serve_together(names, packages, environments, tmp_path, stack)
        response = first.send({served: function.url for served, function in running.items()})
        assert 200 <= response.status_code < 300, (
            f"{name} from its package answered {response.status_code}: {response.text[:2000]}"
        )
        assert response.headers["Content-Type"].startswith("application/json")
    imported = running[name].imported_modules()
    from_package = [
        module for module, file in imported.items() if file and file.startswith(f"{source}/")
    ]
    # Every function, HTTP API or worker, reads its configuration through shared.config.
    assert "shared.config" in from_package, "shared/ was not loaded from the package"
    from_checkout = [
        module for module, file in imported.items() if file and file.startswith(f"{ROOT}/")
    ]
    assert not from_checkout, f"{name} loaded code of this checkout: {from_checkout[:5]}"

    # Each requirement the package installs is one the function really imports: the
    # package carries what its function needs, not the whole project (signup and
    # profile carry no OpenFisca, which the 2xx above proves they do not need).
    loaded = environments.loaded_distributions(packages[name], imported)
    unused = sorted(set(packages[name].declared_distributions()) - loaded)
    assert not unused, (
        f"functions/{name}/requirements.txt installs {unused}, which {name} never imported "
        "while starting and answering: remove them"
    )


def test_the_simulate_package_computes_what_the_tested_tree_computes(
    packages: dict[str, FunctionPackage], environments: CleanEnvironments, tmp_path: Path
) -> None:
    # Same answers as the code the rest of the suite tests: the package holds the
    # whole catalogue and its engine extensions (a City of Paris aid computed by
    # OpenFisca-Paris is skipped, not failed, when the extension is missing).
    import functions_framework

    tested = functions_framework.create_app(
        target="simulate", source=str(ROOT / "functions" / "simulate" / "main.py")
    ).test_client()
    expected = tested.post("/", json=SIMULATION_REQUEST)
    assert expected.status_code == 200
    with ExitStack() as stack:
        running = serve_together(["simulate"], packages, environments, tmp_path, stack)
        response = simulate_anonymously({"simulate": running["simulate"].url})
    assert response.status_code == 200, response.text[:2000]
    deployed, reference = response.json()["report"], expected.get_json()["report"]
    assert {r["aid_id"] for r in reference["results"]} >= {"paris_logement_familles"}
    assert json.dumps(deployed["results"], sort_keys=True) == json.dumps(
        reference["results"], sort_keys=True
    )
