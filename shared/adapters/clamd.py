"""Malware scan through clamd's socket protocol (``INSTREAM``).

clamd (Debian ``clamav-daemon``) listens on a loopback TCP port; the file is
streamed in chunks, each prefixed with its length in 4 bytes (network order),
and a zero-length chunk ends it. The answer is ``stream: OK`` or
``stream: <signature> FOUND``. Locally the stack starts clamd with a tiny
signature database holding the EICAR test file (devstack/clamav.py); in
production clamd runs next to the vault worker with freshclam keeping the
official databases current (infra/README.md).

A daemon that cannot be reached, times out or answers an error is
:class:`ScannerUnavailable`: transient, so the caller lets the delivery be
retried instead of accepting an unscanned file.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

CHUNK = 64 * 1024
DEFAULT_TIMEOUT = 30.0


class ScannerUnavailable(RuntimeError):
    """clamd could not give a verdict now; retry later."""


@dataclass(frozen=True)
class ScanVerdict:
    clean: bool
    signature: str | None = None


@dataclass(frozen=True)
class ClamdScanner:
    """A clamd at ``host:port``."""

    host: str
    port: int
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def at(cls, address: str, timeout: float = DEFAULT_TIMEOUT) -> ClamdScanner:
        """From ``host:port`` (what the configuration holds)."""
        host, _, port = address.rpartition(":")
        return cls(host or "127.0.0.1", int(port), timeout)

    def _exchange(self, payload_chunks: list[bytes]) -> str:
        try:
            with socket.create_connection((self.host, self.port), timeout=self.timeout) as conn:
                for chunk in payload_chunks:
                    conn.sendall(chunk)
                answer = bytearray()
                while not answer.endswith(b"\0"):
                    part = conn.recv(4096)
                    if not part:
                        break
                    answer += part
        except OSError as error:
            raise ScannerUnavailable(f"clamd at {self.host}:{self.port}: {error}") from error
        return answer.rstrip(b"\0").decode("utf-8", "replace").strip()

    def ping(self) -> bool:
        """True when clamd answers ``PONG``."""
        try:
            return self._exchange([b"zPING\0"]) == "PONG"
        except ScannerUnavailable:
            return False

    def scan(self, data: bytes) -> ScanVerdict:
        """Stream ``data`` to clamd and return its verdict."""
        chunks = [b"zINSTREAM\0"]
        for start in range(0, len(data), CHUNK):
            piece = data[start : start + CHUNK]
            chunks.append(struct.pack("!L", len(piece)) + piece)
        chunks.append(struct.pack("!L", 0))
        answer = self._exchange(chunks)
        if answer.endswith("OK") and answer.startswith("stream:"):
            return ScanVerdict(clean=True)
        if answer.endswith("FOUND"):
            signature = answer.removeprefix("stream:").removesuffix("FOUND").strip()
            return ScanVerdict(clean=False, signature=signature)
        # "INSTREAM size limit exceeded. ERROR", empty answer on a dropped connection…
        raise ScannerUnavailable(f"clamd gave no verdict: {answer[:200]!r}")
