"""The fault matrix of issue 12: the role cloudops.drs.precheck_and_start keeps its promise under every fault.

A fault point (pre-check submit, pre-check result, start, status, detail, IAM with password auth) meets a fault
kind (persistent 500, 401, 429 until the retries run out, a reply of the wrong shape, a 503 outage or connection
resets lasting longer than the deadline, a reply lost after DRS acted) on a small fleet; some cells let the first
request through (``after_requests``) and some have one job whose pre-check fails. The four cases of the issue's
table run as their own tests on 50 jobs with the role defaults, and so does a fleet without faults.

Every run is judged from the emulator's statistics and job states, never from what the role says of itself:

1. a job is started only if its latest pre-check in the emulator positively passed (no ALARM item when
   ``drs_alarm_is_failure`` is set), and never more than once;
2. when the collection could not positively know that every job's pre-check passed (the fault hit a pre-check
   point, IAM or the detail read, or a job failed its pre-check), nothing is started;
3. the play exits 0 only when every job ends running or scheduled, each started exactly once, and no module
   failed; any module failure makes the exit non-zero and its message is in the output;
4. the Markdown and JUnit reports exist and parse and the set_stats summary is there, in every outcome, and they
   name every step that failed.

The runs are independent, so they go through a few emulators at once (``WORKERS``); only the selected tests' runs
are made. With RELIABILITY_MATRIX_FIGURES=<file.json> set, the figures of every run are written there.

**Halves.** ``make test`` runs this module twice, once against the emulator's default profile (``otc``, in unit-2.19)
and once against the pessimistic one (unit-pessimistic), and each run makes only its half of the scenarios, so that
every scenario runs once per ``make test``. The rule (``half_of``), deterministic and checked by a test below:

- a point x kind cell goes to half ``(i + j) % 2``, ``i`` the index of its point in ``POINTS`` and ``j`` that of its
  kind in ``KINDS`` (a checkerboard: every point meets three kinds in each half and every kind three points);
- the extra cells (``after_requests``, lost replies, a failing pre-check) and the named scenarios (the issue's four
  cases and the fleet without faults) alternate by their position in their list, starting with half 0;
- half 0 runs against the ``otc`` profile, half 1 against ``pessimistic``.

Which half runs is chosen by ``--fault-cells`` (tests/unit/conftest.py; the environment variable
``DRS_FAULT_CELLS`` gives its default): ``all`` (the default: every scenario, against whatever profile
``DRS_EMULATOR_PROFILE`` names; what ``make unit UNIT_PATHS=tests/unit/reliability/test_fault_matrix.py`` runs),
``split`` (the half of the profile ``DRS_EMULATOR_PROFILE`` names, ``otc`` when unset; what ``make test`` sets),
``otc`` or ``pessimistic`` (that half, whatever the profile). The other half's tests are deselected.
"""

import collections
import json
import os
import queue
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from junitparser import JUnitXml

from drs_emulator.pytest_plugin import PROJECT_A_ID, RunningEmulator, profile_from_env

from reliability_helpers import (EMULATOR_ARGS, aksk_auth, assert_failed_steps_are_named, failed_steps,
                                 fatal_message, password_auth, run_playbook)

RUNNING = ('FULL_TRANSFER_STARTED', 'FULL_TRANSFER_COMPLETE', 'INCRE_TRANSFER_STARTED')
WORKERS = 4
# Short deadlines: a fault that outlasts the retries ends the step after a few seconds.
FAST = {'drs_precheck_timeout': 4, 'drs_start_timeout': 4, 'drs_poll_interval': 1}

# point -> the emulator's endpoint name
POINTS = collections.OrderedDict([
    ('precheck_submit', 'batch-precheck'),
    ('precheck_result', 'batch-precheck-result'),
    ('start', 'batch-starting'),
    ('status', 'batch-status'),
    ('detail', 'batch-detail'),
    ('iam', 'iam-tokens'),
])
# Points where a fault leaves the collection without a positive pass for every job: nothing may start.
GATE_POINTS = ('precheck_submit', 'precheck_result', 'detail', 'iam')
# kind -> fault settings; every one outlasts the retries and the deadline
KINDS = collections.OrderedDict([
    ('500', {'error_rate': 1.0, 'error_status': 500}),
    ('401', {'unauthorized_rate': 1.0}),
    ('429_until_retries_run_out', {'throttle_rate': 1.0, 'retry_after': 0}),
    ('wrong_shape', {'bad_shape_rate': 1.0}),
    ('503_outage', {'error_rate': 1.0, 'error_status': 503, 'for_seconds': 120}),
    ('reset_outage', {'reset_before_rate': 1.0, 'for_seconds': 120}),
])
# a different wrong shape at each point
WRONG_SHAPES = {'precheck_submit': 'no_results', 'precheck_result': 'items_not_dicts', 'start': 'empty',
                'status': 'results_not_list', 'detail': 'not_json', 'iam': 'empty'}


Scenario = collections.namedtuple('Scenario', (
    'name', 'jobs', 'fleet', 'faults', 'auth', 'extravars', 'gate_unknown', 'green', 'failing_steps'))


def scenario(name, faults, jobs=5, fleet='pass', auth='password', extravars=None, gate_unknown=False, green=False,
             failing_steps=('precheck', 'start')):
    return Scenario(name, jobs, fleet, faults, auth, FAST if extravars is None else extravars, gate_unknown, green,
                    () if green else failing_steps)


def matrix_cells():
    """Point x kind, plus cells that let the first request through, lose a reply, or have a job failing its pre-check."""
    cells = []
    for point, endpoint in POINTS.items():
        for kind, settings in KINDS.items():
            faults = dict(settings, endpoints=[endpoint], iam=point == 'iam')
            if kind == 'wrong_shape':
                faults['bad_shape'] = WRONG_SHAPES[point]
            gate = point in GATE_POINTS
            cells.append(scenario('%s-%s' % (point, kind), faults, gate_unknown=gate,
                                  failing_steps=('precheck', 'start') if gate else ('start',)))
    after_first = dict(KINDS['500'], after_requests=1)
    cells += [
        # the first read of the pre-check results (before submission) passes; every poll after it answers 500
        scenario('precheck_result-500-after_submission', dict(after_first, endpoints=['batch-precheck-result']), gate_unknown=True),
        scenario('precheck_result-500-after_submission-one_job_fails', dict(after_first, endpoints=['batch-precheck-result']),
                 fleet='one_fails', gate_unknown=True),
        scenario('precheck_submit-500-one_job_fails', dict(KINDS['500'], endpoints=['batch-precheck']), fleet='one_fails',
                 gate_unknown=True),
        # pre-check and start (one module run) get the one token; the status read of drs_report_progress, a module run
        # of its own, does not: the fleet runs, and the play still fails, naming the status read
        scenario('iam-500-after_first_token', dict(after_first, endpoints=['iam-tokens'], iam=True),
                 extravars=dict(FAST, drs_report_progress=True), failing_steps=('status read',)),
        # DRS acts, the reply is lost: a pre-check the collection cannot see holds the fleet back; a start is re-read, not re-sent
        scenario('precheck_submit-reply_lost', {'reset_after_rate': 1.0, 'endpoints': ['batch-precheck']}, gate_unknown=True),
        scenario('start-reply_lost', {'reset_after_rate': 1.0, 'endpoints': ['batch-starting']}, green=True),
        scenario('status-reply_lost', {'reset_after_rate': 1.0, 'endpoints': ['batch-status']}, failing_steps=('start',)),
    ]
    return cells


ROLE_DEFAULTS = {}
AFTER_SUBMISSION_50 = {'error_rate': 1.0, 'error_status': 500, 'endpoints': ['batch-precheck-result'],
                       'after_requests': 5}   # 50 jobs: five reads of ten before the pre-checks are submitted
NAMED = [
    scenario('issue-one_job_fails_precheck-results_500_after_submission', AFTER_SUBMISSION_50, jobs=50, fleet='one_fails',
             auth='aksk', extravars=ROLE_DEFAULTS, gate_unknown=True),
    scenario('issue-every_job_alarms-alarm_is_failure-results_500_after_submission', AFTER_SUBMISSION_50, jobs=50, fleet='alarm',
             auth='aksk', extravars={'drs_alarm_is_failure': True}, gate_unknown=True),
    scenario('issue-results_500_for_the_whole_run', {'error_rate': 1.0, 'error_status': 500, 'endpoints': ['batch-precheck-result']},
             jobs=50, auth='aksk', extravars=ROLE_DEFAULTS, gate_unknown=True),
    scenario('issue-aksk_with_a_wrong_secret_key', None, jobs=50, auth='aksk_wrong_secret', extravars=ROLE_DEFAULTS,
             gate_unknown=True),
    scenario('no_faults', None, jobs=50, auth='aksk', extravars=ROLE_DEFAULTS, green=True),
]
SCENARIOS = collections.OrderedDict((cell.name, cell) for cell in matrix_cells() + NAMED)


# ---- the halves (see the module docstring) -------------------------------------------------------------------

HALF_PROFILES = ('otc', 'pessimistic')   # half 0, half 1
FAULT_CELLS_CHOICES = ('all', 'split') + HALF_PROFILES


def halves():
    """scenario name -> its half (0 or 1), by the rule of the module docstring."""
    half = {}
    for i, point in enumerate(POINTS):
        for j, kind in enumerate(KINDS):
            half['%s-%s' % (point, kind)] = (i + j) % 2
    extras = [cell.name for cell in matrix_cells() if cell.name not in half]
    for group in (extras, [cell.name for cell in NAMED]):
        for position, name in enumerate(group):
            half[name] = position % 2
    return half


HALF_OF = halves()


def selected_half(choice, environ=None):
    """The half (0 or 1) that ``--fault-cells`` ``choice`` runs, or None for every scenario."""
    if choice not in FAULT_CELLS_CHOICES:
        raise ValueError('--fault-cells must be one of %s, not %r' % (', '.join(FAULT_CELLS_CHOICES), choice))
    if choice == 'all':
        return None
    profile = profile_from_env(environ) if choice == 'split' else choice
    if profile not in HALF_PROFILES:
        raise ValueError('--fault-cells=split: no half of the fault matrix for the emulator profile %r' % profile)
    return HALF_PROFILES.index(profile)


def scenario_of(item):
    """The scenario a test of this module asserts on (None for the tests that make no run)."""
    if hasattr(item, 'callspec') and 'name' in item.callspec.params:
        return item.callspec.params['name']
    return getattr(getattr(item, 'function', None), 'scenario', None)


def select_test(item):
    """Called by tests/unit/conftest.py for each test of this module: whether it runs with this ``--fault-cells``."""
    half = selected_half(item.config.getoption('fault_cells'))
    name = scenario_of(item)
    return half is None or name is None or HALF_OF[name] == half


def runs_scenario(name):
    """Name the scenario a test asserts on, so that the module fixture makes only the runs of selected tests."""
    def mark(test):
        test.scenario = name
        return test
    return mark


# ---- the fleets --------------------------------------------------------------------------------------------

def job_id(number):
    return 'f1200000-0000-4000-8000-000000jb%04d' % number


def fleet_fixture(count, kind):
    """``count`` jobs in CONFIGURATION; ``one_fails``: the third fails its pre-check; ``alarm``: every pre-check
    passes with ALARM items."""
    jobs = []
    for number in range(1, count + 1):
        job = {'id': job_id(number), 'name': 'matrix-%02d' % number, 'type': 'migration' if number % 2 else 'sync'}
        if kind == 'alarm' or (kind == 'one_fails' and number == 3):
            job['precheck'] = {'outcome': 'fail' if kind == 'one_fails' else 'alarm'}
        jobs.append(job)
    return {'defaults': {'precheck_duration': 20, 'start_duration': 10, 'full_duration': 60}, 'jobs': jobs}


def auth_for(kind, emu):
    if kind == 'password':
        return password_auth(emu)
    auth = aksk_auth(emu)
    if kind == 'aksk_wrong_secret':
        auth['secret_key'] = 'W' + auth['secret_key'][1:]
    return auth


# ---- one run -------------------------------------------------------------------------------------------------

class Outcome(object):
    """What one run left: the playbook run, the emulator's statistics and job states, and the pre-check verdicts
    read from the emulator after the run (faults off)."""

    def __init__(self, cell, run, stats, jobs, passed, reports, seconds):
        self.cell = cell
        self.run = run
        self.stats = stats
        self.jobs = jobs
        self.passed = passed
        self.reports = reports
        self.seconds = seconds
        self.ids = [job_id(number) for number in range(1, cell.jobs + 1)]
        self.starts = dict((job, stats['jobs'].get(job, {}).get('starts', 0)) for job in self.ids)

    def failed_steps(self):
        return failed_steps(self.run)

    def fatal_message(self):
        return fatal_message(self.run)

    def figures(self):
        return {'cell': self.cell.name, 'jobs': self.cell.jobs, 'exit': self.run.rc, 'starts': sum(self.starts.values()),
                'faults_injected': dict((kind, count) for kind, count in self.stats['faults_injected'].items() if count),
                'requests': self.stats['requests']['total'], 'seconds': round(self.seconds, 1)}


def emulator_verdicts(emu, jobs, ids, alarm_is_failure):
    """job id -> whether its latest pre-check in the emulator positively passed (finished, result true, and no ALARM
    item when ``alarm_is_failure``)."""
    passed = dict((job, bool((jobs[job].get('precheck') or {}).get('finished') and jobs[job]['precheck'].get('result')))
                  for job in ids)
    if alarm_is_failure:
        for first in range(0, len(ids), 10):
            reply = emu.signed_request('POST', '/v3/%s/jobs/batch-precheck-result' % PROJECT_A_ID, {'jobs': ids[first:first + 10]})
            assert reply.status == 200, reply
            for item in reply.body['results']:
                if any(entry.get('result') == 'ALARM' for entry in item.get('precheck_result') or []):
                    passed[item['precheck_id']] = False
    return passed


def run_cell(emu, cell, collections_path, tmp_dir):
    ids = [job_id(number) for number in range(1, cell.jobs + 1)]
    emu.load_jobs({'fixture': fleet_fixture(cell.jobs, cell.fleet)})
    emu.set_faults(clear=True)
    emu.reset(jobs=False, stats=True, faults=False, tokens=True)
    reports = os.path.join(tmp_dir, 'reports')
    variables = dict(cell.extravars, drs_jobs=ids, drs_auth=auth_for(cell.auth, emu), drs_report_dir=reports)
    if cell.faults:
        emu.set_faults(**cell.faults)
    began = time.monotonic()
    run = run_playbook('cloudops.drs.precheck_and_start', collections_path, os.path.join(tmp_dir, 'runner'), variables)
    seconds = time.monotonic() - began
    stats = emu.stats()
    emu.set_faults(clear=True)   # the emulator's own view is read without faults
    jobs = dict((job['id'], job) for job in emu.jobs())
    passed = emulator_verdicts(emu, jobs, ids, cell.extravars.get('drs_alarm_is_failure', False))
    return Outcome(cell, run, stats, jobs, passed, reports, seconds)


def selected_scenarios(items):
    names = []
    for item in items:
        if getattr(item, 'module', None) is not sys.modules[__name__]:
            continue
        name = scenario_of(item)
        if name and name not in names:
            names.append(name)
    return names


@pytest.fixture(scope='module')
def outcomes(request, collections_path, tmp_path_factory):
    """The runs of every selected scenario, made through WORKERS emulators at once; name -> Outcome."""
    # the long runs (50 jobs, role defaults) first, so that the short ones fill the gaps
    names = sorted(selected_scenarios(request.session.items), key=lambda name: -SCENARIOS[name].jobs)
    top = str(tmp_path_factory.mktemp('matrix'))
    emulators = [RunningEmulator(*EMULATOR_ARGS) for dummy in range(min(WORKERS, len(names)))]
    free = queue.Queue()
    try:
        for emu in emulators:
            emu.__enter__()
            free.put(emu)

        def work(name):
            emu = free.get()
            try:
                return run_cell(emu, SCENARIOS[name], collections_path, os.path.join(top, name))
            finally:
                free.put(emu)

        began = time.monotonic()
        with ThreadPoolExecutor(max_workers=max(1, len(emulators))) as pool:
            done = dict(zip(names, pool.map(work, names)))
        elapsed = time.monotonic() - began
    finally:
        for emu in emulators:
            emu.__exit__(None, None, None)
    target = os.environ.get('RELIABILITY_MATRIX_FIGURES')
    if target and done:
        with open(target, 'w', encoding='utf-8') as handle:
            json.dump({'runs': [done[name].figures() for name in names], 'seconds': round(elapsed, 1), 'workers': len(emulators)},
                      handle, indent=1)
    return done


# ---- the invariants ------------------------------------------------------------------------------------------

def assert_the_fault_happened(outcome):
    if outcome.cell.auth == 'aksk_wrong_secret':
        assert outcome.stats['requests']['by_status'].get('401', 0) > 0
    elif outcome.cell.faults:
        assert sum(outcome.stats['faults_injected'].values()) > 0, outcome.stats['requests']


def assert_starts_follow_the_emulators_prechecks(outcome):
    """Invariants 1 and 2, from the emulator's statistics and pre-check states."""
    assert max(outcome.starts.values()) <= 1, outcome.starts
    assert [job for job in outcome.ids if outcome.starts[job] and not outcome.passed[job]] == []
    if outcome.cell.gate_unknown:
        assert sum(outcome.starts.values()) == 0, outcome.starts


def assert_exit_says_whether_the_fleet_runs(outcome):
    """Invariant 3: exit 0 exactly when every job runs (or is scheduled), each started once, and no module failed."""
    fleet_runs = all(outcome.jobs[job]['status'] in RUNNING + ('WAITING_FOR_START',) and outcome.starts[job] == 1
                     for job in outcome.ids)
    failed = outcome.failed_steps()
    assert 'Traceback' not in outcome.run.stdout
    assert (outcome.run.rc == 0) == (fleet_runs and not failed), (outcome.run.rc, fleet_runs, failed)
    assert (outcome.run.rc == 0) == outcome.cell.green, outcome.fatal_message()[:2000]
    assert sorted(failed) == sorted(outcome.cell.failing_steps), failed


def assert_reports_are_written(outcome):
    """Invariant 4 (files and set_stats): whatever happened, both reports parse and list every job."""
    with open(os.path.join(outcome.reports, 'precheck_and_start-localhost.md'), encoding='utf-8') as handle:
        markdown = handle.read()
    assert markdown.startswith('# DRS precheck and start: localhost\n')
    assert '**%d jobs**' % outcome.cell.jobs in markdown
    assert [job for job in outcome.ids if '| `%s` |' % job not in markdown] == []
    suites = dict((suite.name.rsplit(' ', 1)[-1], suite)
                  for suite in JUnitXml.fromfile(os.path.join(outcome.reports, 'precheck_and_start-localhost.xml')))
    assert (suites['precheck'].tests, suites['start'].tests) == (outcome.cell.jobs, outcome.cell.jobs)
    summary = outcome.run.stats_data['drs_precheck_and_start']['localhost']
    assert summary['total'] == outcome.cell.jobs and sorted(summary['status']) == outcome.ids
    assert summary['ok'] is (outcome.run.rc == 0)


def assert_invariants(outcome):
    assert_the_fault_happened(outcome)
    assert_starts_follow_the_emulators_prechecks(outcome)
    assert_exit_says_whether_the_fleet_runs(outcome)
    assert_reports_are_written(outcome)
    assert_failed_steps_are_named(outcome.run, outcome.failed_steps(), outcome.reports)


def cell_params():
    return [pytest.param(cell.name, id=cell.name)
            for cell in matrix_cells()]


# ---- the tests -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize('name', cell_params())
def test_fault_cell_starts_only_positively_prechecked_jobs_once_and_fails_the_play_unless_the_fleet_runs(outcomes, name):
    assert_invariants(outcomes[name])


def test_the_matrix_has_at_least_30_cells_and_every_point_meets_every_kind():
    names = [cell.name for cell in matrix_cells()]
    assert len(names) >= 30
    assert set('%s-%s' % (point, kind) for point in POINTS for kind in KINDS) <= set(names)


def test_each_half_meets_every_point_and_every_kind_and_the_halves_share_no_scenario():
    assert set(HALF_OF) == set(SCENARIOS)
    for half in (0, 1):
        cells = [name for name in HALF_OF if HALF_OF[name] == half and name in ['%s-%s' % (p, k) for p in POINTS for k in KINDS]]
        assert set(name.split('-', 1)[0] for name in cells) == set(POINTS)
        assert set(name.split('-', 1)[1] for name in cells) == set(KINDS)
        assert len(cells) == len(POINTS) * len(KINDS) // 2
    assert [selected_half(choice, {}) for choice in FAULT_CELLS_CHOICES] == [None, 0, 0, 1]
    assert selected_half('split', {'DRS_EMULATOR_PROFILE': 'pessimistic'}) == 1
    with pytest.raises(ValueError):
        selected_half('half')


@runs_scenario('issue-one_job_fails_precheck-results_500_after_submission')
def test_one_failed_precheck_and_500_on_every_result_poll_after_submission_start_none_of_50(outcomes, request):
    outcome = outcomes[request.function.scenario]
    # the pre-checks were submitted: the 500s hit the polls after submission, not the read before it
    assert [outcome.stats['jobs'][job]['prechecks'] for job in outcome.ids] == [1] * 50
    assert [job for job in outcome.ids if not outcome.passed[job]] == [job_id(3)]
    assert sum(outcome.starts.values()) == 0 and outcome.run.rc != 0
    assert_invariants(outcome)


@runs_scenario('issue-every_job_alarms-alarm_is_failure-results_500_after_submission')
def test_alarm_items_as_failures_and_500_on_every_result_poll_after_submission_start_none_of_50(outcomes, request):
    outcome = outcomes[request.function.scenario]
    assert [outcome.stats['jobs'][job]['prechecks'] for job in outcome.ids] == [1] * 50
    assert sum(outcome.starts.values()) == 0 and outcome.run.rc != 0
    assert_invariants(outcome)


@runs_scenario('issue-results_500_for_the_whole_run')
def test_precheck_results_answering_500_for_the_whole_run_fail_the_play_and_start_none_of_50(outcomes, request):
    outcome = outcomes[request.function.scenario]
    assert sum(outcome.starts.values()) == 0 and outcome.run.rc != 0
    assert outcome.stats['requests']['by_status'].get('500', 0) > 0
    assert_invariants(outcome)


@runs_scenario('issue-aksk_with_a_wrong_secret_key')
def test_a_wrong_secret_key_fails_the_play_and_starts_none_of_50(outcomes, request):
    outcome = outcomes[request.function.scenario]
    assert sum(outcome.starts.values()) == 0 and outcome.run.rc != 0
    assert outcome.stats['requests']['by_status'].get('401', 0) > 0
    assert_invariants(outcome)


@runs_scenario('no_faults')
def test_a_fleet_of_50_without_faults_ends_green_with_every_job_started_once(outcomes, request):
    outcome = outcomes[request.function.scenario]
    assert outcome.run.rc == 0
    assert list(outcome.starts.values()) == [1] * 50
    assert set(outcome.jobs[job]['status'] for job in outcome.ids) <= set(RUNNING)
    assert_invariants(outcome)
