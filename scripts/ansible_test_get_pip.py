"""Provide ansible-test's pip bootstrap script without downloading it.

Before ansible-test installs anything into one of its own virtual environments (sanity tests,
``--venv``), it bootstraps pip there with ``get-pip.py``, which it downloads once from
ci-files.testing.ansible.com and caches as ``~/.ansible/test/cache/get_pip_<pip version>.py``.
That host is not reachable from every machine (this project's CI among them), so this script writes
a small stand-in to the cache path instead. The stand-in

1. runs ``python -m ensurepip --upgrade`` in a subprocess: ensurepip sets ``PIP_CONFIG_FILE=/dev/null``
   in its own process, which would hide the pip configuration (index, certificates) from the next
   step if it ran in-process;
2. runs ``python -m pip install`` with the arguments ansible-test gave get-pip.py (for example
   ``--disable-pip-version-check pip==24.2``), minus ``--no-setuptools`` and ``--no-wheel``, which only
   get-pip.py understands.

Run it with the Python of a virtual environment that has ansible-core installed; it reads the pip
version(s) that this ansible-test pins from the installed source. An existing real get-pip.py in
the cache is left alone; an older stand-in is rewritten.

Usage: python ansible_test_get_pip.py [--force]
"""

import os
import re
import sys

MARKER = '# cloudops.drs get-pip stand-in'

STANDIN = MARKER + ''' (written by scripts/ansible_test_get_pip.py; safe to delete)
"""Stand-in for get-pip.py: ensurepip, then pip install with the given arguments."""

import subprocess
import sys

GET_PIP_ONLY_OPTIONS = ('--no-setuptools', '--no-wheel')


def main():
    """Install the bundled pip, then the pip version ansible-test asked for."""
    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY_OPTIONS]
    # In a subprocess: ensurepip sets PIP_CONFIG_FILE=/dev/null for the process it runs in.
    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade'])
    if args:
        subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + args)


if __name__ == '__main__':
    try:
        main()
    except subprocess.CalledProcessError as ex:
        sys.exit(ex.returncode or 1)
'''


def ansible_test_root():
    """Directory of the installed ansible_test package (part of ansible-core)."""
    try:
        import ansible_test  # pylint: disable=import-outside-toplevel
    except ImportError:
        sys.exit('ansible_test_get_pip: ansible-core is not installed for %s' % sys.executable)
    return os.path.dirname(os.path.abspath(ansible_test.__file__))


def read(path):
    with open(path, encoding='utf-8') as handle:
        return handle.read()


def expected_cache_paths(root):
    """The cache paths this ansible-test looks for, one per pinned pip version."""
    bootstrap_source = read(os.path.join(root, '_util', 'target', 'setup', 'requirements.py'))
    pattern = "~/.ansible/test/cache/get_pip_%s.py' % pip_version.replace(\".\", \"_\")"
    if pattern not in bootstrap_source:
        sys.exit('ansible_test_get_pip: this ansible-test bootstraps pip differently; '
                 'update scripts/ansible_test_get_pip.py (looked for %s)' % pattern)
    requirements_source = read(os.path.join(root, '_internal', 'python_requirements.py'))
    versions = sorted(set(re.findall(r"""\bpip\s*=\s*['"]([0-9][0-9a-z.]*)['"]""", requirements_source)))
    if not versions:
        sys.exit('ansible_test_get_pip: no pinned pip version found in %s' % root)
    return [os.path.expanduser('~/.ansible/test/cache/get_pip_%s.py' % v.replace('.', '_')) for v in versions]


def main(argv):
    force = '--force' in argv[1:]
    for path in expected_cache_paths(ansible_test_root()):
        if os.path.exists(path) and not force:
            if MARKER not in read(path):
                print('ansible-test pip bootstrap: keeping the real get-pip.py at %s' % path)
                continue
            if read(path) == STANDIN:
                print('ansible-test pip bootstrap: stand-in present at %s' % path)
                continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        temp_path = '%s.%d.tmp' % (path, os.getpid())   # steps that run at once (make test) may write it together
        with open(temp_path, 'w', encoding='utf-8') as handle:
            handle.write(STANDIN)
        os.replace(temp_path, path)
        print('ansible-test pip bootstrap: wrote stand-in %s' % path)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
