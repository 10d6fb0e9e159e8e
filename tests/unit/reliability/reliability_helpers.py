"""Shared helpers of the reliability suite (issue 6): run playbooks and modules against the DRS emulator.

- ``collections_dir()``: a directory holding ``ansible_collections/cloudops/drs`` (the laid-out tree or a symlink).
- ``run_playbook(...)``: ``ansible-runner`` (the engine AWX uses) on a playbook file or ``cloudops.drs.<name>``;
  returns a ``PlaybookRun`` with the status, the whole text output, the task results and the ``set_stats`` data.
- ``auth_variants(emu, tmp_path)``: every way to authenticate (token, AK/SK, temporary AK/SK, password, clouds.yaml).
- ``all_text(run, *paths)``: everything a user or AWX could see of a run, for secret and traceback checks.
- ``assert_failed_steps_are_named(run, failed, report_dir)``: every failed module step of precheck_and_start is shown
  with its message and named in the reports.

The approach is the one of tests/unit/roles/test_reports.py: ansible-runner with the Python that runs pytest.
"""

import json
import os
import sys

import yaml
from junitparser import Error, JUnitXml

import ansible_runner

from drs_emulator.pytest_plugin import (ACCESS_KEY_A, DOMAIN_NAME, PROJECT_A_ID, SECURITY_TOKEN_A, TEMPORARY_KEY_A,
                                        USER_NAME, USER_PASSWORD)
from drs_emulator.pytest_plugin import collections_dir as emulator_collections_dir

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS_DIR = os.path.dirname(os.path.dirname(HERE))
COLLECTION_DIR = os.path.dirname(TESTS_DIR)

# Emulator settings for the suite: fast clock, short pre-checks and starts.
EMULATOR_ARGS = ('--speed', '200')


def collections_dir(tmp_path_factory):
    """A directory holding ansible_collections/cloudops/drs: the laid-out tree, or a symlink to the repository."""
    return emulator_collections_dir(COLLECTION_DIR, tmp_path_factory)


class PlaybookRun(object):
    """What one ansible-runner run left: ``status``, ``rc``, ``text`` (stdout and every event), ``results``."""

    def __init__(self, runner):
        self.runner = runner
        self.status = runner.status
        self.rc = runner.rc
        self.events = list(runner.events)
        with open(runner.stdout.name, encoding='utf-8') as handle:
            self.stdout = handle.read()
        stderr = getattr(runner, 'stderr', None)
        self.stderr = ''
        if stderr is not None and os.path.exists(getattr(stderr, 'name', '')):
            with open(stderr.name, encoding='utf-8') as handle:
                self.stderr = handle.read()

    @property
    def text(self):
        """The stdout, stderr and every event as JSON: everything AWX would store of this run."""
        return '\n'.join([self.stdout, self.stderr] + [json.dumps(event) for event in self.events])

    def results(self, task, skipped=True):
        """The results of the task named ``task`` (one per host/item), from runner_on_ok/failed(/skipped) events."""
        kinds = ('runner_on_ok', 'runner_on_failed') + (('runner_on_skipped',) if skipped else ())
        found = []
        for event in self.events:
            data = event.get('event_data') or {}
            if event['event'] in kinds and data.get('task') == task:
                result = dict(data.get('res') or {})
                result.setdefault('failed', event['event'] == 'runner_on_failed')
                found.append(result)
        return found

    def result(self, task):
        results = self.results(task)
        assert len(results) == 1, 'task %r ran %d times' % (task, len(results))
        return results[0]

    @property
    def stats_data(self):
        """The set_stats data (AWX artifacts) of the run."""
        events = [event for event in self.events if event['event'] == 'playbook_on_stats']
        return events[0]['event_data'].get('artifact_data') or {} if events else {}


def run_playbook(playbook, collections_path, private_dir, extravars=None, verbosity=0, envvars=None, check=False):
    """Run ``playbook`` (a path, or ``cloudops.drs.<name>``) with ansible-runner; return a PlaybookRun."""
    os.makedirs(str(private_dir), exist_ok=True)
    path = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get('PATH', '')])
    env = {'ANSIBLE_COLLECTIONS_PATH': collections_path, 'ANSIBLE_PYTHON_INTERPRETER': sys.executable, 'PATH': path,
           'ANSIBLE_NOCOLOR': '1', 'ANSIBLE_DEPRECATION_WARNINGS': 'false'}
    env.update(envvars or {})
    runner = ansible_runner.run(
        private_data_dir=str(private_dir),
        playbook=str(playbook),
        extravars=extravars or {},
        envvars=env,
        verbosity=verbosity,
        cmdline='--check' if check else None,
        quiet=True,
    )
    return PlaybookRun(runner)


def write_playbook(path, plays):
    """Write ``plays`` (a list of play dicts) as a playbook file; returns the path."""
    with open(str(path), 'w', encoding='utf-8') as handle:
        yaml.safe_dump(plays, handle, sort_keys=False)
    return str(path)


def local_play(tasks, name='reliability', vars_=None):
    """A play on localhost with a local connection and no fact gathering."""
    play = {'name': name, 'hosts': 'localhost', 'connection': 'local', 'gather_facts': False, 'tasks': tasks}
    if vars_:
        play['vars'] = vars_
    return play


# ---- auth ----------------------------------------------------------------------------------------------------

def password_auth(emu):
    return {'auth_url': emu.url + '/v3', 'endpoint': emu.url, 'username': USER_NAME, 'password': USER_PASSWORD,
            'domain_name': DOMAIN_NAME, 'project_name': 'eu-de'}


def aksk_auth(emu):
    return {'endpoint': emu.url, 'access_key': ACCESS_KEY_A[0], 'secret_key': ACCESS_KEY_A[1], 'project_id': PROJECT_A_ID}


def temporary_aksk_auth(emu):
    return {'endpoint': emu.url, 'auth_url': emu.url + '/v3', 'access_key': TEMPORARY_KEY_A[0],
            'secret_key': TEMPORARY_KEY_A[1], 'security_token': SECURITY_TOKEN_A, 'project_name': 'eu-de'}


def token_auth(emu, token):
    return {'endpoint': emu.url, 'auth_url': emu.url + '/v3', 'auth_token': token}


def clouds_yaml(emu, path, name='drs-emulator'):
    """Write a clouds.yaml with a password entry for the emulator; returns (env for OS_CLIENT_CONFIG_FILE, auth)."""
    entry = {'auth': {'auth_url': emu.url + '/v3', 'username': USER_NAME, 'password': USER_PASSWORD,
                      'user_domain_name': DOMAIN_NAME, 'project_name': 'eu-de'},
             'region_name': 'eu-de', 'drs_endpoint_override': emu.url}
    with open(str(path), 'w', encoding='utf-8') as handle:
        yaml.safe_dump({'clouds': {name: entry}}, handle)
    return {'OS_CLIENT_CONFIG_FILE': str(path)}, {'cloud': name}


# ---- reading what a run left -----------------------------------------------------------------------------------

def read_tree(*paths):
    """The text of every file under ``paths`` (files or directories), for secret checks."""
    texts = []
    for top in paths:
        top = str(top)
        if os.path.isfile(top):
            walk = [(os.path.dirname(top), [], [os.path.basename(top)])]
        else:
            walk = os.walk(top)
        for folder, dummy, names in walk:
            for name in names:
                with open(os.path.join(folder, name), encoding='utf-8', errors='replace') as handle:
                    texts.append(handle.read())
    return '\n'.join(texts)


def leaked(text, secrets):
    """The secrets (by label) that occur in ``text``."""
    return sorted(label for label, value in secrets.items() if value and value in text)


# ---- failed steps of precheck_and_start ------------------------------------------------------------------------

STEP_TASK = 'Precheck the jobs, wait for the results, start those that may start and wait until they run'
STATUS_TASK = 'Read status and progress of every job for the report'   # with drs_report_progress only
FINISH_TASK = 'Fail unless every job runs'


class StepFailureHidden(AssertionError):
    """A module step failed, but its message is not in the output or the reports do not name the step."""


def failed_steps(run):
    """step -> message of every module step of precheck_and_start that failed (the role keeps a failed module's
    registered result in a block/rescue)."""
    failed = {}
    for result in run.results(STEP_TASK, skipped=False):
        # the pre-check step of drs_batch_start reports in its result's precheck (none when the module failed before
        # it: then only the start step failed, as the role's reports say)
        precheck = result.get('precheck') or {}
        if precheck.get('failed') or precheck.get('msg'):
            failed['precheck'] = precheck.get('msg') or ''
        if result.get('failed') or result.get('msg'):
            failed['start'] = result.get('msg') or ''
    for result in run.results(STATUS_TASK, skipped=False):
        if result.get('failed'):
            failed['status read'] = result.get('msg') or ''
    return failed


def fatal_message(run):
    """The message of the task that failed the play of precheck_and_start, as the output shows it ('' when none did)."""
    for result in run.results(FINISH_TASK, skipped=False):
        if result.get('failed'):
            return result.get('msg') or ''
    return ''


def assert_failed_steps_are_named(run, failed, report_dir, basename='precheck_and_start-localhost'):
    """Each failed step's message (``failed``: step -> message) is in the message that fails the play, and the Markdown
    report, the JUnit report and set_stats name the step. Raises StepFailureHidden."""
    missing = []
    output = ' '.join(fatal_message(run).split())
    with open(os.path.join(str(report_dir), basename + '.md'), encoding='utf-8') as handle:
        markdown = handle.read()
    junit = JUnitXml.fromfile(os.path.join(str(report_dir), basename + '.xml'))
    junit_steps = dict((case.name, case) for suite in junit if suite.name.endswith(' steps') for case in suite)
    errors = run.stats_data['drs_precheck_and_start']['localhost']['errors']
    for step, message in sorted(failed.items()):
        if ' '.join(message.split()) not in output:
            missing.append('the message of the failed %s step is not in the output' % step)
        if '- **%s**: ' % step not in markdown:
            missing.append('the Markdown report does not name the failed %s step' % step)
        if step not in junit_steps or not any(isinstance(result, Error) for result in junit_steps[step].result):
            missing.append('the JUnit report has no error for the failed %s step' % step)
        if step not in [error['step'] for error in errors]:
            missing.append('set_stats does not list the failed %s step' % step)
    if missing:
        raise StepFailureHidden('; '.join(missing))
