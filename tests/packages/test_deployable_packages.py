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
import os
import shutil
from contextlib import ExitStack
from pathlib import Path

import pytest

from devstack.function_packages import (
    CleanEnvironments,
    FunctionPackage,
    deployable_functions,
    serve,
    serve_together,
)
from devstack.settings import free_loopback_ports
from infra import package_functions
from infra.package_functions import ENGINE_CACHE_DIR
from shared.adapters.openfisca.system import CACHE_MANIFEST, PROFILE_VERSION
from tests.support.package_requests import (
    FIRST_REQUESTS,
    SIMULATION_REQUEST,
    simulate_anonymously,
)

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
# The functions that run OpenFisca, whose packages carry the engine cache.
ENGINE_FUNCTIONS = ["alerts_worker", "rules_check", "simulate"]


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


def _read_only(tree: Path, writable: bool = False) -> None:
    for path in [tree, *tree.rglob("*")]:
        if path.is_dir():
            path.chmod(0o755 if writable else 0o555)
        else:
            path.chmod(0o644 if writable else 0o444)


def _files(tree: Path) -> dict[str, tuple[int, int]]:
    return {
        path.relative_to(tree).as_posix(): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in tree.rglob("*")
    }


@pytest.mark.parametrize("name", ENGINE_FUNCTIONS)
def test_engine_packages_carry_the_cache_built_for_their_pinned_engine(
    name: str, packages: dict[str, FunctionPackage]
) -> None:
    package = packages[name]
    cache = package.source_dir / ENGINE_CACHE_DIR
    manifest = json.loads((cache / CACHE_MANIFEST).read_text(encoding="utf-8"))
    pins = package_functions.read_pins(package.requirements)
    assert manifest["distributions"] == {
        key: pin.version for key, pin in pins.items() if key.startswith("openfisca-")
    }
    assert manifest["profile_version"] == PROFILE_VERSION
    assert sorted(p.name for p in cache.iterdir()) == sorted([*manifest["files"], CACHE_MANIFEST])
    assert {f.split("-")[0] for f in manifest["files"]} == {"parameters", "profile", "tables"}


def test_a_new_simulate_instance_answers_from_its_packaged_cache_without_writing(
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

    # A fresh instance as deployed: its package folder read-only, and no writable
    # cache directory at all (a path under a file cannot be created, even by root,
    # for whom the modes below do not bind).
    built = packages["simulate"]
    deployed = FunctionPackage(built.name, built.archive, built.sha256, tmp_path / "simulate")
    shutil.copytree(built.source_dir, deployed.source_dir)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory\n", encoding="utf-8")
    environment = {
        **os.environ,
        "SESAME_ENGINE_CACHE": str(blocked / "engine-cache"),
        "PYTHONDONTWRITEBYTECODE": "1",  # the runtime cannot write bytecode either
    }
    before = _files(deployed.source_dir)
    _read_only(deployed.source_dir)
    try:
        with serve(
            deployed,
            environments.bin_dir(built),
            free_loopback_ports(1)[0],
            environment,
            tmp_path / "logs",
        ) as running:
            response = simulate_anonymously({"simulate": running.url})
    finally:
        _read_only(deployed.source_dir, writable=True)
    assert response.status_code == 200, response.text[:2000]
    answered, reference = response.json()["report"], expected.get_json()["report"]
    assert {r["aid_id"] for r in reference["results"]} >= {"paris_logement_familles"}
    assert json.dumps(answered["results"], sort_keys=True) == json.dumps(
        reference["results"], sort_keys=True
    )

    # The engine read its pickles (parameters, pruning profile, parsed data tables) from
    # the package and built, derived and wrote nothing.
    events = [
        json.loads(line)
        for line in running.log.read_text(encoding="utf-8").splitlines()
        if line.startswith("{")
    ]
    engine = [e for e in events if e.get("component") == "openfisca_engine"]
    loaded = sorted(e["reason"] for e in engine if e["message"] == "engine cache loaded")
    assert loaded == [
        "parameters from the package",
        "profile from the package",
        "tables from the package",
    ], engine
    rebuilt = [
        e
        for e in engine
        if e["message"] == "profile derived"
        or ("cache" in e["message"] and "loaded" not in e["message"])
    ]
    assert rebuilt == []
    assert _files(deployed.source_dir) == before
