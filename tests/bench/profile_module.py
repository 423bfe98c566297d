# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Profile one module run in this process, every thread of it, against an emulator in another process.

The emulator runs apart (tests/emulator/serve.py) so that its CPU does not show in the profile.
The module's ``main()`` runs here as Ansible would run it; every thread it starts (the workers of
``concurrency``) is profiled: from Python 3.12 on one cProfile sees every thread (sys.monitoring),
before that each thread gets its own and the profiles are merged. Prints the module's CPU
time, the wall time, and the functions that cost the most CPU.

    python tests/bench/profile_module.py CASE [--n 800] [--latency 0.02] [--no-charset] [--top 30]

CASE: ``create`` (state=present on an empty store), ``rerun`` (state=present again, nothing to
change), ``info`` (the _info module by name) or ``absent``. Run ``make install`` first.
"""

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
COLLECTIONS = os.path.join(ROOT, "build", "collections")
sys.path.insert(0, COLLECTIONS)

import requests  # noqa: E402  pylint: disable=wrong-import-position
from ansible.module_utils.testing import patch_module_args  # noqa: E402  pylint: disable=wrong-import-position


@contextlib.contextmanager
def emulator_process(latency):
    """The emulator in a process of its own; yields its AICORE_EMULATOR_* values."""
    directory = tempfile.mkdtemp()
    ready = os.path.join(directory, "ready.json")
    process = subprocess.Popen([sys.executable, os.path.join(ROOT, "tests", "emulator", "serve.py"), "--ready-file", ready,
                                "--latency", str(latency)], cwd=os.path.join(ROOT, "tests", "emulator"))
    try:
        for _attempt in range(200):
            if os.path.exists(ready):
                break
            time.sleep(0.05)
        with open(ready) as handle:
            yield json.load(handle)
    finally:
        process.terminate()
        process.wait()


def control(values, path, body):
    requests.post(values["AICORE_EMULATOR_URL"] + "/_emulator/" + path, json=body, timeout=30).raise_for_status()


def profiled_threads(profiles):
    """Patch Thread.run so that each thread runs under a cProfile of its own, kept in ``profiles``."""
    original = threading.Thread.run

    def run(self):
        profile = cProfile.Profile()
        profiles.append(profile)
        profile.enable()
        try:
            original(self)
        finally:
            profile.disable()
    threading.Thread.run = run
    return original


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", choices=["create", "rerun", "info", "absent"])
    parser.add_argument("--n", type=int, default=800)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--no-charset", action="store_true", help="JSON answers without '; charset=utf-8'")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--no-profile", action="store_true", help="only the wall and CPU time, without cProfile's overhead")
    options = parser.parse_args()
    names = ["bench-%05d" % number for number in range(options.n)]
    with emulator_process(options.latency) as values:
        control(values, "config", {"json_charset": not options.no_charset})
        connection = dict(api_url=values["AICORE_EMULATOR_URL"], auth_url=values["AICORE_EMULATOR_AUTH_URL"],
                          client_id=values["AICORE_EMULATOR_CLIENT_ID"], client_secret=values["AICORE_EMULATOR_CLIENT_SECRET"],
                          resource_group="bench", concurrency=options.concurrency)
        present = dict(connection, name=names, state="present", data={"token": "s3cr3t-value"})
        if options.case == "info":
            from ansible_collections.sap_aicore.admin.plugins.modules import aicore_generic_secret_info as module
            arguments = dict(connection, name=names)
        else:
            from ansible_collections.sap_aicore.admin.plugins.modules import aicore_generic_secret as module
            arguments = present if options.case != "absent" else dict(connection, name=names, state="absent")
        if options.case != "create":  # written by one earlier run, as a re-run finds them
            run_module(module if options.case == "rerun" else _secret_module(), present)
        hashes = count_slow_hashes()
        profiles = []
        original = threading.Thread.run if options.no_profile or sys.version_info >= (3, 12) else profiled_threads(profiles)
        main_profile = cProfile.Profile()
        profiles.append(main_profile)
        cpu, started = time.process_time(), time.monotonic()
        if not options.no_profile:
            main_profile.enable()
        try:
            printed = run_module(module, arguments)
        finally:
            main_profile.disable()
            threading.Thread.run = original
        wall, cpu = time.monotonic() - started, time.process_time() - cpu
    result = json.loads(printed)
    floor = options.n * (2 if options.case == "create" else 1) * options.latency / options.concurrency
    print("%s N=%d charset=%s: wall %.2f s (requests x latency / concurrency %.2f s), CPU %.2f s, fingerprint hashes %s; %s"
          % (options.case, options.n, not options.no_charset, wall, floor, cpu, hashes or "none", result.get("msg", "")[:200]))
    if options.no_profile:
        return
    stats = pstats.Stats(profiles[0], stream=sys.stdout)
    for profile in profiles[1:]:
        stats.add(profile)
    stats.sort_stats(options.sort).print_stats(options.top)


def count_slow_hashes():
    """A list that gets the scheme of every fingerprint hash from now on."""
    from ansible_collections.sap_aicore.admin.plugins.module_utils import _fingerprint
    hashes, real = [], _fingerprint._hash

    def counted(*args):
        hashes.append(args[0])
        return real(*args)
    _fingerprint._hash = counted
    return hashes


def _secret_module():
    from ansible_collections.sap_aicore.admin.plugins.modules import aicore_generic_secret as module
    return module


def run_module(module, arguments):
    """Run ``module.main()`` with ``arguments``; return what it printed."""
    output = io.StringIO()
    with patch_module_args(arguments), contextlib.redirect_stdout(output):
        try:
            module.main()
        except SystemExit:
            pass
    return output.getvalue()


if __name__ == "__main__":
    main()
