# -*- coding: utf-8 -*-
# Copyright: (c) 2025, cloudops.drs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Option validation shared by the modules and the role filters: pure, no HTTP, no Ansible.

- :func:`validate_options` checks every module option the argument spec cannot check (job ids, ranges, start
  times, the ``prechecked`` records), before any request is sent, and raises ``DrsConfigError`` with every
  problem found.
- :func:`validate_job_list` checks a role's ``drs_jobs`` list with the same rules and returns the problems
  instead of raising, so a role can fail with them before any module runs.
- :func:`parse_start_time` and :func:`format_epoch_ms`: the one reading and writing of start times.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import calendar
import re
import time

from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsConfigError
from ansible_collections.cloudops.drs.plugins.module_utils._jobs import DR_ROLES, PRECHECK_MODES, PRECHECK_OUTCOMES
from ansible_collections.cloudops.drs.plugins.module_utils._selection import (
    JOB_ID_RE, NAME_MAX, NAME_MIN, is_job_name, validate_filters)


JOB_ID_EXAMPLE = '140b5236-88ad-43c8-811c-1268453jb101'
INFO_FACETS = ('status', 'detail', 'progress', 'precheck', 'rpo_rto', 'struct_process')

# option name -> (lowest, highest, why); checked only when the module has the option
RANGES = {
    'batch_size': (1, 10, ' (a DRS batch call takes at most 10 jobs)'),
    'max_concurrency': (1, 32, ''),
}
POSITIVE_SECONDS = ('api_timeout', 'wait_timeout', 'poll_interval', 'rpo_rto_max')

ISO_8601_RE = re.compile(
    r'^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})[T ](?P<hour>\d{2}):(?P<minute>\d{2})'
    r'(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?'
    r'\s*(?P<zone>Z|z|[+-]\d{2}(?::?\d{2})?)?$'
)
EARLIEST_EPOCH_MS = 100000000000  # 1973-03-03: smaller numbers are almost certainly epoch seconds
BAD_JOB_ID = ('A DRS job id has 36 characters, lower-case letters and digits grouped 8-4-4-4-12, for example %s.'
              % JOB_ID_EXAMPLE)
BAD_JOB_NAME = 'A job name (exact, case-sensitive) has %d to %d characters.' % (NAME_MIN, NAME_MAX)
#: Keys of a role's ``drs_jobs`` entry given as a dict.
ROLE_JOB_KEYS = ('id', 'name', 'start_time')


def now_ms():
    return int(time.time() * 1000)


def format_epoch_ms(epoch_ms):
    """Epoch milliseconds -> ISO 8601 UTC text, e.g. ``2030-01-31T22:00:00Z`` (milliseconds only when not zero)."""
    epoch_ms = int(epoch_ms)
    text = time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(epoch_ms // 1000))
    if epoch_ms % 1000:
        text += '.%03d' % (epoch_ms % 1000)
    return text + 'Z'


def _iso_to_epoch_ms(value, option):
    match = ISO_8601_RE.match(value.strip()) if isinstance(value, str) else None
    if not match:
        raise ValueError(
            '%s: %r is neither an ISO 8601 date and time (for example 2030-01-31T22:00:00Z) nor epoch milliseconds.'
            % (option, value))
    parts = match.groupdict()
    try:
        fields = (int(parts['year']), int(parts['month']), int(parts['day']),
                  int(parts['hour']), int(parts['minute']), int(parts['second'] or 0))
        if not (1 <= fields[1] <= 12 and 1 <= fields[2] <= 31 and fields[3] <= 23 and fields[4] <= 59 and fields[5] <= 59):
            raise ValueError()
        seconds = calendar.timegm(fields + (0, 0, 0))
        if time.gmtime(seconds)[:3] != fields[:3]:  # e.g. 2030-02-30
            raise ValueError()
    except ValueError:
        raise ValueError('%s: %r is not a valid date and time.' % (option, value))
    zone = parts['zone'] or 'Z'
    if zone not in ('Z', 'z'):
        digits = zone[1:].replace(':', '')
        offset = int(digits[:2]) * 3600 + int(digits[2:4] or 0) * 60
        seconds -= offset if zone[0] == '+' else -offset
    return seconds * 1000 + int((parts['fraction'] or '0')[:3].ljust(3, '0'))


def parse_start_time(value, option, now):
    """ISO 8601 date and time (naive = UTC) or epoch milliseconds -> epoch milliseconds (int), after ``now`` (ms).

    Raises ValueError with the user-facing message.
    """
    if not isinstance(value, bool) and (isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit())):
        epoch_ms = int(value)
        if epoch_ms < EARLIEST_EPOCH_MS:
            raise ValueError(
                '%s: %s looks like epoch seconds; give epoch milliseconds (for example %d) or an ISO 8601 date and time.'
                % (option, epoch_ms, epoch_ms * 1000))
    else:
        epoch_ms = _iso_to_epoch_ms(value, option)
    if epoch_ms <= now:
        raise ValueError(
            '%s %s is in the past (now is %s); give a future time, or leave start_time out to start at once.'
            % (option, format_epoch_ms(epoch_ms), format_epoch_ms(now)))
    return epoch_ms


class ValidatedOptions(object):
    """What ``validate_options()`` hands to the module: normalized jobs, facets, pre-check records and warnings."""

    def __init__(self, jobs, include, warnings, prechecked=None, filters=None):
        # None (every job of the project) or [{'id': ..., <job_keys>: ...}]; an entry given by name has id None and
        # 'by_name' until DrsModuleBase resolves it (before run())
        self.jobs = jobs
        self.include = include          # de-duplicated facets, in the given order
        self.warnings = warnings
        self.prechecked = prechecked    # None (option not given) or id -> record of a drs_batch_precheck run
        self.filters = filters          # None or the validated ``filters`` (see _selection.validate_filters)
        self.job_defaults = {}          # <job_keys> -> the top-level default, for jobs selected by filters

    @property
    def job_ids(self):
        return [job['id'] for job in self.jobs or []]


def _normalize_job_key(key, value, where, now, errors):
    """Check one per-job (or top-level default) setting; return its normalized value or None."""
    if value is None:
        return None
    if key == 'mode':
        if value not in PRECHECK_MODES:
            errors.append('%s: %r is not one of %s.' % (where, value, ', '.join(PRECHECK_MODES)))
            return None
        return value
    if key == 'start_time':
        try:
            return str(parse_start_time(value, where, now))
        except ValueError as exc:
            errors.append(str(exc))
            return None
    raise AssertionError('no rule for the job key %r' % key)  # a programming error, not a user error


def _job_entry(entry, where, job_keys, errors):
    """``(job_id, settings dict)`` of one element of ``jobs``; None (with the error recorded) when it is malformed."""
    if isinstance(entry, str):
        return entry, {}
    if not isinstance(entry, dict):
        allowed = 'a job id or name, or a dict with the key%s %s' % ('s' if job_keys else '', ', '.join(('id',) + tuple(job_keys)))
        errors.append('%s: expected %s, got %s.' % (where, allowed if job_keys else 'a job id or name string', type(entry).__name__))
        return None
    unknown = sorted(str(key) for key in entry if key != 'id' and key not in job_keys)
    if unknown:
        errors.append('%s: unknown key%s %s (allowed keys: %s).' % (
            where, 's' if len(unknown) > 1 else '', ', '.join(unknown), ', '.join(('id',) + tuple(job_keys))))
        return None
    if entry.get('id') is None:
        errors.append('%s: a job given as a dict needs the key id.' % where)
        return None
    return entry['id'], entry


def _validate_jobs(params, job_keys, defaults, now, errors, warnings):
    """The ``jobs`` option -> None or [{'id', <job_keys>}]; an entry not in the id form is a job name (``by_name``)."""
    given = params.get('jobs')
    if given is None:
        return None
    if not given:
        errors.append('jobs must list at least one DRS job id or name.')
        return []
    bad_ids = []
    jobs = []
    seen = {}
    for index, entry in enumerate(given):
        where = 'jobs[%d]' % index
        parsed = _job_entry(entry, where, job_keys, errors)
        if parsed is None:
            continue
        job_id, entry = parsed
        by_name = is_job_name(job_id)
        if not by_name and (not isinstance(job_id, str) or not JOB_ID_RE.fullmatch(job_id)):
            bad_ids.append('%s %r' % (where, job_id))
            continue
        if entry and not job_keys:
            errors.append('%s: expected a job id or name string, got a dict.' % where)
            continue
        job = {'id': None, 'by_name': job_id} if by_name else {'id': job_id}
        for key in job_keys:
            own = _normalize_job_key(key, entry.get(key), '%s.%s' % (where, key), now, errors)
            job[key] = own if own is not None else defaults[key]
        if job_id in seen:
            first = seen[job_id]
            first['count'] += 1
            if first['job'] != job:
                errors.append('jobs: %s is listed more than once with different settings (%s and %s).' % (
                    job_id, first['where'], where))
            continue
        seen[job_id] = {'job': job, 'where': where, 'count': 1}
        jobs.append(job)
    if bad_ids:
        errors.append('Invalid job %s: %s. %s %s' % (
            'ids or names' if len(bad_ids) > 1 else 'id or name', ', '.join(bad_ids), BAD_JOB_ID, BAD_JOB_NAME))
    for job_id, info in seen.items():
        if info['count'] > 1:
            warnings.append('jobs: %s is listed %d times; it is handled once.' % (job_id, info['count']))
    return jobs


def _validate_dr_pair(pair, where, errors):
    if pair is None:
        return True
    if not isinstance(pair, dict) or pair.get('role') not in DR_ROLES:
        errors.append('%s.dr_pair: expected null or a dict whose role is one of %s.' % (where, ', '.join(DR_ROLES)))
        return False
    for key in ('parent_id', 'forward_id'):
        value = pair.get(key)
        if value is not None and not (isinstance(value, str) and JOB_ID_RE.fullmatch(value)):
            errors.append('%s.dr_pair.%s: %r is not a DRS job id.' % (where, key, value))
            return False
    if (pair['role'] == 'parent') != (pair.get('parent_id') is None):
        errors.append('%s.dr_pair.parent_id: a %s task %s.' % (
            where, pair['role'], 'has no parent_id' if pair['role'] == 'parent' else 'needs the parent_id of its pair'))
        return False
    if pair.get('forward_status') is not None and not isinstance(pair['forward_status'], str):
        errors.append('%s.dr_pair.forward_status: expected a job status string or null.' % where)
        return False
    return True


def _validate_record(record, where, errors):
    """One element of ``prechecked``; returns the record the start module keeps, or None (error recorded)."""
    if not isinstance(record, dict):
        errors.append('%s: expected a dict (an element of the jobs that cloudops.drs.drs_batch_precheck returned), got %s.'
                      % (where, type(record).__name__))
        return None
    job_id, status, passed, outcome = record.get('id'), record.get('status'), record.get('passed'), record.get('outcome')
    if not isinstance(job_id, str) or not JOB_ID_RE.fullmatch(job_id):
        errors.append('%s.id: %r is not a DRS job id.' % (where, job_id))
    elif status is not None and not isinstance(status, str):
        errors.append('%s.status: expected a job status string or null, got %s.' % (where, type(status).__name__))
    elif passed is not None and not isinstance(passed, bool):
        errors.append('%s.passed: expected true, false or null, got %r.' % (where, passed))
    elif outcome is not None and outcome not in PRECHECK_OUTCOMES:
        errors.append('%s.outcome: %r is not one of %s.' % (where, outcome, ', '.join(PRECHECK_OUTCOMES)))
    elif _validate_dr_pair(record.get('dr_pair'), where, errors):
        return {'id': job_id, 'name': record.get('name'), 'status': status, 'outcome': outcome,
                'total_passed_rate': record.get('total_passed_rate'), 'error': record.get('error'), 'dr_pair': record.get('dr_pair'),
                'alarm_items': len(record.get('alarm_items') or []) if isinstance(record.get('alarm_items'), list) else 0}
    return None


def _validate_prechecked(params, errors):
    """The ``prechecked`` option (the ``jobs`` a drs_batch_precheck run returned) -> None or id -> record."""
    given = params.get('prechecked')
    if given is None:
        return None
    records = {}
    for index, record in enumerate(given):
        where = 'prechecked[%d]' % index
        kept = _validate_record(record, where, errors)
        if kept is None:
            continue
        if kept['id'] in records:
            errors.append('prechecked: %s is listed more than once.' % kept['id'])
            continue
        records[kept['id']] = kept
    return records


def _check_precheck_option(params, errors):
    """drs_batch_start's ``precheck`` (pre-check, then start, in one run): it makes the gate's records itself."""
    settings = params.get('precheck')
    if settings is None:
        return
    if params.get('prechecked') is not None:
        errors.append('precheck and prechecked are mutually exclusive: precheck runs the pre-check itself and makes the '
                      'records that prechecked would pass.')
    if params.get('require_precheck') is False:
        errors.append('precheck needs require_precheck=true: the pre-check it runs is what decides which jobs start.')
    if settings.get('wait_timeout') is not None and settings['wait_timeout'] <= 0:
        errors.append('precheck.wait_timeout must be a positive number of seconds, got %s.' % settings['wait_timeout'])


def validate_options(params, job_keys=(), now=None, require_selection=False):
    """Check every module option the argument spec cannot check, before any request is sent.

    ``job_keys`` are the keys a job given as a dict may carry besides ``id`` (``mode`` or ``start_time``); each
    falls back to the top-level option of the same name. A job given by name (any entry, or dict ``id``, that is not
    in the DRS id form) keeps ``id`` None and ``by_name`` until the module resolves it. ``require_selection``: a
    module that needs ``jobs``, ``filters`` or both. Returns ``ValidatedOptions``; raises ``DrsConfigError`` whose
    message lists every problem found.
    """
    now = now_ms() if now is None else now
    errors = []
    warnings = []
    for name, (lowest, highest, why) in sorted(RANGES.items()):
        value = params.get(name)
        if value is not None and not lowest <= value <= highest:
            errors.append('%s must be between %d and %d%s, got %s.' % (name, lowest, highest, why, value))
    for name in POSITIVE_SECONDS:
        value = params.get(name)
        if value is not None and value <= 0:
            errors.append('%s must be a positive number of seconds, got %s.' % (name, value))
    defaults = dict((key, _normalize_job_key(key, params.get(key), key, now, errors)) for key in job_keys)
    jobs = _validate_jobs(params, job_keys, defaults, now, errors, warnings)
    filters, filter_errors = validate_filters(params.get('filters'))
    errors.extend(filter_errors)
    if require_selection and params.get('jobs') is None and params.get('filters') is None:
        errors.append('Select the jobs: give jobs (ids or names), filters, or both.')
    prechecked = _validate_prechecked(params, errors)
    _check_precheck_option(params, errors)
    include = []
    for facet in params.get('include') or []:
        if facet not in include:
            include.append(facet)
    if errors:
        raise DrsConfigError(' '.join(errors))
    options = ValidatedOptions(jobs, include, warnings, prechecked, filters)
    options.job_defaults = defaults
    return options


def validate_job_list(jobs, start_time=None, now=None, filters=None, selection=None):
    """Check and normalise a role's ``drs_jobs`` list (and ``drs_filters``) without raising.

    Returns ``{'jobs': [...], 'ids': [...], 'start_items': [...], 'errors': [...], 'needs_selection': bool,
    'empty_selection': bool}``. Each job becomes ``{id, name, start_time}``, ``start_time`` being the job's own time or
    ``start_time``; ``ids`` and ``start_items`` list them in order (the roles pass them to the modules as they are), a
    start item being what drs_batch_start takes: the id, or ``{id, start_time}`` for a job with a start time (plain
    ids where there is none: a fleet's job list is a fact, and every dict in it costs a role run time). ``errors`` says
    what is wrong with each bad entry; the job ids or names, the duplicates and the start times follow the rules of
    :func:`validate_options`, ``filters`` those of ``_selection.validate_filters``.

    An entry's id may be an exact job name, and ``filters`` may select jobs: then ``needs_selection`` is true and
    the role resolves the selection once (``drs_batch_info``, whose ``selection`` it passes back here as
    ``selection``): the jobs are then the selected ones, in that order, each with the start time and name of its
    entry (by id or by name), or the default start time and DRS's name when only ``filters`` selected it.
    ``empty_selection`` says that a selection was made and nothing matched.
    """
    now = now_ms() if now is None else int(now)
    filters = filters or None
    errors = []
    if filters is not None:
        errors.extend(validate_filters(filters, 'drs_filters')[1])
    if jobs is None or (jobs == [] and filters is not None):
        jobs = []
    elif not isinstance(jobs, list):
        return _job_list([], ['drs_jobs must be a list of job ids, names or dicts, got %s' % type(jobs).__name__])
    elif not jobs:
        return _job_list([], ['drs_jobs is empty: list the ids or names of the DRS jobs to work on, or give drs_filters'])
    out, seen = [], set()
    for index, job in enumerate(jobs):
        where = 'drs_jobs[%d]' % index
        job = {'id': job} if isinstance(job, str) else job
        if not isinstance(job, dict):
            errors.append('%s must be a job id or name, or a dict with an id, got %s' % (where, type(job).__name__))
            continue
        unknown = sorted(str(key) for key in job if key not in ROLE_JOB_KEYS)
        if unknown:
            errors.append('%s has unknown keys %s (allowed: %s)' % (where, ', '.join(unknown), ', '.join(ROLE_JOB_KEYS)))
        job_id = job.get('id')
        job_id = job_id.strip() if isinstance(job_id, str) and JOB_ID_RE.fullmatch(job_id.strip()) else job_id
        if not (isinstance(job_id, str) and (JOB_ID_RE.fullmatch(job_id) or is_job_name(job_id))):
            errors.append('%s: %r is neither a DRS job id nor a job name. %s %s' % (where, job_id, BAD_JOB_ID, BAD_JOB_NAME)
                          if job_id else '%s has no id' % where)
            continue
        if job_id in seen:
            errors.append('%s: job %s is listed more than once' % (where, job_id))
            continue
        seen.add(job_id)
        when = job.get('start_time') if job.get('start_time') not in (None, '') else start_time
        when = '' if when is None else str(when).strip()
        if when:
            try:
                parse_start_time(when, '%s start time' % where, now)
            except ValueError as exc:
                errors.append(str(exc))
        out.append({'id': job_id, 'name': '' if job.get('name') is None else str(job['name']), 'start_time': when})
    needs = filters is not None or any(not JOB_ID_RE.fullmatch(job['id']) for job in out)
    if selection is not None and not errors:
        out = _selected_jobs(out, selection, start_time)
    result = _job_list(out, errors)
    result['needs_selection'] = needs
    result['empty_selection'] = selection is not None and not out and not errors
    return result


def _selected_jobs(entries, selection, start_time):
    """The ``selection`` of a module (``[{id, name}]``) as role jobs, each with its entry's settings (by id or name)."""
    given = dict((job['id'], job) for job in entries)
    default = '' if start_time is None else str(start_time).strip()
    out = []
    for selected in selection if isinstance(selection, list) else []:
        if not isinstance(selected, dict) or not selected.get('id'):
            continue
        job_id, drs_name = selected['id'], selected.get('name') or ''
        entry = given.get(job_id) or given.get(drs_name) or {'name': '', 'start_time': default}
        out.append({'id': job_id, 'name': entry['name'] or drs_name, 'start_time': entry['start_time']})
    return out


def _job_list(jobs, errors):
    start_items = [{'id': job['id'], 'start_time': job['start_time']} if job['start_time'] else job['id'] for job in jobs]
    return {'jobs': jobs, 'ids': [job['id'] for job in jobs], 'start_items': start_items, 'errors': errors,
            'needs_selection': False, 'empty_selection': False}
