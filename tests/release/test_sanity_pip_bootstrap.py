"""The stand-in for ansible-test's get-pip.py (scripts/ansible_test_get_pip.py), which `make sanity` and `make test`
put in ~/.ansible/test/cache: it must install exactly what ansible-test asks for, with the pip configuration of the
environment it is given, into a virtual environment made without pip, as ansible-test makes them.
"""

import glob
import os
import subprocess
import sys

import pytest

from conftest import COLLECTION_DIR, load_module


def environment(config):
    """os.environ with the pip configuration from ``config`` only (PIP_* variables would beat the file)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith('PIP_')}
    env['PIP_CONFIG_FILE'] = str(config)
    return env


@pytest.fixture(scope='module')
def standin(tmp_path_factory):
    """The stand-in as ansible-test finds it in its cache: a script of its own, loaded here as a module."""
    writer = load_module(os.path.join(COLLECTION_DIR, 'scripts', 'ansible_test_get_pip.py'), 'ansible_test_get_pip')
    path = tmp_path_factory.mktemp('cache') / 'get_pip_24_2.py'
    path.write_text(writer.STANDIN)
    return path, load_module(str(path), 'get_pip_standin')


def test_pip_runs_from_the_bundled_wheel_once_without_get_pip_only_options_and_compiles_nothing(standin):
    module = standin[1]
    found = module.commands(['--disable-pip-version-check', 'pip==24.2', '--no-setuptools', '--no-wheel'], '/w/pip.whl')
    assert found == [[sys.executable, '-c', module.RUN_PIP_FROM_WHEEL, '/w/pip.whl', 'install', '--no-compile',
                      '--disable-pip-version-check', 'pip==24.2']]


def test_without_a_bundled_wheel_it_falls_back_to_ensurepip_then_pip_each_in_a_process_of_its_own(standin):
    module = standin[1]
    expected = [[sys.executable, '-m', 'ensurepip', '--upgrade'], [sys.executable, '-m', 'pip', 'install', 'pip==24.2']]
    assert module.commands(['--no-wheel', 'pip==24.2'], None) == expected
    # nothing to install: ensurepip alone, as get-pip.py with no argument installs pip
    assert module.commands(['--no-setuptools'], '/w/pip.whl') == [[sys.executable, '-m', 'ensurepip', '--upgrade']]


def test_the_bundled_wheel_is_found_where_ensurepip_keeps_it(standin):
    wheel = standin[1].bundled_pip_wheel()
    assert wheel and os.path.basename(wheel).startswith('pip-') and wheel.endswith('.whl') and os.path.isfile(wheel)


def test_it_installs_the_requested_pip_into_a_venv_without_pip_with_the_configuration_it_is_given(standin, tmp_path):
    path, module = standin
    wheel = module.bundled_pip_wheel()
    version = os.path.basename(wheel).split('-')[1]
    # a virtual environment made as ansible-test makes them: `python -m venv --without-pip`
    venv = tmp_path / 'venv'
    subprocess.run([sys.executable, '-m', 'venv', '--without-pip', str(venv)], check=True)
    python = str(venv / 'bin' / 'python')
    # The configuration file named in the environment reaches pip: it gives the index (only the bundled wheel's
    # directory) and a log file, which exists only if pip read it (ensurepip's PIP_CONFIG_FILE=/dev/null hides it).
    config, log = tmp_path / 'pip.conf', tmp_path / 'pip.log'
    config.write_text('[global]\nno-index = true\nfind-links = %s\nlog = %s\n' % (os.path.dirname(wheel), log))
    proc = subprocess.run([python, str(path), '--disable-pip-version-check', '--retries', '0', '--timeout', '5',
                           'pip==%s' % version, '--no-setuptools', '--no-wheel'],
                          env=environment(config), capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'pip==%s' % version in log.read_text()
    site_packages = glob.glob(str(venv / 'lib' / 'python*' / 'site-packages'))[0]
    assert os.path.isdir(os.path.join(site_packages, 'pip'))
    assert not glob.glob(os.path.join(site_packages, 'pip', '**', '*.pyc'), recursive=True)   # nothing compiled ahead
    shown = subprocess.run([python, '-m', 'pip', '--version'], capture_output=True, text=True, check=True).stdout
    assert shown.startswith('pip %s from %s' % (version, os.path.join(site_packages, 'pip')))


def test_a_failing_install_fails_the_stand_in_with_pips_exit_code(standin, tmp_path):
    path = standin[0]
    config = tmp_path / 'pip.conf'
    config.write_text('[global]\nno-index = true\n')
    proc = subprocess.run([sys.executable, str(path), '--disable-pip-version-check', 'no-such-package-cloudops==1'],
                          env=environment(config), capture_output=True, text=True, check=False)
    assert proc.returncode == 1 and 'no-such-package-cloudops' in proc.stderr
