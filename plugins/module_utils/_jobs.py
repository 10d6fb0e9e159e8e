# -*- coding: utf-8 -*-
# Copyright: (c) 2025, cloudops.drs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The rules about DRS jobs, in one place: pure functions and data, no HTTP, no Ansible.

Everything that answers "may this job start, and what happened to it?" lives here, and the modules, the
report filters and the roles use it from here:

- **Status groups**: which job states count as running, already started, failed, or allow a pre-check.
- **Pre-check state**: whether a ``batch-precheck-result`` item is missing, running or done, and whether it
  passed (:func:`precheck_verdict`).
- **The closed outcome vocabulary**: every module reports per job one ``outcome`` from
  :data:`PRECHECK_OUTCOMES` or :data:`START_OUTCOMES`. An outcome that is not known is ``unknown``, and
  ``unknown`` is never OK (fail closed).
- **The start gate** (:func:`gate_verdict`): whether a pre-check outcome lets a job start.
- **Dual-active DR pairs** (:class:`DrPairs`), **delay parsing** (:func:`delay_ms`), **job labels**
  (:func:`job_label`) and the per-job error dicts.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import math


# -- status groups (reference: drs-api.md, job states) ------------------------------------------------------------

#: A job in one of these replicates (the goal of a start).
RUNNING = ('FULL_TRANSFER_STARTED', 'FULL_TRANSFER_COMPLETE', 'INCRE_TRANSFER_STARTED')
#: Found in one of these, a job is not started again: it is reported ``unchanged``.
ALREADY_STARTED = ('STARTJOBING', 'WAITING_FOR_START', 'PAUSING') + RUNNING
#: While waiting after a start, a job in one of these is not done yet (per kind of start).
START_PENDING = {
    'now': ('CONFIGURATION', 'STARTJOBING', 'WAITING_FOR_START'),
    'scheduled': ('CONFIGURATION', 'STARTJOBING'),
}
#: Where a start ends well: running, or waiting for its scheduled time.
START_REACHED = RUNNING + ('WAITING_FOR_START',)
#: The only state in which DRS starts a job.
STARTABLE = 'CONFIGURATION'
#: A dual-active forward task must be here (with RPO and RTO under the limit) before its backward task starts.
FORWARD_READY = 'INCRE_TRANSFER_STARTED'
#: A forward task in one of these may still become ready.
FORWARD_MAY_BECOME_READY = ('CONFIGURATION', 'STARTJOBING', 'WAITING_FOR_START', 'FULL_TRANSFER_STARTED', 'FULL_TRANSFER_COMPLETE')
#: States that mean "something went wrong"; a status report counts them as problems.
FAILED_STATES = frozenset((
    'CREATE_FAILED', 'START_JOB_FAILED', 'FULL_TRANSFER_FAILED', 'INCRE_TRANSFER_FAILED',
    'RELEASE_RESOURCE_FAILED', 'REBUILD_NODE_FAILED', 'CHANGE_JOB_FAILED', 'CHILD_TRANSFER_FAILED',
    'NODE_UPGRADE_FAILED',
))

#: Pre-check modes, and the job states in which DRS accepts a pre-check of each (reference: drs-api.md 6.2).
PRECHECK_MODES = ('forStartJob', 'forRetryJob')
PRECHECK_ALLOWED = {
    'forStartJob': ('CONFIGURATION',),
    'forRetryJob': ('INCRE_TRANSFER_STARTED', 'INCRE_TRANSFER_FAILED', 'FULL_TRANSFER_FAILED', 'START_JOB_FAILED'),
}

# -- the closed outcome vocabulary --------------------------------------------------------------------------------

#: Per-job ``outcome`` of drs_batch_precheck.
#: passed: the latest pre-check positively passed (now or earlier); failed: it ran and failed; error: DRS did not
#: pre-check the job (not found, refused); pending: still running when the deadline came; skipped: not pre-checked
#: because its state or role allows none; not_needed: a dual-active backward task whose forward task replicates;
#: would_precheck: check mode, the pre-check would be submitted and its result cannot be known; unknown: the
#: module could not learn the result (a request failed, or it did not wait).
PRECHECK_OUTCOMES = ('passed', 'failed', 'error', 'pending', 'skipped', 'not_needed', 'would_precheck', 'unknown')
#: Pre-check outcomes that let a job start.
PRECHECK_GATE_OPEN = frozenset(('passed', 'not_needed'))

#: Per-job ``outcome`` of drs_batch_start.
#: started / scheduled: this run started it (it runs) or scheduled it (it waits for its time); unchanged: it was
#: already starting, scheduled, running or paused; failed: it could not be started, or its start failed;
#: not_started: its own pre-check did not positively pass; blocked: held back because of other jobs (all or
#: nothing, or the other task of its dual-active pair); pending: it had not reached its target state at the
#: deadline; unknown: its fate is not known (a request failed half-way). In check mode: would_start,
#: would_schedule, and depends_on_precheck (its pre-check would run now, so the start depends on the result).
START_OUTCOMES = ('started', 'scheduled', 'unchanged', 'failed', 'not_started', 'blocked', 'pending', 'unknown',
                  'would_start', 'would_schedule', 'depends_on_precheck')
#: Start outcomes of a job that ends running, scheduled, or was already running (check mode: would).
START_OK = frozenset(('started', 'scheduled', 'unchanged', 'would_start', 'would_schedule', 'depends_on_precheck'))

#: Outcomes whose fate is not known: a module result holding one of these has ``fate_known: false``.
UNKNOWN_FATES = frozenset(('unknown', 'pending'))


def fate_known(outcomes):
    """True when no outcome is ``unknown`` or ``pending``: the module knows what happened to every job."""
    return not any(outcome in UNKNOWN_FATES for outcome in outcomes)


def gate_verdict(outcome, check_mode=False):
    """What a pre-check outcome means for the start: ``'open'``, ``'depends'`` (check mode only) or ``'closed'``.

    Only a positive pass opens the gate. ``would_precheck`` means, in check mode, that the start depends on the result
    of a pre-check that would run; in a real run it is no result at all and keeps the gate closed, like everything
    else (``unknown`` and a missing outcome, None, included).
    """
    if outcome in PRECHECK_GATE_OPEN:
        return 'open'
    if outcome == 'would_precheck' and check_mode:
        return 'depends'
    return 'closed'


# -- small value rules --------------------------------------------------------------------------------------------

def is_true(value):
    """A DRS boolean, which may come as a JSON boolean or as text."""
    return value is True or str(value).lower() == 'true'


def job_label(job):
    """``name (id)`` of a job (a dict with ``id`` and maybe ``name``), for messages and reports; the id alone without a name."""
    return '%s (%s)' % (job['name'], job['id']) if job.get('name') else job['id']


def delay_ms(info):
    """The ``delay`` of an RPO or RTO info dict in milliseconds (int); None when unknown (DRS sends -1 outside
    the incremental phase)."""
    if not isinstance(info, dict):
        return None
    try:
        delay = int(float(info.get('delay')))
    except (TypeError, ValueError):
        return None
    return delay if delay >= 0 else None


#: The status of a job whose start DRS has scheduled.
SCHEDULED = 'WAITING_FOR_START'


def scheduled_start_ms(detail):
    """The scheduled start (epoch ms, int) of a ``WAITING_FOR_START`` job's batch-detail item, or ``None``.

    DRS keeps it in ``inst_info.start_time`` ("scheduled start time of the migration instance task" in the
    huaweicloudsdkdrs 3.1.219 ``v3/model/inst_info.py`` docstring), epoch ms as a string, ``"0"`` when none. No v3
    call changes it: batch-starting takes only jobs in ``CONFIGURATION``.
    """
    if not isinstance(detail, dict) or detail.get('status') != SCHEDULED:
        return None
    info = detail.get('inst_info')
    value = info.get('start_time') if isinstance(info, dict) else None
    try:
        value = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


def precheck_progress(process):
    """The ``process`` of a batch-precheck-result item in percent (a float), whatever its type: ``100``, ``100.0``,
    ``"100"`` and ``"100%"`` are all 100.0. None when it is absent or unreadable."""
    if isinstance(process, bool) or process is None:
        return None
    if isinstance(process, (int, float)):
        number = float(process)
    elif isinstance(process, str):
        try:
            number = float(process.strip().rstrip('%').strip())
        except ValueError:
            return None
    else:
        return None
    return None if math.isnan(number) else number   # NaN is not a progress


def precheck_state(result):
    """``None`` (no pre-check result), ``'running'`` or ``'done'`` for a batch-precheck-result item.

    Done at a ``process`` of 100 (any spelling, see :func:`precheck_progress`); a ``process`` that cannot be read
    is not done (fail closed: the pre-check has not positively passed).
    """
    if not isinstance(result, dict) or job_error(result) or result.get('process') in (None, ''):
        return None
    progress = precheck_progress(result.get('process'))
    return 'done' if progress is not None and progress >= 100 else 'running'


def precheck_wait_over(result):
    """True when waiting for a submitted pre-check can stop: it is done, or DRS reports an error for the job.

    An item without ``process`` (no result yet) or with a running one is not final.
    """
    return job_error(result) is not None or precheck_state(result) == 'done'


def precheck_eta(result, elapsed):
    """How many seconds a pre-check takes in all, judged from one batch-precheck-result item read ``elapsed`` seconds
    after its submission: ``elapsed`` when it is over, ``elapsed`` / share done while it runs with a ``process``
    between 0 and 100 %, else None (nothing to judge from). Only used to time polls, never to judge a pre-check."""
    if job_error(result) is not None or precheck_state(result) == 'done':
        return elapsed
    progress = precheck_progress(result.get('process')) if precheck_state(result) == 'running' else None
    if progress is None or not 0 < progress < 100:
        return None
    return elapsed * 100.0 / progress


def start_eta(item, elapsed, kind='now'):
    """How many seconds a start takes until the job runs (``kind`` ``'scheduled'``: until it waits for its time),
    judged from one batch-status item read ``elapsed`` seconds after the start: ``elapsed`` when it no longer is in
    START_PENDING, else None (a starting job tells nothing of its remaining time). Only used to time polls."""
    status = (item or {}).get('status') if isinstance(item, dict) else None
    if status and status not in START_PENDING[kind]:
        return elapsed
    return None


#: After a pre-check is submitted, batch-precheck-result may still show the finished result of an earlier pre-check
#: (nothing in it tells one run from the next). A finished result identical to the one read just before the
#: submission, and not preceded by a running one since, is taken as that stale result for this many seconds after the
#: submission; after it, it is taken as the new result (an accepted assumption: see the emulator's MODEL.md).
PRECHECK_STALE_WINDOW = 60.0


def precheck_fingerprint(result):
    """What a finished batch-precheck-result item says (None when it is not finished): two equal fingerprints cannot
    be told apart."""
    if precheck_state(result) != 'done':
        return None
    entries = result.get('precheck_result')
    return repr((result.get('result'), result.get('total_passed_rate'),
                 sorted(repr(sorted(entry.items())) for entry in entries if isinstance(entry, dict)) if isinstance(entries, list) else entries))


def precheck_result_stale(before, result, seen_running, submitted_at, now):
    """True when ``result``, read after a submission, may be the finished result of the earlier pre-check: it equals
    ``before`` (:func:`precheck_fingerprint` of the read just before the submission), no running result was seen
    since the submission (``seen_running``), and :data:`PRECHECK_STALE_WINDOW` has not passed."""
    if before is None or seen_running or precheck_fingerprint(result) != before:
        return False
    return now < submitted_at + PRECHECK_STALE_WINDOW


def check_items(result, kind):
    """The check items of a batch-precheck-result item whose ``result`` is ``kind`` (FAILED or ALARM), each as
    ``{item, group, reason, raw_message}``. A ``precheck_result`` that is not a list, and entries that are not
    dicts, are ignored (the verdict then rests on ``result``)."""
    entries = result.get('precheck_result') if isinstance(result, dict) else None
    return [{'item': entry.get('item'), 'group': entry.get('group'), 'reason': entry.get('failed_reason'),
             'raw_message': entry.get('raw_error_msg')}
            for entry in (entries if isinstance(entries, list) else []) if isinstance(entry, dict) and str(entry.get('result')).upper() == kind]


def precheck_verdict(result, alarm_is_failure):
    """True / False for a done pre-check (passed or not), None while it is not done.

    A pre-check passed when DRS says ``result: true``, no item FAILED and, with ``alarm_is_failure``, no item
    raised an ALARM.
    """
    if precheck_state(result) != 'done':
        return None
    if not is_true(result.get('result')) or check_items(result, 'FAILED'):
        return False
    return not (alarm_is_failure and check_items(result, 'ALARM'))


# -- per-job errors -----------------------------------------------------------------------------------------------

def job_error(item):
    """The per-job ``error`` dict of a reply item, or None when the item carries no error."""
    item = item if isinstance(item, dict) else {}
    if not item.get('error_code') and not item.get('error_msg'):
        return None
    return {'error_code': item.get('error_code'), 'error_msg': item.get('error_msg')}


def error(message, code=None):
    """A per-job ``error`` dict found by the collection itself."""
    return {'error_code': code, 'error_msg': message}


def not_found_error(job_id):
    return error('DRS job %s was not found in this project.' % job_id)


def action_error(reply, action):
    """The per-job ``error`` of a batch-precheck or batch-starting reply item; None when DRS accepted the job."""
    if reply is None:
        return error('DRS sent no reply for this job')
    if reply.get('status') == 'failed' or job_error(reply):
        return job_error(reply) or error('DRS refused the %s' % action)
    return None


#: The actions after which DRS's status reads may lag (the emulator's pessimistic ``stop_lag_seconds``): a job this
#: run read as pausable or stoppable that DRS refuses as in the wrong state (``DRS.M00304``) may already be on its way
#: because of an earlier request (a run with ``wait: false``). Its fate is not known: neither failed nor done.
LAGGING_REFUSAL = {'pause': 'pausing', 'stop': 'stopping'}
WRONG_STATE_CODE = 'DRS.M00304'


def refusal_may_be_lag(action, err):
    """The per-job message when DRS's refusal ``err`` of ``action`` may only mean that the job is already on its way
    (its fate is then ``unknown``); None for a refusal that is a failure."""
    if action not in LAGGING_REFUSAL or (err or {}).get('error_code') != WRONG_STATE_CODE:
        return None
    return 'DRS refuses the %s (%s: %s); the job may already be %s after an earlier request: re-read it later' % (
        action, WRONG_STATE_CODE, err.get('error_msg') or 'wrong state', LAGGING_REFUSAL[action])


def error_text(err):
    """The text of an ``error`` dict: its message, or its code."""
    return (err or {}).get('error_msg') or (err or {}).get('error_code') or ''


def describe_last_seen(item):
    """A short text for the last state seen of a job: its status, or a pre-check's progress."""
    item = item or {}
    if item.get('status'):
        return str(item['status'])
    if item.get('process'):
        return 'pre-check %s' % item['process']
    return 'no reply yet'


def describe_pending(pending, last_seen, names=None):
    """``Still pending: name (id) (state), ...`` for the jobs a deadline left pending.

    The name is taken from ``names`` (id -> name), else from the last item seen; the id alone when neither has one.
    """
    names = names or {}
    return 'Still pending: %s.' % ', '.join(
        '%s (%s)' % (job_label({'id': job_id, 'name': names.get(job_id) or (last_seen.get(job_id) or {}).get('name')}),
                     describe_last_seen(last_seen.get(job_id)))
        for job_id in pending)


# -- dual-active disaster recovery ----------------------------------------------------------------------------------

DR_ROLES = ('parent', 'forward', 'backward')


class DrPairs(object):
    """Roles of dual-active disaster-recovery tasks, read from batch-detail items and job list entries.

    A dual-active DR is a parent task (``db_use_type: cloudDataGuard``, ``multi_write: true``, no ``parent_id``)
    with two children that name it in ``parent_id`` or, where that is absent, in ``master_job_id`` (the "main task
    ID" of the SDK's ``QueryJobResp`` and the OTC page; ``""`` on every other job): the forward task
    (``job_direction: up``) and the backward task (``job_direction: down``). The parent's job list entry carries both
    children. ``job_direction`` only tells forward from backward; it never makes a job a child. The two children of
    one parent are one unit for the start gate: when one is held back, so is the other (:meth:`partners`).
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
            parent = item.get('parent_id') or item.get('master_job_id') or parent_id
            if parent == job_id:
                parent = None   # a task is not its own main task
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

    def parent_of(self, job_id):
        return self._parent.get(job_id)

    def forward_of(self, job_id):
        return self._forward.get(self._parent.get(job_id))

    def forward_status(self, job_id):
        return self._status.get(self.forward_of(job_id))

    def partners(self, job_id, among):
        """The other tasks of ``job_id``'s dual-active pair (same parent) that are in ``among``."""
        parent = self._parent.get(job_id)
        if parent is None:
            return []
        return [other for other in among if other != job_id and self._parent.get(other) == parent]

    def parents_without_forward(self, job_ids):
        """Parents of the backward tasks among ``job_ids`` whose forward task is not known yet."""
        parents = []
        for job_id in job_ids:
            parent = self._parent.get(job_id)
            if self.role(job_id) == 'backward' and self.forward_of(job_id) is None and parent not in parents:
                parents.append(parent)
        return parents


# -- acting on started jobs: pause, resume / retry, stop ------------------------------------------------------------
#
# The rules of drs_batch_pause, drs_batch_resume and drs_batch_stop (reference: drs-api.md 4.10-4.12, 6.2, 6.3).
# :func:`action_plan` says per job what a run does: ``act`` (send the request), ``unchanged`` (nothing to do),
# ``watch`` (nothing to send, but wait for it to get where it is going: a job already stopping) or ``refuse`` (the
# state or role allows no such request: the job fails, nothing is sent for it).

#: The job states from which DRS pauses a job (OTC page; only migration and sync jobs).
PAUSABLE = ('FULL_TRANSFER_STARTED', 'FULL_TRANSFER_FAILED', 'FULL_TRANSFER_COMPLETE', 'INCRE_TRANSFER_STARTED',
            'INCRE_TRANSFER_FAILED')
PAUSABLE_USE_TYPES = ('migration', 'sync')
PAUSE_MODES = ('target', 'all')
#: A paused job; batch-retry-task resumes it.
PAUSED = 'PAUSING'
#: Failed states that batch-retry-task retries, after a ``forRetryJob`` pre-check (Huawei's pre-check page: "the task
#: is being retried after a failure").
RETRYABLE = ('START_JOB_FAILED', 'FULL_TRANSFER_FAILED', 'INCRE_TRANSFER_FAILED')
#: Found here a job needs no resume: it runs or is on its way to running.
NEEDS_NO_RESUME = ('STARTJOBING', 'WAITING_FOR_START') + RUNNING
#: A stop goes RELEASE_RESOURCE_STARTED -> RELEASE_RESOURCE_COMPLETE (failure: RELEASE_RESOURCE_FAILED).
STOPPING = 'RELEASE_RESOURCE_STARTED'
STOP_FAILED = 'RELEASE_RESOURCE_FAILED'
#: Ended jobs: stopped, deleted, an ended re-edit subtask; never stopped again.
STOPPED = ('RELEASE_RESOURCE_COMPLETE', 'RELEASE_CHILD_TRANSFER_COMPLETE', 'DELETED')
#: Jobs that never ran, so there is nothing to stop.
NEVER_RAN = ('CREATE_FAILED',)
DELETE_TYPES = ('terminate', 'force_terminate')
#: States in which DRS refuses any stop (the job is being created, or a stop or an ended re-edit is under way).
NOT_STOPPABLE = ('CREATING', 'RELEASE_CHILD_TRANSFER_STARTED')

#: Per-job ``outcome`` of drs_batch_pause. paused: this run paused it; unchanged: it was already paused; failed:
#: its state, kind or role allows no pause, DRS refused it, or it did not reach PAUSING; pending: not paused yet at
#: the deadline; unknown: its fate is not known; would_pause: check mode.
PAUSE_OUTCOMES = ('paused', 'unchanged', 'failed', 'pending', 'unknown', 'would_pause')
#: Per-job ``outcome`` of drs_batch_resume. resumed: a paused job runs again; retried: a failed job was retried (after
#: a passed forRetryJob pre-check) and runs; unchanged: it was running or on its way; not_retried: its forRetryJob
#: pre-check did not positively pass (or could not be read); failed: a state that allows neither, DRS refused it,
#: or it failed again; pending / unknown as above; check mode: would_resume, would_retry.
RESUME_OUTCOMES = ('resumed', 'retried', 'unchanged', 'not_retried', 'failed', 'pending', 'unknown',
                   'would_resume', 'would_retry')
#: Per-job ``outcome`` of drs_batch_stop. stopped: this run stopped it (RELEASE_RESOURCE_COMPLETE); unchanged: it was
#: already stopped, stopping (and has now stopped) or never ran; failed: its state or role allows no stop, DRS
#: refused it, or the stop failed; pending / unknown as above; would_stop: check mode.
STOP_OUTCOMES = ('stopped', 'unchanged', 'failed', 'pending', 'unknown', 'would_stop')

ACTION_OUTCOMES = {'pause': PAUSE_OUTCOMES, 'resume': RESUME_OUTCOMES, 'stop': STOP_OUTCOMES}
#: The outcomes that are OK, per action; every other one makes the module fail.
ACTION_OK = {
    'pause': frozenset(('paused', 'unchanged', 'would_pause')),
    'resume': frozenset(('resumed', 'retried', 'unchanged', 'would_resume', 'would_retry')),
    'stop': frozenset(('stopped', 'unchanged', 'would_stop')),
}
#: The outcome of a job this run acted on and that got where it was going, per action (and kind, for resume).
ACTION_DONE = {'pause': 'paused', 'resume': 'resumed', 'retry': 'retried', 'stop': 'stopped'}
#: The check-mode prediction of that outcome, and the status predicted after the run.
ACTION_WOULD = {'pause': 'would_pause', 'resume': 'would_resume', 'retry': 'would_retry', 'stop': 'would_stop'}
ACTION_PREDICTED_STATUS = {'pause': PAUSED, 'stop': STOPPING}
#: Where a retry takes a failed job: back to the running status of the phase that failed.
RETRY_TARGET = {'START_JOB_FAILED': 'STARTJOBING', 'FULL_TRANSFER_FAILED': 'FULL_TRANSFER_STARTED',
                'INCRE_TRANSFER_FAILED': 'INCRE_TRANSFER_STARTED'}


def predicted_status(kind, status):
    """The status check mode predicts after the request ``kind``; a resumed job goes back to the phase it was paused in,
    which its status does not tell, so its status is kept."""
    if kind == 'retry':
        return RETRY_TARGET.get(status, status)
    return ACTION_PREDICTED_STATUS.get(kind, status)


def pause_plan(status, db_use_type=None, role=None):
    """``(verb, reason)`` for a pause: ``act``, ``unchanged`` (already paused) or ``refuse`` with the reason."""
    if role == 'parent':
        return 'refuse', 'parent task of a dual-active DR pair: dual-active DR tasks cannot be paused (neither the parent nor its forward and backward tasks)'
    if status == PAUSED:
        return 'unchanged', 'already PAUSING (paused)'
    if db_use_type and db_use_type not in PAUSABLE_USE_TYPES:
        return 'refuse', 'a %s task cannot be paused (DRS pauses only migration and sync tasks)' % db_use_type
    if role in ('forward', 'backward'):   # a dual-active DR task whose kind was not read
        return 'refuse', 'a dual-active DR task cannot be paused (DRS pauses only migration and sync tasks)'
    if status in PAUSABLE:
        return 'act', None
    return 'refuse', 'status %s does not allow a pause (only %s)' % (status, ', '.join(PAUSABLE))


def resume_plan(status, role=None):
    """``(verb, reason)`` for a resume: ``resume`` (paused), ``retry`` (failed, pre-check first), ``unchanged``
    (running or on its way) or ``refuse`` with the reason."""
    if role == 'parent':
        return 'refuse', 'parent task of a dual-active DR pair: DRS resumes or retries only its forward and backward tasks'
    if status == PAUSED:
        return 'resume', None
    if status in RETRYABLE:
        return 'retry', None
    if status in NEEDS_NO_RESUME:
        return 'unchanged', 'already %s' % status
    return 'refuse', 'status %s allows neither a resume (only %s) nor a retry (only %s)' % (status, PAUSED, ', '.join(RETRYABLE))


def stop_plan(status, delete_type='terminate', role=None, parent_listed=False):
    """``(verb, reason)`` for a stop with ``delete_type``.

    ``act`` (send it), ``unchanged`` (already stopped or never ran), ``watch`` (already stopping: wait for it), ``via_parent``
    (a dual-active child whose parent is stopped in the same run: DRS stops both children through the parent) or ``refuse``.
    A child whose parent is not in the run is refused: DRS stops a dual-active DR only through its parent, and that
    would stop the other task too.
    """
    if status in STOPPED:
        return 'unchanged', 'already %s' % status
    if status in NEVER_RAN:
        return 'unchanged', 'never ran (%s): nothing to stop' % status
    if role in ('forward', 'backward'):
        if parent_listed:
            return 'via_parent', None
        return 'refuse', ('%s task of a dual-active DR pair: DRS stops a dual-active DR only through its parent task, '
                          'which stops both tasks; list the parent task instead' % role)
    if status == STOPPING:
        return 'watch', 'already %s' % STOPPING
    if status == STOP_FAILED and delete_type != 'force_terminate':
        return 'refuse', 'an earlier stop failed (%s); only delete_type force_terminate stops it' % STOP_FAILED
    if not status or status in NOT_STOPPABLE:
        return 'refuse', 'status %s does not allow a stop' % status
    if role == 'parent':
        return 'act', 'parent task of a dual-active DR pair: stopping it stops its forward and backward tasks too'
    return 'act', None


def action_took_effect(action, status_before, status_now):
    """After an ambiguous request: True when the status read now shows that it took effect (the client then does
    not send it again). A status that has not moved is not proof of anything: the request is sent again."""
    if not status_now:
        return False
    if action == 'pause':
        return status_now == PAUSED
    if action == 'stop':
        return status_now in (STOPPING, STOP_FAILED) + STOPPED and status_now != status_before
    return status_now != status_before    # resume / retry: the job left the paused or failed state


#: After an accepted retry DRS may go on showing the failed status from before the request for a while (the status
#: reads lag, like a start's: ``_client.START_LAG_WINDOW``). That status is pending, not a new failure, until the job
#: has been seen leaving it or this many seconds have passed since DRS accepted the retry.
RETRY_LAG_WINDOW = 60.0


def retry_lag_status(status_before, status_now, left, accepted_at, now):
    """The status a retried job may still show from before the request: ``status_before`` while the job has not been
    seen leaving it (``left``) and ``now`` is within :data:`RETRY_LAG_WINDOW` of ``accepted_at``; else None."""
    if left or accepted_at is None or status_now != status_before:
        return None
    return status_before if now < accepted_at + RETRY_LAG_WINDOW else None


def action_wait_state(action, status, stale=None):
    """While waiting after a request: ``'done'`` (got there), ``'pending'`` (keep waiting) or ``'failed'``.

    ``stale``: a status read now that is still the one from before the request (see :func:`retry_lag_status`): pending.
    """
    if not status or (stale and status == stale):
        return 'pending'   # an item without a status is not an answer; nor is a lagging read of the status before
    if action == 'pause':
        return 'done' if status == PAUSED else ('pending' if status in PAUSABLE else 'failed')
    if action in ('resume', 'retry'):
        if status in RUNNING:
            return 'done'
        return 'pending' if status in (PAUSED, 'STARTJOBING') else 'failed'
    if status in STOPPED:
        return 'done'
    return 'failed' if status == STOP_FAILED else 'pending'


def outcome_summary(action, outcomes):
    """``outcome -> count`` over the whole closed vocabulary of ``action`` (every key present, 0 when none)."""
    summary = dict((outcome, 0) for outcome in ACTION_OUTCOMES[action])
    for outcome in outcomes:
        summary[outcome] = summary.get(outcome, 0) + 1
    return summary
