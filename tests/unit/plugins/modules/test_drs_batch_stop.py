"""drs_batch_stop against a scripted DRS client: what it stops, leaves alone, waits for and reports."""

from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsApiError, DrsTimeoutError
from ansible_collections.cloudops.drs.plugins.modules import drs_batch_stop as module
from ansible_collections.cloudops.drs.tests.unit.plugins.modules.job_action_fakes import ACTING, ActingDrs
from ansible_collections.cloudops.drs.tests.unit.plugins.modules.utils import FakeJob, assert_matches_return_doc, jid, run_module

SUMMARY_ZERO = {'stopped': 0, 'unchanged': 0, 'failed': 0, 'pending': 0, 'unknown': 0, 'would_stop': 0}


def job_result(result, job_id):
    return next(job for job in result['jobs'] if job['id'] == job_id)


def summary(**counts):
    return dict(SUMMARY_ZERO, **counts)


def acting_calls(drs):
    return [name for name in drs.methods() if name in ACTING]


def test_stop_terminates_running_jobs_and_waits_until_their_resources_are_released():
    drs = ActingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED'), FakeJob(jid(2), status='FULL_TRANSFER_STARTED'))
    result = run_module(module, {'jobs': [jid(1), jid(2)], 'poll_interval': 1}, drs)
    assert 'failed' not in result
    assert result['changed'] is True
    assert drs.called('batch_stop') == [[jid(1), jid(2)]]
    assert job_result(result, jid(1)) == {
        'id': jid(1), 'name': 'job-001', 'status_before': 'INCRE_TRANSFER_STARTED', 'status': 'RELEASE_RESOURCE_COMPLETE',
        'action': 'stop', 'outcome': 'stopped', 'fate_known': True, 'reason': None, 'error': None}
    assert result['summary'] == summary(stopped=2)
    assert result['fate_known'] is True
    assert result['diff'] == {'before': {jid(1): 'INCRE_TRANSFER_STARTED', jid(2): 'FULL_TRANSFER_STARTED'},
                              'after': {jid(1): 'RELEASE_RESOURCE_COMPLETE', jid(2): 'RELEASE_RESOURCE_COMPLETE'}}
    assert_matches_return_doc(module, result)


def test_stop_sends_terminate_unless_force_terminate_is_asked_for():
    drs = ActingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED'))
    sent = []
    original = drs.batch_stop
    drs.batch_stop = lambda items, **kw: sent.extend(items) or original(items, **kw)
    run_module(module, {'jobs': [jid(1)]}, drs)
    assert sent == [(jid(1), 'terminate')]


def test_second_run_is_unchanged_and_sends_no_stop():
    drs = ActingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED'))
    run_module(module, {'jobs': [jid(1)], 'poll_interval': 1}, drs)
    drs.calls = []
    result = run_module(module, {'jobs': [jid(1)], 'poll_interval': 1}, drs)
    assert 'failed' not in result
    assert result['changed'] is False
    assert acting_calls(drs) == []
    assert job_result(result, jid(1))['reason'] == 'already RELEASE_RESOURCE_COMPLETE'
    assert result['summary'] == summary(unchanged=1)
    assert_matches_return_doc(module, result)


def test_check_mode_sends_no_stop_and_predicts_the_status():
    drs = ActingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED'), FakeJob(jid(2), status='RELEASE_RESOURCE_COMPLETE'))
    result = run_module(module, {'jobs': [jid(1), jid(2)]}, drs, check_mode=True)
    assert 'failed' not in result
    assert result['changed'] is True
    assert acting_calls(drs) == []
    assert drs.jobs[jid(1)].status == 'INCRE_TRANSFER_STARTED'
    assert [job['outcome'] for job in result['jobs']] == ['would_stop', 'unchanged']
    assert result['diff']['after'] == {jid(1): 'RELEASE_RESOURCE_STARTED', jid(2): 'RELEASE_RESOURCE_COMPLETE'}
    assert_matches_return_doc(module, result)


def test_stopped_deleted_and_never_run_jobs_are_unchanged_and_a_stopping_one_is_waited_for():
    drs = ActingDrs(FakeJob(jid(1), status='RELEASE_RESOURCE_COMPLETE'), FakeJob(jid(2), status='DELETED'),
                    FakeJob(jid(3), status='CREATE_FAILED'), FakeJob(jid(4), status='RELEASE_RESOURCE_STARTED'))
    drs.releasing[jid(4)] = 2
    result = run_module(module, {'jobs': [jid(1), jid(2), jid(3), jid(4)], 'poll_interval': 1}, drs)
    assert 'failed' not in result
    assert result['changed'] is False
    assert acting_calls(drs) == []
    assert [job['outcome'] for job in result['jobs']] == ['unchanged'] * 4
    assert job_result(result, jid(3))['reason'] == 'never ran (CREATE_FAILED): nothing to stop'
    assert job_result(result, jid(4))['status'] == 'RELEASE_RESOURCE_COMPLETE'
    assert drs.called('batch_status')


def test_a_failed_stop_needs_force_terminate_and_is_a_failure_without_it():
    drs = ActingDrs(FakeJob(jid(1), status='RELEASE_RESOURCE_FAILED'), FakeJob(jid(2), status='CREATING'))
    result = run_module(module, {'jobs': [jid(1), jid(2)]}, drs)
    assert result['failed'] is True
    assert acting_calls(drs) == []
    assert job_result(result, jid(1))['error']['error_msg'] == (
        'an earlier stop failed (RELEASE_RESOURCE_FAILED); only delete_type force_terminate stops it')
    assert result['msg'] == ('Could not stop 2 of 2 job(s): an earlier stop failed (RELEASE_RESOURCE_FAILED); only delete_type '
                             'force_terminate stops it: job-001 (%s); status CREATING does not allow a stop: job-002 (%s).'
                             % (jid(1), jid(2)))
    assert result['summary'] == summary(failed=2)
    assert_matches_return_doc(module, result)

    result = run_module(module, {'jobs': [jid(1)], 'delete_type': 'force_terminate', 'poll_interval': 1}, drs)
    assert 'failed' not in result
    assert job_result(result, jid(1))['outcome'] == 'stopped'


def test_a_stop_that_ends_release_resource_failed_is_a_failure_with_the_reason():
    drs = ActingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED', failed_reason='Releasing the instance failed.'))
    drs.stop_outcome[jid(1)] = 'fail'
    result = run_module(module, {'jobs': [jid(1)], 'poll_interval': 1}, drs)
    assert result['failed'] is True
    assert job_result(result, jid(1))['status'] == 'RELEASE_RESOURCE_FAILED'
    assert job_result(result, jid(1))['error']['error_msg'] == 'stop failed: the job is RELEASE_RESOURCE_FAILED (Releasing the instance failed.)'
    assert result['fate_known'] is True


def test_a_refused_stop_carries_the_drs_error():
    drs = ActingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED'))
    drs.refuse[jid(1)] = ('DRS.M01501', 'Service error.')
    result = run_module(module, {'jobs': [jid(1)]}, drs)
    assert result['failed'] is True
    assert job_result(result, jid(1))['error'] == {'error_code': 'DRS.M01501', 'error_msg': 'Service error.'}
    assert result['changed'] is False


def test_an_ambiguous_stop_is_reconciled_by_reading_the_status():
    drs = ActingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED'))
    drs.lose_reply.add(jid(1))
    result = run_module(module, {'jobs': [jid(1)], 'poll_interval': 1}, drs)
    assert 'failed' not in result
    assert drs.sent[jid(1)] == ['batch_stop']
    assert job_result(result, jid(1))['outcome'] == 'stopped'


def test_an_unknown_fate_fails_closed():
    drs = ActingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED'))
    drs.lose_reply.add(jid(1))
    original = drs.batch_stop
    drs.batch_stop = lambda items, deadline=None, reconcile=None: original(items, deadline=deadline, reconcile=lambda ids: set())
    result = run_module(module, {'jobs': [jid(1)]}, drs)
    assert result['failed'] is True
    job = job_result(result, jid(1))
    assert job['outcome'] == 'unknown' and job['fate_known'] is False
    assert result['fate_known'] is False
    assert result['changed'] is True
    assert result['msg'].startswith('Could not stop 1 of 1 job(s): outcome unknown (read timeout)')


def test_dual_active_child_alone_is_refused_and_the_parent_stops_both():
    parent, forward, backward = jid(500), jid(501), jid(502)
    drs = ActingDrs(FakeJob(parent, role='parent', status='INCRE_TRANSFER_STARTED', detail={'multi_write': True}),
                    FakeJob(forward, role='forward', parent_id=parent, status='INCRE_TRANSFER_STARTED'),
                    FakeJob(backward, role='backward', parent_id=parent, status='INCRE_TRANSFER_STARTED'))
    result = run_module(module, {'jobs': [forward]}, drs)
    assert result['failed'] is True
    assert acting_calls(drs) == []
    assert job_result(result, forward)['error']['error_msg'].startswith(
        'forward task of a dual-active DR pair: DRS stops a dual-active DR only through its parent task')

    result = run_module(module, {'jobs': [forward, parent, backward], 'poll_interval': 1}, drs)
    assert 'failed' not in result
    assert drs.called('batch_stop') == [[parent]]
    assert [job['outcome'] for job in result['jobs']] == ['stopped'] * 3
    assert job_result(result, backward)['reason'] == 'stopped through its parent task job-500 (%s)' % parent
    assert [job['action'] for job in result['jobs']] == [None, 'stop', None]   # the request went to the parent only
    assert job_result(result, parent)['reason'] == (
        'parent task of a dual-active DR pair: stopping it stops its forward and backward tasks too')
    assert [job['status'] for job in result['jobs']] == ['RELEASE_RESOURCE_COMPLETE'] * 3
    assert_matches_return_doc(module, result)


def test_unknown_job_is_a_failure():
    drs = ActingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED'))
    result = run_module(module, {'jobs': [jid(9)]}, drs)
    assert result['failed'] is True
    assert job_result(result, jid(9))['error']['error_msg'] == 'DRS job %s was not found in this project.' % jid(9)
    assert_matches_return_doc(module, result)


def test_without_wait_the_acceptance_is_the_outcome():
    drs = ActingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED'))
    result = run_module(module, {'jobs': [jid(1)], 'wait': False}, drs)
    assert 'failed' not in result
    assert job_result(result, jid(1))['outcome'] == 'stopped'
    assert job_result(result, jid(1))['status'] == 'RELEASE_RESOURCE_STARTED'


def test_timeout_leaves_the_job_pending_and_fails_naming_it():
    drs = ActingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED'), release_ticks=1000)
    result = run_module(module, {'jobs': [jid(1)], 'wait_timeout': 30, 'poll_interval': 5}, drs)
    assert result['failed'] is True
    assert job_result(result, jid(1))['outcome'] == 'pending'
    assert result['fate_known'] is False
    assert result['msg'] == 'Timed out after 30 s waiting for 1 job(s). Still pending: job-001 (%s) (RELEASE_RESOURCE_STARTED).' % jid(1)
    assert_matches_return_doc(module, result)


def test_a_failure_while_waiting_leaves_the_stopped_job_pending_with_the_documented_keys():
    drs = ActingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED'))
    drs.raise_on['batch_status'] = DrsTimeoutError(
        'The deadline passed while retrying POST batch-status.', pending=[jid(1)],
        last_seen={jid(1): {'id': jid(1), 'status': 'RELEASE_RESOURCE_STARTED'}})
    result = run_module(module, {'jobs': [jid(1)]}, drs)
    assert result['failed'] is True
    assert job_result(result, jid(1))['outcome'] == 'pending'
    assert job_result(result, jid(1))['fate_known'] is False
    assert result['changed'] is True
    assert_matches_return_doc(module, result)


def test_api_error_on_the_stop_fails_with_the_error_details():
    drs = ActingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED'))
    drs.raise_on['batch_stop'] = DrsApiError(
        'DELETE batch-jobs failed: HTTP 403 DRS.M00102 Insufficient permissions.', status=403, error_code='DRS.M00102',
        error_msg='Insufficient permissions.', request_id='0' * 32, method='DELETE', url='https://drs.example.test/v3/p/jobs/batch-jobs')
    result = run_module(module, {'jobs': [jid(1)]}, drs)
    assert result['failed'] is True
    assert result['error']['error_code'] == 'DRS.M00102'
    assert job_result(result, jid(1))['outcome'] == 'unknown'
    assert_matches_return_doc(module, result)


def test_a_stopping_dual_active_parent_is_waited_for_with_its_listed_children_and_nothing_is_sent():
    parent, forward, backward = jid(500), jid(501), jid(502)
    drs = ActingDrs(FakeJob(parent, role='parent', status='RELEASE_RESOURCE_STARTED', detail={'multi_write': True}),
                    FakeJob(forward, role='forward', parent_id=parent, status='RELEASE_RESOURCE_STARTED'),
                    FakeJob(backward, role='backward', parent_id=parent, status='RELEASE_RESOURCE_STARTED'))
    for job_id in (parent, forward, backward):
        drs.releasing[job_id] = 2
    result = run_module(module, {'jobs': [parent, forward, backward], 'poll_interval': 1}, drs)
    assert 'failed' not in result
    assert result['changed'] is False
    assert acting_calls(drs) == []
    assert [job['outcome'] for job in result['jobs']] == ['unchanged'] * 3
    assert [job['status'] for job in result['jobs']] == ['RELEASE_RESOURCE_COMPLETE'] * 3
    assert job_result(result, forward)['reason'] == 'its parent task %s is already stopping' % parent
    assert_matches_return_doc(module, result)


def test_a_child_whose_parent_is_refused_is_not_stopped_and_says_why():
    parent, forward = jid(500), jid(501)
    drs = ActingDrs(FakeJob(parent, role='parent', status='CREATING', detail={'multi_write': True}),
                    FakeJob(forward, role='forward', parent_id=parent, status='INCRE_TRANSFER_STARTED'))
    result = run_module(module, {'jobs': [parent, forward]}, drs)
    assert result['failed'] is True
    assert acting_calls(drs) == []
    assert job_result(result, forward)['error']['error_msg'] == (
        'not stopped: its parent task job-500 (%s) was not stopped (status CREATING does not allow a stop)' % parent)


def test_a_job_a_status_reply_does_not_mention_is_not_stopped_but_pending():
    drs = ActingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED'), release_ticks=1000)
    drs.omit['batch_status'] = {jid(1)}   # the status reply leaves the releasing job out: no answer, not "deleted"
    result = run_module(module, {'jobs': [jid(1)], 'wait_timeout': 30, 'poll_interval': 5}, drs)
    assert result['failed'] is True
    job = job_result(result, jid(1))
    assert (job['outcome'], job['fate_known']) == ('pending', False)
    assert result['fate_known'] is False
    assert_matches_return_doc(module, result)


def test_a_job_drs_no_longer_knows_after_the_stop_is_stopped_once_batch_detail_confirms_it():
    drs = ActingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED'), FakeJob(jid(2), status='INCRE_TRANSFER_STARTED'))
    original = drs.batch_stop

    def stop_and_delete(items, deadline=None, reconcile=None):
        replies = original(items, deadline=deadline, reconcile=reconcile)
        del drs.jobs[jid(1)]   # released and deleted before the first poll: DRS answers "not found"
        drs.releasing.pop(jid(1), None)
        return replies
    drs.batch_stop = stop_and_delete
    result = run_module(module, {'jobs': [jid(1), jid(2)], 'poll_interval': 1}, drs)
    assert 'failed' not in result
    assert job_result(result, jid(1))['outcome'] == 'stopped'
    assert job_result(result, jid(1))['status'] == 'DELETED'
    assert drs.called('batch_detail')[-1] == [jid(1)]


def test_a_child_whose_parent_stop_has_an_unknown_outcome_is_unknown_not_failed():
    parent, forward = jid(500), jid(501)
    drs = ActingDrs(FakeJob(parent, role='parent', status='INCRE_TRANSFER_STARTED', detail={'multi_write': True}),
                    FakeJob(forward, role='forward', parent_id=parent, status='INCRE_TRANSFER_STARTED'))
    drs.lose_reply.add(parent)
    original = drs.batch_stop
    drs.batch_stop = lambda items, deadline=None, reconcile=None: original(items, deadline=deadline, reconcile=lambda ids: set())
    result = run_module(module, {'jobs': [parent, forward]}, drs)
    assert result['failed'] is True
    job = job_result(result, forward)
    assert (job['outcome'], job['fate_known']) == ('unknown', False)
    assert job['error']['error_msg'].startswith(
        'fate not known: the outcome of the stop of its parent task job-500 (%s) is not known (outcome unknown' % parent)
    assert result['fate_known'] is False
    assert_matches_return_doc(module, result)


def test_a_wrong_state_refusal_of_a_job_read_as_stoppable_is_unknown_not_failed():
    # a second run within the stop lag of an earlier run with wait false: DRS still shows the status before the stop
    drs = ActingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED'))
    drs.refuse[jid(1)] = ('DRS.M00304', 'This API cannot be called in the current task status.')
    result = run_module(module, {'jobs': [jid(1)], 'wait': False}, drs)
    assert result['failed'] is True
    job = job_result(result, jid(1))
    assert (job['outcome'], job['fate_known']) == ('unknown', False)
    assert job['error'] == {'error_code': 'DRS.M00304', 'error_msg': (
        'DRS refuses the stop (DRS.M00304: This API cannot be called in the current task status.); the job may already '
        'be stopping after an earlier request: re-read it later')}
    assert result['changed'] is False
    assert_matches_return_doc(module, result)


def test_a_job_missing_from_the_reply_to_a_sent_stop_is_unknown_not_failed():
    drs = ActingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED'))
    original = drs.batch_stop
    drs.batch_stop = lambda items, deadline=None, reconcile=None: original(items, deadline=deadline, reconcile=reconcile) and {}
    result = run_module(module, {'jobs': [jid(1)]}, drs)
    assert result['failed'] is True
    job = job_result(result, jid(1))
    assert (job['outcome'], job['fate_known']) == ('unknown', False)
    assert job['error']['error_msg'] == 'DRS sent no reply for this job: the stop may have taken effect; re-read the job status'
    assert result['changed'] is True
    assert_matches_return_doc(module, result)
