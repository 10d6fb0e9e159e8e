"""drs_batch_resume against a scripted DRS client: resume paused jobs, retry failed ones after a forRetryJob pre-check."""

from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsTimeoutError
from ansible_collections.cloudops.drs.plugins.modules import drs_batch_resume as module
from ansible_collections.cloudops.drs.tests.unit.plugins.modules.job_action_fakes import ACTING, ActingDrs
from ansible_collections.cloudops.drs.tests.unit.plugins.modules.utils import FakeJob, assert_matches_return_doc, jid, run_module

SUMMARY_ZERO = {'resumed': 0, 'retried': 0, 'unchanged': 0, 'not_retried': 0, 'failed': 0, 'pending': 0, 'unknown': 0,
                'would_resume': 0, 'would_retry': 0}


def job_result(result, job_id):
    return next(job for job in result['jobs'] if job['id'] == job_id)


def acting_calls(drs):
    return [name for name in drs.methods() if name in ACTING]


def paused_and_failed(precheck_outcome='pass'):
    drs = ActingDrs(FakeJob(jid(1), status='PAUSING'), FakeJob(jid(2), status='INCRE_TRANSFER_FAILED', precheck_outcome=precheck_outcome),
                    FakeJob(jid(3), status='START_JOB_FAILED', precheck_outcome=precheck_outcome))
    drs.paused_from[jid(1)] = 'INCRE_TRANSFER_STARTED'
    return drs


def test_resume_resumes_paused_jobs_and_retries_failed_ones_after_a_passed_retry_precheck():
    drs = paused_and_failed()
    result = run_module(module, {'jobs': [jid(1), jid(2), jid(3)], 'poll_interval': 1}, drs)
    assert 'failed' not in result, result['msg']
    assert result['changed'] is True
    assert drs.called('batch_precheck') == [[jid(2), jid(3)]]
    assert all(drs.jobs[job_id].precheck['mode'] == 'forRetryJob' for job_id in (jid(2), jid(3)))
    assert drs.called('batch_retry') == [[jid(1)], [jid(2), jid(3)]]
    assert acting_calls(drs) == ['batch_retry', 'batch_precheck', 'batch_retry']
    assert job_result(result, jid(1)) == {
        'id': jid(1), 'name': 'job-001', 'status_before': 'PAUSING', 'status': 'INCRE_TRANSFER_STARTED', 'action': 'resume',
        'outcome': 'resumed', 'fate_known': True, 'reason': None, 'error': None}
    assert [job['outcome'] for job in result['jobs']] == ['resumed', 'retried', 'retried']
    assert [job['status'] for job in result['jobs']] == ['INCRE_TRANSFER_STARTED'] * 3
    assert result['summary'] == dict(SUMMARY_ZERO, resumed=1, retried=2)
    assert_matches_return_doc(module, result)


def test_a_failed_retry_precheck_leaves_the_job_not_retried_and_the_module_fails():
    drs = paused_and_failed(precheck_outcome='fail')
    result = run_module(module, {'jobs': [jid(1), jid(2)], 'poll_interval': 1}, drs)
    assert result['failed'] is True
    assert drs.called('batch_retry') == [[jid(1)]]
    job = job_result(result, jid(2))
    assert (job['outcome'], job['action'], job['status']) == ('not_retried', None, 'INCRE_TRANSFER_FAILED')
    assert job['error']['error_msg'] == 'its forRetryJob pre-check did not pass (total passed rate 66%; FAILED: dstDbDiskSize)'
    assert result['summary'] == dict(SUMMARY_ZERO, resumed=1, not_retried=1)
    assert_matches_return_doc(module, result)


def test_a_retry_precheck_result_that_cannot_be_read_is_not_a_pass():
    drs = paused_and_failed()
    original = drs.batch_precheck_result

    def unreadable(ids, deadline=None):
        items, gone = original(ids, deadline)
        for job_id in items:
            items[job_id] = {'id': job_id, 'error_code': 'DRS.M00304', 'error_msg': 'This API cannot be called in the current task status.'}
        return items, gone
    drs.batch_precheck_result = unreadable
    result = run_module(module, {'jobs': [jid(2)], 'poll_interval': 1}, drs)
    assert result['failed'] is True
    assert drs.called('batch_retry') == []
    assert job_result(result, jid(2))['outcome'] == 'not_retried'
    assert job_result(result, jid(2))['error']['error_msg'].endswith('set retry_precheck to false to retry without it')


def test_retry_precheck_false_retries_at_once():
    drs = paused_and_failed(precheck_outcome='fail')
    result = run_module(module, {'jobs': [jid(2)], 'retry_precheck': False, 'poll_interval': 1}, drs)
    assert 'failed' not in result
    assert drs.called('batch_precheck') == []
    assert job_result(result, jid(2))['outcome'] == 'retried'


def test_second_run_is_unchanged_and_sends_nothing():
    drs = paused_and_failed()
    run_module(module, {'jobs': [jid(1), jid(2), jid(3)], 'poll_interval': 1}, drs)
    drs.calls = []
    result = run_module(module, {'jobs': [jid(1), jid(2), jid(3)], 'poll_interval': 1}, drs)
    assert 'failed' not in result
    assert result['changed'] is False
    assert acting_calls(drs) == []
    assert job_result(result, jid(1))['reason'] == 'already INCRE_TRANSFER_STARTED'
    assert result['summary'] == dict(SUMMARY_ZERO, unchanged=3)
    assert_matches_return_doc(module, result)


def test_check_mode_sends_no_precheck_and_no_retry_and_predicts():
    drs = paused_and_failed()
    result = run_module(module, {'jobs': [jid(1), jid(2), jid(3)]}, drs, check_mode=True)
    assert 'failed' not in result
    assert result['changed'] is True
    assert acting_calls(drs) == []
    assert [job['outcome'] for job in result['jobs']] == ['would_resume', 'would_retry', 'would_retry']
    assert job_result(result, jid(2))['reason'] == 'its forRetryJob pre-check would run first: the retry depends on the result'
    assert result['diff']['after'] == {jid(1): 'PAUSING', jid(2): 'INCRE_TRANSFER_STARTED', jid(3): 'STARTJOBING'}
    assert_matches_return_doc(module, result)


def test_jobs_in_other_states_and_the_parent_fail_without_a_request():
    parent = jid(500)
    drs = ActingDrs(FakeJob(jid(1), status='CONFIGURATION'), FakeJob(jid(2), status='RELEASE_RESOURCE_COMPLETE'),
                    FakeJob(parent, role='parent', status='PAUSING', detail={'multi_write': True}))
    result = run_module(module, {'jobs': [jid(1), jid(2), parent]}, drs)
    assert result['failed'] is True
    assert acting_calls(drs) == []
    assert job_result(result, jid(1))['error']['error_msg'] == (
        'status CONFIGURATION allows neither a resume (only PAUSING) nor a retry (only START_JOB_FAILED, FULL_TRANSFER_FAILED, '
        'INCRE_TRANSFER_FAILED)')
    assert job_result(result, parent)['error']['error_msg'].startswith('parent task of a dual-active DR pair')
    assert result['summary'] == dict(SUMMARY_ZERO, failed=3)


def test_a_job_that_fails_again_after_its_retry_is_a_failure_with_the_reason():
    drs = ActingDrs(FakeJob(jid(1), status='START_JOB_FAILED'))
    original = drs.batch_retry

    def retry_then_fail(ids, deadline=None, reconcile=None):
        replies = original(ids, deadline=deadline, reconcile=reconcile)
        drs.jobs[jid(1)].start_outcome = 'fail'
        return replies
    drs.batch_retry = retry_then_fail
    result = run_module(module, {'jobs': [jid(1)], 'retry_precheck': False, 'poll_interval': 1}, drs)
    assert result['failed'] is True
    job = job_result(result, jid(1))
    assert (job['outcome'], job['status']) == ('failed', 'START_JOB_FAILED')
    assert job['error']['error_msg'] == 'retry failed: the job is START_JOB_FAILED (The source database is unreachable.)'


def test_an_ambiguous_retry_is_reconciled_and_an_unknown_one_fails_closed():
    drs = paused_and_failed()
    drs.lose_reply.add(jid(1))
    result = run_module(module, {'jobs': [jid(1)], 'poll_interval': 1}, drs)
    assert 'failed' not in result
    assert drs.sent[jid(1)] == ['batch_retry']
    assert job_result(result, jid(1))['outcome'] == 'resumed'

    drs = paused_and_failed()
    drs.lose_reply.add(jid(1))
    original = drs.batch_retry
    drs.batch_retry = lambda ids, deadline=None, reconcile=None: original(ids, deadline=deadline, reconcile=None)
    result = run_module(module, {'jobs': [jid(1)]}, drs)
    assert result['failed'] is True
    assert (job_result(result, jid(1))['outcome'], result['fate_known']) == ('unknown', False)
    assert_matches_return_doc(module, result)


def test_a_failure_while_waiting_for_the_retry_precheck_leaves_the_jobs_unknown():
    drs = paused_and_failed()
    drs.raise_on['batch_precheck_result'] = DrsTimeoutError('The deadline passed while retrying POST batch-precheck-result.')
    result = run_module(module, {'jobs': [jid(2)]}, drs)
    assert result['failed'] is True
    assert job_result(result, jid(2))['outcome'] == 'unknown'
    assert drs.called('batch_retry') == []
    assert_matches_return_doc(module, result)


def lagging_status(drs, job_id, status, polls):
    """batch_status shows ``status`` for ``job_id`` in its first ``polls`` replies (DRS's reads lag behind a retry)."""
    original = drs.batch_status
    left = [polls]

    def lagging(ids, deadline=None, split=False):
        reply = original(ids, deadline=deadline, split=split)
        if left[0] > 0 and job_id in reply[0]:
            left[0] -= 1
            reply[0][job_id] = dict(reply[0][job_id], status=status)
        return reply
    drs.batch_status = lagging


def test_the_failed_status_from_before_a_retry_read_just_after_it_is_lag_not_a_failure():
    drs = ActingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_FAILED', failed_reason='The old failure.'))
    lagging_status(drs, jid(1), 'INCRE_TRANSFER_FAILED', polls=2)
    result = run_module(module, {'jobs': [jid(1)], 'retry_precheck': False, 'poll_interval': 1}, drs)
    assert 'failed' not in result, result['msg']
    job = job_result(result, jid(1))
    assert (job['outcome'], job['status']) == ('retried', 'INCRE_TRANSFER_STARTED')
    assert_matches_return_doc(module, result)


def test_a_retried_job_still_failed_after_the_lag_window_is_a_failure_without_the_old_reason():
    drs = ActingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_FAILED', failed_reason='The old failure.'))
    lagging_status(drs, jid(1), 'INCRE_TRANSFER_FAILED', polls=1000)
    result = run_module(module, {'jobs': [jid(1)], 'retry_precheck': False, 'poll_interval': 10}, drs)
    assert result['failed'] is True
    job = job_result(result, jid(1))
    assert (job['outcome'], job['fate_known']) == ('failed', True)
    assert job['error']['error_msg'] == 'retry failed: the job is INCRE_TRANSFER_FAILED'
    assert drs.clock >= 60


def stale_precheck_result(drs):
    """batch-precheck-result shows the finished result from before the submission until the new pre-check finished."""
    original = drs.batch_precheck_result
    earlier = {}

    def stale(ids, deadline=None):
        items, gone = original(ids, deadline)
        for job_id, item in items.items():
            if item.get('process') == '100%' and job_id not in earlier:
                earlier[job_id] = item
            elif item.get('process') != '100%' and job_id in earlier:
                items[job_id] = earlier[job_id]
        return items, gone
    drs.batch_precheck_result = stale


def test_the_finished_precheck_result_from_before_the_submission_is_not_taken_for_the_new_one():
    drs = ActingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_FAILED', precheck='pass', precheck_outcome='fail'))
    stale_precheck_result(drs)
    result = run_module(module, {'jobs': [jid(1)], 'poll_interval': 1}, drs)
    assert result['failed'] is True
    assert drs.called('batch_retry') == []
    job = job_result(result, jid(1))
    assert job['outcome'] == 'not_retried'
    assert job['error']['error_msg'].startswith('its forRetryJob pre-check did not pass')


def test_a_new_precheck_result_just_like_the_one_before_is_taken_only_after_the_stale_window():
    drs = ActingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_FAILED', precheck='pass', precheck_outcome='pass'))
    stale_precheck_result(drs)
    result = run_module(module, {'jobs': [jid(1)], 'poll_interval': 5}, drs)
    assert 'failed' not in result, result['msg']
    assert job_result(result, jid(1))['outcome'] == 'retried'
    assert drs.called('batch_retry') == [[jid(1)]]
    assert drs.clock >= 60    # an identical result is taken for the new one only after PRECHECK_STALE_WINDOW


def test_a_precheck_result_that_still_reads_like_the_one_before_at_the_deadline_is_pending():
    drs = ActingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_FAILED', precheck='pass', precheck_outcome='pass'))
    stale_precheck_result(drs)
    result = run_module(module, {'jobs': [jid(1)], 'poll_interval': 5, 'wait_timeout': 30}, drs)
    assert result['failed'] is True
    assert drs.called('batch_retry') == []
    job = job_result(result, jid(1))
    assert (job['outcome'], job['fate_known']) == ('pending', False)
    assert job['error']['error_msg'] == 'its forRetryJob pre-check result still read like the one from before it was submitted'
    assert_matches_return_doc(module, result)
