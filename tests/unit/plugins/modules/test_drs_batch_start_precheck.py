"""drs_batch_start with its precheck option: the pre-check step and the start in one module run.

The combined run must decide every job exactly as drs_batch_precheck followed by drs_batch_start with ``prechecked``
does (the two-module flow the role used before), with fewer requests, and must never start a job when its pre-check
step fails part-way.
"""

import copy

import pytest

from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsApiError, DrsTimeoutError
from ansible_collections.cloudops.drs.plugins.modules import drs_batch_precheck
from ansible_collections.cloudops.drs.plugins.modules import drs_batch_start as module
from ansible_collections.cloudops.drs.tests.unit.plugins.modules.utils import (
    MUTATING, FakeDrs, FakeJob, assert_matches_return_doc, jid, run_module)


def every_outcome():
    drs = FakeDrs(FakeJob(jid(1)),                                        # pre-checked now, passes
                  FakeJob(jid(2), precheck='pass'),                       # passed before: skipped by the pre-check
                  FakeJob(jid(3), precheck_outcome='fail'),               # fails
                  FakeJob(jid(4), status='INCRE_TRANSFER_STARTED'),       # runs already
                  FakeJob(jid(5), status='START_JOB_FAILED', failed_reason='The source database is unreachable.'),
                  FakeJob(jid(6)))
    drs.refuse[jid(6)] = ('DRS.M00304', 'This API cannot be called in the current task status.')  # its pre-check is refused
    return drs, [jid(n) for n in range(1, 8)]                             # jid(7) does not exist


def all_pass():
    return FakeDrs(FakeJob(jid(1)), FakeJob(jid(2), precheck='pass'), FakeJob(jid(3))), [jid(1), jid(2), jid(3)]


def dual_active():
    parent, forward, backward = jid(500), jid(501), jid(502)
    drs = FakeDrs(FakeJob(parent, role='parent', detail={'multi_write': True}),
                  FakeJob(forward, role='forward', parent_id=parent, status='CONFIGURATION', rpo_ms=[120000, 90000, 20000]),
                  FakeJob(backward, role='backward', parent_id=parent))
    return drs, [forward, backward]


SCENARIOS = {
    'every_outcome': (every_outcome, {}),
    'every_outcome_all_or_nothing': (every_outcome, {'all_or_nothing': True}),
    'all_pass': (all_pass, {}),
    'all_pass_all_or_nothing': (all_pass, {'all_or_nothing': True}),
    'dual_active': (dual_active, {'rpo_rto_max': 30}),
}


def without_timing(result):
    result = copy.deepcopy(result)
    for key in ('elapsed', 'retries', 'invocation', 'precheck', 'changed'):
        result.pop(key, None)
    return result


@pytest.mark.parametrize('check_mode', [False, True], ids=['real', 'check_mode'])
@pytest.mark.parametrize('scenario', sorted(SCENARIOS))
def test_one_run_decides_every_job_as_the_precheck_and_start_modules_do(scenario, check_mode):
    make, start_args = SCENARIOS[scenario]
    two_drs, ids = make()
    precheck = run_module(drs_batch_precheck, {'jobs': ids, 'poll_interval': 5}, two_drs, check_mode=check_mode)
    start = run_module(module, dict({'jobs': ids, 'prechecked': precheck['jobs'], 'poll_interval': 5}, **start_args),
                       two_drs, check_mode=check_mode)
    two_requests = len(two_drs.calls)

    one_drs, ids = make()
    one = run_module(module, dict({'jobs': ids, 'precheck': {}, 'poll_interval': 5}, **start_args), one_drs, check_mode=check_mode)

    assert without_timing(one) == without_timing(start)
    assert one['precheck']['jobs'] == precheck['jobs']
    for key in ('passed_jobs', 'failed_jobs', 'skipped_jobs', 'pending_jobs', 'fate_known'):
        assert one['precheck'][key] == precheck[key]
    assert one['precheck']['failed'] is bool(precheck.get('failed'))
    assert one['precheck']['msg'] == precheck.get('msg')              # in check mode a prediction, not a failure
    assert one['changed'] is (precheck['changed'] or start['changed'])
    assert one_drs.starts == two_drs.starts
    assert [job.status for job in one_drs.jobs.values()] == [job.status for job in two_drs.jobs.values()]
    assert len(one_drs.calls) <= two_requests
    assert one_drs.built == 1                                             # one client, one token
    assert_matches_return_doc(module, one)
    if check_mode:
        assert not [name for name in one_drs.methods() if name in MUTATING]


def test_the_jobs_are_read_once_and_started_only_after_every_precheck_passed():
    drs, ids = all_pass()
    result = run_module(module, {'jobs': ids, 'precheck': {}, 'all_or_nothing': True, 'poll_interval': 5}, drs)
    assert 'failed' not in result
    methods = drs.methods()
    assert methods.count('batch_detail') == 1
    assert methods.index('batch_start') > max(index for index, name in enumerate(methods) if name == 'batch_precheck_result')
    assert drs.called('batch_precheck') == [[jid(1), jid(3)]]
    assert result['started_jobs'] == ids and result['precheck']['passed_jobs'] == ids
    assert result['precheck']['skipped_jobs'] == [jid(2)]


def test_a_second_run_changes_nothing_and_sends_no_action():
    drs, ids = all_pass()
    run_module(module, {'jobs': ids, 'precheck': {}, 'poll_interval': 5}, drs)
    drs.calls = []
    result = run_module(module, {'jobs': ids, 'precheck': {}, 'poll_interval': 5}, drs)
    assert 'failed' not in result and result['changed'] is False
    assert not [name for name in drs.methods() if name in MUTATING]
    assert [job['outcome'] for job in result['jobs']] == ['unchanged'] * 3
    assert [job['outcome'] for job in result['precheck']['jobs']] == ['skipped'] * 3


@pytest.mark.parametrize('method, exc', [
    ('batch_precheck_result', DrsApiError('HTTP 500 DRS.M00004: Service abnormal.', status=500)),
    ('batch_precheck', DrsTimeoutError('Timed out after 1800 s waiting for DRS')),
    ('batch_detail', AttributeError("'str' object has no attribute 'get'")),
], ids=['api_error_while_waiting', 'timeout_submitting', 'unexpected_error_reading'])
def test_a_precheck_step_that_fails_part_way_starts_nothing_and_says_so(method, exc):
    drs, ids = all_pass()
    drs.raise_on[method] = exc
    result = run_module(module, {'jobs': ids, 'precheck': {}, 'poll_interval': 5}, drs)
    assert result['failed'] is True
    assert drs.called('batch_start') == [] and set(drs.starts.values()) == {0}
    assert [job['outcome'] for job in result['jobs']] == ['not_started'] * 3
    assert result['started_jobs'] == [] and result['failed_jobs'] == ids
    for job in result['jobs']:
        assert job['error']['error_msg'].startswith('not started: the pre-check step failed (')
    assert result['precheck']['failed'] is True and result['precheck']['msg'] == result['msg']
    assert result['fate_known'] is True                                   # not started: known
    assert_matches_return_doc(module, result)


def test_a_precheck_that_fails_holds_every_job_and_both_messages_are_kept():
    drs, ids = all_pass()
    drs.jobs[jid(3)].precheck_outcome = 'fail'
    result = run_module(module, {'jobs': ids, 'precheck': {}, 'all_or_nothing': True, 'poll_interval': 5}, drs)
    assert result['failed'] is True and drs.called('batch_start') == []
    assert [job['outcome'] for job in result['jobs']] == ['blocked', 'blocked', 'not_started']
    assert result['precheck']['failed'] is True
    assert result['precheck']['msg'].startswith('Pre-check failed for 1 of 3 job(s): job-003 (%s)' % jid(3))
    assert result['msg'].startswith('Nothing was started: 1 of 3 job(s) cannot start')


@pytest.mark.parametrize('args, message', [
    ({'prechecked': []}, 'precheck and prechecked are mutually exclusive'),
    ({'require_precheck': False}, 'precheck needs require_precheck=true'),
    ({'precheck': {'wait_timeout': 0}}, 'precheck.wait_timeout must be a positive number of seconds, got 0.'),
])
def test_contradicting_options_are_rejected_before_any_request(args, message):
    drs, ids = all_pass()
    result = run_module(module, dict({'jobs': ids, 'precheck': {}}, **args), drs)
    assert result['failed'] is True and message in result['msg']
    assert drs.built == 0 and drs.calls == []


def test_the_precheck_mode_and_options_reach_the_precheck_step():
    drs, ids = all_pass()
    result = run_module(module, {'jobs': ids, 'precheck': {'force': True, 'mode': 'forStartJob'}, 'poll_interval': 5}, drs)
    assert 'failed' not in result
    assert drs.called('batch_precheck') == [ids]                          # force: the passed one too


def test_each_wait_counts_from_when_drs_accepted_the_requests_of_this_run_only():
    drs, ids = all_pass()
    drs.jobs[jid(3)].status = 'STARTJOBING'                           # found starting: not started by this run
    result = run_module(module, {'jobs': ids, 'precheck': {}, 'poll_interval': 5}, drs)
    assert 'failed' not in result
    precheck_wait, start_wait = drs.waited_since
    assert sorted(precheck_wait) == [jid(1)]                          # the one pre-check submitted (2 passed, 3 runs)
    assert sorted(start_wait) == [jid(1), jid(2), jid(3)]
    # the two started count from when DRS accepted their start; the one found starting from before the probe
    assert start_wait[jid(1)] == drs.answered_at[jid(1)] and start_wait[jid(2)] == drs.answered_at[jid(2)]
    assert start_wait[jid(3)] >= drs.answered_at[jid(1)]


@pytest.mark.parametrize('all_or_nothing', [False, True], ids=['passed_subset', 'all_or_nothing'])
def test_a_precheck_step_whose_time_runs_out_starts_nothing_even_for_the_jobs_that_passed(all_or_nothing):
    drs, ids = all_pass()
    drs.jobs[jid(4)] = FakeJob(jid(4), status='INCRE_TRANSFER_STARTED')
    drs.starts[jid(4)] = 0
    original = drs.batch_precheck

    def submit(items, deadline=None, reconcile=None):
        replies = original(items, deadline=deadline, reconcile=reconcile)
        drs.jobs[jid(3)].precheck["ticks"] = 10 ** 6              # its pre-check never ends
        return replies

    drs.batch_precheck = submit
    result = run_module(module, {'jobs': ids + [jid(4)], 'precheck': {'wait_timeout': 12}, 'poll_interval': 5,
                                 'all_or_nothing': all_or_nothing}, drs)
    assert result['failed'] is True and drs.called('batch_start') == []
    assert result['precheck']['pending_jobs'] == [jid(3)] and result['precheck']['passed_jobs'] == [jid(1), jid(2)]
    assert [job['outcome'] for job in result['jobs']] == ['not_started', 'not_started', 'not_started', 'unchanged']
    assert result['jobs'][0]['error']['error_msg'] == (
        'not started: the pre-check step did not finish (1 pre-check(s) still running or of unknown outcome)')
    assert result['jobs'][0]['status_before'] == 'CONFIGURATION' and result['jobs'][0]['name'] == 'job-001'
    assert result['msg'].startswith('Nothing was started: the pre-check of 1 of 4 job(s) did not finish')
    assert_matches_return_doc(module, result)


def test_a_job_already_running_stays_unchanged_when_the_precheck_step_fails():
    drs, ids = all_pass()
    drs.jobs[jid(4)] = FakeJob(jid(4), status='INCRE_TRANSFER_STARTED')
    drs.starts[jid(4)] = 0
    drs.raise_on['batch_precheck'] = DrsApiError('HTTP 500 DRS.M00004: Service abnormal.', status=500)
    result = run_module(module, {'jobs': ids + [jid(4)], 'precheck': {}, 'poll_interval': 5}, drs)
    assert result['failed'] is True and drs.called('batch_start') == []
    assert [job['outcome'] for job in result['jobs']] == ['not_started', 'not_started', 'not_started', 'unchanged']


def test_the_earlier_result_shown_again_after_a_new_precheck_is_not_taken_as_its_result():
    # the last pre-check failed; the database was fixed; DRS shows the old failed result for two more reads
    drs = FakeDrs(FakeJob(jid(1), precheck='fail', precheck_outcome='pass'), FakeJob(jid(2), precheck='pass'))
    drs.stale_precheck[jid(1)] = 2
    result = run_module(module, {'jobs': [jid(1), jid(2)], 'precheck': {}, 'all_or_nothing': True, 'poll_interval': 5}, drs)
    assert 'failed' not in result
    assert drs.called('batch_precheck') == [[jid(1)]]
    assert result['precheck']['passed_jobs'] == [jid(1), jid(2)]
    assert result['started_jobs'] == [jid(1), jid(2)]
    assert len(drs.called('batch_precheck_result')) >= 4              # before, the probe and a poll saw the old one
