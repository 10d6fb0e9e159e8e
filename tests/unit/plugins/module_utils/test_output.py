"""The module result with its per-job lists written item by item: the same JSON as ansible-core's, on every core."""

import datetime
import io
import json
import sys

from unittest import mock

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common import warnings as core_warnings

from ansible_collections.cloudops.drs.plugins.module_utils import _output
from ansible_collections.cloudops.drs.plugins.modules.drs_batch_info import HandedOver
from ansible_collections.cloudops.drs.tests.unit.plugins.modules.utils import _as_module_process, _fresh_warnings, set_module_args

RESULT = {
    'changed': False,
    'jobs': [{'id': 'a', 'detail': {'nested': [1, 2, {'x': None}]}, 'ok': True}, {'id': 'b', 'rate': 1.5, 'items': []}],
    'not_found': [],
    'ids': ['a', 'b'],
    'msg': 'quote " and unicode \u00e9 \u2603',
    'counts': {'a': 1},
}


def test_split_takes_out_only_the_top_level_lists_of_dicts():
    rest, lists, markers = _output.split_result(dict(RESULT, jobs=HandedOver(list(RESULT['jobs']))))
    assert list(lists) == ['jobs'] and list(lists['jobs']) == RESULT['jobs']
    assert rest == dict(RESULT, jobs=markers['jobs'])           # empty lists and lists of strings stay
    assert markers['jobs'] != _output.split_result(RESULT)[2]['jobs']   # a new marker every time


def test_the_spliced_text_is_the_json_of_the_whole_result():
    rest, lists, markers = _output.split_result(RESULT)
    out = io.StringIO()
    _output.write_spliced(out.write, '\n%s\n' % json.dumps(rest), lists, markers)
    assert out.getvalue() == '\n%s\n' % json.dumps(RESULT)


def test_values_json_cannot_encode_in_a_job_are_written_as_ansible_core_writes_them():
    when = datetime.datetime(2030, 1, 31, 22, 0, 0)
    result = {'jobs': [{'when': when, 'tags': frozenset(['x']), 'raw': b'abc'}]}
    rest, lists, markers = _output.split_result(result)
    out = io.StringIO()
    _output.write_spliced(out.write, json.dumps(rest), lists, markers)
    assert json.loads(out.getvalue()) == {'jobs': [{'when': '2030-01-31T22:00:00', 'tags': ['x'], 'raw': 'abc'}]}


def test_a_missing_marker_is_an_error_not_a_silent_loss():
    with pytest.raises(ValueError):
        _output.write_spliced(io.StringIO().write, '{}', {'jobs': [{}]}, {'jobs': 'no-such-marker'})


def exit_json_output(result, stream):
    """stdout of exit_json of a real AnsibleModule of this ansible-core (output streamed or not), with a warning,
    a deprecation and a no_log value in play."""
    out = io.StringIO()
    fresh_deprecations = mock.patch.object(core_warnings, '_global_deprecations', type(core_warnings._global_deprecations)())
    with set_module_args({}), _fresh_warnings(), fresh_deprecations, _as_module_process(), mock.patch.object(sys, 'stdout', out):
        module = basic.AnsibleModule(argument_spec={})
        if stream:
            _output.stream_output(module)
        module.no_log_values.add('s3cret')
        module.warn('jobs: a is listed 2 times; it is handled once.')
        module.deprecate('an old option', version='2.0.0', collection_name='cloudops.drs')
        with pytest.raises(SystemExit):
            module.exit_json(**result)
    return out.getvalue()


def json_line(text):
    lines = [line for line in text.splitlines() if line.startswith('{')]
    assert len(lines) == 1, text
    return lines[0]


def test_exit_json_writes_what_ansible_core_writes_warnings_and_no_log_removal_included():
    result = dict(RESULT, msg='the password is s3cret', jobs=[dict(job, note='s3cret') for job in RESULT['jobs']])
    streamed, plain = exit_json_output(result, True), exit_json_output(result, False)
    assert 's3cret' not in streamed
    assert json_line(streamed) == json_line(plain)               # the same text, warnings encoded by ansible-core
    assert streamed.startswith('\n{')                            # the JSON starts on a line of its own
    data = json.loads(json_line(streamed))
    assert data['jobs'][0]['note'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' and data['msg'] == 'the password is ********'
    assert data['warnings']


def test_exit_json_of_a_handed_over_job_list():
    result = dict(RESULT, jobs=HandedOver(list(RESULT['jobs'])))
    assert json.loads(json_line(exit_json_output(result, True)))['jobs'] == RESULT['jobs']
