"""drs_batch_start against a scripted DRS client: what it starts, leaves alone, waits for and reports."""

import calendar
import time

import pytest

from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsApiError, DrsTimeoutError
from ansible_collections.cloudops.drs.plugins.modules import drs_batch_precheck
from ansible_collections.cloudops.drs.plugins.modules import drs_batch_start as module
from ansible_collections.cloudops.drs.tests.unit.plugins.modules.utils import (
    MUTATING, FakeDrs, FakeJob, assert_matches_return_doc, jid, run_module)

NO_PRECHECK = 'no passed pre-check (run cloudops.drs.drs_batch_precheck first)'


def job_result(result, job_id):
    return next(job for job in result['jobs'] if job['id'] == job_id)


def future_ms(days=30):
    return (int(time.time()) + days * 86400) * 1000


def test_start_starts_prechecked_jobs_and_waits_until_they_run():
    drs = FakeDrs(FakeJob(jid(1), precheck='pass'), FakeJob(jid(2), precheck='alarm', target='FULL_TRANSFER_COMPLETE'))
    result = run_module(module, {'jobs': [jid(1), jid(2)]}, drs)
    assert 'failed' not in result
    assert result['changed'] is True
    assert drs.called('batch_start') == [[jid(1), jid(2)]]
    assert drs.starts == {jid(1): 1, jid(2): 1}
    assert result['started_jobs'] == [jid(1), jid(2)]
    assert job_result(result, jid(1)) == {'id': jid(1), 'name': 'job-001', 'status_before': 'CONFIGURATION',
                                          'status_after': 'INCRE_TRANSFER_STARTED', 'started': True, 'scheduled_start': None,
                                          'skipped_reason': None, 'error': None, 'outcome': 'started', 'note': None}
    assert result['diff'] == {'before': {jid(1): 'CONFIGURATION', jid(2): 'CONFIGURATION'},
                              'after': {jid(1): 'INCRE_TRANSFER_STARTED', jid(2): 'FULL_TRANSFER_COMPLETE'}}
    assert_matches_return_doc(module, result)


def test_start_reads_status_and_precheck_results_before_starting():
    drs = FakeDrs(FakeJob(jid(1), precheck='pass'))
    run_module(module, {'jobs': [jid(1)]}, drs)
    assert drs.methods()[:3] == ['batch_detail', 'batch_precheck_result', 'batch_start']


def test_second_run_is_unchanged_and_sends_no_start():
    drs = FakeDrs(FakeJob(jid(1), precheck='pass'), FakeJob(jid(2), precheck='pass'))
    run_module(module, {'jobs': [jid(1), jid(2)]}, drs)
    drs.calls = []
    result = run_module(module, {'jobs': [jid(1), jid(2)]}, drs)
    assert result['changed'] is False
    assert not [name for name in drs.methods() if name in MUTATING]
    assert result['skipped_jobs'] == [jid(1), jid(2)]
    assert job_result(result, jid(1))['skipped_reason'] == 'already INCRE_TRANSFER_STARTED'
    assert result['diff']['before'] == result['diff']['after']
    assert drs.starts == {jid(1): 1, jid(2): 1}
    assert_matches_return_doc(module, result)


def test_check_mode_sends_no_start_and_predicts_the_status():
    drs = FakeDrs(FakeJob(jid(1), precheck='pass'), FakeJob(jid(2), status='FULL_TRANSFER_STARTED'))
    result = run_module(module, {'jobs': [jid(1), jid(2)]}, drs, check_mode=True)
    assert 'failed' not in result
    assert result['changed'] is True
    assert not [name for name in drs.methods() if name in MUTATING]
    assert drs.jobs[jid(1)].status == 'CONFIGURATION'
    assert result['started_jobs'] == [jid(1)]
    assert result['diff'] == {'before': {jid(1): 'CONFIGURATION', jid(2): 'FULL_TRANSFER_STARTED'},
                              'after': {jid(1): 'STARTJOBING', jid(2): 'FULL_TRANSFER_STARTED'}}
    assert_matches_return_doc(module, result)


def test_jobs_already_starting_scheduled_or_running_are_reported_unchanged():
    statuses = ['STARTJOBING', 'WAITING_FOR_START', 'FULL_TRANSFER_STARTED', 'FULL_TRANSFER_COMPLETE', 'INCRE_TRANSFER_STARTED', 'PAUSING']
    drs = FakeDrs(*[FakeJob(jid(index), status=status) for index, status in enumerate(statuses)])
    ids = [jid(index) for index in range(len(statuses))]
    result = run_module(module, {'jobs': ids}, drs)
    assert 'failed' not in result
    assert result['changed'] is False
    assert result['skipped_jobs'] == ids
    assert [job['skipped_reason'] for job in result['jobs']] == [
        'already %s' % status if status != 'WAITING_FOR_START' else 'already WAITING_FOR_START (scheduled for an unknown time)'
        for status in statuses]
    assert drs.called('batch_start') == [] and drs.called('batch_precheck_result') == []
    # the job that was starting already is followed until it runs
    assert job_result(result, jid(0))['status_after'] == 'INCRE_TRANSFER_STARTED'


def test_jobs_without_a_passed_precheck_or_in_a_failed_state_are_failures():
    drs = FakeDrs(FakeJob(jid(1)), FakeJob(jid(2), precheck='fail'), FakeJob(jid(3), precheck='running'),
                  FakeJob(jid(4), status='START_JOB_FAILED', failed_reason='The source database is unreachable.'),
                  FakeJob(jid(5), precheck='pass'))
    ids = [jid(number) for number in range(1, 6)]
    result = run_module(module, {'jobs': ids}, drs)
    assert result['failed'] is True
    assert result['failed_jobs'] == ids[:4]
    assert result['started_jobs'] == [jid(5)]
    assert drs.called('batch_start') == [[jid(5)]]
    reasons = [job_result(result, job_id)['error']['error_msg'] for job_id in ids[:4]]
    assert reasons == [NO_PRECHECK,
                       'the last pre-check failed (total passed rate 66%); fix it and pre-check again',
                       'the pre-check is still running (50%); wait for it to pass',
                       'status START_JOB_FAILED does not allow a start: The source database is unreachable.']
    assert result['msg'] == (
        'Could not start 4 of 5 job(s): %s: job-001 (%s); the last pre-check failed (total passed rate 66%%); fix it and pre-check '
        'again: job-002 (%s); the pre-check is still running (50%%); wait for it to pass: job-003 (%s); status START_JOB_FAILED '
        'does not allow a start: The source database is unreachable.: job-004 (%s).' % (NO_PRECHECK, jid(1), jid(2), jid(3), jid(4)))
    assert_matches_return_doc(module, result)


def test_failure_message_groups_jobs_with_the_same_reason():
    drs = FakeDrs(FakeJob(jid(1)), FakeJob(jid(2)))
    result = run_module(module, {'jobs': [jid(1), jid(2)]}, drs)
    assert result['msg'] == 'Could not start 2 of 2 job(s): %s: job-001 (%s), job-002 (%s).' % (NO_PRECHECK, jid(1), jid(2))


def test_require_precheck_false_starts_without_reading_precheck_results():
    drs = FakeDrs(FakeJob(jid(1)))
    result = run_module(module, {'jobs': [jid(1)], 'require_precheck': False}, drs)
    assert drs.called('batch_precheck_result') == []
    assert result['started_jobs'] == [jid(1)]


def test_scheduled_start_sends_epoch_ms_and_waits_for_waiting_for_start():
    when = future_ms()
    drs = FakeDrs(FakeJob(jid(1), precheck='pass'), FakeJob(jid(2), precheck='pass'))
    result = run_module(module, {'jobs': [jid(1), {'id': jid(2), 'start_time': when + 3600000}],
                                 'start_time': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(when // 1000))}, drs)
    assert 'failed' not in result
    assert drs.jobs[jid(1)].start_time == str(when)
    assert drs.jobs[jid(2)].start_time == str(when + 3600000)
    assert [job['status_after'] for job in result['jobs']] == ['WAITING_FOR_START', 'WAITING_FOR_START']
    assert job_result(result, jid(1))['scheduled_start'] == time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(when // 1000))
    assert_matches_return_doc(module, result)


def test_start_job_failed_after_the_start_is_a_failure_with_the_reason():
    drs = FakeDrs(FakeJob(jid(1), precheck='pass', start_outcome='fail', name='reporting'))
    result = run_module(module, {'jobs': [jid(1)]}, drs)
    assert result['failed'] is True
    assert result['changed'] is True
    assert result['started_jobs'] == [jid(1)] and result['failed_jobs'] == [jid(1)]
    assert job_result(result, jid(1))['status_after'] == 'START_JOB_FAILED'
    assert result['msg'] == ('Could not start 1 of 1 job(s): start failed: START_JOB_FAILED (The source database is unreachable.): '
                             'reporting (%s).' % jid(1))
    assert_matches_return_doc(module, result)


def test_ambiguous_start_is_reconciled_by_reading_the_status_never_sent_twice():
    drs = FakeDrs(FakeJob(jid(1), precheck='pass'), FakeJob(jid(2), precheck='pass'))
    drs.lose_start_reply.add(jid(1))
    result = run_module(module, {'jobs': [jid(1), jid(2)]}, drs)
    assert 'failed' not in result
    assert drs.starts == {jid(1): 1, jid(2): 1}
    assert drs.called('batch_start') == [[jid(1), jid(2)]]
    assert drs.calls[drs.methods().index('batch_start') + 1] == ('batch_status', [jid(1)])   # the reconcile read
    assert result['started_jobs'] == [jid(1), jid(2)]


def test_refused_start_is_a_failure_with_the_drs_error():
    drs = FakeDrs(FakeJob(jid(1), precheck='pass'))
    drs.refuse[jid(1)] = ('DRS.M00304', 'This API cannot be called in the current task status.')
    result = run_module(module, {'jobs': [jid(1)]}, drs)
    assert result['failed'] is True
    assert result['changed'] is False
    assert job_result(result, jid(1))['error'] == {'error_code': 'DRS.M00304',
                                                   'error_msg': 'This API cannot be called in the current task status.'}


def test_unknown_job_and_parent_task_are_failures():
    parent = jid(500)
    drs = FakeDrs(FakeJob(parent, role='parent', detail={'multi_write': True}))
    result = run_module(module, {'jobs': [parent, jid(9)]}, drs)
    assert result['failed'] is True
    assert result['failed_jobs'] == [parent, jid(9)]
    assert job_result(result, parent)['error']['error_msg'] == (
        'parent task of a dual-active DR pair: DRS starts only its forward and backward tasks')
    assert job_result(result, jid(9))['status_before'] is None
    assert result['diff'] == {'before': {parent: 'CONFIGURATION'}, 'after': {parent: 'CONFIGURATION'}}
    assert_matches_return_doc(module, result)


def dual_active(forward_status='CONFIGURATION', rpo_ms=None):
    parent, forward, backward = jid(500), jid(501), jid(502)
    return FakeDrs(FakeJob(parent, role='parent', detail={'multi_write': True}),
                   FakeJob(forward, role='forward', parent_id=parent, precheck='pass', status=forward_status,
                           rpo_ms=rpo_ms or [120000, 90000, 59000, 20000]),
                   FakeJob(backward, role='backward', parent_id=parent))


def test_dual_active_starts_the_backward_task_only_when_the_forward_task_is_ready():
    drs = dual_active()
    result = run_module(module, {'jobs': [jid(502), jid(501)], 'rpo_rto_max': 30}, drs)
    assert 'failed' not in result
    assert drs.called('batch_start') == [[jid(501)], [jid(502)]]
    # the backward start came after the forward task replicated with RPO and RTO under 30 s
    last_delay = [ids for name, ids in drs.calls if name == 'batch_rpo_rto']
    assert last_delay and drs.jobs[jid(501)].rpo_ms[0] < 30000
    assert result['started_jobs'] == [jid(502), jid(501)]
    assert [job['status_after'] for job in result['jobs']] == ['INCRE_TRANSFER_STARTED', 'INCRE_TRANSFER_STARTED']
    assert drs.starts[jid(502)] == 1 and drs.starts[jid(500)] == 0


def test_dual_active_backward_alone_finds_its_forward_task_in_the_job_list():
    drs = dual_active(forward_status='INCRE_TRANSFER_STARTED', rpo_ms=[1000])
    result = run_module(module, {'jobs': [jid(502)]}, drs)
    assert 'failed' not in result
    assert drs.called('batch_start') == [[jid(502)]]
    assert drs.called('batch_precheck_result') == []       # a backward task needs no pre-check


def test_dual_active_backward_fails_at_once_when_its_forward_task_is_refused():
    drs = dual_active()
    drs.refuse[jid(501)] = ('DRS.M00304', 'This API cannot be called in the current task status.')
    result = run_module(module, {'jobs': [jid(501), jid(502)], 'wait_timeout': 600}, drs)
    assert result['failed'] is True
    assert drs.called('batch_start') == [[jid(501)]]
    assert job_result(result, jid(502))['error'] == {
        'error_code': None, 'error_msg': 'backward task of a dual-active DR pair whose forward task %s could not be started' % jid(501)}
    assert result['failed_jobs'] == [jid(501), jid(502)] and result['pending_jobs'] == []
    assert drs.clock == 1000.0       # nothing was waited for
    assert_matches_return_doc(module, result)


def test_dual_active_backward_alone_fails_at_once_while_its_forward_task_is_not_started():
    drs = dual_active(forward_status='CONFIGURATION')
    result = run_module(module, {'jobs': [jid(502)], 'wait_timeout': 600}, drs)
    assert result['failed'] is True
    assert drs.called('batch_start') == []
    assert job_result(result, jid(502))['error']['error_msg'] == (
        'backward task of a dual-active DR pair whose forward task %s is CONFIGURATION: list it in jobs so that it is '
        'started first' % jid(501))
    assert drs.clock == 1000.0


def test_dual_active_without_wait_leaves_the_backward_task_pending():
    drs = dual_active(forward_status='FULL_TRANSFER_STARTED')
    result = run_module(module, {'jobs': [jid(502)], 'wait': False}, drs)
    assert 'failed' not in result
    assert result['changed'] is False
    assert result['pending_jobs'] == [jid(502)]
    assert job_result(result, jid(502))['skipped_reason'] == (
        'waiting for forward task %s (FULL_TRANSFER_STARTED) to reach INCRE_TRANSFER_STARTED with RPO and RTO under 60 s' % jid(501))
    assert drs.called('batch_start') == []
    assert_matches_return_doc(module, result)


def test_timeout_names_pending_jobs_and_their_last_status():
    drs = FakeDrs(FakeJob(jid(1), precheck='pass'), start_ticks=1000)
    result = run_module(module, {'jobs': [jid(1)], 'wait_timeout': 30, 'poll_interval': 10}, drs)
    assert result['failed'] is True
    assert result['pending_jobs'] == [jid(1)]
    assert result['msg'] == 'Timed out after 30 s waiting for 1 job(s). Still pending: job-001 (%s) (STARTJOBING).' % jid(1)
    assert result['started_jobs'] == [jid(1)]
    assert_matches_return_doc(module, result)


def test_dual_active_timeout_waiting_for_the_forward_task_fails():
    drs = dual_active(forward_status='INCRE_TRANSFER_STARTED', rpo_ms=[120000])
    result = run_module(module, {'jobs': [jid(502)], 'wait_timeout': 20, 'poll_interval': 5}, drs)
    assert result['failed'] is True
    assert result['pending_jobs'] == [jid(502)]
    assert drs.called('batch_start') == []
    reason = ('waiting for forward task %s (INCRE_TRANSFER_STARTED, RPO 120.0 s, RTO 120.0 s) to reach INCRE_TRANSFER_STARTED '
              'with RPO and RTO under 60 s' % jid(501))
    assert job_result(result, jid(502))['skipped_reason'] == reason
    assert result['msg'] == 'Timed out after 20 s waiting for 1 job(s). Still pending: job-502 (%s) (%s).' % (jid(502), reason)
    assert_matches_return_doc(module, result)


def test_start_time_true_is_rejected_with_the_value_given():
    drs = FakeDrs(FakeJob(jid(1)))
    result = run_module(module, {'jobs': [jid(1)], 'start_time': True}, drs)
    assert result['msg'] == ('start_time: True is neither an ISO 8601 date and time (for example 2030-01-31T22:00:00Z) '
                             'nor epoch milliseconds.')
    assert drs.calls == []


def test_scheduled_start_time_in_the_past_per_job_is_rejected_before_any_request():
    drs = FakeDrs(FakeJob(jid(1)))
    past = calendar.timegm((2020, 5, 1, 0, 0, 0)) * 1000
    result = run_module(module, {'jobs': [{'id': jid(1), 'start_time': past}]}, drs)
    assert result['failed'] is True
    assert result['msg'].startswith('jobs[0].start_time 2020-05-01T00:00:00Z is in the past (now is ')
    assert drs.calls == []


def test_api_error_during_the_start_fails_with_the_error_details_and_the_documented_keys():
    drs = FakeDrs(FakeJob(jid(1), precheck='pass'))
    drs.raise_on['batch_start'] = DrsApiError(
        'POST batch-starting failed: HTTP 403 DRS.M00102 Insufficient permissions.', status=403, error_code='DRS.M00102',
        error_msg='Insufficient permissions.', request_id='0' * 32, method='POST', url='https://drs.example.test/v3/p/jobs/batch-starting')
    result = run_module(module, {'jobs': [jid(1)]}, drs)
    assert result['failed'] is True
    assert result['msg'] == 'POST batch-starting failed: HTTP 403 DRS.M00102 Insufficient permissions.'
    assert result['error']['error_code'] == 'DRS.M00102' and result['error']['status'] == 403
    assert result['diff'] == {'before': {jid(1): 'CONFIGURATION'}, 'after': {jid(1): 'CONFIGURATION'}}
    assert result['started_jobs'] == [] and result['changed'] is False
    assert_matches_return_doc(module, result)


def test_client_timeout_while_waiting_names_the_pending_jobs_by_name_and_id_with_the_documented_keys():
    drs = FakeDrs(FakeJob(jid(1), precheck='pass'))
    drs.raise_on['batch_status'] = DrsTimeoutError(
        'The deadline passed while retrying POST batch-status.', pending=[jid(1)], last_seen={jid(1): {'id': jid(1), 'status': 'STARTJOBING'}})
    result = run_module(module, {'jobs': [jid(1)]}, drs)
    assert result['failed'] is True
    assert result['msg'] == 'The deadline passed while retrying POST batch-status. Still pending: job-001 (%s) (STARTJOBING).' % jid(1)
    assert result['pending_jobs'] == [jid(1)] and result['started_jobs'] == [jid(1)] and result['changed'] is True
    assert job_result(result, jid(1))['status_after'] == 'STARTJOBING'
    assert_matches_return_doc(module, result)


# -- prechecked: what drs_batch_precheck returned is not read again ------------------------------------------------

def precheck_record(job_id, status='CONFIGURATION', passed=True, dr_pair=None, error=None, name=None, outcome=None):
    """One element of the jobs that drs_batch_precheck returns (the keys drs_batch_start looks at, and a few more);
    the outcome follows from ``passed`` and ``error`` as the pre-check module decides it, unless given."""
    if outcome is None:
        outcome = 'error' if error else {True: 'passed', False: 'failed', None: 'unknown'}[passed]
    return {'id': job_id, 'name': name or 'job-%s' % job_id[-3:], 'status': status, 'submitted': True, 'passed': passed,
            'process': '100%', 'total_passed_rate': '100%' if passed else '50%', 'failed_items': [], 'alarm_items': [],
            'skipped_reason': None, 'error': error, 'dr_pair': dr_pair, 'outcome': outcome}


def test_prechecked_jobs_are_started_without_reading_them_again():
    drs = FakeDrs(FakeJob(jid(1), precheck='pass'), FakeJob(jid(2), precheck='pass'))
    records = [precheck_record(jid(1)), precheck_record(jid(2))]
    result = run_module(module, {'jobs': [jid(1), jid(2)], 'prechecked': records}, drs)
    assert 'failed' not in result
    assert drs.methods()[:1] == ['batch_start']
    assert set(drs.methods()[1:]) == {'batch_status'}          # polled until they run, nothing else
    assert result['started_jobs'] == [jid(1), jid(2)]
    assert job_result(result, jid(1))['name'] == 'job-001'
    assert result['diff']['before'] == {jid(1): 'CONFIGURATION', jid(2): 'CONFIGURATION'}
    assert_matches_return_doc(module, result)


def test_prechecked_failed_or_refused_precheck_is_not_started():
    drs = FakeDrs(FakeJob(jid(1), precheck='fail'), FakeJob(jid(2)))
    refused = {'error_code': 'DRS.M00304', 'error_msg': 'This API cannot be called in the current task status.'}
    records = [precheck_record(jid(1), passed=False), precheck_record(jid(2), passed=False, error=refused)]
    result = run_module(module, {'jobs': [jid(1), jid(2)], 'prechecked': records}, drs)
    assert result['failed'] is True
    assert drs.called('batch_start') == [] and drs.called('batch_precheck_result') == []
    assert job_result(result, jid(1))['error']['error_msg'] == (
        'the last pre-check failed (total passed rate 50%); fix it and pre-check again')
    assert job_result(result, jid(2))['error']['error_msg'] == (
        'the pre-check could not run (This API cannot be called in the current task status.); fix it and pre-check again')


def test_prechecked_decides_the_gate_and_a_job_without_a_positive_pass_is_not_started_nor_read():
    drs = FakeDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED', precheck='pass'), FakeJob(jid(2), precheck='pass'),
                  FakeJob(jid(3), precheck='pass'), FakeJob(jid(4), precheck='pass'))
    records = [precheck_record(jid(1), status='INCRE_TRANSFER_STARTED', passed=None, outcome='skipped'),
               precheck_record(jid(2), passed=None),          # its result was not known to the pre-check run
               precheck_record(jid(4)),
               precheck_record(jid(9))]                       # not in jobs: ignored
    result = run_module(module, {'jobs': [jid(1), jid(2), jid(3), jid(4)], 'prechecked': records}, drs)
    assert result['failed'] is True
    assert drs.called('batch_precheck_result') == []            # DRS may say passed: the records decide, unknown is not passed
    assert drs.called('batch_detail') == [[jid(3)]]
    assert drs.called('batch_start') == [[jid(4)]]
    assert [job['outcome'] for job in result['jobs']] == ['unchanged', 'not_started', 'not_started', 'started']
    assert job_result(result, jid(1))['skipped_reason'] == 'already INCRE_TRANSFER_STARTED'
    assert job_result(result, jid(2))['error']['error_msg'] == (
        'the result of the pre-check is not known (the pre-check step did not finish); pre-check again')
    assert job_result(result, jid(3))['error']['error_msg'] == 'no pre-check result from this run (the job is not in prechecked)'
    assert result['fate_known'] is True
    assert_matches_return_doc(module, result)


def test_prechecked_job_started_meanwhile_by_someone_else_is_unchanged_not_started_twice():
    drs = FakeDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED', precheck='pass'), FakeJob(jid(2), precheck='pass'))
    records = [precheck_record(jid(1)), precheck_record(jid(2))]   # both read as CONFIGURATION by the pre-check
    result = run_module(module, {'jobs': [jid(1), jid(2)], 'prechecked': records}, drs)
    assert 'failed' not in result
    assert drs.called('batch_start') == [[jid(1), jid(2)]]
    assert drs.starts == {jid(1): 0, jid(2): 1}
    assert drs.called('batch_status')[0] == [jid(1)]              # DRS refused jid(1): read to see why
    assert job_result(result, jid(1)) == {'id': jid(1), 'name': 'job-001', 'status_before': 'INCRE_TRANSFER_STARTED',
                                          'status_after': 'INCRE_TRANSFER_STARTED', 'started': False, 'scheduled_start': None,
                                          'skipped_reason': 'already INCRE_TRANSFER_STARTED', 'error': None, 'outcome': 'unchanged',
                                          'note': None}
    assert result['started_jobs'] == [jid(2)] and result['skipped_jobs'] == [jid(1)]


def test_prechecked_dual_active_pair_starts_forward_then_backward_without_reading_details():
    drs = dual_active()
    parent, forward, backward = jid(500), jid(501), jid(502)
    pair = {'parent_id': parent, 'forward_id': forward, 'forward_status': 'CONFIGURATION'}
    records = [precheck_record(forward, dr_pair=dict(pair, role='forward')),
               precheck_record(backward, dr_pair=dict(pair, role='backward'))]
    result = run_module(module, {'jobs': [backward, forward], 'rpo_rto_max': 30, 'prechecked': records}, drs)
    assert 'failed' not in result
    assert drs.called('batch_detail') == [] and drs.called('list_jobs') == [] and drs.called('batch_precheck_result') == []
    assert drs.called('batch_start') == [[forward], [backward]]
    assert drs.starts[parent] == 0


def test_prechecked_is_checked_before_any_request():
    drs = FakeDrs(FakeJob(jid(1), precheck='pass'))
    result = run_module(module, {'jobs': [jid(1)], 'prechecked': [
        {'id': 'not-a-job'}, {'id': jid(1), 'passed': 'yes'}, {'id': jid(2), 'dr_pair': {'role': 'sideways'}},
        {'id': jid(3), 'status': 7}]}, drs)
    assert result['failed'] is True
    assert result['msg'] == (
        "prechecked[0].id: 'not-a-job' is not a DRS job id. prechecked[1].passed: expected true, false or null, got 'yes'. "
        "prechecked[2].dr_pair: expected null or a dict whose role is one of parent, forward, backward. "
        "prechecked[3].status: expected a job status string or null, got int.")
    assert drs.calls == [] and drs.built == 0


def test_prechecked_check_mode_sends_nothing_and_reads_nothing():
    drs = FakeDrs(FakeJob(jid(1), precheck='pass'))
    result = run_module(module, {'jobs': [jid(1)], 'prechecked': [precheck_record(jid(1))]}, drs, check_mode=True)
    assert result['changed'] is True
    assert drs.methods() == []
    assert job_result(result, jid(1))['status_after'] == 'STARTJOBING'


def test_prechecked_job_found_starting_after_a_refusal_is_waited_for_and_its_failure_reported():
    drs = FakeDrs(FakeJob(jid(1), status='STARTJOBING', start_outcome='fail'), FakeJob(jid(2), precheck='pass'))
    drs.jobs[jid(1)].start_ticks = 1
    result = run_module(module, {'jobs': [jid(1), jid(2)], 'prechecked': [precheck_record(jid(1)), precheck_record(jid(2))]}, drs)
    assert result['failed'] is True
    assert drs.starts == {jid(1): 0, jid(2): 1}
    assert job_result(result, jid(1))['error'] == {
        'error_code': None, 'error_msg': 'start failed: START_JOB_FAILED (The source database is unreachable.)'}
    assert result['started_jobs'] == [jid(2)]


def test_prechecked_start_with_an_unknown_outcome_stays_a_failure_not_unchanged():
    drs = FakeDrs(FakeJob(jid(1), precheck='pass'))
    drs.lose_start_reply.add(jid(1))

    def reconcile_fails(ids):
        raise DrsApiError('reconcile failed', status=503)

    original = drs.batch_start
    drs.batch_start = lambda items, deadline=None, reconcile=None: original(items, deadline, reconcile_fails_safe)

    def reconcile_fails_safe(ids):
        try:
            return reconcile_fails(ids)
        except DrsApiError:
            return set()
    result = run_module(module, {'jobs': [jid(1)], 'prechecked': [precheck_record(jid(1))]}, drs)
    assert result['failed'] is True
    assert drs.starts == {jid(1): 1}
    assert job_result(result, jid(1))['error']['error_msg'].startswith('outcome unknown')
    assert job_result(result, jid(1))['skipped_reason'] is None
    assert drs.called('batch_status') == []            # no re-read that would turn it into "already STARTJOBING"


def test_prechecked_refusal_stands_and_changed_is_kept_when_the_re_read_fails():
    drs = FakeDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED', precheck='pass'), FakeJob(jid(2), precheck='pass'))
    drs.raise_on['batch_status'] = DrsApiError('Service Unavailable', status=503)
    result = run_module(module, {'jobs': [jid(1), jid(2)], 'prechecked': [precheck_record(jid(1)), precheck_record(jid(2))],
                                 'wait': False}, drs)
    assert result['failed'] is True
    assert result['changed'] is True and result['started_jobs'] == [jid(2)]
    assert job_result(result, jid(1))['error']['error_code'] == 'DRS.M00304'


def test_prechecked_backward_alone_uses_the_forward_task_of_its_pair_only_after_reading_it():
    drs = dual_active(forward_status='INCRE_TRANSFER_STARTED', rpo_ms=[1000])
    parent, forward, backward = jid(500), jid(501), jid(502)
    # the pre-check saw the forward task in CONFIGURATION; it was started since: the backward task is read again
    record = precheck_record(backward, dr_pair={'role': 'backward', 'parent_id': parent, 'forward_id': forward,
                                                'forward_status': 'CONFIGURATION'})
    result = run_module(module, {'jobs': [backward], 'prechecked': [record]}, drs)
    assert 'failed' not in result
    assert drs.called('batch_detail')[0] == [backward]
    assert drs.called('batch_start') == [[backward]]


def test_prechecked_job_in_a_failed_state_is_read_again_for_the_reason():
    drs = FakeDrs(FakeJob(jid(1), status='START_JOB_FAILED', failed_reason='The source database is unreachable.'))
    result = run_module(module, {'jobs': [jid(1)], 'prechecked': [precheck_record(jid(1), status='START_JOB_FAILED', passed=None)]},
                        drs)
    assert result['failed'] is True
    assert drs.called('batch_detail') == [[jid(1)]]
    assert job_result(result, jid(1))['error']['error_msg'] == (
        'status START_JOB_FAILED does not allow a start: The source database is unreachable.')


def test_prechecked_records_are_checked_for_types_duplicates_and_pairs():
    drs = FakeDrs(FakeJob(jid(1), precheck='pass'))
    result = run_module(module, {'jobs': [jid(1)], 'prechecked': [
        precheck_record(jid(1)), precheck_record(jid(1)),
        {'id': jid(2), 'status': 'CONFIGURATION', 'dr_pair': {'role': 'backward', 'parent_id': None}},
        {'id': jid(3), 'status': 'CONFIGURATION', 'dr_pair': {'role': 'parent', 'parent_id': jid(4)}},
        {'id': jid(5), 'status': 'CONFIGURATION', 'dr_pair': {'role': 'forward', 'parent_id': jid(4), 'forward_id': 'x'}},
        {'id': jid(6), 'status': 'CONFIGURATION', 'dr_pair': {'role': 'forward', 'parent_id': jid(4), 'forward_status': 1}}]}, drs)
    assert result['failed'] is True
    assert result['msg'] == (
        'prechecked: %s is listed more than once. '
        'prechecked[2].dr_pair.parent_id: a backward task needs the parent_id of its pair. '
        'prechecked[3].dr_pair.parent_id: a parent task has no parent_id. '
        "prechecked[4].dr_pair.forward_id: 'x' is not a DRS job id. "
        'prechecked[5].dr_pair.forward_status: expected a job status string or null.' % jid(1))
    assert drs.calls == [] and drs.built == 0


def run_precheck_then_start(drs, ids, precheck_args=None, start_args=None, check_mode=False):
    """What the role does: drs_batch_precheck, then drs_batch_start with its jobs as prechecked."""
    precheck = run_module(drs_batch_precheck, dict({'jobs': ids}, **(precheck_args or {})), drs, check_mode=check_mode)
    drs.calls = []
    start = run_module(module, dict({'jobs': ids, 'prechecked': precheck['jobs']}, **(start_args or {})), drs,
                       check_mode=check_mode)
    return precheck, start


def test_precheck_output_fed_to_start_covers_every_precheck_outcome():
    drs = FakeDrs(FakeJob(jid(1)),                                        # pre-checked now, passes
                  FakeJob(jid(2), precheck='pass'),                       # passed before: skipped by the pre-check
                  FakeJob(jid(3), precheck_outcome='fail'),               # fails
                  FakeJob(jid(4), status='INCRE_TRANSFER_STARTED'),       # runs already
                  FakeJob(jid(5), status='START_JOB_FAILED', failed_reason='The source database is unreachable.'))
    drs.refuse[jid(6)] = ('DRS.M00304', 'This API cannot be called in the current task status.')
    drs.jobs[jid(6)] = FakeJob(jid(6))                                    # DRS refuses its pre-check
    drs.starts[jid(6)] = 0
    ids = [jid(n) for n in range(1, 8)]                                   # jid(7) does not exist
    precheck, start = run_precheck_then_start(drs, ids, precheck_args={'poll_interval': 5})
    assert precheck['failed'] is True
    assert drs.called('batch_detail') == [[jid(5), jid(7)]]               # failed state (for the reason), not found
    assert drs.called('batch_precheck_result') == []
    assert drs.called('batch_start') == [[jid(1), jid(2)]]
    assert drs.starts[jid(1)] == drs.starts[jid(2)] == 1 and drs.starts[jid(3)] == 0 and drs.starts[jid(6)] == 0
    errors = dict((job['id'], (job['error'] or {}).get('error_msg')) for job in start['jobs'])
    assert errors[jid(3)] == 'the last pre-check failed (total passed rate 66%); fix it and pre-check again'
    assert errors[jid(5)] == 'status START_JOB_FAILED does not allow a start: The source database is unreachable.'
    assert errors[jid(6)] == ('the pre-check could not run (This API cannot be called in the current task status.); '
                              'fix it and pre-check again')
    assert errors[jid(7)] == 'DRS job %s was not found in this project.' % jid(7)
    assert job_result(start, jid(4))['skipped_reason'] == 'already INCRE_TRANSFER_STARTED'
    assert_matches_return_doc(module, start)


def test_precheck_output_fed_to_start_for_a_dual_active_pair_starts_forward_then_backward():
    drs = dual_active()
    drs.jobs[jid(501)].precheck = None                                    # both tasks are pre-checked now
    precheck, start = run_precheck_then_start(drs, [jid(501), jid(502)], start_args={'rpo_rto_max': 30})
    assert 'failed' not in precheck and 'failed' not in start
    assert job_result(precheck, jid(502))['dr_pair']['forward_id'] == jid(501)
    assert job_result(precheck, jid(501))['dr_pair'] == {'role': 'forward', 'parent_id': jid(500), 'forward_id': jid(501),
                                                         'forward_status': 'CONFIGURATION'}
    assert drs.called('batch_detail') == [] and drs.called('list_jobs') == []
    assert drs.called('batch_start') == [[jid(501)], [jid(502)]]


def test_precheck_output_fed_to_start_in_check_mode_sends_nothing_mutating():
    drs = FakeDrs(FakeJob(jid(1)), FakeJob(jid(2), precheck='pass'))
    precheck, start = run_precheck_then_start(drs, [jid(1), jid(2)], start_args={'require_precheck': False}, check_mode=True)
    assert not [name for name in drs.methods() if name in MUTATING]
    assert start['changed'] is True and sorted(start['started_jobs']) == [jid(1), jid(2)]
    assert drs.starts == {jid(1): 0, jid(2): 0}


# -- the start gate ------------------------------------------------------------------------------------------------

def test_all_or_nothing_with_a_failed_precheck_record_sends_no_request_and_holds_every_job():
    drs = FakeDrs(FakeJob(jid(1), precheck='pass'), FakeJob(jid(2), precheck='fail'), FakeJob(jid(3), status='INCRE_TRANSFER_STARTED'))
    records = [precheck_record(jid(1)), precheck_record(jid(2), passed=False),
               precheck_record(jid(3), status='INCRE_TRANSFER_STARTED', passed=None, outcome='skipped')]
    result = run_module(module, {'jobs': [jid(1), jid(2), jid(3)], 'prechecked': records, 'all_or_nothing': True}, drs)
    assert result['failed'] is True and result['changed'] is False
    assert drs.calls == [] and drs.built == 1
    assert [job['outcome'] for job in result['jobs']] == ['blocked', 'not_started', 'unchanged']
    assert result['blocked_jobs'] == [jid(1)] and result['failed_jobs'] == [jid(2)] and result['skipped_jobs'] == [jid(3)]
    assert job_result(result, jid(1))['skipped_reason'] == (
        'not started: 1 other job(s) of this run cannot start, and all_or_nothing holds back every job')
    assert result['msg'] == (
        'Nothing was started: 1 of 3 job(s) cannot start, and all_or_nothing holds back every job. Could not start 1 of 3 '
        'job(s): the last pre-check failed (total passed rate 50%%); fix it and pre-check again: job-002 (%s).' % jid(2))
    assert_matches_return_doc(module, result)


@pytest.mark.parametrize('record', [
    {'passed': None},                                        # the pre-check module failed half-way: outcome unknown
    {'passed': None, 'outcome': 'pending'},
    {'passed': None, 'outcome': 'skipped'},
    {'status': None, 'passed': False, 'error': {'error_code': None, 'error_msg': 'not found'}},
    {'status': 'START_JOB_FAILED', 'passed': None, 'outcome': 'skipped'},
], ids=['unknown', 'pending', 'skipped', 'not_found', 'failed_state'])
def test_all_or_nothing_holds_every_job_when_any_record_is_not_a_positive_pass(record):
    drs = FakeDrs(FakeJob(jid(1), precheck='pass'), FakeJob(jid(2), precheck='pass'))
    records = [precheck_record(jid(1)), precheck_record(jid(2), **record)]
    result = run_module(module, {'jobs': [jid(1), jid(2)], 'prechecked': records, 'all_or_nothing': True}, drs)
    assert result['failed'] is True
    assert drs.calls == [] and drs.starts == {jid(1): 0, jid(2): 0}
    assert job_result(result, jid(1))['outcome'] == 'blocked'
    assert job_result(result, jid(2))['outcome'] in ('not_started', 'failed')


def test_all_or_nothing_holds_a_job_missing_from_the_records():
    drs = FakeDrs(FakeJob(jid(1), precheck='pass'), FakeJob(jid(2), precheck='pass'))
    result = run_module(module, {'jobs': [jid(1), jid(2)], 'prechecked': [precheck_record(jid(1))], 'all_or_nothing': True}, drs)
    assert result['failed'] is True and drs.calls == []
    assert [job['outcome'] for job in result['jobs']] == ['blocked', 'not_started']


def test_all_or_nothing_without_records_reads_the_results_and_starts_nothing_when_one_failed():
    drs = FakeDrs(FakeJob(jid(1), precheck='pass'), FakeJob(jid(2), precheck='fail'))
    result = run_module(module, {'jobs': [jid(1), jid(2)], 'all_or_nothing': True}, drs)
    assert result['failed'] is True
    assert drs.called('batch_start') == [] and drs.starts == {jid(1): 0, jid(2): 0}
    assert [job['outcome'] for job in result['jobs']] == ['blocked', 'not_started']


def test_alarm_is_failure_keeps_a_job_with_alarm_items_from_starting_when_the_results_are_read():
    drs = FakeDrs(FakeJob(jid(1), precheck='alarm'))
    result = run_module(module, {'jobs': [jid(1)], 'alarm_is_failure': True}, drs)
    assert result['failed'] is True and drs.called('batch_start') == []
    assert job_result(result, jid(1))['outcome'] == 'not_started'
    assert run_module(module, {'jobs': [jid(1)]}, drs)['started_jobs'] == [jid(1)]


def test_passed_subset_holds_back_the_other_task_of_a_dual_active_pair_whose_one_task_cannot_start():
    drs = dual_active()
    drs.jobs[jid(7)] = FakeJob(jid(7), precheck='pass')
    drs.starts[jid(7)] = 0
    parent, forward, backward = jid(500), jid(501), jid(502)
    pair = {'parent_id': parent, 'forward_id': forward, 'forward_status': 'CONFIGURATION'}
    records = [precheck_record(forward, dr_pair=dict(pair, role='forward'), passed=False),
               precheck_record(backward, dr_pair=dict(pair, role='backward')), precheck_record(jid(7))]
    result = run_module(module, {'jobs': [forward, backward, jid(7)], 'prechecked': records}, drs)
    assert result['failed'] is True
    assert drs.called('batch_start') == [[jid(7)]]
    assert [job['outcome'] for job in result['jobs']] == ['not_started', 'blocked', 'started']
    assert job_result(result, backward)['skipped_reason'] == (
        'not started: the other task of its dual-active DR pair, job-501 (%s), cannot start' % forward)
    assert 'Held back 1 job(s): job-502 (%s): not started: the other task' % backward in result['msg']


def test_check_mode_predicts_a_start_that_depends_on_a_precheck_that_would_run_and_keeps_the_dual_active_order():
    drs = dual_active()
    drs.jobs[jid(7)] = FakeJob(jid(7))
    parent, forward, backward = jid(500), jid(501), jid(502)
    pair = {'parent_id': parent, 'forward_id': forward, 'forward_status': 'CONFIGURATION'}
    records = [precheck_record(forward, dr_pair=dict(pair, role='forward')),
               precheck_record(backward, dr_pair=dict(pair, role='backward')),
               precheck_record(jid(7), passed=None, outcome='would_precheck')]
    result = run_module(module, {'jobs': [forward, backward, jid(7)], 'prechecked': records, 'all_or_nothing': True,
                                 'rpo_rto_max': 30}, drs, check_mode=True)
    assert 'failed' not in result
    assert drs.calls == []
    assert [job['outcome'] for job in result['jobs']] == ['would_start', 'would_start', 'depends_on_precheck']
    assert job_result(result, jid(7))['status_after'] == 'CONFIGURATION'
    assert job_result(result, backward)['note'] == (
        'would start only if every pre-check that would run now passes (all_or_nothing); would start after its forward task '
        'job-501 (%s) reaches INCRE_TRANSFER_STARTED with RPO and RTO under 30 s' % forward)
    assert job_result(result, forward)['note'] == 'would start only if every pre-check that would run now passes (all_or_nothing)'
    assert_matches_return_doc(module, result)


def test_a_failure_while_waiting_leaves_started_jobs_unknown_not_started():
    drs = FakeDrs(FakeJob(jid(1), precheck='pass'), FakeJob(jid(2), status='CREATE_FAILED'))
    drs.raise_on['batch_status'] = DrsApiError('HTTP 500 DRS.M00004: Service abnormal.', status=500)
    result = run_module(module, {'jobs': [jid(1), jid(2)]}, drs)
    assert result['failed'] is True
    assert result['fate_known'] is False
    assert result['started_jobs'] == [jid(1)]
    assert job_result(result, jid(1))['outcome'] == 'unknown'
    assert job_result(result, jid(1))['error']['error_msg'] == (
        'not decided: the run stopped early (HTTP 500 DRS.M00004: Service abnormal.)')
    assert job_result(result, jid(2))['outcome'] == 'failed'
    assert result['error']['status'] == 500
    assert_matches_return_doc(module, result)


def test_an_unexpected_exception_keeps_every_per_job_result():
    drs = FakeDrs(FakeJob(jid(1), precheck='pass'))
    drs.raise_on['batch_start'] = AttributeError("'str' object has no attribute 'get'")
    result = run_module(module, {'jobs': [jid(1)]}, drs)
    assert result['failed'] is True
    assert result['msg'] == "Unexpected error (AttributeError): 'str' object has no attribute 'get'"
    assert [job['outcome'] for job in result['jobs']] == ['unknown'] and result['fate_known'] is False
    assert drs.starts == {jid(1): 0}


def test_check_mode_predicts_a_failure_without_failing_and_says_why():
    drs = FakeDrs(FakeJob(jid(1), precheck='pass'), FakeJob(jid(2), status='START_JOB_FAILED', failed_reason='source unreachable'))
    result = run_module(module, {'jobs': [jid(1), jid(2)], 'all_or_nothing': True}, drs, check_mode=True)
    assert 'failed' not in result
    assert [job['outcome'] for job in result['jobs']] == ['blocked', 'failed']
    assert result['msg'].startswith('Nothing was started: 1 of 2 job(s) cannot start')
    assert not [name for name in drs.methods() if name in MUTATING]


def test_check_mode_still_fails_when_a_request_fails():
    drs = FakeDrs(FakeJob(jid(1), precheck='pass'))
    drs.raise_on['batch_detail'] = DrsApiError('HTTP 500 DRS.M00004: Service abnormal.', status=500)
    result = run_module(module, {'jobs': [jid(1)]}, drs, check_mode=True)
    assert result['failed'] is True and result['fate_known'] is False


SCHEDULED_MS = 1896127200000          # 2030-01-31T22:00:00Z


def test_a_scheduled_job_shows_its_start_time_and_the_same_start_time_leaves_it_unchanged():
    job = FakeJob(jid(1), status='WAITING_FOR_START')
    job.start_time = SCHEDULED_MS
    drs = FakeDrs(job)
    result = run_module(module, {'jobs': [jid(1)], 'start_time': '2030-01-31T22:00:00Z'}, drs)
    assert 'failed' not in result and result['changed'] is False
    assert job_result(result, jid(1))['outcome'] == 'unchanged'
    assert job_result(result, jid(1))['scheduled_start'] == '2030-01-31T22:00:00Z'
    assert job_result(result, jid(1))['skipped_reason'] == 'already WAITING_FOR_START (scheduled for 2030-01-31T22:00:00Z)'
    assert drs.called('batch_start') == []
    assert_matches_return_doc(module, result)


def test_another_start_time_for_a_scheduled_job_fails_it_naming_both_times():
    job = FakeJob(jid(1), status='WAITING_FOR_START')
    job.start_time = SCHEDULED_MS
    drs = FakeDrs(job, FakeJob(jid(2), precheck='pass'))
    result = run_module(module, {'jobs': [jid(1), jid(2)], 'start_time': '2030-02-01T06:00:00Z', 'wait': False}, drs)
    assert result['failed'] is True
    assert job_result(result, jid(1))['outcome'] == 'failed'
    assert ('already WAITING_FOR_START, scheduled for 2030-01-31T22:00:00Z; the requested start_time 2030-02-01T06:00:00Z '
            'was not applied') in job_result(result, jid(1))['error']['error_msg']
    assert 'scheduled for 2030-01-31T22:00:00Z' in result['msg'] and '2030-02-01T06:00:00Z' in result['msg']
    assert job_result(result, jid(2))['outcome'] == 'scheduled'
    assert drs.called('batch_start') == [[jid(2)]]
    assert drs.jobs[jid(1)].start_time == SCHEDULED_MS


def test_all_or_nothing_says_a_job_the_pre_check_never_read_is_unknown_not_missing():
    drs = FakeDrs(FakeJob(jid(1), precheck='pass'))
    record = precheck_record(jid(1), status=None, passed=None)    # the pre-check step failed before it read the job
    result = run_module(module, {'jobs': [jid(1)], 'prechecked': [record], 'all_or_nothing': True}, drs)
    assert drs.calls == []
    assert job_result(result, jid(1))['outcome'] == 'not_started'
    assert job_result(result, jid(1))['error']['error_msg'] == (
        'the result of the pre-check is not known (the pre-check step did not finish); pre-check again')


def test_a_status_item_without_status_while_waiting_is_not_taken_as_final():
    drs = FakeDrs(FakeJob(jid(1), precheck='pass'))
    read = drs.batch_status
    calls = []

    def status_without_status_at_first(ids, deadline=None):
        calls.append(ids)
        items, not_found = read(ids, deadline=deadline)
        if len(calls) <= 2:          # the first polls after the start: no status in the item
            items = dict((job_id, dict((key, value) for key, value in item.items() if key != 'status'))
                         for job_id, item in items.items())
        return items, not_found
    drs.batch_status = status_without_status_at_first
    result = run_module(module, {'jobs': [jid(1)]}, drs)
    assert 'failed' not in result
    assert job_result(result, jid(1))['outcome'] == 'started'
    assert job_result(result, jid(1))['status_after'] == 'INCRE_TRANSFER_STARTED'
    assert len(calls) >= 3


def test_a_detail_without_status_is_not_started_and_says_why():
    drs = FakeDrs(FakeJob(jid(1), precheck='pass', detail={'status': None}))
    result = run_module(module, {'jobs': [jid(1)]}, drs)
    assert result['failed'] is True
    assert job_result(result, jid(1))['outcome'] == 'failed'
    assert job_result(result, jid(1))['error']['error_msg'] == 'DRS reported no status for this job: not started'
    assert drs.starts == {jid(1): 0}


def test_the_gate_reads_an_integer_process_of_100_as_a_finished_precheck():
    drs = FakeDrs(FakeJob(jid(1), precheck='pass'))
    read = drs.batch_precheck_result
    drs.batch_precheck_result = lambda ids, deadline=None: (
        dict((job_id, dict(item, process=100)) for job_id, item in read(ids, deadline)[0].items()), [])
    result = run_module(module, {'jobs': [jid(1)]}, drs)
    assert 'failed' not in result
    assert job_result(result, jid(1))['outcome'] == 'started'


# -- review findings -------------------------------------------------------------------------------------------------

def test_a_check_mode_pre_check_record_never_opens_the_gate_of_a_real_run():
    drs = FakeDrs(FakeJob(jid(1)))       # DRS has no pre-check of this job at all
    record = precheck_record(jid(1), passed=None, outcome='would_precheck')
    for all_or_nothing in (True, False):
        result = run_module(module, {'jobs': [jid(1)], 'prechecked': [record], 'all_or_nothing': all_or_nothing}, drs)
        assert result['failed'] is True
        assert job_result(result, jid(1))['outcome'] == 'not_started'
        assert job_result(result, jid(1))['error']['error_msg'] == (
            'its pre-check ran in check mode only, so there is no result; pre-check again')
    assert drs.starts == {jid(1): 0} and drs.called('batch_start') == []


def test_alarm_is_failure_on_the_start_closes_the_gate_for_a_record_that_passed_with_alarm_items():
    drs = FakeDrs(FakeJob(jid(1), precheck='alarm'))
    alarm = {'item': 'srcDbBinlogExpireLogsDays', 'group': 'db_params', 'reason': 'BINLOG_EXPIRE_TOO_SHORT', 'raw_message': ''}
    record = dict(precheck_record(jid(1)), alarm_items=[alarm])
    result = run_module(module, {'jobs': [jid(1)], 'prechecked': [record], 'alarm_is_failure': True}, drs)
    assert result['failed'] is True and drs.called('batch_start') == []
    assert job_result(result, jid(1))['error']['error_msg'] == 'its pre-check raised ALARM items and alarm_is_failure is set'
    assert run_module(module, {'jobs': [jid(1)], 'prechecked': [record]}, drs)['started_jobs'] == [jid(1)]


def test_a_job_found_starting_whose_wait_then_fails_is_unknown_not_unchanged():
    drs = FakeDrs(FakeJob(jid(1), status='STARTJOBING'))
    drs.raise_on['batch_status'] = DrsApiError('HTTP 500 DRS.M00004: Service abnormal.', status=500)
    result = run_module(module, {'jobs': [jid(1)]}, drs)
    assert result['failed'] is True and result['fate_known'] is False
    assert job_result(result, jid(1))['outcome'] == 'unknown'


def test_a_start_that_failed_stays_failed_when_reading_its_reason_fails():
    drs = FakeDrs(FakeJob(jid(1), precheck='pass', start_outcome='fail'))
    original = drs.batch_detail

    def detail_fails_after_the_first_read(ids, deadline=None, keep=None):
        if drs.called('batch_detail'):
            raise DrsApiError('HTTP 500 DRS.M00004: Service abnormal.', status=500)
        return original(ids, deadline=deadline, keep=keep)
    drs.batch_detail = detail_fails_after_the_first_read
    result = run_module(module, {'jobs': [jid(1)]}, drs)
    assert result['failed'] is True
    assert job_result(result, jid(1))['outcome'] == 'failed'
    assert job_result(result, jid(1))['error']['error_msg'] == 'start failed: START_JOB_FAILED'


def test_all_or_nothing_does_not_call_a_scheduled_job_unchanged_when_another_start_time_may_be_asked_for():
    drs = FakeDrs(FakeJob(jid(1), status='WAITING_FOR_START'), FakeJob(jid(2), precheck='fail'))
    records = [precheck_record(jid(1), status='WAITING_FOR_START', passed=None, outcome='skipped'),
               precheck_record(jid(2), passed=False)]
    result = run_module(module, {'jobs': [{'id': jid(1), 'start_time': '2030-02-01T06:00:00Z'}, jid(2)], 'prechecked': records,
                                 'all_or_nothing': True}, drs)
    assert result['failed'] is True and drs.calls == []
    assert job_result(result, jid(1))['outcome'] == 'blocked'
    assert 'was not compared with the requested start_time' in job_result(result, jid(1))['skipped_reason']
