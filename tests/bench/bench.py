# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmarks: deleting N secrets three ways against the emulator with a per-request latency.

1. ``uri-loop``: ``ansible.builtin.uri`` in a loop (token fetched once), what a user writes by hand;
2. ``module-loop``: ``aicore_generic_secret`` in a loop, one name per item;
3. ``module-list``: ``aicore_generic_secret`` with the whole list in one task.

Prints a table and the ratios the performance goals speak of, measures the module process's
peak memory for a small and a large list, and writes docs/performance.md with a plot.
Numbers, never assertions: run it with ``make bench``.

    python tests/bench/bench.py [--latency 0.02] [--sizes 10,50,100] [--large 1000] [--no-docs]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))

from aicore_emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position

COLLECTIONS = os.path.join(ROOT, "build", "collections")
PLAYBOOKS = os.path.join(HERE, "playbooks")
MODULE = os.path.join(COLLECTIONS, "ansible_collections", "sap_aicore", "admin", "plugins", "modules", "aicore_generic_secret.py")
APPROACHES = ("uri-loop", "module-loop", "module-list")
CONCURRENCY = 8


def names(count):
    return ["stale-%05d" % number for number in range(count)]


def run_playbook(emulator, playbook, count):
    """Seconds one ansible-playbook run takes to delete ``count`` seeded secrets."""
    emulator.reset()
    emulator.seed("rg:bench", [{"name": name, "plain_data": {"k": "v"}} for name in names(count)])
    variables = {"aicore_url": emulator.url, "client_id": emulator.client_id, "client_secret": emulator.client_secret,
                 "stale_names": names(count), "concurrency": CONCURRENCY}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(variables, handle)
    environment = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_STDOUT_CALLBACK="ansible.builtin.minimal",
                       ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false")
    started = time.monotonic()
    finished = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), os.path.join(PLAYBOOKS, playbook), "-e", "@" + handle.name],
                              env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    seconds = time.monotonic() - started
    os.unlink(handle.name)
    left = len(emulator.store("rg:bench"))
    if finished.returncode != 0 or (count and left):
        raise SystemExit("%s with %d names failed (%d left):\n%s" % (playbook, count, left, finished.stdout[-3000:]))
    return seconds


def module_peak_memory(emulator, count):
    """Peak resident memory (MiB) of the module process itself, run directly on a list of ``count`` names."""
    emulator.reset()
    emulator.seed("rg:bench", [{"name": name, "plain_data": {"k": "v"}} for name in names(count)])
    arguments = {"ANSIBLE_MODULE_ARGS": {"name": names(count), "state": "absent", "api_url": emulator.url,
                                         "auth_url": emulator.auth_url, "client_id": emulator.client_id,
                                         "client_secret": emulator.client_secret, "resource_group": "bench",
                                         "concurrency": CONCURRENCY}}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(arguments, handle)
    with tempfile.TemporaryFile("w+") as output:
        process = subprocess.Popen([sys.executable, MODULE, handle.name], env=dict(os.environ, PYTHONPATH=COLLECTIONS),
                                   stdout=output, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(process.pid, 0)  # the rusage of this one process, not of every child so far
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        printed = output.read()
    os.unlink(handle.name)
    if process.returncode != 0 or emulator.store("rg:bench"):
        raise SystemExit("module run with %d names failed:\n%s" % (count, printed[-3000:]))
    peak = usage.ru_maxrss  # KiB on Linux
    return peak / 1024.0


def measure(latency, sizes, large):
    results = {"latency": latency, "concurrency": CONCURRENCY, "times": {}, "memory": {}}
    with Emulator(latency=latency) as emulator:
        results["empty"] = run_playbook(emulator, "empty.yml", 0)
        for approach in APPROACHES:
            for count in sizes:
                results["times"]["%s/%d" % (approach, count)] = run_playbook(emulator, approach + ".yml", count)
                print("%-12s N=%-5d %7.2f s" % (approach, count, results["times"]["%s/%d" % (approach, count)]), flush=True)
        if large:
            results["times"]["module-list/%d" % large] = run_playbook(emulator, "module-list.yml", large)
            print("%-12s N=%-5d %7.2f s" % ("module-list", large, results["times"]["module-list/%d" % large]), flush=True)
    with Emulator() as emulator:  # memory without latency: it does not depend on it, and 5000 names go faster
        for count in (50, 5000):
            results["memory"][count] = module_peak_memory(emulator, count)
    return results


def report(results, sizes, large):
    times, lines = results["times"], []
    lines.append("| N | uri loop (s) | module loop (s) | module list (s) | list vs uri | loop vs uri |")
    lines.append("|---:|---:|---:|---:|---:|---:|")
    for count in sizes:
        uri, loop, listed = (times["%s/%d" % (approach, count)] for approach in APPROACHES)
        lines.append("| %d | %.2f | %.2f | %.2f | %.1fx faster | %.2fx the time |" % (count, uri, loop, listed, uri / listed, loop / uri))
    notes = ["Empty playbook: %.2f s. Latency %.0f ms per request, concurrency %d."
             % (results["empty"], results["latency"] * 1000, results["concurrency"])]
    if large:
        floor = results["empty"] + large * results["latency"] / results["concurrency"]
        measured = times["module-list/%d" % large]
        notes.append("N=%d in one task: %.2f s; floor (empty playbook + N x latency / concurrency) %.2f s; ratio %.2f."
                     % (large, measured, floor, measured / floor))
    memory = results["memory"]
    notes.append("Module peak memory: %.1f MiB for 50 names, %.1f MiB for 5000 names (ratio %.2f)."
                 % (memory[50], memory[5000], memory[5000] / memory[50]))
    return lines, notes


def plot(results, sizes, large, path):
    import matplotlib  # only the benchmark needs it: tests/bench/requirements.txt
    matplotlib.use("Agg")
    from matplotlib import pyplot
    figure, axes = pyplot.subplots(figsize=(7, 4.5))
    for approach in APPROACHES:
        counts = sizes + ([large] if approach == "module-list" and large else [])
        axes.plot(counts, [results["times"]["%s/%d" % (approach, count)] for count in counts], marker="o", label=approach)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("secrets deleted (N)")
    axes.set_ylabel("seconds")
    axes.set_title("Deleting N secrets, %.0f ms per request" % (results["latency"] * 1000))
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)


def write_docs(lines, notes, results):
    template = open(os.path.join(HERE, "performance.md.in")).read()
    text = template.replace("@TABLE@", "\n".join(lines)).replace("@NOTES@", "\n".join("- " + note for note in notes))
    text = text.replace("@DATE@", time.strftime("%Y-%m-%d")).replace("@RAW@", json.dumps(results, indent=2, sort_keys=True))
    with open(os.path.join(ROOT, "docs", "performance.md"), "w") as handle:
        handle.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.02, help="seconds the emulator adds to every request")
    parser.add_argument("--sizes", default="10,50,100", help="N for all three approaches")
    parser.add_argument("--large", type=int, default=1000, help="N for the one-task approach only (0: skip)")
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/performance.md alone")
    options = parser.parse_args()
    sizes = [int(size) for size in options.sizes.split(",")]
    results = measure(options.latency, sizes, options.large)
    lines, notes = report(results, sizes, options.large)
    print("\n".join([""] + lines + [""] + notes))
    if not options.no_docs:
        plot(results, sizes, options.large, os.path.join(ROOT, "docs", "performance.png"))
        write_docs(lines, notes, results)
        print("\nwrote docs/performance.md and docs/performance.png")


if __name__ == "__main__":
    main()
