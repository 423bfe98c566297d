"""Open the built docs site in headless Chromium and check what a reader sees.

    tests/docs/docs.sh site        (builds the site first; the docs-site gate of `make test`)

Every page is loaded from file:// by Debian's chromium (`--dump-dom`: the DOM after the page's scripts
ran), with a fresh profile, no network (every host name resolves to nothing) and nothing but file://
URLs. What is expected comes from the collection the site documents (build/docs/collections), read with
`ansible-doc --json`, and from its docs/*.md: nothing is listed here by hand, so a new module, option,
return value or guide is checked as soon as it exists.

- each module page: the module's name; a row per option (and suboption) with its name, type and the
  start of its description; every attribute; the EXAMPLES in full, as one code block; every return value;
- the index page links every module, every guide and the changelog; it is titled with the collection's
  name as written (not "Sap_Aicore.Admin"), and lists the guides (getting started first), then the modules,
  then the changelog, in its text and in the navigation;
- the top bar links the collection's repository and issues when galaxy.yml names one, and never Ansible's blog or
  forum;
- each module page says to install the collection the way the README does (from a built tarball while the
  collection has no public repository, from git once it has), not from Galaxy;
- each guide: its title, its headings and as many code blocks as its Markdown has fences;
- the changelog page: every release of changelogs/changelog.yaml, or "empty" before the first one;
- every link between the site's pages reaches an existing page and, with a #fragment, an existing id;
- no page loads anything (script, stylesheet, image, frame) from outside the site;
- the README links every guide.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / 'build/docs/site/build/html'
COLLECTIONS = ROOT / 'build/docs/collections'
COLLECTION = 'sap_aicore.admin'
DOCUMENTED = COLLECTIONS / 'ansible_collections/sap_aicore/admin'
CHROMIUM_FLAGS = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--host-resolver-rules=MAP * ~NOTFOUND',
]
TYPE_NAMES = {'str': 'string', 'int': 'integer', 'bool': 'boolean', 'dict': 'dictionary', 'raw': 'any'}
LINK_FETCHES = {'stylesheet', 'icon', 'preload', 'modulepreload', 'prefetch', 'manifest'}
VOID = {'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr'}
MARKUP = re.compile(r'\b(?:[BCEIMOPUV]|RV)\(([^()]*)\)|\bL\(([^(),]*),[^()]*\)')

MODULES = sorted(p.stem for p in (DOCUMENTED / 'plugins/modules').glob('*.py') if not p.stem.startswith('_'))
GUIDES = sorted(p.stem for p in (DOCUMENTED / 'docs').glob('*.md'))


# --- a small DOM built from Chromium's dump ---------------------------------------------------

class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def text(self):
        return ''.join(c if isinstance(c, str) else c.text() for c in self.children)

    def heading(self):
        """A heading's text without its permalink sign."""
        return ''.join(c if isinstance(c, str) else c.heading() for c in self.children
                       if not (isinstance(c, Node) and 'headerlink' in c.classes())).strip()

    def iter(self, tag=None):
        for child in self.children:
            if isinstance(child, Node):
                if tag is None or child.tag == tag:
                    yield child
                yield from child.iter(tag)

    def classes(self):
        return self.attrs.get('class', '').split()

    def find_class(self, cls):
        return [n for n in self.iter() if cls in n.classes()]

    def ancestor(self, tag):
        node = self.parent
        while node is not None and node.tag != tag:
            node = node.parent
        return node


class DomBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node('#document', {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


class Page:
    def __init__(self, path, dom_html):
        builder = DomBuilder()
        builder.feed(dom_html)
        self.path = path
        self.root = builder.root
        self.ids = {n.attrs['id']: n for n in self.root.iter() if 'id' in n.attrs}

    def by_id(self, ident):
        assert ident in self.ids, f'{self.path.relative_to(HTML)}: no element with id {ident!r}'
        return self.ids[ident]


# --- Chromium -----------------------------------------------------------------------------------

@pytest.fixture(scope='session')
def chromium():
    path = shutil.which('chromium')
    if not path:
        pytest.fail('no chromium on PATH: tests/docs/docs.sh site installs Debian\'s chromium package')
    return path


@pytest.fixture(scope='session')
def load(chromium):
    """load(relative path) -> Page, the DOM Chromium rendered from file://; each page loaded once."""
    if not (HTML / 'index.html').is_file():
        pytest.fail(f'{HTML.relative_to(ROOT)}/index.html does not exist: build the site first (make docs)')
    cache = {}

    def _load(rel):
        path = (HTML / rel).resolve()
        if path not in cache:
            assert path.is_file(), f'{rel}: no such page'
            with tempfile.TemporaryDirectory(prefix='docs-chromium-') as profile:
                proc = subprocess.run([chromium, *CHROMIUM_FLAGS, f'--user-data-dir={profile}', '--dump-dom',
                                       path.as_uri()], capture_output=True, text=True, timeout=120, check=False)
            assert proc.returncode == 0 and '</html>' in proc.stdout, \
                f'chromium could not render {rel} (exit {proc.returncode}):\n{proc.stderr[-3000:]}'
            cache[path] = Page(path, proc.stdout)
        return cache[path]
    return _load


# --- what the site must show ---------------------------------------------------------------------

@pytest.fixture(scope='session')
def ansible_doc():
    """ansible-doc --json of every module of the documented collection."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS), ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false')
    bin_dir = Path(sys.executable).parent

    def run(*args):
        proc = subprocess.run([str(bin_dir / 'ansible-doc'), '--json', '-t', 'module', *args], env=env,
                              capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)
    listed = run('--list', COLLECTION)
    assert sorted(listed) == [f'{COLLECTION}.{m}' for m in MODULES]
    return run(*listed)


def option_paths(options, prefix=''):
    for name, spec in (options or {}).items():
        yield prefix + name, spec
        yield from option_paths(spec.get('suboptions'), f'{prefix}{name}/')


def return_paths(returns, prefix=''):
    for name, spec in (returns or {}).items():
        yield prefix + name
        yield from return_paths(spec.get('contains'), f'{prefix}{name}/')


def words(text):
    return re.findall(r'\w+', text.replace('\u2019', "'").lower())


def plain(description):
    """The first paragraph of a description, without Ansible markup: O(state=absent) -> state=absent."""
    first = description[0] if isinstance(description, list) else description
    return MARKUP.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), first)


def contains_words(haystack, needle):
    hay, need = ' '.join(words(haystack)), ' '.join(words(needle))
    return f' {need} ' in f' {hay} '


def lines(text):
    return [line.rstrip() for line in text.strip('\n').splitlines()]


# --- the tests -----------------------------------------------------------------------------------

def test_the_collection_has_modules_and_guides():
    assert MODULES, f'no modules in {DOCUMENTED}'
    assert GUIDES, f'no guides in {DOCUMENTED}/docs'


@pytest.mark.parametrize('module', MODULES)
def test_module_page_shows_options_examples_and_return_values(module, load, ansible_doc):
    fqcn = f'{COLLECTION}.{module}'
    doc = ansible_doc[fqcn]
    page = load(f'{module}_module.html')

    h1 = next(page.root.iter('h1')).text()
    assert fqcn in h1, h1

    params = page.by_id('parameters')
    rows = 0
    for path, spec in option_paths(doc['doc']['options']):
        anchor = page.by_id(f'parameter-{path}')
        row = anchor.ancestor('tr')
        assert row is not None and row.ancestor('section') is params, f'{module}: option {path} outside Parameters'
        name_cell, desc_cell = [c for c in row.children if isinstance(c, Node) and c.tag == 'td'][:2]
        title = name_cell.find_class('ansible-option-title')
        assert title and title[0].text().strip() == path.rsplit('/', 1)[-1], f'{module}: option {path}: {title}'
        kind = TYPE_NAMES.get(spec.get('type', 'str'), spec.get('type', 'str'))
        if spec.get('elements'):
            kind += f" / elements={TYPE_NAMES.get(spec['elements'], spec['elements'])}"
        type_line = [p for p in name_cell.find_class('ansible-option-type-line') if p.find_class('ansible-option-type')]
        shown = ' '.join(type_line[0].text().split()) if type_line else ''
        assert shown.startswith(kind), f'{module}: option {path}: type {shown!r}, expected {kind!r}'
        assert shown.endswith('required') == bool(spec.get('required')), f'{module}: option {path}: {shown!r}'
        for alias in spec.get('aliases') or []:
            page.by_id(f"parameter-{path.rsplit('/', 1)[0] + '/' if '/' in path else ''}{alias}")
            assert alias in ' '.join(n.text() for n in name_cell.find_class('ansible-option-aliases'))
        assert contains_words(desc_cell.text(), plain(spec['description'])), \
            f'{module}: option {path}: the description is not shown: {desc_cell.text()[:300]!r}'
        rows += 1
    assert rows >= 1

    for attribute in doc['doc'].get('attributes', {}):
        page.by_id(f'attribute-{attribute}')

    examples = page.by_id('examples')
    blocks = [pre.text() for pre in examples.iter('pre')]
    assert blocks, f'{module}: the Examples section has no code block'
    assert lines(doc['examples']) == lines(blocks[0]), f'{module}: the examples shown differ from EXAMPLES'

    for path in return_paths(doc['return']):
        anchor = page.by_id(f'return-{path}')
        assert anchor.ancestor('section') is page.by_id('return-values'), f'{module}: return {path} misplaced'


def test_index_links_modules_guides_and_changelog(load):
    index = load('index.html')
    links = {urlsplit(a.attrs['href']).path: a.text().strip() for a in index.root.iter('a') if 'href' in a.attrs}
    for module in MODULES:
        assert links.get(f'{module}_module.html', '').startswith(f'{module} module'), links
    for guide in GUIDES:
        assert f'docsite/{guide}.html' in links, f'the index does not link the guide {guide}'
    assert 'changelog.html' in links


def main_of(page):
    return next(n for n in page.root.iter() if n.attrs.get('role') == 'main')


def link_order(node):
    """The relative pages ``node`` links, in document order, each once."""
    order = []
    for a in node.iter('a'):
        parts = urlsplit(a.attrs.get('href', ''))
        if parts.path and not parts.scheme and parts.path not in order:
            order.append(parts.path)
    return order


def test_index_is_titled_and_ordered_for_a_reader(load):
    index = load('index.html')
    main = main_of(index)
    assert next(main.iter('h1')).heading() == f'The {COLLECTION} collection'
    assert 'Sap_Aicore' not in index.root.text()
    nav = index.root.find_class('wy-menu')
    assert nav, 'index.html: no navigation menu'
    for where, order in (('text', link_order(main)), ('navigation', link_order(nav[0]))):
        guides = [order.index(p) for p in order if p.startswith('docsite/')]
        modules = [order.index(p) for p in order if p.endswith('_module.html')]
        assert order and order[0] == 'docsite/getting-started.html', f'{where}: {order}'
        assert guides and modules and max(guides) < min(modules), f'{where}: guides do not come before modules: {order}'
        assert order.index('changelog.html') > max(modules), f'{where}: the changelog is not last: {order}'


def test_top_bar_links_the_collection_not_ansible_blog_or_forum(load):
    repo = json.loads((DOCUMENTED / 'MANIFEST.json').read_text(encoding='utf-8'))['collection_info'].get('repository') or ''
    bars = load('index.html').root.find_class('DocSite-globalNav')
    assert bars, 'index.html: no top bar'
    hrefs = [a.attrs.get('href', '') for a in bars[0].iter('a')]
    assert 'https://docs.ansible.com/' in hrefs, hrefs
    if repo.startswith('https://'):  # no public repository yet: galaxy.yml says so in words, and the bar links none
        assert repo.rstrip('/') in [h.rstrip('/') for h in hrefs], hrefs
    assert not [h for h in hrefs if 'ansible.com/blog' in h or 'forum.ansible.com' in h], hrefs


@pytest.mark.parametrize('module', MODULES)
def test_module_page_says_how_the_collection_is_installed(module, load):
    readme = (DOCUMENTED / 'README.md').read_text(encoding='utf-8')
    command = re.search(r'ansible-galaxy collection install (git\+https://\S+?\.git\b|dist/\S+?\.tar\.gz)', readme)
    assert command, 'README.md shows no "ansible-galaxy collection install" of a git URL or of dist/...tar.gz'
    text = ' '.join(load(f'{module}_module.html').root.text().split())
    assert command.group(0) in text, f'{module}: the page does not say {command.group(0)!r}'
    assert f'collection install {COLLECTION}' not in text, f'{module}: the page still says to install from Galaxy'


@pytest.mark.parametrize('guide', GUIDES)
def test_guide_page_renders_the_markdown(guide, load):
    source = (DOCUMENTED / 'docs' / f'{guide}.md').read_text(encoding='utf-8')
    page = load(f'docsite/{guide}.html')
    main = next(n for n in page.root.iter() if n.attrs.get('role') == 'main')
    body = re.sub(r'^(```|~~~).*?^\1', '', source, flags=re.M | re.S)  # headings outside code blocks
    title = re.search(r'^# (.+)$', body, re.M).group(1)
    assert next(main.iter('h1')).heading() == title.replace('`', '')
    shown = [h.heading().replace('\u2019', "'") for h in main.iter('h2')]  # Sphinx's smart quotes turn ' into U+2019
    expected = [h.replace('`', '').strip() for h in re.findall(r'^## (.+)$', body, re.M)]
    assert shown == expected
    fences = len(re.findall(r'^\s*(?:```|~~~)\S*\s*$', source, re.M)) // 2
    assert len(list(main.iter('pre'))) == fences


def test_changelog_page(load):
    page = load('changelog.html')
    text = ' '.join(page.root.text().split())
    changelog = DOCUMENTED / 'changelogs/changelog.yaml'
    releases = {}
    if changelog.is_file():
        releases = (yaml.safe_load(changelog.read_text(encoding='utf-8')) or {}).get('releases') or {}
    if releases:
        for version in releases:
            assert f'v{version}' in text, f'release {version} is not on the changelog page'
    else:
        assert f'The changelog of {COLLECTION} is empty.' in text


def site_pages():
    return sorted(str(p.relative_to(HTML)) for p in HTML.rglob('*.html')
                  if p.relative_to(HTML).parts[0] not in ('_static', '_sources'))


def test_links_between_pages_resolve(load):
    checked = 0
    for rel in site_pages():
        page = load(rel)
        for a in page.root.iter('a'):
            href = a.attrs.get('href', '')
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not href:
                continue
            target = (page.path.parent / unquote(parts.path)).resolve() if parts.path else page.path
            assert target.is_file(), f'{rel}: link {href!r} leads nowhere'
            if target.suffix == '.html' and parts.fragment:
                load(str(target.relative_to(HTML))).by_id(unquote(parts.fragment))
            checked += 1
    assert checked > 0


def test_pages_load_nothing_from_outside(load):
    for rel in site_pages():
        page = load(rel)
        for node in page.root.iter():
            fetched_by_link = node.tag == 'link' and set(node.attrs.get('rel', '').split()) & LINK_FETCHES
            url = node.attrs.get('src') or (node.attrs.get('href') if fetched_by_link else None)
            if url:
                assert not urlsplit(url).scheme or urlsplit(url).scheme == 'file', \
                    f'{rel}: <{node.tag}> loads {url}'


def test_readme_links_every_guide():
    readme = (DOCUMENTED / 'README.md').read_text(encoding='utf-8')
    for guide in GUIDES:
        assert f'](docs/{guide}.md' in readme, f'README.md does not link docs/{guide}.md'
