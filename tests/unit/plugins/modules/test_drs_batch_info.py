"""drs_batch_info against a scripted DRS client: one merged dict per job, secrets removed, nothing changed."""

from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsApiError
from ansible_collections.cloudops.drs.plugins.modules import drs_batch_info as module
from ansible_collections.cloudops.drs.tests.unit.plugins.modules.utils import (
    MUTATING, FakeDrs, FakeJob, assert_matches_return_doc, jid, run_module)


def test_info_merges_status_and_progress_by_default():
    drs = FakeDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED'), FakeJob(jid(2)))
    result = run_module(module, {'jobs': [jid(2), jid(1)]}, drs)
    assert result['changed'] is False
    assert [(job['id'], job['name'], job['status']) for job in result['jobs']] == [
        (jid(2), 'job-002', 'CONFIGURATION'), (jid(1), 'job-001', 'INCRE_TRANSFER_STARTED')]
    assert list(result['jobs'][0]) == ['id', 'name', 'status', 'progress']
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
    assert list(result['jobs'][0]) == ['id', 'name', 'status', 'precheck', 'rpo_rto', 'struct_process']
    assert drs.called('batch_precheck_result') == [[jid(1)]]
    assert_matches_return_doc(module, result)


def test_info_with_no_facets_returns_id_name_status_from_one_call():
    drs = FakeDrs(FakeJob(jid(1)))
    result = run_module(module, {'jobs': [jid(1)], 'include': []}, drs)
    assert result['jobs'] == [{'id': jid(1), 'name': 'job-001', 'status': 'CONFIGURATION'}]
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
