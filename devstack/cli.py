"""``python -m devstack {install,env,run,up,finalize}``: the only entry point people and CI use.

Signals: SIGINT, SIGTERM and SIGHUP always end in a full teardown. While ``run``'s
command is running they are passed on to it instead (it decides how to stop, e.g.
pytest prints its summary), except a terminal Ctrl-C, which the terminal already
delivers to the command because it shares devstack's process group; the stack is
stopped once the command has exited.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from types import FrameType

from devstack.components import child_environment
from devstack.errors import StackError
from devstack.install import install_all
from devstack.processes import die_with_parent_hook
from devstack.settings import DEFAULT_PORTS, LOG_DIR_VARIABLE, Settings, port_variable
from devstack.stack import Stack, say_on_stderr

EXIT_STACK_FAILURE = 3
HANDLED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(Exception):
    """A stop signal arrived while devstack itself was busy (starting, or ``up``)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signum)


def _ignore_during_teardown(signum: int, frame: FrameType | None) -> None:
    say_on_stderr(f"{signal.Signals(signum).name} received: already stopping")


def _set_handlers(handler: Callable[[int, FrameType | None], None]) -> None:
    for signum in HANDLED_SIGNALS:
        signal.signal(signum, handler)


def _terminal_delivers_sigint() -> bool:
    """True when a Ctrl-C reaches our whole (foreground) process group by itself."""
    try:
        return os.tcgetpgrp(sys.stdin.fileno()) == os.getpgrp()
    except (OSError, ValueError):
        return False


def _exit_code(returncode: int) -> int:
    """Shell convention: a command killed by signal N exits 128+N."""
    return 128 - returncode if returncode < 0 else returncode


def _install(quiet: bool) -> None:
    done = install_all(say_on_stderr)
    if not quiet:
        say_on_stderr(f"installed: {', '.join(done)}" if done else "everything already installed")


def run_command(command: Sequence[str], env: dict[str, str]) -> int:
    """Run ``command`` in the foreground with ``env``; pass stop signals on to it."""
    try:
        # Same process group as devstack (a terminal Ctrl-C reaches it, it may read the
        # terminal); dies with devstack even if devstack is SIGKILLed.
        child = subprocess.Popen(list(command), env=env, preexec_fn=die_with_parent_hook())
    except OSError as error:
        say_on_stderr(f"cannot run {shlex.join(command)}: {error}")
        return 127

    def forward(signum: int, frame: FrameType | None) -> None:
        if signum == signal.SIGINT and _terminal_delivers_sigint():
            return
        with contextlib.suppress(ProcessLookupError):
            child.send_signal(signum)

    _set_handlers(forward)
    return _exit_code(child.wait())


def command_install(args: argparse.Namespace) -> int:
    _install(quiet=False)
    return 0


def command_env(args: argparse.Namespace) -> int:
    for key, value in Settings.from_environ().client_environment().items():
        print(f"export {key}={shlex.quote(value)}")
    return 0


def command_run(args: argparse.Namespace) -> int:
    command = list(args.command)
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        say_on_stderr("nothing to run: python -m devstack run [--gateway] -- CMD ARGS…")
        return 2
    settings = Settings.from_environ(free_ports=args.free_ports)
    _set_handlers(_raise_interrupted)
    stack: Stack | None = None
    try:
        _install(quiet=True)
        stack = Stack(settings, with_gateway=args.gateway)
        took = stack.start()
        say_on_stderr(f"stack ready in {took:.1f} s; running {shlex.join(command)}")
        code = run_command(command, child_environment(settings))
        _set_handlers(_ignore_during_teardown)
        if dead := stack.dead_components():
            say_on_stderr(
                f"warning: {', '.join(dead)} stopped during the run; see {settings.log_dir}"
            )
        return code
    except Interrupted as interrupted:
        say_on_stderr(f"{interrupted} received: stopping")
        return 128 + interrupted.signum
    except StackError as error:
        say_on_stderr(str(error))
        return EXIT_STACK_FAILURE
    finally:
        _set_handlers(_ignore_during_teardown)
        if stack is not None:
            stack.stop()


def api_banner(settings: Settings) -> str:
    """Where the API and its docs are, and a first request to try."""
    from devstack.gateway import example_requests

    url = settings.url("gateway")
    example = example_requests(url, settings.address("auth")).replace("\n", "\n    ")
    return (
        f"Web client: {url}/app/\n"
        f"API docs: {url}/docs   OpenAPI: {url}/openapi.json   functions: {url}/<function>/…\n"
        f"Try it — create an account on the Auth emulator, then sign up with its ID token:\n"
        f"    {example}\n"
        f"Partner single sign-on: {url}/demo-partner signs a hand-off as a client's intranet"
        f" would (or: python -m devstack demo-partner camille@example.org)"
    )


def command_up(args: argparse.Namespace) -> int:
    settings = Settings.from_environ()
    _set_handlers(_raise_interrupted)
    stack: Stack | None = None
    try:
        _install(quiet=True)
        stack = Stack(settings, with_gateway=args.gateway)
        took = stack.start()
        print(f"Sésame local stack ready in {took:.1f} s:\n{stack.table()}", flush=True)
        if args.gateway:
            print(api_banner(settings), flush=True)
        print('Environment for your shell: eval "$(python -m devstack env)"', flush=True)
        print("Ctrl-C stops everything.", flush=True)
        while True:
            time.sleep(0.5)
            if dead := stack.dead_components():
                raise StackError(f"{', '.join(dead)} stopped unexpectedly; see {settings.log_dir}")
    except Interrupted as interrupted:
        say_on_stderr(f"{interrupted} received: stopping")
        return 0
    except StackError as error:
        say_on_stderr(str(error))
        return EXIT_STACK_FAILURE
    finally:
        _set_handlers(_ignore_during_teardown)
        if stack is not None:
            stack.stop()
            say_on_stderr("stopped")


def command_finalize(args: argparse.Namespace) -> int:
    """Deliver the finalize event of an object already in the running storage emulator."""
    from devstack.storage_events import EVENT_FUNCTION, deliver_finalized

    settings = Settings.from_environ()
    target = args.target or f"{settings.url('gateway')}/{EVENT_FUNCTION}"
    delivered = deliver_finalized(settings.url("storage"), target, args.bucket, args.object)
    print(f"{delivered.status} {delivered.body}", flush=True)
    return 0 if delivered.status < 300 else 1


def command_web_export(args: argparse.Namespace) -> int:
    """Write the web client, its SDK modules and a production ``config.json`` for Hosting."""
    from pathlib import Path

    from devstack.web_client import ClientConfig, export_for_hosting
    from shared.domain.policy import CURRENT_POLICY

    config = ClientConfig(
        api_base=args.api_base.rstrip("/"),
        firebase_api_key=args.api_key,
        firebase_project_id=args.project,
        auth_emulator=None,
        policy_version=CURRENT_POLICY.version,
    )
    written = export_for_hosting(Path(args.target), config)
    print(f"{len(written)} files written to {args.target}", flush=True)
    return 0


def command_demo_partner(args: argparse.Namespace) -> int:
    """Play a client's intranet: register it on the running stack, sign a hand-off for an e-mail."""
    from devstack import demo_partner

    settings = Settings.from_environ()
    # The admin writes go to this stack's emulators, whatever the shell exported.
    os.environ.update(settings.client_environment())
    return demo_partner.main(args.email, settings.url("gateway"))


def build_parser() -> argparse.ArgumentParser:
    ports = ", ".join(f"{port_variable(n)}={p}" for n, p in DEFAULT_PORTS.items())
    parser = argparse.ArgumentParser(
        prog="python -m devstack",
        description="Start, use and stop Sésame's local emulators as one stack.",
        epilog=(
            f"Ports (override with the variable): {ports}. Logs: .devstack/logs/ (or"
            f" ${LOG_DIR_VARIABLE}). Exit status: the command's for `run`,"
            f" {EXIT_STACK_FAILURE} if the stack could not start."
        ),
    )
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("install", help="install missing pieces (npm ci, emulator venvs)").set_defaults(
        handler=command_install
    )
    sub.add_parser("env", help="print the stack's variables as `export K=V` lines").set_defaults(
        handler=command_env
    )
    run = sub.add_parser("run", help="start the stack, run a command in it, stop the stack")
    run.add_argument("--gateway", action="store_true", help="also start the functions gateway")
    run.add_argument(
        "--free-ports",
        action="store_true",
        help="use free ports and a log folder of this run (so it can run beside `make run`)",
    )
    run.add_argument("command", nargs=argparse.REMAINDER, help="-- CMD ARGS…")
    run.set_defaults(handler=command_run)
    up = sub.add_parser("up", help="start the stack and keep it up until Ctrl-C")
    up.add_argument("--gateway", action="store_true", help="also start the functions gateway")
    up.set_defaults(handler=command_up)
    finalize = sub.add_parser(
        "finalize",
        help="deliver the Storage 'object finalized' event of an emulator object (like Eventarc)",
    )
    finalize.add_argument("bucket")
    finalize.add_argument("object")
    finalize.add_argument("--target", help="event function URL (default: the gateway's)")
    finalize.set_defaults(handler=command_finalize)
    web_export = sub.add_parser(
        "web-export", help="write the web client as static files for Firebase Hosting"
    )
    web_export.add_argument("target", help="folder to (re)write, e.g. build/web")
    web_export.add_argument("--api-base", required=True, help="https origin serving the API")
    web_export.add_argument("--api-key", required=True, help="the Firebase web API key")
    web_export.add_argument("--project", required=True, help="the Firebase project id")
    web_export.set_defaults(handler=command_web_export)
    partner = sub.add_parser(
        "demo-partner",
        help="sign a single sign-on hand-off as a local partner intranet would (needs `make run`)",
    )
    partner.add_argument("email", help="the person's address the partner vouches for")
    partner.set_defaults(handler=command_demo_partner)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except StackError as error:
        say_on_stderr(str(error))
        return EXIT_STACK_FAILURE
    return code
