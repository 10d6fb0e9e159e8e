"""Build the HTML docs site of the collection with antsibull-docs and Sphinx (`make docs`).

The site has the module, filter and role pages that antsibull-docs generates from the plugin docs, the
collection index with the links of ``docs/docsite/links.yml``, and the guides listed in
``docs/docsite/extra-docs.yml``.

The guides are written once, in Markdown (``docs/<name>.md``, readable on GitHub). antsibull-docs accepts only RST
extra docs, so ``docs/docsite/rst/<name>.rst`` is a short RST page with the label, the title and a summary (what
``make docs-lint`` checks, and what a docs site built by others shows). Here, after antsibull-docs has laid out
the pages, each such RST page is replaced by its Markdown file, which Sphinx renders with myst-parser:

* the title of the Markdown file must be the title of the RST page (the build fails otherwise);
* the RST page's label is kept (a MyST label on top), so references to it still resolve;
* links to another guide stay links within the site; links to anything else in the repository
  (``../tests/drs_emulator/README.md``) become links to the file in the repository (galaxy.yml ``repository``).

No network is needed: intersphinx reads a small inventory written here with the few labels of the Ansible docs
that the generated pages refer to (LABELS_OF_THE_ANSIBLE_DOCS), so they become links to docs.ansible.com.

Usage: build_docsite.py --collection-dir DIR --collections-path DIR --dest DIR
(the collection laid out in <collections-path>/ansible_collections/cloudops/drs, as by `make collection`).
The site is written to <dest>/html; <dest>/src is the Sphinx source tree.
"""

import argparse
import os
import posixpath
import re
import shutil
import subprocess
import sys
import zlib

import yaml

COLLECTION = 'cloudops.drs'
ANSIBLE_DOCS = 'https://docs.ansible.com/projects/ansible/devel/'
# Labels of the Ansible docs used by the pages antsibull-docs generates: label -> (page, anchor, title).
LABELS_OF_THE_ANSIBLE_DOCS = {
    'action_plugins': ('plugins/action.html', 'action-plugins', 'Action plugins'),
    'common_return_values': ('reference_appendices/common_return_values.html', 'common-return-values',
                             'Return Values'),
    'ansible_configuration_settings': ('reference_appendices/config.html', 'ansible-configuration-settings',
                                       'Ansible Configuration Settings'),
}
CONF_ADDITIONS = '''

# ---- added by scripts/build_docsite.py
project = 'cloudops.drs'
html_title = 'cloudops.drs {version} documentation'
# The guides are Markdown (docs/*.md), rendered by myst-parser; heading anchors for links like page.md#section.
extensions.append('myst_parser')
myst_heading_anchors = 4
# Offline: no inventory is downloaded; the local one holds the Ansible docs labels the generated pages use.
intersphinx_mapping = {{
    'ansible_devel': ('{ansible_docs}', {inventory!r}),
}}
intersphinx_timeout = 1
'''
LINK = re.compile(r'(\]\()([^)\s]+)(\))')
TITLE = re.compile(r'^# (.+)$', re.MULTILINE)
RST_LABEL = re.compile(r'^\.\. _([^:]+):$', re.MULTILINE)


def run(cmd, cwd=None, env=None):
    print('+ ' + ' '.join(cmd), flush=True)
    subprocess.run(cmd, cwd=cwd, env=env, check=True)


def write_inventory(path):
    """Write a Sphinx objects.inv (version 2) with LABELS_OF_THE_ANSIBLE_DOCS."""
    lines = ''.join('%s std:label -1 %s#%s %s\n' % (label, page, anchor, title)
                    for label, (page, anchor, title) in sorted(LABELS_OF_THE_ANSIBLE_DOCS.items()))
    header = ('# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n'
              '# The remainder of this file is compressed using zlib.\n')
    with open(path, 'wb') as handle:
        handle.write(header.encode('utf-8') + zlib.compress(lines.encode('utf-8')))


def rst_title(text):
    """The first section title of an RST page (the line above the first line of '=')."""
    lines = text.splitlines()
    for index in range(1, len(lines)):
        if lines[index] and set(lines[index]) == {'='} and lines[index - 1].strip():
            return lines[index - 1].strip()
    return None


def rewrite_links(markdown, guides, repository):
    """Keep links to other guides and within the page; point the other relative links into the repository."""
    out = []
    fenced = False
    for line in markdown.splitlines(keepends=True):
        if line.lstrip().startswith('```'):
            fenced = not fenced
        if not fenced:
            line = LINK.sub(lambda match: match.group(1) + rewrite_target(match.group(2), guides, repository)
                            + match.group(3), line)
        out.append(line)
    return ''.join(out)


def rewrite_target(target, guides, repository):
    if re.match(r'^[a-z][a-z0-9+.-]*:', target) or target.startswith('#'):
        return target
    path, _sep, anchor = target.partition('#')
    resolved = posixpath.normpath(posixpath.join('docs', path))
    if resolved.startswith('docs/') and resolved.count('/') == 1 and resolved.endswith('.md') \
            and resolved[len('docs/'):-len('.md')] in guides:
        return target
    if resolved.startswith('..'):
        raise SystemExit('build_docsite: link %r leaves the repository' % target)
    return '%s/blob/main/%s%s' % (repository.rstrip('/'), resolved, '#' + anchor if anchor else '')


def swap_guides(collection_dir, docsite_dir, repository):
    """Replace each extra-docs RST page by the Markdown file of the same name in docs/."""
    guides = {}
    for name in sorted(os.listdir(docsite_dir)):
        stem, ext = os.path.splitext(name)
        if ext == '.rst' and os.path.isfile(os.path.join(collection_dir, 'docs', stem + '.md')):
            guides[stem] = os.path.join(docsite_dir, name)
    if not guides:
        raise SystemExit('build_docsite: no guide found in %s' % docsite_dir)
    for stem, rst_path in guides.items():
        with open(rst_path, encoding='utf-8') as handle:
            rst = handle.read()
        with open(os.path.join(collection_dir, 'docs', stem + '.md'), encoding='utf-8') as handle:
            markdown = handle.read()
        title = TITLE.search(markdown)
        if not title or title.group(1).strip() != rst_title(rst):
            raise SystemExit('build_docsite: the title of docs/%s.md (%r) is not the title of docs/docsite/rst/%s.rst '
                             '(%r); make them the same' % (stem, title and title.group(1), stem, rst_title(rst)))
        labels = ''.join('(%s)=\n' % label for label in RST_LABEL.findall(rst))
        with open(os.path.join(docsite_dir, stem + '.md'), 'w', encoding='utf-8') as handle:
            handle.write(labels + rewrite_links(markdown, guides, repository))
        os.remove(rst_path)
    print('build_docsite: guides from Markdown: %s' % ', '.join(guides), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--collection-dir', required=True, help='the laid-out collection')
    parser.add_argument('--collections-path', required=True, help='the directory that holds ansible_collections/')
    parser.add_argument('--dest', required=True, help='output directory (src/ and html/ are made in it)')
    args = parser.parse_args()

    collection_dir = os.path.abspath(args.collection_dir)
    dest = os.path.abspath(args.dest)
    src = os.path.join(dest, 'src')
    html = os.path.join(dest, 'html')
    bin_dir = os.path.dirname(sys.executable)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.abspath(args.collections_path),
               PATH=bin_dir + os.pathsep + os.environ.get('PATH', ''))
    with open(os.path.join(collection_dir, 'galaxy.yml'), encoding='utf-8') as handle:
        galaxy = yaml.safe_load(handle)

    for path in (src, html):
        shutil.rmtree(path, ignore_errors=True)
    os.makedirs(src)
    run([os.path.join(bin_dir, 'antsibull-docs'), 'sphinx-init', '--use-current', '--squash-hierarchy',
         '--fail-on-error', '--dest-dir', src, '--project', COLLECTION, '--copyright', galaxy['authors'][0],
         '--title', 'cloudops.drs documentation',
         # the theme's logo link; its default '/' is the host's root, wrong for a site published below it
         '--extra-html-theme-options', 'documentation_home_url=' + galaxy['documentation'], COLLECTION], env=env)
    inventory = os.path.join(src, 'ansible_devel.inv')
    write_inventory(inventory)
    with open(os.path.join(src, 'conf.py'), 'a', encoding='utf-8') as handle:
        handle.write(CONF_ADDITIONS.format(ansible_docs=ANSIBLE_DOCS, inventory=inventory, version=galaxy['version']))

    rst = os.path.join(src, 'rst')
    os.makedirs(rst, exist_ok=True)
    os.chmod(rst, 0o755)  # antsibull-docs wants the directory writable only by its owner
    run([os.path.join(bin_dir, 'antsibull-docs'), '--config-file', os.path.join(src, 'antsibull-docs.cfg'),
         'collection', '--cleanup', 'everything', '--fail-on-error', '--use-current', '--squash-hierarchy',
         '--dest-dir', rst, COLLECTION], env=env)
    swap_guides(collection_dir, os.path.join(rst, 'docsite'), galaxy['repository'])

    run([os.path.join(bin_dir, 'sphinx-build'), '-b', 'html', '-c', src, '-d', os.path.join(src, 'doctrees'), '-W',
         '--keep-going', '-q', rst, html],
        env=env)
    # GitHub Pages (where the site is published, README.md) would hide _static/ and _sources/ without it
    with open(os.path.join(html, '.nojekyll'), 'w', encoding='utf-8'):
        pass
    print('build_docsite: %s' % os.path.join(html, 'index.html'), flush=True)


if __name__ == '__main__':
    main()
