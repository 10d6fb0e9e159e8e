"""Check mode of the playbook cloudops.drs.precheck_and_start tells the truth about the run that follows it.

The demo fleet (tests/drs_emulator/fixtures/demo.yml: pre-checks that pass, raise ALARM items or fail, a start that
fails, running jobs, a stopped one, a dual-active pair) runs with ``--check --diff`` through ansible-runner, then for
real on the same emulator (the jobs that passed start: drs_start_passed_subset). The check run sends no pre-check and
no start and writes the reports it announces, which say that it was check mode. Its prediction is then held against
what the emulator saw in the real run: a job predicted to start without a note started, a job whose start depends on
its pre-check started exactly when that pre-check passed, a job predicted unchanged or failed was not started, and the
backward task of the dual-active pair, predicted to start after its forward task, did start after it.
"""

import os
import re
import sys

import pytest
import yaml
from junitparser import JUnitXml

import ansible_runner

from drs_emulator.pytest_plugin import DOMAIN_NAME, USER_NAME, USER_PASSWORD, RunningEmulator
from drs_emulator.pytest_plugin import collections_dir as emulator_collections_dir

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTION_DIR = os.path.dirname(TESTS_DIR)
DEMO = os.path.join(TESTS_DIR, 'drs_emulator', 'fixtures', 'demo.yml')
START_TASK = 'Precheck the jobs, wait for the results, start those that may start and wait until they run'
REPORTS_TASK = 'Tell where the reports are'
# what a run may send without changing anything
READS = {'iam-tokens', 'iam-tokens-verify', 'iam-projects', 'list-jobs', 'batch-status', 'batch-detail', 'batch-progress',
         'batch-rpo-and-rto', 'batch-struct-process', 'batch-precheck-result'}
FORWARD = 'c1a7e3f5-9b2d-4e6a-8f0c-2d4e6a8jb501'
BACKWARD = 'c1a7e3f5-9b2d-4e6a-8f0c-2d4e6a8jb503'


def demo_job_ids():
    """Every job of the demo fleet in project eu-de except the dual-active parent (DRS never starts a parent)."""
    with open(DEMO, encoding='utf-8') as handle:
        jobs = yaml.safe_load(handle)['jobs']
    return [job['id'] for job in jobs if job.get('project') == 'eu-de' and (job.get('dr') or {}).get('role') != 'parent']


JOBS = demo_job_ids()


class Run(object):
    """One ansible-runner run of the playbook: exit code, stdout, events, set_stats data and the emulator's view after it."""

    def __init__(self, runner, stats, jobs):
        self.rc = runner.rc
        self.events = list(runner.events)
        with open(runner.stdout.name, encoding='utf-8') as handle:
            self.stdout = handle.read()
        self.stats = stats
        self.jobs = dict((job['id'], job) for job in jobs)

    def result(self, task):
        found = [event['event_data']['res'] for event in self.events
                 if event['event'] in ('runner_on_ok', 'runner_on_failed') and event['event_data'].get('task') == task]
        assert len(found) == 1, task
        return found[0]

    @property
    def summary(self):
        stats = [event for event in self.events if event['event'] == 'playbook_on_stats'][0]
        return stats['event_data']['artifact_data']['drs_precheck_and_start']['localhost']

    def starts(self, job_id):
        return self.stats['jobs'].get(job_id, {}).get('starts', 0)


@pytest.fixture(scope='module')
def check_then_real(tmp_path_factory):
    """The demo fleet run with --check --diff, then for real; returns (jobs before, check Run, real Run)."""
    collections_path = emulator_collections_dir(COLLECTION_DIR, tmp_path_factory)
    top = tmp_path_factory.mktemp('check-mode')
    with RunningEmulator('--speed', '200') as emu:
        with open(DEMO, encoding='utf-8') as handle:
            emu.load_jobs({'fixture': yaml.safe_load(handle)})
        emu.reset(jobs=False, stats=True, faults=True)
        before = dict((job['id'], job) for job in emu.jobs())

        def run(name, cmdline=None):
            private = top / name
            private.mkdir()
            variables = {
                'drs_jobs': JOBS, 'drs_start_passed_subset': True, 'drs_poll_interval': 1, 'drs_report_dir': str(private / 'reports'),
                'drs_auth': {'auth_url': emu.url + '/v3', 'endpoint': emu.url, 'username': USER_NAME, 'password': USER_PASSWORD,
                             'domain_name': DOMAIN_NAME, 'project_name': 'eu-de'},
            }
            path = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get('PATH', '')])
            runner = ansible_runner.run(
                private_data_dir=str(private), playbook='cloudops.drs.precheck_and_start', extravars=variables, cmdline=cmdline,
                envvars={'ANSIBLE_COLLECTIONS_PATH': collections_path, 'ANSIBLE_PYTHON_INTERPRETER': sys.executable, 'PATH': path,
                         'ANSIBLE_NOCOLOR': '1'},
                quiet=True)
            result = Run(runner, emu.stats(), emu.jobs())
            emu.reset(jobs=False, stats=True, faults=False)
            return result

        check = run('check', '--check --diff')
        real = run('real')
    return before, check, real


def predictions(check, outcome):
    """The jobs the check run's start step predicted ``outcome`` for: id -> note."""
    return dict((job['id'], job['note']) for job in check.result(START_TASK)['jobs'] if job['outcome'] == outcome)


def test_check_mode_sends_no_precheck_and_no_start(check_then_real):
    before, check, dummy = check_then_real
    sent = check.stats['requests']['by_endpoint']
    assert 'batch-precheck' not in sent and 'batch-starting' not in sent
    assert set(sent) <= READS, sent
    assert [job for job in JOBS if check.stats['jobs'].get(job, {}).get('prechecks') or check.starts(job)] == []
    assert dict((job, check.jobs[job]['status']) for job in JOBS) == dict((job, before[job]['status']) for job in JOBS)


def test_check_mode_writes_the_reports_it_announces(check_then_real):
    dummy, check, dummy = check_then_real
    markdown, junit = re.match(r'^Reports: (\S+) and (\S+)$', check.result(REPORTS_TASK)['msg']).groups()
    assert check.summary['report_files'] == {'markdown': markdown, 'junit': junit}
    with open(markdown, encoding='utf-8') as handle:
        text = handle.read()
    assert [job for job in JOBS if '| `%s` |' % job not in text] == []
    suites = dict((suite.name.rsplit(' ', 1)[-1], suite.tests) for suite in JUnitXml.fromfile(junit))
    assert suites == {'precheck': len(JOBS), 'start': len(JOBS)}


def test_check_mode_reports_say_that_the_outcomes_are_predictions_and_the_real_run_does_not(check_then_real):
    dummy, check, real = check_then_real
    said = 'yes: nothing was prechecked or started, the outcomes are predictions'
    assert check.summary['context']['check_mode'] == said
    with open(check.summary['report_files']['markdown'], encoding='utf-8') as handle:
        assert '- Check mode: %s\n' % said in handle.read()
    assert real.summary['context']['check_mode'] == ''


def test_jobs_predicted_to_start_without_a_note_are_started(check_then_real):
    dummy, check, real = check_then_real
    plain = [job for job, note in predictions(check, 'would_start').items() if not note]
    assert plain  # the demo's two jobs whose pre-check passed before the run
    assert dict((job, real.starts(job)) for job in plain) == dict.fromkeys(plain, 1)


def test_jobs_whose_start_depends_on_their_precheck_start_exactly_when_it_passed(check_then_real):
    dummy, check, real = check_then_real
    depends = predictions(check, 'depends_on_precheck')
    passed = dict((job, bool(real.jobs[job]['precheck']['finished'] and real.jobs[job]['precheck']['result'])) for job in depends)
    assert set(passed.values()) == {True, False}  # some pass, the legacy CRM job fails its pre-check
    assert dict((job, real.starts(job)) for job in depends) == dict((job, int(ok)) for job, ok in passed.items())
    assert all(note.startswith('its pre-check would run now: the start depends on the result') for note in depends.values())


def test_jobs_predicted_unchanged_are_left_alone(check_then_real):
    before, check, real = check_then_real
    unchanged = list(predictions(check, 'unchanged'))
    assert unchanged  # the running jobs of the demo
    assert [job for job in unchanged if real.starts(job) or real.stats['jobs'].get(job, {}).get('transitions')] == []
    assert [job for job in unchanged if real.jobs[job]['status'] != before[job]['status']] == []


def test_jobs_predicted_to_fail_are_not_started(check_then_real):
    dummy, check, real = check_then_real
    failed = list(predictions(check, 'failed'))
    assert failed  # the stopped archive job
    assert [job for job in failed if real.starts(job)] == []
    assert [job['outcome'] for job in real.result(START_TASK)['jobs'] if job['id'] in failed] == ['failed'] * len(failed)


def test_the_backward_task_is_predicted_to_start_after_its_forward_task_and_really_does(check_then_real):
    dummy, check, real = check_then_real
    note = dict((job['id'], job['note']) for job in check.result(START_TASK)['jobs'])[BACKWARD]
    assert ('would start after its forward task ledger-dual-active-dr-forward (%s) reaches INCRE_TRANSFER_STARTED with RPO and '
            'RTO under 60 s' % FORWARD) in note
    moves = dict((job, real.stats['jobs'][job]['transitions']) for job in (FORWARD, BACKWARD))
    forward_ready = [move['at_ms'] for move in moves[FORWARD] if move['to'] == 'INCRE_TRANSFER_STARTED']
    backward_start = [move['at_ms'] for move in moves[BACKWARD] if move['from'] == 'CONFIGURATION']
    assert len(forward_ready) == 1 and len(backward_start) == 1, moves
    assert backward_start[0] >= forward_ready[0]
    assert (real.starts(FORWARD), real.starts(BACKWARD)) == (1, 1)


def test_check_mode_diff_shows_the_predicted_status_of_the_jobs_it_would_start(check_then_real):
    dummy, check, dummy = check_then_real
    plain = [job for job, note in predictions(check, 'would_start').items() if not note]
    assert plain
    assert [job for job in plain if not re.search(r'^\+\s+"%s": "STARTJOBING"' % job, check.stdout, re.M)] == []
