"""Provide ansible-test's pip bootstrap script without downloading it.

Before ansible-test installs anything into one of its own virtual environments (sanity tests,
``--venv``), it bootstraps pip there with ``get-pip.py``, which it downloads once from
ci-files.testing.ansible.com and caches as ``~/.ansible/test/cache/get_pip_<pip version>.py``.
That host is not reachable from every machine (this project's CI among them), so this script writes
a small stand-in to the cache path instead. The stand-in runs pip from the wheel that CPython bundles
for ensurepip (as get-pip.py runs pip from the copy it embeds) to install what ansible-test asked for
(for example ``--disable-pip-version-check pip==24.2``), minus ``--no-setuptools`` and ``--no-wheel``,
which only get-pip.py understands, and with ``--no-compile``:

- pip runs in a subprocess of its own, with the environment ansible-test gave the stand-in: ensurepip
  would set ``PIP_CONFIG_FILE=/dev/null`` in its process, which hides the pip configuration (index,
  certificates) that reaches the package registry;
- nothing is installed twice: ``ensurepip --upgrade`` followed by ``pip install pip==...`` installed
  and byte-compiled the bundled pip, then replaced it;
- nothing is byte-compiled ahead: ansible-test removes pip again once the test's requirements are in,
  so compiling it all was wasted; Python compiles what it imports, once.

Without ansible-test's venvs already made (a cold HOME), ``make sanity-venvs`` bootstraps 26 of them;
this took 8.1 CPU s per virtual environment the old way and takes 3.0 now. Where Python has no bundled
wheel (a distribution that strips ensurepip's wheels), the stand-in falls back to ``python -m ensurepip
--upgrade`` and then ``python -m pip install``, each in a subprocess.

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
"""Stand-in for get-pip.py: pip, run from the wheel Python bundles, installs what it is given."""

import glob
import os
import subprocess
import sys

GET_PIP_ONLY_OPTIONS = ('--no-setuptools', '--no-wheel')
RUN_PIP_FROM_WHEEL = 'import sys; sys.path.insert(0, sys.argv.pop(1)); from pip._internal.cli.main import main; sys.exit(main())'


def bundled_pip_wheel():
    """The pip wheel that ensurepip installs from, or None."""
    try:
        import ensurepip
    except ImportError:
        return None
    found = sorted(glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), '_bundled', 'pip-*.whl')))
    return found[-1] if found else None


def commands(argv, wheel):
    """The commands that install what ansible-test asked for into this Python."""
    args = [arg for arg in argv if arg not in GET_PIP_ONLY_OPTIONS]
    if wheel and args:
        return [[sys.executable, '-c', RUN_PIP_FROM_WHEEL, wheel, 'install', '--no-compile'] + args]
    # In a subprocess: ensurepip sets PIP_CONFIG_FILE=/dev/null for the process it runs in.
    found = [[sys.executable, '-m', 'ensurepip', '--upgrade']]
    if args:
        found.append([sys.executable, '-m', 'pip', 'install'] + args)
    return found


def main():
    for command in commands(sys.argv[1:], bundled_pip_wheel()):
        subprocess.check_call(command)


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
