"""module_utils/_options.py: every option check that the argument spec cannot express, and start times."""

import calendar

import pytest

from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsConfigError
from ansible_collections.cloudops.drs.plugins.module_utils._options import (
    format_epoch_ms, parse_start_time, validate_job_list, validate_options)
from ansible_collections.cloudops.drs.tests.unit.plugins.modules.utils import jid

NOW_MS = calendar.timegm((2030, 1, 1, 0, 0, 0)) * 1000
ID_HELP = ('A DRS job id has 36 characters, lower-case letters and digits grouped 8-4-4-4-12, '
           'for example 140b5236-88ad-43c8-811c-1268453jb101.')
NAME_HELP = ' A job name (exact, case-sensitive) has 4 to 50 characters.'


def problems(params, job_keys=()):
    with pytest.raises(DrsConfigError) as exc:
        validate_options(params, job_keys, now=NOW_MS)
    return str(exc.value)


# -- validate_options ------------------------------------------------------------------------------------------------

def test_validation_rejects_an_empty_job_list():
    assert problems({'jobs': []}) == 'jobs must list at least one DRS job id or name.'


def test_validation_names_every_entry_that_is_neither_an_id_nor_a_name_with_its_position():
    message = problems({'jobs': [jid(1), 'bad', '140B5236-88AD-43C8-811C-1268453JB101', 'x' * 51]})
    assert message == ("Invalid job ids or names: jobs[1] 'bad', jobs[2] '140B5236-88AD-43C8-811C-1268453JB101', jobs[3] '%s'. "
                       % ('x' * 51) + ID_HELP + NAME_HELP)


def test_validation_rejects_a_job_id_with_a_trailing_newline():
    assert problems({'jobs': [jid(1) + '\n']}) == "Invalid job id or name: jobs[0] '%s\\n'. " % jid(1) + ID_HELP + NAME_HELP


def test_validation_takes_an_entry_that_is_not_in_the_id_form_as_a_name():
    options = validate_options({'jobs': ['orders-mysql', {'id': 'billing-sync', 'mode': 'forRetryJob'}, jid(3), 'orders-mysql'],
                                'mode': 'forStartJob'}, ('mode',), now=NOW_MS)
    assert options.jobs == [{'id': None, 'by_name': 'orders-mysql', 'mode': 'forStartJob'},
                            {'id': None, 'by_name': 'billing-sync', 'mode': 'forRetryJob'},
                            {'id': jid(3), 'mode': 'forStartJob'}]
    assert options.warnings == ['jobs: orders-mysql is listed 2 times; it is handled once.']


def test_validation_checks_dict_entries_and_their_keys():
    message = problems({'jobs': [{'mode': 'forStartJob'}, {'id': jid(2), 'start': 'now'}, 42], 'mode': 'forStartJob'}, ('mode',))
    assert message == ('jobs[0]: a job given as a dict needs the key id. '
                       'jobs[1]: unknown key start (allowed keys: id, mode). '
                       'jobs[2]: expected a job id or name, or a dict with the keys id, mode, got int.')


def test_validation_rejects_an_unknown_per_job_precheck_mode():
    message = problems({'jobs': [{'id': jid(1), 'mode': 'forEver'}], 'mode': 'forStartJob'}, ('mode',))
    assert message == "jobs[0].mode: 'forEver' is not one of forStartJob, forRetryJob."


def test_validation_rejects_dicts_where_only_ids_are_allowed():
    assert problems({'jobs': [{'id': jid(1)}]}) == 'jobs[0]: expected a job id or name string, got a dict.'


def test_validation_checks_ranges_and_positive_seconds_together():
    message = problems({'jobs': [jid(1)], 'batch_size': 11, 'max_concurrency': 0, 'wait_timeout': 0, 'poll_interval': -5,
                        'api_timeout': 30, 'rpo_rto_max': 0})
    assert message == ('batch_size must be between 1 and 10 (a DRS batch call takes at most 10 jobs), got 11. '
                       'max_concurrency must be between 1 and 32, got 0. '
                       'wait_timeout must be a positive number of seconds, got 0. '
                       'poll_interval must be a positive number of seconds, got -5. '
                       'rpo_rto_max must be a positive number of seconds, got 0.')


def test_validation_removes_duplicates_with_a_warning():
    options = validate_options({'jobs': [jid(1), jid(2), jid(1), {'id': jid(1)}], 'mode': 'forStartJob'}, ('mode',), now=NOW_MS)
    assert options.jobs == [{'id': jid(1), 'mode': 'forStartJob'}, {'id': jid(2), 'mode': 'forStartJob'}]
    assert options.warnings == ['jobs: %s is listed 3 times; it is handled once.' % jid(1)]


def test_validation_rejects_duplicates_with_different_settings():
    message = problems({'jobs': [jid(1), {'id': jid(1), 'mode': 'forRetryJob'}], 'mode': 'forStartJob'}, ('mode',))
    assert message == 'jobs: %s is listed more than once with different settings (jobs[0] and jobs[1]).' % jid(1)


def test_validation_fills_per_job_settings_from_the_top_level_option():
    options = validate_options({'jobs': [jid(1), {'id': jid(2), 'start_time': '2030-01-02T00:00:00Z'}],
                                'start_time': 1893542400000 + 3600000}, ('start_time',), now=NOW_MS)
    assert options.jobs == [{'id': jid(1), 'start_time': '1893546000000'}, {'id': jid(2), 'start_time': '1893542400000'}]


def test_validation_keeps_omitted_jobs_as_every_job_and_dedupes_facets():
    options = validate_options({'jobs': None, 'include': ['status', 'detail', 'status']}, now=NOW_MS)
    assert options.jobs is None
    assert options.include == ['status', 'detail']


# -- start times --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('value, expected', [
    ('2030-01-31T22:00:00Z', calendar.timegm((2030, 1, 31, 22, 0, 0)) * 1000),
    ('2030-01-31T23:00:00+01:00', calendar.timegm((2030, 1, 31, 22, 0, 0)) * 1000),
    ('2030-01-31 17:30:00-0430', calendar.timegm((2030, 1, 31, 22, 0, 0)) * 1000),
    ('2030-01-31T22:00:00.250Z', calendar.timegm((2030, 1, 31, 22, 0, 0)) * 1000 + 250),
    ('2030-01-31T22:00', calendar.timegm((2030, 1, 31, 22, 0, 0)) * 1000),          # naive: UTC
    (1896127200000, 1896127200000),
    ('1896127200000', 1896127200000),
])
def test_start_time_accepts_iso_8601_and_epoch_milliseconds(value, expected):
    assert parse_start_time(value, 'start_time', NOW_MS) == expected


@pytest.mark.parametrize('value, message', [
    ('tomorrow', "start_time: 'tomorrow' is neither an ISO 8601 date and time (for example 2030-01-31T22:00:00Z) nor epoch milliseconds."),
    ('2030-02-30T10:00:00Z', "start_time: '2030-02-30T10:00:00Z' is not a valid date and time."),
    (1896127200, 'start_time: 1896127200 looks like epoch seconds; give epoch milliseconds (for example 1896127200000) '
                 'or an ISO 8601 date and time.'),
    ('2029-12-31T23:59:59Z', 'start_time 2029-12-31T23:59:59Z is in the past (now is 2030-01-01T00:00:00Z); give a future time, '
                             'or leave start_time out to start at once.'),
])
def test_start_time_errors_say_what_is_wrong(value, message):
    with pytest.raises(ValueError) as exc:
        parse_start_time(value, 'start_time', NOW_MS)
    assert str(exc.value) == message


def test_format_epoch_ms_is_iso_8601_utc():
    assert format_epoch_ms(1896127200000) == '2030-01-31T22:00:00Z'
    assert format_epoch_ms(1896127200250) == '2030-01-31T22:00:00.250Z'


# -- the prechecked records of drs_batch_start ----------------------------------------------------------------------

def test_prechecked_records_keep_the_outcome_and_the_error():
    record = {'id': jid(1), 'name': 'orders', 'status': 'CONFIGURATION', 'passed': None, 'outcome': 'unknown',
              'error': None, 'dr_pair': None, 'total_passed_rate': None, 'failed_items': []}
    options = validate_options({'jobs': [jid(1)], 'prechecked': [record]}, ('start_time',), now=NOW_MS)
    assert options.prechecked == {jid(1): {'id': jid(1), 'name': 'orders', 'status': 'CONFIGURATION', 'outcome': 'unknown',
                                           'total_passed_rate': None, 'error': None, 'dr_pair': None, 'alarm_items': 0}}


def test_prechecked_absent_is_none_and_empty_is_an_empty_dict():
    assert validate_options({'jobs': [jid(1)]}, now=NOW_MS).prechecked is None
    assert validate_options({'jobs': [jid(1)], 'prechecked': []}, now=NOW_MS).prechecked == {}


def test_prechecked_rejects_an_outcome_outside_the_vocabulary():
    message = problems({'jobs': [jid(1)], 'prechecked': [{'id': jid(1), 'status': 'CONFIGURATION', 'outcome': 'probably'}]})
    assert message == ("prechecked[0].outcome: 'probably' is not one of passed, failed, error, pending, skipped, not_needed, "
                       "would_precheck, unknown.")


# -- validate_job_list (the roles' drs_jobs) ------------------------------------------------------------------------

def test_job_list_normalises_ids_and_dicts_with_their_start_items():
    checked = validate_job_list([jid(1), {'id': jid(2), 'name': 'orders', 'start_time': '2030-02-01T00:00:00Z'}],
                                now=NOW_MS)
    assert checked == {'errors': [], 'jobs': [
        {'id': jid(1), 'name': '', 'start_time': ''},
        {'id': jid(2), 'name': 'orders', 'start_time': '2030-02-01T00:00:00Z'}],
        'ids': [jid(1), jid(2)], 'start_items': [jid(1), {'id': jid(2), 'start_time': '2030-02-01T00:00:00Z'}],
        'needs_selection': False, 'empty_selection': False}


def test_job_list_names_every_problem_without_raising():
    checked = validate_job_list([jid(1), jid(1), 'bad', {'id': jid(3), 'colour': 'red'}, 7, {'name': 'x'}],
                                start_time='2001-01-01T00:00:00Z', now=NOW_MS)
    assert checked['errors'] == [
        'drs_jobs[0] start time 2001-01-01T00:00:00Z is in the past (now is 2030-01-01T00:00:00Z); give a future time, '
        'or leave start_time out to start at once.',
        'drs_jobs[1]: job %s is listed more than once' % jid(1),
        "drs_jobs[2]: 'bad' is neither a DRS job id nor a job name. " + ID_HELP + NAME_HELP,
        'drs_jobs[3] has unknown keys colour (allowed: id, name, start_time)',
        'drs_jobs[3] start time 2001-01-01T00:00:00Z is in the past (now is 2030-01-01T00:00:00Z); give a future time, '
        'or leave start_time out to start at once.',
        'drs_jobs[4] must be a job id or name, or a dict with an id, got int',
        'drs_jobs[5] has no id',
    ]


def test_job_list_must_be_a_non_empty_list():
    assert validate_job_list([])['errors'] == [
        'drs_jobs is empty: list the ids or names of the DRS jobs to work on, or give drs_filters']
    assert validate_job_list('x')['errors'] == ['drs_jobs must be a list of job ids, names or dicts, got str']


def test_job_list_takes_names_and_filters_and_then_needs_a_selection():
    assert validate_job_list([jid(1)], now=NOW_MS)['needs_selection'] is False
    checked = validate_job_list([jid(1), {'id': 'orders-mysql', 'start_time': '2030-02-01T00:00:00Z'}], now=NOW_MS)
    assert (checked['errors'], checked['needs_selection'], checked['ids']) == ([], True, [jid(1), 'orders-mysql'])
    checked = validate_job_list([], filters={'name': 'orders-*'}, now=NOW_MS)
    assert (checked['errors'], checked['needs_selection'], checked['jobs']) == ([], True, [])
    assert validate_job_list(None, filters={'colour': 'red'}, now=NOW_MS)['errors'] == [
        'drs_filters: unknown key colour (allowed: name, status, db_use_type, engine_type, net_type, tags, '
        'enterprise_project_id).']


def test_job_list_with_a_selection_keeps_each_entry_settings_and_fills_names_from_drs():
    selection = [{'id': jid(2), 'name': 'orders-mysql'}, {'id': jid(1), 'name': 'billing'}, {'id': jid(3), 'name': 'crm'}]
    checked = validate_job_list([jid(1), {'id': 'orders-mysql', 'name': 'Orders', 'start_time': '2030-02-01T00:00:00Z'}],
                                start_time='2030-03-01T00:00:00Z', filters={'status': ['CONFIGURATION']},
                                selection=selection, now=NOW_MS)
    assert checked['errors'] == [] and checked['empty_selection'] is False
    assert checked['jobs'] == [
        {'id': jid(2), 'name': 'Orders', 'start_time': '2030-02-01T00:00:00Z'},
        {'id': jid(1), 'name': 'billing', 'start_time': '2030-03-01T00:00:00Z'},
        {'id': jid(3), 'name': 'crm', 'start_time': '2030-03-01T00:00:00Z'}]
    assert checked['start_items'] == [dict(id=job['id'], start_time=job['start_time']) for job in checked['jobs']]


def test_job_list_says_when_a_selection_is_empty():
    checked = validate_job_list([], filters={'name': 'nothing-*'}, selection=[], now=NOW_MS)
    assert (checked['errors'], checked['ids'], checked['empty_selection']) == ([], [], True)
