"""The module result written in pieces: the same JSON text as one json.dumps, on every ansible-core."""

import datetime
import io
import json
import sys

from unittest import mock

import pytest

from ansible.module_utils import basic

from ansible_collections.cloudops.drs.plugins.module_utils import _output
from ansible_collections.cloudops.drs.plugins.modules.drs_batch_info import HandedOver
from ansible_collections.cloudops.drs.tests.unit.plugins.modules.utils import set_module_args

RESULT = {
    'changed': False,
    'jobs': [{'id': 'a', 'detail': {'nested': [1, 2, {'x': None}]}, 'ok': True}, {'id': 'b', 'rate': 1.5, 'items': []}],
    'not_found': [],
    'msg': 'quote " and unicode \u00e9 \u2603',
    'counts': {'a': 1},
}


def written(result):
    out = io.StringIO()
    _output.write_json(result, out)
    return out.getvalue()


def test_the_pieces_make_the_text_of_one_json_dumps_between_line_breaks():
    assert written(RESULT) == '\n%s\n' % json.dumps(RESULT)


def test_a_sequence_that_is_not_a_list_is_written_as_a_list():
    result = dict(RESULT, jobs=HandedOver(list(RESULT['jobs'])))
    assert json.loads(written(result)) == RESULT


def test_values_json_cannot_encode_are_written_as_ansible_core_writes_them():
    when = datetime.datetime(2030, 1, 31, 22, 0, 0)
    result = {'jobs': [{'when': when, 'tags': frozenset(['x']), 'raw': b'abc'}], 'top': (1, 2)}
    assert json.loads(written(result)) == {'jobs': [{'when': '2030-01-31T22:00:00', 'tags': ['x'], 'raw': 'abc'}],
                                           'top': [1, 2]}


def test_a_dict_with_keys_that_are_not_strings_is_encoded_whole():
    assert json.loads(written({'jobs': [{1: 'one'}]})) == {'jobs': [{'1': 'one'}]}


def run_exit_json(result):
    """exit_json of a real AnsibleModule of this ansible-core, with the output streamed; returns stdout."""
    out = io.StringIO()
    with set_module_args({}), mock.patch.object(sys, 'stdout', out):
        module = _output.stream_output(basic.AnsibleModule(argument_spec={}))
        module.no_log_values.add('s3cret')
        with pytest.raises(SystemExit):
            module.exit_json(**result)
    return out.getvalue()


def test_exit_json_of_this_ansible_core_writes_the_result_and_still_removes_no_log_values():
    text = run_exit_json(dict(RESULT, msg='the password is s3cret'))
    assert 's3cret' not in text
    lines = [line for line in text.splitlines() if line.startswith('{')]
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert data['jobs'] == RESULT['jobs'] and data['msg'] == 'the password is ********'
    assert 'invocation' in data


def test_the_hook_of_this_ansible_core_is_the_one_replaced():
    module = mock.Mock(spec=['jsonify', '_record_module_result'])
    assert _output.stream_output(module)._record_module_result is _output.write_json
    older = mock.Mock(spec=['jsonify'])
    out = io.StringIO()
    with mock.patch.object(sys, 'stdout', out):
        assert _output.stream_output(older).jsonify({'a': [1]}) == ''
    assert out.getvalue() == '{"a": [1]}'
