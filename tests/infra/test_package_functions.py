"""infra/package_functions.py builds, from this repository, complete and reproducible archives.

These tests package the real tree (or a copy of it, when they change a file); that
each archive then installs and serves on its own is proved by tests/packages.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from infra import package_functions as packager
from tests.infra.terraform_model import REPO_ROOT

FUNCTIONS = packager.discover_functions(REPO_ROOT)
# DESIGN: what does not simulate must not pay for OpenFisca at cold start.
ENGINE_DISTRIBUTIONS = {"openfisca-core", "openfisca-france", "openfisca-paris", "numpy"}


def _names(archive: Path) -> list[str]:
    with zipfile.ZipFile(archive) as opened:
        return opened.namelist()


def _tracked(folder: str) -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--", folder], cwd=REPO_ROOT, capture_output=True, text=True
    )
    if listed.returncode != 0:
        pytest.skip("not a git checkout: tracked files unknown")
    return [line for line in listed.stdout.splitlines() if (REPO_ROOT / line).is_file()]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of what the packager reads (functions/, shared/, requirements.txt)."""
    root = tmp_path / "repo"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("functions", "shared"):
        shutil.copytree(REPO_ROOT / folder, root / folder, ignore=ignore)
    shutil.copy2(REPO_ROOT / "requirements.txt", root / "requirements.txt")
    return root


def test_the_functions_are_the_folders_with_a_main_py() -> None:
    folders = sorted(p.parent.name for p in (REPO_ROOT / "functions").glob("*/main.py"))
    assert folders == FUNCTIONS
    assert {"signup", "profile", "simulate"} <= set(FUNCTIONS)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_function_requirements_are_pinned_exactly_as_the_project(name: str) -> None:
    # One source of versions: a function's file may choose what it installs, never
    # which version (requirements.txt is what the whole test suite runs on).
    assert packager.pin_drift(REPO_ROOT, name) == []


# The functions that compute with OpenFisca: the simulation, the alerts worker that
# re-evaluates batches of stored situations (R5), and the daily check of stale rules
# (it reads the engine's parameters).
ENGINE_FUNCTIONS = {"simulate", "alerts_worker", "rules_check"}


@pytest.mark.parametrize("name", sorted(set(FUNCTIONS) - ENGINE_FUNCTIONS))
def test_only_the_engine_functions_install_the_engine(name: str) -> None:
    own = packager.read_pins(packager.function_requirements(REPO_ROOT, name))
    assert not own.keys() & ENGINE_DISTRIBUTIONS
    for user in ENGINE_FUNCTIONS:
        engine = packager.read_pins(packager.function_requirements(REPO_ROOT, user))
        assert engine.keys() >= ENGINE_DISTRIBUTIONS


@pytest.mark.parametrize("name", FUNCTIONS)
def test_archive_holds_the_function_the_shared_package_and_its_own_requirements(
    name: str, tmp_path: Path
) -> None:
    packager.package(REPO_ROOT, tmp_path, [name])
    archive = tmp_path / f"{name}.zip"
    names = set(_names(archive))
    function_dir = f"functions/{name}/"
    expected = {path.removeprefix(function_dir) for path in _tracked(function_dir)}
    expected |= set(_tracked("shared/"))
    assert expected <= names, sorted(expected - names)
    assert {"main.py", "requirements.txt", "shared/__init__.py"} <= names
    assert not [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".pyo"))]
    with zipfile.ZipFile(archive) as opened:
        packaged = opened.read("requirements.txt")
    assert packaged == packager.function_requirements(REPO_ROOT, name).read_bytes()


def test_same_sources_give_the_same_bytes_wherever_and_whenever_they_are(tree: Path) -> None:
    here = packager.package(REPO_ROOT, tree / "out-here")
    for path in tree.rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))
    copied = packager.package(tree, tree / "out-copy")
    assert here == copied
    with zipfile.ZipFile(tree / "out-copy" / "signup.zip") as opened:
        assert {info.date_time for info in opened.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_a_changed_source_changes_only_the_hashes_of_the_functions_that_hold_it(
    tree: Path,
) -> None:
    before = packager.package(tree, tree / "out")
    with (tree / "functions" / "signup" / "main.py").open("a") as handle:
        handle.write("# changed\n")
    after = packager.package(tree, tree / "out")
    assert before["signup"] != after["signup"]
    assert {k: v for k, v in before.items() if k != "signup"} == {
        k: v for k, v in after.items() if k != "signup"
    }
    with (tree / "shared" / "config.py").open("a") as handle:
        handle.write("# changed\n")
    assert all(v != after[k] for k, v in packager.package(tree, tree / "out").items())


def test_a_drifted_pin_refuses_packaging_until_the_pins_are_updated(tree: Path) -> None:
    project = tree / "requirements.txt"
    project.write_text(project.read_text().replace("pydantic==2.14.3", "pydantic==2.14.4"))
    with pytest.raises(packager.PackagingError, match=r"signup/requirements.txt:\d+: pydantic"):
        packager.package(tree, tree / "out", ["signup"])

    changed = packager.update_pins(tree)

    assert changed == [f"functions/{name}/requirements.txt" for name in FUNCTIONS]
    for name in FUNCTIONS:
        own = packager.read_pins(packager.function_requirements(tree, name))
        assert own["pydantic"].version == "2.14.4"
        assert packager.pin_drift(tree, name) == []
    packager.package(tree, tree / "out")
    assert packager.update_pins(tree) == []


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("pydantic>=2", "not an exact pin"),
        ("-r ../../requirements.txt", "not an exact pin"),
        ("left-pad==1.0.0", "not pinned in requirements.txt"),
        ("PyDantic==2.14.3", "listed twice"),
    ],
)
def test_requirements_that_are_not_the_projects_pins_are_refused(
    tree: Path, line: str, message: str
) -> None:
    with packager.function_requirements(tree, "signup").open("a") as handle:
        handle.write(line + "\n")
    with pytest.raises(packager.PackagingError, match=message):
        packager.package(tree, tree / "out", ["signup"])


def _add_a_shared_folder_to_signup(root: Path) -> None:
    (root / "functions" / "signup" / "shared").mkdir()
    (root / "functions" / "signup" / "shared" / "x.py").write_text("")


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda root: (root / "functions" / "signup" / "main.py").unlink(), "main.py not found"),
        (
            lambda root: packager.function_requirements(root, "signup").unlink(),
            "signup/requirements.txt is missing",
        ),
        (_add_a_shared_folder_to_signup, "must not contain its own shared/"),
    ],
)
def test_refuses_an_incomplete_or_ambiguous_function(tree: Path, breakage, message: str) -> None:
    breakage(tree)
    with pytest.raises(packager.PackagingError, match=message):
        packager.package(tree, tree / "out", ["signup"])


def test_command_line_reports_errors_without_a_traceback(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert packager.main(["--root", str(tree), "missing_fn"]) == 1
    assert "functions/missing_fn/main.py not found" in capsys.readouterr().err
    assert packager.main(["--root", str(tree)]) == 0
    assert sorted(p.stem for p in (tree / "infra" / "build").glob("*.zip")) == FUNCTIONS
    assert packager.main(["--root", str(tree), "--update-pins"]) == 0
