"""A FakeDrs that also pauses, resumes / retries and stops jobs (like DRS: see the emulator's MODEL.md), for the unit
tests of drs_batch_pause, drs_batch_resume and drs_batch_stop."""

from ansible_collections.cloudops.drs.tests.unit.plugins.modules.utils import FakeDrs

ACTING = ('batch_pause', 'batch_retry', 'batch_stop', 'batch_precheck', 'batch_start')
PAUSABLE = ('FULL_TRANSFER_STARTED', 'FULL_TRANSFER_FAILED', 'FULL_TRANSFER_COMPLETE', 'INCRE_TRANSFER_STARTED', 'INCRE_TRANSFER_FAILED')
RETRY_TARGET = {'START_JOB_FAILED': 'STARTJOBING', 'FULL_TRANSFER_FAILED': 'FULL_TRANSFER_STARTED',
                'INCRE_TRANSFER_FAILED': 'INCRE_TRANSFER_STARTED'}
NOT_TERMINABLE = ('CREATING', 'CREATE_FAILED', 'RELEASE_RESOURCE_STARTED', 'RELEASE_RESOURCE_FAILED', 'RELEASE_RESOURCE_COMPLETE',
                  'RELEASE_CHILD_TRANSFER_STARTED', 'RELEASE_CHILD_TRANSFER_COMPLETE', 'DELETED')
WRONG = 'This API cannot be called in the current task status.'


class ActingDrs(FakeDrs):
    """``release_ticks``: sleeps a stop takes; ``stop_outcome``: id -> 'fail' for a stop that ends RELEASE_RESOURCE_FAILED;
    ``lose_reply``: ids whose action is applied but whose reply is lost (the client asks ``reconcile``)."""

    def __init__(self, *jobs, release_ticks=2, **kwargs):
        super().__init__(*jobs, **kwargs)
        self.release_ticks = release_ticks
        self.releasing = {}
        self.stop_outcome = {}
        self.lose_reply = set()
        self.paused_from = {}
        self.sent = dict((job.id, []) for job in jobs)   # id -> the actions sent for it

    def tick(self):
        super().tick()
        for job_id in list(self.releasing):
            self.releasing[job_id] -= 1
            if self.releasing[job_id] <= 0:
                del self.releasing[job_id]
                self.jobs[job_id].status = 'RELEASE_RESOURCE_FAILED' if self.stop_outcome.get(job_id) == 'fail' else 'RELEASE_RESOURCE_COMPLETE'

    def _acting(self, method, items, apply, reconcile):
        self._log(method, [job_id for job_id, dummy in items])
        replies, lost = {}, []
        for job_id, arg in items:
            job = self.jobs[job_id]
            self.sent[job_id].append(method)
            if job_id in self.refuse:
                code, msg = self.refuse[job_id]
                replies[job_id] = {'id': job_id, 'status': 'failed', 'error_code': code, 'error_msg': msg}
                continue
            problem = apply(job, arg)
            if problem:
                replies[job_id] = {'id': job_id, 'status': 'failed', 'error_code': problem[0], 'error_msg': problem[1]}
            elif job_id in self.lose_reply:
                lost.append(job_id)
            else:
                replies[job_id] = {'id': job_id, 'status': 'success', 'error_code': None, 'error_msg': None}
        if lost:
            done = set(reconcile(lost)) if reconcile else set()
            for job_id in lost:
                replies[job_id] = ({'id': job_id, 'status': 'success', 'error_code': None, 'error_msg': None, 'reconciled': True}
                                   if job_id in done else
                                   {'id': job_id, 'status': 'unknown', 'error_code': None,
                                    'error_msg': 'outcome unknown (read timeout): the request may have taken effect; re-read the job status'})
        return dict((job_id, replies[job_id]) for job_id, dummy in items)

    def batch_pause(self, items, deadline=None, reconcile=None):
        def apply(job, mode):
            if job.role == 'parent':
                return 'DRS.M00307', 'Only subtasks can call this API.'
            if job.status not in PAUSABLE:
                return 'DRS.M00304', WRONG
            self.paused_from[job.id] = job.status
            job.status = 'PAUSING'
            return None
        return self._acting('batch_pause', items, apply, reconcile)

    def batch_retry(self, ids, deadline=None, reconcile=None):
        def apply(job, dummy):
            if job.role == 'parent':
                return 'DRS.M00307', 'Only subtasks can call this API.'
            if job.status == 'PAUSING':
                job.status = self.paused_from.pop(job.id, 'INCRE_TRANSFER_STARTED')
            elif job.status in RETRY_TARGET:
                job.status = RETRY_TARGET[job.status]
                job.start_ticks = self.start_ticks
                job.start_outcome = 'success'
            else:
                return 'DRS.M00304', WRONG
            return None
        return self._acting('batch_retry', [(job_id, None) for job_id in ids], apply, reconcile)

    def batch_stop(self, items, deadline=None, reconcile=None):
        def apply(job, delete_type):
            if job.role in ('forward', 'backward'):
                return 'DRS.M00308', 'Only parent tasks can call this API.'
            if job.status in NOT_TERMINABLE and not (delete_type == 'force_terminate' and job.status == 'RELEASE_RESOURCE_FAILED'):
                return 'DRS.M00304', WRONG
            members = [job] + [child for child in self.jobs.values() if child.parent_id == job.id]
            for member in members:
                member.status = 'RELEASE_RESOURCE_STARTED'
                self.releasing[member.id] = self.release_ticks
            return None
        return self._acting('batch_stop', items, apply, reconcile)
