"""clamd's local setup: loopback only, this stack's port, a database that knows EICAR."""

from __future__ import annotations

from pathlib import Path

from devstack.clamav import EICAR, write_config, write_test_database
from devstack.settings import Settings


def test_config_binds_loopback_on_the_stack_port(tmp_path: Path) -> None:
    settings = Settings.from_environ(
        {"SESAME_PORT_CLAMD": "3999", "SESAME_DEVSTACK_LOG_DIR": str(tmp_path)}
    )

    lines = write_config(settings, tmp_path / "db").read_text().splitlines()

    assert "TCPAddr 127.0.0.1" in lines
    assert "TCPSocket 3999" in lines
    assert f"DatabaseDirectory {tmp_path / 'db'}" in lines
    assert "Foreground yes" in lines
    assert not any(line.startswith("LocalSocket") for line in lines)


def test_database_holds_the_eicar_body_signature(tmp_path: Path) -> None:
    folder = write_test_database(tmp_path)

    (signature,) = (folder / "sesame-test.ndb").read_text().splitlines()
    name, target, offset, body = signature.split(":")
    assert (target, offset) == ("0", "*")
    assert bytes.fromhex(body) == EICAR
    assert len(EICAR) == 68  # the EICAR test file is 68 bytes
    assert "EICAR" in name


def test_stack_exports_the_clamd_address() -> None:
    settings = Settings.from_environ({"SESAME_PORT_CLAMD": "3998"})

    assert settings.client_environment()["SESAME_CLAMD_ADDRESS"] == "127.0.0.1:3998"
