"""The built docs site (``make docs``), opened in headless Chromium (``make docs-test``).

Every page of the site is loaded by one headless Chromium (driven over its DevTools pipe); the tests read the DOM
after the page has loaded and run its scripts:

* no page meets an error while loading: no script error, no file it refers to (CSS, JavaScript, images) missing;
* the index and every module, filter and role page render with their title, heading and main sections;
* every guide of docs/docsite/extra-docs.yml is a page, rendered from its Markdown file;
* no internal link is broken: every relative href/src names a file of the site, and its #anchor is an id of the
  rendered target page; links into the repository on GitHub name a file that exists in the repository.

The site is read from DOCS_SITE (default: build/docs/html of the repository); Chromium from CHROMIUM (default:
``chromium`` on PATH; ``make docs-test`` installs Debian's package when it is missing).
"""

import fcntl
import html.parser
import json
import os
import posixpath
import select
import shutil
import subprocess
import tempfile
import urllib.parse

import pytest
import yaml

REPO_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SITE = os.path.abspath(os.environ.get('DOCS_SITE', os.path.join(REPO_DIR, 'build', 'docs', 'html')))
CHROMIUM = os.environ.get('CHROMIUM') or shutil.which('chromium') or shutil.which('chromium-browser')
COLLECTION = 'cloudops.drs'


def read_yaml(path):
    with open(path, encoding='utf-8') as handle:
        return yaml.safe_load(handle)


GALAXY = read_yaml(os.path.join(REPO_DIR, 'galaxy.yml'))
REPO_BLOB_PREFIXES = tuple(GALAXY['repository'].rstrip('/') + part for part in ('/blob/main/', '/tree/main/'))


def plugin_names(kind):
    folder = os.path.join(REPO_DIR, 'plugins', kind)
    if kind == 'filter':
        names = []
        for name in sorted(os.listdir(folder)):
            if name.endswith(('.yml', '.yaml')):
                names.append(os.path.splitext(name)[0])
        return names
    return sorted(os.path.splitext(name)[0] for name in os.listdir(folder)
                  if name.endswith('.py') and not name.startswith('_'))


MODULES = plugin_names('modules')
FILTERS = plugin_names('filter')
ROLES = sorted(name for name in os.listdir(os.path.join(REPO_DIR, 'roles'))
               if os.path.isfile(os.path.join(REPO_DIR, 'roles', name, 'meta', 'argument_specs.yml')))
GUIDES = [entry if isinstance(entry, str) else entry['ref']
          for section in read_yaml(os.path.join(REPO_DIR, 'docs', 'docsite', 'extra-docs.yml'))['sections']
          for entry in section['toctree']]


class Page(html.parser.HTMLParser):
    """What the tests need of a DOM: the title, the text of the headings, ids, links, and the visible text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.title = ''
        self.headings = {'h1': [], 'h2': [], 'h3': []}
        self.ids = set()
        self.links = []
        self.text = []
        self._open = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ('id', 'name') if tag == 'a' else ('id',):
            if attrs.get(key):
                self.ids.add(attrs[key])
        for key in ('href', 'src'):
            if attrs.get(key) and tag in ('a', 'link', 'img', 'script', 'iframe'):
                self.links.append(attrs[key])
        if tag in ('title', 'h1', 'h2', 'h3', 'script', 'style'):
            self._open.append([tag, ''])

    def handle_endtag(self, tag):
        if self._open and self._open[-1][0] == tag:
            name, text = self._open.pop()
            # Sphinx's smart quotes and the theme's heading link sign are not part of a heading's text
            text = ' '.join(text.split()).rstrip('\uf0c1').strip().replace('\u2019', "'")
            if name == 'title':
                self.title = text
            elif name in self.headings:
                self.headings[name].append(text)

    def handle_data(self, data):
        for item in self._open:
            item[1] += data
        if not any(item[0] in ('script', 'style') for item in self._open):
            self.text.append(data)

    @property
    def body_text(self):
        return ' '.join(' '.join(self.text).split())


class Chromium:
    """One headless Chromium for the whole test run, driven over its DevTools pipe (``--remote-debugging-pipe``:
    JSON commands on its fd 3, replies and events on its fd 4, each message ending in a NUL byte), so that every
    page is loaded by a real browser without starting one per page and without a WebDriver package."""

    TIMEOUT = 60   # seconds for one reply or event; a page of the site loads in well under one

    def __init__(self, binary, profile_dir):
        to_browser_r, to_browser_w = os.pipe()
        from_browser_r, from_browser_w = os.pipe()
        # the browser's ends, moved above the descriptors the child's fds 3 and 4 could clobber
        child_in = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)
        child_out = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
        for fd in (to_browser_r, from_browser_w):
            os.close(fd)

        def give_pipe_to_child():
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        self.proc = subprocess.Popen(  # pylint: disable=subprocess-popen-preexec-fn
            [binary, '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-extensions',
             '--user-data-dir=' + profile_dir, '--remote-debugging-pipe', 'about:blank'],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=give_pipe_to_child)
        os.close(child_in)
        os.close(child_out)
        self.writer = to_browser_w
        self.reader = from_browser_r
        self.buffer = b''
        self.events = []
        self.next_id = 0
        target = self.call('Target.createTarget', {'url': 'about:blank'})['targetId']
        self.session = self.call('Target.attachToTarget', {'targetId': target, 'flatten': True})['sessionId']
        for domain in ('Page', 'Runtime', 'Log'):
            self.call(domain + '.enable', session=self.session)

    def _read_message(self):
        while b'\0' not in self.buffer:
            ready, _w, _x = select.select([self.reader], [], [], self.TIMEOUT)
            chunk = os.read(self.reader, 1 << 20) if ready else b''
            if not chunk:
                raise AssertionError('chromium did not answer (exit code %s)' % self.proc.poll())
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b'\0', 1)
        return json.loads(message)

    def call(self, method, params=None, session=None):
        self.next_id += 1
        command = {'id': self.next_id, 'method': method, 'params': params or {}}
        if session:
            command['sessionId'] = session
        os.write(self.writer, json.dumps(command).encode('utf-8') + b'\0')
        while True:
            message = self._read_message()
            if message.get('id') == self.next_id:
                assert 'error' not in message, '%s failed: %s' % (method, message['error'])
                return message['result']
            if 'method' in message:
                self.events.append(message)

    def wait_for(self, event):
        while True:
            for message in self.events:
                if message['method'] == event and message.get('sessionId') == self.session:
                    return message
            self.events.append(self._read_message())

    def load(self, url):
        """The DOM of the page at url after it has loaded and run its scripts, and the errors it met."""
        self.events = []
        reply = self.call('Page.navigate', {'url': url}, session=self.session)
        assert not reply.get('errorText'), 'chromium could not open %s: %s' % (url, reply['errorText'])
        self.wait_for('Page.loadEventFired')
        dom = self.call('Runtime.evaluate', {'expression': 'document.documentElement.outerHTML',
                                             'returnByValue': True}, session=self.session)['result']['value']
        errors = []
        for message in self.events:
            if message['method'] == 'Runtime.exceptionThrown':
                errors.append('script error: %s' % message['params']['exceptionDetails'].get('text'))
            elif message['method'] == 'Log.entryAdded' and message['params']['entry']['level'] == 'error':
                entry = message['params']['entry']
                errors.append('%s (%s)' % (entry.get('text'), entry.get('url')))
        return dom, errors

    def close(self):
        try:
            self.call('Browser.close')
        except (AssertionError, OSError):
            pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.writer)
        os.close(self.reader)


@pytest.fixture(scope='module')
def browser():
    if not CHROMIUM:
        pytest.fail('chromium not found: install it (apt-get install chromium) or set CHROMIUM=/path/to/chromium')
    if not os.path.isfile(os.path.join(SITE, 'index.html')):
        pytest.fail('no docs site in %s: run `make docs` first' % SITE)
    with tempfile.TemporaryDirectory() as profile:
        chromium = Chromium(CHROMIUM, profile)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope='module')
def render(browser):
    """render(rel_path): the page of the site at rel_path as Chromium shows it, parsed (each page loaded once)."""
    pages = {}

    def load(rel_path):
        if rel_path not in pages:
            path = os.path.join(SITE, rel_path)
            assert os.path.isfile(path), '%s is not in the site %s' % (rel_path, SITE)
            dom, errors = browser.load('file://' + path)
            assert not errors, 'errors while loading %s:\n%s' % (rel_path, '\n'.join(errors))
            page = Page()
            page.feed(dom)
            page.close()
            pages[rel_path] = page
        return pages[rel_path]
    return load


def site_pages():
    pages = []
    for root, dirs, files in os.walk(SITE):
        dirs[:] = sorted(d for d in dirs if not d.startswith('_'))
        for name in sorted(files):
            if name.endswith('.html'):
                pages.append(os.path.relpath(os.path.join(root, name), SITE).replace(os.sep, '/'))
    return pages


def test_index_renders_and_links_every_module_filter_role_and_guide(render):
    page = render('index.html')
    assert COLLECTION in page.title
    assert page.headings['h1'] and COLLECTION in page.headings['h1'][0].lower()   # antsibull-docs: 'Cloudops.Drs'
    targets = {link.split('#', 1)[0] for link in page.links}
    for name in MODULES:
        assert '%s_module.html' % name in targets, name
    for name in FILTERS:
        assert '%s_filter.html' % name in targets, name
    for name in ROLES:
        assert '%s_role.html' % name in targets, name
    for name in GUIDES:
        assert 'docsite/%s.html' % name in targets, name
    # links.yml and galaxy.yml: the repository, the issue tracker and the release notes
    assert GALAXY['issues'] in page.links
    assert GALAXY['repository'].rstrip('/') + '/blob/main/CHANGELOG.rst' in page.links


@pytest.mark.parametrize('module', MODULES)
def test_module_page_renders(render, module):
    page = render('%s_module.html' % module)
    full_name = '%s.%s' % (COLLECTION, module)
    assert page.title.startswith(full_name + ' module'), page.title
    assert page.headings['h1'] and page.headings['h1'][0].startswith(full_name + ' module'), page.headings['h1']
    for section in ('Synopsis', 'Parameters', 'Attributes', 'Examples', 'Return Values'):
        assert section in page.headings['h2'], (section, page.headings['h2'])
    # the parameters table was rendered with content, and the examples hold the module's FQCN
    assert 'Parameter' in page.body_text and 'Comments' in page.body_text
    assert full_name in page.body_text.split('Examples', 1)[1]


@pytest.mark.parametrize('name', FILTERS)
def test_filter_page_renders(render, name):
    page = render('%s_filter.html' % name)
    assert page.headings['h1'] and page.headings['h1'][0].startswith('%s.%s filter' % (COLLECTION, name))
    assert 'Examples' in page.headings['h2']


@pytest.mark.parametrize('name', ROLES)
def test_role_page_renders(render, name):
    page = render('%s_role.html' % name)
    assert page.headings['h1'] and page.headings['h1'][0].startswith('%s.%s role' % (COLLECTION, name))
    assert any('Entry point' in heading for heading in page.headings['h2']), page.headings['h2']


@pytest.mark.parametrize('name', GUIDES)
def test_guide_page_is_the_markdown_file(render, name):
    page = render('docsite/%s.html' % name)
    with open(os.path.join(REPO_DIR, 'docs', name + '.md'), encoding='utf-8') as handle:
        title = handle.readline().lstrip('#').strip()
    assert page.headings['h1'] == [title]
    # the full text, not the summary of docs/docsite/rst/<name>.rst: every second-level heading is there
    with open(os.path.join(REPO_DIR, 'docs', name + '.md'), encoding='utf-8') as handle:
        in_code = False
        for line in handle:
            in_code = in_code != line.lstrip().startswith('```')
            if not in_code and line.startswith('## '):
                heading = line[3:].strip().replace('`', '')
                assert heading in page.headings['h2'], (heading, page.headings['h2'])


# Markdown files of docs/ that are not guides of the site: the list of guides itself (the site's index has one).
NOT_GUIDES = {'index.md'}


def test_every_guide_of_docs_is_on_the_site():
    markdown = sorted(name for name in os.listdir(os.path.join(REPO_DIR, 'docs'))
                      if name.endswith('.md') and name not in NOT_GUIDES)
    missing = [name for name in markdown if name[:-len('.md')] not in GUIDES]
    assert not missing, ('docs/%s not on the docs site: add docs/docsite/rst/<name>.rst (label, title, summary) and '
                         'list it in docs/docsite/extra-docs.yml' % ', docs/'.join(missing))


def test_no_internal_link_is_broken(render):
    broken = []
    for rel_path in site_pages():
        page = render(rel_path)
        for link in page.links:
            problem = check_link(render, rel_path, link)
            if problem:
                broken.append('%s: %s (%s)' % (rel_path, link, problem))
    assert not broken, 'broken links:\n' + '\n'.join(broken)


def check_link(render, rel_path, link):
    """Why a link of the page at rel_path is broken, or None."""
    if link.startswith(REPO_BLOB_PREFIXES):
        repo_path = urllib.parse.unquote(urllib.parse.urlsplit(link).path.split('/main/', 1)[1])
        if not os.path.exists(os.path.join(REPO_DIR, repo_path)):
            return 'no %s in the repository' % repo_path
        return None
    parts = urllib.parse.urlsplit(link)
    if parts.scheme or parts.netloc:
        return None   # external (https:, mailto:, javascript:): not part of the site
    if parts.path.startswith('/'):
        return 'an absolute path: broken where the site is published below the root of its host'
    target = rel_path
    if parts.path:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(rel_path), urllib.parse.unquote(parts.path)))
        if target.startswith('..'):
            return 'outside the site'
        full = os.path.join(SITE, target)
        if os.path.isdir(full):
            target = posixpath.join(target, 'index.html')
            full = os.path.join(full, 'index.html')
        if not os.path.isfile(full):
            return 'no such file'
    anchor = urllib.parse.unquote(parts.fragment)
    if anchor and target.endswith('.html') and anchor not in render(target).ids:
        return 'no #%s in %s' % (anchor, target)
    return None
