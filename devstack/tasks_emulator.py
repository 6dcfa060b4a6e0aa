"""Run gcloud-tasks-emulator 0.6.2 bound to one address, with queues made before it listens.

The emulator's own ``start`` command always binds ``[::]`` (every interface), which a
developer laptop on a café network should not do. This launcher reuses the emulator's
queue state, servicer and dispatcher, but binds the gRPC server itself.

Queues are created before the port opens, so "the port accepts connections" means
"the queues exist": the readiness check needs no gRPC client.

Executed with the tasks venv's interpreter (protobuf<5), as a script with ``-I``:
it must not import anything from ``devstack`` or the main venv.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import time
from concurrent import futures
from datetime import UTC, datetime
from types import FrameType
from typing import Any

import grpc
from gcloud_tasks_emulator import server as emulator
from google.cloud.tasks_v2 import Queue


class TasksServicer(emulator.Greeter):
    """The emulator's servicer plus ``DeleteTask``, which 0.6.2 leaves unimplemented.

    Erasure deletes the pending tasks about a person (R21): the real API has
    ``tasks.delete``, so the local one must have it too.
    """

    def DeleteTask(self, request: Any, context: Any) -> Any:
        from google.protobuf import empty_pb2

        queue = request.name.rsplit("/tasks/", 1)[0]
        tasks = self._state._queue_tasks.get(queue, [])
        for index, task in enumerate(tasks):
            if task.name == request.name:
                del tasks[index]
                return empty_pb2.Empty()
        context.abort(grpc.StatusCode.NOT_FOUND, f"Task not found: {request.name}")


class Processor(emulator.Processor):
    """The emulator's dispatcher, kept alive when a task goes before its turn, and
    leaving a task that is not due yet where it is.

    0.6.2 takes a copy of a queue's tasks, then dispatches them one by one; a task
    deleted in between (erasure deletes the pending tasks about a person, R21) makes
    its dispatch raise ``NotFound``, which ended that queue's thread for good: the
    queue never delivered again. Here a task that cannot be dispatched is logged and
    the queue goes on.

    0.6.2 also takes every task scheduled for later out of its queue and appends it
    again, ten times a second: a ``DeleteTask`` landing in between answered
    ``NOT_FOUND`` and the task came back (an erasure's final scan then found the
    pending task it had just deleted), and a ``ListTasks`` there missed it. Cloud
    Tasks never hides a pending task, so a task not due yet is not touched here.
    """

    def _process_queue(self, queue: str) -> None:
        while self._is_running.is_set():
            if queue not in self._state._queues or queue not in self._state._queue_tasks:
                break  # the queue was deleted
            if self._state.queue(queue).state == Queue.State.RUNNING:
                now = datetime.now(UTC)
                for task in self._state._queue_tasks[queue][:]:
                    if task.schedule_time is not None and task.schedule_time >= now:
                        continue  # not due: left in place (0.6.2's own test, without the move)
                    try:
                        self._state.submit_task(task.name)
                    except Exception as error:  # one task, not the whole queue
                        logging.info("[TASKS] %s not dispatched: %s", task.name, error)
            time.sleep(emulator._LOOP_SLEEP_TIME)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--queue", action="append", default=[], help="full queue path")
    parser.add_argument(
        "--target-host", default="127.0.0.1", help="host for App Engine tasks (relative URI)"
    )
    parser.add_argument("--target-port", type=int, default=8080)
    parser.add_argument("--max-retries", type=int, default=-1, help="-1: retry forever")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    state = emulator.QueueState(args.target_host, args.target_port, args.max_retries)
    for name in args.queue:
        state.create_queue(name.rsplit("/queues/", 1)[0], Queue(name=name))

    grpc_server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    emulator.add_CloudTasksServicer_to_server(TasksServicer(state), grpc_server)
    address = f"{args.host}:{args.port}"
    try:
        if grpc_server.add_insecure_port(address) == 0:
            raise RuntimeError(address)
    except RuntimeError:
        logging.error("cannot bind %s (port in use?)", address)
        return 2
    processor = Processor(state)

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    grpc_server.start()
    processor.start()
    logging.info("Cloud Tasks emulator listening on %s, queues: %s", address, args.queue)
    try:
        while True:
            time.sleep(3600)
    except (SystemExit, KeyboardInterrupt):
        pass
    finally:
        processor.join(timeout=1)
        grpc_server.stop(grace=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
