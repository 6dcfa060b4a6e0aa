"""Fixtures of the package tests: the deploy's archives, unpacked, and their clean environments.

Each distinct ``requirements.txt`` is installed once per session (uv's or pip's cache is
reused); the time each install took is printed at the end of the run. The
environments are made from the test interpreter, or from ``SESAME_PACKAGES_PYTHON``
(e.g. a python3.12, the deployed runtime's version) when it is set.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from devstack.function_packages import CleanEnvironments, FunctionPackage, build_packages

_ENVIRONMENTS: list[CleanEnvironments] = []


@pytest.fixture(scope="session")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, FunctionPackage]:
    """Every function's package, built by infra/package_functions.py and unpacked."""
    return build_packages(tmp_path_factory.mktemp("packages"))


@pytest.fixture(scope="session")
def environments(tmp_path_factory: pytest.TempPathFactory) -> CleanEnvironments:
    """One virtual environment per distinct requirements.txt, made on first use."""
    made = CleanEnvironments(Path(tmp_path_factory.mktemp("venvs")))
    _ENVIRONMENTS.append(made)
    return made


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for made in _ENVIRONMENTS:
        for key, seconds in sorted(made.install_seconds.items()):
            terminalreporter.write_line(
                f"packages: clean environment {key} ({', '.join(made.users[key])}) "
                f"installed in {seconds:.1f} s from {made.python}"
            )
