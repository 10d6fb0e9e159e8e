"""drs_batch_info against a scripted DRS client: one merged dict per job, secrets removed, nothing changed.

It also keeps only what it returns: without the detail facet, each detail is cut down to id, name and status as
it arrives; equal strings of the replies become one object (the module's memory on 10 000 jobs, tests/perf),
and the result is unchanged.
"""

import json
from unittest import mock

from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsApiError, DrsTimeoutError
from ansible_collections.cloudops.drs.plugins.module_utils._secrets import redact_secrets
from ansible_collections.cloudops.drs.plugins.modules import drs_batch_info as module
from ansible_collections.cloudops.drs.tests.unit.plugins.modules.utils import (
    MUTATING, FakeDrs, FakeJob, assert_matches_return_doc, jid, run_module)

FACETS = {'detail': 'batch_detail', 'progress': 'batch_progress', 'precheck': 'batch_precheck_result'}


class RecordingDrs(FakeDrs):
    """A FakeDrs that remembers the keep function each batch_detail call got."""

    def __init__(self, *jobs):
        super().__init__(*jobs)
        self.keeps = []

    def batch_detail(self, ids, deadline=None, keep=None):
        self.keeps.append(keep)
        return super().batch_detail(ids, deadline=deadline, keep=keep)


class DecodingDrs(FakeDrs):
    """A FakeDrs whose reply items are decoded from JSON one by one, as the client's are: no string object is shared."""

    def _read(self, method, ids, view):
        items, not_found = super()._read(method, ids, view)
        return dict((job_id, json.loads(json.dumps(item))) for job_id, item in items.items()), not_found

    def batch_detail(self, ids, deadline=None, keep=None):
        items, not_found = super().batch_detail(ids, deadline=deadline)   # keep after decoding, as the client does
        return dict((job_id, keep(item) if keep else item) for job_id, item in items.items()), not_found


def decoded_fleet():
    """Three jobs on a DecodingDrs: an alarm precheck and a secret, a failed precheck, a description longer than SHARED_STRING_MAX."""
    return DecodingDrs(FakeJob(jid(1), precheck='alarm', detail={'alarm_notify': {'topic_name': 'drs', 'auth_token': 'T0KEN'}}),
                       FakeJob(jid(2), precheck='fail', status='INCRE_TRANSFER_STARTED'),
                       FakeJob(jid(3), precheck='pass', detail={'description': 'd' * (module.SHARED_STRING_MAX + 1)}))


def run_and_keep_jobs(args, drs):
    """Run the module; return its JSON result and the job dicts it held in memory."""
    held = []
    get_result = module.DrsBatchInfo.get_result

    def keep_jobs(self):
        held.append(self.jobs)
        return get_result(self)

    with mock.patch.object(module.DrsBatchInfo, 'get_result', keep_jobs):
        result = run_module(module, args, drs)
    return result, held[-1]


def test_info_merges_status_and_progress_by_default():
    drs = FakeDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED'), FakeJob(jid(2)))
    result = run_module(module, {'jobs': [jid(2), jid(1)]}, drs)
    assert result['changed'] is False
    assert [(job['id'], job['name'], job['status']) for job in result['jobs']] == [
        (jid(2), 'job-002', 'CONFIGURATION'), (jid(1), 'job-001', 'INCRE_TRANSFER_STARTED')]
    assert list(result['jobs'][0]) == ['id', 'name', 'status', 'scheduled_start', 'progress']
    assert result['jobs'][1]['progress']['progress'] == '100'
    assert drs.methods() == ['batch_detail', 'batch_progress']
    assert result['not_found'] == []
    assert_matches_return_doc(module, result)


def test_info_reads_every_job_of_the_project_when_jobs_is_omitted():
    drs = FakeDrs(FakeJob(jid(1)), FakeJob(jid(2), status='FULL_TRANSFER_STARTED'))
    result = run_module(module, {'include': ['status', 'detail']}, drs)
    assert [job['id'] for job in result['jobs']] == [jid(1), jid(2)]
    assert drs.methods() == ['list_jobs', 'batch_detail']
    assert result['jobs'][1]['detail']['status'] == 'FULL_TRANSFER_STARTED'
    assert_matches_return_doc(module, result)


def test_info_lists_the_children_of_a_dual_active_parent():
    parent = jid(500)
    drs = FakeDrs(FakeJob(parent, role='parent'), FakeJob(jid(501), role='forward', parent_id=parent),
                  FakeJob(jid(502), role='backward', parent_id=parent))
    result = run_module(module, {'include': []}, drs)
    assert [job['id'] for job in result['jobs']] == [parent, jid(501), jid(502)]


def test_info_removes_secrets_from_details():
    drs = FakeDrs(FakeJob(jid(1), detail={'alarm_notify': {'topic_name': 'drs', 'auth_token': 'T0KEN'}}))
    result = run_module(module, {'jobs': [jid(1)], 'include': ['detail']}, drs)
    detail = result['jobs'][0]['detail']
    assert detail['source_endpoint'] == {'db_type': 'mysql', 'ip': '192.168.0.10', 'db_user': 'drs'}
    assert detail['target_endpoint'] == {'db_type': 'mysql', 'inst_id': 'e05a3679efe241d8b5dee80b17c1a863in01'}
    assert detail['alarm_notify'] == {'topic_name': 'drs'}
    for secret in ('Source-Passw0rd!', 'Target-Passw0rd!', 'KEYDATA', 'certpw', 'T0KEN'):
        assert secret not in str(result)


def test_info_reports_unknown_jobs_in_not_found():
    drs = FakeDrs(FakeJob(jid(1)))
    result = run_module(module, {'jobs': [jid(1), jid(9)], 'include': ['precheck', 'rpo_rto', 'struct_process']}, drs)
    assert 'failed' not in result
    assert result['not_found'] == [jid(9)]
    assert [job['id'] for job in result['jobs']] == [jid(1)]
    assert list(result['jobs'][0]) == ['id', 'name', 'status', 'scheduled_start', 'precheck', 'rpo_rto', 'struct_process']
    assert drs.called('batch_precheck_result') == [[jid(1)]]
    assert_matches_return_doc(module, result)


def test_info_with_no_facets_returns_id_name_status_from_one_call():
    drs = FakeDrs(FakeJob(jid(1)))
    result = run_module(module, {'jobs': [jid(1)], 'include': []}, drs)
    assert result['jobs'] == [{'id': jid(1), 'name': 'job-001', 'status': 'CONFIGURATION', 'scheduled_start': None}]
    assert drs.methods() == ['batch_detail']


def test_info_never_changes_anything_even_outside_check_mode():
    drs = FakeDrs(FakeJob(jid(1)))
    for check_mode in (False, True):
        result = run_module(module, {'jobs': [jid(1)], 'include': ['status', 'detail', 'progress', 'precheck']}, drs,
                            check_mode=check_mode)
        assert result['changed'] is False
    assert not [name for name in drs.methods() if name in MUTATING]


def test_info_api_error_fails_with_error_details():
    drs = FakeDrs(FakeJob(jid(1)))
    drs.raise_on['batch_detail'] = DrsApiError('POST batch-detail failed: HTTP 500 DRS.M00004 Service abnormal.', status=500,
                                               error_code='DRS.M00004', error_msg='Service abnormal.')
    result = run_module(module, {'jobs': [jid(1)]}, drs)
    assert result['failed'] is True
    assert result['msg'] == 'POST batch-detail failed: HTTP 500 DRS.M00004 Service abnormal.'
    assert result['error']['error_code'] == 'DRS.M00004'
    assert result['jobs'] == [] and result['not_found'] == []
    assert_matches_return_doc(module, result)


def test_info_keeps_a_found_job_whose_facet_reply_does_not_mention_it():
    drs = FakeDrs(FakeJob(jid(1)), FakeJob(jid(2), status='INCRE_TRANSFER_STARTED'))
    drs.omit['batch_rpo_rto'] = {jid(1)}
    result = run_module(module, {'jobs': [jid(1), jid(2)], 'include': ['status', 'rpo_rto']}, drs)
    assert 'failed' not in result
    assert result['not_found'] == []
    assert [(job['id'], job['status']) for job in result['jobs']] == [(jid(1), 'CONFIGURATION'), (jid(2), 'INCRE_TRANSFER_STARTED')]
    assert result['jobs'][0]['rpo_rto'] is None
    assert result['jobs'][1]['rpo_rto']['rpo_info']['delay'] == '0'
    assert_matches_return_doc(module, result)


def test_info_without_detail_keeps_only_id_name_and_status_of_each_detail():
    drs = RecordingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED'), FakeJob(jid(2)))
    result = run_module(module, {'jobs': [jid(2), jid(1), jid(3)], 'include': ['status', 'progress']}, drs)
    keep = drs.keeps[0]
    assert keep is not None
    assert keep({'id': jid(1), 'name': 'a', 'status': 'CONFIGURATION', 'error_code': None, 'source_endpoint': {'ip': '10.0.0.1'}}) == {
        'id': jid(1), 'name': 'a', 'status': 'CONFIGURATION', 'error_code': None, 'scheduled_start': None}
    assert [(job['id'], job['name'], job['status']) for job in result['jobs']] == [
        (jid(2), 'job-002', 'CONFIGURATION'), (jid(1), 'job-001', 'INCRE_TRANSFER_STARTED')]
    assert [list(job) for job in result['jobs']] == [['id', 'name', 'status', 'scheduled_start', 'progress']] * 2
    assert result['not_found'] == [jid(3)]
    assert_matches_return_doc(module, result)


def test_info_with_detail_keeps_each_full_detail_without_its_secrets():
    drs = RecordingDrs(FakeJob(jid(1)))
    result = run_module(module, {'jobs': [jid(1)], 'include': ['detail']}, drs)
    keep = drs.keeps[0]
    item = {'id': jid(1), 'name': 'a', 'error_code': None, 'source_endpoint': {'ip': '10.0.0.1', 'db_password': 'pw'}}
    assert keep(item) == {'id': jid(1), 'name': 'a', 'error_code': None, 'source_endpoint': {'ip': '10.0.0.1'}}
    assert result['jobs'][0]['detail']['source_endpoint'] == {'db_type': 'mysql', 'ip': '192.168.0.10', 'db_user': 'drs'}


def test_info_returns_every_reply_item_unchanged_but_for_its_secrets():
    ids = [jid(3), jid(1), jid(2)]
    result = run_module(module, {'jobs': ids, 'include': ['status', 'detail', 'progress', 'precheck']}, decoded_fleet())
    replies = decoded_fleet()
    expected = []
    for job_id in ids:
        job = replies.jobs[job_id]
        entry = {'id': job_id, 'name': job.name, 'status': job.status, 'scheduled_start': None}
        for facet, reader in FACETS.items():
            entry[facet] = redact_secrets(getattr(replies, reader)([job_id])[0][job_id])
        expected.append(entry)
    assert json.dumps(result['jobs']) == json.dumps(expected)   # same keys, order, types and values
    assert [item['result'] for item in result['jobs'][2]['precheck']['precheck_result']] == ['PASSED', 'PASSED', 'FAILED']
    assert 'T0KEN' not in json.dumps(result)
    assert_matches_return_doc(module, result)


def test_info_holds_one_object_per_distinct_short_string():
    dummy, jobs = run_and_keep_jobs({'jobs': [jid(1), jid(2), jid(3)], 'include': ['detail', 'progress', 'precheck']}, decoded_fleet())
    first, second, third = jobs
    assert first['detail']['source_endpoint']['db_type'] is second['detail']['target_endpoint']['db_type']
    assert first['progress']['task_mode'] is second['detail']['task_type']
    assert first['precheck']['precheck_result'][0]['group'] is second['precheck']['precheck_result'][0]['group']
    assert first['progress']['job_id'] is first['detail']['id'] is first['precheck']['precheck_id'] is first['id']
    assert list(first['detail'])[0] is list(second['detail'])[0]   # keys too
    assert third['detail']['description'] == 'd' * (module.SHARED_STRING_MAX + 1)   # longer strings stay as they came


def test_share_strings_returns_an_equal_copy_and_leaves_the_original_alone():
    text = '{"db_type": "mysql", "port": 3306, "ssl": true, "rate": 0.5, "none": null, "tags": ["a", "mysql", ["mysql"]]}'
    first, second = json.loads(text), json.loads(text)
    strings = {}
    shared = [module._share_strings(value, strings) for value in (first, second)]
    assert [json.dumps(value) for value in shared] == [text, text]
    assert shared[0] is not first and first == json.loads(text)
    assert shared[1]['db_type'] is shared[0]['db_type'] is shared[1]['tags'][1] is shared[1]['tags'][2][0]
    assert shared[1]['db_type'] is not second['db_type']
    assert sorted(strings) == ['a', 'db_type', 'mysql', 'none', 'port', 'rate', 'ssl', 'tags']


def test_handed_over_jobs_are_let_go_after_one_complete_pass_only():
    jobs = module.HandedOver([{'id': jid(1)}, {'id': jid(2)}])
    assert len(jobs) == 2 and jobs[1] == {'id': jid(2)}
    assert next(iter(jobs)) == {'id': jid(1)} and len(jobs) == 2   # a partial pass keeps them
    assert list(jobs) == [{'id': jid(1)}, {'id': jid(2)}]
    assert len(jobs) == 0 and list(jobs) == []


def test_ansible_core_copies_handed_over_jobs_into_a_plain_list_with_no_log_values_removed():
    from ansible.module_utils.common.parameters import remove_values
    jobs = module.HandedOver([{'id': jid(1), 'detail': {'note': 'pw-0001', 'tags': ['a']}}])
    copy = remove_values({'changed': False, 'jobs': jobs}, {'pw-0001'})
    assert type(copy['jobs']) is list   # pylint: disable=unidiomatic-typecheck
    assert copy['jobs'] == [{'id': jid(1), 'detail': {'note': 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER', 'tags': ['a']}}]
    assert len(jobs) == 0   # the module's own list is let go once copied


def test_info_hands_its_jobs_over_to_exit_json_and_keeps_none():
    handed = []

    class Recording(module.HandedOver):
        def __init__(self, items):
            super().__init__(items)
            handed.append(self)

    with mock.patch.object(module, 'HandedOver', Recording):
        result = run_module(module, {'jobs': [jid(1), jid(2)], 'include': ['status', 'detail', 'progress']},
                            FakeDrs(FakeJob(jid(1)), FakeJob(jid(2))))
    assert [job['id'] for job in result['jobs']] == [jid(1), jid(2)] and 'source_endpoint' in result['jobs'][0]['detail']
    assert list(result)[:3] == ['changed', 'jobs', 'not_found']
    assert len(handed) == 1 and len(handed[0]) == 0


def test_info_returns_the_scheduled_start_of_a_waiting_job_and_null_for_the_others():
    waiting = FakeJob(jid(1), status='WAITING_FOR_START')
    waiting.start_time = 1896127200000
    drs = FakeDrs(waiting, FakeJob(jid(2)))
    for args in ({'jobs': [jid(1), jid(2)]}, {}):       # named jobs, and every job of the project (the job list)
        result = run_module(module, dict(args, include=['status']), drs)
        assert dict((job['id'], job['scheduled_start']) for job in result['jobs']) == {
            jid(1): '2030-01-31T22:00:00Z', jid(2): None}
        assert_matches_return_doc(module, result)


def test_info_accepts_the_common_wait_options_of_group_module_defaults():
    drs = FakeDrs(FakeJob(jid(1)))
    result = run_module(module, {'jobs': [jid(1)], 'wait': True, 'wait_timeout': 60, 'poll_interval': 5}, drs)
    assert 'failed' not in result
    assert [job['id'] for job in result['jobs']] == [jid(1)]


def test_timeout_of_a_facet_read_names_the_pending_jobs_by_name_and_id():
    drs = FakeDrs(FakeJob(jid(1)), FakeJob(jid(2)))
    drs.raise_on['batch_progress'] = DrsTimeoutError(
        'The deadline passed while retrying POST batch-progress.', pending=[jid(1), jid(2)], last_seen={})
    result = run_module(module, {'jobs': [jid(1), jid(2)], 'include': ['status', 'progress']}, drs)
    assert result['failed'] is True
    assert result['msg'] == ('The deadline passed while retrying POST batch-progress. Still pending: job-001 (%s) (no reply yet), '
                             'job-002 (%s) (no reply yet).' % (jid(1), jid(2)))
    assert_matches_return_doc(module, result)


# -- wait_until: cut-over readiness ----------------------------------------------------------------------------------

class DelayDrs(FakeDrs):
    """A FakeDrs whose batch-progress reports each job's incremental delay from its ``rpo_ms`` list (one per tick,
    seconds = ms // 1000; -1 outside the incremental phase)."""

    def batch_progress(self, ids, deadline=None):
        def view(job):
            delay = str(job.rpo_ms[0] // 1000) if job.rpo_ms and job.status == 'INCRE_TRANSFER_STARTED' else '-1'
            return {'id': job.id, 'job_id': job.id, 'progress': '100', 'transfer_status': job.status,
                    'incre_trans_delay': delay, 'task_mode': 'FULL_INCR_TRANS'}
        return self._read('batch_progress', ids, view)


def incremental(number, delays_s, **kwargs):
    return FakeJob(jid(number), status='INCRE_TRANSFER_STARTED', rpo_ms=[d * 1000 for d in delays_s], **kwargs)


READY_AT_ZERO = {'status': ['INCRE_TRANSFER_STARTED'], 'max_delay': 0}


def test_wait_until_returns_once_every_job_is_ready_and_sends_only_reads():
    drs = DelayDrs(incremental(1, [30, 10, 0]), incremental(2, [5, 0]))
    result = run_module(module, {'jobs': [jid(1), jid(2)], 'include': ['status'], 'wait_until': READY_AT_ZERO,
                                 'poll_interval': 10}, drs)
    assert 'failed' not in result
    assert (result['all_ready'], result['ready'], result['not_ready']) == (True, [jid(1), jid(2)], [])
    assert result['jobs'][0]['readiness'] == {'ready': True, 'reasons': [], 'delay': 0, 'rpo': None, 'rto': None}
    assert drs.clock == 1020.0                          # two sleeps of poll_interval: ready at the third read
    assert drs.methods().count('batch_status') == 3
    assert not set(drs.methods()) & set(MUTATING)
    assert_matches_return_doc(module, result)


def test_wait_until_fails_at_the_timeout_with_each_job_not_ready_and_its_last_values():
    drs = DelayDrs(incremental(1, [0]), incremental(2, [45]), FakeJob(jid(3), status='FULL_TRANSFER_STARTED'))
    result = run_module(module, {'jobs': [jid(1), jid(2), jid(3), jid(9)], 'include': ['status'], 'wait_until': READY_AT_ZERO,
                                 'wait_timeout': 30, 'poll_interval': 10}, drs)
    assert result['failed'] is True
    assert result['all_ready'] is False
    assert result['ready'] == [jid(1)]
    assert result['not_ready'] == [
        {'id': jid(2), 'name': 'job-002', 'status': 'INCRE_TRANSFER_STARTED', 'reasons': ['incremental delay 45 s is over max_delay 0 s'],
         'delay': 45, 'rpo': None, 'rto': None},
        {'id': jid(3), 'name': 'job-003', 'status': 'FULL_TRANSFER_STARTED', 'delay': None, 'rpo': None, 'rto': None,
         'reasons': ['status FULL_TRANSFER_STARTED is not one of INCRE_TRANSFER_STARTED',
                     'incremental delay unknown (not in the incremental phase)']},
        {'id': jid(9), 'name': None, 'status': None, 'reasons': ['job not found'], 'delay': None, 'rpo': None, 'rto': None}]
    assert result['msg'].startswith('3 of 4 jobs not ready for the wait_until condition after ')
    assert result['msg'].endswith(': job-002 (%s): incremental delay 45 s is over max_delay 0 s | job-003 (%s): status '
                                  'FULL_TRANSFER_STARTED is not one of INCRE_TRANSFER_STARTED; incremental delay unknown '
                                  '(not in the incremental phase) | %s: job not found' % (jid(2), jid(3), jid(9)))
    assert drs.clock == 1030.0                          # never past the deadline; the last read at it
    assert_matches_return_doc(module, result)


def test_wait_until_with_fail_on_not_ready_false_only_reports():
    drs = DelayDrs(incremental(1, [45]))
    result = run_module(module, {'jobs': [jid(1)], 'wait_until': READY_AT_ZERO, 'wait_timeout': 20,
                                 'fail_on_not_ready': False}, drs)
    assert 'failed' not in result
    assert (result['all_ready'], result['ready'], [row['id'] for row in result['not_ready']]) == (False, [], [jid(1)])


def test_wait_until_with_wait_false_judges_once_without_sleeping():
    drs = DelayDrs(incremental(1, [45, 0]))
    result = run_module(module, {'jobs': [jid(1)], 'wait_until': READY_AT_ZERO, 'wait': False}, drs)
    assert result['failed'] is True
    assert result['msg'] == ('1 of 1 jobs not ready for the wait_until condition: job-001 (%s): incremental delay 45 s '
                             'is over max_delay 0 s' % jid(1))
    assert drs.clock == 1000.0


def test_stable_for_needs_the_condition_at_every_read_for_that_long():
    # ready, not ready, then ready for good: the stable window starts again at the third read
    drs = DelayDrs(incremental(1, [0, 3, 0]))
    result = run_module(module, {'jobs': [jid(1)], 'wait_until': dict(READY_AT_ZERO, stable_for=25), 'poll_interval': 10}, drs)
    assert result['all_ready'] is True
    assert drs.clock == 1045.0                          # reads at 0, 10, 20, 30, 40 and 45 (when the 25 s end)


def test_stable_for_not_reached_by_the_timeout_says_for_how_long_the_job_was_ready():
    drs = DelayDrs(incremental(1, [0]))
    result = run_module(module, {'jobs': [jid(1)], 'wait_until': dict(READY_AT_ZERO, stable_for=60), 'wait_timeout': 30,
                                 'poll_interval': 10}, drs)
    assert result['failed'] is True
    assert result['not_ready'][0]['reasons'] == ['ready for 30 s of the 60 s of stable_for']


def test_wait_until_reads_the_rpo_and_rto_of_disaster_recovery_jobs():
    drs = DelayDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED', rpo_ms=[90000, 2000]))
    result = run_module(module, {'jobs': [jid(1)], 'include': [], 'wait_until': {'max_rpo': 5, 'max_rto': 5}}, drs)
    assert result['all_ready'] is True
    assert result['jobs'][0]['readiness'] == {'ready': True, 'reasons': [], 'delay': None, 'rpo': 2.0, 'rto': 2.0}
    assert 'batch_progress' not in drs.methods() and 'batch_rpo_rto' in drs.methods()


def test_wait_until_runs_in_check_mode_because_it_only_reads():
    drs = DelayDrs(incremental(1, [5, 0]))
    result = run_module(module, {'jobs': [jid(1)], 'wait_until': READY_AT_ZERO}, drs, check_mode=True)
    assert result['all_ready'] is True
    assert not set(drs.methods()) & set(MUTATING)


def test_a_bad_wait_until_fails_before_any_request():
    drs = DelayDrs(incremental(1, [0]))
    result = run_module(module, {'jobs': [jid(1)], 'wait_until': {'max_delay': -5, 'stable': 3}}, drs)
    assert result['failed'] is True
    assert result['msg'] == ('wait_until: unknown key(s) stable; the keys are status, max_delay, max_rpo, max_rto, stable_for. '
                             'wait_until.max_delay must be a number of seconds >= 0, got -5.')
    assert drs.calls == [] and drs.built == 0
    assert result['all_ready'] is False


def test_without_wait_until_the_readiness_keys_are_empty():
    drs = FakeDrs(FakeJob(jid(1)))
    result = run_module(module, {'jobs': [jid(1)]}, drs)
    assert (result['all_ready'], result['ready'], result['not_ready']) == (None, [], [])
    assert 'readiness' not in result['jobs'][0]


def test_a_read_that_fails_during_the_wait_keeps_every_job_not_ready():
    drs = DelayDrs(incremental(1, [0]))
    drs.raise_on['batch_status'] = DrsApiError('boom', status=500, error_code='DRS.M00001', error_msg='Internal error.')
    result = run_module(module, {'jobs': [jid(1)], 'wait_until': READY_AT_ZERO}, drs)
    assert result['failed'] is True
    assert result['all_ready'] is False
    assert result['not_ready'][0]['reasons'] == ['not read (the wait did not finish)']
    assert_matches_return_doc(module, result)


def test_an_included_facet_the_wait_reads_is_the_reply_of_its_last_read():
    drs = DelayDrs(incremental(1, [30, 0]))
    result = run_module(module, {'jobs': [jid(1)], 'include': ['status', 'progress'], 'wait_until': READY_AT_ZERO}, drs)
    assert result['jobs'][0]['progress']['incre_trans_delay'] == '0'
    assert_matches_return_doc(module, result)
