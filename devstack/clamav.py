"""clamd for the vault's malware scan, with a signature database made here.

Signature downloads are not reachable from development machines or CI, so the
stack writes its own database: one body signature matching the EICAR test file
(the industry's harmless test string, https://www.eicar.org), which is what the
tests upload to prove that an infected file is refused. Production runs
freshclam against the official databases instead (infra/README.md).

clamd gets its own configuration file in the stack's log folder: loopback TCP
only, in the foreground (so the stack owns and stops the process), limits a bit
above the vault's 10 MB per file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from devstack.errors import StackError
from devstack.settings import HOST, STATE_DIR, Settings

CLAMD_FALLBACK = Path("/usr/sbin/clamd")
DATABASE_DIR = STATE_DIR / "clamav-db"
# The 68-byte EICAR test file; a body signature (.ndb) finds it anywhere in a stream.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
EICAR_SIGNATURE_NAME = "Sesame.Test.EICAR"


def find_clamd() -> Path | None:
    """The clamd binary of the Debian package, if installed."""
    found = shutil.which("clamd")
    if found:
        return Path(found)
    return CLAMD_FALLBACK if CLAMD_FALLBACK.is_file() else None


def write_test_database(folder: Path = DATABASE_DIR) -> Path:
    """A database holding only the EICAR signature (``Name:Target:Offset:Hex``)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "sesame-test.ndb"
    content = f"{EICAR_SIGNATURE_NAME}:0:*:{EICAR.hex()}\n"
    if not path.is_file() or path.read_text() != content:
        path.write_text(content)
    return folder


def write_config(settings: Settings, database: Path) -> Path:
    """clamd.conf for this stack's port and folders."""
    settings.log_dir.mkdir(parents=True, exist_ok=True)
    path = settings.log_dir / "clamd.conf"
    path.write_text(
        "\n".join(
            [
                f"TCPAddr {HOST}",
                f"TCPSocket {settings.ports['clamd']}",
                f"DatabaseDirectory {database}",
                "Foreground yes",
                "LogTime yes",
                # The vault refuses files above 10 MB before scanning; these leave room.
                "StreamMaxLength 12M",
                "MaxFileSize 12M",
                "MaxScanSize 50M",
                "SelfCheck 0",
                "",
            ]
        )
    )
    return path


def clamd_argv(settings: Settings) -> list[str]:
    """The command line of clamd, after writing its database and configuration."""
    binary = find_clamd()
    if binary is None:
        raise StackError(
            "clamd not found: run `python -m devstack install` (installs the Debian"
            " package clamav-daemon)."
        )
    config = write_config(settings, write_test_database())
    return [str(binary), f"--config-file={config}"]
