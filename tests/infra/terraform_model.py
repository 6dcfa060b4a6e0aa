"""Parsed view of the Terraform in infra/ for the policy tests.

No provider can be downloaded here, so ``terraform validate`` cannot run: the tests
read the HCL itself (python-hcl2) and assert the properties that matter for the
privacy policy (R17 location and encryption, R18 least privilege, R19-R23 retention).

``SESAME_INFRA_CHECK_ROOT`` points the tests at another checkout (e.g. a copy with a
deliberate mistake, to see a test fail) instead of this repository.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2
from hcl2.utils import SerializationOptions

REPO_ROOT = Path(
    os.environ.get("SESAME_INFRA_CHECK_ROOT") or Path(__file__).resolve().parents[2]
).resolve()
INFRA_DIR = REPO_ROOT / "infra"

# Plain values: strings without their quotes, expressions as "${...}", no comments.
_PARSE_OPTIONS = SerializationOptions(
    with_comments=False,
    explicit_blocks=False,
    strip_string_quotes=True,
    preserve_heredocs=False,
)


@dataclass(frozen=True)
class Block:
    """One ``resource`` or ``data`` block."""

    kind: str
    type: str
    name: str
    body: dict[str, Any]
    file: str

    @property
    def address(self) -> str:
        prefix = "data." if self.kind == "data" else ""
        return f"{prefix}{self.type}.{self.name}"


@dataclass(frozen=True)
class Terraform:
    """Every block of the infra/ module, merged across files."""

    resources: list[Block]
    data: list[Block]
    locals: dict[str, Any]
    variables: dict[str, dict[str, Any]]
    settings: list[dict[str, Any]]
    providers: list[dict[str, Any]]

    def resource(self, type_: str, name: str) -> Block:
        for block in self.resources:
            if block.type == type_ and block.name == name:
                return block
        raise AssertionError(f"resource {type_}.{name} is not declared in infra/")

    def of_type(self, type_: str) -> list[Block]:
        return [block for block in self.resources if block.type == type_]

    def blocks(self) -> list[Block]:
        return [*self.resources, *self.data]


def _blocks(kind: str, entries: list[dict[str, Any]], file: str) -> Iterator[Block]:
    for entry in entries:
        for type_, named in entry.items():
            for name, body in named.items():
                yield Block(kind, type_, name, body, file)


def load_terraform(directory: Path) -> Terraform:
    """Parse every ``*.tf`` file of ``directory`` (not recursive, like Terraform)."""
    files = sorted(directory.glob("*.tf"))
    if not files:
        raise AssertionError(f"no Terraform file in {directory}")
    resources: list[Block] = []
    data: list[Block] = []
    locals_: dict[str, Any] = {}
    variables: dict[str, dict[str, Any]] = {}
    settings: list[dict[str, Any]] = []
    providers: list[dict[str, Any]] = []
    for path in files:
        with path.open(encoding="utf-8") as handle:
            parsed = hcl2.load(handle, serialization_options=_PARSE_OPTIONS)
        resources.extend(_blocks("resource", parsed.get("resource", []), path.name))
        data.extend(_blocks("data", parsed.get("data", []), path.name))
        for block in parsed.get("locals", []):
            duplicated = locals_.keys() & block.keys()
            assert not duplicated, f"locals declared twice: {sorted(duplicated)}"
            locals_.update(block)
        for block in parsed.get("variable", []):
            variables.update(block)
        settings.extend(parsed.get("terraform", []))
        providers.extend(parsed.get("provider", []))
    return Terraform(resources, data, locals_, variables, settings, providers)


def walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Yield ``(path, leaf)`` for every scalar inside nested dicts and lists."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, f"{path}[{index}]")
    else:
        yield path, value


def walk_attributes(value: Any, path: str = "") -> Iterator[tuple[str, str, Any]]:
    """Yield ``(path, attribute name, value)`` for every attribute at any depth."""
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            yield here, str(key), item
            yield from walk_attributes(item, here)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk_attributes(item, f"{path}[{index}]")


def single(blocks: Any, what: str) -> dict[str, Any]:
    """The one nested block hcl2 gives as a one-element list."""
    assert isinstance(blocks, list) and len(blocks) == 1, f"{what}: expected exactly one block"
    block = blocks[0]
    assert isinstance(block, dict)
    return block
