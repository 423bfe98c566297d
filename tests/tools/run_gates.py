"""Run the collection's quality gates in order and print a summary table.

`make test` (and so `.ci/run`) calls this after creating .venv and .venv-2.18.
A failing gate does not stop the run: every gate runs (a gate that needs the
installed collection is skipped when build+install failed), the table at the
end shows gate, result and seconds, and the exit status is 0 only if all passed.

    .venv/bin/python tests/tools/run_gates.py                  all gates
    .venv/bin/python tests/tools/run_gates.py sanity-2.21 ...  only these (names as in the table)
    .venv/bin/python tests/tools/run_gates.py --list           the gates and their commands

Logs: tests/output/gates/<gate>.log holds each gate's full output; ansible-test's
own results (junit, bot, ...) are copied to tests/output/ansible-test/<gate>/.
ansible-test runs from the installed copy, build/collections/ansible_collections/
sap_aicore/admin, as it must run from inside an ansible_collections/ tree.

Lanes run at the same time once build+install is done: integration-2.21 (split in two: the
targets aliased leak_scan, which scan every line of -vvvv runs, have a lane of their own),
integration-2.18, ansible-lint (it only reads), and every other gate one after another. An
integration lane keeps about one core busy at most (controller, module and emulator take turns),
so the lanes together fill two cores. Each integration gate has its own installed copy (ansible-test
keeps its venvs, temporary files and results in the copy's tests/output/, which another lane's
gates would wipe), its own emulator (free ports, its own secret), and the launcher writes the
copy's integration_config.yml.
integration-2.18 leaves out the targets aliased client_level: they exercise the client (retries,
waiting, proof of scope, transport), which is the same code under every ansible-core; the
Ansible-facing targets (arguments, check and diff mode, no_log, leak scans) run on both. Console
lines of the lanes are prefixed with the gate's name; the logs and the summary are per gate as always.
"""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INSTALLED = ROOT / 'build/collections/ansible_collections/sap_aicore/admin'
# Copies of the installed collection, one per integration lane (see the docstring).
INSTALLED_221 = ROOT / 'build/collections-2.21/ansible_collections/sap_aicore/admin'
INSTALLED_221_LEAKS = ROOT / 'build/collections-2.21-leaks/ansible_collections/sap_aicore/admin'
INSTALLED_218 = ROOT / 'build/collections-2.18/ansible_collections/sap_aicore/admin'
OUTPUT = ROOT / 'tests/output'
VENV = ROOT / '.venv'          # ansible-core 2.21, Python 3.13
VENV_218 = ROOT / '.venv-2.18'  # ansible-core 2.18, Python 3.11
# The oldest Python the modules support (tests/config.yml), from pyenv unless `make test PYTHON38=...` says otherwise.
PYTHON38 = Path(os.environ.get('PYTHON38') or Path(os.environ.get('PYENV_ROOT') or Path.home() / '.pyenv') / 'versions/3.8.18/bin/python3')
GATE_TIMEOUT = 35 * 60          # seconds; a hung gate is killed and fails (the integration pair shares two cores)

# Lines that pip prints for every package because of this machine's pip
# configuration (an extra index that does not exist): kept in the logs, not on the console.
CONSOLE_NOISE = ("WARNING: Location 'file:///opt/",)
CONSOLE = threading.Lock()  # whole lines only, when gates run at the same time


@dataclass
class Gate:
    name: str
    argv: list
    cwd: Path = ROOT
    venv: Path = VENV                  # its bin/ goes first on PATH (ansible-test finds shellcheck there)
    extra_path: tuple = ()             # more directories for PATH, after the venv's bin/
    target_python: str = ''            # ansible-test's --python when it is not the venv's own (its pip bootstrap differs)
    needs_install: bool = False        # runs against the installed copy
    env: dict = field(default_factory=dict)
    ansible_test_output: bool = False  # copy the installed copy's tests/output afterwards
    lane: str = ''                     # a gate with a lane runs beside the others (the integration gates, ansible-lint)
    result: str = field(default='not run')
    seconds: float = 0.0


def ansible_test(venv, python, *args):
    return [str(venv / 'bin/ansible-test'), *args, '--venv', '--python', python]


def with_emulator(installed, *argv):
    """Start the local AI Core emulator (with its TLS and mutual-TLS listeners, for the tls and x509 targets),
    write the integration vars into that installed copy, run argv."""
    return [str(VENV / 'bin/python'), str(ROOT / 'tests/emulator/with_emulator.py'), '--tls',
            '--integration-config', str(installed / 'tests/integration/integration_config.yml'),
            '--', *argv]


def gates():
    installed = dict(cwd=INSTALLED, needs_install=True)
    integration_221 = ansible_test(VENV, '3.13', 'integration', '--continue-on-error')
    integration_218 = ansible_test(VENV_218, '3.11', 'integration', '--continue-on-error')
    return [
        Gate('build+install', ['make', '--no-print-directory', 'install']),
        Gate('sanity-2.21', ansible_test(VENV, '3.13', 'sanity'), ansible_test_output=True, **installed),
        Gate('sanity-2.18', ansible_test(VENV_218, '3.11', 'sanity'), venv=VENV_218, ansible_test_output=True,
             **installed),
        # The collection's unit tests; the emulator's self-tests (tests/unit/emulator) are the emulator gate.
        Gate('units-2.21', ansible_test(VENV, '3.13', 'units', 'tests/unit/plugins/'), ansible_test_output=True,
             **installed),
        Gate('units-2.18', ansible_test(VENV_218, '3.11', 'units', 'tests/unit/plugins/'), venv=VENV_218,
             ansible_test_output=True, **installed),
        # The oldest Python that tests/config.yml declares for the modules, with ansible-core 2.18 (the last to run
        # modules on it) and requests at the floor of requirements.txt (tests/unit/requirements.txt pins it for 3.8).
        # ansible-test finds python3.8 on PATH: pyenv's.
        Gate('units-3.8', ansible_test(VENV_218, '3.8', 'units', 'tests/unit/plugins/'), venv=VENV_218,
             extra_path=(str(PYTHON38.parent),), target_python='3.8', ansible_test_output=True, **installed),
        # ansible-test names a group of the aliases file with a final '/': leak_scan/, client_level/
        Gate('integration-2.21', with_emulator(INSTALLED_221, *integration_221, '--exclude', 'leak_scan/'),
             ansible_test_output=True, lane='integration-2.21', cwd=INSTALLED_221, needs_install=True),
        Gate('integration-2.21-leaks', with_emulator(INSTALLED_221_LEAKS, *integration_221, 'leak_scan/'),
             ansible_test_output=True, lane='integration-2.21-leaks', cwd=INSTALLED_221_LEAKS, needs_install=True),
        Gate('integration-2.18', with_emulator(INSTALLED_218, *integration_218, '--exclude', 'client_level/'),
             venv=VENV_218, ansible_test_output=True, lane='integration-2.18', cwd=INSTALLED_218, needs_install=True),
        # The playbooks' FQCNs resolve against the installed copy; --offline: no schema refresh, no galaxy
        # installs, no version check (.ansible-lint leaves that off for bare runs, which install the collection).
        # In a lane of its own: it only reads the installed copy, and `make check` then takes the time of sanity + units.
        Gate('ansible-lint', [str(VENV / 'bin/ansible-lint'), '--offline', '--profile', 'production'], needs_install=True,
             env={'ANSIBLE_COLLECTIONS_PATH': str(INSTALLED.parents[2])}, lane='ansible-lint'),
        Gate('emulator', [str(VENV / 'bin/python'), '-m', 'pytest', '-q', 'tests/unit/emulator']),
        # SAP's own Python SDK (sap-ai-sdk-core, .venv-sdk from tests/requirements-sdk.txt) against the emulator:
        # create, list, modify, delete, delete again -> its not-found error; resource groups (tests/sdk/run.sh).
        Gate('sap-sdk', [str(ROOT / 'tests/sdk/run.sh')]),
        Gate('demo', [str(ROOT / 'tests/tools/demo.sh')], needs_install=True),
        # extensions/molecule/default against the installed copy (its molecule.yml sets ANSIBLE_COLLECTIONS_PATH);
        # the scenario starts and stops its own emulator. Molecule's working files go to tests/output/molecule/.
        Gate('molecule', [str(VENV / 'bin/molecule'), 'test'], needs_install=True,
             env={'MOLECULE_EPHEMERAL_DIRECTORY': str(OUTPUT / 'molecule/default'), 'NO_COLOR': '1'}),
        # Galaxy's importer on dist/'s tarball, and the execution environment's build context (build/ee/);
        # both from .venv-galaxy (tests/requirements-galaxy.txt), see tests/galaxy/galaxy_gates.py.
        Gate('galaxy-importer', [str(VENV / 'bin/python'), str(ROOT / 'tests/galaxy/galaxy_gates.py'), 'importer'],
             needs_install=True),
        Gate('ansible-builder', [str(VENV / 'bin/python'), str(ROOT / 'tests/galaxy/galaxy_gates.py'), 'builder'],
             needs_install=True),
        # The docs site (tests/docs/docs.sh, .venv-docs from tests/requirements-docs.txt): antsibull-docs' lint of
        # the collection's docs; the HTML site built from the installed copy and opened in headless Chromium.
        Gate('antsibull-docs-lint', [str(ROOT / 'tests/docs/docs.sh'), 'lint']),
        Gate('docs-site', [str(ROOT / 'tests/docs/docs.sh'), 'site'], needs_install=True),
        # .github/workflows/ against GitHub's workflow schema and zizmor's audits, offline (.venv-workflows).
        Gate('workflows', [str(ROOT / 'tests/tools/lint_workflows.sh')]),
    ]


def copy_installed(target):
    """A fresh copy of the installed collection at target, without ansible-test's files of the installed one."""
    shutil.rmtree(target.parents[2], ignore_errors=True)
    shutil.copytree(INSTALLED, target, symlinks=True,
                    ignore=lambda folder, names: [n for n in names if n == '.git' or Path(folder, n) == INSTALLED / 'tests/output'])
    print(f"copied {INSTALLED.relative_to(ROOT)} to {target.relative_to(ROOT)}", flush=True)


def run(gate, log_path, prefix=''):
    path = os.pathsep.join([str(gate.venv / 'bin'), *gate.extra_path, os.environ.get('PATH', '')])
    env = dict(os.environ, PATH=path, **gate.env)
    env.pop('VIRTUAL_ENV', None)
    with open(log_path, 'w', encoding='utf-8') as log:
        if gate.ansible_test_output:
            shutil.rmtree(gate.cwd / 'tests/output', ignore_errors=True)
            # ansible-test lists the collection's files with git when it finds a .git at or above the
            # collection. Above the installed copy is this checkout, which ignores build/: without a
            # repository of its own the copy would look empty ("All targets skipped").
            # It ignores what this checkout ignores (tests/output/ above all: ansible-test keeps venvs there).
            if not (gate.cwd / '.git').exists():
                subprocess.run(['git', 'init', '--quiet', str(gate.cwd)], stdout=log, stderr=subprocess.STDOUT,
                               check=False)
                shutil.copyfile(ROOT / '.gitignore', gate.cwd / '.git/info/exclude')
            # ansible-test would download get-pip.py from a host that is not a package registry.
            subprocess.run([str(ROOT / 'tests/tools/prepare_ansible_test.sh'), str(gate.venv / 'bin/python'),
                            *([gate.target_python] if gate.target_python else [])],
                           stdout=log, stderr=subprocess.STDOUT, check=False)
        log.write(f"$ cd {gate.cwd} && {' '.join(gate.argv)}\n")
        log.flush()
        try:
            proc = subprocess.Popen(gate.argv, cwd=gate.cwd, env=env, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        except OSError as exc:
            print(f'cannot start: {exc}', flush=True)
            log.write(f'cannot start: {exc}\n')
            return 'FAILED'
        timed_out = []

        def kill():
            timed_out.append(True)
            os.killpg(proc.pid, signal.SIGTERM)

        watchdog = threading.Timer(GATE_TIMEOUT, kill)
        watchdog.start()
        try:
            for raw in proc.stdout:
                line = raw.decode('utf-8', 'replace')
                log.write(line)
                if not line.startswith(CONSOLE_NOISE):
                    with CONSOLE:
                        sys.stdout.write(prefix + line)
                        sys.stdout.flush()
            status = proc.wait()
        finally:
            watchdog.cancel()
        if timed_out:
            print(f'{gate.name}: killed after {GATE_TIMEOUT} s', flush=True)
            return 'TIMEOUT'
    if gate.ansible_test_output:
        results = gate.cwd / 'tests/output'
        keep = OUTPUT / 'ansible-test' / gate.name
        shutil.rmtree(keep, ignore_errors=True)
        if results.is_dir():
            shutil.copytree(results, keep, ignore=shutil.ignore_patterns('.tmp'))
    return 'passed' if status == 0 else f'FAILED ({status})'


def run_timed(gate, prefix):
    t0 = time.monotonic()
    gate.result = run(gate, OUTPUT / 'gates' / f"{gate.name.replace('+', '-')}.log", prefix)
    gate.seconds = time.monotonic() - t0


def run_lane(lane, installed, prefixed):
    """Run a lane's gates one after another; a gate that needs the installed copy is skipped without one."""
    for gate in lane:
        with CONSOLE:
            print(f"\n===== {gate.name} =====\n$ cd {gate.cwd} && {' '.join(gate.argv)}", flush=True)
        if gate.needs_install and not installed:
            gate.result = 'SKIPPED (no installed collection)'
            continue
        run_timed(gate, '[%s] ' % gate.name if prefixed else '')


def main(argv):
    all_gates = gates()
    if argv[:1] == ['--list']:
        for gate in all_gates:
            print(f"{gate.name}:\n    cd {gate.cwd.relative_to(ROOT)} && {' '.join(gate.argv)}")
        return 0
    unknown = set(argv) - {g.name for g in all_gates}
    if unknown:
        print(f"unknown gate(s): {', '.join(sorted(unknown))}; see --list", file=sys.stderr)
        return 2
    if any(g.needs_install for g in all_gates if g.name in argv):
        argv = ['build+install', *argv]  # test what the sources are now, not an older installed copy
    selected = [g for g in all_gates if not argv or g.name in argv]
    (OUTPUT / 'gates').mkdir(parents=True, exist_ok=True)

    started = time.monotonic()
    first = [g for g in selected if g.name == 'build+install']
    for gate in first:
        print(f"\n===== {gate.name} =====\n$ cd {gate.cwd} && {' '.join(gate.argv)}", flush=True)
        run_timed(gate, '')
    installed = (INSTALLED / 'MANIFEST.json').is_file() and all(g.result == 'passed' for g in first)
    lanes = [[g] for g in selected if g.lane] + [[g for g in selected if not g.lane and g not in first]]
    lanes = [lane for lane in lanes if lane]
    for gate in (g for g in selected if g.cwd in (INSTALLED_221, INSTALLED_221_LEAKS, INSTALLED_218) and installed):
        copy_installed(gate.cwd)  # before any lane starts: each integration lane has its own copy
    threads = [threading.Thread(target=run_lane, args=(lane, installed, len(lanes) > 1)) for lane in lanes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    width = max(len(g.name) for g in selected)
    print('\n===== summary =====')
    print(f"{'gate':<{width}}  {'result':<34}  seconds")
    for gate in selected:
        print(f'{gate.name:<{width}}  {gate.result:<34}  {gate.seconds:7.1f}')
    print(f"{'total':<{width}}  {'':<34}  {time.monotonic() - started:7.1f}")
    print(f'logs: {(OUTPUT / "gates").relative_to(ROOT)}/')
    passed = sum(g.result == 'passed' for g in selected)
    skipped = sum(g.result.startswith('SKIPPED') for g in selected)
    failed = len(selected) - passed - skipped
    print(f'gates: {passed} passed, {failed} failed' + (f', {skipped} skipped' if skipped else ''))
    return 0 if passed == len(selected) else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
