# -*- coding: utf-8 -*-
# Copyright: (c) 2025, cloudops.drs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What every cloudops.drs module shares.

- ``common_argument_spec()``: the auth/connection options (documented once in the ``cloudops.drs.drs`` doc fragment).
- ``validate_options()``: the one place that checks what the argument spec cannot (job ids, ranges, start times)
  before any request is sent.
- ``DrsModuleBase``: the life cycle of a module run: validate, build the client, run, report or fail.
- ``redact_secrets()``: the one rule that removes passwords, keys and tokens from API replies.

Data flows one way: module -> this base class -> the client (``_client.py``) -> HTTP.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import calendar
import os
import re
import time

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.cloudops.drs.plugins.module_utils._auth import resolve_auth
from ansible_collections.cloudops.drs.plugins.module_utils._client import REQUESTS_IMPORT_ERROR, RETRY_REASONS, DrsClient
from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsConfigError, DrsError, DrsTimeoutError


JOB_ID_RE = re.compile(r'[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}')
JOB_ID_EXAMPLE = '140b5236-88ad-43c8-811c-1268453jb101'
PRECHECK_MODES = ('forStartJob', 'forRetryJob')
INFO_FACETS = ('status', 'detail', 'progress', 'precheck', 'rpo_rto', 'struct_process')

# option name -> (lowest, highest, why); checked only when the module has the option
RANGES = {
    'batch_size': (1, 10, ' (a DRS batch call takes at most 10 jobs)'),
    'max_concurrency': (1, 32, ''),
}
POSITIVE_SECONDS = ('api_timeout', 'wait_timeout', 'poll_interval', 'rpo_rto_max')

# The one secret rule: a key is secret when its lower-case name is listed here, ends in ``_key`` (ssl_cert_key,
# secret_key, ...) or contains one of the parts.
SECRET_KEY_NAMES = frozenset(('sk', 'sslcertkey'))
SECRET_KEY_PARTS = ('password', 'passwd', 'secret', 'token', 'private')

ISO_8601_RE = re.compile(
    r'^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})[T ](?P<hour>\d{2}):(?P<minute>\d{2})'
    r'(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?'
    r'\s*(?P<zone>Z|z|[+-]\d{2}(?::?\d{2})?)?$'
)
INSECURE_WARNING = ('TLS certificates are not verified (validate_certs: false, or verify: false in clouds.yaml): '
                    'anyone on the network path can read and change the requests. Use ca_cert for a private CA instead.')
EARLIEST_EPOCH_MS = 100000000000  # 1973-03-03: smaller numbers are almost certainly epoch seconds


def common_argument_spec():
    """Auth and connection options shared by every module (see the ``cloudops.drs.drs`` doc fragment).

    Environment fallbacks and the auth precedence are applied by ``resolve_auth()``, not here, so that an option
    set in the task always wins over the environment.
    """
    return dict(
        auth_token=dict(type='str', no_log=True),
        access_key=dict(type='str', no_log=False),
        secret_key=dict(type='str', no_log=True),
        security_token=dict(type='str', no_log=True),
        username=dict(type='str'),
        password=dict(type='str', no_log=True),
        domain_name=dict(type='str'),
        project_name=dict(type='str'),
        project_id=dict(type='str'),
        auth_url=dict(type='str', no_log=False),
        region=dict(type='str'),
        cloud=dict(type='raw', no_log=False),
        endpoint=dict(type='str'),
        validate_certs=dict(type='bool', default=True),
        ca_cert=dict(type='path'),
        client_cert=dict(type='path'),
        client_key=dict(type='path', no_log=False),
        api_timeout=dict(type='int', default=30),
        batch_size=dict(type='int', default=10),
        max_concurrency=dict(type='int', default=8),
    )


def is_secret_key(name):
    lowered = str(name).lower()
    return lowered in SECRET_KEY_NAMES or lowered.endswith('_key') or any(part in lowered for part in SECRET_KEY_PARTS)


def redact_secrets(value):
    """Return a copy of ``value`` without any dict key that ``is_secret_key()`` calls secret, at any depth."""
    if isinstance(value, dict):
        return dict((key, redact_secrets(item)) for key, item in value.items() if not is_secret_key(key))
    if isinstance(value, list):
        return [redact_secrets(item) for item in value]
    return value


def _secret_values(value):
    """The string values stored under secret keys of a (nested) dict."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if is_secret_key(key) and isinstance(item, str) and item:
                found.append(item)
            else:
                found.extend(_secret_values(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_secret_values(item))
    return found


def format_epoch_ms(epoch_ms):
    """Epoch milliseconds -> ISO 8601 UTC text, e.g. ``2030-01-31T22:00:00Z`` (milliseconds only when not zero)."""
    epoch_ms = int(epoch_ms)
    text = time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(epoch_ms // 1000))
    if epoch_ms % 1000:
        text += '.%03d' % (epoch_ms % 1000)
    return text + 'Z'


def parse_start_time(value, option, now_ms):
    """ISO 8601 date and time (naive = UTC) or epoch milliseconds -> epoch milliseconds (int).

    Raises ValueError with the user-facing message.
    """
    if not isinstance(value, bool) and (isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit())):
        epoch_ms = int(value)
        if epoch_ms < EARLIEST_EPOCH_MS:
            raise ValueError(
                '%s: %s looks like epoch seconds; give epoch milliseconds (for example %d) or an ISO 8601 date and time.'
                % (option, epoch_ms, epoch_ms * 1000))
    else:
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
        epoch_ms = seconds * 1000 + int((parts['fraction'] or '0')[:3].ljust(3, '0'))
    if epoch_ms <= now_ms:
        raise ValueError(
            '%s %s is in the past (now is %s); give a future time, or leave start_time out to start at once.'
            % (option, format_epoch_ms(epoch_ms), format_epoch_ms(now_ms)))
    return epoch_ms


class ValidatedOptions(object):
    """What ``validate_options()`` hands to the module: normalized jobs, facets and the warnings to show."""

    def __init__(self, jobs, include, warnings, known=None):
        self.jobs = jobs            # None (every job of the project) or [{'id': ..., <job_keys>: ...}]
        self.include = include      # de-duplicated facets, in the given order
        self.warnings = warnings
        self.known = known or {}    # id -> what a drs_batch_precheck run reported of the job (option prechecked)

    @property
    def job_ids(self):
        return [job['id'] for job in self.jobs or []]


def _normalize_job_key(key, value, where, now_ms, errors):
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
            return str(parse_start_time(value, where, now_ms))
        except ValueError as exc:
            errors.append(str(exc))
            return None
    raise AssertionError('no rule for the job key %r' % key)  # a programming error, not a user error


def _validate_jobs(params, job_keys, now_ms, errors, warnings):
    given = params.get('jobs')
    if given is None:
        return None
    if not given:
        errors.append('jobs must list at least one DRS job id.')
        return []
    defaults = dict((key, _normalize_job_key(key, params.get(key), key, now_ms, errors)) for key in job_keys)
    bad_ids = []
    jobs = []
    seen = {}
    for index, entry in enumerate(given):
        where = 'jobs[%d]' % index
        if isinstance(entry, dict):
            unknown = sorted(str(key) for key in entry if key != 'id' and key not in job_keys)
            if unknown:
                errors.append('%s: unknown key%s %s (allowed keys: %s).' % (
                    where, 's' if len(unknown) > 1 else '', ', '.join(unknown), ', '.join(('id',) + tuple(job_keys))))
                continue
            if entry.get('id') is None:
                errors.append('%s: a job given as a dict needs the key id.' % where)
                continue
            job_id = entry['id']
        elif isinstance(entry, str):
            job_id, entry = entry, {}
        else:
            allowed = 'a job id or a dict with the key%s %s' % ('s' if job_keys else '', ', '.join(('id',) + tuple(job_keys)))
            errors.append('%s: expected %s, got %s.' % (where, allowed if job_keys else 'a job id string', type(entry).__name__))
            continue
        if not isinstance(job_id, str) or not JOB_ID_RE.fullmatch(job_id):
            bad_ids.append('%s %r' % (where, job_id))
            continue
        if entry and not job_keys:
            errors.append('%s: expected a job id string, got a dict.' % where)
            continue
        job = {'id': job_id}
        for key in job_keys:
            own = _normalize_job_key(key, entry.get(key), '%s.%s' % (where, key), now_ms, errors)
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
        errors.append('Invalid job id%s: %s. A DRS job id has 36 characters, lower-case letters and digits grouped 8-4-4-4-12, '
                      'for example %s.' % ('s' if len(bad_ids) > 1 else '', ', '.join(bad_ids), JOB_ID_EXAMPLE))
    for job_id, info in seen.items():
        if info['count'] > 1:
            warnings.append('jobs: %s is listed %d times; it is handled once.' % (job_id, info['count']))
    return jobs


DR_ROLES = ('parent', 'forward', 'backward')


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


def _validate_prechecked(params, errors):
    """The ``prechecked`` option: the ``jobs`` a drs_batch_precheck run returned -> id -> record of each found job.

    A record without a status (the pre-check did not find the job) is left out: that job is read again.
    """
    known = {}
    for index, record in enumerate(params.get('prechecked') or []):
        where = 'prechecked[%d]' % index
        if not isinstance(record, dict):
            errors.append('%s: expected a dict (an element of the jobs that cloudops.drs.drs_batch_precheck returned), got %s.'
                          % (where, type(record).__name__))
            continue
        job_id, status, passed = record.get('id'), record.get('status'), record.get('passed')
        if not isinstance(job_id, str) or not JOB_ID_RE.fullmatch(job_id):
            errors.append('%s.id: %r is not a DRS job id.' % (where, job_id))
            continue
        if status is not None and not isinstance(status, str):
            errors.append('%s.status: expected a job status string or null, got %s.' % (where, type(status).__name__))
            continue
        if passed is not None and not isinstance(passed, bool):
            errors.append('%s.passed: expected true, false or null, got %r.' % (where, passed))
            continue
        if not _validate_dr_pair(record.get('dr_pair'), where, errors):
            continue
        if job_id in known:
            errors.append('prechecked: %s is listed more than once.' % job_id)
            continue
        if status:
            known[job_id] = {'id': job_id, 'name': record.get('name'), 'status': status, 'passed': passed,
                             'total_passed_rate': record.get('total_passed_rate'), 'error': record.get('error'),
                             'dr_pair': record.get('dr_pair')}
    return known


def validate_options(params, job_keys=(), now_ms=None):
    """Check every module option the argument spec cannot check, before any request is sent.

    ``job_keys`` are the keys a job given as a dict may carry besides ``id`` (``mode`` or ``start_time``); each
    falls back to the top-level option of the same name. Returns ``ValidatedOptions``; raises ``DrsConfigError``
    whose message lists every problem found.
    """
    if now_ms is None:
        now_ms = int(time.time() * 1000)
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
    jobs = _validate_jobs(params, job_keys, now_ms, errors, warnings)
    known = _validate_prechecked(params, errors)
    include = []
    for facet in params.get('include') or []:
        if facet not in include:
            include.append(facet)
    if errors:
        raise DrsConfigError(' '.join(errors))
    return ValidatedOptions(jobs, include, warnings, known)


class DrsModuleBase(object):
    """The life cycle of every cloudops.drs module run.

    A module subclass provides ``define_module()`` (its AnsibleModule), ``job_keys``, ``run()`` (decisions and
    requests, recording per-job state as it goes) and ``get_result()`` (the full documented result built from that
    state, valid at any point, so failures keep the per-job data gathered so far).
    """

    job_keys = ()

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.client = None
        self.failure = None       # a message set by run() when the module must fail after reporting everything
        self._started = time.monotonic()
        self.module.no_log_values.update(_secret_values(self.params.get('cloud')))
        if REQUESTS_IMPORT_ERROR:
            module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
        try:
            self.options = validate_options(self.params, self.job_keys)
        except DrsConfigError as exc:
            self.options = ValidatedOptions([], [], [])
            self.fail_json_drs(exc)
        for warning in self.options.warnings:
            module.warn(warning)

    @classmethod
    def base_module_arguments(cls):
        return common_argument_spec()

    @classmethod
    def define_module(cls):
        raise NotImplementedError

    def run(self):
        raise NotImplementedError

    def get_result(self):
        raise NotImplementedError

    def record_timeout(self, pending, last_seen):
        """Hook: remember which jobs a deadline left pending (``last_seen``: id -> last item seen)."""

    def read_jobs(self, ids, deadline, known=None):
        """Details of ``ids`` and their dual-active roles; a job DRS does not know gets its per-job ``error``.

        ``known`` (id -> record, see the ``prechecked`` option) are jobs a pre-check run read moments ago: they are
        not read again; their detail is the record's name and status, their role its ``dr_pair``.
        Returns ``(details, pairs)``: ``details`` maps id -> batch-detail item (or record) of every job found.
        """
        known = dict((job_id, known[job_id]) for job_id in ids if job_id in (known or {}))
        unknown = [job_id for job_id in ids if job_id not in known]
        details, not_found = self.client.batch_detail(unknown, deadline=deadline) if unknown else ({}, [])
        for job_id in not_found:
            self.jobs[job_id]['error'] = not_found_error(job_id)
        pairs = DrPairs(details)
        for job_id, record in known.items():
            details[job_id] = {'id': job_id, 'name': record['name'], 'status': record['status']}
            pairs.learn(job_id, record['status'], record['dr_pair'])
        return details, self.read_dr_pairs(details, deadline, pairs)

    def read_dr_pairs(self, details, deadline, pairs=None):
        """DrPairs for ``details``; a backward task's forward task that was not asked for is found in the job list."""
        pairs = pairs if pairs is not None else DrPairs(details)
        missing = pairs.parents_without_forward(list(details))
        for start in range(0, len(missing), 50):  # well under the 100 ids the list filter takes
            pairs.add(self.client.list_jobs(deadline=deadline, db_use_type='cloudDataGuard', name=','.join(missing[start:start + 50])))
        return pairs

    def build_client(self):
        params = self.params
        auth = resolve_auth(params, os.environ)
        # secrets read from clouds.yaml or the environment are hidden from the module output too
        self.module.no_log_values.update(auth.secret_values())
        if not params['validate_certs'] or auth.verify is False:
            self.module.warn(INSECURE_WARNING)
        return DrsClient(
            auth,
            validate_certs=params['validate_certs'],
            ca_cert=params['ca_cert'],
            client_cert=params['client_cert'],
            client_key=params['client_key'],
            api_timeout=params['api_timeout'],
            batch_size=params['batch_size'],
            max_concurrency=params['max_concurrency'],
        )

    def execute(self):
        """Run the module and exit (or fail) with its result."""
        try:
            self.client = self.build_client()
            self.client.connect()
            self.run()
        except DrsError as exc:
            self.fail_json_drs(exc)
        result = self.get_result()
        if self.failure:
            self.module.fail_json(msg=self.failure, **result)
        self.module.exit_json(**result)

    def fail_json_drs(self, exc):
        """Fail for a DrsError, keeping the per-job results gathered so far.

        DrsConfigError: the message only (nothing was sent). DrsTimeoutError: the message names the pending jobs
        and their last seen state. Every other DrsError: the message plus ``error`` (status, code, request id...).
        """
        msg = str(exc)
        if isinstance(exc, DrsTimeoutError) and exc.pending:
            self.record_timeout(exc.pending, exc.last_seen)
            msg = '%s. %s' % (msg.rstrip('.'), describe_pending(exc.pending, exc.last_seen))
        result = self.get_result()
        if not isinstance(exc, DrsConfigError):
            result['error'] = exc.to_dict()
        self.module.fail_json(msg=msg, **result)

    def elapsed(self):
        return round(time.monotonic() - self._started, 3)

    def retries(self):
        stats = getattr(self.client, 'stats', None) or {}
        retried = stats.get('retried') or {}
        counts = dict((kind, 0) for kind in RETRY_REASONS)
        counts.update(retried)
        return counts


def is_true(value):
    """A DRS boolean, which may come as a JSON boolean or as text."""
    return value is True or str(value).lower() == 'true'


PRECHECK_DONE = '100%'


def precheck_state(result):
    """``None`` (no pre-check result), ``'running'`` or ``'done'`` for a batch-precheck-result item."""
    if not result or job_error(result) or result.get('process') in (None, ''):
        return None
    return 'done' if result.get('process') == PRECHECK_DONE else 'running'


def job_label(job):
    """``id (name)`` of a per-job result, for messages."""
    return '%s (%s)' % (job['id'], job['name']) if job.get('name') else job['id']


class DrPairs(object):
    """Roles of dual-active disaster-recovery tasks, read from batch-detail items and job list entries.

    A dual-active DR is a parent task (``db_use_type: cloudDataGuard``, ``multi_write: true``, no ``parent_id``)
    with two children that name it in ``parent_id``: the forward task (``job_direction: up``) and the backward task
    (``job_direction: down``). The parent's job list entry carries both children.
    """

    def __init__(self, items=()):
        self._role = {}
        self._parent = {}
        self._forward = {}      # parent id -> forward task id
        self._status = {}
        self.add(items)

    def add(self, items, parent_id=None):
        """Learn from detail items (a dict id -> item, or a list) or job list entries (with nested ``children``)."""
        for item in (items.values() if isinstance(items, dict) else items):
            job_id = item.get('id')
            parent = item.get('parent_id') or parent_id
            self._status[job_id] = item.get('status')
            if parent:
                role = 'backward' if item.get('job_direction') == 'down' else 'forward'
                self._role[job_id], self._parent[job_id] = role, parent
                if role == 'forward':
                    self._forward[parent] = job_id
            elif (item.get('db_use_type') == 'cloudDataGuard' and is_true(item.get('multi_write'))) or item.get('children'):
                self._role[job_id] = 'parent'
            children = [child for child in item.get('children') or [] if isinstance(child, dict)]
            if children:
                self.add(children, parent_id=job_id)

    def learn(self, job_id, status, pair):
        """Learn one job from what ``describe()`` said of it (in another module run)."""
        self._status[job_id] = status
        if not pair:
            return
        self._role[job_id] = pair['role']
        parent, forward = pair.get('parent_id'), pair.get('forward_id')
        if parent:
            self._parent[job_id] = parent
            if forward:
                self._forward.setdefault(parent, forward)
                if forward != job_id:
                    self._status.setdefault(forward, pair.get('forward_status'))

    def describe(self, job_id):
        """What a later module run needs to know of the job's dual-active role: None when it has none, else
        ``{role, parent_id, forward_id, forward_status}`` (the forward task's status when it was read)."""
        role = self.role(job_id)
        if role is None:
            return None
        forward = self.forward_of(job_id) if role != 'parent' else self._forward.get(job_id)
        return {'role': role, 'parent_id': self._parent.get(job_id), 'forward_id': forward,
                'forward_status': self._status.get(forward) if forward else None}

    def role(self, job_id):
        """``'parent'``, ``'forward'``, ``'backward'`` or None (not part of a dual-active DR)."""
        return self._role.get(job_id)

    def forward_of(self, job_id):
        return self._forward.get(self._parent.get(job_id))

    def forward_status(self, job_id):
        return self._status.get(self.forward_of(job_id))

    def parents_without_forward(self, job_ids):
        """Parents of the backward tasks among ``job_ids`` whose forward task is not known yet."""
        parents = []
        for job_id in job_ids:
            parent = self._parent.get(job_id)
            if self.role(job_id) == 'backward' and self.forward_of(job_id) is None and parent not in parents:
                parents.append(parent)
        return parents


def describe_last_seen(item):
    """A short text for the last state seen of a job: its status, or a pre-check's progress."""
    item = item or {}
    if item.get('status'):
        return str(item['status'])
    if item.get('process'):
        return 'pre-check %s' % item['process']
    return 'no reply yet'


def describe_pending(pending, last_seen):
    return 'Still pending: %s.' % ', '.join('%s (%s)' % (job_id, describe_last_seen(last_seen.get(job_id))) for job_id in pending)


def job_error(item):
    """The per-job ``error`` dict of a result, or None when the item carries no error."""
    item = item or {}
    if not item.get('error_code') and not item.get('error_msg'):
        return None
    return {'error_code': item.get('error_code'), 'error_msg': item.get('error_msg')}


def not_found_error(job_id):
    return {'error_code': None, 'error_msg': 'DRS job %s was not found in this project.' % job_id}


def action_error(reply, action):
    """The per-job ``error`` of a batch-precheck or batch-starting reply item; None when DRS accepted the job."""
    if reply is None:
        return {'error_code': None, 'error_msg': 'DRS sent no reply for this job'}
    if reply.get('status') == 'failed' or job_error(reply):
        return job_error(reply) or {'error_code': None, 'error_msg': 'DRS refused the %s' % action}
    return None
