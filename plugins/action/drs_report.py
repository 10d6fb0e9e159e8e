# -*- coding: utf-8 -*-
# Copyright: (c) 2025, cloudops.drs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Action plugin of cloudops.drs.drs_report: render every report of a role run on the controller, in one task.

The rows are rendered once, in Python, into the summary (``stats``, also handed to ``set_stats``), the plain-text
table, the problem list and, with ``dir``, the Markdown and JUnit XML texts, which the module
cloudops.drs.drs_report_files writes on the task's host (``delegate_to``). Rendering here, instead of in one task per
output, templates the rows once: with a thousand jobs each Jinja pass over them costs a fifth of a second.
The rendering rules are those of the report filters (plugins/filter/drs_report.py).
"""

from __future__ import annotations

import datetime
import os

from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase

import inspect
import re

from ansible_collections.cloudops.drs.plugins.filter.drs_report import (
    drs_cutover_rows, drs_fleet_rows, drs_problems, drs_report_junit, drs_report_markdown, drs_report_stats, drs_status_rows,
    drs_text_table)
from ansible_collections.cloudops.drs.plugins.modules.drs_report import ARGUMENT_RULES, ARGUMENT_SPEC

# The row filter of each kind (rows_from names its arguments).
ROW_FILTERS = {'fleet': drs_fleet_rows, 'status': drs_status_rows, 'cutover': drs_cutover_rows}
# A variable name, then dot-separated keys into it.
VARIABLE_PATH = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$')


def read_variable(task_vars, path):
    """The value at ``path`` (``name.key.key``) in ``task_vars``, as it is (not templated); None when a variable or a
    key on the way is not defined (or not a dict)."""
    names = path.split('.')
    value = task_vars.get(names[0])
    for key in names[1:]:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def rows_from_variables(kind, sources, values, task_vars):
    """The rows of ``kind``, made by its row filter from the variables ``sources`` names (argument -> variable path)
    and the plain ``values`` (argument -> value). Raises ValueError naming what is wrong."""
    row_filter = ROW_FILTERS[kind]
    known = list(inspect.signature(row_filter).parameters)
    unknown = sorted((set(sources) | set(values)) - set(known))
    both = sorted(set(sources) & set(values))
    bad = sorted(name for name, path in sources.items() if not isinstance(path, str) or not VARIABLE_PATH.match(path))
    problems = []
    if unknown:
        problems.append('%s are not arguments of %s (its arguments: %s)' % (', '.join(unknown), row_filter.__name__, ', '.join(known)))
    if both:
        problems.append('%s given in both rows_from and rows_args' % ', '.join(both))
    if bad:
        problems.append('rows_from %s must be variable names, optionally with dot-separated keys (for example '
                        'wave.precheck), got %s' % (', '.join(bad), ', '.join(repr(sources[name]) for name in bad)))
    if problems:
        raise ValueError('; '.join(problems))
    arguments = dict(values)
    arguments.update((name, read_variable(task_vars, path)) for name, path in sources.items())
    return row_filter(**arguments)


def report_paths(directory, basename):
    """``{markdown, junit}``: the absolute paths of both report files (as the controller resolves ``directory``)."""
    if not directory:
        return {}
    base = os.path.join(os.path.realpath(os.path.expanduser(directory)), basename)
    return {'markdown': base + '.md', 'junit': base + '.xml'}


class ActionModule(ActionBase):
    """Renders the reports of a role run and writes the files through cloudops.drs.drs_report_files."""

    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        self._supports_check_mode = True
        result = super().run(tmp, task_vars)
        del tmp  # tmp no longer has any effect
        task_vars = task_vars or {}

        validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC, **ARGUMENT_RULES)
        del validation
        if len(args['columns']) != len(args['headers']) or not args['columns']:
            return dict(result, failed=True, msg='columns and headers must be non-empty lists of the same length')
        hostname = task_vars.get('inventory_hostname', 'localhost')
        generated = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
        files = report_paths(args['dir'], args['basename'])
        rows, kind, errors, context = args['rows'], args['kind'], args['errors'], args['context']
        try:
            if rows is None:
                try:
                    rows = rows_from_variables(kind, args['rows_from'], args['rows_args'], task_vars)
                except (ValueError, TypeError) as exc:
                    return dict(result, failed=True, msg='Cannot make the rows from rows_from: %s' % exc)
            stats = drs_report_stats(rows, kind, report_files=files, errors=errors, context=context, generated=generated)
            table = drs_text_table(rows, args['columns'], args['headers'])
            problems = drs_problems(rows, kind)
            texts = {}
            if files:
                texts = {
                    'markdown': drs_report_markdown(rows, kind, title=args['title'], generated=generated, context=context,
                                                    errors=errors),
                    'junit': drs_report_junit(rows, kind, name=args['junit_name'], generated=generated, hostname=hostname,
                                              errors=errors),
                }
        except AnsibleError as exc:
            return dict(result, failed=True, msg='Cannot render the reports: %s' % exc)

        # set_stats data only reaches AWX from a task that did not fail: a failed write is returned in write_error
        # for the caller to fail on after it kept the summary (the reports role does)
        result.update(changed=False, stats=stats, table=table, problems=problems, report_files=files, write_error=None,
                      ansible_stats={'data': {args['stats_key']: {hostname: stats}}, 'per_host': False, 'aggregate': True})
        if files:
            written = self._execute_module(
                module_name='cloudops.drs.drs_report_files',
                module_args={'files': [{'path': files[name], 'content': texts[name]} for name in ('markdown', 'junit')],
                             'mode': args['mode'], 'directory_mode': args['directory_mode']},
                task_vars=task_vars)
            self._remove_tmp_path(self._connection._shell.tmpdir)
            if written.get('failed') or written.get('unreachable'):
                result['write_error'] = written.get('msg') or 'Cannot write the report files'
                result['msg'] = 'The reports were rendered but not written: %s' % result['write_error']
        return result
