"""ansible-navigator.yml at the top of the repository: ``ansible-navigator run cloudops.drs.precheck_and_start --ee false
--mode stdout`` with these settings runs the role against the DRS emulator (credentials from the OS_* environment),
exits with ansible-playbook's exit code, and leaves the playbook artifact where the settings say, with every task's
result and no secret.
"""

import glob
import json
import os
import shutil
import subprocess
import sys

import pytest
import yaml

from drs_emulator.pytest_plugin import DOMAIN_NAME, USER_NAME, USER_PASSWORD, RunningEmulator
from drs_emulator.pytest_plugin import collections_dir as emulator_collections_dir

from pipeline_helpers import COLLECTION_DIR, DEMO_FIXTURE, FAILING_PRECHECK, RC_HOST_FAILED, RC_OK

SETTINGS = os.path.join(COLLECTION_DIR, 'ansible-navigator.yml')
JOBS = ['3f6c2a91-5b7e-4d10-9c2f-7a8e4b1jb102', '5a9d7e24-0c3b-4f6a-8e1d-2b4c6f8jb103']


def navigator():
    """The ansible-navigator of requirements-dev.txt (beside this Python, or on PATH)."""
    beside = os.path.join(os.path.dirname(sys.executable), 'ansible-navigator')
    return beside if os.path.exists(beside) else shutil.which('ansible-navigator')


@pytest.fixture(scope='module')
def emulator():
    with RunningEmulator('--speed', '200', '--fixture', DEMO_FIXTURE) as emu:
        yield emu


def run_navigator(emulator, tmp_path_factory, jobs):
    """ansible-navigator run in a fresh directory with the repository's settings; returns (rc, output, directory)."""
    command = navigator()
    assert command, 'ansible-navigator not found: install requirements-dev.txt (make venv)'
    emulator.load_jobs(DEMO_FIXTURE)
    emulator.reset(jobs=False, stats=True, faults=True)
    work = str(tmp_path_factory.mktemp('navigator'))
    with open(os.path.join(work, 'fleet.json'), 'w', encoding='utf-8') as handle:
        json.dump({'drs_jobs': jobs, 'drs_poll_interval': 1, 'drs_report_dir': 'reports'}, handle)
    env = dict((name, value) for name, value in os.environ.items() if not name.startswith(('OS_', 'HW_', 'ANSIBLE_')))
    env.update({
        'ANSIBLE_NAVIGATOR_CONFIG': SETTINGS,
        'ANSIBLE_COLLECTIONS_PATH': emulator_collections_dir(COLLECTION_DIR, tmp_path_factory),
        'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
        'PATH': os.pathsep.join([os.path.dirname(sys.executable), os.environ.get('PATH', '')]),
        'HOME': work,
        'OS_AUTH_URL': emulator.url + '/v3', 'OS_DRS_ENDPOINT_OVERRIDE': emulator.url, 'OS_USERNAME': USER_NAME,
        'OS_PASSWORD': USER_PASSWORD, 'OS_USER_DOMAIN_NAME': DOMAIN_NAME, 'OS_PROJECT_NAME': 'eu-de', 'OS_REGION_NAME': 'eu-de',
    })
    result = subprocess.run([command, 'run', 'cloudops.drs.precheck_and_start', '-e', '@fleet.json', '--ee', 'false',
                             '--mode', 'stdout'], cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, timeout=600, check=False)
    return result.returncode, result.stdout, work


@pytest.fixture(scope='module')
def green_run(emulator, tmp_path_factory):
    rc, output, work = run_navigator(emulator, tmp_path_factory, JOBS)
    return rc, output, work, emulator.stats()


def artifact(work):
    found = glob.glob(os.path.join(work, 'build', 'navigator', 'precheck_and_start-artifact-*.json'))
    assert len(found) == 1, os.listdir(work)
    with open(found[0], encoding='utf-8') as handle:
        return handle.read()


def test_navigator_runs_the_playbook_in_stdout_mode_and_starts_the_jobs(green_run):
    rc, output, work, stats = green_run
    assert rc == RC_OK, output
    assert 'PLAY RECAP' in output
    assert [stats['jobs'][job]['starts'] for job in JOBS] == [1, 1]
    assert sorted(os.listdir(os.path.join(work, 'reports'))) == ['precheck_and_start-localhost.md', 'precheck_and_start-localhost.xml']


def test_playbook_artifact_holds_every_task_result_and_the_set_stats_summary(green_run):
    dummy, dummy, work, dummy = green_run
    data = json.loads(artifact(work))
    assert data['status'] == 'successful'
    tasks = dict((task['task'], task) for play in data['plays'] for task in play['tasks'])
    assert 'Precheck the jobs, wait for the results, start those that may start and wait until they run' in tasks
    stats_task = tasks['Render and write the reports, and hand the summary to set_stats (AWX workflow artifacts)']
    summary = stats_task['res']['ansible_stats']['data']['drs_precheck_and_start']['localhost']
    assert (summary['total'], summary['ok'], summary['jobs']['start_started']) == (2, True, JOBS)
    assert os.path.exists(os.path.join(work, 'build', 'navigator', 'ansible-navigator.log'))


def test_no_secret_reaches_the_output_or_the_artifact(green_run):
    dummy, output, work, dummy = green_run
    assert USER_PASSWORD not in output
    assert USER_PASSWORD not in artifact(work)


def test_navigator_exits_2_when_a_job_fails_precheck(emulator, tmp_path_factory):
    rc, output, work = run_navigator(emulator, tmp_path_factory, JOBS + [FAILING_PRECHECK])
    assert rc == RC_HOST_FAILED, output
    assert '3 of 3 jobs are not OK (2 held back because of the others); 2 step(s) failed.' in output
    assert json.loads(artifact(work))['status'] == 'failed'


def test_settings_run_without_an_execution_environment_in_stdout_mode():
    """What README.md and the settings' comments promise, read from the file ansible-navigator reads."""
    with open(SETTINGS, encoding='utf-8') as handle:
        settings = yaml.safe_load(handle)['ansible-navigator']
    assert settings['execution-environment'] == {'enabled': False}
    assert settings['mode'] == 'stdout'
    assert settings['playbook-artifact']['enable'] is True
    assert settings['playbook-artifact']['save-as'].startswith('build/navigator/')
