"""drs_batch_precheck against a scripted DRS client: what it submits, skips, waits for and reports."""

from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsApiError, DrsTimeoutError
from ansible_collections.cloudops.drs.plugins.modules import drs_batch_precheck as module
from ansible_collections.cloudops.drs.tests.unit.plugins.modules.utils import (
    MUTATING, FakeDrs, FakeJob, assert_matches_return_doc, jid, run_module)


def job_result(result, job_id):
    return next(job for job in result['jobs'] if job['id'] == job_id)


def test_precheck_submits_configured_jobs_waits_and_reports_passes():
    drs = FakeDrs(FakeJob(jid(1)), FakeJob(jid(2), precheck_outcome='alarm'))
    result = run_module(module, {'jobs': [jid(1), jid(2)], 'poll_interval': 5}, drs)
    assert 'failed' not in result
    assert result['changed'] is True
    assert drs.called('batch_precheck') == [[jid(1), jid(2)]]
    assert result['passed_jobs'] == [jid(1), jid(2)]
    assert result['failed_jobs'] == [] and result['skipped_jobs'] == [] and result['pending_jobs'] == []
    first = job_result(result, jid(1))
    assert first == {'id': jid(1), 'name': 'job-001', 'status': 'CONFIGURATION', 'submitted': True, 'passed': True,
                     'process': '100%', 'total_passed_rate': '100%', 'failed_items': [], 'alarm_items': [],
                     'skipped_reason': None, 'error': None, 'dr_pair': None, 'outcome': 'passed'}
    assert job_result(result, jid(2))['alarm_items'] == [{'item': 'srcDbBinlogExpireLogsDays', 'group': 'db_params',
                                                         'reason': 'BINLOG_EXPIRE_TOO_SHORT', 'raw_message': 'expire_logs_days is 1'}]
    assert_matches_return_doc(module, result)


def test_precheck_reads_status_and_existing_results_before_submitting():
    drs = FakeDrs(FakeJob(jid(1)))
    run_module(module, {'jobs': [jid(1)]}, drs)
    assert drs.methods()[:3] == ['batch_detail', 'batch_precheck_result', 'batch_precheck']


def test_second_run_skips_passed_jobs_and_submits_nothing():
    drs = FakeDrs(FakeJob(jid(1)), FakeJob(jid(2)))
    run_module(module, {'jobs': [jid(1), jid(2)]}, drs)
    drs.calls = []
    result = run_module(module, {'jobs': [jid(1), jid(2)]}, drs)
    assert result['changed'] is False
    assert not [name for name in drs.methods() if name in MUTATING]
    assert result['skipped_jobs'] == [jid(1), jid(2)]
    assert result['passed_jobs'] == [jid(1), jid(2)]
    assert job_result(result, jid(1))['skipped_reason'] == 'pre-check already passed'
    assert job_result(result, jid(1))['submitted'] is False
    assert_matches_return_doc(module, result)


def test_force_submits_a_passed_job_again():
    drs = FakeDrs(FakeJob(jid(1), precheck='pass'))
    result = run_module(module, {'jobs': [jid(1)], 'force': True}, drs)
    assert result['changed'] is True
    assert drs.called('batch_precheck') == [[jid(1)]]


def test_a_failed_precheck_is_submitted_again_by_default():
    drs = FakeDrs(FakeJob(jid(1), precheck='fail', precheck_outcome='fail'))
    result = run_module(module, {'jobs': [jid(1)]}, drs)
    assert result['changed'] is True and result['failed'] is True
    assert drs.called('batch_precheck') == [[jid(1)]]


def test_recheck_failed_false_keeps_the_failed_result_and_submits_nothing():
    drs = FakeDrs(FakeJob(jid(1), precheck='fail'), FakeJob(jid(2), precheck='pass'), FakeJob(jid(3)))
    result = run_module(module, {'jobs': [jid(1), jid(2), jid(3)], 'recheck_failed': False}, drs)
    assert result['failed'] is True and result['changed'] is True
    assert drs.called('batch_precheck') == [[jid(3)]]
    assert job_result(result, jid(1))['outcome'] == 'failed' and job_result(result, jid(1))['submitted'] is False
    assert result['failed_jobs'] == [jid(1)]
    again = run_module(module, {'jobs': [jid(1), jid(2), jid(3)], 'recheck_failed': False}, drs)
    assert again['changed'] is False and again['failed'] is True
    assert drs.called('batch_precheck') == [[jid(3)]]
    assert 'Pre-check failed for 1 of 3 job(s)' in again['msg']
    assert_matches_return_doc(module, again)


def test_check_mode_submits_nothing_and_says_what_it_would_submit():
    drs = FakeDrs(FakeJob(jid(1)), FakeJob(jid(2), precheck='pass'), FakeJob(jid(3), status='FULL_TRANSFER_STARTED'))
    result = run_module(module, {'jobs': [jid(1), jid(2), jid(3)]}, drs, check_mode=True)
    assert 'failed' not in result
    assert result['changed'] is True
    assert not [name for name in drs.methods() if name in MUTATING]
    assert [job['submitted'] for job in result['jobs']] == [True, False, False]
    assert job_result(result, jid(1))['passed'] is None
    assert result['skipped_jobs'] == [jid(2), jid(3)]
    assert_matches_return_doc(module, result)


def test_check_mode_does_not_report_the_old_failure_of_a_job_it_would_pre_check_again():
    drs = FakeDrs(FakeJob(jid(1), precheck='fail'))
    result = run_module(module, {'jobs': [jid(1)]}, drs, check_mode=True)
    assert 'failed' not in result
    assert result['changed'] is True
    assert not [name for name in drs.methods() if name in MUTATING]
    assert job_result(result, jid(1)) == {
        'id': jid(1), 'name': 'job-001', 'status': 'CONFIGURATION', 'submitted': True, 'passed': None, 'process': None,
        'total_passed_rate': None, 'failed_items': [], 'alarm_items': [], 'skipped_reason': None, 'error': None, 'dr_pair': None,
        'outcome': 'would_precheck'}
    assert result['failed_jobs'] == [] and result['passed_jobs'] == []
    assert_matches_return_doc(module, result)


def test_check_mode_reports_no_change_when_every_precheck_passed():
    drs = FakeDrs(FakeJob(jid(1), precheck='pass'))
    result = run_module(module, {'jobs': [jid(1)]}, drs, check_mode=True)
    assert result['changed'] is False


def test_failed_precheck_fails_the_module_after_reporting_every_job():
    drs = FakeDrs(FakeJob(jid(1)), FakeJob(jid(2), precheck_outcome='fail', name='legacy-crm'))
    result = run_module(module, {'jobs': [jid(1), jid(2)]}, drs)
    assert result['failed'] is True
    assert result['changed'] is True
    assert result['msg'] == ('Pre-check failed for 1 of 2 job(s): legacy-crm (%s): dstDbDiskSize [db_disk_size] DST_DISK_TOO_SMALL.'
                             % jid(2))
    assert result['passed_jobs'] == [jid(1)]
    assert result['failed_jobs'] == [jid(2)]
    failed = job_result(result, jid(2))
    assert failed['passed'] is False
    assert failed['failed_items'] == [{'item': 'dstDbDiskSize', 'group': 'db_disk_size', 'reason': 'DST_DISK_TOO_SMALL',
                                       'raw_message': 'Destination disk too small.'}]
    assert_matches_return_doc(module, result)


def test_alarm_items_fail_only_with_alarm_is_failure():
    drs = FakeDrs(FakeJob(jid(1), precheck_outcome='alarm'))
    result = run_module(module, {'jobs': [jid(1)], 'alarm_is_failure': True}, drs)
    assert result['failed'] is True
    assert result['msg'] == ('Pre-check failed for 1 of 1 job(s): job-001 (%s): srcDbBinlogExpireLogsDays [db_params] '
                             'BINLOG_EXPIRE_TOO_SHORT.' % jid(1))
    assert result['failed_jobs'] == [jid(1)]


def test_jobs_in_a_state_without_precheck_are_skipped_with_the_reason():
    drs = FakeDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED'), FakeJob(jid(2), status='INCRE_TRANSFER_STARTED'))
    result = run_module(module, {'jobs': [jid(1), {'id': jid(2), 'mode': 'forRetryJob'}]}, drs)
    assert job_result(result, jid(1))['skipped_reason'] == 'status INCRE_TRANSFER_STARTED does not allow a forStartJob pre-check'
    assert job_result(result, jid(1))['passed'] is None
    assert drs.called('batch_precheck') == [[jid(2)]]
    assert result['skipped_jobs'] == [jid(1)]
    assert 'failed' not in result


def test_a_running_precheck_is_waited_for_not_submitted_again():
    drs = FakeDrs(FakeJob(jid(1), precheck='running'))
    result = run_module(module, {'jobs': [jid(1)]}, drs)
    assert drs.called('batch_precheck') == []
    assert result['changed'] is False
    assert job_result(result, jid(1))['passed'] is True
    assert job_result(result, jid(1))['skipped_reason'] is None


def test_wait_false_returns_after_submitting():
    drs = FakeDrs(FakeJob(jid(1)))
    result = run_module(module, {'jobs': [jid(1)], 'wait': False}, drs)
    assert drs.methods() == ['batch_detail', 'batch_precheck_result', 'batch_precheck']
    assert job_result(result, jid(1))['submitted'] is True
    assert job_result(result, jid(1))['passed'] is None
    assert result['passed_jobs'] == [] and result['failed_jobs'] == []
    assert_matches_return_doc(module, result)


def test_unknown_jobs_and_refused_jobs_are_failures_with_an_error():
    drs = FakeDrs(FakeJob(jid(1)), FakeJob(jid(2)))
    drs.refuse[jid(2)] = ('DRS.M01504', 'Another operation is being performed on the migration task.')
    result = run_module(module, {'jobs': [jid(1), jid(2), jid(9)]}, drs)
    assert result['failed'] is True
    assert result['failed_jobs'] == [jid(2), jid(9)]
    assert job_result(result, jid(2))['error'] == {'error_code': 'DRS.M01504',
                                                   'error_msg': 'Another operation is being performed on the migration task.'}
    assert job_result(result, jid(2))['submitted'] is False
    assert job_result(result, jid(9))['error'] == {'error_code': None, 'error_msg': 'DRS job %s was not found in this project.' % jid(9)}
    assert result['msg'] == ('Pre-check failed for 2 of 3 job(s): job-002 (%s): Another operation is being performed on the '
                             'migration task.; %s: DRS job %s was not found in this project.' % (jid(2), jid(9), jid(9)))
    assert result['passed_jobs'] == [jid(1)]
    assert_matches_return_doc(module, result)


def test_timeout_names_the_pending_jobs_and_their_progress():
    drs = FakeDrs(FakeJob(jid(1)), FakeJob(jid(2)), precheck_ticks=1000)
    result = run_module(module, {'jobs': [jid(1), jid(2)], 'wait_timeout': 60, 'poll_interval': 10}, drs)
    assert result['failed'] is True
    assert result['pending_jobs'] == [jid(1), jid(2)]
    assert result['msg'] == ('Timed out after 60 s waiting for the pre-check of 2 job(s). Still pending: job-001 (%s) (pre-check 50%%), '
                             'job-002 (%s) (pre-check 50%%).' % (jid(1), jid(2)))
    assert job_result(result, jid(1))['process'] == '50%'
    assert_matches_return_doc(module, result)


def test_api_error_fails_with_the_error_details_and_the_jobs_read_so_far():
    drs = FakeDrs(FakeJob(jid(1)))
    drs.raise_on['batch_precheck'] = DrsApiError(
        'POST batch-precheck failed: HTTP 403 DRS.M00102 Insufficient permissions.', status=403, error_code='DRS.M00102',
        error_msg='Insufficient permissions.', request_id='0' * 32, method='POST', url='https://drs.example.test/v3/p/jobs/batch-precheck')
    result = run_module(module, {'jobs': [jid(1)]}, drs)
    assert result['failed'] is True
    assert result['msg'] == 'POST batch-precheck failed: HTTP 403 DRS.M00102 Insufficient permissions.'
    assert result['error'] == {'status': 403, 'error_code': 'DRS.M00102', 'error_msg': 'Insufficient permissions.',
                               'request_id': '0' * 32, 'method': 'POST', 'url': 'https://drs.example.test/v3/p/jobs/batch-precheck'}
    assert job_result(result, jid(1))['name'] == 'job-001'
    assert_matches_return_doc(module, result)


def test_client_timeout_error_names_pending_jobs_by_name_and_id():
    drs = FakeDrs(FakeJob(jid(1)))
    drs.raise_on['batch_precheck_result'] = DrsTimeoutError(
        'The deadline passed while retrying POST batch-precheck-result.', pending=[jid(1)], last_seen={})
    result = run_module(module, {'jobs': [jid(1)]}, drs)
    assert result['failed'] is True
    assert result['msg'] == ('The deadline passed while retrying POST batch-precheck-result. Still pending: job-001 (%s) (no reply yet).'
                             % jid(1))
    assert result['pending_jobs'] == [jid(1)]
    assert_matches_return_doc(module, result)


def test_dual_active_parent_and_ready_backward_are_skipped():
    parent, forward, backward = jid(500), jid(501), jid(502)
    drs = FakeDrs(FakeJob(parent, role='parent', detail={'multi_write': True}),
                  FakeJob(forward, role='forward', parent_id=parent, status='INCRE_TRANSFER_STARTED'),
                  FakeJob(backward, role='backward', parent_id=parent))
    result = run_module(module, {'jobs': [parent, backward]}, drs)
    assert job_result(result, parent)['skipped_reason'] == (
        'parent task of a dual-active DR pair: DRS pre-checks its forward and backward tasks')
    assert job_result(result, backward)['skipped_reason'] == (
        'backward task of a dual-active DR pair whose forward task is INCRE_TRANSFER_STARTED needs no pre-check')
    assert drs.called('batch_precheck') == []
    assert drs.called('list_jobs') == [[]]       # the forward task was found through the parent's job list entry
    assert 'failed' not in result
    # what drs_batch_start needs to know of the pair, so that it does not read the jobs again (its option prechecked)
    assert job_result(result, parent)['dr_pair'] == {'role': 'parent', 'parent_id': None, 'forward_id': forward,
                                                     'forward_status': 'INCRE_TRANSFER_STARTED'}
    assert job_result(result, backward)['dr_pair'] == {'role': 'backward', 'parent_id': parent, 'forward_id': forward,
                                                       'forward_status': 'INCRE_TRANSFER_STARTED'}
    assert_matches_return_doc(module, result)


def test_secrets_never_appear_in_the_result():
    drs = FakeDrs(FakeJob(jid(1)))
    result = run_module(module, {'jobs': [jid(1)], 'auth_token': 'sEcReT-ToKeN-123'}, drs)
    assert 'sEcReT-ToKeN-123' not in str(result)


# -- outcomes ------------------------------------------------------------------------------------------------------

def test_every_job_has_an_outcome_from_the_closed_vocabulary():
    drs = FakeDrs(FakeJob(jid(1)), FakeJob(jid(2), precheck_outcome='fail'), FakeJob(jid(3), status='INCRE_TRANSFER_STARTED'),
                  FakeJob(jid(4), precheck='pass'))
    drs.refuse[jid(5)] = ('DRS.M00304', 'This API cannot be called in the current task status.')
    drs.jobs[jid(5)] = FakeJob(jid(5))
    result = run_module(module, {'jobs': [jid(1), jid(2), jid(3), jid(4), jid(5), jid(9)]}, drs)
    assert [job['outcome'] for job in result['jobs']] == ['passed', 'failed', 'skipped', 'passed', 'error', 'error']
    assert result['fate_known'] is True
    assert_matches_return_doc(module, result)


def test_a_result_read_that_fails_after_the_submission_leaves_the_outcome_unknown():
    drs = FakeDrs(FakeJob(jid(1)), FakeJob(jid(2), precheck_outcome='fail'))
    original = drs.batch_precheck_result

    def fail_after_submission(ids, deadline=None):
        if drs.called('batch_precheck'):
            raise DrsApiError('HTTP 500 DRS.M00004: Service abnormal.', status=500)
        return original(ids, deadline=deadline)
    drs.batch_precheck_result = fail_after_submission
    result = run_module(module, {'jobs': [jid(1), jid(2)]}, drs)
    assert result['failed'] is True
    assert [job['outcome'] for job in result['jobs']] == ['unknown', 'unknown']
    assert [job['passed'] for job in result['jobs']] == [None, None]
    assert result['fate_known'] is False and result['passed_jobs'] == []
    assert result['msg'] == 'HTTP 500 DRS.M00004: Service abnormal.'
    assert_matches_return_doc(module, result)


def test_wait_false_leaves_the_submitted_jobs_unknown():
    drs = FakeDrs(FakeJob(jid(1)))
    result = run_module(module, {'jobs': [jid(1)], 'wait': False}, drs)
    assert 'failed' not in result
    assert job_result(result, jid(1))['outcome'] == 'unknown' and result['fate_known'] is False


def test_check_mode_outcome_is_would_precheck_for_a_job_it_would_submit_or_wait_for():
    drs = FakeDrs(FakeJob(jid(1)), FakeJob(jid(2), precheck='running'), FakeJob(jid(3), precheck='pass'))
    result = run_module(module, {'jobs': [jid(1), jid(2), jid(3)]}, drs, check_mode=True)
    assert [job['outcome'] for job in result['jobs']] == ['would_precheck', 'would_precheck', 'passed']


def test_dual_active_ready_backward_needs_no_precheck_and_the_parent_is_skipped():
    parent, forward, backward = jid(500), jid(501), jid(502)
    drs = FakeDrs(FakeJob(parent, role='parent', detail={'multi_write': True}),
                  FakeJob(forward, role='forward', parent_id=parent, status='INCRE_TRANSFER_STARTED'),
                  FakeJob(backward, role='backward', parent_id=parent))
    result = run_module(module, {'jobs': [parent, backward]}, drs)
    assert [job['outcome'] for job in result['jobs']] == ['skipped', 'not_needed']


def test_a_submission_whose_reply_was_lost_is_unknown_not_an_error_of_the_job():
    drs = FakeDrs(FakeJob(jid(1)), FakeJob(jid(2)))
    drs.lose_precheck_reply.add(jid(1))
    result = run_module(module, {'jobs': [jid(1), jid(2)]}, drs)
    assert result['failed'] is True
    assert [job['outcome'] for job in result['jobs']] == ['unknown', 'passed']
    assert result['fate_known'] is False
    assert job_result(result, jid(1))['error']['error_msg'].startswith('outcome unknown')
    assert_matches_return_doc(module, result)


def reshape_reads(drs, method, reshape):
    """Let ``reshape(item, call_number)`` change every item ``method`` of the fake returns (a reply of an odd shape)."""
    read = getattr(drs, method)
    count = []

    def reshaped(ids, deadline=None, **kwargs):
        count.append(1)
        items, not_found = read(ids, deadline=deadline, **kwargs)
        return dict((job_id, reshape(dict(item), len(count))) for job_id, item in items.items()), not_found
    setattr(drs, method, reshaped)


def test_a_precheck_result_without_process_after_the_submission_is_waited_for_not_taken_as_final():
    drs = FakeDrs(FakeJob(jid(1)))

    def no_process_at_first(item, call):      # call 1: before submitting; 2 and 3: DRS has no result to show yet
        if call in (2, 3):
            item.pop('process', None)
        return item
    reshape_reads(drs, 'batch_precheck_result', no_process_at_first)
    result = run_module(module, {'jobs': [jid(1)], 'poll_interval': 5}, drs)
    assert 'failed' not in result
    assert job_result(result, jid(1))['outcome'] == 'passed'
    assert len(drs.called('batch_precheck_result')) >= 4


def test_an_integer_process_of_100_is_a_finished_precheck_not_a_wait_until_the_timeout():
    drs = FakeDrs(FakeJob(jid(1)))
    reshape_reads(drs, 'batch_precheck_result',
                  lambda item, call: dict(item, process=100) if item.get('process') == '100%' else item)
    started = drs.clock
    result = run_module(module, {'jobs': [jid(1)], 'poll_interval': 5, 'wait_timeout': 600}, drs)
    assert 'failed' not in result
    assert job_result(result, jid(1))['outcome'] == 'passed'
    assert drs.clock - started < 60
