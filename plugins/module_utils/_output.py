# -*- coding: utf-8 -*-
# Copyright: contributors to the cloudops.drs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The module result as JSON on stdout, its per-job lists written item by item instead of as one string.

``AnsibleModule.exit_json()`` and ``fail_json()`` strip no_log values from a copy of the result and then print it as
one JSON string: ``print('\\n%s' % json.dumps(result, cls=<the module encoder>))`` (ansible-core 2.19, in the
``_record_module_result`` hook that ansible.netcommon also replaces) or ``print('\\n%s' % self.jsonify(result))``
(2.17 and 2.18). The whole text is built in one piece and copied once more by ``'\\n%s' %``: for ``drs_batch_info``
on 10 000 jobs with every facet that is about 34 MB held two or three times at once, the largest part of the
module's peak memory.

``stream_output`` changes only that last step, for one module. The per-job lists of the result (top-level lists of
dicts such as ``jobs``) are taken out and each replaced by a marker. ansible-core writes the rest as it always does,
with its own encoder (warnings and deprecations included), into a buffer. The text is then written with each marker
replaced by its list, item by item, each item encoded by the json module's C encoder (the items are plain JSON data
read from DRS). The controller reads the same JSON. Everything ansible-core does before that (warnings, invocation,
removing no_log values from its copy) is unchanged.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import contextlib
import datetime
import io
import json
import sys
import uuid

from collections.abc import Mapping, Sequence, Set


def _plain(value):
    """A JSON form of a value in a job item that the json module cannot encode (as ansible-core's encoders do)."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, (Sequence, Set)) and not isinstance(value, (str, bytes, bytearray)):
        return list(value)
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode('utf-8', errors='surrogateescape')
    return str(value)


def _is_job_list(value):
    return (isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray)) and len(value) > 0
            and all(isinstance(value[index], Mapping) for index in range(len(value))))   # indexed: never a pass over it


def split_result(result):
    """``(rest, lists, markers)``: ``result`` with each top-level list of dicts replaced by a unique marker string,
    the lists taken out (key -> list) and the marker of each key."""
    token = uuid.uuid4().hex
    lists = dict((key, value) for key, value in result.items() if _is_job_list(value))
    markers = dict((key, 'cloudops-drs-list-%s-%d' % (token, index)) for index, key in enumerate(lists))
    rest = dict((key, markers.get(key, value)) for key, value in result.items())
    return rest, lists, markers


def write_spliced(write, text, lists, markers):
    """Write ``text`` with the JSON string of each marker replaced by its list, one item at a time."""
    for key, marker in markers.items():
        before, found, text = text.partition(json.dumps(marker))
        write(before)
        if not found:
            raise ValueError('the marker of %s is not in the module output' % key)
        write('[')
        for index, item in enumerate(lists[key]):
            write('%s%s' % (', ' if index else '', json.dumps(item, default=_plain)))
        write(']')
    write(text)


def stream_output(module):
    """Make ``module`` (an AnsibleModule) write the per-job lists of its result item by item (see above)."""
    record = getattr(module, '_record_module_result', None)
    if callable(record):   # ansible-core 2.19 and later: the hook prints '\n' + the JSON of the result

        def record_module_result(result):
            rest, lists, markers = split_result(result)
            captured = io.StringIO()
            with contextlib.redirect_stdout(captured):
                record(rest)
            write_spliced(sys.stdout.write, captured.getvalue(), lists, markers)
            sys.stdout.flush()

        module._record_module_result = record_module_result
    else:                  # 2.17, 2.18: print('\n%s' % self.jsonify(result))
        jsonify = module.jsonify

        def streaming_jsonify(result):
            rest, lists, markers = split_result(result)
            sys.stdout.write('\n')
            write_spliced(sys.stdout.write, jsonify(rest), lists, markers)
            sys.stdout.flush()
            return ''      # the print adds the line breaks after it

        module.jsonify = streaming_jsonify
    return module
