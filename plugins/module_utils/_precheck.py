# -*- coding: utf-8 -*-
# Copyright: contributors to the cloudops.drs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The pre-check step: decide per job whether to submit a pre-check, submit, wait, and judge each job's outcome.

One home for the step that ``drs_batch_precheck`` runs on its own and ``drs_batch_start`` runs first when it is given
its ``precheck`` option (pre-check and start in one module process: the start gate then takes the records of this
step as they are, without a second module, a second IAM token or templating them through a task argument).

``PrecheckStep`` keeps the per-job state; it is valid at any point (a failure keeps every job's state gathered so
far). The rules it applies live in ``_jobs.py`` (which states allow which pre-check, what counts as passed).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.cloudops.drs.plugins.module_utils._jobs import (
    PRECHECK_ALLOWED, action_error, check_items, describe_pending, error_text, fate_known, job_error, job_label,
    precheck_eta, precheck_fingerprint, precheck_result_stale, precheck_state, precheck_verdict, precheck_wait_over)

NOT_NEEDED = 'backward task of a dual-active DR pair whose forward task is INCRE_TRANSFER_STARTED needs no pre-check'

#: The settings of the step (the options of drs_batch_precheck, or of drs_batch_start's ``precheck`` option).
SETTINGS = ('force', 'recheck_failed', 'wait', 'wait_timeout', 'poll_interval', 'alarm_is_failure')


class PrecheckStep(object):
    """The pre-check of a list of jobs, run by ``owner`` (a ``DrsModuleBase``: its client, its module's check mode
    and its ``read_jobs``), with ``settings`` (see ``SETTINGS``)."""

    def __init__(self, owner, settings):
        self.owner = owner
        self.settings = settings
        self.jobs = {}            # id -> the per-job result (insertion order = order of the jobs)
        self.pending = []
        self.lost = set()         # jobs whose submission may or may not have reached DRS (the reply was lost)
        self.changed = False
        self.failure = None       # the step's failure message (jobs it knows failed, or a timeout)

    @property
    def check_mode(self):
        return self.owner.module.check_mode

    @property
    def client(self):
        return self.owner.client

    # -- per-job state ------------------------------------------------------------------------------------------

    def job(self, job_id):
        return self.jobs.setdefault(job_id, {
            'id': job_id, 'name': None, 'status': None, 'submitted': False, 'passed': None, 'process': None,
            'total_passed_rate': None, 'failed_items': [], 'alarm_items': [], 'skipped_reason': None, 'error': None,
            'dr_pair': None,
        })

    def _apply_result(self, job, result):
        """Copy a batch-precheck-result item into the job's result."""
        if not isinstance(result, dict):
            return
        err = job_error(result)
        if err:
            job['error'] = err
            job['passed'] = False
            return
        job['process'] = result.get('process')
        job['total_passed_rate'] = result.get('total_passed_rate')
        job['failed_items'] = check_items(result, 'FAILED')
        job['alarm_items'] = check_items(result, 'ALARM')
        job['passed'] = precheck_verdict(result, self.settings['alarm_is_failure'])

    def outcome(self, job):
        """The job's outcome (see _jobs.PRECHECK_OUTCOMES), from what the run learnt of it."""
        if job['id'] in self.lost:
            return 'unknown'
        if job['error']:
            return 'error'
        if job['id'] in self.pending:
            return 'pending'
        if job['passed'] is not None:
            return 'passed' if job['passed'] else 'failed'
        if job['skipped_reason']:
            return 'not_needed' if job['skipped_reason'] == NOT_NEEDED else 'skipped'
        return 'would_precheck' if self.check_mode and job['status'] else 'unknown'

    # -- the run ----------------------------------------------------------------------------------------------

    def run(self, ids, modes, deadline):
        """Pre-check ``ids`` (``modes``: id -> pre-check mode) within one ``deadline``; sets ``failure``."""
        for job_id in ids:
            self.job(job_id)

        details, pairs, errors = self.owner.read_jobs(ids, deadline)
        candidates = []
        for job_id in ids:
            job = self.jobs[job_id]
            if job_id not in details:
                job['error'] = errors.get(job_id)
                continue
            job['name'] = details[job_id].get('name')
            job['status'] = details[job_id].get('status')
            job['dr_pair'] = pairs.describe(job_id)
            reason = self._skip_reason(job, modes[job_id], pairs)
            if reason:
                job['skipped_reason'] = reason
            else:
                candidates.append(job_id)

        existing = {}
        if candidates:
            existing, _gone = self.client.batch_precheck_result(candidates, deadline=deadline)
        submit, watch = [], []
        for job_id in candidates:
            job, result = self.jobs[job_id], existing.get(job_id)
            state = precheck_state(result)
            if state == 'running':
                self._apply_result(job, result)    # never submitted twice: wait for the one that runs
                watch.append(job_id)
                continue
            if state == 'done':
                self._apply_result(job, result)
                if job['passed'] and not self.settings['force']:
                    job['skipped_reason'] = 'pre-check already passed'
                    continue
                if job['passed'] is False and not self.settings['recheck_failed'] and not self.settings['force']:
                    continue   # keep DRS's failed result: reported failed, nothing submitted
            submit.append(job_id)

        # what a pre-check submitted again said before: DRS may show it for a while after the new submission
        before = dict((job_id, precheck_fingerprint(existing.get(job_id))) for job_id in submit)
        self._submit(submit, modes, deadline)
        watch.extend(job_id for job_id in submit if self.jobs[job_id]['submitted'])
        if watch and self.settings['wait'] and not self.check_mode:
            def fetch(some):
                return self.client.batch_precheck_result(some, deadline=deadline)[0]

            running = set()

            def is_done(item):
                """Over (done, or an error), and not the earlier pre-check's result shown again (``_jobs``)."""
                job_id = item.get('id')
                if precheck_state(item) == 'running':
                    running.add(job_id)
                if not precheck_wait_over(item):   # an item without a process is no answer yet: keep waiting
                    return False
                submitted_at = self.client.answered_at.get(job_id, 0.0)
                return not precheck_result_stale(before.get(job_id), item, job_id in running, submitted_at,
                                                 self.client.monotonic())

            def eta(item, elapsed):
                return precheck_eta(item, elapsed) if is_done(item) or precheck_state(item) == 'running' else None

            sent = [job_id for job_id in submit if self.jobs[job_id]['submitted']]
            last, self.pending = self.client.wait_after_requests(watch, sent, fetch, is_done, eta, deadline,
                                                                 self.settings['poll_interval'])
            for job_id in watch:
                self._apply_result(self.jobs[job_id], last.get(job_id))
        self.failure = self._failure_message()

    @staticmethod
    def _skip_reason(job, mode, pairs):
        role = pairs.role(job['id'])
        if role == 'parent':
            return 'parent task of a dual-active DR pair: DRS pre-checks its forward and backward tasks'
        if role == 'backward' and mode == 'forStartJob' and pairs.forward_status(job['id']) == 'INCRE_TRANSFER_STARTED':
            return NOT_NEEDED
        if job['status'] not in PRECHECK_ALLOWED[mode]:
            return 'status %s does not allow a %s pre-check' % (job['status'], mode)
        return None

    def _submit(self, submit, modes, deadline):
        if not submit:
            return
        for job_id in submit:
            # a new pre-check replaces whatever the last one said (in check mode too: its outcome is unknown)
            self.jobs[job_id].update(passed=None, process=None, total_passed_rate=None, failed_items=[], alarm_items=[], error=None)
        if self.check_mode:
            for job_id in submit:
                self.jobs[job_id]['submitted'] = True
            self.changed = True
            return
        replies = self.client.batch_precheck([(job_id, modes[job_id]) for job_id in submit], deadline=deadline)
        for job_id in submit:
            job = self.jobs[job_id]
            job['error'] = action_error(replies.get(job_id), 'pre-check')
            if (replies.get(job_id) or {}).get('status') == 'unknown':
                self.lost.add(job_id)     # it may run: its outcome is unknown, not an error of the job
            elif job['error']:
                job['passed'] = False
            else:
                job['submitted'] = True
                self.changed = True

    def job_names(self):
        return dict((job_id, job['name']) for job_id, job in self.jobs.items() if job['name'])

    def record_failure(self, message, pending=(), last_seen=None):
        """A request failed or the deadline passed: pending pre-checks keep their last seen progress; every job
        whose result is not known stays ``unknown``."""
        self.pending = [job_id for job_id in pending if job_id in self.jobs]
        for job_id, item in (last_seen or {}).items():
            if job_id in self.jobs and precheck_state(item):
                self._apply_result(self.jobs[job_id], item)

    def _failure_message(self):
        parts = []
        for job in self.jobs.values():
            if job['error']:
                parts.append('%s: %s' % (job_label(job), error_text(job['error'])))
            elif job['passed'] is False:
                items = list(job['failed_items'])
                if self.settings['alarm_is_failure']:
                    items.extend(job['alarm_items'])
                described = ', '.join('%s [%s] %s' % (i['item'], i['group'], i['reason'] or 'no reason given') for i in items)
                parts.append('%s: %s' % (job_label(job), described or 'result false, total passed rate %s' % job['total_passed_rate']))
        messages = []
        if parts:
            messages.append('Pre-check failed for %d of %d job(s): %s.' % (len(parts), len(self.jobs), '; '.join(parts).rstrip('.')))
        if self.pending:
            last_seen = dict((job_id, {'process': self.jobs[job_id]['process']}) for job_id in self.pending)
            messages.append('Timed out after %d s waiting for the pre-check of %d job(s). %s' % (
                self.settings['wait_timeout'], len(self.pending), describe_pending(self.pending, last_seen, self.job_names())))
        return ' '.join(messages) or None

    def result(self):
        """The step's documented result (``drs_batch_precheck``'s, without ``elapsed`` and ``retries``)."""
        jobs = [dict(job, outcome=self.outcome(job)) for job in self.jobs.values()]
        return dict(
            changed=self.changed,
            jobs=jobs,
            passed_jobs=[job['id'] for job in jobs if job['passed'] is True],
            failed_jobs=[job['id'] for job in jobs if job['passed'] is False or job['error']],
            skipped_jobs=[job['id'] for job in jobs if job['skipped_reason']],
            pending_jobs=list(self.pending),
            fate_known=fate_known(job['outcome'] for job in jobs),
        )

    def records(self):
        """id -> the record of every job, in the form drs_batch_start keeps of its ``prechecked`` option."""
        records = {}
        for job in self.jobs.values():
            records[job['id']] = {
                'id': job['id'], 'name': job['name'], 'status': job['status'], 'outcome': self.outcome(job),
                'total_passed_rate': job['total_passed_rate'], 'error': job['error'], 'dr_pair': job['dr_pair'],
                'alarm_items': len(job['alarm_items']),
            }
        return records
