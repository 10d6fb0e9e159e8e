"""Release checks of the cloudops.drs collection: what Galaxy and Automation Hub will see.

Each check is a function that the tests in tests/release/ call (``make release`` runs them); the command
line runs them one by one for a maintainer:

    python scripts/release_checks.py action-group        # meta/runtime.yml lists exactly plugins/modules
    python scripts/release_checks.py build [--out DIR]    # ansible-galaxy collection build + member check
    python scripts/release_checks.py importer TARBALL     # galaxy-importer, ansible-test step off
    python scripts/release_checks.py changelog [--write]  # CHANGELOG.rst is what releasing 1.0.0 would write

Tarballs and scratch copies go to a temporary directory (or --out), never into the repository.
"""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN_DIR = os.path.dirname(sys.executable)

# Tarball members that are test output, caches or local files: none of them may be shipped.
FORBIDDEN_MEMBERS = (
    (re.compile(r'(^|/)\.venv[^/]*(/|$)'), 'a virtual environment'),
    (re.compile(r'^build(/|$)'), 'the laid-out tree (build/)'),
    (re.compile(r'^results(/|$)'), 'local results/'),
    (re.compile(r'^tests/output(/|$)'), 'ansible-test output'),
    (re.compile(r'^tests/perf/results(/|$)'), 'benchmark results'),
    (re.compile(r'(^|/)__pycache__(/|$)|\.py[co]$'), 'Python bytecode'),
    (re.compile(r'(^|/)\.pytest_cache(/|$)'), 'the pytest cache'),
    (re.compile(r'(^|/)\.hypothesis(/|$)'), 'the Hypothesis database'),
    (re.compile(r'(^|/)\.benchmarks(/|$)'), 'pytest-benchmark output'),
    (re.compile(r'(^|/)\.ansible(/|$)'), "ansible-lint's .ansible/"),
    (re.compile(r'(^|/)\.git(/|$|ignore$|attributes$)|^\.github(/|$)'), 'git metadata'),
    (re.compile(r'^\.ci(-local)?(/|$)'), 'CI scratch'),
    (re.compile(r'(^|/)integration_config\.yml$'), 'the generated integration config (emulator credentials)'),
    (re.compile(r'\.tar\.gz$'), 'a built tarball'),
    (re.compile(r'(^|/)\.plugin-cache\.yaml$'), "antsibull-changelog's plugin cache"),
    (re.compile(r'(^|/)\.coverage'), 'coverage data'),
)
# Members a release must have.
REQUIRED_MEMBERS = ('MANIFEST.json', 'FILES.json', 'README.md', 'LICENSE', 'meta/runtime.yml',
                    'meta/execution-environment.yml', 'requirements.txt', 'CHANGELOG.rst', 'changelogs/changelog.yaml')


def galaxy_metadata(root=ROOT):
    with open(os.path.join(root, 'galaxy.yml'), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def tool(name):
    """The path of a console script next to this Python (a venv's bin need not be on PATH)."""
    candidate = os.path.join(BIN_DIR, name)
    return candidate if os.path.exists(candidate) else name


# ---------------------------------------------------------------------------------------------------- action group

#: Modules that talk to no DRS API: they take none of the group's connection options, so the ``drs`` action group
#: (whose ``module_defaults`` carry those options) must not list them.
NOT_IN_ACTION_GROUP = ('drs_report', 'drs_report_files')


def action_group_problems(root=ROOT):
    """Differences between the ``drs`` action group in meta/runtime.yml and the DRS modules in plugins/modules."""
    with open(os.path.join(root, 'meta', 'runtime.yml'), encoding='utf-8') as handle:
        runtime = yaml.safe_load(handle)
    group = (runtime.get('action_groups') or {}).get('drs') or []
    modules = sorted(os.path.splitext(os.path.basename(path))[0]
                     for path in glob.glob(os.path.join(root, 'plugins', 'modules', '*.py'))
                     if not os.path.basename(path).startswith('_'))
    problems = ['action group drs lists %s, which talks to no DRS API and takes none of its options' % name
                for name in group if name in NOT_IN_ACTION_GROUP]
    problems += ['module %s is not in action group drs (meta/runtime.yml)' % name for name in modules
                 if name not in group and name not in NOT_IN_ACTION_GROUP]
    problems += ['action group drs lists %s, which is not a module in plugins/modules' % name
                 for name in group if name not in modules]
    problems += ['action group drs lists %s more than once' % name for name in sorted(set(group)) if group.count(name) > 1]
    return problems


# ---------------------------------------------------------------------------------------------------- build

def build(out_dir, root=ROOT):
    """``ansible-galaxy collection build`` of ``root`` into ``out_dir``; returns the tarball path."""
    subprocess.run([tool('ansible-galaxy'), 'collection', 'build', '--force', '--output-path', out_dir, root],
                   check=True, capture_output=True, text=True)
    meta = galaxy_metadata(root)
    return os.path.join(out_dir, '%s-%s-%s.tar.gz' % (meta['namespace'], meta['name'], meta['version']))


def tarball_members(tarball):
    with tarfile.open(tarball, 'r:gz') as archive:
        return [member.name.rstrip('/') for member in archive.getmembers()]


def tarball_problems(members):
    """What is wrong with a list of tarball member names: forbidden files, missing required ones."""
    problems = []
    for name in members:
        for pattern, what in FORBIDDEN_MEMBERS:
            if pattern.search(name):
                problems.append('%s: %s must not be in the tarball (add it to build_ignore in galaxy.yml)' % (name, what))
                break
    problems += ['%s is missing from the tarball' % name for name in REQUIRED_MEMBERS if name not in members]
    return problems


def install(tarball, collections_path):
    """``ansible-galaxy collection install`` of the tarball into ``collections_path`` (offline, no dependencies)."""
    subprocess.run([tool('ansible-galaxy'), 'collection', 'install', '--force', '--no-deps', '-p', collections_path, tarball],
                   check=True, capture_output=True, text=True, env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path))
    meta = galaxy_metadata()
    return os.path.join(collections_path, 'ansible_collections', meta['namespace'], meta['name'])


# ---------------------------------------------------------------------------------------------------- galaxy-importer

IMPORTER_CONFIG = """[galaxy-importer]
# ansible-test runs in `make sanity-<core>` on every supported ansible-core; in the importer it would need
# a container runtime. ansible-lint runs in `make lint`, with the repository's .ansible-lint.
run_ansible_test = False
run_ansible_lint = False
run_flake8 = False
check_required_tags = False
log_level_main = INFO
"""


def run_importer(tarball, work_dir):
    """Run galaxy-importer on the tarball; returns (exit code, output). Its config turns the ansible-test step off."""
    config = os.path.join(work_dir, 'galaxy-importer.cfg')
    with open(config, 'w', encoding='utf-8') as handle:
        handle.write(IMPORTER_CONFIG)
    env = dict(os.environ, GALAXY_IMPORTER_CONFIG=config, PATH=os.pathsep.join([BIN_DIR, os.environ.get('PATH', '')]))
    result = subprocess.run([sys.executable, '-m', 'galaxy_importer.main', '--print-result', tarball],
                            cwd=work_dir, env=env, capture_output=True, text=True, check=False)
    return result.returncode, result.stdout + result.stderr


# ---------------------------------------------------------------------------------------------------- changelog

def scratch_copy(dest_parent, root=ROOT):
    """Copy the collection (git-listed files, or every file) to ``dest_parent``/ansible_collections/<ns>/<name>."""
    meta = galaxy_metadata(root)
    dest = os.path.join(dest_parent, 'ansible_collections', meta['namespace'], meta['name'])
    sys.path.insert(0, os.path.join(root, 'scripts'))
    try:
        import layout_collection  # pylint: disable=import-outside-toplevel
    finally:
        sys.path.pop(0)
    files = layout_collection.git_files(root)
    if files is None:
        files = layout_collection.walked_files(root)
    for rel in files:
        if layout_collection.is_excluded(rel):
            continue
        target = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(os.path.join(root, rel), target)
    return dest


def render_release_changelog(work_dir, root=ROOT):
    """The CHANGELOG.rst that ``antsibull-changelog release`` of galaxy.yml's version writes, made in a scratch copy.

    The repository keeps its fragments until the release is cut (a release consumes them), so this is how
    CHANGELOG.rst is generated before that. Returns the text.
    """
    copy = scratch_copy(work_dir, root)
    for leftover in ('CHANGELOG.rst', os.path.join('changelogs', '.plugin-cache.yaml')):
        if os.path.exists(os.path.join(copy, leftover)):
            os.remove(os.path.join(copy, leftover))
    env = dict(os.environ, PATH=os.pathsep.join([BIN_DIR, os.environ.get('PATH', '')]),
               ANSIBLE_COLLECTIONS_PATH=os.path.dirname(os.path.dirname(os.path.dirname(copy))))
    subprocess.run([tool('antsibull-changelog'), 'release', '--version', str(galaxy_metadata(root)['version'])],
                   cwd=copy, env=env, check=True, capture_output=True, text=True)
    with open(os.path.join(copy, 'CHANGELOG.rst'), encoding='utf-8') as handle:
        return handle.read()


def changelog_problems(work_dir, root=ROOT):
    rendered = render_release_changelog(work_dir, root)
    path = os.path.join(root, 'CHANGELOG.rst')
    current = None
    if os.path.exists(path):
        with open(path, encoding='utf-8') as handle:
            current = handle.read()
    if current == rendered:
        return []
    return ['CHANGELOG.rst is %s the changelog fragments; regenerate it with: '
            'python scripts/release_checks.py changelog --write' % ('missing; it renders' if current is None else 'not what releasing renders from')]


# ---------------------------------------------------------------------------------------------------- command line

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    sub = parser.add_subparsers(dest='command', required=True)
    sub.add_parser('action-group', help='meta/runtime.yml lists exactly the modules')
    build_parser = sub.add_parser('build', help='build the tarball and check its members')
    build_parser.add_argument('--out', help='directory for the tarball (default: a new temporary directory)')
    importer_parser = sub.add_parser('importer', help='run galaxy-importer on a tarball')
    importer_parser.add_argument('tarball')
    changelog_parser = sub.add_parser('changelog', help='check (or --write) CHANGELOG.rst')
    changelog_parser.add_argument('--write', action='store_true', help='write CHANGELOG.rst instead of checking it')
    args = parser.parse_args(argv)

    problems = []
    if args.command == 'action-group':
        problems = action_group_problems()
    elif args.command == 'build':
        out = args.out or tempfile.mkdtemp(prefix='cloudops-drs-build-')
        tarball = build(out)
        problems = tarball_problems(tarball_members(tarball))
        print(tarball)
    elif args.command == 'importer':
        work = tempfile.mkdtemp(prefix='cloudops-drs-importer-')
        try:
            code, output = run_importer(os.path.abspath(args.tarball), work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        print(output)
        if code:
            problems = ['galaxy-importer failed (exit %d)' % code]
    elif args.command == 'changelog':
        work = tempfile.mkdtemp(prefix='cloudops-drs-changelog-')
        try:
            if args.write:
                with open(os.path.join(ROOT, 'CHANGELOG.rst'), 'w', encoding='utf-8') as handle:
                    handle.write(render_release_changelog(work))
                print('wrote CHANGELOG.rst')
            else:
                problems = changelog_problems(work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    for problem in problems:
        print('release_checks: %s' % problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
