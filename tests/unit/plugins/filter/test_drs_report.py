"""Unit tests of the report filters (plugins/filter/drs_report.py) used by the two roles.

The module results below have the shapes drs_batch_precheck, drs_batch_start and drs_batch_info
document in RETURN; the tests check the rows, the problem list and the three renderings.
"""

import re
import xml.etree.ElementTree as ET

import pytest
from junitparser import Error, Failure, JUnitXml, Skipped

from ansible.errors import AnsibleFilterError

from ansible_collections.cloudops.drs.plugins.filter import drs_report as f

J1 = '140b5236-88ad-43c8-811c-1268453jb101'
J2 = '3f6c2a91-5b7e-4d10-9c2f-7a8e4b1jb102'
J3 = '2d8a6c47-9f1e-4b3a-8c5d-4f7a9e1jb106'
J4 = '6f3d0a71-8c2e-4a5b-9d7f-1b3e5c7jb108'
J5 = '7b2e9f13-4a6d-4c8b-b0e5-9d1f3a5jb104'


def precheck_job(job_id, name, passed=True, failed=(), alarm=(), skipped_reason=None, error=None, rate='100%', status='CONFIGURATION',
                 outcome=None):
    if outcome is None:
        outcome = 'error' if error else 'skipped' if skipped_reason else {True: 'passed', False: 'failed', None: 'unknown'}[passed]
    return {'id': job_id, 'name': name, 'status': status, 'submitted': skipped_reason is None, 'passed': passed,
            'process': '100%', 'total_passed_rate': rate, 'skipped_reason': skipped_reason, 'error': error, 'outcome': outcome,
            'failed_items': [{'item': i, 'group': 'db_params', 'reason': 'R_' + i.upper(), 'raw_message': 'raw ' + i}
                             for i in failed],
            'alarm_items': [{'item': i, 'group': 'network', 'reason': 'A_' + i.upper(), 'raw_message': ''} for i in alarm]}


def start_job(job_id, outcome, before='CONFIGURATION', after='FULL_TRANSFER_STARTED', started=True, scheduled=None, skipped=None, error=None,
              note=None):
    return {'id': job_id, 'name': None, 'status_before': before, 'status_after': after, 'started': started, 'outcome': outcome,
            'scheduled_start': scheduled, 'skipped_reason': skipped, 'note': note, 'error': error}


PRECHECK = [
    precheck_job(J1, 'orders'),
    precheck_job(J2, 'customers | sync'),
    precheck_job(J3, 'legacy-crm', passed=False, failed=['srcDbBinlogIsOff', 'dstDbPrivilegesIsEnough'], alarm=['dbParam'], rate='94%'),
    precheck_job(J4, 'payments', passed=None, skipped_reason='status INCRE_TRANSFER_STARTED does not allow a forStartJob pre-check',
                 rate=None, status='INCRE_TRANSFER_STARTED'),
    precheck_job(J5, 'billing', alarm=['srcDbBinlogExpireLogsDays']),
]
START = [
    start_job(J1, 'started'),
    start_job(J2, 'scheduled', after='WAITING_FOR_START', scheduled='2030-01-31T22:00:00Z'),
    start_job(J3, 'not_started', after='CONFIGURATION', started=False,
              error={'error_code': None, 'error_msg': 'the last pre-check failed (total passed rate 94%); fix it and pre-check again'}),
    start_job(J4, 'unchanged', before='INCRE_TRANSFER_STARTED', after='INCRE_TRANSFER_STARTED', started=False,
              skipped='already INCRE_TRANSFER_STARTED'),
    start_job(J5, 'failed', after='START_JOB_FAILED', started=True, error={'error_code': None, 'error_msg': 'start failed: START_JOB_FAILED (no route)'}),
]
AFTER = [
    {'id': J1, 'name': 'orders', 'status': 'FULL_TRANSFER_STARTED', 'progress': {'progress': '45', 'incre_trans_delay': '-1'}},
    {'id': J2, 'name': 'customers', 'status': 'WAITING_FOR_START', 'progress': {'progress': '0'}},
    {'id': J3, 'name': 'legacy-crm', 'status': 'CONFIGURATION', 'progress': None},
    {'id': J4, 'name': 'payments', 'status': 'INCRE_TRANSFER_STARTED', 'progress': {'progress': '100'}},
    {'id': J5, 'name': 'billing', 'status': 'START_JOB_FAILED', 'progress': {'progress': '0'}},
]
JOBS = [J1, {'id': J2, 'name': 'customers | sync'}, J3, J4, J5]


@pytest.fixture
def rows():
    return f.drs_fleet_rows(JOBS, precheck={'jobs': PRECHECK, 'failed': True}, start=START, after={'jobs': AFTER})


# ----------------------------------------------------------------------------- job list and step errors

def test_job_list_is_the_option_check_of_module_utils():
    result = f.drs_job_list([J1, {'id': J2, 'name': 'customers', 'start_time': '2099-01-31T22:00:00Z'}])
    assert result['errors'] == [] and result['ids'] == [J1, J2]
    assert result['jobs'] == [
        {'id': J1, 'name': '', 'start_time': ''},
        {'id': J2, 'name': 'customers', 'start_time': '2099-01-31T22:00:00Z'}]
    assert result['start_items'] == [J1, {'id': J2, 'start_time': '2099-01-31T22:00:00Z'}]
    assert f.drs_job_list([J1, J1])['errors'] == ['drs_jobs[1]: job %s is listed more than once' % J1]


def test_step_errors_name_each_failed_step_and_ignore_skipped_ones():
    steps = [['precheck', {'failed': True, 'msg': 'HTTP 401 APIGW.0301', 'fate_known': False}], ['start', {'failed': False, 'jobs': []}],
             ['status read', {'skipped': True}], ['crashed', {'failed': True}],
             ['known', {'failed': True, 'msg': 'Pre-check failed for 1 of 2 job(s)', 'fate_known': True}]]
    assert f.drs_step_errors(steps) == [{'step': 'precheck', 'msg': 'HTTP 401 APIGW.0301'},
                                        {'step': 'crashed', 'msg': 'the step failed without a message'},
                                        {'step': 'known', 'msg': 'Pre-check failed for 1 of 2 job(s)'}]
    with pytest.raises(AnsibleFilterError, match='pair'):
        f.drs_step_errors([['precheck']])


# ----------------------------------------------------------------------------- fleet rows

def test_target_is_the_project_and_region_of_the_first_result_that_has_one():
    skipped = {'skipped': True, 'changed': False}
    failed_early = {'failed': True, 'msg': 'no credentials', 'project_id': None, 'project_name': None, 'region': None}
    precheck = {'project_id': 'a' * 32, 'project_name': 'eu-de', 'region': 'eu-de', 'jobs': []}
    start = {'project_id': 'b' * 32, 'project_name': 'eu-nl', 'region': 'eu-nl', 'jobs': []}
    assert f.drs_target([skipped, failed_early, precheck, start]) == {'project': 'eu-de', 'project_id': 'a' * 32, 'region': 'eu-de'}
    assert f.drs_target([{'project_id': 'a' * 32, 'project_name': None, 'region': 'eu-de'}]) == {
        'project': 'a' * 32, 'project_id': 'a' * 32, 'region': 'eu-de'}
    assert f.drs_target([skipped, {}]) == {'project': '', 'project_id': '', 'region': ''}
    with pytest.raises(AnsibleFilterError):
        f.drs_target({'project_id': 'a' * 32})


def test_fleet_rows_put_the_module_outcomes_side_by_side(rows):
    by_id = dict((r['id'], r) for r in rows)
    assert [r['id'] for r in rows] == [J1, J2, J3, J4, J5]
    assert [(r['precheck'], r['start'], r['ok']) for r in rows] == [
        ('passed', 'started', True), ('passed', 'scheduled', True), ('failed', 'not_started', False),
        ('skipped', 'unchanged', True), ('passed', 'failed', False)]
    assert by_id[J2]['scheduled_start'] == '2030-01-31T22:00:00Z'
    assert by_id[J4]['start_reason'] == 'already INCRE_TRANSFER_STARTED'
    assert by_id[J5]['start_reason'] == 'start failed: START_JOB_FAILED (no route)'


def test_fleet_rows_take_names_from_the_job_list_first_then_from_drs(rows):
    assert [r['name'] for r in rows] == ['orders', 'customers | sync', 'legacy-crm', 'payments', 'billing']


def test_fleet_rows_carry_status_before_after_progress_and_pass_rate(rows):
    j1, j3 = rows[0], rows[2]
    assert (j1['status_before'], j1['status_after'], j1['progress'], j1['pass_rate']) == (
        'CONFIGURATION', 'FULL_TRANSFER_STARTED', '45%', '100%')
    assert (j3['status_before'], j3['status_after'], j3['progress'], j3['pass_rate']) == ('CONFIGURATION', 'CONFIGURATION', '', '94%')
    assert [i['item'] for i in j3['failed_items']] == ['srcDbBinlogIsOff', 'dstDbPrivilegesIsEnough']
    assert [i['item'] for i in j3['alarm_items']] == ['dbParam']


def test_a_job_a_module_did_not_report_is_unknown_and_not_ok():
    rows = f.drs_fleet_rows([J1, J2], precheck={'failed': True, 'msg': 'boom'}, start=[start_job(J1, 'started')])
    assert [(r['precheck'], r['start'], r['ok']) for r in rows] == [('unknown', 'started', True), ('unknown', 'unknown', False)]
    assert rows[1]['precheck_reason'] == 'the pre-check step did not report this job'
    assert rows[1]['start_reason'] == 'the start step did not report this job'


def test_fleet_rows_keep_held_back_and_check_mode_outcomes_as_the_start_module_said():
    start = [start_job(J1, 'blocked', started=False, skipped='not started: 1 other job(s) of this run cannot start'),
             start_job(J2, 'depends_on_precheck', after='CONFIGURATION', note='its pre-check would run now')]
    rows = f.drs_fleet_rows([J1, J2], precheck=[precheck_job(J1, 'a'), precheck_job(J2, 'b', passed=None, outcome='would_precheck')],
                            start=start)
    assert [(r['precheck'], r['start'], r['ok'], r['start_reason']) for r in rows] == [
        ('passed', 'blocked', False, 'not started: 1 other job(s) of this run cannot start'),
        ('would_precheck', 'depends_on_precheck', True, 'its pre-check would run now')]


def test_fleet_rows_report_a_precheck_that_could_not_be_submitted_as_error():
    pre = [precheck_job(J1, 'orders', passed=False, error={'error_code': 'DRS.M00304', 'error_msg': 'wrong state'})]
    row = f.drs_fleet_rows([J1], precheck=pre)[0]
    assert (row['precheck'], row['precheck_reason']) == ('error', 'wrong state')


def test_fleet_rows_refuse_something_that_is_not_a_result_list():
    with pytest.raises(AnsibleFilterError, match='precheck must be a module result'):
        f.drs_fleet_rows([J1], precheck='oops')


# ----------------------------------------------------------------------------- problems and text table

def test_problems_list_one_entry_per_failed_item_and_failed_start(rows):
    assert f.drs_problems(rows, 'fleet') == [
        {'id': J3, 'name': 'legacy-crm', 'step': 'precheck', 'item': 'srcDbBinlogIsOff', 'reason': 'R_SRCDBBINLOGISOFF: raw srcDbBinlogIsOff'},
        {'id': J3, 'name': 'legacy-crm', 'step': 'precheck', 'item': 'dstDbPrivilegesIsEnough',
         'reason': 'R_DSTDBPRIVILEGESISENOUGH: raw dstDbPrivilegesIsEnough'},
        {'id': J5, 'name': 'billing', 'step': 'start', 'item': '-', 'reason': 'start failed: START_JOB_FAILED (no route)'},
    ]


def test_problems_name_alarm_items_when_alarms_count_as_failures():
    pre = [precheck_job(J5, 'billing', passed=False, alarm=['srcDbBinlogExpireLogsDays'])]
    start = [start_job(J5, 'not_started', started=False, error={'error_code': None, 'error_msg': 'the last pre-check failed'})]
    problems = f.drs_problems(f.drs_fleet_rows([J5], precheck=pre, start=start), 'fleet')
    assert [(p['item'], p['reason']) for p in problems] == [('srcDbBinlogExpireLogsDays', 'A_SRCDBBINLOGEXPIRELOGSDAYS')]


def test_text_table_aligns_columns_and_flattens_newlines():
    lines = f.drs_text_table([{'a': 'x', 'b': 'two\nlines'}, {'a': 'longer', 'b': None}], ['a', 'b'], ['col a', 'b'])
    assert lines == [
        '| col a  | b         |',
        '|--------|-----------|',
        '| x      | two lines |',
        '| longer |           |',
    ]


# ----------------------------------------------------------------------------- Markdown

def table_rows(markdown):
    return [line for line in markdown.splitlines() if line.startswith('| ') and not line.startswith('| Job |')]


def test_markdown_has_one_row_per_job_with_every_column(rows):
    md = f.drs_report_markdown(rows, 'fleet', title='Fleet', generated='2030-01-01T00:00:00Z', context={'host': 'eu-de', 'region': ''})
    assert md.startswith('# Fleet\n\n- Generated: 2030-01-01T00:00:00Z\n- Host: eu-de\n\n')
    assert '**5 jobs**: 2 not OK. Precheck: 3 passed, 1 failed, 1 skipped. ' \
           'Start: 1 started, 1 scheduled, 1 unchanged, 1 failed, 1 not started.' in md
    lines = table_rows(md)
    assert len(lines) == 5
    assert lines[2] == ('| legacy-crm | `%s` | **failed** | 94%% | FAILED: `srcDbBinlogIsOff`, `dstDbPrivilegesIsEnough`<br>ALARM: `dbParam` '
                        '| CONFIGURATION | CONFIGURATION | **not started** | - |' % J3)
    assert lines[0] == '| orders | `%s` | passed | 100%% | - | CONFIGURATION | FULL_TRANSFER_STARTED | started | 45%% |' % J1


def test_markdown_escapes_pipes_so_the_table_keeps_its_columns(rows):
    md = f.drs_report_markdown(rows, 'fleet')
    row = [line for line in table_rows(md) if J2 in line][0]
    assert row.startswith('| customers \\| sync | ')
    assert len(re.findall(r'(?<!\\)\|', row)) == 10


def test_markdown_explains_problems_and_alarms_below_the_table(rows):
    md = f.drs_report_markdown(rows, 'fleet')
    problems = md.split('## Jobs not OK')[1].split('## Precheck alarms')[0]
    assert '### legacy-crm (%s)' % J3 in problems
    assert '  - FAILED `srcDbBinlogIsOff` (group db_params): R_SRCDBBINLOGISOFF: raw srcDbBinlogIsOff' in problems
    assert '- Start **failed**: start failed: START_JOB_FAILED (no route)' in problems
    alarms = md.split('## Precheck alarms')[1]
    assert '- ALARM `srcDbBinlogExpireLogsDays` (group network): A_SRCDBBINLOGEXPIRELOGSDAYS' in alarms
    assert '- payments (%s): status INCRE_TRANSFER_STARTED does not allow a forStartJob pre-check; already INCRE_TRANSFER_STARTED' % J4 in md


def test_markdown_and_junit_name_the_steps_that_failed(rows, tmp_path):
    errors = [{'step': 'precheck', 'msg': 'HTTP 500 DRS.M00004: Service abnormal.'}]
    md = f.drs_report_markdown(rows, 'fleet', errors=errors)
    assert '## Steps that failed\n\n- **precheck**: HTTP 500 DRS.M00004: Service abnormal.\n' in md
    xml = parse(f.drs_report_junit(rows, 'fleet', name='n', errors=errors), tmp_path)
    steps = [s for s in xml if s.name == 'n steps'][0]
    (case,) = list(steps)
    assert case.name == 'precheck' and isinstance(case.result[0], Error)
    assert case.result[0].message == 'HTTP 500 DRS.M00004: Service abnormal.'
    assert f.drs_report_stats(rows, 'fleet', errors=errors)['errors'] == errors


# ----------------------------------------------------------------------------- JUnit

def parse(xml_text, tmp_path):
    path = tmp_path / 'report.xml'
    path.write_text(xml_text, encoding='utf-8')
    return JUnitXml.fromfile(str(path))


def cases(suite):
    return dict((case.name, case) for case in suite)


def test_junit_has_a_suite_per_step_and_a_case_per_job(rows, tmp_path):
    xml = parse(f.drs_report_junit(rows, 'fleet', name='cloudops.drs.precheck_and_start', hostname='eu-de',
                                   generated='2030-01-01T00:00:00Z'), tmp_path)
    suites = dict((s.name, s) for s in xml)
    assert sorted(suites) == ['cloudops.drs.precheck_and_start.eu-de precheck', 'cloudops.drs.precheck_and_start.eu-de start']
    precheck = suites['cloudops.drs.precheck_and_start.eu-de precheck']
    start = suites['cloudops.drs.precheck_and_start.eu-de start']
    assert (precheck.tests, precheck.failures, precheck.errors, precheck.skipped) == (5, 1, 0, 1)
    assert (start.tests, start.failures, start.errors, start.skipped) == (5, 1, 0, 1)
    assert (xml.tests, xml.failures, xml.errors, xml.skipped) == (10, 2, 0, 2)


def test_junit_failed_precheck_is_a_failure_naming_each_item_and_reason(rows, tmp_path):
    xml = parse(f.drs_report_junit(rows, 'fleet', hostname='h'), tmp_path)
    precheck = [s for s in xml if s.name.endswith('precheck')][0]
    case = cases(precheck)['legacy-crm (%s)' % J3]
    assert case.classname == 'cloudops.drs.h.precheck'
    (result,) = case.result
    assert isinstance(result, Failure)
    assert result.type == 'PrecheckFailed'
    assert result.message == ('precheck failed: srcDbBinlogIsOff (R_SRCDBBINLOGISOFF: raw srcDbBinlogIsOff); '
                              'dstDbPrivilegesIsEnough (R_DSTDBPRIVILEGESISENOUGH: raw dstDbPrivilegesIsEnough)')
    assert result.text.splitlines() == ['srcDbBinlogIsOff [db_params] R_SRCDBBINLOGISOFF: raw srcDbBinlogIsOff',
                                        'dstDbPrivilegesIsEnough [db_params] R_DSTDBPRIVILEGESISENOUGH: raw dstDbPrivilegesIsEnough']
    skipped = cases(precheck)['payments (%s)' % J4].result
    assert isinstance(skipped[0], Skipped)
    assert cases(precheck)['orders (%s)' % J1].result == []


def test_junit_start_failures_pending_unknown_and_held_back_jobs(tmp_path):
    start = [start_job(J1, 'started'), start_job(J2, 'pending', after='STARTJOBING'), start_job(J3, 'blocked', started=False, skipped='held'),
             start_job(J5, 'failed', error={'error_code': None, 'error_msg': 'start failed'}), start_job(J4, 'unknown', error={
                 'error_code': None, 'error_msg': 'not decided'})]
    rows = f.drs_fleet_rows([J1, J2, J3, J5, J4], precheck=PRECHECK, start=start)
    start_suite = [s for s in parse(f.drs_report_junit(rows, 'fleet'), tmp_path) if s.name.endswith('start')][0]
    results = dict((name, case.result[0] if case.result else None) for name, case in cases(start_suite).items())
    assert isinstance(results['billing (%s)' % J5], Failure)
    assert isinstance(results['customers | sync (%s)' % J2], Error)
    assert isinstance(results['payments (%s)' % J4], Error) and results['payments (%s)' % J4].message == 'start unknown: not decided'
    assert isinstance(results['legacy-crm (%s)' % J3], Skipped)
    assert results['legacy-crm (%s)' % J3].message == 'held'
    assert results['orders (%s)' % J1] is None


def test_junit_escapes_markup_and_drops_characters_xml_cannot_hold(tmp_path):
    pre = [precheck_job(J1, 'a <b> & "c"', passed=False)]
    pre[0]['failed_items'] = [{'item': 'x', 'group': 'g', 'reason': 'R', 'raw_message': 'bad <tag> & \x00\x07 "quote"'}]
    text = f.drs_report_junit(f.drs_fleet_rows([J1], precheck=pre), 'fleet')
    ET.fromstring(text.split('\n', 1)[1])  # well-formed
    assert '\x00' not in text and '\x07' not in text
    case = cases([s for s in parse(text, tmp_path) if s.name.endswith('precheck')][0])['a <b> & "c" (%s)' % J1]
    assert case.result[0].message == 'precheck failed: x (R: bad <tag> &  "quote")'


# ----------------------------------------------------------------------------- set_stats

def test_stats_have_per_category_lists_counts_and_status(rows):
    stats = f.drs_report_stats(rows, 'fleet', report_files={'markdown': '/r/x.md'})
    assert stats['total'] == 5
    assert stats['ok'] is False
    assert stats['problem_jobs'] == [J3, J5]
    assert stats['jobs']['precheck_failed'] == [J3]
    assert stats['jobs']['start_started'] == [J1]
    assert stats['jobs']['start_scheduled'] == [J2]
    assert stats['counts']['precheck_passed'] == 3 and stats['errors'] == []
    assert stats['counts']['start_not_started'] == 1
    assert stats['counts']['problems'] == 2
    assert stats['status'][J5] == 'START_JOB_FAILED'
    assert stats['names'][J2] == 'customers | sync'
    assert stats['report_files'] == {'markdown': '/r/x.md'}


# ----------------------------------------------------------------------------- status rows

DR1 = '8d0e8e36-a618-490d-8a46-8c61ac9jb502'
DR2 = '0ea5c5a0-e1b5-4421-80a9-7c9ff27jb502'
GONE = '0a5b8c1d-1111-4222-8333-4444444jb999'
INFO = [
    {'id': J1, 'name': 'orders', 'status': 'INCRE_TRANSFER_STARTED', 'progress': {'progress': '100', 'incre_trans_delay': '3'}},
    {'id': J3, 'name': 'legacy', 'status': 'FULL_TRANSFER_FAILED', 'progress': {'progress': '12', 'incre_trans_delay': '-1'}},
    {'id': DR1, 'name': 'sessions-dr', 'status': 'INCRE_TRANSFER_STARTED', 'progress': {'progress': '100'}},
    {'id': DR2, 'name': 'analytics-dr', 'status': 'FULL_TRANSFER_STARTED', 'progress': {'progress': '40'}},
]
DR_INFO = [
    {'id': DR1, 'rpo_rto': {'job_id': DR1, 'rpo_info': {'delay': '1500'}, 'rto_info': {'delay': '900'}},
     'struct_process': {'struct_process': {'result': [{'type': 'table', 'status': 2}, {'type': 'view', 'status': 2}]}}},
    {'id': DR2, 'rpo_rto': {'job_id': DR2, 'rpo_info': {'delay': '-1'}, 'rto_info': {'delay': '-1'}},
     'struct_process': {'struct_process': {'result': [{'type': 'table', 'status': 1}, {'type': 'view', 'status': 2}]}}},
]


def test_status_rows_merge_the_dr_facets_and_flag_failed_states():
    rows = f.drs_status_rows(INFO, dr=DR_INFO)
    by_id = dict((r['id'], r) for r in rows)
    assert (by_id[J1]['ok'], by_id[J1]['incre_trans_delay'], by_id[J1]['rpo_rto_ok']) == (True, '3', None)
    assert by_id[J3]['problems'] == ['status FULL_TRANSFER_FAILED']
    assert (by_id[DR1]['rpo'], by_id[DR1]['rto'], by_id[DR1]['rpo_rto_ok']) == (1.5, 0.9, True)
    assert by_id[DR1]['dr_init'] == {'done': 2, 'total': 2, 'complete': True}
    # "-1" means not replicating yet: no RPO/RTO, not a pass
    assert (by_id[DR2]['rpo'], by_id[DR2]['rpo_rto_ok'], by_id[DR2]['ok']) == (None, None, True)
    assert by_id[DR2]['dr_init'] == {'done': 1, 'total': 2, 'complete': False}


def test_status_rows_flag_rpo_rto_over_the_limit_expected_status_and_unknown_jobs():
    rows = f.drs_status_rows(INFO, jobs=[{'id': DR1, 'name': 'dr'}, J1, DR2, GONE], not_found=[GONE], rpo_rto_max=1,
                             expected_status=['INCRE_TRANSFER_STARTED'], dr=DR_INFO)
    assert [(r['id'], r['name'], r['problems']) for r in rows] == [
        (DR1, 'dr', ['RPO/RTO 1.5/0.9 s over 1 s']),
        (J1, 'orders', []),
        (DR2, 'analytics-dr', ['status FULL_TRANSFER_STARTED is not one of INCRE_TRANSFER_STARTED']),
        (GONE, '', ['job not found']),
    ]


def test_status_markdown_junit_and_stats(tmp_path):
    rows = f.drs_status_rows(INFO, not_found=[GONE], rpo_rto_max=1, dr=DR_INFO)
    md = f.drs_report_markdown(rows, 'status', title='Status')
    assert '**5 jobs**: 3 with problems. Status: 1 FULL_TRANSFER_FAILED, 1 FULL_TRANSFER_STARTED, 2 INCRE_TRANSFER_STARTED, 1 NOT_FOUND.' in md
    assert len(table_rows(md)) == 5
    assert '| sessions-dr | `%s` | INCRE_TRANSFER_STARTED | 100%% | - | 1.5 | 0.9 | 2/2 object types (complete) | ' \
           '**RPO/RTO 1.5/0.9 s over 1 s** |' % DR1 in md
    xml = parse(f.drs_report_junit(rows, 'status', name='s'), tmp_path)
    suites = dict((s.name, s) for s in xml)
    assert (suites['s status'].failures, suites['s status'].errors) == (1, 1)
    assert (suites['s rpo_rto'].failures, suites['s rpo_rto'].skipped) == (1, 4)
    stats = f.drs_report_stats(rows, 'status')
    assert stats['jobs']['rpo_rto_exceeded'] == [DR1]
    assert stats['jobs']['not_found'] == [GONE]
    assert stats['jobs']['status_incre_transfer_started'] == [J1, DR1]
    assert stats['counts']['problems'] == 3


def test_renderers_refuse_rows_they_did_not_make_and_an_unknown_kind(rows):
    with pytest.raises(AnsibleFilterError, match='expected the rows'):
        f.drs_report_markdown([{'x': 1}], 'fleet')
    with pytest.raises(AnsibleFilterError, match='kind must be one of fleet, status'):
        f.drs_report_stats(rows, 'fleets')


# -- cutover rows ------------------------------------------------------------------------------------------------------

CUT_A, CUT_B, CUT_C = ('c0000000-0000-4000-8000-0000000jb00%d' % n for n in (1, 2, 3))


def readiness_result(*ready):
    """A drs_batch_info result with wait_until: CUT_A and CUT_B judged (ready as given), CUT_C not found."""
    jobs, not_ready = [], []
    for job_id, name, is_ready in zip((CUT_A, CUT_B), ('orders', 'billing'), ready):
        verdict = {'ready': is_ready, 'reasons': [] if is_ready else ['incremental delay 40 s is over max_delay 0 s'],
                   'delay': 0 if is_ready else 40, 'rpo': None, 'rto': None}
        jobs.append({'id': job_id, 'name': name, 'status': 'INCRE_TRANSFER_STARTED', 'readiness': verdict})
        if not is_ready:
            not_ready.append(dict(verdict, id=job_id, name=name, status='INCRE_TRANSFER_STARTED'))
    not_ready.append({'id': CUT_C, 'name': None, 'status': None, 'reasons': ['job not found'], 'delay': None, 'rpo': None, 'rto': None})
    return {'jobs': jobs, 'not_ready': not_ready, 'not_found': [CUT_C], 'all_ready': False}


def test_cutover_rows_carry_the_readiness_verdict_and_the_last_values():
    rows = f.drs_cutover_rows([CUT_A, CUT_B, CUT_C], readiness=readiness_result(True, False))
    assert [(r['id'], r['name'], r['ready'], r['delay'], r['stop'], r['ok']) for r in rows] == [
        (CUT_A, 'orders', True, 0, 'not_requested', True), (CUT_B, 'billing', False, 40, 'not_requested', False),
        (CUT_C, '', False, None, 'not_requested', False)]
    assert rows[2]['reasons'] == ['job not found']


def test_cutover_rows_without_a_job_list_take_the_jobs_of_the_readiness_result():
    rows = f.drs_cutover_rows([], readiness=readiness_result(True, True))
    assert [r['id'] for r in rows] == [CUT_A, CUT_B, CUT_C]


def test_a_job_the_readiness_step_did_not_judge_is_not_ready():
    rows = f.drs_cutover_rows([CUT_A], readiness={'failed': True, 'msg': 'boom'})
    assert (rows[0]['ready'], rows[0]['reasons'], rows[0]['ok']) == (False, ['the readiness step did not judge this job'], False)


def test_a_stop_asked_for_that_did_not_run_holds_every_job_and_none_is_ok():
    rows = f.drs_cutover_rows([CUT_A, CUT_B], readiness=readiness_result(True, False), stop=None, stop_requested=True)
    assert [(r['stop'], r['ok']) for r in rows] == [('held', False), ('held', False)]
    problems = f.drs_problems(rows, 'cutover')
    assert problems == [{'id': CUT_B, 'name': 'billing', 'step': 'readiness', 'item': '-',
                         'reason': 'incremental delay 40 s is over max_delay 0 s'}]


def test_cutover_rows_take_the_stop_outcome_and_a_job_the_stop_did_not_report_is_unknown():
    stop = {'jobs': [{'id': CUT_A, 'name': 'orders', 'status': 'RELEASE_RESOURCE_COMPLETE', 'outcome': 'stopped', 'error': None}]}
    rows = f.drs_cutover_rows([CUT_A, CUT_B], readiness=readiness_result(True, True), stop=stop, stop_requested=True)
    assert [(r['status'], r['stop'], r['stop_reason'], r['ok']) for r in rows] == [
        ('RELEASE_RESOURCE_COMPLETE', 'stopped', '', True),
        ('INCRE_TRANSFER_STARTED', 'unknown', 'the stop step did not report this job', False)]
    assert f.drs_problems(rows, 'cutover') == [{'id': CUT_B, 'name': 'billing', 'step': 'stop', 'item': '-',
                                                'reason': 'the stop step did not report this job'}]


def test_cutover_renderings_list_every_job_and_count_the_not_ready_ones(tmp_path):
    rows = f.drs_cutover_rows([CUT_A, CUT_B, CUT_C], readiness=readiness_result(True, False), stop=None, stop_requested=True)
    markdown = f.drs_report_markdown(rows, 'cutover', title='Cut-over')
    assert '**3 jobs**: 2 not ready. Stop: 3 held.' in markdown
    assert ('| billing | `%s` | INCRE_TRANSFER_STARTED | 40 | - | - | **no** | held | incremental delay 40 s is over '
            'max_delay 0 s<br>not every job is ready for cut-over: no job is stopped |' % CUT_B) in markdown
    path = tmp_path / 'cutover.xml'
    path.write_text(f.drs_report_junit(rows, 'cutover', name='cloudops.drs.cutover'), encoding='utf-8')
    suites = dict((suite.name, suite) for suite in JUnitXml.fromfile(str(path)))
    assert (suites['cloudops.drs.cutover readiness'].failures, suites['cloudops.drs.cutover stop'].skipped) == (2, 3)
    stats = f.drs_report_stats(rows, 'cutover')
    assert (stats['ok'], stats['jobs']['ready'], stats['jobs']['not_ready'], stats['counts']['stop_held']) == (
        False, [CUT_A], [CUT_B, CUT_C], 3)
