"""Issue 6 item 1: the role cloudops.drs.precheck_and_start over 200 jobs against the emulator with faults.

One fault at a time, then all together. Every run must end with every job running, every job in the results
(set_stats summary), every job started exactly once (emulator stats ``jobs[id].starts``) and module results whose
``retries`` say what was retried. Faults that cannot be survived within the deadline must fail the play with a
message that says what happened and which jobs are in which state.

With RELIABILITY_FIGURES=<file.json> set, the figures of every run are written there (docs/reliability.md; see
tests/unit/reliability/figures.py).

The runs spend most of their time waiting, not computing: the client's start-lag window (a start whose reply was lost
is re-read for 60 s before it is sent again), Retry-After, backoff and poll intervals are real seconds, whatever the
emulator clock's speed. So the runs are made at once, each against an emulator of its own, in the module fixture
``runs`` (at most ``WORKERS`` at a time, the longest first); only the selected tests' runs are made, and each test
asserts on its run. The faults, fleets and role variables are those each test used when it made its own run; a
fleet's seed is fixed per case (it was the number of runs made before it in the same process).
"""

import collections
import json
import os
import queue
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from drs_emulator.pytest_plugin import RunningEmulator

from reliability_helpers import (EMULATOR_ARGS, aksk_auth, assert_failed_steps_are_named, failed_steps, password_auth,
                                 run_playbook)

JOBS = 200
RUNNING = ('FULL_TRANSFER_STARTED', 'FULL_TRANSFER_COMPLETE', 'INCRE_TRANSFER_STARTED')
START_TASK = 'Precheck the jobs, wait for the results, start those that may start and wait until they run'
RETRY_KINDS = ('throttled', 'server_error', 'connection', 'busy', 'reauth')

# name -> (emulator fault settings, extra drs_auth options, retry kinds the modules must report, auth)
FAULTS = {
    'server_errors_503': ({'error_rate': 0.10, 'error_status': 503}, {}, ('server_error',), 'aksk'),
    'throttling_429_retry_after': ({'throttle_rate': 0.05, 'retry_after': 1}, {}, ('throttled',), 'aksk'),
    'too_frequent_drs_m01503': ({'too_frequent_rate': 0.05}, {}, ('throttled',), 'aksk'),
    'busy_jobs_drs_m01504': ({'busy_rate': 0.05}, {}, ('busy',), 'aksk'),
    'resets_before_processing': ({'reset_before_rate': 0.05}, {}, ('connection',), 'aksk'),
    'resets_after_processing': ({'reset_after_rate': 0.05}, {}, ('connection',), 'aksk'),
    'latency_spikes_beyond_api_timeout': ({'spike_rate': 0.05, 'spike_ms': 1500}, {'api_timeout': 1}, ('connection',), 'aksk'),
    # 100 emulator seconds = 0.5 s at --speed 200: every module outlives several tokens
    'token_ttl_shorter_than_the_run': ({'token_ttl': 100}, {}, (), 'password'),
    'all_together': ({'error_rate': 0.10, 'error_status': 503, 'throttle_rate': 0.05, 'retry_after': 1, 'too_frequent_rate': 0.03,
                      'busy_rate': 0.05, 'reset_before_rate': 0.03, 'reset_after_rate': 0.03, 'spike_rate': 0.03,
                      'spike_ms': 1500, 'token_ttl': 100},
                     {'api_timeout': 1}, ('server_error', 'throttled', 'busy', 'connection'), 'password'),
}

FIGURES = []
# Runs made at once. They mostly wait (see the module docstring); more would crowd two cores during the playbooks'
# start-up, when a token of 0.5 s (token_ttl 100 at --speed 200) must still be alive at its first use.
WORKERS = 4


class Case(collections.namedtuple('Case', 'seed jobs faults auth_kind auth_extra extravars during')):
    """One run: a fleet of ``jobs`` of a generated fleet of JOBS (``seed``), the faults set before the run, the auth,
    the role's extra variables, and ``during(emu, stop)``, run in a thread beside the playbook when given."""


def case(seed, faults=None, jobs=JOBS, auth_kind='aksk', auth_extra=None, extravars=None, during=None):
    return Case(seed, jobs, faults or {}, auth_kind, auth_extra or {}, extravars or {}, during)


def expire_tokens(emu, stop):
    """Tokens die mid-run: the emulator clock jumps a day ahead every half second, once the newest token is 0.3 s old
    (see test_tokens_that_expire_before_the_client_expects_are_renewed_and_the_request_repeated)."""
    def issued():
        return emu.stats()['requests']['by_endpoint'].get('iam-tokens', 0)

    count, newest, jumped = issued(), time.monotonic(), time.monotonic()
    while not stop.wait(0.1):
        now, latest = time.monotonic(), issued()
        if latest != count:
            count, newest = latest, now
        elif now - newest >= 0.3 and now - jumped >= 0.5:
            emu.clock(advance=86401)
            jumped = now


# test or parametrized case -> its run. The fleets' seeds are fixed, so a run does not depend on which others ran.
CASES = collections.OrderedDict(
    [(name, case(number + 1, dict(faults, seed=6), auth_kind=auth_kind, auth_extra=auth_extra))
     for number, (name, (faults, auth_extra, dummy, auth_kind)) in enumerate(FAULTS.items())] + [
        ('tokens_expire_early', case(50, jobs=60, auth_kind='password', during=expire_tokens)),
        ('busy_until_the_deadline', case(60, {'busy_rate': 1.0, 'endpoints': ['batch-starting']}, jobs=40,
                                         extravars={'drs_start_timeout': 3})),
        ('start_503_until_the_deadline', case(70, {'error_rate': 1.0, 'error_status': 503, 'endpoints': ['batch-starting']},
                                              jobs=30, extravars={'drs_start_timeout': 3})),
        ('precheck_results_502_until_the_deadline', case(80, {'error_rate': 1.0, 'error_status': 502, 'endpoints': ['batch-precheck-result']},
                                                         jobs=30, extravars={'drs_precheck_timeout': 3})),
    ])
# the longest runs first, so that the short ones fill the gaps (the rest keep their order)
# (all_together, server_errors_503 and resets_before_processing wait 60 s for the start lag when a start's reply is lost)
LONGEST_FIRST = ('all_together', 'server_errors_503', 'resets_before_processing', 'latency_spikes_beyond_api_timeout',
                 'start_503_until_the_deadline', 'throttling_429_retry_after', 'precheck_results_502_until_the_deadline')


def runs_case(name):
    """Name the case a test asserts on, so that the module fixture makes only the runs of selected tests."""
    def mark(test):
        test.case = name
        return test
    return mark


class Outcome(object):
    """What one run left: the playbook run, the emulator's statistics and jobs after it, the job ids, the reports."""

    def __init__(self, run, stats, jobs, ids, reports):
        self.run, self.stats, self.jobs, self.ids, self.reports = run, stats, jobs, ids, reports


def make_run(emu, name, collections_path, tmp_path):
    """Make the run of case ``name`` on ``emu`` (after a full reset)."""
    spec = CASES[name]
    emu.load_jobs({'jobs': []})
    emu.set_faults(clear=True)
    emu.reset(jobs=True, stats=True, faults=False, tokens=True)
    ids = load_fleet(emu, spec.seed)[:spec.jobs]
    if spec.faults:
        emu.set_faults(**spec.faults)
    stop = threading.Event()
    helper = threading.Thread(target=spec.during, args=(emu, stop), daemon=True) if spec.during else None
    if helper:
        helper.start()
    try:
        run = run_role(emu, collections_path, tmp_path, ids, spec.auth_kind, spec.auth_extra, **spec.extravars)
    finally:
        stop.set()
        if helper:
            helper.join()
    stats = emu.stats()
    emu.set_faults(clear=True)
    return Outcome(run, stats, emu.jobs(), ids, tmp_path / 'reports')


def selected_cases(items):
    names = []
    for item in items:
        if getattr(item, 'module', None) is not sys.modules[__name__]:
            continue
        name = item.callspec.params['name'] if hasattr(item, 'callspec') else getattr(item.function, 'case', None)
        if name and name not in names:
            names.append(name)
    return names


@pytest.fixture(scope='module')
def runs(request, collections_path, tmp_path_factory):
    """The runs of the selected tests, at most WORKERS at once, each against an emulator of its own; name -> Outcome."""
    names = sorted(selected_cases(request.session.items),
                   key=lambda name: LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST))
    top = tmp_path_factory.mktemp('runs')
    emulators = [RunningEmulator(*EMULATOR_ARGS) for dummy in range(min(WORKERS, len(names)))]
    free = queue.Queue()
    try:
        for emu in emulators:
            emu.__enter__()
            free.put(emu)

        def work(name):
            emu = free.get()
            try:
                return make_run(emu, name, collections_path, top / name)
            finally:
                free.put(emu)

        with ThreadPoolExecutor(max_workers=max(1, len(emulators))) as pool:
            done = dict(zip(names, pool.map(work, names)))
    finally:
        for emu in emulators:
            emu.__exit__(None, None, None)
    return done


def load_fleet(emu, seed):
    """A fresh fleet of JOBS jobs (CONFIGURATION, pre-check passes); returns their ids."""
    emu.load_jobs({'generate': {'n': JOBS, 'seed': seed}})
    emu.reset(jobs=False, stats=True, faults=False)
    return [job['id'] for job in emu.jobs()]


def run_role(emu, collections_path, tmp_path, ids, auth_kind='aksk', auth_extra=None, **extravars):
    auth = password_auth(emu) if auth_kind == 'password' else aksk_auth(emu)
    auth.update(auth_extra or {})
    variables = {'drs_jobs': ids, 'drs_auth': auth, 'drs_poll_interval': 1, 'drs_report_dir': str(tmp_path / 'reports')}
    variables.update(extravars)
    return run_playbook('cloudops.drs.precheck_and_start', collections_path, tmp_path / 'runner', variables)


def retried(run):
    """Retries by kind of the precheck-and-start module run (what the run says it retried)."""
    total = dict.fromkeys(RETRY_KINDS, 0)
    for task in (START_TASK,):
        results = run.results(task, skipped=False)
        if not results:  # the step did not run (held back)
            continue
        result, = results
        assert sorted(result['retries']) == sorted(RETRY_KINDS)
        for kind, count in result['retries'].items():
            total[kind] += count
    return total


def record(name, ids, stats, summary, retries, outcome):
    starts = [stats['jobs'].get(job_id, {}).get('starts', 0) for job_id in ids]
    figures = {
        'case': name, 'jobs': len(ids), 'outcome': outcome,
        'faults_injected': dict((kind, count) for kind, count in stats['faults_injected'].items() if count),
        'faults_total': sum(stats['faults_injected'].values()),
        'requests': stats['requests']['total'],
        'iam_tokens': stats['requests']['by_endpoint'].get('iam-tokens', 0),
        'retried': dict((kind, count) for kind, count in retries.items() if count),
        'retried_total': sum(retries.values()),
        'jobs_lost': len([job_id for job_id in ids if job_id not in summary['status']]),
        'duplicate_starts': len([count for count in starts if count > 1]),
    }
    FIGURES.append(figures)
    return figures


@pytest.fixture(scope='module', autouse=True)
def write_figures():
    yield
    target = os.environ.get('RELIABILITY_FIGURES')
    if target and FIGURES:
        with open(target, 'w', encoding='utf-8') as handle:
            json.dump(FIGURES, handle, indent=1)


@pytest.mark.parametrize('name', list(FAULTS))
def test_fleet_of_200_survives_the_fault(runs, name):
    faults, auth_extra, kinds, auth_kind = FAULTS[name]
    outcome = runs[name]
    run, stats, ids = outcome.run, outcome.stats, outcome.ids
    assert run.status == 'successful', run.stdout[-3000:]
    summary = run.stats_data['drs_precheck_and_start']['localhost']
    retries = retried(run)
    figures = record(name, ids, stats, summary, retries, 'all started')
    # every job present in the results, running, and started exactly once
    assert sorted(summary['status']) == sorted(ids)
    assert summary['total'] == JOBS and summary['ok'] is True and summary['problem_jobs'] == []
    assert sorted(summary['jobs']['start_started']) == sorted(ids)
    assert dict((job['id'], job['status'] in RUNNING) for job in outcome.jobs) == dict.fromkeys(ids, True)
    assert [stats['jobs'][job_id]['starts'] for job_id in ids] == [1] * JOBS
    assert figures['jobs_lost'] == 0 and figures['duplicate_starts'] == 0
    # the faults really happened, and the results say what was retried
    assert figures['faults_total'] > 0 or name.startswith('token_ttl')
    for kind in kinds:
        assert retries[kind] > 0, (kind, retries, stats['faults_injected'])
    if 'token_ttl' in faults:
        # the one module run (pre-check and start) outlived its first token, which lives half a second, by seconds:
        # IAM issued new ones
        assert figures['iam_tokens'] > 1, figures


@runs_case('tokens_expire_early')
def test_tokens_that_expire_before_the_client_expects_are_renewed_and_the_request_repeated(runs):
    """Tokens die mid-run (the emulator clock jumps a day ahead every half second, ``expire_tokens``): DRS answers
    401, the client fetches a new token and repeats the request (retries.reauth); nothing is lost or started twice.

    A jump waits until the newest token is at least 0.3 s old: a real token lives for hours, so a renewed token that
    DRS rejects at once is rightly an error of the run (a permission problem), and a jump that killed a token
    between its issue and its first use, as could happen on a loaded machine, would test nothing but that."""
    outcome = runs['tokens_expire_early']
    run, stats, ids = outcome.run, outcome.stats, outcome.ids
    assert run.status == 'successful', run.stdout[-3000:]
    summary = run.stats_data['drs_precheck_and_start']['localhost']
    retries = retried(run)
    record('tokens_expire_early', ids, stats, summary, retries, 'all started')
    assert sorted(summary['status']) == sorted(ids)
    assert [stats['jobs'][job_id]['starts'] for job_id in ids] == [1] * len(ids)
    assert stats['requests']['by_status'].get('401', 0) > 0
    assert retries['reauth'] > 0


@runs_case('busy_until_the_deadline')
def test_jobs_busy_until_the_deadline_fail_the_play_naming_the_jobs_and_their_state(runs):
    outcome = runs['busy_until_the_deadline']
    run, stats, ids = outcome.run, outcome.stats, outcome.ids
    assert run.status == 'failed' and run.rc == 2
    summary = run.stats_data['drs_precheck_and_start']['localhost']
    record('busy_until_the_deadline', ids, stats, summary, retried(run), 'play fails, nothing started')
    assert 'Traceback' not in run.text
    assert '40 of 40 jobs are not OK (0 held back because of the others)' in run.stdout
    assert 'DRS.M01504' in run.stdout or 'is busy' in run.stdout or 'another operation' in run.stdout.lower()
    assert sorted(summary['status']) == sorted(ids)
    assert sorted(summary['jobs']['start_failed']) == sorted(ids)
    assert set(summary['status'].values()) == {'CONFIGURATION'}
    assert [stats['jobs'][job_id]['starts'] for job_id in ids] == [0] * len(ids)
    assert run.result(START_TASK)['retries']['busy'] > 0
    assert sorted(failed_steps(run)) == ['start']
    assert_failed_steps_are_named(run, failed_steps(run), outcome.reports)


@runs_case('start_503_until_the_deadline')
def test_starts_answered_503_until_the_deadline_fail_the_play_and_start_nothing_twice(runs):
    outcome = runs['start_503_until_the_deadline']
    run, stats, ids = outcome.run, outcome.stats, outcome.ids
    assert run.status == 'failed'
    summary = run.stats_data['drs_precheck_and_start']['localhost']
    record('start_503_until_the_deadline', ids, stats, summary, retried(run), 'play fails, nothing started')
    assert 'Traceback' not in run.text
    assert '30 of 30 jobs are not OK (0 held back because of the others)' in run.stdout
    assert 'outcome unknown' in run.stdout and 'HTTP 503 APIGW.0202' in run.stdout
    # the last start request may have reached DRS and there was no time left to read the jobs again: fate unknown
    assert sorted(summary['jobs']['start_unknown']) == sorted(ids)
    assert set(summary['status'].values()) == {'CONFIGURATION'}
    assert [stats['jobs'][job_id]['starts'] for job_id in ids] == [0] * len(ids)
    assert sorted(failed_steps(run)) == ['start']
    assert_failed_steps_are_named(run, failed_steps(run), outcome.reports)


@runs_case('precheck_results_502_until_the_deadline')
def test_precheck_results_unreadable_until_the_deadline_hold_back_the_whole_fleet(runs):
    outcome = runs['precheck_results_502_until_the_deadline']
    run, stats, ids = outcome.run, outcome.stats, outcome.ids
    assert run.status == 'failed'
    summary = run.stats_data['drs_precheck_and_start']['localhost']
    precheck = run.result(START_TASK)['precheck']
    record('precheck_results_502_until_the_deadline', ids, stats, summary, retried(run), 'play fails, nothing started')
    assert 'Traceback' not in run.text
    assert '30 of 30 jobs are not OK (0 held back because of the others)' in run.stdout
    name = dict((job['id'], job['name']) for job in outcome.jobs)[ids[0]]
    assert 'HTTP 502 APIGW.0202' in precheck['msg'] and 'Still pending: %s (%s) (no reply yet)' % (name, ids[0]) in precheck['msg']
    assert sorted(precheck['pending_jobs']) == sorted(ids)
    assert sorted(summary['status']) == sorted(ids)
    assert [stats['jobs'][job_id]['starts'] for job_id in ids] == [0] * len(ids)
    assert run.result(START_TASK)['retries']['server_error'] > 0
    assert sorted(failed_steps(run)) == ['precheck', 'start']
    assert_failed_steps_are_named(run, failed_steps(run), outcome.reports)
