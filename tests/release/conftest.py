"""Shared set-up of the release tests (``make release``): what users of Galaxy, AWX and execution environments get.

These tests need the tools of requirements-dev.txt (ansible-galaxy, ansible-builder, galaxy-importer,
antsibull-changelog, ansible-runner) in the Python that runs pytest; ``make release`` runs them in .venv.
The collection tarball is built once per session into a temporary directory, never into the repository.
"""

import importlib.util
import os
import sys

import pytest

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTION_DIR = os.path.dirname(TESTS_DIR)

if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)


def load_module(path, name):
    """Import the Python file ``path`` (a script, not on sys.path) as the module ``name``."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


release_checks = load_module(os.path.join(COLLECTION_DIR, 'scripts', 'release_checks.py'), 'release_checks')


def tool_environment(**extra):
    """os.environ with this Python's bin directory first on PATH (ansible-playbook, ansible-runner, ...)."""
    env = dict(os.environ)
    env['PATH'] = os.pathsep.join([os.path.dirname(sys.executable), env.get('PATH', '')])
    env['ANSIBLE_PYTHON_INTERPRETER'] = sys.executable
    env['ANSIBLE_NOCOLOR'] = '1'
    env.update(extra)
    return env


@pytest.fixture(scope='session')
def checks():
    """scripts/release_checks.py as a module."""
    return release_checks


@pytest.fixture(scope='session')
def tarball(tmp_path_factory):
    """The collection tarball, built once with ansible-galaxy collection build."""
    return release_checks.build(str(tmp_path_factory.mktemp('dist')), COLLECTION_DIR)


@pytest.fixture(scope='session')
def collections_path(tmp_path_factory):
    """A directory holding ansible_collections/cloudops/drs: the laid-out tree, or a symlink to the repository."""
    # Imported here: drs_emulator is importable only once TESTS_DIR is on sys.path (above).
    from drs_emulator.pytest_plugin import collections_dir  # pylint: disable=import-outside-toplevel
    return collections_dir(COLLECTION_DIR, tmp_path_factory)
