"""module_utils/_jobs.py: the rules about jobs (pre-check verdicts, the start gate, outcomes, DR pairs, delays, labels)."""

import pytest

from ansible_collections.cloudops.drs.plugins.module_utils import _jobs
from ansible_collections.cloudops.drs.tests.unit.plugins.modules.utils import jid, precheck_items


def result(process='100%', passed=True, items=()):
    return {'id': jid(1), 'process': process, 'result': passed, 'total_passed_rate': '100%', 'precheck_result': list(items)}


@pytest.mark.parametrize('item, alarm_is_failure, verdict', [
    (result(), False, True),
    (result(items=precheck_items('alarm')), False, True),
    (result(items=precheck_items('alarm')), True, False),
    (result(items=precheck_items('fail')), False, False),
    (result(passed='false'), False, False),
    (result(passed='true'), False, True),
    (result(process='50%'), False, None),
    (result(process=100), False, True),                      # an integer process of 100 is done (any spelling)
    (result(process='abc'), False, None),                    # an unreadable process is not done (fail closed)
    (dict(result(), precheck_result='ok'), False, True),    # a string where the items belong: no item, DRS's result stands
    ({'id': jid(1), 'error_code': 'DRS.M00304', 'error_msg': 'not pre-checked'}, False, None),
    (None, False, None),
    ('100%', False, None),                                   # a reply of the wrong shape is no result
], ids=['passed', 'alarm', 'alarm_is_failure', 'failed_item', 'result_false', 'result_text_true', 'running',
        'integer_process', 'unreadable_process', 'precheck_result_a_string', 'error_item', 'missing', 'not_a_dict'])
def test_precheck_verdict_is_true_only_for_a_positive_pass(item, alarm_is_failure, verdict):
    assert _jobs.precheck_verdict(item, alarm_is_failure) is verdict


@pytest.mark.parametrize('process', [100, 100.0, '100', '100%', ' 100 % ', 100.5])
def test_a_precheck_is_done_at_a_process_of_100_in_any_spelling(process):
    assert _jobs.precheck_progress(process) >= 100
    assert _jobs.precheck_state(result(process=process)) == 'done'


@pytest.mark.parametrize('process, state', [
    (50, 'running'), ('50%', 'running'), (0.0, 'running'), ('abc', 'running'), ({'done': True}, 'running'),
    (True, 'running'), (float('nan'), 'running'), (None, None), ('', None),
])
def test_a_precheck_below_100_or_with_an_unreadable_process_is_not_done(process, state):
    assert _jobs.precheck_state(result(process=process)) == state


def test_waiting_for_a_precheck_ends_only_when_it_is_done_or_drs_reports_an_error():
    assert _jobs.precheck_wait_over(result(process=100)) is True
    assert _jobs.precheck_wait_over(result(process='50%')) is False
    assert _jobs.precheck_wait_over({'id': jid(1), 'result': True}) is False          # no process yet: no answer
    assert _jobs.precheck_wait_over({'id': jid(1), 'error_code': 'DRS.M00304', 'error_msg': 'gone'}) is True


def test_check_items_ignore_entries_of_the_wrong_shape():
    item = result(items=precheck_items('fail') + ['FAILED', None])
    assert _jobs.check_items(item, 'FAILED') == [{'item': 'dstDbDiskSize', 'group': 'db_disk_size', 'reason': 'DST_DISK_TOO_SMALL',
                                                  'raw_message': 'Destination disk too small.'}]
    assert _jobs.check_items(dict(item, precheck_result='FAILED'), 'FAILED') == []


@pytest.mark.parametrize('outcome, verdict', [
    ('passed', 'open'), ('not_needed', 'open'), ('would_precheck', 'closed'), ('failed', 'closed'), ('error', 'closed'),
    ('pending', 'closed'), ('skipped', 'closed'), ('unknown', 'closed'), (None, 'closed'), ('nonsense', 'closed'),
])
def test_only_a_positive_pass_opens_the_start_gate(outcome, verdict):
    assert _jobs.gate_verdict(outcome) == verdict


def test_a_pre_check_that_would_run_makes_the_start_depend_on_it_in_check_mode_only():
    assert _jobs.gate_verdict('would_precheck', check_mode=True) == 'depends'
    assert _jobs.gate_verdict('would_precheck', check_mode=False) == 'closed'
    assert _jobs.gate_verdict('unknown', check_mode=True) == 'closed'


def test_every_precheck_outcome_has_a_gate_verdict_and_the_vocabularies_are_closed():
    assert set(_jobs.PRECHECK_GATE_OPEN) <= set(_jobs.PRECHECK_OUTCOMES)
    assert set(_jobs.START_OK) <= set(_jobs.START_OUTCOMES)
    assert 'unknown' in _jobs.PRECHECK_OUTCOMES and 'unknown' not in _jobs.PRECHECK_GATE_OPEN
    assert 'unknown' in _jobs.START_OUTCOMES and 'unknown' not in _jobs.START_OK


def test_fate_is_known_only_without_unknown_or_pending_outcomes():
    assert _jobs.fate_known(['passed', 'failed', 'skipped']) is True
    assert _jobs.fate_known(['passed', 'unknown']) is False
    assert _jobs.fate_known(['started', 'pending']) is False
    assert _jobs.fate_known([]) is True


@pytest.mark.parametrize('info, expected', [
    ({'delay': '1500'}, 1500), ({'delay': 1500.7}, 1500), ({'delay': '-1'}, None), ({'delay': 'soon'}, None),
    ({}, None), (None, None), ('1500', None),
])
def test_delay_is_milliseconds_or_none(info, expected):
    assert _jobs.delay_ms(info) == expected


def test_job_label_puts_the_name_first():
    assert _jobs.job_label({'id': jid(1), 'name': 'orders'}) == 'orders (%s)' % jid(1)
    assert _jobs.job_label({'id': jid(1), 'name': None}) == jid(1)


def test_action_error_reads_refusals_and_missing_replies():
    assert _jobs.action_error({'id': jid(1), 'status': 'success'}, 'start') is None
    assert _jobs.action_error(None, 'start') == {'error_code': None, 'error_msg': 'DRS sent no reply for this job'}
    assert _jobs.action_error({'id': jid(1), 'status': 'failed'}, 'start') == {'error_code': None, 'error_msg': 'DRS refused the start'}
    assert _jobs.action_error({'id': jid(1), 'status': 'failed', 'error_code': 'DRS.M00304', 'error_msg': 'no'}, 'start') == \
        {'error_code': 'DRS.M00304', 'error_msg': 'no'}


def test_describe_pending_names_each_job_and_its_last_state():
    text = _jobs.describe_pending([jid(1), jid(2)], {jid(1): {'status': 'STARTJOBING'}, jid(2): {'process': '50%'}},
                                  names={jid(1): 'orders'})
    assert text == 'Still pending: orders (%s) (STARTJOBING), %s (pre-check 50%%).' % (jid(1), jid(2))


def test_dr_pairs_know_roles_forward_tasks_and_partners():
    parent, forward, backward = jid(500), jid(501), jid(502)
    pairs = _jobs.DrPairs({
        forward: {'id': forward, 'parent_id': parent, 'job_direction': 'up', 'status': 'CONFIGURATION'},
        backward: {'id': backward, 'parent_id': parent, 'job_direction': 'down', 'status': 'CONFIGURATION'},
        jid(1): {'id': jid(1), 'status': 'CONFIGURATION'},
    })
    assert [pairs.role(job_id) for job_id in (forward, backward, jid(1))] == ['forward', 'backward', None]
    assert pairs.forward_of(backward) == forward
    assert pairs.partners(forward, [forward, backward, jid(1)]) == [backward]
    assert pairs.partners(jid(1), [forward, backward, jid(1)]) == []
    assert pairs.describe(backward) == {'role': 'backward', 'parent_id': parent, 'forward_id': forward,
                                        'forward_status': 'CONFIGURATION'}


def test_dr_pairs_find_the_pair_through_master_job_id_when_parent_id_is_absent():
    parent, forward, backward = jid(500), jid(501), jid(502)
    pairs = _jobs.DrPairs({
        parent: {'id': parent, 'db_use_type': 'cloudDataGuard', 'multi_write': True, 'master_job_id': '',
                 'status': 'CONFIGURATION'},
        forward: {'id': forward, 'master_job_id': parent, 'job_direction': 'up', 'status': 'INCRE_TRANSFER_STARTED'},
        backward: {'id': backward, 'master_job_id': parent, 'job_direction': 'down', 'status': 'CONFIGURATION'},
        jid(1): {'id': jid(1), 'master_job_id': '', 'job_direction': 'up', 'status': 'CONFIGURATION'},
    })
    assert [pairs.role(job_id) for job_id in (parent, forward, backward, jid(1))] == ['parent', 'forward', 'backward', None]
    assert pairs.parent_of(backward) == parent and pairs.forward_of(backward) == forward
    assert pairs.forward_status(backward) == 'INCRE_TRANSFER_STARTED'
    assert pairs.partners(backward, [forward, backward, jid(1)]) == [forward]
    assert pairs.parents_without_forward([backward]) == []


def test_dr_pairs_prefer_parent_id_and_take_no_job_for_its_own_main_task():
    parent, forward, other = jid(500), jid(501), jid(503)
    pairs = _jobs.DrPairs([
        {'id': forward, 'parent_id': parent, 'master_job_id': other, 'job_direction': 'up'},
        {'id': jid(1), 'master_job_id': jid(1)},
    ])
    assert pairs.parent_of(forward) == parent and pairs.role(jid(1)) is None


def test_dr_pairs_learn_what_another_run_described():
    parent, forward, backward = jid(500), jid(501), jid(502)
    pairs = _jobs.DrPairs()
    pairs.learn(backward, 'CONFIGURATION', {'role': 'backward', 'parent_id': parent, 'forward_id': forward,
                                            'forward_status': 'INCRE_TRANSFER_STARTED'})
    assert pairs.forward_status(backward) == 'INCRE_TRANSFER_STARTED'
    assert pairs.parents_without_forward([backward]) == []


# -- acting on started jobs: pause, resume / retry, stop ------------------------------------------------------------

@pytest.mark.parametrize('status, use_type, role, expected', [
    ('INCRE_TRANSFER_STARTED', 'migration', None, ('act', None)),
    ('FULL_TRANSFER_FAILED', 'sync', None, ('act', None)),
    ('PAUSING', 'migration', None, ('unchanged', 'already PAUSING (paused)')),
    ('INCRE_TRANSFER_STARTED', 'cloudDataGuard', 'forward', ('refuse', 'a cloudDataGuard task cannot be paused (DRS pauses only migration and sync tasks)')),
    ('INCRE_TRANSFER_STARTED', None, 'backward', ('refuse', 'a dual-active DR task cannot be paused (DRS pauses only migration and sync tasks)')),
    ('INCRE_TRANSFER_STARTED', 'cloudDataGuard', 'parent', ('refuse', 'parent task of a dual-active DR pair: dual-active DR tasks cannot be '
                                                                      'paused (neither the parent nor its forward and backward tasks)')),
])
def test_pause_plan(status, use_type, role, expected):
    assert _jobs.pause_plan(status, use_type, role) == expected


@pytest.mark.parametrize('status', ['CONFIGURATION', 'STARTJOBING', 'RELEASE_RESOURCE_COMPLETE', None])
def test_pause_plan_refuses_every_other_state(status):
    verb, reason = _jobs.pause_plan(status, 'migration')
    assert verb == 'refuse' and reason.startswith('status %s does not allow a pause' % status)


@pytest.mark.parametrize('status, expected', [
    ('PAUSING', 'resume'), ('START_JOB_FAILED', 'retry'), ('FULL_TRANSFER_FAILED', 'retry'), ('INCRE_TRANSFER_FAILED', 'retry'),
    ('INCRE_TRANSFER_STARTED', 'unchanged'), ('STARTJOBING', 'unchanged'), ('WAITING_FOR_START', 'unchanged'),
    ('CONFIGURATION', 'refuse'), ('RELEASE_RESOURCE_COMPLETE', 'refuse'), ('CHANGE_JOB_FAILED', 'refuse'), (None, 'refuse'),
])
def test_resume_plan(status, expected):
    assert _jobs.resume_plan(status)[0] == expected
    assert _jobs.resume_plan(status, role='parent')[0] == 'refuse'


@pytest.mark.parametrize('status, delete_type, role, parent_listed, expected', [
    ('INCRE_TRANSFER_STARTED', 'terminate', None, False, 'act'),
    ('CONFIGURATION', 'terminate', None, False, 'act'),
    ('PAUSING', 'terminate', None, False, 'act'),
    ('INCRE_TRANSFER_STARTED', 'terminate', 'parent', False, 'act'),
    ('RELEASE_RESOURCE_COMPLETE', 'terminate', None, False, 'unchanged'),
    ('DELETED', 'terminate', None, False, 'unchanged'),
    ('RELEASE_CHILD_TRANSFER_COMPLETE', 'terminate', None, False, 'unchanged'),
    ('CREATE_FAILED', 'terminate', None, False, 'unchanged'),
    ('RELEASE_RESOURCE_COMPLETE', 'terminate', 'forward', False, 'unchanged'),
    ('RELEASE_RESOURCE_STARTED', 'terminate', None, False, 'watch'),
    ('RELEASE_RESOURCE_FAILED', 'terminate', None, False, 'refuse'),
    ('RELEASE_RESOURCE_FAILED', 'force_terminate', None, False, 'act'),
    ('CREATING', 'force_terminate', None, False, 'refuse'),
    (None, 'terminate', None, False, 'refuse'),
    ('INCRE_TRANSFER_STARTED', 'terminate', 'forward', False, 'refuse'),
    ('INCRE_TRANSFER_STARTED', 'terminate', 'backward', True, 'via_parent'),
])
def test_stop_plan(status, delete_type, role, parent_listed, expected):
    assert _jobs.stop_plan(status, delete_type, role, parent_listed)[0] == expected


@pytest.mark.parametrize('action, before, now, expected', [
    ('pause', 'INCRE_TRANSFER_STARTED', 'PAUSING', True),
    ('pause', 'INCRE_TRANSFER_STARTED', 'INCRE_TRANSFER_STARTED', False),
    ('stop', 'INCRE_TRANSFER_STARTED', 'RELEASE_RESOURCE_STARTED', True),
    ('stop', 'RELEASE_RESOURCE_FAILED', 'RELEASE_RESOURCE_FAILED', False),
    ('stop', 'INCRE_TRANSFER_STARTED', 'INCRE_TRANSFER_STARTED', False),
    ('resume', 'PAUSING', 'INCRE_TRANSFER_STARTED', True),
    ('retry', 'START_JOB_FAILED', 'STARTJOBING', True),
    ('retry', 'START_JOB_FAILED', 'START_JOB_FAILED', False),
    ('retry', 'START_JOB_FAILED', None, False),
])
def test_action_took_effect_needs_a_status_that_shows_it(action, before, now, expected):
    assert _jobs.action_took_effect(action, before, now) is expected


@pytest.mark.parametrize('action, status, expected', [
    ('pause', 'PAUSING', 'done'), ('pause', 'INCRE_TRANSFER_STARTED', 'pending'), ('pause', 'RELEASE_RESOURCE_STARTED', 'failed'),
    ('resume', 'INCRE_TRANSFER_STARTED', 'done'), ('resume', 'PAUSING', 'pending'), ('retry', 'STARTJOBING', 'pending'),
    ('retry', 'START_JOB_FAILED', 'failed'), ('retry', 'FULL_TRANSFER_COMPLETE', 'done'),
    ('stop', 'RELEASE_RESOURCE_COMPLETE', 'done'), ('stop', 'DELETED', 'done'), ('stop', 'RELEASE_RESOURCE_STARTED', 'pending'),
    ('stop', 'INCRE_TRANSFER_STARTED', 'pending'), ('stop', 'RELEASE_RESOURCE_FAILED', 'failed'),
    ('stop', None, 'pending'), ('pause', '', 'pending'),
])
def test_action_wait_state(action, status, expected):
    assert _jobs.action_wait_state(action, status) == expected


def test_a_retried_jobs_status_from_before_is_pending_within_the_lag_window_only_until_it_left():
    window = _jobs.RETRY_LAG_WINDOW
    assert _jobs.retry_lag_status('FULL_TRANSFER_FAILED', 'FULL_TRANSFER_FAILED', False, 100.0, 100.0 + window - 1) == 'FULL_TRANSFER_FAILED'
    assert _jobs.retry_lag_status('FULL_TRANSFER_FAILED', 'FULL_TRANSFER_FAILED', False, 100.0, 100.0 + window) is None
    assert _jobs.retry_lag_status('FULL_TRANSFER_FAILED', 'FULL_TRANSFER_FAILED', True, 100.0, 101.0) is None     # it left
    assert _jobs.retry_lag_status('FULL_TRANSFER_FAILED', 'INCRE_TRANSFER_FAILED', False, 100.0, 101.0) is None
    assert _jobs.action_wait_state('retry', 'FULL_TRANSFER_FAILED', stale='FULL_TRANSFER_FAILED') == 'pending'
    assert _jobs.action_wait_state('retry', 'FULL_TRANSFER_FAILED', stale=None) == 'failed'


def test_outcome_vocabularies_are_closed_and_their_ok_sets_never_hold_unknown_or_pending():
    for action, outcomes in _jobs.ACTION_OUTCOMES.items():
        assert _jobs.ACTION_OK[action] <= set(outcomes)
        assert not _jobs.ACTION_OK[action] & _jobs.UNKNOWN_FATES
        assert 'unknown' in outcomes and 'pending' in outcomes


def test_outcome_summary_counts_every_word_of_the_vocabulary():
    assert _jobs.outcome_summary('stop', ['stopped', 'stopped', 'unknown']) == {
        'stopped': 2, 'unchanged': 0, 'failed': 0, 'pending': 0, 'unknown': 1, 'would_stop': 0}


@pytest.mark.parametrize('kind, status, expected', [
    ('retry', 'FULL_TRANSFER_FAILED', 'FULL_TRANSFER_STARTED'), ('retry', 'START_JOB_FAILED', 'STARTJOBING'),
    ('resume', 'PAUSING', 'PAUSING'), ('pause', 'INCRE_TRANSFER_STARTED', 'PAUSING'),
    ('stop', 'INCRE_TRANSFER_STARTED', 'RELEASE_RESOURCE_STARTED'),
])
def test_predicted_status(kind, status, expected):
    assert _jobs.predicted_status(kind, status) == expected


@pytest.mark.parametrize('item, elapsed, expected', [
    ({'process': '40%'}, 0.6, 1.5),                                  # runs: elapsed / share done
    ({'process': 25}, 2.0, 8.0),
    ({'process': '100%', 'result': True}, 1.2, 1.2),                 # over: as long as it took so far
    ({'id': 'x', 'error_code': 'DRS.M00304', 'error_msg': 'not pre-checked'}, 0.7, 0.7),
    ({'process': '0%'}, 0.6, None),                                  # nothing to judge from
    ({'process': 'soon'}, 0.6, None),
    ({}, 0.6, None),
    (None, 0.6, None),
])
def test_precheck_eta_judges_how_long_a_precheck_takes_from_one_result(item, elapsed, expected):
    assert _jobs.precheck_eta(item, elapsed) == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize('item, kind, expected', [
    ({'status': 'FULL_TRANSFER_STARTED'}, 'now', 1.1),
    ({'status': 'START_JOB_FAILED'}, 'now', 1.1),                     # over (badly): the start took this long
    ({'status': 'STARTJOBING'}, 'now', None),                        # a starting job tells nothing of its remaining time
    ({'status': 'WAITING_FOR_START'}, 'now', None),
    ({'status': 'WAITING_FOR_START'}, 'scheduled', 1.1),
    ({}, 'now', None),
    (None, 'now', None),
])
def test_start_eta_is_the_time_a_start_took_once_it_is_over(item, kind, expected):
    assert _jobs.start_eta(item, 1.1, kind) == expected
