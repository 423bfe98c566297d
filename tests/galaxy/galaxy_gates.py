"""The Galaxy and execution-environment gates of `make test` (tests/tools/run_gates.py).

    .venv/bin/python tests/galaxy/galaxy_gates.py importer   galaxy-importer on the built tarball
    .venv/bin/python tests/galaxy/galaxy_gates.py builder    ansible-builder create: build/ee/, then check it

Both need the tarball of `make build` (dist/<namespace>-<name>-<version>.tar.gz; run_gates.py
builds it first) and run their tools from .venv-galaxy (tests/requirements-galaxy.txt, made or
refreshed here through tests/tools/ensure_venv.sh). Nothing is fetched but PyPI packages for
that venv: no container engine, no image build, no Galaxy server.

importer: runs galaxy-importer with tests/galaxy/galaxy-importer.cfg (why each setting: there),
    in tests/output/galaxy/importer/ (its importer_result.json lands there). Fails on any line
    the importer prints as WARNING, ERROR or CRITICAL (ansible-lint's findings and flake8's are
    such lines), on a failed import, and when the result lacks the module docs Galaxy would show.
builder: `ansible-builder create` of execution-environment.yml into build/ee/ (Containerfile),
    failing on anything it warns about; then checks the context: the tarball in it is the one
    in dist/, the requirements it installs name it, requirements.txt is the collection's; then
    does offline what the image build would do with them: installs the collection from the
    context's requirements.yml as the galaxy stage does, and runs the context's introspect.py on
    it as the builder stage does, which must find `requests` from sap_aicore.admin.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / '.venv-galaxy'
REQUIREMENTS = ROOT / 'tests/requirements-galaxy.txt'
CONFIG = ROOT / 'tests/galaxy/galaxy-importer.cfg'
EE_FILE = ROOT / 'execution-environment.yml'
EE_CONTEXT = ROOT / 'build/ee'
OUTPUT = ROOT / 'tests/output/galaxy'

# What galaxy-importer prints for its own warnings and errors and for ansible-lint's and flake8's
# findings (its log format is "LEVEL: message"; INFO lines have no prefix).
IMPORTER_PROBLEM = re.compile(r'^(WARNING|ERROR|CRITICAL):')


class GateError(Exception):
    pass


def python313():
    explicit = os.environ.get('PYTHON313')
    if explicit:
        return explicit
    try:
        root = subprocess.run(['pyenv', 'root'], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        root = str(Path.home() / '.pyenv')
    return f'{root}/versions/3.13.0/bin/python3'


def ensure_venv():
    subprocess.run([str(ROOT / 'tests/tools/ensure_venv.sh'), str(VENV), python313(), str(REQUIREMENTS)],
                   cwd=ROOT, check=True)


def tool_env(**extra):
    """The environment of the tools: .venv-galaxy first on PATH, no outside importer settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith('GALAXY_IMPORTER_')
           and k not in ('VIRTUAL_ENV', 'ANSIBLE_COLLECTIONS_PATH', 'ANSIBLE_COLLECTIONS_PATHS')}
    env['PATH'] = f"{VENV / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def run_logged(argv, cwd, env):
    """Run argv, echo its output as it comes, return (exit status, output lines)."""
    print(f"$ cd {cwd} && {' '.join(str(a) for a in argv)}", flush=True)
    proc = subprocess.Popen([str(a) for a in argv], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors='replace')
    lines = []
    for line in proc.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        lines.append(line.rstrip('\n'))
    return proc.wait(), lines


def collection_info():
    meta = yaml.safe_load((ROOT / 'galaxy.yml').read_text(encoding='utf-8'))
    tarball = ROOT / 'dist' / f"{meta['namespace']}-{meta['name']}-{meta['version']}.tar.gz"
    if not tarball.is_file():
        raise GateError(f'{tarball.relative_to(ROOT)} is missing: run `make build` first')
    return meta, tarball


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- galaxy-importer ------------------------------------------------------------------------------

def importer():
    meta, tarball = collection_info()
    ensure_venv()
    workdir = OUTPUT / 'importer'
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    env = tool_env(GALAXY_IMPORTER_CONFIG=str(CONFIG))
    status, lines = run_logged([VENV / 'bin/python', '-m', 'galaxy_importer.main', tarball],
                               cwd=workdir, env=env)

    problems = [line for line in lines if IMPORTER_PROBLEM.match(line)]
    if status != 0 or 'Importer processing completed successfully' not in lines:
        problems.append(f'the import failed (exit status {status})')
    # RUN_ANSIBLE_LINT is on: a lint that did not run is a failure, not a pass.
    if not any(line.startswith('Linting collection via ansible-lint') for line in lines) \
            or '...ansible-lint run complete' not in lines:
        problems.append('ansible-lint did not run to completion inside the importer')

    result_file = workdir / 'importer_result.json'
    if result_file.is_file():
        problems.extend(check_import_result(meta, result_file))
    elif not problems:
        problems.append(f'no {result_file.relative_to(ROOT)}')

    print()
    if problems:
        print(f'galaxy-importer: {len(problems)} problem(s) with {tarball.relative_to(ROOT)}:')
        for problem in problems:
            print(f'  {problem}')
        return 1
    print(f'galaxy-importer: {tarball.relative_to(ROOT)} imports with no warning and no error')
    return 0


def check_import_result(meta, result_file):
    """What Galaxy would show: the right collection, and the docs of every module."""
    result = json.loads(result_file.read_text(encoding='utf-8'))
    problems = []
    got = {k: result['metadata'].get(k) for k in ('namespace', 'name', 'version')}
    want = {k: str(meta[k]) for k in ('namespace', 'name', 'version')}
    if got != want:
        problems.append(f'the importer read {got}, galaxy.yml says {want}')
    modules = sorted(p.stem for p in (ROOT / 'plugins/modules').glob('*.py') if p.stem != '__init__')
    documented = {c['content_name'] for c in result['docs_blob']['contents']
                  if c['content_type'] == 'module' and c.get('doc_strings')}
    missing = [m for m in modules if m not in documented]
    if missing:
        problems.append(f"no module documentation in the import result for: {', '.join(missing)}")
    if not result['docs_blob'].get('collection_readme', {}).get('html'):
        problems.append('the import result has no rendered README')
    return problems


# --- ansible-builder ------------------------------------------------------------------------------

def builder():
    meta, tarball = collection_info()
    problems = check_ee_file(tarball)
    if problems:
        return report_builder(problems)
    ensure_venv()
    shutil.rmtree(EE_CONTEXT, ignore_errors=True)
    # -v1 prints warnings and errors only (ansible-builder gives them no prefix), and
    # "Complete! ..." at every verbosity: any other line is a warning.
    status, lines = run_logged([VENV / 'bin/ansible-builder', 'create', '--file', EE_FILE.relative_to(ROOT),
                                '--context', EE_CONTEXT.relative_to(ROOT), '--output-filename', 'Containerfile',
                                '--verbosity', '1'], cwd=ROOT, env=tool_env())
    problems = [f'ansible-builder: {line}' for line in lines
                if line.strip() and not line.startswith('Complete! The build context can be found at:')]
    if status != 0:
        problems.append(f'ansible-builder create failed (exit status {status})')
        return report_builder(problems)
    problems.extend(check_context(meta, tarball))
    return report_builder(problems)


def check_ee_file(tarball):
    """The EE file installs this version's tarball (its name carries the version: see docs)."""
    ee = yaml.safe_load(EE_FILE.read_text(encoding='utf-8'))
    problems = []
    if ee.get('version') != 3:
        problems.append('execution-environment.yml: want `version: 3` (the ansible-builder 3 schema)')
    srcs = [entry.get('src') for entry in ee.get('additional_build_files') or []]
    want_src = str(tarball.relative_to(ROOT))
    if want_src not in srcs:
        problems.append(f'execution-environment.yml: additional_build_files has no `src: {want_src}` '
                        f'(the tarball of the version in galaxy.yml; found {srcs})')
    galaxy = (ee.get('dependencies') or {}).get('galaxy') or {}
    names = [c.get('name') for c in galaxy.get('collections') or [] if isinstance(c, dict)]
    if not any(str(n).endswith('/' + tarball.name) for n in names):
        problems.append(f'execution-environment.yml: dependencies.galaxy installs {names}, not {tarball.name}')
    return problems


def check_context(meta, tarball):
    problems = []
    build = EE_CONTEXT / '_build'
    containerfile = EE_CONTEXT / 'Containerfile'
    if not containerfile.is_file():
        return [f'no {containerfile.relative_to(ROOT)}']
    text = containerfile.read_text(encoding='utf-8')
    for needle in ('ansible-galaxy collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml',
                   'introspect --user-pip=requirements.txt', 'check_ansible'):
        if needle not in text:
            problems.append(f'the Containerfile has no `{needle}`')

    # The collection: the very tarball of dist/, named by the requirements the galaxy stage installs.
    in_context = list(build.rglob('*.tar.gz'))
    copies = [p for p in in_context if p.name == tarball.name]
    if not copies:
        problems.append(f'{tarball.name} is not in the build context (found {[str(p) for p in in_context]})')
    elif sha256(copies[0]) != sha256(tarball):
        problems.append(f'{copies[0].relative_to(ROOT)} differs from {tarball.relative_to(ROOT)}')
    galaxy_requirements = build / 'requirements.yml'
    if not galaxy_requirements.is_file():
        return problems + ['the build context has no _build/requirements.yml']
    names = [c['name'] for c in yaml.safe_load(galaxy_requirements.read_text(encoding='utf-8')).get('collections', [])]
    if copies and str(copies[0].relative_to(build)) not in names:
        problems.append(f'_build/requirements.yml installs {names}, not {copies[0].relative_to(build)}')

    # The Python requirements: the collection's requirements.txt, as the EE file names it.
    want_pip = requirement_lines(ROOT / 'requirements.txt')
    got_pip = requirement_lines(build / 'requirements.txt') if (build / 'requirements.txt').is_file() else []
    if got_pip != want_pip:
        problems.append(f'_build/requirements.txt has {got_pip}, the collection needs {want_pip}')
    if problems:
        return problems

    # What the image build does with them, offline: the galaxy stage (WORKDIR /build: paths in
    # requirements.yml are relative to _build/) ...
    installed = OUTPUT / 'ee-collections'
    shutil.rmtree(installed, ignore_errors=True)
    status = run_logged([VENV / 'bin/ansible-galaxy', 'collection', 'install', '--offline', '-r', 'requirements.yml',
                         '--collections-path', installed], cwd=build,
                        env=tool_env(ANSIBLE_GALAXY_DISABLE_GPG_VERIFY='1', ANSIBLE_COLLECTIONS_PATH=str(installed)))[0]
    manifest = installed / 'ansible_collections' / meta['namespace'] / meta['name'] / 'MANIFEST.json'
    if status != 0 or not manifest.is_file():
        return [f'installing the collection from the build context failed (exit status {status})']
    version = json.loads(manifest.read_text(encoding='utf-8'))['collection_info']['version']
    if version != str(meta['version']):
        problems.append(f'the build context installs version {version}, galaxy.yml says {meta["version"]}')

    # ... and the builder stage's introspection, which makes the image's pip requirements.
    pip_out = OUTPUT / 'ee-requirements.txt'
    pip_out.unlink(missing_ok=True)
    status = run_logged([VENV / 'bin/python', build / 'scripts/introspect.py', 'introspect',
                         '--user-pip=requirements.txt', f'--write-pip={pip_out}',
                         f"--write-bindep={OUTPUT / 'ee-bindep.txt'}", installed], cwd=build, env=tool_env())[0]
    fqcn = f"{meta['namespace']}.{meta['name']}"
    introspected = pip_out.read_text(encoding='utf-8').splitlines() if pip_out.is_file() else []
    for requirement in want_pip:
        if f'{requirement}  # from collection {fqcn}' not in introspected:
            problems.append(f'introspection of the installed collection did not find `{requirement}` from {fqcn} '
                            f'(exit status {status}; got {introspected})')
    return problems


def requirement_lines(path):
    lines = (line.split('#', 1)[0].strip() for line in path.read_text(encoding='utf-8').splitlines())
    return [line for line in lines if line]


def report_builder(problems):
    print()
    if problems:
        print(f'ansible-builder: {len(problems)} problem(s):')
        for problem in problems:
            print(f'  {problem}')
        return 1
    files = sorted(str(p.relative_to(EE_CONTEXT)) for p in EE_CONTEXT.rglob('*') if p.is_file())
    print(f"ansible-builder: build context in {EE_CONTEXT.relative_to(ROOT)}/ ({', '.join(files)}); "
          'the collection and its Python requirements install from it')
    return 0


def main(argv):
    commands = {'importer': importer, 'builder': builder}
    if len(argv) != 1 or argv[0] not in commands:
        print(f"usage: {sys.argv[0]} {{{'|'.join(commands)}}}", file=sys.stderr)
        return 2
    try:
        return commands[argv[0]]()
    except GateError as exc:
        print(f'{argv[0]}: {exc}')
        return 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
