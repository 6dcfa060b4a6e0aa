"""Fixtures of the infra tests: the parsed infra/ module and its function map."""

from __future__ import annotations

from typing import Any

import pytest

from tests.infra.terraform_model import INFRA_DIR, Terraform, load_terraform


@pytest.fixture(scope="session")
def terraform() -> Terraform:
    return load_terraform(INFRA_DIR)


@pytest.fixture(scope="session")
def functions(terraform: Terraform) -> dict[str, dict[str, Any]]:
    """``local.functions``: the one declaration of every Cloud Function."""
    declared = terraform.locals.get("functions")
    assert isinstance(declared, dict) and declared, "infra/ must declare local.functions"
    return declared
