"""The shipped playbooks find a clouds.yaml where users put it: in the directory ansible-playbook is started from.

Modules on a local connection run in the playbook's directory, which for ``cloudops.drs.status`` is inside the
installed collection; the collection's action plugin adds the start directory (and the playbook's) to the search.
A decoy entry of the same name in ``~/.config/openstack`` names another project: the emulator's counts show which
project the module worked on.
"""

import os
import subprocess
import sys

import pytest
import yaml

from drs_emulator.pytest_plugin import DOMAIN_NAME, USER_NAME, USER_PASSWORD, RunningEmulator
from drs_emulator.pytest_plugin import collections_dir as emulator_collections_dir

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTION_DIR = os.path.dirname(TESTS_DIR)

EU_NL_JOBS = ['c3300000-0000-4000-8000-0000000jb00%d' % n for n in (1, 2)]


@pytest.fixture(scope='module')
def collections_path(tmp_path_factory):
    return emulator_collections_dir(COLLECTION_DIR, tmp_path_factory)


@pytest.fixture(scope='module')
def emulator():
    with RunningEmulator('--speed', '60') as emu:
        emu.load_jobs({'fixture': {'jobs': [
            {'id': job_id, 'name': 'eu-nl-sync-%d' % n, 'status': 'INCRE_TRANSFER_STARTED', 'status_age': 600, 'project': 'eu-nl'}
            for n, job_id in enumerate(EU_NL_JOBS, 1)]}})
        yield emu


def write_clouds_yaml(directory, emulator, project_name):
    os.makedirs(str(directory), exist_ok=True)
    entry = {'auth': {'auth_url': emulator.url + '/v3', 'username': USER_NAME, 'password': USER_PASSWORD,
                      'user_domain_name': DOMAIN_NAME, 'project_name': project_name},
             'drs_endpoint_override': emulator.url}
    with open(os.path.join(str(directory), 'clouds.yaml'), 'w', encoding='utf-8') as handle:
        yaml.safe_dump({'clouds': {'emu': entry}}, handle)


def ansible_playbook(args, cwd, home, collections_path):
    env = dict((key, value) for key, value in os.environ.items() if not key.startswith(('OS_', 'HW_', 'ANSIBLE_')))
    env.update(HOME=str(home), OS_CLOUD='emu', ANSIBLE_COLLECTIONS_PATH=collections_path,
               ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_NOCOLOR='1')
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')] + args
    return subprocess.run(command, cwd=str(cwd), env=env, capture_output=True, text=True, timeout=300, check=False)


def test_status_playbook_finds_clouds_yaml_in_the_directory_it_is_started_from(emulator, collections_path, tmp_path):
    start, home = tmp_path / 'ops', tmp_path / 'home'
    write_clouds_yaml(start, emulator, 'eu-nl')
    write_clouds_yaml(home / '.config' / 'openstack', emulator, 'eu-de')   # same entry name, another project
    emulator.reset(jobs=False, stats=True, faults=True)

    run = ansible_playbook(['cloudops.drs.status', '-e', '{"drs_jobs": %s}' % EU_NL_JOBS, '-e', 'drs_report_dir=reports'],
                           start, home, collections_path)

    assert run.returncode == 0, run.stdout + run.stderr
    stats = emulator.stats()
    assert [stats['jobs'][job_id]['requests'].get('batch-detail', 0) for job_id in EU_NL_JOBS] == [1, 1]
    with open(str(start / 'reports' / 'status_report-localhost.md'), encoding='utf-8') as handle:
        assert '- Project: eu-nl\n' in handle.read()


def test_without_any_clouds_yaml_the_error_lists_the_start_and_playbook_directories(emulator, collections_path, tmp_path):
    start, home = tmp_path / 'ops', tmp_path / 'home'
    os.makedirs(str(start))
    os.makedirs(str(home))
    run = ansible_playbook(['cloudops.drs.status', '-e', '{"drs_jobs": %s}' % EU_NL_JOBS], start, home, collections_path)
    assert run.returncode != 0
    playbooks = os.path.join(os.path.realpath(collections_path), 'ansible_collections', 'cloudops', 'drs', 'playbooks')
    assert "cloud 'emu' is not defined: no clouds.yaml found (searched %s, %s, " % (start, playbooks) in run.stdout, run.stdout
