"""module_utils/_readiness.py: the wait_until condition, the readiness rule (fail closed) and stable_for."""

import pytest

from ansible_collections.cloudops.drs.plugins.module_utils import _readiness


def condition(**given):
    checked, errors = _readiness.validate_wait_until(given)
    assert errors == []
    return checked


def progress(delay):
    return {'job_id': 'x', 'progress': '100', 'incre_trans_delay': delay, 'transfer_status': 'INCRE_TRANSFER_STARTED'}


def rpo_rto(rpo_ms, rto_ms):
    return {'job_id': 'x', 'rpo_info': {'delay': rpo_ms, 'time': '2030-01-01 00:00:00'},
            'rto_info': {'delay': rto_ms, 'time': '2030-01-01 00:00:00'}}


# -- validation ----------------------------------------------------------------------------------------------------

def test_a_valid_condition_is_normalised_with_every_key():
    checked, errors = _readiness.validate_wait_until({'status': ['INCRE_TRANSFER_STARTED'], 'max_delay': 0})
    assert errors == []
    assert checked == {'status': ['INCRE_TRANSFER_STARTED'], 'max_delay': 0, 'max_rpo': None, 'max_rto': None, 'stable_for': 0}


def test_a_single_status_string_becomes_a_list_and_duplicates_go():
    assert condition(status='INCRE_TRANSFER_STARTED')['status'] == ['INCRE_TRANSFER_STARTED']
    assert condition(status=['A_B', 'A_B'])['status'] == ['A_B']


@pytest.mark.parametrize('given, message', [
    ({'max_dealy': 5}, 'wait_until: unknown key(s) max_dealy; the keys are status, max_delay, max_rpo, max_rto, stable_for.'),
    ({'max_delay': -1}, 'wait_until.max_delay must be a number of seconds >= 0, got -1.'),
    ({'max_delay': '5'}, "wait_until.max_delay must be a number of seconds >= 0, got '5'."),
    ({'max_rpo': True}, 'wait_until.max_rpo must be a number of seconds >= 0, got True.'),
    ({'max_rto': float('nan')}, 'wait_until.max_rto must be a number of seconds >= 0, got nan.'),
    ({'status': [], 'max_delay': 1}, 'wait_until.status must be a non-empty list of DRS job states such as INCRE_TRANSFER_STARTED, got [].'),
    ({'status': ['running']}, "wait_until.status must be a non-empty list of DRS job states such as INCRE_TRANSFER_STARTED, got ['running']."),
    ({'stable_for': 30}, 'wait_until needs at least one of status, max_delay, max_rpo, max_rto.'),
    ({}, 'wait_until needs at least one of status, max_delay, max_rpo, max_rto.'),
], ids=['unknown_key', 'negative', 'text', 'bool', 'nan', 'empty_status', 'lower_case_status', 'only_stable_for', 'empty'])
def test_bad_conditions_are_refused_with_a_clear_message(given, message):
    dummy, errors = _readiness.validate_wait_until(given)
    assert errors == [message]


def test_a_condition_that_is_not_a_dict_is_refused():
    dummy, errors = _readiness.validate_wait_until(['max_delay'])
    assert errors == ['wait_until must be a dict with one or more of status, max_delay, max_rpo, max_rto, stable_for, got list.']


def test_the_facets_needed_follow_the_limits():
    assert _readiness.facets_needed(condition(status=['INCRE_TRANSFER_STARTED'])) == []
    assert _readiness.facets_needed(condition(max_delay=0)) == ['progress']
    assert _readiness.facets_needed(condition(max_rto=60)) == ['rpo_rto']
    assert _readiness.facets_needed(condition(max_delay=0, max_rpo=60)) == ['progress', 'rpo_rto']


# -- the rule --------------------------------------------------------------------------------------------------------

def test_a_job_under_every_limit_in_the_wanted_status_is_ready():
    ready, reasons, values = _readiness.job_readiness(
        condition(status=['INCRE_TRANSFER_STARTED'], max_delay=5, max_rpo=60, max_rto=60),
        'INCRE_TRANSFER_STARTED', progress('5'), rpo_rto('60000', '1500'))
    assert (ready, reasons) == (True, [])
    assert values == {'status': 'INCRE_TRANSFER_STARTED', 'delay': 5, 'rpo': 60.0, 'rto': 1.5}


def test_every_unmet_condition_is_a_reason():
    ready, reasons, values = _readiness.job_readiness(
        condition(status=['INCRE_TRANSFER_STARTED'], max_delay=0, max_rpo=1, max_rto=1),
        'FULL_TRANSFER_STARTED', progress('12'), rpo_rto('2500', '900'))
    assert ready is False
    assert reasons == ['status FULL_TRANSFER_STARTED is not one of INCRE_TRANSFER_STARTED',
                       'incremental delay 12 s is over max_delay 0 s', 'RPO 2.5 s is over max_rpo 1 s']
    assert values['delay'] == 12


@pytest.mark.parametrize('item, reason', [
    (None, 'incremental delay unknown (DRS did not report it)'),
    (progress('-1'), 'incremental delay unknown (not in the incremental phase)'),
    (progress(None), 'incremental delay unknown (DRS did not report it)'),
    (progress('soon'), "incremental delay unknown (unreadable value 'soon')"),
    (progress('nan'), "incremental delay unknown (unreadable value 'nan')"),
    ({'job_id': 'x', 'error_code': 'DRS.M00304', 'error_msg': 'Wrong state.'}, 'incremental delay unknown (DRS answered DRS.M00304: Wrong state.)'),
    ('0', 'incremental delay unknown (DRS did not report it)'),
], ids=['missing', 'minus_one', 'null', 'text', 'nan', 'error_item', 'not_a_dict'])
def test_an_unknown_delay_is_never_ready(item, reason):
    ready, reasons, values = _readiness.job_readiness(condition(max_delay=1000), 'INCRE_TRANSFER_STARTED', item)
    assert (ready, reasons, values['delay']) == (False, [reason], None)


@pytest.mark.parametrize('item, reason', [
    (None, 'RPO unknown (DRS did not report it)'),
    (rpo_rto('-1', '-1'), 'RPO unknown (not in the incremental phase)'),
    ({'job_id': 'x', 'error_code': 'DRS.M05004', 'error_msg': 'Not a DR job.'}, 'RPO unknown (DRS answered DRS.M05004: Not a DR job.)'),
    ({'job_id': 'x', 'rpo_info': None}, 'RPO unknown (DRS did not report it)'),
], ids=['missing', 'minus_one', 'error_item', 'no_info'])
def test_an_unknown_rpo_is_never_ready(item, reason):
    ready, reasons, dummy = _readiness.job_readiness(condition(max_rpo=3600), 'INCRE_TRANSFER_STARTED', rpo_rto=item)
    assert (ready, reasons) == (False, [reason])


@pytest.mark.parametrize('status, reason', [
    (None, 'status unknown'),
    ('', 'status unknown'),
    ('INCRE_TRANSFER_FAILED', 'status INCRE_TRANSFER_FAILED is a failed state'),
])
def test_a_failed_or_unknown_status_is_never_ready_even_without_a_status_condition(status, reason):
    ready, reasons, dummy = _readiness.job_readiness(condition(max_delay=10), status, progress('0'))
    assert (ready, reasons) == (False, [reason])


def test_the_delay_is_read_only_from_the_progress_item_not_from_the_status():
    # a paused job may report a small delay; only the status condition keeps it out
    wanted = condition(status=['INCRE_TRANSFER_STARTED'], max_delay=5)
    ready, reasons, dummy = _readiness.job_readiness(wanted, 'PAUSING', progress('1'))
    assert (ready, reasons) == (False, ['status PAUSING is not one of INCRE_TRANSFER_STARTED'])


# -- stable_for ----------------------------------------------------------------------------------------------------

def test_stable_for_needs_the_condition_at_every_poll_for_that_long():
    wanted = condition(max_delay=0, stable_for=30)
    stability = _readiness.Stability(30)
    assert _readiness.verdict(wanted, stability, 'a', True, [], 100.0) == (False, ['ready for 0 s of the 30 s of stable_for'])
    assert stability.next_due(110.0) == 20.0
    assert _readiness.verdict(wanted, stability, 'a', True, [], 120.5) == (False, ['ready for 20.5 s of the 30 s of stable_for'])
    assert _readiness.verdict(wanted, stability, 'a', False, ['late'], 125.0) == (False, ['late'])   # the streak ends
    assert _readiness.verdict(wanted, stability, 'a', True, [], 131.0)[0] is False
    assert _readiness.verdict(wanted, stability, 'a', True, [], 161.0) == (True, [])
    assert stability.next_due(161.0) is None


def test_without_stable_for_a_ready_job_is_ready_at_once():
    stability = _readiness.Stability(0)
    assert _readiness.verdict(condition(max_delay=0), stability, 'a', True, [], 5.0) == (True, [])


def test_the_not_ready_message_names_each_job_and_its_reasons():
    rows = [{'id': 'i%d' % n, 'name': 'n%d' % n if n else None, 'reasons': ['r%d' % n]} for n in range(12)]
    text = _readiness.not_ready_text(rows)
    assert text.startswith('i0: r0 | n1 (i1): r1 | ')
    assert text.endswith('n9 (i9): r9 | and 2 more')
