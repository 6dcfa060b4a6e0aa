"""infra/package_functions.py builds reproducible, complete function archives."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from tests.infra.terraform_model import REPO_ROOT


def _load_packager() -> ModuleType:
    path = REPO_ROOT / "infra" / "package_functions.py"
    spec = importlib.util.spec_from_file_location("package_functions", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


packager = _load_packager()


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    _write(root / "functions" / "__init__.py", "")
    _write(root / "functions" / "signup" / "main.py", "def signup(request): ...\n")
    _write(root / "functions" / "signup" / "tests" / "test_x.py", "x = 1\n")
    _write(root / "functions" / "signup" / "__pycache__" / "main.cpython-311.pyc", "junk")
    _write(root / "functions" / "simulate" / "main.py", "def simulate(request): ...\n")
    _write(root / "functions" / "simulate" / "requirements.txt", "openfisca-france==176.0.0\n")
    _write(root / "functions" / "not_a_function" / "README.md", "no main.py\n")
    _write(root / "shared" / "__init__.py", "")
    _write(root / "shared" / "config.py", "REGION = 'europe-west3'\n")
    _write(root / "shared" / "domain" / "aids.yaml", "aids: []\n")
    _write(root / "shared" / "domain" / "__pycache__" / "aids.cpython-311.pyc", "junk")
    _write(root / "infra" / "function-requirements.txt", "functions-framework==3.10.2\n")
    return root


def _names(archive: Path) -> list[str]:
    with zipfile.ZipFile(archive) as opened:
        return opened.namelist()


def test_discovers_folders_with_a_main_py(repo: Path) -> None:
    assert packager.discover_functions(repo) == ["signup", "simulate"]


def test_archive_holds_function_shared_package_and_requirements(repo: Path) -> None:
    out = repo / "infra" / "build"
    packager.package(repo, out)
    assert _names(out / "signup.zip") == [
        "main.py",
        "requirements.txt",
        "shared/__init__.py",
        "shared/config.py",
        "shared/domain/aids.yaml",
    ]
    with zipfile.ZipFile(out / "signup.zip") as opened:
        assert opened.read("requirements.txt") == b"functions-framework==3.10.2\n"
    with zipfile.ZipFile(out / "simulate.zip") as opened:
        # A function's own requirements win: only simulate pulls in OpenFisca.
        assert opened.read("requirements.txt") == b"openfisca-france==176.0.0\n"


def test_same_sources_give_the_same_bytes_whatever_the_file_times(repo: Path) -> None:
    first = packager.package(repo, repo / "out1", ["signup"])
    for path in repo.rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))
    second = packager.package(repo, repo / "out2", ["signup"])
    assert first == second
    digest = hashlib.sha256((repo / "out1" / "signup.zip").read_bytes()).hexdigest()
    assert first["signup"] == digest
    with zipfile.ZipFile(repo / "out1" / "signup.zip") as opened:
        assert {info.date_time for info in opened.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_a_changed_source_changes_the_hash(repo: Path) -> None:
    before = packager.package(repo, repo / "out", ["signup"])["signup"]
    _write(repo / "shared" / "config.py", "REGION = 'europe-west3'  # changed\n")
    after = packager.package(repo, repo / "out", ["signup"])["signup"]
    assert before != after


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda root: (root / "functions" / "signup" / "main.py").unlink(), "main.py not found"),
        (lambda root: (root / "infra" / "function-requirements.txt").unlink(), "missing"),
        (lambda root: _write(root / "functions" / "signup" / "shared" / "x.py", ""), "shared/"),
    ],
)
def test_refuses_an_incomplete_or_ambiguous_function(repo: Path, breakage, message: str) -> None:
    breakage(repo)
    with pytest.raises(packager.PackagingError, match=message):
        packager.package(repo, repo / "out", ["signup"])


def test_command_line_reports_errors_without_a_traceback(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert packager.main(["--root", str(repo), "missing_fn"]) == 1
    assert "functions/missing_fn/main.py not found" in capsys.readouterr().err
    assert packager.main(["--root", str(repo)]) == 0
    assert (repo / "infra" / "build" / "signup.zip").is_file()
