"""Every module's EXAMPLES run against the DRS emulator, so the examples cannot rot.

The EXAMPLES block of each module is loaded as a playbook and changed only where it names a real cloud:
every play gets ``auth_url`` and ``endpoint`` of the emulator in ``module_defaults`` for
``group/cloudops.drs.drs`` (and the emulator's user where the example names one; and a 1 s
``poll_interval`` for the modules that wait, as the emulator's clock runs fast), ``cloud: otc-prod``
resolves through a clouds.yaml that points at the emulator, and the variables an example leaves to the
reader (vault passwords, job id lists) come as extra vars. The job ids in the examples are those of the
emulator's demo fleet (tests/drs_emulator/fixtures/demo.yml). The play then runs through ansible-runner
and must succeed; the one task that shows a failing pre-check must fail, and only that one.
"""

import ast
import copy
import os

import pytest
import yaml

import ansible_runner

from conftest import COLLECTION_DIR, TESTS_DIR, tool_environment
from drs_emulator.pytest_plugin import (ACCESS_KEY_A, DOMAIN_NAME, USER_NAME, USER_PASSWORD, RunningEmulator)

MODULES = ('drs_batch_info', 'drs_batch_precheck', 'drs_batch_start', 'drs_batch_stop', 'drs_batch_pause',
           'drs_batch_resume')
DEMO_FIXTURE = os.path.join(TESTS_DIR, 'drs_emulator', 'fixtures', 'demo.yml')
GROUP = 'group/cloudops.drs.drs'

ORDERS = '140b5236-88ad-43c8-811c-1268453jb101'
CUSTOMERS = '3f6c2a91-5b7e-4d10-9c2f-7a8e4b1jb102'
INVENTORY = '5a9d7e24-0c3b-4f6a-8e1d-2b4c6f8jb103'
BILLING_ALARM = '7b2e9f13-4a6d-4c8b-b0e5-9d1f3a5jb104'
CATALOG_ALARM = '9c4f1b35-6e8a-4d2c-a1f7-0e3b5d7jb105'
REPORTING = '4e1b8d59-2a7c-4f9e-b3d6-6a8c0f2jb107'
PAYMENTS_RUNNING = '6f3d0a71-8c2e-4a5b-9d7f-1b3e5c7jb108'
ARCHIVE_STOPPED = '8a5f2c93-0e4b-4c7d-a6e9-3d5f7b9jb109'
SESSIONS_DR = '8d0e8e36-a618-490d-8a46-8c61ac9jb502'
ANALYTICS_DR = '0ea5c5a0-e1b5-4421-80a9-7c9ff27jb502'
LEDGER_FORWARD = 'c1a7e3f5-9b2d-4e6a-8f0c-2d4e6a8jb501'
LEDGER_BACKWARD = 'c1a7e3f5-9b2d-4e6a-8f0c-2d4e6a8jb503'

# What each example leaves to the reader.
EXTRA_VARS = {
    'vault_drs_password': USER_PASSWORD,
    'vault_drs_ak': ACCESS_KEY_A[0],
    'vault_drs_sk': ACCESS_KEY_A[1],
    'dr_job_ids': [SESSIONS_DR, ANALYTICS_DR],
    'more_job_ids': [CATALOG_ALARM],
    'wave_1': [CUSTOMERS, INVENTORY],
}


def module_examples(module):
    """The EXAMPLES of a module, parsed as YAML (read from the source; the module is not imported)."""
    with open(os.path.join(COLLECTION_DIR, 'plugins', 'modules', module + '.py'), encoding='utf-8') as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and [target.id for target in node.targets] == ['EXAMPLES']:
            return yaml.safe_load(node.value.value)
    raise AssertionError('%s has no EXAMPLES' % module)


def pointed_at(plays, emulator):
    """A copy of the example plays whose connection settings point at the emulator."""
    plays = copy.deepcopy(plays)
    for play in plays:
        defaults = play.setdefault('module_defaults', {}).setdefault(GROUP, {})
        defaults.update(auth_url=emulator.url + '/v3', endpoint=emulator.url)
        if 'username' in defaults:
            defaults['username'] = USER_NAME
        # the emulator's clock runs fast; poll it every second instead of every 10 s (timing only)
        for waiting in ('cloudops.drs.drs_batch_precheck', 'cloudops.drs.drs_batch_start', 'cloudops.drs.drs_batch_stop',
                        'cloudops.drs.drs_batch_pause', 'cloudops.drs.drs_batch_resume'):
            play['module_defaults'].setdefault(waiting, {}).setdefault('poll_interval', 1)
    return plays


def demo_fleet(forward_prechecked=False):
    with open(DEMO_FIXTURE, encoding='utf-8') as handle:
        fleet = yaml.safe_load(handle)
    if forward_prechecked:
        # The dual-active example starts the forward task directly: it was pre-checked before.
        for job in fleet['jobs']:
            if job['id'] == LEDGER_FORWARD:
                job['precheck'] = {'outcome': 'pass', 'passed': True}
    return fleet


@pytest.fixture(scope='module')
def emulator():
    with RunningEmulator('--speed', '100') as emu:
        yield emu


@pytest.fixture()
def clean_environment(monkeypatch):
    """No DRS credentials from the shell that runs the tests (ansible-runner passes os.environ on)."""
    for name in list(os.environ):
        if name.startswith(('OS_', 'HUAWEICLOUD_')):
            monkeypatch.delenv(name)


def run_examples(module, emulator, collections_path, tmp_path):
    """Run the module's EXAMPLES against the emulator with ansible-runner; return (runner, events by task name)."""
    clouds = tmp_path / 'clouds.yaml'
    clouds.write_text(yaml.safe_dump({'clouds': {'otc-prod': {
        'region_name': 'eu-de', 'drs_endpoint_override': emulator.url,
        'auth': {'auth_url': emulator.url + '/v3', 'username': USER_NAME, 'password': USER_PASSWORD,
                 'user_domain_name': DOMAIN_NAME, 'project_name': 'eu-de'}}}}))
    private = tmp_path / 'runner'
    (private / 'project').mkdir(parents=True)
    plays = module_examples(module)
    (private / 'project' / 'examples.yml').write_text(yaml.safe_dump(pointed_at(plays, emulator), sort_keys=False))
    # extra vars beat play vars: pass only what the example does not define itself
    defined = set(name for play in plays for name in (play.get('vars') or {}))
    extravars = dict((name, value) for name, value in EXTRA_VARS.items() if name not in defined)
    env = tool_environment(ANSIBLE_COLLECTIONS_PATH=collections_path, OS_CLIENT_CONFIG_FILE=str(clouds))
    runner = ansible_runner.run(private_data_dir=str(private), playbook='examples.yml', extravars=extravars,
                                envvars=dict((key, env[key]) for key in ('ANSIBLE_COLLECTIONS_PATH', 'OS_CLIENT_CONFIG_FILE',
                                                                         'ANSIBLE_PYTHON_INTERPRETER', 'PATH', 'ANSIBLE_NOCOLOR')),
                                quiet=True)
    results = {}
    for event in runner.events:
        if event['event'] in ('runner_on_ok', 'runner_on_failed', 'runner_on_skipped'):
            results.setdefault(event['event_data']['task'], []).append(event)
    return runner, results


def only(results, task):
    assert len(results[task]) == 1, results[task]
    return results[task][0]


def stdout_of(runner):
    with open(runner.stdout.name, encoding='utf-8') as handle:
        return handle.read()


@pytest.mark.parametrize('module', MODULES)
def test_examples_use_module_defaults_of_the_action_group(module):
    plays = module_examples(module)
    assert GROUP in plays[0].get('module_defaults', {}), 'the first example play of %s should set %s' % (module, GROUP)


@pytest.mark.parametrize('module', MODULES)
def test_example_job_ids_exist_in_the_demo_fleet(module):
    ids = set(job['id'] for job in demo_fleet()['jobs'])
    text = yaml.safe_dump(module_examples(module))
    named = set(word.strip("'\",") for word in text.split() if word.strip("'\",").count('-') == 4 and 'jb' in word)
    assert named and named <= ids, named - ids


def test_drs_batch_info_examples_run(emulator, collections_path, tmp_path, clean_environment):
    emulator.load_jobs(demo_fleet())
    emulator.reset(jobs=False, stats=True)
    runner, results = run_examples('drs_batch_info', emulator, collections_path, tmp_path)
    assert runner.status == 'successful', stdout_of(runner)
    fleet = only(results, 'Read status and progress of the migration jobs')['event_data']['res']
    assert [job['id'] for job in fleet['jobs']] == [ORDERS, CUSTOMERS]
    everything = only(results, 'Every job of the project, with configuration and the last pre-check')['event_data']['res']
    assert {ORDERS, SESSIONS_DR, LEDGER_FORWARD} <= set(job['id'] for job in everything['jobs'])
    dr = only(results, 'RPO and RTO of the disaster-recovery jobs, authenticated with AK/SK from the environment')
    assert [job['id'] for job in dr['event_data']['res']['jobs']] == [SESSIONS_DR, ANALYTICS_DR]
    # the last play really signed its requests with the access key from the task's environment
    assert emulator.stats()['requests']['by_auth'].get('aksk', 0) > 0


def test_drs_batch_precheck_examples_run_and_only_the_alarm_example_fails(emulator, collections_path, tmp_path,
                                                                          clean_environment):
    emulator.load_jobs(demo_fleet())
    emulator.reset(jobs=False, stats=True)
    runner, results = run_examples('drs_batch_precheck', emulator, collections_path, tmp_path)
    assert runner.status == 'successful', stdout_of(runner)
    failed = [name for name, events in results.items() if any(event['event'] == 'runner_on_failed' for event in events)]
    assert failed == ['Pre-check, treating ALARM items as failures']
    alarm = only(results, 'Pre-check, treating ALARM items as failures')
    assert alarm['event_data']['ignore_errors'] is True
    # the running job's forRetryJob pre-check is submitted, but the emulator's default profile (Open Telekom Cloud)
    # answers batch-precheck-result only for jobs in CONFIGURATION (tests/drs_emulator/MODEL.md): its result cannot
    # be read, so it is an error of that job, never a pass
    assert alarm['event_data']['res']['failed_jobs'] == [BILLING_ALARM, PAYMENTS_RUNNING]
    assert alarm['event_data']['res']['passed_jobs'] == []
    payments = [job for job in alarm['event_data']['res']['jobs'] if job['id'] == PAYMENTS_RUNNING][0]
    assert (payments['outcome'], payments['error']['error_code']) == ('error', 'DRS.M00304')
    started = only(results, 'Start the jobs whose pre-check passed')['event_data']['res']
    assert sorted(started['started_jobs']) == sorted([ORDERS, CUSTOMERS, INVENTORY])
    submitted = only(results, 'Submit only, do not wait')['event_data']['res']
    assert [job['id'] for job in submitted['jobs']] == [CATALOG_ALARM]
    assert emulator.stats()['jobs'][CATALOG_ALARM]['prechecks'] == 1


def test_drs_batch_start_examples_run(emulator, collections_path, tmp_path, clean_environment):
    emulator.load_jobs(demo_fleet(forward_prechecked=True))
    emulator.reset(jobs=False, stats=True)
    runner, results = run_examples('drs_batch_start', emulator, collections_path, tmp_path)
    assert runner.status == 'successful', stdout_of(runner)
    started = only(results, 'Start the wave and wait until every job runs (what the pre-check read is not read again)')['event_data']['res']
    assert sorted(started['started_jobs']) == sorted([CUSTOMERS, INVENTORY])
    # the same wave pre-checked and started again in one task: nothing left to do, nothing sent but reads
    again = only(results, 'Pre-check every job, then start them all, or none when any pre-check fails')['event_data']['res']
    assert again['changed'] is False and again['started_jobs'] == []
    assert sorted(again['skipped_jobs']) == sorted([CUSTOMERS, INVENTORY])
    assert [job['outcome'] for job in again['precheck']['jobs']] == ['skipped', 'skipped']
    statuses = dict((job['id'], job['status']) for job in emulator.jobs())
    assert statuses[ORDERS] == statuses[REPORTING] == 'WAITING_FOR_START'
    # The backward task was started only once its forward task was incremental; the module waits until the backward
    # task runs, which can be any running state by the time the emulator is asked.
    assert statuses[LEDGER_FORWARD] == 'INCRE_TRANSFER_STARTED'
    assert statuses[LEDGER_BACKWARD] in ('FULL_TRANSFER_STARTED', 'FULL_TRANSFER_COMPLETE', 'INCRE_TRANSFER_STARTED')
    job_stats = emulator.stats()['jobs']
    assert job_stats[LEDGER_FORWARD]['starts'] == job_stats[LEDGER_BACKWARD]['starts'] == 1
    forward_incremental = [t['at_ms'] for t in job_stats[LEDGER_FORWARD]['transitions'] if t['to'] == 'INCRE_TRANSFER_STARTED']
    backward_starting = [t['at_ms'] for t in job_stats[LEDGER_BACKWARD]['transitions'] if t['to'] == 'STARTJOBING']
    assert forward_incremental and backward_starting and forward_incremental[0] <= backward_starting[0]


def test_drs_batch_stop_examples_run(emulator, collections_path, tmp_path, clean_environment):
    emulator.load_jobs(demo_fleet())
    emulator.reset(jobs=False, stats=True)
    runner, results = run_examples('drs_batch_stop', emulator, collections_path, tmp_path)
    assert runner.status == 'successful', stdout_of(runner)
    stopped = only(results, 'Stop the jobs of the wave and wait until their resources are released')['event_data']['res']
    assert [(job['id'], job['outcome']) for job in stopped['jobs']] == [(PAYMENTS_RUNNING, 'stopped'), (ARCHIVE_STOPPED, 'unchanged')]
    statuses = dict((job['id'], job['status']) for job in emulator.jobs())
    assert statuses[PAYMENTS_RUNNING] == statuses[SESSIONS_DR] == 'RELEASE_RESOURCE_COMPLETE'
    job_stats = emulator.stats()['jobs']
    assert job_stats[PAYMENTS_RUNNING]['requests']['batch-jobs'] == 1
    assert 'batch-jobs' not in job_stats[ARCHIVE_STOPPED]['requests']


def test_drs_batch_pause_examples_run(emulator, collections_path, tmp_path, clean_environment):
    emulator.load_jobs(demo_fleet())
    emulator.reset(jobs=False, stats=True)
    runner, results = run_examples('drs_batch_pause', emulator, collections_path, tmp_path)
    assert runner.status == 'successful', stdout_of(runner)
    paused = only(results, 'Pause the replication of the payments job')['event_data']['res']
    assert [(job['id'], job['outcome'], job['status']) for job in paused['jobs']] == [(PAYMENTS_RUNNING, 'paused', 'PAUSING')]
    again = only(results, 'Pausing again changes nothing')['event_data']['res']
    assert (again['changed'], again['summary']['unchanged']) == (False, 1)
    assert emulator.stats()['jobs'][PAYMENTS_RUNNING]['requests']['batch-pause-task'] == 1


def test_drs_batch_resume_examples_run(emulator, collections_path, tmp_path, clean_environment):
    emulator.load_jobs(demo_fleet())
    emulator.reset(jobs=False, stats=True)
    runner, results = run_examples('drs_batch_resume', emulator, collections_path, tmp_path)
    assert runner.status == 'successful', stdout_of(runner)
    resumed = only(results, 'Resume it and wait until it replicates again')['event_data']['res']
    assert [(job['id'], job['outcome'], job['status']) for job in resumed['jobs']] == [
        (PAYMENTS_RUNNING, 'resumed', 'INCRE_TRANSFER_STARTED')]
    retried = only(results, 'Retry without the pre-check (running jobs are left alone)')['event_data']['res']
    assert (retried['changed'], retried['summary']['unchanged']) == (False, 2)
    assert emulator.stats()['jobs'][PAYMENTS_RUNNING]['requests']['batch-retry-task'] == 1


def test_drs_report_examples_render_every_output_and_write_both_files(emulator, collections_path, tmp_path, clean_environment):
    emulator.load_jobs(demo_fleet())
    emulator.reset(jobs=False, stats=True)
    runner, results = run_examples('drs_report', emulator, collections_path, tmp_path)
    assert runner.status == 'successful', stdout_of(runner)
    report = only(results, 'Render the reports and write them next to the playbook')['event_data']['res']
    assert report['changed'] is False
    assert (report['stats']['total'], report['stats']['ok'], report['stats']['problem_jobs']) == (2, True, [])
    assert sorted(report['stats']['jobs']['start_started']) == sorted([CUSTOMERS, INVENTORY])
    assert report['table'][0].startswith('| job ') and len(report['table']) == 4
    reports = tmp_path / 'runner' / 'project' / 'reports'
    assert report['report_files'] == {'markdown': str(reports / 'wave1-localhost.md'), 'junit': str(reports / 'wave1-localhost.xml')}
    assert (reports / 'wave1-localhost.md').read_text(encoding='utf-8').startswith('# Wave 1: localhost')
    assert '<testsuites name="wave_1"' in (reports / 'wave1-localhost.xml').read_text(encoding='utf-8')
    # rows_from: the same rows made from the registered result as it is; no files (no dir)
    from_variables = only(results, 'Render the same reports from the registered result itself')['event_data']['res']
    assert from_variables['table'] == report['table'] and from_variables['report_files'] == {}
    assert dict(from_variables['stats'], report_files={}, generated=None) == dict(report['stats'], report_files={}, generated=None)


def test_drs_report_files_examples_run_and_a_second_run_changes_nothing(emulator, collections_path, tmp_path,
                                                                        clean_environment):
    (tmp_path / 'first').mkdir()
    first, results = run_examples('drs_report_files', emulator, collections_path, tmp_path / 'first')
    assert first.status == 'successful', stdout_of(first)
    written = only(results, 'Write the Markdown and JUnit reports of a run')['event_data']['res']
    assert [entry['changed'] for entry in written['files']] == [True, True]
    reports = tmp_path / 'first' / 'runner' / 'project' / 'reports'
    assert (reports / 'wave-1.md').read_text(encoding='utf-8') == '# DRS precheck and start: wave 1\n'
    assert (reports / 'wave-1.xml').read_text(encoding='utf-8') == '<testsuites/>\n'
    # the same playbook again, in the same place: nothing to write
    env = tool_environment(ANSIBLE_COLLECTIONS_PATH=collections_path)
    envvars = dict((key, env[key]) for key in ('ANSIBLE_COLLECTIONS_PATH', 'ANSIBLE_PYTHON_INTERPRETER', 'PATH', 'ANSIBLE_NOCOLOR'))
    again = ansible_runner.run(private_data_dir=str(tmp_path / 'first' / 'runner'), playbook='examples.yml', envvars=envvars,
                               quiet=True)
    assert again.status == 'successful', stdout_of(again)
    rewritten = [event['event_data']['res']['changed'] for event in again.events
                 if event['event'] == 'runner_on_ok' and event['event_data']['task'] == 'Write the Markdown and JUnit reports of a run']
    assert rewritten == [False]
