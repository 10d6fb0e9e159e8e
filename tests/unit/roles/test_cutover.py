"""The playbook cloudops.drs.cutover through ansible-runner (the engine AWX uses) against a DRS emulator: a wave
that becomes ready is stopped, and only then; a wave with one job that never becomes ready stops nothing and fails
with that job's reason; check mode sends no action request. The wave is selected as in the other roles: by id, by
name, by drs_filters (a name glob stops only its jobs); an unknown name or an empty selection fails before any action
request (unless drs_allow_empty). Requests are counted from the emulator's statistics."""

import os
import sys

import pytest
from junitparser import Failure, JUnitXml

import ansible_runner

from drs_emulator.pytest_plugin import DOMAIN_NAME, USER_NAME, USER_PASSWORD, RunningEmulator
from drs_emulator.pytest_plugin import collections_dir as emulator_collections_dir

import yaml

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTION_DIR = os.path.dirname(TESTS_DIR)
FIXTURE = os.path.join(TESTS_DIR, 'drs_emulator', 'fixtures', 'role_cutover.yml')
WAVE = ['c3300000-0000-4000-8000-0000000jb00%d' % n for n in (1, 2, 3)]
HELD = 'c3300000-0000-4000-8000-0000000jb004'
ACTIONS = ('batch-jobs', 'batch-pause-task', 'batch-retry-task', 'batch-starting', 'batch-precheck')
STOP_TASK = 'Stop the jobs'


@pytest.fixture(scope='module')
def collections_path(tmp_path_factory):
    return emulator_collections_dir(COLLECTION_DIR, tmp_path_factory)


@pytest.fixture(scope='module')
def emulator():
    with RunningEmulator('--speed', '60') as emu:
        yield emu


@pytest.fixture
def wave(emulator):
    """The emulator with the cut-over fixture freshly loaded and its statistics zeroed."""
    with open(FIXTURE, encoding='utf-8') as handle:
        emulator.load_jobs({'fixture': yaml.safe_load(handle)})
    emulator.reset(jobs=False, stats=True, faults=True)
    return emulator


def run_cutover(emulator, collections_path, tmp_path, extravars, cmdline=None):
    variables = {
        'drs_auth': {'auth_url': emulator.url + '/v3', 'endpoint': emulator.url, 'username': USER_NAME,
                     'password': USER_PASSWORD, 'domain_name': DOMAIN_NAME},
        'drs_project_name': 'eu-de', 'drs_poll_interval': 1, 'drs_cutover_stable_for': 1,
        'drs_report_dir': str(tmp_path / 'reports'),
    }
    variables.update(extravars)
    private = tmp_path / 'runner'
    private.mkdir()
    path = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get('PATH', '')])
    return ansible_runner.run(
        private_data_dir=str(private), playbook='cloudops.drs.cutover', extravars=variables, cmdline=cmdline,
        envvars={'ANSIBLE_COLLECTIONS_PATH': collections_path, 'ANSIBLE_PYTHON_INTERPRETER': sys.executable, 'PATH': path},
        quiet=True)


def summary(runner):
    stats = [event for event in runner.events if event['event'] == 'playbook_on_stats']
    return stats[0]['event_data']['artifact_data']['drs_cutover']['localhost']


def output(runner):
    with open(runner.stdout.name, encoding='utf-8') as handle:
        return handle.read()


def actions_sent(emulator):
    by_endpoint = emulator.stats()['requests']['by_endpoint']
    return dict((name, by_endpoint[name]) for name in ACTIONS if by_endpoint.get(name))


def statuses(emulator):
    return dict((job['id'], job['status']) for job in emulator.jobs())


def test_a_ready_wave_is_stopped_once_every_job_is_ready(wave, collections_path, tmp_path):
    runner = run_cutover(wave, collections_path, tmp_path, {'drs_jobs': WAVE, 'drs_cutover_stop': True, 'drs_cutover_timeout': 60})
    assert runner.status == 'successful', output(runner)
    result = summary(runner)
    assert (result['ok'], result['jobs']['ready'], result['jobs']['stop_stopped']) == (True, WAVE, WAVE)
    assert actions_sent(wave) == {'batch-jobs': 1}
    now = statuses(wave)
    assert [now[job_id] for job_id in WAVE] == ['RELEASE_RESOURCE_COMPLETE'] * 3
    assert now[HELD] == 'INCRE_TRANSFER_STARTED'
    junit = JUnitXml.fromfile(str(tmp_path / 'reports' / 'cutover-localhost.xml'))
    assert sum(1 for suite in junit for case in suite for res in case.result if isinstance(res, Failure)) == 0


def test_one_job_that_never_becomes_ready_stops_nothing_and_fails_with_its_reason(wave, collections_path, tmp_path):
    runner = run_cutover(wave, collections_path, tmp_path, {'drs_jobs': WAVE + [HELD], 'drs_cutover_stop': True,
                                                            'drs_cutover_timeout': 5})
    assert runner.status == 'failed'
    assert actions_sent(wave) == {}
    assert set(statuses(wave).values()) == {'INCRE_TRANSFER_STARTED'}
    text = output(runner)
    assert '1 of 4 jobs are not ready for cut-over, so no job was stopped; 0 step(s) failed.' in text
    assert 'incremental delay 120 s is over max_delay 0 s' in text
    result = summary(runner)
    assert (result['jobs']['not_ready'], result['counts']['stop_held']) == ([HELD], 4)
    with open(str(tmp_path / 'reports' / 'cutover-localhost.md'), encoding='utf-8') as handle:
        markdown = handle.read()
    assert '**4 jobs**: 1 not ready. Stop: 4 held.' in markdown


def test_a_job_held_through_the_admin_api_and_released_becomes_ready(wave, collections_path, tmp_path):
    wave.admin('POST', '/jobs/%s/delay' % WAVE[2], {'hold': True, 'seconds': 300})
    (tmp_path / 'held').mkdir()
    held = run_cutover(wave, collections_path, tmp_path / 'held', {'drs_jobs': WAVE, 'drs_cutover_timeout': 3})
    assert held.status == 'failed'
    assert summary(held)['jobs']['not_ready'] == [WAVE[2]]
    wave.admin('POST', '/jobs/%s/delay' % WAVE[2], {'hold': False, 'settle_seconds': 40})
    (tmp_path / 'released').mkdir()
    released = run_cutover(wave, collections_path, tmp_path / 'released', {'drs_jobs': WAVE, 'drs_cutover_timeout': 60})
    assert released.status == 'successful', output(released)
    assert summary(released)['jobs']['stop_not_requested'] == WAVE
    assert actions_sent(wave) == {}


def test_check_mode_waits_for_real_and_sends_no_action_request(wave, collections_path, tmp_path):
    runner = run_cutover(wave, collections_path, tmp_path, {'drs_jobs': WAVE, 'drs_cutover_stop': True, 'drs_cutover_timeout': 60},
                         cmdline='--check')
    assert runner.status == 'successful', output(runner)
    result = summary(runner)
    assert (result['jobs']['ready'], result['jobs']['stop_would_stop']) == (WAVE, WAVE)
    assert actions_sent(wave) == {}
    assert set(statuses(wave).values()) == {'INCRE_TRANSFER_STARTED'}


WAVE1 = ['c3300000-0000-4000-8000-0000000jb00%d' % n for n in (5, 6)]


def test_a_wave_selected_by_name_glob_stops_only_its_jobs(wave, collections_path, tmp_path):
    runner = run_cutover(wave, collections_path, tmp_path, {'drs_filters': {'name': 'wave1-*'}, 'drs_cutover_stop': True,
                                                            'drs_cutover_timeout': 60})
    assert runner.status == 'successful', output(runner)
    result = summary(runner)
    assert (result['ok'], sorted(result['jobs']['ready']), sorted(result['jobs']['stop_stopped'])) == (True, WAVE1, WAVE1)
    assert actions_sent(wave) == {'batch-jobs': 1}
    per_job = wave.stats()['jobs']
    assert [per_job[job_id]['requests'].get('batch-jobs', 0) for job_id in WAVE1 + WAVE + [HELD]] == [1, 1, 0, 0, 0, 0]
    now = statuses(wave)
    assert [now[job_id] for job_id in WAVE1] == ['RELEASE_RESOURCE_COMPLETE'] * 2
    assert [now[job_id] for job_id in WAVE + [HELD]] == ['INCRE_TRANSFER_STARTED'] * 4
    with open(str(tmp_path / 'reports' / 'cutover-localhost.md'), encoding='utf-8') as handle:
        markdown = handle.read()
    assert 'wave1-inventory-migration' in markdown and 'wave1-payments-migration' in markdown
    assert 'cutover-orders-migration' not in markdown


def test_jobs_given_by_name_show_the_names_drs_has_and_are_stopped(wave, collections_path, tmp_path):
    runner = run_cutover(wave, collections_path, tmp_path, {'drs_jobs': ['wave1-payments-migration', WAVE1[0]],
                                                            'drs_cutover_stop': True, 'drs_cutover_timeout': 60})
    assert runner.status == 'successful', output(runner)
    assert sorted(summary(runner)['jobs']['stop_stopped']) == WAVE1
    assert actions_sent(wave) == {'batch-jobs': 1}
    with open(str(tmp_path / 'reports' / 'cutover-localhost.md'), encoding='utf-8') as handle:
        markdown = handle.read()
    assert 'wave1-payments-migration' in markdown and 'wave1-inventory-migration' in markdown


def test_an_unknown_job_name_fails_the_play_naming_it_and_sends_no_action_request(wave, collections_path, tmp_path):
    runner = run_cutover(wave, collections_path, tmp_path, {'drs_jobs': WAVE1 + ['wave1-no-such-job'], 'drs_cutover_stop': True,
                                                            'drs_cutover_timeout': 60})
    assert runner.status == 'failed'
    assert 'wave1-no-such-job' in output(runner)
    assert actions_sent(wave) == {}
    assert set(statuses(wave).values()) == {'INCRE_TRANSFER_STARTED'}


def test_an_empty_selection_fails_unless_allowed(wave, collections_path, tmp_path):
    (tmp_path / 'strict').mkdir()
    strict = run_cutover(wave, collections_path, tmp_path / 'strict', {'drs_filters': {'name': 'wave9-*'}, 'drs_cutover_stop': True})
    assert strict.status == 'failed'
    assert 'No DRS job matches drs_jobs and drs_filters' in output(strict)
    (tmp_path / 'allowed').mkdir()
    allowed = run_cutover(wave, collections_path, tmp_path / 'allowed',
                          {'drs_filters': {'name': 'wave9-*'}, 'drs_cutover_stop': True, 'drs_allow_empty': True})
    assert allowed.status == 'successful', output(allowed)
    assert summary(allowed)['total'] == 0
    assert actions_sent(wave) == {}
    assert set(statuses(wave).values()) == {'INCRE_TRANSFER_STARTED'}


def test_neither_jobs_nor_filters_fails_before_any_request(wave, collections_path, tmp_path):
    runner = run_cutover(wave, collections_path, tmp_path, {'drs_cutover_stop': True})
    assert runner.status == 'failed'
    assert 'a cut-over never takes every job of a project' in output(runner)
    assert wave.stats()['requests']['by_endpoint'] == {}
