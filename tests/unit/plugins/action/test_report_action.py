"""The action plugin of cloudops.drs.drs_report: rows given as they are, or made from variables read as they are.

The role runs that use it end to end are in tests/unit/roles/test_reports.py and the integration targets.
"""

import datetime
from unittest import mock

import pytest

from ansible.errors import AnsibleActionFail
from ansible.playbook.play_context import PlayContext

from ansible_collections.cloudops.drs.plugins.action import drs_report
from ansible_collections.cloudops.drs.plugins.filter.drs_report import drs_fleet_rows, drs_status_rows

J1 = '11111111-2222-4333-8444-5555555jb001'
J2 = '11111111-2222-4333-8444-5555555jb002'
START = {'changed': True, 'jobs': [{'id': J1, 'outcome': 'started', 'status_before': 'CONFIGURATION',
                                    'status_after': 'FULL_TRANSFER_STARTED'},
                                   {'id': J2, 'outcome': 'not_started', 'status_before': 'CONFIGURATION',
                                    'error': {'error_msg': 'held back'}}],
         'precheck': {'jobs': [{'id': J1, 'outcome': 'passed', 'total_passed_rate': '100%'},
                               {'id': J2, 'outcome': 'failed', 'total_passed_rate': '90%',
                                'failed_items': [{'item': 'binlog', 'reason': 'OFF'}]}]}}
TASK_VARS = {'inventory_hostname': 'eu-de', 'wave': {'jobs': [{'id': J1, 'name': 'orders'}, J2]}, 'run': START,
             'templated': '{{ run }}'}
COMMON = {'kind': 'fleet', 'stats_key': 'drs_wave', 'title': 'Wave', 'junit_name': 'wave',
          'columns': ['name', 'id', 'precheck', 'start'], 'headers': ['job', 'id', 'precheck', 'start'], 'basename': 'wave'}


NOW = datetime.datetime(2026, 12, 7, 20, 33, 27, 999999, tzinfo=datetime.timezone.utc)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    # two renderings compared with each other must not straddle a second: the clock stands still
    clock = mock.MagicMock(wraps=datetime)
    clock.datetime.now.return_value = NOW
    monkeypatch.setattr(drs_report, 'datetime', clock)


def run_action(args, task_vars=None):
    task = mock.MagicMock(args=dict(COMMON, **args), async_val=0, check_mode=False, diff=False)
    connection = mock.MagicMock(transport='local')
    action = drs_report.ActionModule(task, connection, PlayContext(), loader=None, templar=None, shared_loader_obj=None)
    return action.run(task_vars=dict(TASK_VARS if task_vars is None else task_vars))


def test_rows_from_variables_are_the_rows_the_filter_makes_from_their_values():
    made = run_action({'rows_from': {'jobs': 'wave.jobs', 'precheck': 'run.precheck', 'start': 'run'}})
    given = run_action({'rows': drs_fleet_rows(TASK_VARS['wave']['jobs'], precheck=START['precheck'], start=START)})
    assert 'failed' not in made and made == given
    assert made['stats']['generated'] == '2026-12-07T20:33:27Z'   # the clock stood still for both
    assert made['stats']['problem_jobs'] == [J2] and made['stats']['names'] == {J1: 'orders', J2: ''}
    assert made['table'][2].startswith('| orders ')


def test_a_variable_or_key_that_is_not_defined_is_none():
    result = run_action({'rows_from': {'jobs': 'wave.jobs', 'start': 'nothing', 'after': 'run.nothing.deeper'}})
    assert [problem['step'] for problem in result['problems']] == ['precheck', 'start', 'precheck', 'start']
    assert result['stats']['jobs']['start_unknown'] == [J1, J2]
    assert drs_report.read_variable(TASK_VARS, 'run.jobs.id') is None   # a key into a list: not defined
    assert drs_report.read_variable(TASK_VARS, 'wave') is TASK_VARS['wave']


def test_variables_are_read_as_they_are_never_templated():
    # a variable that holds a template is not evaluated: the filter gets the text and says it is not a result
    result = run_action({'rows_from': {'jobs': 'wave.jobs', 'start': 'templated'}})
    assert result['failed'] and 'start must be a module result' in result['msg']


def test_plain_arguments_of_the_row_filter_go_in_rows_args():
    info = {'jobs': [{'id': J1, 'status': 'INCRE_TRANSFER_STARTED', 'rpo_rto': {'rpo': {'delay': '120000'}}}]}
    result = run_action({'kind': 'status', 'rows_from': {'info': 'info'}, 'rows_args': {'rpo_rto_max': 60},
                         'columns': ['id', 'status'], 'headers': ['id', 'status']}, dict(TASK_VARS, info=info))
    assert result['stats']['problem_jobs'] == [r['id'] for r in drs_status_rows(info, rpo_rto_max=60) if not r['ok']]


@pytest.mark.parametrize('args, message', [
    ({'rows_from': {'jobz': 'wave.jobs'}}, 'jobz are not arguments of drs_fleet_rows (its arguments: jobs, precheck, start, after)'),
    ({'rows_from': {'jobs': 'wave.jobs'}, 'rows_args': {'jobs': []}}, 'jobs given in both rows_from and rows_args'),
    ({'rows_from': {'jobs': '{{ wave }}'}}, "rows_from jobs must be variable names, optionally with dot-separated keys"),
])
def test_bad_rows_from_is_a_clear_error(args, message):
    result = run_action(args)
    assert result['failed'] and message in result['msg'], result['msg']


@pytest.mark.parametrize('args, message', [
    ({'rows_from': {'jobs': 'wave.jobs'}, 'rows': []}, 'mutually exclusive: rows|rows_from'),
    ({}, 'one of the following is required: rows, rows_from'),
])
def test_rows_or_rows_from_and_not_both(args, message):
    with pytest.raises(AnsibleActionFail, match=message.replace('|', '[|]')):
        run_action(args)
