"""The functions gateway served in-process for the Cloud Tasks emulator, recording answers.

Tasks created on the emulator post to this server's URL; each answer is kept
with its path, the task name and the status, so tests wait for deliveries.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Worker:
    """The gateway served in-process, recording every delivery it answers."""

    url: str = ""
    answered: list[tuple[str, str, int]] = field(default_factory=list)  # path, task, status
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answers_for(self, task: str) -> list[int]:
        with self.lock:
            return [status for _, name, status in self.answered if name == task]

    def wait(self, task: str, done: Any, timeout: float = 20) -> list[int]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            statuses = self.answers_for(task)
            if done(statuses):
                return statuses
            time.sleep(0.05)
        raise AssertionError(f"deliveries of {task}: {self.answers_for(task)}")

    def answers(self, prefix: str) -> list[tuple[str, int]]:
        """``(task, status)`` of every answered delivery whose task name starts with ``prefix``."""
        with self.lock:
            return [(task, status) for _, task, status in self.answered if task.startswith(prefix)]

    def wait_done(self, prefix: str, count: int, timeout: float = 300) -> list[tuple[str, int]]:
        """Wait until ``count`` deliveries of tasks named ``prefix…`` were answered 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.answers(prefix)
            if sum(1 for _, status in found if status == 200) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(f"deliveries of {prefix}: {self.answers(prefix)}")


def serve() -> Iterator[Worker]:
    """Serve the gateway on a free loopback port until the generator is closed."""
    from werkzeug.serving import make_server

    from devstack.gateway import build_app

    state = Worker()
    app = build_app("http://127.0.0.1")

    def recording(environ: dict[str, Any], start_response: Any) -> Any:
        path = environ["PATH_INFO"]
        task = environ.get("HTTP_X_CLOUDTASKS_TASKNAME", "")

        def start(status: str, headers: Any, exc_info: Any = None) -> Any:
            with state.lock:
                state.answered.append((path, task, int(status.split()[0])))
            return start_response(status, headers, exc_info)

        return app(environ, start)

    server = make_server("127.0.0.1", 0, recording, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.url = f"http://127.0.0.1:{server.server_port}"
    yield state
    server.shutdown()
