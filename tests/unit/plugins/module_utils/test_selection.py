"""module_utils/_selection.py: ids or names, the filters, which filter is whose, name resolution."""

import pytest

from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsConfigError
from ansible_collections.cloudops.drs.plugins.module_utils._selection import (
    apply_names, flatten, intersect, is_job_id, is_job_name, job_tags, list_request_filters, listed_candidates, matches,
    resolve_names, tagged_candidates, tags_match, validate_filters)
from ansible_collections.cloudops.drs.tests.unit.plugins.modules.utils import jid

LISTED = [
    {'id': jid(1), 'name': 'orders-mysql', 'status': 'CONFIGURATION', 'db_use_type': 'migration', 'engine_type': 'mysql',
     'net_type': 'vpc'},
    {'id': jid(2), 'name': 'orders-mysql-2', 'status': 'INCRE_TRANSFER_STARTED', 'db_use_type': 'migration',
     'engine_type': 'mysql', 'net_type': 'eip'},
    {'id': jid(3), 'name': 'billing', 'status': 'CONFIGURATION', 'db_use_type': 'cloudDataGuard',
     'engine_type': 'cloudDataGuard-mysql', 'net_type': 'eip',
     'children': [{'id': jid(4), 'name': 'billing-forward'}, {'id': jid(5), 'name': 'billing'}]},
    {'id': jid(6), 'name': 'Orders-MySQL', 'status': 'CONFIGURATION', 'db_use_type': 'sync', 'engine_type': 'mysql',
     'net_type': 'vpc'},
]


def test_an_entry_in_the_id_form_is_an_id_and_anything_else_of_4_to_50_characters_a_name():
    assert is_job_id(jid(1)) and not is_job_name(jid(1))
    assert is_job_name('orders-mysql') and not is_job_id('orders-mysql')
    assert not is_job_name(jid(1).upper()) and not is_job_name(jid(1)[:-1])   # mistyped ids, not names
    assert not is_job_name('abc') and not is_job_name('x' * 51) and not is_job_name(' padded ')


def test_filters_are_normalized_and_only_the_given_keys_kept():
    filters, errors = validate_filters({'name': 'orders-*', 'status': ['CONFIGURATION', 'CONFIGURATION'], 'tags': {'wave': 1},
                                        'net_type': None})
    assert errors == []
    assert filters == {'name': 'orders-*', 'status': ['CONFIGURATION'], 'tags': {'wave': '1'}}


@pytest.mark.parametrize('filters, message', [
    ('orders', 'filters must be a dict, got str.'),
    ({}, 'filters is empty: give at least one of name, status, db_use_type, engine_type, net_type, tags, enterprise_project_id.'),
    ({'nmae': 'x'}, 'filters: unknown key nmae (allowed: name, status, db_use_type, engine_type, net_type, tags, '
                    'enterprise_project_id).'),
    ({'name': ''}, "filters.name must be a non-empty string, got ''."),
    ({'status': []}, 'filters.status must be a non-empty list of job statuses.'),
    ({'status': ['running']}, "filters.status: 'running' is not a DRS job status (upper case, e.g. CONFIGURATION)."),
    ({'db_use_type': 'dr'}, "filters.db_use_type: 'dr' is not one of migration, sync, cloudDataGuard."),
    ({'tags': {}}, 'filters.tags must be a non-empty dict of tag keys and values.'),
    ({'tags': {'wave': ['a']}}, 'filters.tags: wave needs a non-empty key and a string value.'),
    ({'tags': dict(('k%d' % number, 'v') for number in range(21))}, 'filters.tags: at most 20 tags, got 21.'),
])
def test_bad_filters_are_rejected_with_a_message(filters, message):
    assert validate_filters(filters) == (None, [message])


def test_the_list_request_carries_the_server_side_filters_and_a_single_status_only():
    filters = {'name': 'orders-*', 'status': ['CONFIGURATION'], 'tags': {'wave': '1'}, 'enterprise_project_id': '0',
               'engine_type': 'mysql'}
    assert list_request_filters(filters) == {'status': 'CONFIGURATION', 'tags': {'wave': '1'}, 'enterprise_project_id': '0',
                                             'engine_type': 'mysql'}
    assert list_request_filters({'status': ['CONFIGURATION', 'PAUSING']}) == {}


def test_the_name_glob_matches_the_whole_name_case_sensitively():
    assert [item['id'] for item in LISTED if matches(item, {'name': 'orders-*'})] == [jid(1), jid(2)]
    assert [item['id'] for item in LISTED if matches(item, {'name': 'orders-mysql'})] == [jid(1)]
    assert [item['id'] for item in LISTED if matches(item, {'name': '[o]rders-m?sql*'})] == [jid(1), jid(2)]


def test_every_listed_field_is_checked_again_client_side():
    assert [item['id'] for item in LISTED if matches(item, {'status': ['INCRE_TRANSFER_STARTED', 'PAUSING']})] == [jid(2)]
    assert [item['id'] for item in LISTED if matches(item, {'net_type': 'eip', 'db_use_type': 'migration'})] == [jid(2)]
    assert not matches({'id': jid(1), 'name': 'orders-mysql'}, {'engine_type': 'mysql'})   # no field: no match


def test_tags_are_read_from_a_detail_as_a_list_or_a_dict_and_missing_tags_never_match():
    assert job_tags({'tags': [{'key': 'wave', 'value': '1'}, {'key': 'team', 'value': None}]}) == {'wave': '1', 'team': ''}
    assert job_tags({'tags': {'wave': 1}}) == {'wave': '1'}
    assert job_tags({'id': jid(1)}) is None
    assert tags_match({'tags': [{'key': 'wave', 'value': '1'}, {'key': 'app', 'value': 'orders'}]}, {'wave': '1'})
    assert not tags_match({'tags': [{'key': 'wave', 'value': '2'}]}, {'wave': '1'})
    assert not tags_match({'tags': []}, {'wave': '1'})
    assert not tags_match(None, {'wave': '1'})


def test_names_resolve_exactly_also_to_dual_active_children():
    resolved, errors = resolve_names(['orders-mysql', 'billing-forward'], LISTED)
    assert resolved == {'orders-mysql': jid(1), 'billing-forward': jid(4)}
    assert errors == []


def test_a_name_that_matches_no_job_or_several_is_an_error_naming_it():
    resolved, errors = resolve_names(['orders', 'billing', 'Orders-MySQL'], LISTED)
    assert resolved == {'Orders-MySQL': jid(6)}
    assert errors == ["no DRS job is named 'orders'",
                      "2 DRS jobs are named 'billing' (%s, %s): give the id of the one you mean" % (jid(3), jid(5))]


def test_flatten_lists_each_job_once_with_its_children():
    assert [job['id'] for job in flatten(LISTED + [{'id': jid(1)}])] == [jid(1), jid(2), jid(3), jid(4), jid(5), jid(6)]


def test_a_matching_parent_stands_for_its_children_unless_parents_are_selected():
    assert listed_candidates(LISTED, {'db_use_type': 'cloudDataGuard'}, False) == [jid(4), jid(5)]
    assert listed_candidates(LISTED, {'db_use_type': 'cloudDataGuard'}, True) == [jid(3)]
    assert listed_candidates(LISTED, {'name': 'billing*'}, True) == [jid(3), jid(4), jid(5)]


def test_tagged_candidates_keep_the_tagged_jobs_and_warn_about_details_without_tags():
    warnings = []
    details = {jid(1): {'tags': [{'key': 'wave', 'value': '1'}]}, jid(2): {'tags': []}, jid(3): {'id': jid(3)}}
    assert tagged_candidates([jid(1), jid(2), jid(3)], details, {'wave': '1'}, warnings) == [jid(1)]
    assert warnings == ['filters.tags: the details of 1 job(s) carry no tags (DRS on Open Telekom Cloud shows none), so the '
                        'tags cannot be checked and those jobs are not selected.']


def test_apply_names_gives_named_entries_their_id_and_handles_a_job_given_twice_once():
    warnings = []
    jobs = [{'id': None, 'by_name': 'orders-mysql', 'mode': 'forStartJob'}, {'id': jid(1), 'mode': 'forStartJob'}]
    assert apply_names(jobs, {'orders-mysql': jid(1)}, warnings) == [{'id': jid(1), 'mode': 'forStartJob'}]
    assert warnings == ['jobs: %s is listed more than once (by id and by name); it is handled once.' % jid(1)]
    with pytest.raises(DrsConfigError, match='with different settings'):
        apply_names([{'id': None, 'by_name': 'orders-mysql', 'mode': 'forRetryJob'}, {'id': jid(1), 'mode': 'forStartJob'}],
                    {'orders-mysql': jid(1)}, [])


def test_intersect_keeps_the_listed_jobs_that_match_or_every_match_with_the_defaults():
    warnings = []
    jobs = [{'id': jid(1)}, {'id': jid(2)}]
    assert intersect(jobs, [jid(2), jid(3)], {}, {jid(1): 'orders-mysql'}, warnings) == [{'id': jid(2)}]
    assert warnings == ['jobs: orders-mysql (%s) does not match filters and is left out.' % jid(1)]
    assert intersect(None, [jid(3)], {'mode': 'forStartJob'}, {}, []) == [{'mode': 'forStartJob', 'id': jid(3)}]
