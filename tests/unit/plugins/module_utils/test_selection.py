"""module_utils/_selection.py: ids or names, the filters, which filter is whose, name resolution."""

import pytest

from ansible_collections.cloudops.drs.plugins.module_utils._selection import (
    flatten, is_job_id, is_job_name, job_tags, list_request_filters, matches, resolve_names, tags_match,
    validate_filters)
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
