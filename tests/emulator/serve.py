#!/usr/bin/env python
# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the local AI Core emulator in the foreground until SIGTERM or SIGINT.

    serve.py [--tls] [--ready-file PATH] [--client-id ID] [--client-secret S]
             [--latency SECONDS] [--seed FILE.json] [--resource-group ID ...]

Once every listener is up (and the seed applied) the ready file appears, written
atomically: a JSON object of the AICORE_EMULATOR_* variables (URLs, client id and
secret, and with --tls the CA, client certificate and key paths). It is removed again
at stop, like the certificate directory. The tenant has ``default`` and the groups named by
--resource-group (repeatable), or without that option the standard list that every existing
test, the demo and the molecule scenario address (STANDARD_RESOURCE_GROUPS).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import threading

from aicore_emulator import DEFAULT_CLIENT_ID, Emulator
from aicore_emulator.cli import add_resource_group_option, startup_resource_groups


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description="Run the local AI Core emulator until SIGTERM or SIGINT.")
    parser.add_argument("--tls", action="store_true", help="also serve the API over TLS and the token endpoint over mutual TLS")
    parser.add_argument("--ready-file", metavar="PATH", help="write the AICORE_EMULATOR_* values here as JSON once listening")
    parser.add_argument("--client-id", default=DEFAULT_CLIENT_ID, help="the accepted client id (default: %(default)s)")
    parser.add_argument("--client-secret", help="the accepted client secret (default: random)")
    parser.add_argument("--latency", type=float, default=0.0, metavar="SECONDS", help="delay added to every API and token request")
    parser.add_argument("--seed", metavar="FILE.json", help="secrets to create at start (a /_emulator/seed body, or a list of them)")
    add_resource_group_option(parser)
    return parser.parse_args(argv)


def write_ready_file(path: str, values: dict[str, str]) -> None:
    """Write JSON so that a reader never sees a half-written file; owner-only (it holds the secret)."""
    partial = f"{path}.partial"
    with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as handle:
        json.dump(values, handle, indent=2)
    os.replace(partial, path)


def main(argv: list[str] | None = None) -> int:
    """Serve until a stop signal arrives."""
    args = parse_args(argv)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda _signum, _frame: stop.set())
    emulator = Emulator(
        tls=args.tls,
        client_id=args.client_id,
        client_secret=args.client_secret,
        latency=args.latency,
        resource_groups=startup_resource_groups(args),
    )
    emulator.start()
    try:
        if args.seed:
            emulator.seed_file(args.seed)
        if args.ready_file:
            write_ready_file(args.ready_file, emulator.env())
        sys.stderr.write(f"AI Core emulator listening on {emulator.url}; stop with SIGTERM or Ctrl-C\n")
        stop.wait()
    finally:
        emulator.stop()
        if args.ready_file:
            with contextlib.suppress(FileNotFoundError):
                os.remove(args.ready_file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
