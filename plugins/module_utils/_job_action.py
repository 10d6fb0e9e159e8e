# -*- coding: utf-8 -*-
# Copyright: (c) 2026, cloudops.drs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The run of a module that acts on started jobs: drs_batch_pause, drs_batch_resume and drs_batch_stop.

One shape for the three: read the jobs (batch-detail), decide per job with the rule of ``_jobs.py`` (``pause_plan``,
``resume_plan``, ``stop_plan``), send the requests for the jobs that need one (the client batches them, re-sends busy
jobs and, after an ambiguous failure, re-reads the status before any re-send), wait for every job it acted on (and
for jobs already on their way) with the one waiter, and report one ``outcome`` per job from the closed vocabulary of
the action. A job whose fate is not known is ``unknown`` (or ``pending`` at the deadline), and the module then fails.

A subclass sets ``action`` and provides ``argument_spec()``, ``plan()`` and ``send()``; ``prepare()`` may hold jobs
back before the requests are sent (the retry pre-check of drs_batch_resume).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.cloudops.drs.plugins.module_utils._base import DrsModuleBase
from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsError
from ansible_collections.cloudops.drs.plugins.module_utils._jobs import (
    ACTION_DONE, ACTION_OK, ACTION_PREDICTED_STATUS, ACTION_WOULD, predicted_status, UNKNOWN_FATES, action_error, action_took_effect,
    action_wait_state, describe_pending, error, error_text, fate_known, job_label, not_found_error, outcome_summary, refusal_may_be_lag,
    retry_lag_status)


def action_argument_spec(wait_timeout=1800):
    """The options every acting module has besides its own (the shared auth options come from ``_base``)."""
    return dict(
        jobs=dict(type='list', elements='raw'),
        wait=dict(type='bool', default=True),
        wait_timeout=dict(type='int', default=wait_timeout),
        poll_interval=dict(type='int', default=10),
    )


class DrsJobActionModule(DrsModuleBase):
    """Read, decide, act, wait and report for one action (``pause``, ``resume`` or ``stop``)."""

    action = None

    def __init__(self, module):
        self.jobs = {}            # id -> per-job result, in the order of the jobs option
        self.kinds = {}           # id -> the request this run sends for the job: pause, resume, retry or stop
        self.changed = False
        self.deadline = None
        self.pending = []
        self.watching = []        # jobs the wait has not decided yet (record_failure makes them unknown)
        self.reasons_before = {}  # id -> failed_reason read before the run acted
        self.accepted_at = {}     # id -> when DRS accepted this run's retry (client clock): the retry lag window
        self.left = set()         # retried jobs seen leaving their status from before the retry
        super().__init__(module)

    # -- hooks ---------------------------------------------------------------------------------------------------

    def plan(self, job_id, detail, pairs, ids):
        """``(verb, reason)`` for one job: a verb of ``_jobs.*_plan``."""
        raise NotImplementedError

    def send(self, kind, ids):
        """Send the request ``kind`` for ``ids``; returns the client's ``id -> item``."""
        raise NotImplementedError

    def prepare(self, kind, ids):
        """The ids of ``kind`` that may be sent; a subclass decides the others (default: all)."""
        return ids

    # -- per-job bookkeeping ---------------------------------------------------------------------------------

    def _job(self, job_id):
        return self.jobs.setdefault(job_id, {
            'id': job_id, 'name': None, 'status_before': None, 'status': None, 'action': None,
            'outcome': 'unknown', 'fate_known': False, 'reason': None, 'error': None,
        })

    def set_outcome(self, job_id, outcome, message=None, code=None, reason=None):
        job = self.jobs[job_id]
        job['outcome'] = outcome
        if message is not None:
            job['error'] = error(message, code)
        if reason is not None:
            job['reason'] = reason

    # -- the run ---------------------------------------------------------------------------------------------

    def run(self):
        self.deadline = self.client.deadline_in(self.params['wait_timeout'])
        ids = self.options.job_ids
        for job_id in ids:
            self._job(job_id)
        details, pairs, errors = self.read_jobs(ids, self.deadline)
        todo, watch, via = {}, [], []
        for job_id in ids:
            job = self.jobs[job_id]
            if job_id not in details:
                job.update(outcome='failed', error=errors.get(job_id) or not_found_error(job_id))
                continue
            detail = details[job_id]
            job.update(name=detail.get('name'), status_before=detail.get('status'), status=detail.get('status'))
            self.reasons_before[job_id] = detail.get('failed_reason')
            verb, reason = self.plan(job_id, detail, pairs, ids)
            if verb == 'unchanged':
                self.set_outcome(job_id, 'unchanged', reason=reason)
            elif verb == 'refuse':
                why = detail.get('failed_reason') or detail.get('error_msg')
                self.set_outcome(job_id, 'failed', '%s%s' % (reason, ' (%s)' % why if why and why not in reason else ''))
            elif verb == 'watch':
                self.set_outcome(job_id, 'unchanged', reason=reason)
                self.kinds[job_id] = self.action
                watch.append(job_id)
            elif verb == 'via_parent':
                via.append(job_id)
            else:
                todo.setdefault(self.action if verb == 'act' else verb, []).append(job_id)   # act, or resume / retry
                job['reason'] = reason
        acted = []
        for kind, kind_ids in todo.items():
            for job_id in kind_ids:
                self.kinds[job_id] = kind
                self.jobs[job_id]['action'] = kind
            acted += self._act(kind, self.prepare(kind, kind_ids))
        acted += self._via_parent(via, pairs, acted, watch)
        if self.module.check_mode:
            pass
        elif self.params['wait'] and (acted or watch):
            self._wait(acted + watch, acted)
        elif acted:
            self._read_after(acted)
        self.failure = self._failure_message()

    def _act(self, kind, ids):
        """Send ``kind`` for ``ids`` (or predict it in check mode); returns the ids DRS accepted."""
        if not ids:
            return []
        if self.module.check_mode:
            self.changed = True
            for job_id in ids:
                job = self.jobs[job_id]
                job['outcome'] = ACTION_WOULD[kind]
                job['status'] = predicted_status(kind, job['status'])
            return list(ids)
        replies = self.send(kind, ids)
        accepted, lagging = [], set()
        for job_id in ids:
            reply = replies.get(job_id) or {}
            err = action_error(replies.get(job_id), kind)
            if job_id not in replies or replies[job_id] is None:   # the request was sent: its fate is not known
                self.set_outcome(job_id, 'unknown', 'DRS sent no reply for this job: the %s may have taken effect; '
                                 're-read the job status' % kind)
            elif err is None:
                # waited for, the outcome is decided when the job gets there; not waited for, DRS's acceptance is it
                self.set_outcome(job_id, 'unknown' if self.params['wait'] else ACTION_DONE[kind])
                accepted.append(job_id)
                if kind == 'retry':
                    self.accepted_at[job_id] = self.client.monotonic()
            elif refusal_may_be_lag(kind, err):   # refused: this request changed nothing, an earlier one may have
                self.set_outcome(job_id, 'unknown', refusal_may_be_lag(kind, err), err['error_code'])
                lagging.add(job_id)
            else:
                self.set_outcome(job_id, 'unknown' if reply.get('status') == 'unknown' else 'failed', err['error_msg'], err['error_code'])
        # a request whose outcome is unknown may have changed the job: not claimed unchanged
        if accepted or any(self.jobs[job_id]['outcome'] == 'unknown' and job_id not in lagging for job_id in ids):
            self.changed = True
        return accepted

    def _via_parent(self, via, pairs, acted, watch):
        """Dual-active children whose parent this run stops: DRS stops them with it; they are watched like the parent
        (and, with a parent already stopping, like that one). Returns the children of parents this run acted on."""
        taken = []
        for job_id in via:
            parent = pairs.parent_of(job_id)
            self.kinds[job_id] = self.action
            if parent in watch:
                self.set_outcome(job_id, 'unchanged', reason='its parent task %s is already stopping' % parent)
                watch.append(job_id)
            elif parent in acted:   # no request of its own: its action stays None, the reason names the parent
                self.jobs[job_id]['reason'] = 'stopped through its parent task %s' % job_label(self.jobs.get(parent) or {'id': parent})
                if self.module.check_mode:
                    self.jobs[job_id].update(outcome=ACTION_WOULD[self.action], status=ACTION_PREDICTED_STATUS[self.action])
                else:
                    self.set_outcome(job_id, 'unknown' if self.params['wait'] else ACTION_DONE[self.action])
                taken.append(job_id)
            else:
                parent_job = self.jobs.get(parent) or {'id': parent}
                if parent_job.get('outcome') in UNKNOWN_FATES:   # the parent's stop may have taken effect: so may the child's
                    self.set_outcome(job_id, parent_job['outcome'], 'fate not known: the outcome of the stop of its parent '
                                     'task %s is not known (%s)' % (job_label(parent_job), error_text(parent_job.get('error')) or parent_job['outcome']))
                    continue
                self.set_outcome(job_id, 'failed', 'not stopped: its parent task %s was not stopped (%s)' % (
                    job_label(parent_job), error_text(parent_job.get('error')) or parent_job.get('outcome')))
        return taken

    def _reconcile(self, ids):
        """After an ambiguous request: the ids whose status shows that it took effect (never sent again)."""
        statuses, _gone = self.client.batch_status(ids, deadline=self.deadline)
        return set(job_id for job_id, item in statuses.items()
                   if action_took_effect(self.kinds.get(job_id, self.action), self.jobs[job_id]['status_before'], item.get('status')))

    def _statuses(self, ids):
        """``id -> status item``; for a stop, a job DRS says it no longer knows (released and deleted) reads ``DELETED``.

        Only an explicit answer counts: a job DRS says it does not know in batch-status, confirmed by batch-detail
        (a not-found item there too, or the status it shows). A job a reply merely did not mention has no item: it
        stays pending (and ends ``pending`` at the deadline), never ``stopped``.
        """
        statuses, gone, _unmentioned = self.client.batch_status(ids, deadline=self.deadline, split=True)
        if self.action == 'stop' and gone:
            details, deleted, _silent = self.client.batch_detail(
                gone, deadline=self.deadline, keep=lambda item: {'id': item.get('id'), 'status': item.get('status')}, split=True)
            for job_id in gone:
                if job_id in deleted:
                    statuses[job_id] = {'id': job_id, 'status': 'DELETED'}
                elif (details.get(job_id) or {}).get('status'):
                    statuses[job_id] = details[job_id]
        return statuses

    def _read_after(self, ids):
        try:
            statuses = self._statuses(ids)
        except DrsError:
            return   # the requests were accepted; the status after stays the one before
        for job_id in ids:
            self.jobs[job_id]['status'] = (statuses.get(job_id) or {}).get('status') or self.jobs[job_id]['status']

    def _stale(self, job_id, status):
        """The status from before this run's retry that a read may still show (the retry lag), else None."""
        if job_id not in self.accepted_at:
            return None
        if status and status != self.jobs[job_id]['status_before']:
            self.left.add(job_id)
        return retry_lag_status(self.jobs[job_id]['status_before'], status, job_id in self.left,
                                self.accepted_at[job_id], self.client.monotonic())

    def _wait(self, watch, acted):
        def is_done(item):
            job_id, status = item.get('id'), item.get('status')
            return action_wait_state(self.kinds.get(job_id, self.action), status, self._stale(job_id, status)) != 'pending'

        self.watching = list(watch)
        last, pending = self.client.wait(watch, fetch=self._statuses, is_done=is_done, deadline=self.deadline,
                                         poll_interval=self.params['poll_interval'],
                                         first_poll_after=self.params['poll_interval'] if acted else 0.0)
        for job_id, item in last.items():
            self.jobs[job_id]['status'] = item.get('status') or self.jobs[job_id]['status']
        failed = []
        for job_id in watch:
            job = self.jobs[job_id]
            kind = self.kinds.get(job_id, self.action)
            if job_id in pending:
                self.pending.append(job_id)
                self.set_outcome(job_id, 'pending')
            elif action_wait_state(kind, job['status']) == 'done':
                self.set_outcome(job_id, ACTION_DONE[kind] if job_id in acted else 'unchanged')
            else:
                self.set_outcome(job_id, 'failed', '%s failed: the job is %s' % (kind, job['status']))
                failed.append(job_id)
        self.watching = []
        if failed:   # decided before the reason is read: a failing read must not leave them looking fine
            details, _gone = self.client.batch_detail(failed, deadline=self.deadline)
            for job_id in failed:
                reason = (details.get(job_id) or {}).get('failed_reason')
                if job_id in self.accepted_at and reason == self.reasons_before.get(job_id):
                    reason = None   # the reason of the failure before the retry says nothing about the retry
                if reason:
                    self.set_outcome(job_id, 'failed', '%s (%s)' % (self.jobs[job_id]['error']['error_msg'], reason))

    # -- the result ------------------------------------------------------------------------------------------

    def job_names(self):
        return dict((job_id, job['name']) for job_id, job in self.jobs.items() if job['name'])

    def record_failure(self, message, pending=(), last_seen=None):
        """A request failed or the deadline passed: every job not decided yet is ``unknown`` (pending ones ``pending``)."""
        for job_id in pending:
            if job_id in self.jobs and job_id not in self.pending:
                self.pending.append(job_id)
        for job_id, item in (last_seen or {}).items():
            if job_id in self.jobs and (item or {}).get('status'):
                self.jobs[job_id]['status'] = item['status']
        for job_id in self.watching:
            if self.jobs[job_id]['outcome'] in ('unchanged', 'unknown'):
                self.set_outcome(job_id, 'unknown', 'not decided: the run stopped early (%s)' % message)
        for job_id, job in self.jobs.items():
            if job_id in self.pending:
                job['outcome'] = 'pending'
            elif job['outcome'] == 'unknown' and not job['error']:
                job['error'] = error('not decided: the run stopped early (%s)' % message)

    def _failure_message(self):
        ok = ACTION_OK[self.action]
        problems = [job for job in self.jobs.values() if job['outcome'] not in ok and job['outcome'] != 'pending']
        messages = []
        if problems:
            by_reason = {}   # jobs grouped by reason, so a fleet with one problem reads as one line
            for job in problems:
                by_reason.setdefault(error_text(job['error']) or job['outcome'], []).append(job_label(job))
            messages.append('Could not %s %d of %d job(s): %s.' % (self.action, len(problems), len(self.jobs), '; '.join(
                '%s: %s' % (reason, ', '.join(labels)) for reason, labels in by_reason.items())))
        if self.pending:
            last_seen = dict((job_id, {'status': self.jobs[job_id]['status']}) for job_id in self.pending)
            messages.append('Timed out after %d s waiting for %d job(s). %s' % (
                self.params['wait_timeout'], len(self.pending), describe_pending(self.pending, last_seen, self.job_names())))
        return ' '.join(messages) or None

    def get_result(self):
        jobs = list(self.jobs.values())
        for job in jobs:
            job['fate_known'] = job['outcome'] not in UNKNOWN_FATES
        found = [job for job in jobs if job['status_before'] is not None]
        return dict(
            changed=self.changed,
            jobs=jobs,
            summary=outcome_summary(self.action, [job['outcome'] for job in jobs]),
            fate_known=fate_known(job['outcome'] for job in jobs),
            diff=dict(before=dict((job['id'], job['status_before']) for job in found),
                      after=dict((job['id'], job['status']) for job in found)),
            elapsed=self.elapsed(),
            retries=self.retries(),
        )
