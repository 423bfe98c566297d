# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmarks against the emulator with a per-request latency, in one run.

``loops``: deleting N secrets three ways:

1. ``uri-loop``: ``ansible.builtin.uri`` in a loop (token fetched once), what a user writes by hand;
2. ``module-loop``: ``aicore_generic_secret`` in a loop, one name per item;
3. ``module-list``: ``aicore_generic_secret`` with the whole list in one task.

``present``, ``info``, ``absent``: one task with ``--n`` names (800), each timed against its floor,
Ansible's own cost of one module task (a playbook with one ``ping``, timed in the same run) plus
requests x latency / concurrency, once with ``; charset=utf-8`` on the server's JSON answers and
once without: ``present`` creating every name (a GET and a POST each), then again with nothing to
change (a GET each and the fingerprint check), ``info`` by name (a GET each), ``absent`` (a DELETE each).

``memory``: the module process's peak memory for 50 and for 5000 names (state=absent, and
state=present creating them, whose scrypt fingerprint alone takes 128 MiB).

Prints tables and the ratios the performance goals speak of, and, when every case ran, writes
docs/performance.md with a plot. Numbers, never assertions: run it with ``make bench``, or only
some cases with ``make bench BENCH_ARGS="--cases present,info --n 800"``.

    python tests/bench/bench.py [--cases loops,present,info,absent,memory] [--n 800] [--latency 0.02]
                                [--sizes 10,50,100] [--large 1000] [--no-docs]
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
INFO_MODULE = os.path.join(os.path.dirname(MODULE), "aicore_generic_secret_info.py")
APPROACHES = ("uri-loop", "module-loop", "module-list")
CASES = ("loops", "present", "info", "absent", "memory")
# The one-task cases, in the order they run on one store: create fills it, the re-run finds it
# unchanged, info reads it, absent empties it. Each: playbook, requests per name, the status
# line the minimal callback prints, the secrets left in the store afterwards (None: all N).
ONE_TASK = (
    ("create", "present.yml", 2, "CHANGED", None),
    ("unchanged", "present.yml", 1, "SUCCESS", None),
    ("info", "info.yml", 1, "SUCCESS", None),
    ("absent", "module-list.yml", 1, "CHANGED", 0),
)
ONE_TASK_CASE = {"create": "present", "unchanged": "present", "info": "info", "absent": "absent"}
ONE_TASK_WORDS = {"create": "`state: present`, creating N (GET + POST each)",
                  "unchanged": "`state: present`, unchanged re-run (GET + fingerprint check each)",
                  "info": "`aicore_generic_secret_info` by name (GET each)",
                  "absent": "`state: absent` (DELETE each)"}
BAR_LABELS = {"create": "present\ncreate", "unchanged": "present\nunchanged", "info": "info\nby name", "absent": "absent"}
CONCURRENCY = 8
SECRET_VALUE = "bench-secret-value"


def names(count):
    return ["stale-%05d" % number for number in range(count)]


def playbook_seconds(emulator, playbook, count, expect=None):
    """Seconds one ansible-playbook run of ``playbook`` takes on the first ``count`` names, and its output.

    ``expect``: the status the minimal callback must print for the task (``CHANGED``, ``SUCCESS``).
    """
    variables = {"aicore_url": emulator.url, "client_id": emulator.client_id, "client_secret": emulator.client_secret,
                 "stale_names": names(count), "concurrency": CONCURRENCY, "secret_value": SECRET_VALUE}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(variables, handle)
    environment = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_STDOUT_CALLBACK="ansible.builtin.minimal",
                       ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false")
    started = time.monotonic()
    finished = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), os.path.join(PLAYBOOKS, playbook), "-e", "@" + handle.name],
                              env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    seconds = time.monotonic() - started
    os.unlink(handle.name)
    if finished.returncode != 0 or (expect and "| %s =>" % expect not in finished.stdout):
        raise SystemExit("%s with %d names failed or did not report %s:\n%s" % (playbook, count, expect, finished.stdout[-3000:]))
    return seconds


def run_playbook(emulator, playbook, count):
    """Seconds one ansible-playbook run takes to delete ``count`` seeded secrets."""
    emulator.reset()
    emulator.seed("rg:bench", [{"name": name, "plain_data": {"k": "v"}} for name in names(count)])
    seconds = playbook_seconds(emulator, playbook, count)
    left = len(emulator.store("rg:bench"))
    if count and left:
        raise SystemExit("%s with %d names left %d secrets" % (playbook, count, left))
    return seconds


def one_task_cases(emulator, count, cases, json_charset):
    """Seconds of each one-task case that ``cases`` asks for, on one store, with or without a charset."""
    emulator.reset()
    emulator.configure(json_charset=json_charset)
    if "present" not in cases:  # what the create would have left
        emulator.seed("rg:bench", [{"name": name, "plain_data": {"token": "dg=="}} for name in names(count)])
    seconds = {}
    for case, playbook, _requests, expect, left in ONE_TASK:
        if ONE_TASK_CASE[case] not in cases:
            continue
        seconds[case] = playbook_seconds(emulator, playbook, count, expect)
        stored = len(emulator.store("rg:bench"))
        if stored != (count if left is None else left):
            raise SystemExit("%s with %d names left %d secrets" % (case, count, stored))
        print("%-10s N=%-5d charset=%-5s %7.2f s" % (case, count, json_charset, seconds[case]), flush=True)
    return seconds


def module_peak_memory(emulator, count, state="absent"):
    """Peak resident memory (MiB) of the module process itself, run directly on a list of ``count`` names:
    deleting them (``absent``) or creating them (``present``, with an scrypt fingerprint)."""
    emulator.reset()
    arguments = {"name": names(count), "state": state, "api_url": emulator.url, "auth_url": emulator.auth_url,
                 "client_id": emulator.client_id, "client_secret": emulator.client_secret, "resource_group": "bench",
                 "concurrency": CONCURRENCY}
    if state == "absent":
        emulator.seed("rg:bench", [{"name": name, "plain_data": {"k": "v"}} for name in names(count)])
    else:
        arguments["data"] = {"token": SECRET_VALUE}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({"ANSIBLE_MODULE_ARGS": arguments}, handle)
    with tempfile.TemporaryFile("w+") as output:
        process = subprocess.Popen([sys.executable, MODULE, handle.name], env=dict(os.environ, PYTHONPATH=COLLECTIONS),
                                   stdout=output, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(process.pid, 0)  # the rusage of this one process, not of every child so far
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        printed = output.read()
    os.unlink(handle.name)
    if process.returncode != 0 or len(emulator.store("rg:bench")) != (0 if state == "absent" else count):
        raise SystemExit("module run with %d names (%s) failed:\n%s" % (count, state, printed[-3000:]))
    peak = usage.ru_maxrss  # KiB on Linux
    return peak / 1024.0


def measure(latency, sizes, large, count, cases):
    results = {"latency": latency, "concurrency": CONCURRENCY, "n": count, "times": {}, "memory": {}, "one_task": {}}
    with Emulator(latency=latency, resource_groups=("bench",)) as emulator:
        results["empty"] = playbook_seconds(emulator, "empty.yml", 0)
        # Ansible's cost of one module task, as part of every floor: timed before each group of cases, and the
        # least of those taken, so that a moment of load on the machine does not lower the ratios.
        samples = [playbook_seconds(emulator, "one-task.yml", 0, "SUCCESS")]
        print("empty playbook %.2f s, one ping task %.2f s" % (results["empty"], samples[0]), flush=True)
        if "loops" in cases:
            for approach in APPROACHES:
                for size in sizes:
                    results["times"]["%s/%d" % (approach, size)] = run_playbook(emulator, approach + ".yml", size)
                    print("%-12s N=%-5d %7.2f s" % (approach, size, results["times"]["%s/%d" % (approach, size)]), flush=True)
            if large:
                results["times"]["module-list/%d" % large] = run_playbook(emulator, "module-list.yml", large)
                print("%-12s N=%-5d %7.2f s" % ("module-list", large, results["times"]["module-list/%d" % large]), flush=True)
        if set(cases) & set(ONE_TASK_CASE.values()):
            for json_charset in (True, False):
                samples.append(playbook_seconds(emulator, "one-task.yml", 0, "SUCCESS"))
                results["one_task"]["charset" if json_charset else "no-charset"] = one_task_cases(emulator, count, cases, json_charset)
        results["one_module_task"] = min(samples)
        results["one_module_task_samples"] = samples
    if "memory" in cases:
        with Emulator(resource_groups=("bench",)) as emulator:  # memory without latency: it does not depend on it, and 5000 names go faster
            for state in ("absent", "present"):
                for size in (50, 5000):
                    results["memory"]["%s/%d" % (state, size)] = module_peak_memory(emulator, size, state)
                    print("memory %-7s N=%-5d %7.1f MiB" % (state, size, results["memory"]["%s/%d" % (state, size)]), flush=True)
    return results


def floor_seconds(results, case):
    """Ansible's cost of one module task plus the case's requests x latency / concurrency."""
    requests_per_name = dict((name, per_name) for name, _playbook, per_name, _expect, _left in ONE_TASK)[case]
    return results["one_module_task"] + results["n"] * requests_per_name * results["latency"] / results["concurrency"]


def report(results, sizes, large):
    times, lines, notes = results["times"], [], []
    if "uri-loop/%d" % sizes[0] in times:
        lines.append("| N | uri loop (s) | module loop (s) | module list (s) | list vs uri | loop vs uri |")
        lines.append("|---:|---:|---:|---:|---:|---:|")
        for count in sizes:
            uri, loop, listed = (times["%s/%d" % (approach, count)] for approach in APPROACHES)
            lines.append("| %d | %.2f | %.2f | %.2f | %.1fx faster | %.2fx the time |" % (count, uri, loop, listed, uri / listed, loop / uri))
    samples = ", ".join("%.2f" % sample for sample in results["one_module_task_samples"])
    notes.append("Empty playbook: %.2f s; a playbook with one `ansible.builtin.ping` task: %.2f s, the least of %s. Latency %.0f ms "
                 "per request, concurrency %d." % (results["empty"], results["one_module_task"], samples,
                                                   results["latency"] * 1000, results["concurrency"]))
    if large and "module-list/%d" % large in times:
        floor = results["one_module_task"] + large * results["latency"] / results["concurrency"]
        measured = times["module-list/%d" % large]
        notes.append("N=%d deleted in one task: %.2f s; floor (one module task + N x latency / concurrency) %.2f s; ratio %.2f."
                     % (large, measured, floor, measured / floor))
    memory = results["memory"]
    if memory:
        notes.append("Module peak memory, state=absent: %.1f MiB for 50 names, %.1f MiB for 5000 names (ratio %.2f)."
                     % (memory["absent/50"], memory["absent/5000"], memory["absent/5000"] / memory["absent/50"]))
        notes.append("Module peak memory, state=present creating the names with an scrypt fingerprint: %.1f MiB for 50 names, "
                     "%.1f MiB for 5000 names (ratio %.2f)."
                     % (memory["present/50"], memory["present/5000"], memory["present/5000"] / memory["present/50"]))
    return lines, one_task_table(results), notes


def one_task_table(results):
    """Each one-task case against its floor, with and without a charset from the server."""
    measured = results["one_task"]
    if not measured:
        return []
    lines = ["| N=%d in one task | requests | floor (s) | with charset (s) | ratio | without charset (s) | ratio |" % results["n"],
             "|---|---:|---:|---:|---:|---:|---:|"]
    for case, _playbook, per_name, _expect, _left in ONE_TASK:
        if case not in measured["charset"]:
            continue
        floor = floor_seconds(results, case)
        with_charset, without = measured["charset"][case], measured["no-charset"][case]
        row = (ONE_TASK_WORDS[case], results["n"] * per_name, floor, with_charset, with_charset / floor, without, without / floor)
        lines.append("| %s | %d | %.2f | %.2f | %.2fx | %.2f | %.2fx |" % row)
    return lines


def plot(results, sizes, large, path):
    import matplotlib  # only the benchmark needs it: tests/bench/requirements.txt
    matplotlib.use("Agg")
    from matplotlib import pyplot
    figure, (axes, bars) = pyplot.subplots(1, 2, figsize=(12, 4.5), gridspec_kw={"width_ratios": [1, 1.2]})
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
    cases = [case for case, _playbook, _per_name, _expect, _left in ONE_TASK if case in results["one_task"]["charset"]]
    positions = range(len(cases))
    width = 0.27
    bars.bar([x - width for x in positions], [floor_seconds(results, case) for case in cases], width, label="floor", color="0.75")
    bars.bar(list(positions), [results["one_task"]["charset"][case] for case in cases], width, label="with charset")
    bars.bar([x + width for x in positions], [results["one_task"]["no-charset"][case] for case in cases], width, label="without charset")
    bars.set_xticks(list(positions))
    bars.set_xticklabels([BAR_LABELS[case] for case in cases])
    bars.set_ylabel("seconds")
    bars.set_title("N=%d in one task against the floor" % results["n"])
    bars.grid(True, axis="y", alpha=0.3)
    bars.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)


def write_docs(lines, one_task_lines, notes, results):
    template = open(os.path.join(HERE, "performance.md.in")).read()
    text = template.replace("@TABLE@", "\n".join(lines)).replace("@ONE_TASK_TABLE@", "\n".join(one_task_lines))
    text = text.replace("@NOTES@", "\n".join("- " + note for note in notes)).replace("@N@", str(results["n"]))
    text = text.replace("@LOAD@", results.get("load", "unknown"))
    text = text.replace("@DATE@", time.strftime("%Y-%m-%d")).replace("@RAW@", json.dumps(results, indent=2, sort_keys=True))
    with open(os.path.join(ROOT, "docs", "performance.md"), "w") as handle:
        handle.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(CASES), help="which of %s to run (default: all)" % ", ".join(CASES))
    parser.add_argument("--n", type=int, default=800, help="names in the one-task cases present, info and absent")
    parser.add_argument("--latency", type=float, default=0.02, help="seconds the emulator adds to every request")
    parser.add_argument("--sizes", default="10,50,100", help="N for all three approaches of the loops case")
    parser.add_argument("--large", type=int, default=1000, help="N for the one-task approach of the loops case only (0: skip)")
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/performance.md alone")
    options = parser.parse_args()
    cases = [case.strip() for case in options.cases.split(",") if case.strip()]
    unknown = sorted(set(cases) - set(CASES))
    if unknown:
        parser.error("unknown cases %s; choose from %s" % (", ".join(unknown), ", ".join(CASES)))
    sizes = [int(size) for size in options.sizes.split(",")]
    load_before = os.getloadavg()
    results = measure(options.latency, sizes, options.large, options.n, cases)
    load_after = os.getloadavg()
    results["load"] = "%.2f at the start, %.2f at the end" % (load_before[0], load_after[0])
    lines, one_task_lines, notes = report(results, sizes, options.large)
    notes.append("1-minute load average of the 2-core machine: %s." % results["load"])
    print("\n".join([""] + lines + [""] + one_task_lines + [""] + notes))
    if options.no_docs:
        return
    if set(cases) != set(CASES):
        print("\nnot every case ran: docs/performance.md left alone")
        return
    plot(results, sizes, options.large, os.path.join(ROOT, "docs", "performance.png"))
    write_docs(lines, one_task_lines, notes, results)
    print("\nwrote docs/performance.md and docs/performance.png")


if __name__ == "__main__":
    main()
