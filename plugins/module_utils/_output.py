# -*- coding: utf-8 -*-
# Copyright: contributors to the cloudops.drs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The module result as JSON on stdout, written piece by piece instead of as one string.

``AnsibleModule.exit_json()`` and ``fail_json()`` strip no_log values from a copy of the result and then print it as
one JSON string: ``print('\\n%s' % json.dumps(result, ...))`` (ansible-core 2.19, in the ``_record_module_result`` hook
that ansible.netcommon also replaces) or ``print('\\n%s' % self.jsonify(result))`` (2.17 and 2.18). The whole text
is built in one piece and copied once more by ``'\\n%s' %``: for ``drs_batch_info`` on 10 000 jobs with every facet
that is about 34 MB held two or three times at once, the largest part of the module's peak memory.

``stream_output`` makes one module write the same JSON in pieces: the result dict and its lists of jobs item by item,
each item encoded by the json module's C encoder, straight to stdout. Everything ansible-core does first (warnings,
invocation, removing no_log values from its copy) is unchanged; the controller reads the same JSON line.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import datetime
import json
import sys

from collections.abc import Mapping, Sequence, Set

#: Lists and dicts down to this depth are written item by item; deeper values are encoded whole.
STREAM_DEPTH = 2


def _plain(value):
    """A JSON form of a value the json module cannot encode (what ansible-core's encoders do with the usual ones)."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, (Sequence, Set)) and not isinstance(value, (str, bytes, bytearray)):
        return list(value)
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode('utf-8', errors='surrogateescape')
    return str(value)


def _write(write, value, depth):
    if depth < STREAM_DEPTH and isinstance(value, Mapping) and all(isinstance(key, str) for key in value):
        write('{')
        for index, (key, item) in enumerate(value.items()):
            write('%s%s: ' % (', ' if index else '', json.dumps(key)))
            _write(write, item, depth + 1)
        write('}')
    elif depth < STREAM_DEPTH and isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray)):
        write('[')
        for index, item in enumerate(value):
            if index:
                write(', ')
            _write(write, item, depth + 1)
        write(']')
    else:
        write(json.dumps(value, default=_plain))   # one item at a time: encoded whole before anything is written


def write_json(result, stream=None):
    """Write ``result`` as one JSON line, after a line break, to ``stream`` (stdout), piece by piece."""
    out = stream or sys.stdout
    out.write('\n')
    _write(out.write, result, 0)
    out.write('\n')
    out.flush()


def stream_output(module):
    """Make ``module`` (an AnsibleModule) write its result JSON in pieces (see above); returns the module."""
    if callable(getattr(module, '_record_module_result', None)):   # ansible-core 2.19 and later
        module._record_module_result = write_json
    else:                                                          # 2.17, 2.18: print('\n%s' % self.jsonify(result))
        def jsonify(result):
            out = sys.stdout
            _write(out.write, result, 0)
            out.flush()
            return ''   # the print adds the line breaks around it
        module.jsonify = jsonify
    return module
