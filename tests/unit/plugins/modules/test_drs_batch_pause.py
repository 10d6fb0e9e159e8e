"""drs_batch_pause against a scripted DRS client: what it pauses, leaves alone and reports."""

from ansible_collections.cloudops.drs.plugins.modules import drs_batch_pause as module
from ansible_collections.cloudops.drs.tests.unit.plugins.modules.job_action_fakes import ACTING, ActingDrs
from ansible_collections.cloudops.drs.tests.unit.plugins.modules.utils import FakeJob, assert_matches_return_doc, jid, run_module

SUMMARY_ZERO = {'paused': 0, 'unchanged': 0, 'failed': 0, 'pending': 0, 'unknown': 0, 'would_pause': 0}


def job_result(result, job_id):
    return next(job for job in result['jobs'] if job['id'] == job_id)


def acting_calls(drs):
    return [name for name in drs.methods() if name in ACTING]


def recording(drs):
    sent = []
    original = drs.batch_pause
    drs.batch_pause = lambda items, **kw: sent.extend(items) or original(items, **kw)
    return sent


def test_pause_pauses_running_jobs_with_pause_mode_target_by_default_and_waits():
    drs = ActingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED'), FakeJob(jid(2), status='FULL_TRANSFER_STARTED'))
    sent = recording(drs)
    result = run_module(module, {'jobs': [jid(1), jid(2)], 'poll_interval': 1}, drs)
    assert 'failed' not in result
    assert result['changed'] is True
    assert sent == [(jid(1), 'target'), (jid(2), 'target')]
    assert job_result(result, jid(1)) == {
        'id': jid(1), 'name': 'job-001', 'status_before': 'INCRE_TRANSFER_STARTED', 'status': 'PAUSING', 'action': 'pause',
        'outcome': 'paused', 'fate_known': True, 'reason': None, 'error': None}
    assert result['summary'] == dict(SUMMARY_ZERO, paused=2)
    assert result['diff'] == {'before': {jid(1): 'INCRE_TRANSFER_STARTED', jid(2): 'FULL_TRANSFER_STARTED'},
                              'after': {jid(1): 'PAUSING', jid(2): 'PAUSING'}}
    assert_matches_return_doc(module, result)


def test_pause_mode_all_is_sent_as_asked():
    drs = ActingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_FAILED'))
    sent = recording(drs)
    result = run_module(module, {'jobs': [jid(1)], 'pause_mode': 'all'}, drs)
    assert 'failed' not in result
    assert sent == [(jid(1), 'all')]


def test_second_run_is_unchanged_and_sends_no_pause():
    drs = ActingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED'))
    run_module(module, {'jobs': [jid(1)]}, drs)
    drs.calls = []
    result = run_module(module, {'jobs': [jid(1)]}, drs)
    assert 'failed' not in result
    assert result['changed'] is False
    assert acting_calls(drs) == []
    assert job_result(result, jid(1))['reason'] == 'already PAUSING (paused)'
    assert result['diff']['before'] == result['diff']['after']
    assert_matches_return_doc(module, result)


def test_check_mode_sends_no_pause_and_predicts_the_status():
    drs = ActingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED'), FakeJob(jid(2), status='PAUSING'))
    result = run_module(module, {'jobs': [jid(1), jid(2)]}, drs, check_mode=True)
    assert 'failed' not in result
    assert result['changed'] is True
    assert acting_calls(drs) == []
    assert [job['outcome'] for job in result['jobs']] == ['would_pause', 'unchanged']
    assert result['diff']['after'] == {jid(1): 'PAUSING', jid(2): 'PAUSING'}
    assert_matches_return_doc(module, result)


def test_jobs_that_cannot_be_paused_fail_without_a_request_and_the_others_are_paused():
    parent = jid(500)
    drs = ActingDrs(FakeJob(jid(1), status='CONFIGURATION'), FakeJob(jid(2), status='INCRE_TRANSFER_STARTED'),
                    FakeJob(jid(3), status='INCRE_TRANSFER_STARTED', detail={'db_use_type': 'cloudDataGuard'}),
                    FakeJob(parent, role='parent', status='INCRE_TRANSFER_STARTED', detail={'multi_write': True}))
    result = run_module(module, {'jobs': [jid(1), jid(2), jid(3), parent]}, drs)
    assert result['failed'] is True
    assert drs.called('batch_pause') == [[jid(2)]]
    assert [job['outcome'] for job in result['jobs']] == ['failed', 'paused', 'failed', 'failed']
    assert job_result(result, jid(1))['error']['error_msg'].startswith('status CONFIGURATION does not allow a pause (only ')
    assert job_result(result, jid(3))['error']['error_msg'] == (
        'a cloudDataGuard task cannot be paused (DRS pauses only migration and sync tasks)')
    assert job_result(result, parent)['error']['error_msg'].startswith('parent task of a dual-active DR pair')
    assert result['msg'].startswith('Could not pause 3 of 4 job(s): status CONFIGURATION does not allow a pause')
    assert result['summary'] == dict(SUMMARY_ZERO, paused=1, failed=3)
    assert_matches_return_doc(module, result)


def test_check_mode_predicts_a_failure_without_failing_and_says_why():
    drs = ActingDrs(FakeJob(jid(1), status='CONFIGURATION'))
    result = run_module(module, {'jobs': [jid(1)]}, drs, check_mode=True)
    assert 'failed' not in result
    assert job_result(result, jid(1))['outcome'] == 'failed'
    assert result['msg'].startswith('Could not pause 1 of 1 job(s): status CONFIGURATION does not allow a pause')


def test_an_ambiguous_pause_that_took_effect_is_paused_and_not_sent_again():
    drs = ActingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED'))
    drs.lose_reply.add(jid(1))
    result = run_module(module, {'jobs': [jid(1)]}, drs)
    assert 'failed' not in result
    assert drs.sent[jid(1)] == ['batch_pause']
    assert job_result(result, jid(1))['outcome'] == 'paused'


def test_an_unknown_fate_fails_closed():
    drs = ActingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED'))
    drs.lose_reply.add(jid(1))
    original = drs.batch_pause
    drs.batch_pause = lambda items, deadline=None, reconcile=None: original(items, deadline=deadline, reconcile=None)
    result = run_module(module, {'jobs': [jid(1)]}, drs)
    assert result['failed'] is True
    assert job_result(result, jid(1))['outcome'] == 'unknown'
    assert job_result(result, jid(1))['fate_known'] is False
    assert result['fate_known'] is False
    assert_matches_return_doc(module, result)


def test_a_refused_pause_carries_the_drs_error():
    drs = ActingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED'))
    drs.refuse[jid(1)] = ('DRS.M01504', 'Another operation is being performed on the migration task.')
    result = run_module(module, {'jobs': [jid(1)]}, drs)
    assert result['failed'] is True
    assert job_result(result, jid(1))['error']['error_code'] == 'DRS.M01504'
    assert result['changed'] is False


def test_a_wrong_state_refusal_of_a_job_read_as_pausable_is_unknown_not_failed():
    drs = ActingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED'))
    drs.refuse[jid(1)] = ('DRS.M00304', 'This API cannot be called in the current task status.')
    result = run_module(module, {'jobs': [jid(1)]}, drs)
    assert result['failed'] is True
    job = job_result(result, jid(1))
    assert (job['outcome'], job['fate_known']) == ('unknown', False)
    assert job['error']['error_msg'].endswith('the job may already be pausing after an earlier request: re-read it later')
    assert result['changed'] is False
    assert_matches_return_doc(module, result)
