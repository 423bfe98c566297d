#!/usr/bin/env python
# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a command while the local AI Core emulator runs, then stop the emulator.

    with_emulator.py [--tls] [--seed FILE.json] [--latency S] [--resource-group ID ...]
                     [--integration-config PATH] -- CMD ARGS...

The emulator runs in this process (on threads); CMD gets the AICORE_EMULATOR_* variables
in its environment. --integration-config also writes them, lower-cased, as Ansible vars
(tests/integration/integration_config.yml); that file is removed again at the end, since
its ports and secret die with the emulator; it also holds the start-up resource groups as
``aicore_emulator_resource_groups`` (a list). The tenant has ``default`` and the groups named
by --resource-group (repeatable), or without that option the standard list that every
existing test addresses (STANDARD_RESOURCE_GROUPS). The emulator is always stopped, also when CMD
fails or the run is interrupted, and the exit status is CMD's (128+N if a signal N ended it).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys

from aicore_emulator import Emulator
from aicore_emulator.cli import add_resource_group_option, startup_resource_groups

# After Ctrl-C (which the terminal also sends to CMD) give CMD this long to clean up.
INTERRUPT_GRACE_SECONDS = 15
TERMINATE_GRACE_SECONDS = 5
# The shell's exit statuses for a command that cannot be started.
COMMAND_NOT_FOUND = 127
COMMAND_NOT_EXECUTABLE = 126


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line; ``command`` is everything after ``--``."""
    parser = argparse.ArgumentParser(description="Run CMD with the local AI Core emulator running.")
    parser.add_argument("--tls", action="store_true", help="also start the TLS and mutual-TLS listeners")
    parser.add_argument("--seed", metavar="FILE.json", help="secrets to create at start (a /_emulator/seed body, or a list of them)")
    parser.add_argument("--latency", type=float, default=0.0, metavar="S", help="delay added to every API and token request")
    parser.add_argument("--integration-config", metavar="PATH", help="also write the values as an Ansible vars file here")
    add_resource_group_option(parser)
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- CMD ARGS...")
    args = parser.parse_args(argv)
    if args.command[:1] == ["--"]:
        args.command = args.command[1:]
    if not args.command:
        parser.error("give the command to run after --")
    return args


RESOURCE_GROUPS_VAR = "aicore_emulator_resource_groups"


def write_integration_config(path: str, env: dict[str, str], resource_groups: list[str]) -> None:
    """Ansible vars, one ``key: value`` line each; JSON strings and lists are valid YAML."""
    lines = ["# Written by tests/emulator/with_emulator.py for the running emulator; removed at its stop."]
    lines += [f"{name.lower()}: {json.dumps(value)}" for name, value in env.items()]
    lines.append(f"{RESOURCE_GROUPS_VAR}: {json.dumps(resource_groups)}")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def exit_status(returncode: int) -> int:
    """A child's return code as a shell would report it."""
    return 128 - returncode if returncode < 0 else returncode


def run_command(command: list[str], env: dict[str, str]) -> int:
    """Run CMD to its end and return its exit status, passing SIGTERM and SIGHUP on to it."""
    try:
        process = subprocess.Popen(command, env=env)  # pylint: disable=consider-using-with
    except OSError as error:
        sys.stderr.write(f"with_emulator.py: cannot run {command[0]}: {error.strerror}\n")
        return COMMAND_NOT_FOUND if isinstance(error, FileNotFoundError) else COMMAND_NOT_EXECUTABLE

    def forward(signum: int, _frame: object) -> None:
        process.send_signal(signum)

    previous = {signum: signal.signal(signum, forward) for signum in (signal.SIGTERM, signal.SIGHUP)}
    try:
        return exit_status(_wait(process))
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _wait(process: subprocess.Popen) -> int:
    try:
        return process.wait()
    except KeyboardInterrupt:
        # Ctrl-C reached CMD too (same process group): let it finish its own cleanup first.
        try:
            return process.wait(timeout=INTERRUPT_GRACE_SECONDS)
        except (subprocess.TimeoutExpired, KeyboardInterrupt):
            return _terminate(process)


def _terminate(process: subprocess.Popen) -> int:
    process.terminate()
    try:
        return process.wait(timeout=TERMINATE_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()


def main(argv: list[str] | None = None) -> int:
    """Start the emulator, run CMD, stop the emulator; CMD's exit status."""
    args = parse_args(argv)
    # Until CMD runs, SIGTERM should unwind through the cleanup below instead of killing outright.
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    with Emulator(tls=args.tls, latency=args.latency, resource_groups=startup_resource_groups(args)) as emulator:
        if args.seed:
            emulator.seed_file(args.seed)
        env = emulator.env()
        try:
            if args.integration_config:
                write_integration_config(args.integration_config, env, emulator.startup_resource_groups)
            return run_command(args.command, {**os.environ, **env})
        finally:
            if args.integration_config:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(args.integration_config)


if __name__ == "__main__":
    sys.exit(main())
