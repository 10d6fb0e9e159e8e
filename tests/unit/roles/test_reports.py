"""The playbooks cloudops.drs.precheck_and_start and cloudops.drs.status run through ansible-runner (the
engine AWX uses) against a DRS emulator: the set_stats summary is in the runner's artifacts, the JUnit
file parses with a JUnit library and counts the right failures, the Markdown lists every job, a second
run on a started fleet reports no change, and no secret reaches the output.
"""

import os
import re
import sys

import pytest
import yaml
from junitparser import Failure, JUnitXml, Skipped

import ansible_runner

from drs_emulator.pytest_plugin import (ACCESS_KEY_A, DOMAIN_NAME, PROJECT_A_ID, USER_NAME, USER_PASSWORD,
                                        RunningEmulator)
from drs_emulator.pytest_plugin import collections_dir as emulator_collections_dir

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTION_DIR = os.path.dirname(TESTS_DIR)
FIXTURES = os.path.join(TESTS_DIR, 'drs_emulator', 'fixtures')

MIXED = ['b2200000-0000-4000-8000-0000000jb00%d' % n for n in (1, 2, 3, 4)] + \
        ['b2200000-0000-4000-8000-0000000jb01%d' % n for n in (1, 2)]
ALL_PASS = ['a1100000-0000-4000-8000-0000000jb00%d' % n for n in (1, 2, 3, 4)]


@pytest.fixture(scope='module')
def collections_path(tmp_path_factory):
    """A directory holding ansible_collections/cloudops/drs: the laid-out tree, or a symlink to the repository."""
    return emulator_collections_dir(COLLECTION_DIR, tmp_path_factory)


@pytest.fixture(scope='module')
def emulator():
    with RunningEmulator('--speed', '60') as emu:
        yield emu


def load(emulator, fixture):
    with open(os.path.join(FIXTURES, fixture), encoding='utf-8') as handle:
        emulator.load_jobs({'fixture': yaml.safe_load(handle)})
    emulator.reset(jobs=False, stats=True, faults=True)


def run_playbook(playbook, emulator, collections_path, tmp_path, extravars, auth=None, verbosity=0, envvars=None):
    """Run ``cloudops.drs.<playbook>`` with ansible-runner, as AWX does; return the runner.

    ``auth`` is ``drs_auth`` (default: password auth against the emulator); ``envvars`` are added to the environment.
    """
    private = tmp_path / ('runner-%s-%d' % (playbook, len(os.listdir(str(tmp_path)))))
    private.mkdir()
    variables = {
        'drs_auth': auth if auth is not None else {'auth_url': emulator.url + '/v3', 'endpoint': emulator.url, 'username': USER_NAME,
                                                   'password': USER_PASSWORD, 'domain_name': DOMAIN_NAME},
        'drs_project_name': 'eu-de',
        'drs_poll_interval': 1,
    }
    variables.update(extravars)
    # ansible-playbook of the Python that runs the tests (a venv's bin need not be on PATH)
    path = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get('PATH', '')])
    runner = ansible_runner.run(
        private_data_dir=str(private),
        playbook='cloudops.drs.%s' % playbook,
        extravars=variables,
        envvars=dict(envvars or {}, ANSIBLE_COLLECTIONS_PATH=collections_path, ANSIBLE_PYTHON_INTERPRETER=sys.executable, PATH=path),
        verbosity=verbosity,
        quiet=True,
    )
    return runner


def artifact_data(runner):
    """The set_stats data of the run, from the playbook_on_stats event ansible-runner wrote to its artifacts."""
    stats_events = [event for event in runner.events if event['event'] == 'playbook_on_stats']
    assert len(stats_events) == 1
    return stats_events[0]['event_data']['artifact_data']


def stdout(runner):
    with open(runner.stdout.name, encoding='utf-8') as handle:
        return handle.read()


def markdown_rows(path):
    with open(path, encoding='utf-8') as handle:
        lines = handle.read().splitlines()
    return [line for line in lines if line.startswith('| ') and not line.startswith('| Job |')]


@pytest.fixture(scope='module')
def mixed_run(emulator, collections_path, tmp_path_factory):
    """The mixed fleet (two jobs fail precheck) run with drs_start_passed_subset: true."""
    load(emulator, 'role_some_fail.yml')
    tmp_path = tmp_path_factory.mktemp('mixed')
    reports = tmp_path / 'reports'
    runner = run_playbook('precheck_and_start', emulator, collections_path, tmp_path,
                          {'drs_jobs': MIXED, 'drs_start_passed_subset': True, 'drs_report_dir': str(reports)})
    return runner, str(reports), emulator.stats()


def test_subset_run_fails_the_play_for_the_jobs_that_failed_precheck(mixed_run):
    runner, dummy, stats = mixed_run
    assert runner.status == 'failed'
    assert runner.rc == 2
    assert [stats['jobs'][job]['starts'] for job in MIXED] == [1, 1, 1, 0, 0, 0]
    # the two that failed pre-check and the backward task held back with its forward task
    assert '3 of 6 jobs are not OK (1 held back because of the others); 2 step(s) failed.' in stdout(runner)


def test_set_stats_summary_is_in_the_runner_artifacts(mixed_run):
    runner, reports, dummy = mixed_run
    summary = artifact_data(runner)['drs_precheck_and_start']['localhost']
    assert summary['total'] == 6
    assert summary['ok'] is False
    assert summary['problem_jobs'] == [MIXED[3], MIXED[4], MIXED[5]]
    assert summary['jobs']['precheck_failed'] == [MIXED[3], MIXED[4]]
    assert summary['jobs']['start_started'] == MIXED[:3]
    assert summary['jobs']['start_not_started'] == [MIXED[3], MIXED[4]]
    assert summary['jobs']['start_blocked'] == [MIXED[5]]
    assert [error['step'] for error in summary['errors']] == ['precheck', 'start']
    assert summary['counts']['precheck_passed'] == 4
    assert summary['counts']['start_started'] == 3
    assert summary['counts']['problems'] == 3
    assert summary['status'][MIXED[3]] == 'CONFIGURATION'
    assert summary['status'][MIXED[0]] in ('FULL_TRANSFER_STARTED', 'FULL_TRANSFER_COMPLETE', 'INCRE_TRANSFER_STARTED')
    assert summary['report_files'] == {'markdown': reports + '/precheck_and_start-localhost.md',
                                       'junit': reports + '/precheck_and_start-localhost.xml'}
    assert summary['context']['project'] == 'eu-de'


def test_junit_report_parses_and_counts_one_failure_per_job_that_failed_precheck(mixed_run):
    dummy, reports, dummy = mixed_run
    xml = JUnitXml.fromfile(os.path.join(reports, 'precheck_and_start-localhost.xml'))
    suites = dict((suite.name, suite) for suite in xml)
    precheck = suites['cloudops.drs.precheck_and_start.localhost precheck']
    start = suites['cloudops.drs.precheck_and_start.localhost start']
    assert (precheck.tests, precheck.failures, precheck.errors, precheck.skipped) == (6, 2, 0, 0)
    steps = suites['cloudops.drs.precheck_and_start.localhost steps']
    assert (steps.tests, steps.errors) == (2, 2)
    assert (start.tests, start.failures, start.errors, start.skipped) == (6, 0, 0, 3)
    failures = dict((case.name, case.result[0]) for case in precheck if case.result)
    assert sorted(failures) == ['role-mixed-dr-forward (%s)' % MIXED[4], 'role-mixed-legacy-crm (%s)' % MIXED[3]]
    crm = failures['role-mixed-legacy-crm (%s)' % MIXED[3]]
    assert isinstance(crm, Failure)
    assert 'srcDbBinlogIsOff (SRC_DB_BINLOG_IS_OFF: The binlog of the source database is disabled (log_bin=OFF) <check> & "fix".)' in crm.message
    assert 'dstDbPrivilegesIsEnough (DST_DB_PRIVILEGES_NOT_ENOUGH: The destination user lacks CREATE | ALTER.)' in crm.message
    skipped = dict((case.name, case.result[0]) for case in start if case.result)
    assert isinstance(skipped['role-mixed-dr-backward (%s)' % MIXED[5]], Skipped)
    assert skipped['role-mixed-dr-backward (%s)' % MIXED[5]].message == \
        'not started: the other task of its dual-active DR pair, role-mixed-dr-forward (%s), cannot start' % MIXED[4]


def test_markdown_report_lists_every_job(mixed_run):
    dummy, reports, dummy = mixed_run
    rows = markdown_rows(os.path.join(reports, 'precheck_and_start-localhost.md'))
    assert [re.search(r'`([0-9a-z-]{36})`', row).group(1) for row in rows] == MIXED
    assert rows[3].startswith('| role-mixed-legacy-crm | `%s` | **failed** | 33%% | FAILED: `srcDbBinlogIsOff`, `dstDbPrivilegesIsEnough` |'
                              % MIXED[3])
    # no drs_report_progress: the status comes from the precheck and start steps, the progress is not read
    assert rows[5].endswith('| CONFIGURATION | CONFIGURATION | **blocked** | - |')
    assert 'batch-progress' not in emulator_requests(mixed_run)


def emulator_requests(run):
    return run[2]['requests']['by_endpoint']


@pytest.fixture(scope='module')
def first_and_second_run(emulator, collections_path, tmp_path_factory):
    """The all-pass fleet run twice with the same variables: a first run on the fresh fleet, then a second run on the
    started fleet; returns (first runner, emulator stats after it, second runner, emulator stats of the second run).
    The emulator's statistics are zeroed in between. One first run serves the test of its requests and the test of
    the second run (each made its own identical first run before)."""
    load(emulator, 'role_all_pass.yml')
    tmp_path = tmp_path_factory.mktemp('first-and-second')
    first = run_playbook('precheck_and_start', emulator, collections_path, tmp_path, {'drs_jobs': ALL_PASS})
    first_stats = emulator.stats()
    emulator.reset(jobs=False, stats=True, faults=True)
    second = run_playbook('precheck_and_start', emulator, collections_path, tmp_path, {'drs_jobs': ALL_PASS})
    return first, first_stats, second, emulator.stats()


def test_a_first_run_reads_each_job_once_before_it_acts_and_never_again(first_and_second_run):
    runner, stats = first_and_second_run[:2]
    assert runner.status == 'successful'
    counts = stats['requests']['by_endpoint']
    # one read of the jobs and one of their last precheck result (to skip passed ones), then precheck, its result,
    # start and the status until they run; the start takes what the precheck read instead of reading again, in the
    # same module run (one IAM token)
    # (the pre-check results are read twice: before submitting, and at half the poll interval, the probe that would
    # tell how long the pre-checks take, which finds these short ones done)
    assert counts == {'iam-tokens': 1, 'batch-detail': 1, 'batch-precheck-result': 2, 'batch-precheck': 1,
                      'batch-starting': 1, 'batch-status': counts['batch-status']}
    assert counts['batch-status'] >= 1
    assert [stats['jobs'][job]['starts'] for job in ALL_PASS] == [1, 1, 1, 1]


def test_report_shows_the_progress_read_after_the_start_when_asked(emulator, collections_path, tmp_path):
    load(emulator, 'role_all_pass.yml')
    reports = str(tmp_path / 'reports')
    runner = run_playbook('precheck_and_start', emulator, collections_path, tmp_path,
                          {'drs_jobs': ALL_PASS, 'drs_report_dir': reports, 'drs_report_progress': True})
    assert runner.status == 'successful'
    rows = markdown_rows(os.path.join(reports, 'precheck_and_start-localhost.md'))
    assert len(rows) == len(ALL_PASS)
    assert all(re.search(r'\| \d+% \|$', row) for row in rows), rows
    counts = emulator.stats()['requests']['by_endpoint']
    assert counts['batch-progress'] == 1 and counts['iam-tokens'] == 2     # precheck-and-start, then the status read


def test_second_run_on_a_started_fleet_reports_no_change(first_and_second_run):
    first, first_stats, second, second_stats = first_and_second_run
    assert [first_stats['jobs'][job]['starts'] for job in ALL_PASS] == [1, 1, 1, 1]
    assert (first.status, second.status) == ('successful', 'successful')
    assert first.stats['changed'] == {'localhost': 1}                    # the one precheck-and-start task
    assert second.stats['changed'] == {}
    # the second run reads the jobs once (all running: nothing to precheck or start) and sends nothing else; the start
    # step knows from the pre-check records that every job runs and sends no request at all
    assert second_stats['requests']['by_endpoint'] == {'iam-tokens': 1, 'batch-detail': 1}
    assert [second_stats['jobs'][job]['starts'] for job in ALL_PASS] == [1, 1, 1, 1]  # still the first run's start
    assert artifact_data(second)['drs_precheck_and_start']['localhost']['jobs']['start_unchanged'] == ALL_PASS


def test_no_secret_reaches_the_output_even_at_high_verbosity(emulator, collections_path, tmp_path):
    load(emulator, 'role_all_pass.yml')
    # project_id and (from the role's drs_project_name) project_name: checked against each other in IAM before any DRS call
    auth = {'endpoint': emulator.url, 'auth_url': emulator.url + '/v3', 'access_key': ACCESS_KEY_A[0], 'secret_key': ACCESS_KEY_A[1],
            'project_id': PROJECT_A_ID}
    runner = run_playbook('precheck_and_start', emulator, collections_path, tmp_path, {'drs_jobs': ALL_PASS[:2]}, auth=auth,
                          verbosity=3)
    assert runner.status == 'successful'
    assert emulator.stats()['requests']['by_auth'].get('aksk', 0) > 0
    events = os.path.join(runner.config.artifact_dir, 'job_events')
    texts = [stdout(runner)]
    for name in os.listdir(events):
        with open(os.path.join(events, name), encoding='utf-8') as handle:
            texts.append(handle.read())
    assert ACCESS_KEY_A[0] in texts[0]  # the key id is no secret; it shows that the auth options were printed at all
    assert not [text for text in texts if ACCESS_KEY_A[1] in text]


def test_status_playbook_reports_every_job_and_leaves_its_summary_in_the_artifacts(emulator, collections_path, tmp_path):
    load(emulator, 'role_status.yml')
    reports = str(tmp_path / 'reports')
    runner = run_playbook('status', emulator, collections_path, tmp_path,
                          {'drs_report_dir': reports, 'drs_status_fail_on_problems': False})
    assert runner.status == 'successful'
    summary = artifact_data(runner)['drs_status_report']['localhost']
    ids = ['f6600000-0000-4000-8000-0000000jb00%d' % n for n in range(1, 6)]
    assert sorted(summary['status']) == ids
    assert summary['jobs']['rpo_rto_exceeded'] == [ids[4]]
    assert summary['jobs']['status_incre_transfer_failed'] == [ids[2]]
    assert summary['problem_jobs'] == [ids[2], ids[4]]
    xml = JUnitXml.fromfile(os.path.join(reports, 'status_report-localhost.xml'))
    assert (xml.tests, xml.failures, xml.errors, xml.skipped) == (10, 2, 0, 3)
    rows = markdown_rows(os.path.join(reports, 'status_report-localhost.md'))
    assert sorted(re.search(r'`([0-9a-z-]{36})`', row).group(1) for row in rows) == ids
    assert set(emulator.stats()['requests']['by_endpoint']) <= {
        'iam-tokens', 'iam-projects', 'list-jobs', 'batch-detail', 'batch-progress', 'batch-rpo-and-rto', 'batch-struct-process'}


def env_auth(emulator):
    """Password auth and the project from OS_* variables only, as an AWX credential injects them."""
    return {'OS_AUTH_URL': emulator.url + '/v3', 'OS_DRS_ENDPOINT_OVERRIDE': emulator.url, 'OS_USERNAME': USER_NAME,
            'OS_PASSWORD': USER_PASSWORD, 'OS_USER_DOMAIN_NAME': DOMAIN_NAME, 'OS_PROJECT_NAME': 'eu-de'}


@pytest.mark.parametrize('playbook', ['precheck_and_start', 'status'])
def test_report_context_names_the_project_and_region_that_came_from_the_environment(
        playbook, emulator, collections_path, tmp_path):
    load(emulator, 'role_all_pass.yml')
    reports = str(tmp_path / 'reports')
    runner = run_playbook(playbook, emulator, collections_path, tmp_path,
                          {'drs_jobs': ALL_PASS, 'drs_project_name': '', 'drs_report_dir': reports},
                          auth={}, envvars=env_auth(emulator))
    assert runner.status == 'successful', stdout(runner)
    key = 'drs_precheck_and_start' if playbook == 'precheck_and_start' else 'drs_status_report'
    context = artifact_data(runner)[key]['localhost']['context']
    assert (context['project'], context['project_id'], context['region']) == ('eu-de', PROJECT_A_ID, 'eu-de')
    basename = 'precheck_and_start-localhost' if playbook == 'precheck_and_start' else 'status_report-localhost'
    with open(os.path.join(reports, basename + '.md'), encoding='utf-8') as handle:
        header = handle.read().split('\n|', 1)[0]
    assert '- Project: eu-de' in header and '- Region: eu-de' in header


def test_a_wave_selected_by_name_glob_through_drs_filters_starts_only_its_jobs(emulator, collections_path, tmp_path):
    load(emulator, 'role_all_pass.yml')
    reports = str(tmp_path / 'reports')
    runner = run_playbook('precheck_and_start', emulator, collections_path, tmp_path,
                          {'drs_filters': {'name': 'role-pass-*-migration', 'status': ['CONFIGURATION']},
                           'drs_report_dir': reports})
    assert runner.status == 'successful'
    assert [emulator.stats()['jobs'][job]['starts'] for job in ALL_PASS] == [1, 0, 0, 0]
    rows = markdown_rows(os.path.join(reports, 'precheck_and_start-localhost.md'))
    assert len(rows) == 1 and 'role-pass-orders-migration' in rows[0] and ALL_PASS[0] in rows[0]
    assert emulator.stats()['requests']['by_endpoint']['list-jobs'] >= 1
    # the same wave again, now running: the name glob alone selects it, and no action request is sent
    emulator.reset(jobs=False, stats=True, faults=True)
    again = run_playbook('precheck_and_start', emulator, collections_path, tmp_path, {'drs_filters': {'name': 'role-pass-*-migration'}})
    assert again.status == 'successful' and again.stats['changed'] == {}
    assert set(emulator.stats()['requests']['by_endpoint']) <= {'iam-tokens', 'list-jobs', 'batch-detail'}
    assert artifact_data(again)['drs_precheck_and_start']['localhost']['jobs']['start_unchanged'] == [ALL_PASS[0]]


def test_a_name_in_drs_jobs_that_matches_no_job_fails_before_any_action(emulator, collections_path, tmp_path):
    load(emulator, 'role_all_pass.yml')
    runner = run_playbook('precheck_and_start', emulator, collections_path, tmp_path,
                          {'drs_jobs': ['role-pass-orders-migration', 'role-pass-nothing']})
    assert runner.status == 'failed'
    assert "no DRS job is named 'role-pass-nothing'" in stdout(runner)
    assert set(emulator.stats()['requests']['by_endpoint']) <= {'iam-tokens', 'list-jobs'}


@pytest.mark.parametrize('allow_empty', [False, True])
def test_an_empty_selection_fails_the_play_unless_allowed_and_changes_nothing(emulator, collections_path, tmp_path, allow_empty):
    load(emulator, 'role_all_pass.yml')
    runner = run_playbook('precheck_and_start', emulator, collections_path, tmp_path,
                          {'drs_filters': {'name': 'nothing-*'}, 'drs_allow_empty': allow_empty})
    assert runner.status == ('successful' if allow_empty else 'failed')
    if not allow_empty:
        assert 'No DRS job matches drs_jobs and drs_filters' in stdout(runner)
    assert set(emulator.stats()['requests']['by_endpoint']) <= {'iam-tokens', 'list-jobs'}


def test_status_report_of_a_wave_selected_by_name_shows_the_names(emulator, collections_path, tmp_path):
    load(emulator, 'role_status.yml')
    reports = str(tmp_path / 'reports')
    runner = run_playbook('status', emulator, collections_path, tmp_path,
                          {'drs_filters': {'status': ['INCRE_TRANSFER_STARTED']}, 'drs_report_dir': reports,
                           'drs_status_fail_on_problems': False})
    assert runner.status == 'successful'
    selected = sorted(job['id'] for job in emulator.jobs() if job['status'] == 'INCRE_TRANSFER_STARTED'
                      and job.get('role') not in ('forward', 'backward'))
    assert sorted(artifact_data(runner)['drs_status_report']['localhost']['status']) == selected


def test_report_files_that_cannot_be_written_fail_the_play_after_set_stats_and_the_table(emulator, collections_path, tmp_path):
    load(emulator, 'role_all_pass.yml')
    blocker = tmp_path / 'not-a-directory'
    blocker.write_text('a file stands where the report directory would go\n')
    runner = run_playbook('precheck_and_start', emulator, collections_path, tmp_path,
                          {'drs_jobs': ALL_PASS, 'drs_report_dir': str(blocker / 'reports')})
    assert runner.status == 'failed'
    failed = [event['event_data'] for event in runner.events if event['event'] == 'runner_on_failed']
    assert [data['task'] for data in failed] == ['Fail when the report files could not be written (the summary and set_stats are kept)']
    assert 'The report files could not be written: Cannot write' in failed[0]['res']['msg']
    summary = artifact_data(runner)['drs_precheck_and_start']['localhost']      # set_stats reached the artifacts
    assert summary['ok'] is True and sorted(summary['jobs']['start_started']) == sorted(ALL_PASS)
    assert 'Show the result of every job' in [event['event_data'].get('task') for event in runner.events
                                              if event['event'] == 'runner_on_ok']
    assert [emulator.stats()['jobs'][job]['starts'] for job in ALL_PASS] == [1, 1, 1, 1]
