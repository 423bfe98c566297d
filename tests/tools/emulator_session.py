#!/usr/bin/env python
# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make emulator`: keep the local AI Core emulator running for a user's own playbooks.

Runs as the command of tests/emulator/with_emulator.py, which starts the emulator and passes
its address and credentials in the AICORE_EMULATOR_* variables. This writes, for as long as it
runs, two owner-only files into OUT_DIR (default build/emulator):

    service-key.json   a BTP service key (client-secret form) for the emulator:
                       service_key: build/emulator/service-key.json
    env                shell exports: AICORE_SERVICE_KEY (that file's path), AICORE_RESOURCE_GROUP=default,
                       and ANSIBLE_COLLECTIONS_PATH (the collection `make install` built)

then waits for Ctrl-C (or SIGTERM/SIGHUP) and removes both files before the emulator stops, so
no file points at an emulator that is gone.
"""

import argparse
import json
import os
import shlex
import signal
import sys
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVICE_KEY = "service-key.json"
ENV_FILE = "env"
RESOURCE_GROUP = "default"


def service_key(environ):
    """The emulator's connection details in the shape of an SAP BTP service key."""
    return {
        "clientid": environ["AICORE_EMULATOR_CLIENT_ID"],
        "clientsecret": environ["AICORE_EMULATOR_CLIENT_SECRET"],
        "url": environ["AICORE_EMULATOR_AUTH_URL"],
        "identityzone": "aicore-emulator",
        "serviceurls": {"AI_API_URL": environ["AICORE_EMULATOR_URL"]},
    }


def env_text(key_path, collections_path):
    """The env file: what `source build/emulator/env` exports."""
    exports = (
        ("AICORE_SERVICE_KEY", key_path),
        ("AICORE_RESOURCE_GROUP", RESOURCE_GROUP),
        ("ANSIBLE_COLLECTIONS_PATH", collections_path),
    )
    lines = ["# Written by `make emulator`; valid only while it runs. Source it: . build/emulator/env"]
    lines += ["export %s=%s" % (name, shlex.quote(value)) for name, value in exports]
    return "\n".join(lines) + "\n"


def write_private(path, text):
    """Write owner-only (the files hold the emulator's client secret), never half-written."""
    partial = path + ".partial"
    with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(partial, path)


def remove_quietly(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", default=os.path.join(ROOT, "build", "emulator"))
    parser.add_argument("--collections", default=os.path.join(ROOT, "build", "collections"))
    args = parser.parse_args(argv)
    if "AICORE_EMULATOR_URL" not in os.environ:
        sys.stderr.write("emulator_session.py: run it under tests/emulator/with_emulator.py (make emulator)\n")
        return 2
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda _signum, _frame: stop.set())
    os.makedirs(args.out_dir, exist_ok=True)
    key_path = os.path.join(args.out_dir, SERVICE_KEY)
    env_path = os.path.join(args.out_dir, ENV_FILE)
    try:
        write_private(key_path, json.dumps(service_key(os.environ), indent=2) + "\n")
        write_private(env_path, env_text(key_path, args.collections))
        relative = os.path.relpath(args.out_dir)
        print("AI Core emulator at %s (token endpoint %s), resource groups include %s and team-a."
              % (os.environ["AICORE_EMULATOR_URL"], os.environ["AICORE_EMULATOR_AUTH_URL"], RESOURCE_GROUP))
        print("  in a task:   service_key: %s  (or %s/%s from a playbook at the top of the clone)" % (key_path, relative, SERVICE_KEY))
        print("  or a shell:  . %s/%s && .venv/bin/ansible-playbook your-playbook.yml" % (relative, ENV_FILE))
        print("Ctrl-C stops it and removes both files.", flush=True)
        stop.wait()
    finally:
        remove_quietly(key_path)
        remove_quietly(env_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
