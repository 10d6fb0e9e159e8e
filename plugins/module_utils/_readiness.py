# -*- coding: utf-8 -*-
# Copyright: (c) 2026, cloudops.drs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Cut-over readiness, in one place: pure functions and data, no HTTP, no Ansible.

A ``wait_until`` condition (option of drs_batch_info, used by the role ``cloudops.drs.cutover``) is a dict of:

- ``status``: the job status must be one of these (a list);
- ``max_delay``: the incremental delay (``incre_trans_delay`` of ``batch-progress``, seconds) must be at most this;
- ``max_rpo`` / ``max_rto``: the RPO / RTO of a disaster-recovery job (``batch-rpo-and-rto``, the ``delay`` in ms
  turned into seconds) must be at most this many seconds;
- ``stable_for``: all of the above must have held, at every poll, for this many seconds.

The rule is **fail closed**: a job is ready only when every condition given is positively met. A job in a failed
state, a job not found, a value DRS did not report, reported as an error item, or reported as ``-1`` (not in the
incremental phase) is *not ready*, with a reason that says which.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import math
import re

from ansible_collections.cloudops.drs.plugins.module_utils._jobs import FAILED_STATES, delay_ms

#: The keys of a ``wait_until`` condition.
CONDITION_KEYS = ('status', 'max_delay', 'max_rpo', 'max_rto', 'stable_for')
#: The keys that are limits in seconds (at least one of these or ``status`` is needed).
LIMIT_KEYS = ('max_delay', 'max_rpo', 'max_rto')
#: The DRS read (a drs_batch_info facet) each limit needs.
FACET_OF = {'max_delay': 'progress', 'max_rpo': 'rpo_rto', 'max_rto': 'rpo_rto'}
STATUS_RE = re.compile(r'^[A-Z][A-Z_]*$')
NOT_FOUND = 'job not found'


def _number(value):
    """A non-negative finite number (int or float, not bool), or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if math.isnan(value) or math.isinf(value) or value < 0:
        return None
    return value


def validate_wait_until(value):
    """Check a ``wait_until`` dict before any request; returns ``(condition, errors)``.

    ``condition`` is the normalised dict (every key present; ``status`` a list or None, limits numbers or None,
    ``stable_for`` a number, 0 when not given); ``errors`` lists every problem found (empty when valid).
    """
    errors = []
    if not isinstance(value, dict):
        return None, ['wait_until must be a dict with one or more of %s, got %s.' % (', '.join(CONDITION_KEYS), type(value).__name__)]
    unknown = sorted(set(value) - set(CONDITION_KEYS))
    if unknown:
        errors.append('wait_until: unknown key(s) %s; the keys are %s.' % (', '.join(unknown), ', '.join(CONDITION_KEYS)))
    condition = dict((key, None) for key in CONDITION_KEYS)
    status = value.get('status')
    if status is not None:
        statuses = [status] if isinstance(status, str) else status
        if not isinstance(statuses, list) or not statuses or not all(isinstance(s, str) and STATUS_RE.match(s) for s in statuses):
            errors.append('wait_until.status must be a non-empty list of DRS job states such as INCRE_TRANSFER_STARTED, got %r.'
                          % (status,))
        else:
            condition['status'] = list(dict.fromkeys(statuses))
    for key in LIMIT_KEYS + ('stable_for',):
        if value.get(key) is None:
            continue
        number = _number(value[key])
        if number is None:
            errors.append('wait_until.%s must be a number of seconds >= 0, got %r.' % (key, value[key]))
        else:
            condition[key] = number
    condition['stable_for'] = condition['stable_for'] or 0
    if not errors and condition['status'] is None and all(condition[key] is None for key in LIMIT_KEYS):
        errors.append('wait_until needs at least one of status, max_delay, max_rpo, max_rto.')
    return condition, errors


def facets_needed(condition):
    """The drs_batch_info facets (besides the status) a condition reads, in a stable order."""
    return [facet for facet in ('progress', 'rpo_rto')
            if any(condition.get(key) is not None for key, needed in FACET_OF.items() if needed == facet)]


def _error_text(item):
    code = item.get('error_code')
    message = item.get('error_msg') or item.get('error_message')
    return 'DRS answered %s' % ': '.join(str(part) for part in (code, message) if part)


def incremental_delay(progress):
    """``(seconds, why_unknown)`` of a ``batch-progress`` item: the incremental delay in seconds, or None and why."""
    if not isinstance(progress, dict):
        return None, 'DRS did not report it'
    if progress.get('error_code'):
        return None, _error_text(progress)
    raw = progress.get('incre_trans_delay')
    try:
        seconds = float(raw)
    except (TypeError, ValueError):
        return None, 'DRS did not report it' if raw in (None, '') else 'unreadable value %r' % (raw,)
    if math.isnan(seconds) or math.isinf(seconds):
        return None, 'unreadable value %r' % (raw,)
    if seconds < 0:
        return None, 'not in the incremental phase'
    return (int(seconds) if seconds == int(seconds) else seconds), None


def rpo_rto_seconds(rpo_rto, which):
    """``(seconds, why_unknown)`` of the RPO (``which='rpo'``) or RTO of a ``batch-rpo-and-rto`` item."""
    if not isinstance(rpo_rto, dict):
        return None, 'DRS did not report it'
    if rpo_rto.get('error_code'):
        return None, _error_text(rpo_rto)
    info = rpo_rto.get('%s_info' % which)
    delay = delay_ms(info)
    if delay is None:
        if isinstance(info, dict) and str(info.get('delay')).strip() == '-1':
            return None, 'not in the incremental phase'
        return None, 'DRS did not report it'
    return delay / 1000.0, None


def _over(label, value, why, limit, key):
    """The reason a value fails its limit, or None when it meets it."""
    if limit is None:
        return None
    if value is None:
        return '%s unknown (%s)' % (label, why)
    if value > limit:
        return '%s %s s is over %s %s s' % (label, _seconds(value), key, _seconds(limit))
    return None


def _seconds(value):
    return ('%.3f' % value).rstrip('0').rstrip('.') if isinstance(value, float) else str(value)


def job_readiness(condition, status, progress=None, rpo_rto=None):
    """Whether one job meets ``condition`` now (stability aside); returns ``(ready, reasons, values)``.

    ``status`` is the job status (None: unknown), ``progress`` and ``rpo_rto`` the job's ``batch-progress`` and
    ``batch-rpo-and-rto`` items (None when not read or not reported). ``values`` is ``{status, delay, rpo, rto}``
    (seconds; None when not read or unknown). ``reasons`` lists every condition not met (empty when ready).
    """
    reasons = []
    delay, delay_why = incremental_delay(progress)
    rpo, rpo_why = rpo_rto_seconds(rpo_rto, 'rpo')
    rto, rto_why = rpo_rto_seconds(rpo_rto, 'rto')
    values = {'status': status, 'delay': delay, 'rpo': rpo, 'rto': rto}
    if not status:
        reasons.append('status unknown')
    elif status in FAILED_STATES:
        reasons.append('status %s is a failed state' % status)
    elif condition.get('status') and status not in condition['status']:
        reasons.append('status %s is not one of %s' % (status, ', '.join(condition['status'])))
    for reason in (_over('incremental delay', delay, delay_why, condition.get('max_delay'), 'max_delay'),
                   _over('RPO', rpo, rpo_why, condition.get('max_rpo'), 'max_rpo'),
                   _over('RTO', rto, rto_why, condition.get('max_rto'), 'max_rto')):
        if reason:
            reasons.append(reason)
    return not reasons, reasons, values


class Stability(object):
    """Since when each job has met its condition at every poll (``stable_for``).

    ``observe(job_id, ready, now)`` records one poll; a poll that finds the job not ready ends its streak. A job is
    stable when its streak is at least ``stable_for`` seconds old (at once when ``stable_for`` is 0). Between two
    polls nothing is known, so "held continuously" means: held at every poll of the streak.
    """

    def __init__(self, stable_for=0):
        self.stable_for = float(stable_for or 0)
        self.since = {}

    def observe(self, job_id, ready, now):
        if ready:
            self.since.setdefault(job_id, now)
        else:
            self.since.pop(job_id, None)

    def held(self, job_id, now):
        """Seconds the job has been ready at every poll, or None when it is not ready."""
        return now - self.since[job_id] if job_id in self.since else None

    def stable(self, job_id, now):
        held = self.held(job_id, now)
        return held is not None and held >= self.stable_for

    def next_due(self, now):
        """Seconds until the first ready job that is not yet stable becomes stable (None when there is none)."""
        due = [self.since[job_id] + self.stable_for - now for job_id in self.since if not self.stable(job_id, now)]
        return max(0.0, min(due)) if due else None


def verdict(condition, stability, job_id, ready, reasons, now):
    """``(ready, reasons)`` of a job at ``now``, ``stable_for`` included: a job ready for less than ``stable_for``
    is not ready, and the reason says for how long it has been."""
    stability.observe(job_id, ready, now)
    if not ready:
        return False, list(reasons)
    if stability.stable(job_id, now):
        return True, []
    return False, ['ready for %s s of the %s s of stable_for' % (_seconds(round(stability.held(job_id, now), 3)),
                                                                 _seconds(condition['stable_for']))]


def not_ready_text(rows, limit=10):
    """One message for the jobs not ready: ``name (id): reason; reason`` per job, at most ``limit`` jobs named."""
    parts = []
    for row in rows[:limit]:
        label = '%s (%s)' % (row['name'], row['id']) if row.get('name') else row['id']
        parts.append('%s: %s' % (label, '; '.join(row['reasons']) or 'not ready'))
    more = len(rows) - limit
    return ' | '.join(parts) + (' | and %d more' % more if more > 0 else '')
