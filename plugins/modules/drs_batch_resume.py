#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, cloudops.drs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: drs_batch_resume
short_description: Resume paused DRS jobs and retry failed ones, many at once
version_added: 1.0.0
description:
  - Resumes paused Data Replication Service (DRS) v3 jobs (C(PAUSING)) and retries failed ones (C(START_JOB_FAILED),
    C(FULL_TRANSFER_FAILED), C(INCRE_TRANSFER_FAILED)) of Open Telekom Cloud or Huawei Cloud with C(batch-retry-task),
    ten jobs per call, and waits until each runs (C(FULL_TRANSFER_STARTED), C(FULL_TRANSFER_COMPLETE) or
    C(INCRE_TRANSFER_STARTED)).
  - "A failed job is retried only after a pre-check in C(forRetryJob) mode passed (DRS's pre-check page: that mode is
    for a task retried after a failure): the module submits it, waits for the result, and retries the jobs whose
    pre-check positively passed. A pre-check that failed, could not be submitted, or whose result cannot be read is
    V(not_retried) (fail closed). Open Telekom Cloud documents only C(forStartJob) and answers
    C(batch-precheck-result) only for jobs in C(CONFIGURATION); there, set O(retry_precheck=false) to retry without it."
  - A paused job is resumed without a pre-check.
  - Jobs that run or are on their way (C(STARTJOBING), C(WAITING_FOR_START), C(FULL_TRANSFER_STARTED),
    C(FULL_TRANSFER_COMPLETE), C(INCRE_TRANSFER_STARTED)) are reported V(unchanged) and get no request. Jobs in any
    other state, and the parent task of a dual-active DR, are failures of that job and get no request.
  - A job that fails again after its retry is a failure, with DRS's reason (when it differs from the reason before the
    retry). DRS's reads may lag behind an accepted retry, so the failed status from before the retry counts as a new
    failure only once the job was seen leaving it or 60 seconds after DRS accepted the retry.
  - "Nothing in a pre-check result tells one pre-check from the next, so the module reads the result just before it
    submits the C(forRetryJob) pre-check. A finished result equal to that one counts as the new result only when a
    running pre-check was seen in between, or 60 seconds after the submission (assumed: by then DRS shows the new
    result). This makes a quick retry pre-check that ends just like the earlier one take about a minute."
  - After an ambiguous failure of a retry request (a timeout or a reset connection after sending) the module reads
    the job status again before any re-send, and sends it again only to jobs that have not left their paused or
    failed state.
  - Every job gets an RV(jobs[].outcome). After returning every result, the module fails when any job was not resumed
    or retried, or its fate is not known, naming each and why.
author:
  - cloudops DRS maintainers (@cloudops)
requirements:
  - requests
options:
  jobs:
    description:
      - The jobs to resume or retry, as job IDs. Duplicate IDs are handled once (with a warning).
      - An element that is not in the job id form is an exact job name; give O(jobs), O(filters) or both (see O(filters)).
    type: list
    elements: raw
  retry_precheck:
    description:
      - Pre-check failed jobs in C(forRetryJob) mode before retrying them, and retry only those that passed.
      - With V(false) failed jobs are retried at once.
    type: bool
    default: true
  alarm_is_failure:
    description:
      - Treat a C(forRetryJob) pre-check with ALARM items as not passed.
    type: bool
    default: false
  wait:
    description:
      - Wait until every resumed or retried job runs, or O(wait_timeout) passed. The retry pre-check is always waited for.
      - With V(false) the module returns right after the requests; DRS's acceptance is then the outcome
        (V(resumed), V(retried)).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds the whole run may take, reads, pre-checks, retries and waiting included. Jobs not running then are
        V(pending) and the module fails.
    type: int
    default: 1800
  poll_interval:
    description:
      - Seconds between two status polls at first; the interval grows (up to four times) while waiting.
    type: int
    default: 10
extends_documentation_fragment:
  - cloudops.drs.drs
  - cloudops.drs.drs.selection
  - cloudops.drs.drs.attributes
  - cloudops.drs.drs.actiongroup_drs
attributes:
  check_mode:
    support: full
    details:
      - Reads the jobs and reports which would be resumed (V(would_resume)) or retried (V(would_retry), after the
        pre-check that would run first; RV(jobs[].reason) says so), but sends no pre-check and no retry.
      - The jobs that would fail are a prediction (with the reasons in C(msg)); the module does not fail for them in
        check mode. A request that fails still fails it.
  diff_mode:
    support: full
    details:
      - The diff shows the status of every job before and after the run (in check mode, the predicted status).
  idempotent:
    support: full
    details:
      - Jobs that run are reported unchanged and get no request.
seealso:
  - module: cloudops.drs.drs_batch_pause
  - module: cloudops.drs.drs_batch_precheck
'''

EXAMPLES = r'''
- name: Pause a job for a maintenance window and resume it afterwards
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/cloudops.drs.drs:
      cloud: otc-prod
  tasks:
    - name: Pause the payments job
      cloudops.drs.drs_batch_pause:
        jobs: [6f3d0a71-8c2e-4a5b-9d7f-1b3e5c7jb108]

    - name: Resume it and wait until it replicates again
      cloudops.drs.drs_batch_resume:
        jobs: [6f3d0a71-8c2e-4a5b-9d7f-1b3e5c7jb108]
      register: resumed

    - name: Show what happened
      ansible.builtin.debug:
        msg: "{{ resumed.summary.resumed }} resumed, {{ resumed.summary.retried }} retried"

- name: Retry failed jobs on Open Telekom Cloud, where a forRetryJob pre-check cannot be read
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Retry without the pre-check (running jobs are left alone)
      cloudops.drs.drs_batch_resume:
        cloud: otc-prod
        jobs:
          - 6f3d0a71-8c2e-4a5b-9d7f-1b3e5c7jb108
          - 8d0e8e36-a618-490d-8a46-8c61ac9jb502
        retry_precheck: false
'''

RETURN = r'''
jobs:
  description: One dict per job, in the order of O(jobs).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Job ID.
      returned: always
      type: str
      sample: 140b5236-88ad-43c8-811c-1268453jb101
    name:
      description: Job name; V(null) when the job was not found.
      returned: always
      type: str
      sample: orders-mysql-migration
    status_before:
      description: Job status before the run; V(null) when the job was not found.
      returned: always
      type: str
      sample: PAUSING
    status:
      description: Job status at the end of the run (in check mode, the predicted status); V(null) when the job was not found.
      returned: always
      type: str
      sample: INCRE_TRANSFER_STARTED
    action:
      description: The request this run sent (in check mode, would send) for the job, V(null) when none.
      returned: always
      type: str
      choices: [resume, retry]
      sample: resume
    outcome:
      description:
        - What happened to the job, one word of a closed vocabulary.
        - V(resumed) this run resumed the paused job and it runs; V(retried) this run retried the failed job (after its
          C(forRetryJob) pre-check passed) and it runs (with O(wait=false), DRS accepted the request); V(unchanged) it
          was running or on its way; V(not_retried) its C(forRetryJob) pre-check did not positively pass (failed, refused,
          or its result could not be read); V(failed) a state or role that allows neither (or not found), DRS refused
          the request, or the job failed again; V(pending) it did not run yet (or its pre-check had not finished) when
          O(wait_timeout) ran out; V(unknown) its fate is not known (a request failed half-way).
        - In check mode V(would_resume) or V(would_retry) (with its pre-check first, see RV(jobs[].reason)).
        - Only V(resumed), V(retried), V(unchanged), V(would_resume) and V(would_retry) are OK.
      returned: always
      type: str
      choices: [resumed, retried, unchanged, not_retried, failed, pending, unknown, would_resume, would_retry]
      sample: resumed
    fate_known:
      description: V(false) when RV(jobs[].outcome) is V(unknown) or V(pending) (the module does not know what became of the job).
      returned: always
      type: bool
      sample: true
    reason:
      description:
        - Why the job was left alone, or a remark on how it is handled (a dual-active task; in check mode, a retry that
          depends on its pre-check); V(null) otherwise.
      returned: always
      type: str
      sample: already INCRE_TRANSFER_STARTED
    error:
      description: Why the job failed, or why its fate is not known; V(null) otherwise.
      returned: always
      type: dict
      sample: {"error_code": "DRS.M00304", "error_msg": "This API cannot be called in the current task status."}
      contains:
        error_code:
          description: DRS error code; V(null) when the module found the problem itself.
          returned: always
          type: str
          sample: DRS.M00304
        error_msg:
          description: Error message.
          returned: always
          type: str
          sample: "its forRetryJob pre-check did not pass (total passed rate 94%; FAILED: srcDbBinlogIsOff)"
summary:
  description: How many jobs got each RV(jobs[].outcome); every word of the vocabulary is a key (V(0) when none).
  returned: always
  type: dict
  sample: {"resumed": 2, "retried": 1, "unchanged": 1, "not_retried": 0, "failed": 0, "pending": 0, "unknown": 0, "would_resume": 0, "would_retry": 0}
  contains:
    resumed:
      description: Jobs with RV(jobs[].outcome) V(resumed).
      returned: always
      type: int
      sample: 2
    retried:
      description: Jobs with RV(jobs[].outcome) V(retried).
      returned: always
      type: int
      sample: 1
    unchanged:
      description: Jobs with RV(jobs[].outcome) V(unchanged).
      returned: always
      type: int
      sample: 1
    not_retried:
      description: Jobs with RV(jobs[].outcome) V(not_retried).
      returned: always
      type: int
      sample: 0
    failed:
      description: Jobs with RV(jobs[].outcome) V(failed).
      returned: always
      type: int
      sample: 0
    pending:
      description: Jobs with RV(jobs[].outcome) V(pending).
      returned: always
      type: int
      sample: 0
    unknown:
      description: Jobs with RV(jobs[].outcome) V(unknown).
      returned: always
      type: int
      sample: 0
    would_resume:
      description: Jobs with RV(jobs[].outcome) V(would_resume).
      returned: always
      type: int
      sample: 0
    would_retry:
      description: Jobs with RV(jobs[].outcome) V(would_retry).
      returned: always
      type: int
      sample: 0
fate_known:
  description: V(false) when any RV(jobs[].outcome) is V(unknown) or V(pending), V(true) otherwise.
  returned: always
  type: bool
  sample: true
diff:
  description: Status of every job found, before and after the run (in check mode, the predicted status).
  returned: always
  type: dict
  sample: {"before": {"140b5236-88ad-43c8-811c-1268453jb101": "PAUSING"},
           "after": {"140b5236-88ad-43c8-811c-1268453jb101": "INCRE_TRANSFER_STARTED"}}
  contains:
    before:
      description: Job ID to status before the run.
      returned: always
      type: dict
      sample: {"140b5236-88ad-43c8-811c-1268453jb101": "PAUSING"}
    after:
      description: Job ID to status after the run (predicted in check mode).
      returned: always
      type: dict
      sample: {"140b5236-88ad-43c8-811c-1268453jb101": "INCRE_TRANSFER_STARTED"}
selection:
  description:
    - The jobs the module selected from O(jobs) and O(filters), in order, names resolved to ids.
    - Empty when nothing matched (the module then did nothing) or when it failed before the selection was made.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The job ID.
      returned: always
      type: str
      sample: 140b5236-88ad-43c8-811c-1268453jb101
    name:
      description: The job name, V(null) where the module did not learn it.
      returned: always
      type: str
      sample: orders-mysql-migration
project_id:
  description:
    - ID of the project the module acted on; V(null) when the module failed before it was known.
    - Decided once per run by the rule in the notes of the auth options; see RV(target_sources).
  returned: always
  type: str
  sample: 054ba152d480d55b2f5dc0069e7ddef0
project_name:
  description: Name of that project, V(null) when not known (for example a O(project_id) with AK/SK or token auth).
  returned: always
  type: str
  sample: eu-de
region:
  description: Region of the DRS endpoint used, V(null) when not known (an explicit O(endpoint) and no region).
  returned: always
  type: str
  sample: eu-de
target_sources:
  description:
    - Where each of RV(project_id), RV(project_name) and RV(region) came from. V(task) the module options (a role's
      variables, C(module_defaults)); V(env) the environment; V(cloud) a C(clouds.yaml) entry or a O(cloud) dict;
      V(iam) learnt from IAM (the token's project, or the project look-up of AK/SK auth); V(project_name) the region
      named by the project name. V(null) for a value that is not known.
  returned: always
  type: dict
  contains:
    project_id:
      description: Source of RV(project_id).
      returned: always
      type: str
      sample: task
    project_name:
      description: Source of RV(project_name).
      returned: always
      type: str
      sample: iam
    region:
      description: Source of RV(region).
      returned: always
      type: str
      sample: project_name
elapsed:
  description: Seconds the module ran.
  returned: always
  type: float
  sample: 12.021
retries:
  description: How many HTTP requests the client retried, by cause.
  returned: always
  type: dict
  sample: {"throttled": 0, "server_error": 1, "connection": 0, "busy": 0, "reauth": 0}
  contains:
    throttled:
      description: Retries after HTTP 429, C(APIGW.0308) or C(DRS.M01503).
      returned: always
      type: int
      sample: 0
    server_error:
      description: Retries after HTTP 502, 503 or 504.
      returned: always
      type: int
      sample: 1
    connection:
      description: Retries after a connection error.
      returned: always
      type: int
      sample: 0
    busy:
      description: Jobs re-sent after DRS answered C(DRS.M01504) (another operation is running on the job).
      returned: always
      type: int
      sample: 0
    reauth:
      description: Requests repeated after a new IAM token was fetched on HTTP 401.
      returned: always
      type: int
      sample: 0
error:
  description: Details of the request that failed (C(status), C(error_code), C(error_msg), C(request_id), C(method), C(url)).
  returned: when an API request failed or timed out
  type: dict
  sample: {"status": 400, "error_code": "DRS.M00304", "error_msg": "This API cannot be called in the current task status.",
           "request_id": "0123456789abcdef0123456789abcdef", "method": "POST",
           "url": "https://drs.eu-de.otc.t-systems.com/v3/054ba152d480d55b2f5dc0069e7ddef0/jobs/batch-retry-task"}
'''

from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsApiError
from ansible_collections.cloudops.drs.plugins.module_utils._job_action import DrsJobActionModule, action_argument_spec
from ansible_collections.cloudops.drs.plugins.module_utils._jobs import (
    check_items, error, job_error, precheck_fingerprint, precheck_result_stale, precheck_state, precheck_verdict,
    precheck_wait_over, resume_plan)

RETRY_MODE = 'forRetryJob'
PRECHECK_WOULD_RUN = 'its forRetryJob pre-check would run first: the retry depends on the result'


class DrsBatchResume(DrsJobActionModule):
    """Resume paused jobs; retry failed ones after a passed forRetryJob pre-check."""

    action = 'resume'

    @classmethod
    def argument_spec(cls):
        spec = action_argument_spec()
        spec.update(retry_precheck=dict(type='bool', default=True), alarm_is_failure=dict(type='bool', default=False))
        return spec

    def plan(self, job_id, detail, pairs, ids):
        return resume_plan(detail.get('status'), pairs.role(job_id))

    def send(self, kind, ids):
        return self.client.batch_retry(ids, deadline=self.deadline, reconcile=self._reconcile)

    def prepare(self, kind, ids):
        """The failed jobs whose forRetryJob pre-check positively passed (all of them without retry_precheck)."""
        if kind != 'retry' or not ids or not self.params['retry_precheck']:
            return ids
        if self.module.check_mode:
            for job_id in ids:
                self.jobs[job_id]['reason'] = PRECHECK_WOULD_RUN
            return ids
        # the result shown before the submission: a finished result just like it, read later, may be that one
        try:
            shown, _gone = self.client.batch_precheck_result(ids, deadline=self.deadline)
        except DrsApiError:   # DRS shows no result at all (OTC: only in CONFIGURATION): so no stale one either
            shown = {}
        before = dict((job_id, precheck_fingerprint(shown.get(job_id))) for job_id in ids)
        submitted_at = self.client.monotonic()
        replies = self.client.batch_precheck([(job_id, RETRY_MODE) for job_id in ids], deadline=self.deadline)
        submitted = []
        for job_id in ids:
            reply = replies.get(job_id) or {}
            if reply.get('status') == 'success':
                submitted.append(job_id)
            elif reply.get('status') == 'unknown':
                self.set_outcome(job_id, 'unknown', reply.get('error_msg'))
            else:
                err = job_error(reply) or error('DRS sent no reply for this job')
                self._not_retried(job_id, 'the forRetryJob pre-check was refused (%s)' % (err['error_msg'] or err['error_code']), err['error_code'])
        if not submitted:
            return []
        self.watching = list(submitted)
        running, stale = set(), set()

        def is_done(result):
            job_id = result.get('id')
            if precheck_state(result) == 'running':
                running.add(job_id)
            if precheck_result_stale(before.get(job_id), result, job_id in running, submitted_at, self.client.monotonic()):
                stale.add(job_id)
                return False
            stale.discard(job_id)
            return precheck_wait_over(result)

        last, pending = self.client.wait(submitted, fetch=lambda some: self.client.batch_precheck_result(some, deadline=self.deadline)[0],
                                         is_done=is_done, deadline=self.deadline, poll_interval=self.params['poll_interval'],
                                         first_poll_after=self.params['poll_interval'])
        self.watching = []
        passed = []
        for job_id in submitted:
            result = last.get(job_id)
            err = job_error(result)
            if job_id in pending:
                self.pending.append(job_id)
                self.set_outcome(job_id, 'pending', 'its forRetryJob pre-check result still read like the one from before it was submitted'
                                 if job_id in stale else
                                 'its forRetryJob pre-check had not finished (%s)' % (result or {}).get('process', 'no result yet'))
            elif err:
                self._not_retried(job_id, 'the result of its forRetryJob pre-check cannot be read (%s); set retry_precheck to '
                                          'false to retry without it' % (err['error_msg'] or err['error_code']), err['error_code'])
            elif precheck_verdict(result, self.params['alarm_is_failure']):
                passed.append(job_id)
            else:
                failed = [item['item'] for item in check_items(result, 'FAILED')]
                alarms = [item['item'] for item in check_items(result, 'ALARM')] if self.params['alarm_is_failure'] else []
                self._not_retried(job_id, 'its forRetryJob pre-check did not pass (total passed rate %s%s%s)' % (
                    result.get('total_passed_rate'), '; FAILED: %s' % ', '.join(failed) if failed else '',
                    '; ALARM: %s' % ', '.join(alarms) if alarms else ''))
        return passed

    def _not_retried(self, job_id, message, code=None):
        self.set_outcome(job_id, 'not_retried', message, code)
        self.jobs[job_id]['action'] = None   # no retry was sent


def main():
    DrsBatchResume.run_module()


if __name__ == '__main__':
    main()
