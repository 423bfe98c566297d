"""Build the collection's HTML docs site the way Ansible's own docs are built: antsibull-docs + Sphinx.

    .venv-docs/bin/python tests/docs/build_site.py     (`make docs`, or tests/docs/docs.sh build)

It documents the installed copy (build/collections, `make install`) and writes everything under
build/docs/:

1. collections/ansible_collections/sap_aicore/admin: a copy of the installed collection, plus a
   generated docs/docsite/extra-docs.yml whose "Guides" section lists docs/*.md (in the order of the
   README's list of them) and, for each guide, a placeholder docs/docsite/rst/<guide>.rst. antsibull-docs
   takes only RST extra docs; the placeholders give each guide its place in the site's table of contents.
2. site/: `antsibull-docs sphinx-init --use-current --squash-hierarchy` writes conf.py and build.sh.
   conf.py gets MyST (the Markdown parser for Sphinx) and, instead of inventories fetched from the
   internet, a local one for the few labels of Ansible's docs that the module pages refer to. build.sh
   gets one line, after antsibull-docs has written the RST pages and before sphinx-build runs, that
   replaces each placeholder by its guide's Markdown (`build_site.py guides rst`). So the guides are
   rendered from docs/*.md as they are, never converted or copied by hand.
3. build.sh runs: module pages, collection index, changelog page (from changelogs/changelog.yaml; until
   a release is recorded there it says the changelog is empty, and the hook gives it a title), the
   guides; sphinx-build -W, so any warning (a broken link or anchor too) fails the build.
   The site is site/build/html/index.html.

Links from a guide to another guide (`authentication.md#tls`) stay as they are: MyST resolves them, and
its GitHub-style heading anchors make the `#...` part work. Links to other files of the repository
(`../README.md#quick-start`) become links to the file in the repository on GitHub.
"""

import json
import os
import posixpath
import re
import shlex
import shutil
import subprocess
import sys
import time
import zlib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
NAMESPACE, NAME = 'sap_aicore', 'admin'
COLLECTION = f'{NAMESPACE}.{NAME}'
INSTALLED = ROOT / 'build/collections/ansible_collections' / NAMESPACE / NAME
OUT = ROOT / 'build/docs'
COLLECTIONS = OUT / 'collections'
COPY = COLLECTIONS / 'ansible_collections' / NAMESPACE / NAME
SITE = OUT / 'site'
HTML = SITE / 'build/html'
GUIDES_JSON = OUT / 'guides.json'
LABEL_PREFIX = f'ansible_collections.{COLLECTION}.docsite.'
BUILD_SH_MARKER = '# Build Sphinx site'

CONF_PY_ADDITION = '''
# --- added by tests/docs/build_site.py ---------------------------------------------------------
# The guides are the collection's docs/*.md: MyST renders them in this same build. Its GitHub-style
# heading anchors make links such as "authentication.md#tls" work as they do on GitHub.
extensions.append('myst_parser')
myst_heading_anchors = 6
# Offline build: no inventory is fetched from the internet. The module pages refer to a few labels of
# Ansible's own docs; a local inventory that build_site.py writes resolves them to docs.ansible.com.
intersphinx_mapping = {'ansible_devel': ('https://docs.ansible.com/projects/ansible/devel/', %r)}
# The theme's top bar links Ansible's blog and forum unless told otherwise: link this collection's own places.
html_theme_options['topbar_links'] = %r
'''

# The labels of Ansible's docs that antsibull-docs' pages refer to (:ref:), and where they are on
# docs.ansible.com. Offline, Sphinx cannot load that site's inventory: sphinx-build -W fails on a label
# missing here, and then it belongs here.
ANSIBLE_DOCS_LABELS = {
    'common_return_values': ('reference_appendices/common_return_values.html#common-return-values',
                             'Return Values'),
    'ansible_configuration_settings': ('reference_appendices/config.html#ansible-configuration-settings',
                                       'Ansible Configuration Settings'),
}


IMAGE_SUFFIXES = ('.png', '.svg', '.jpg', '.jpeg', '.gif')


def log(msg):
    print(f'[docs] {msg}', flush=True)


def guide_title(text, path):
    for line in text.splitlines():
        if line.startswith('# '):
            return line[2:].strip()
    raise SystemExit(f'{path}: no "# Title" line; every guide starts with one')


def ordered_guides(collection):
    """docs/*.md in the order of the README's list of them ("- [Title](docs/x.md)" lines), then in the order
    the README's text links the others; guides it does not link come last, by name."""
    guides = sorted(p.stem for p in (collection / 'docs').glob('*.md'))
    if not guides:
        raise SystemExit(f'{collection}/docs has no *.md guides')
    readme = (collection / 'README.md').read_text(encoding='utf-8')
    listed = re.findall(r'^\s*[-*] \[[^\]]*\]\(docs/([^)#/]+)\.md[)#]', readme, re.M)
    linked = re.findall(r'\]\(docs/([^)#/]+)\.md[)#]', readme)
    ordered = []
    for slug in listed + linked + guides:
        if slug in guides and slug not in ordered:
            ordered.append(slug)
    return ordered


def label(slug):
    return LABEL_PREFIX + re.sub(r'[^a-z0-9_]', '_', slug.lower())


def prepare_collection():
    """Copy the installed collection to build/docs/collections and add the guides as extra docs."""
    if not (INSTALLED / 'MANIFEST.json').is_file():
        raise SystemExit(f'{INSTALLED.relative_to(ROOT)} is not installed: run `make install` first')
    shutil.copytree(INSTALLED, COPY, ignore=shutil.ignore_patterns('.git', 'output', '__pycache__'))
    drop_repository_without_url(COPY)
    docsite = COPY / 'docs/docsite'
    rst_dir = docsite / 'rst'
    rst_dir.mkdir(parents=True, exist_ok=True)
    index_path = docsite / 'extra-docs.yml'
    index = {}
    if index_path.is_file():  # RST extra docs of the collection's own, if it ever has some: keep them
        index = yaml.safe_load(index_path.read_text(encoding='utf-8')) or {}
    guides = []
    for slug in ordered_guides(COPY):
        source = COPY / 'docs' / f'{slug}.md'
        title = guide_title(source.read_text(encoding='utf-8'), source)
        placeholder = rst_dir / f'{slug}.rst'
        if placeholder.exists():
            raise SystemExit(f'docs/docsite/rst/{slug}.rst exists: it would hide the guide docs/{slug}.md')
        rule = '=' * len(title)
        placeholder.write_text(f'.. _{label(slug)}:\n\n{rule}\n{title}\n{rule}\n\n'
                               f'Replaced by docs/{slug}.md before Sphinx runs (tests/docs/build_site.py).\n',
                               encoding='utf-8')
        guides.append({'slug': slug, 'title': title, 'source': str(source)})
    index.setdefault('sections', []).append({'title': 'Guides', 'toctree': [g['slug'] for g in guides]})
    index_path.write_text('---\n' + yaml.safe_dump(index, sort_keys=False), encoding='utf-8')
    GUIDES_JSON.write_text(json.dumps(guides, indent=2), encoding='utf-8')
    log(f"guides: {', '.join(g['slug'] for g in guides)}")


def repository_url(collection):
    """The https URL of the collection's public repository from MANIFEST.json, or None while it has none
    (galaxy.yml then says so in words, as Galaxy requires the field)."""
    galaxy = json.loads((collection / 'MANIFEST.json').read_text(encoding='utf-8'))['collection_info']
    repo = (galaxy.get('repository') or '').rstrip('/')
    return repo if repo.startswith('https://') else None


def drop_repository_without_url(collection):
    """Leave galaxy.yml's words about the repository (Galaxy requires the field) out of the site's copy: antsibull-docs
    would make them a "Repository" link that leads nowhere. The site says how to install instead (install_command)."""
    manifest_path = collection / 'MANIFEST.json'
    manifest = json.loads(manifest_path.read_text(encoding='utf-8'))
    if repository_url(collection) is None and manifest['collection_info'].get('repository'):
        manifest['collection_info']['repository'] = None
        manifest_path.write_text(json.dumps(manifest, indent=4), encoding='utf-8')


def topbar_links(collection):
    repo = repository_url(collection)
    links = {'Repository': repo, 'Issues': f'{repo}/issues'} if repo else {}
    links['Ansible documentation'] = 'https://docs.ansible.com/'
    return links


def install_command(collection):
    """How the collection is really installed (it is not on Galaxy), as the README says: from its git repository
    once it has a public one; until then from the tarball that `make build` writes in a checkout."""
    repo = repository_url(collection)
    if repo:
        return f'ansible-galaxy collection install git+{repo}.git'
    info = json.loads((collection / 'MANIFEST.json').read_text(encoding='utf-8'))['collection_info']
    return f"ansible-galaxy collection install dist/{info['namespace']}-{info['name']}-{info['version']}.tar.gz"


def repository_blob_url(collection):
    """Where links to files outside docs/ point: the repository's file view, or None without a public repository."""
    repo = repository_url(collection)
    if not repo:
        return None
    links = yaml.safe_load((collection / 'docs/docsite/links.yml').read_text(encoding='utf-8')) or {}
    branch = (links.get('edit_on_github') or {}).get('branch', 'main')
    return f'{repo}/blob/{branch}/'


INLINE_LINK = re.compile(r'(\[([^\]]*)\]\()([^)\s]+)(\))')
FENCE = re.compile(r'^\s*(```|~~~)')


def rewrite_links(source, text, guide_files, blob_url, images=()):
    """Links to other guides and to images beside them stay; links to other repository files point to the repository,
    or, while it has no public home (blob_url None), become the file's path in the collection, as text."""
    def fix(match):
        target = match.group(3)
        if '://' in target or target.startswith(('#', 'mailto:')):
            return match.group(0)
        path, fragment = target.partition('#')[::2]
        if posixpath.normpath(path) in guide_files or posixpath.normpath(path) in images:
            return match.group(0)
        repo_path = posixpath.normpath(posixpath.join('docs', path))
        if repo_path.startswith('../') or not (ROOT / repo_path).exists():
            raise SystemExit(f'{source}: the link {target!r} leads to no file of the repository')
        if blob_url is None:
            return f'{match.group(2)} (`{repo_path}` in the collection)'
        url = blob_url + repo_path + (f'#{fragment}' if fragment else '')
        return f'{match.group(1)}{url}{match.group(4)}'

    out, fenced = [], None
    for line in text.splitlines(keepends=True):
        fence = FENCE.match(line)
        if fence and (fenced is None or fence.group(1) == fenced):
            fenced = fence.group(1) if fenced is None else None
            out.append(line)
        elif fenced:
            out.append(line)
        else:
            out.append(INLINE_LINK.sub(fix, line))
    return ''.join(out)


def put_guides(rst):
    """build.sh's hook: replace each placeholder rst/docsite/<guide>.rst by the guide's Markdown."""
    guides = json.loads(GUIDES_JSON.read_text(encoding='utf-8'))
    blob_url = repository_blob_url(COPY)
    guide_files = {f"{g['slug']}.md" for g in guides}
    images = set()
    for image in (COPY / 'docs').iterdir():  # pictures a guide shows go beside it, so the site needs no network
        if image.suffix.lower() in IMAGE_SUFFIXES:
            shutil.copy(image, Path(rst) / 'docsite' / image.name)
            images.add(image.name)
    for guide in guides:
        placeholder = Path(rst) / 'docsite' / f"{guide['slug']}.rst"
        if not placeholder.is_file():
            raise SystemExit(f'{placeholder}: antsibull-docs did not write the placeholder')
        placeholder.unlink()
        text = Path(guide['source']).read_text(encoding='utf-8')
        text = f"({label(guide['slug'])})=\n\n" + rewrite_links(guide['source'], text, guide_files, blob_url, images)
        placeholder.with_suffix('.md').write_text(text, encoding='utf-8')
    log(f'{len(guides)} guides in {rst}/docsite as Markdown')
    title_changelog(rst)
    arrange_index(rst)
    correct_install_notes(rst)


# antsibull-docs (as pinned) titles the index page with str.title() of the collection name, and puts the
# changelog before the extra docs. A reader wants the collection's real name, and the guides first.
INDEX_TITLE = re.compile(r'^(\.\. _plugins_in_[^\n]*:\n\n)[^\n]+\n=+\n', re.M)
CHANGELOG_SECTION = re.compile(r'^\.\. _changelog_section_for_[^\n]*:\n\nChangelog\n-+\n.*?(?=^Guides\n-+\n)', re.M | re.S)


def arrange_index(rst):
    """The index page: titled with the collection's name; guides, then the plugin index, then the changelog."""
    page = Path(rst) / 'index.rst'
    text = page.read_text(encoding='utf-8')
    title = f'The {COLLECTION} collection'
    text, titled = INDEX_TITLE.subn(lambda m: f"{m.group(1)}{title}\n{'=' * len(title)}\n", text, count=1)
    changelog = CHANGELOG_SECTION.search(text)
    if not titled or not changelog:
        raise SystemExit(f'{page}: antsibull-docs changed its index page; update arrange_index in {__file__}')
    text = text[:changelog.start()] + text[changelog.end():].rstrip('\n') + '\n\n' + changelog.group(0).rstrip('\n') + '\n'
    page.write_text(text, encoding='utf-8')
    log(f'{page}: titled {title!r}; guides first, changelog last')


# Each module page tells how to install the collection, assuming it is on Galaxy.
GALAXY_INSTALL = re.compile(r':code:`ansible\\-galaxy collection install [^`]*`')


def correct_install_notes(rst):
    command = install_command(COPY)
    for page in sorted(Path(rst).glob('*_module.rst')):
        text, count = GALAXY_INSTALL.subn(lambda m: f':code:`{command}`', page.read_text(encoding='utf-8'))
        if count != 1:
            raise SystemExit(f'{page}: no single "ansible-galaxy collection install" note to correct')
        page.write_text(text, encoding='utf-8')
    log(f'module pages: install with {command!r}')


def write_inventory(path):
    """A Sphinx inventory (objects.inv, version 2) of ANSIBLE_DOCS_LABELS."""
    entries = ''.join(f'{name} std:label -1 {uri} {title}\n' for name, (uri, title) in ANSIBLE_DOCS_LABELS.items())
    header = '# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n' \
             '# The remainder of this file is compressed using zlib.\n'
    path.write_bytes(header.encode() + zlib.compress(entries.encode()))


def title_changelog(rst):
    """Title the changelog page "<collection> release notes": antsibull-docs writes it without a title until a
    release is recorded, and after that with str.title() of the name ("Sap_Aicore.Admin Release Notes")."""
    page = Path(rst) / 'changelog.rst'
    lines = page.read_text(encoding='utf-8').splitlines(keepends=True)
    title = f'{COLLECTION} release notes'
    rule = f"{'=' * len(title)}\n"
    at = next((i + 1 for i, line in enumerate(lines) if line.startswith('.. _')), 0)
    overlined = [i for i in range(len(lines) - 2)
                 if re.fullmatch(r'=+\n', lines[i]) and lines[i + 2] == lines[i] and 'Release Notes' in lines[i + 1]]
    if overlined:
        i = overlined[0]
        lines[i:i + 3] = [rule, f'{title}\n', rule]
    elif not any(re.fullmatch(r'([=\-~^"])\1{2,}\n?', line) for line in lines):
        lines[at:at] = [f'\n{title}\n', rule]
    else:
        raise SystemExit(f'{page}: a title antsibull-docs did not write before; update title_changelog in {__file__}')
    page.write_text(''.join(lines), encoding='utf-8')
    log(f'{page}: titled {title!r}')


def run(argv, cwd, env):
    log(f"$ {' '.join(shlex.quote(str(a)) for a in argv)}")
    status = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, check=False).returncode
    if status:
        raise SystemExit(f'[docs] failed (exit status {status}): {argv[0]}')


def build():
    started = time.monotonic()
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    prepare_collection()
    SITE.mkdir(mode=0o755)  # sphinx-init wants an existing directory that only its owner can write

    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS), ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false',
               ANSIBLE_NOCOLOR='1')
    bin_dir = Path(sys.executable).parent
    env['PATH'] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    run([bin_dir / 'antsibull-docs', 'sphinx-init', '--use-current', '--squash-hierarchy', '--fail-on-error',
         '--dest-dir', SITE, '--project', COLLECTION, '--title', f'{COLLECTION} collection documentation',
         '--html-short-title', COLLECTION, '--copyright', f'{COLLECTION} maintainers',
         # The theme's Ansible logo links to "/" unless told: the file system's root, on a site opened from disk.
         '--extra-html-theme-options', 'documentation_home_url=https://docs.ansible.com/', COLLECTION], ROOT, env)

    conf = SITE / 'conf.py'
    inventory = SITE / 'ansible_devel.inv'
    write_inventory(inventory)
    conf.write_text(conf.read_text(encoding='utf-8') + CONF_PY_ADDITION % (str(inventory), topbar_links(COPY)),
                    encoding='utf-8')
    build_sh = SITE / 'build.sh'
    script = build_sh.read_text(encoding='utf-8')
    if script.count(BUILD_SH_MARKER) != 1:
        raise SystemExit(f'{build_sh}: no single "{BUILD_SH_MARKER}" line to put the guides before')
    hook = (f'# Added by tests/docs/build_site.py: the guides (docs/*.md) replace their placeholders.\n'
            f'{shlex.quote(sys.executable)} {shlex.quote(str(Path(__file__).resolve()))} guides rst\n\n')
    build_sh.write_text(script.replace(BUILD_SH_MARKER, hook + BUILD_SH_MARKER), encoding='utf-8')

    run(['bash', build_sh], SITE, env)
    index = HTML / 'index.html'
    if not index.is_file():
        raise SystemExit(f'{index} was not written')
    log(f'site built in {time.monotonic() - started:.1f} s: {index.relative_to(ROOT)}')


def main(argv):
    if argv[:1] == ['guides'] and len(argv) == 2:
        put_guides(argv[1])
    elif not argv:
        build()
    else:
        print(f'usage: {sys.argv[0]} [guides RST_DIR]', file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
