#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2025, cloudops.drs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: drs_batch_precheck
short_description: Pre-check many DRS jobs at once and wait for the results
version_added: 1.0.0
description:
  - Runs the pre-check of Data Replication Service (DRS) v3 jobs of Open Telekom Cloud or Huawei Cloud with
    C(batch-precheck), ten jobs per call, and polls C(batch-precheck-result) until every pre-check is done.
  - Reads the status and the latest pre-check result of every job first. A job whose pre-check already passed is not
    checked again (unless O(force)); a job whose pre-check is still running is waited for, not submitted again; a job
    in a state that does not allow the pre-check (for example a running job with O(mode=forStartJob)) is skipped
    with the reason in RV(jobs[].skipped_reason).
  - The parent task of a dual-active disaster-recovery pair is skipped (DRS pre-checks its forward and backward
    tasks); so is a backward task whose forward task already replicates (C(INCRE_TRANSFER_STARTED)), which needs
    no pre-check.
  - After returning every result, the module fails when the pre-check of any job failed (or a job was not found, or
    DRS refused to pre-check it), with a message that names each failed job and its failed check items.
author:
  - cloudops DRS maintainers (@cloudops)
requirements:
  - requests
options:
  jobs:
    description:
      - The jobs to pre-check. Each element is a job ID, or a dict with the key C(id) and optionally C(mode)
        (overrides O(mode) for that job).
      - Duplicate IDs are pre-checked once (with a warning).
      - An element (or its C(id)) that is not in the job id form is an exact job name, see O(filters).
      - Give O(jobs), O(filters) or both.
    type: list
    elements: raw
  mode:
    description:
      - The pre-check mode. V(forStartJob) before the first start of a job in C(CONFIGURATION).
        V(forRetryJob) for a job in incremental replication whose objects were edited, or before a retry after a failure.
      - Open Telekom Cloud answers C(batch-precheck-result) only for jobs in C(CONFIGURATION) (its API reference), so
        there the result of a V(forRetryJob) pre-check of a job in another state cannot be read; such a job is reported
        with DRS's refusal in RV(jobs[].error) (outcome V(error)), never as passed.
    type: str
    choices: [forStartJob, forRetryJob]
    default: forStartJob
  force:
    description:
      - Pre-check jobs again even when their last pre-check passed.
      - A pre-check that is still running is never submitted again; it is waited for.
    type: bool
    default: false
  recheck_failed:
    description:
      - Whether a job whose latest pre-check finished and failed is pre-checked again.
      - V(true) (the default) submits it again, because a failed pre-check says what was wrong then, and the usual
        next step is to fix the database and run again, which must check anew. A run with failed jobs therefore reports
        C(changed) every time.
      - V(false) reports the failed result DRS already has (RV(jobs[].outcome) V(failed), nothing submitted), so an
        unchanged rerun reports C(changed=false) and sends no pre-check. The module still fails for that job.
    type: bool
    default: true
  wait:
    description:
      - Wait until the pre-check of every submitted job reached C(100%), or O(wait_timeout) passed.
      - With V(false) the module returns right after submitting; RV(jobs[].passed) is then V(null) for submitted jobs.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds the whole run may take, reads, retries and waiting included. Jobs still running then are listed in
        RV(pending_jobs) and the module fails.
    type: int
    default: 1800
  poll_interval:
    description:
      - Seconds between two polls of the pre-check results at first; the interval grows (up to four times) while waiting.
      - The first poll comes one interval after the pre-checks were submitted.
    type: int
    default: 10
  alarm_is_failure:
    description:
      - Treat check items with the result C(ALARM) as failures.
      - By default, like DRS itself, an C(ALARM) item does not fail the pre-check; it is listed in RV(jobs[].alarm_items).
    type: bool
    default: false
extends_documentation_fragment:
  - cloudops.drs.drs
  - cloudops.drs.drs.selection
  - cloudops.drs.drs.attributes
  - cloudops.drs.drs.actiongroup_drs
attributes:
  check_mode:
    support: full
    details:
      - Reads the jobs and reports in RV(jobs[].submitted) which would be submitted, but submits nothing.
      - Jobs that would fail (not found, a pre-check that could not run) are a prediction, with the reasons in
        C(msg); the module does not fail for them in check mode. A request that fails still fails it.
  diff_mode:
    support: none
  idempotent:
    support: partial
    details:
      - A job whose pre-check passed is not pre-checked again unless O(force=true).
      - A job whose pre-check failed is pre-checked again on every run (and the run reports C(changed)) unless
        O(recheck_failed=false).
seealso:
  - module: cloudops.drs.drs_batch_start
  - module: cloudops.drs.drs_batch_info
'''

EXAMPLES = r'''
- name: Pre-check and start a migration wave
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/cloudops.drs.drs:
      auth_url: https://iam.eu-de.otc.t-systems.com/v3
      username: drs-automation
      password: "{{ vault_drs_password }}"
      domain_name: OTC00000000001000000001
      project_name: eu-de
  vars:
    wave_1:
      - 140b5236-88ad-43c8-811c-1268453jb101
      - 3f6c2a91-5b7e-4d10-9c2f-7a8e4b1jb102
      - 5a9d7e24-0c3b-4f6a-8e1d-2b4c6f8jb103
  tasks:
    - name: Pre-check every job of the wave (fails, after checking all, if any pre-check fails)
      cloudops.drs.drs_batch_precheck:
        jobs: "{{ wave_1 }}"
        wait_timeout: 1200
      register: precheck

    - name: Start the jobs whose pre-check passed
      cloudops.drs.drs_batch_start:
        jobs: "{{ precheck.passed_jobs }}"

- name: Look at the failed items without stopping the play
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Pre-check, treating ALARM items as failures
      cloudops.drs.drs_batch_precheck:
        cloud: otc-prod
        jobs:
          - 7b2e9f13-4a6d-4c8b-b0e5-9d1f3a5jb104
          - id: 6f3d0a71-8c2e-4a5b-9d7f-1b3e5c7jb108
            mode: forRetryJob
        alarm_is_failure: true
      register: precheck
      ignore_errors: true

    - name: Show what failed
      ansible.builtin.debug:
        msg: "{{ item.id }}: {{ item.failed_items | map(attribute='item') | join(', ') }}"
      loop: "{{ precheck.jobs | selectattr('passed', 'false') }}"

    - name: Submit only, do not wait
      cloudops.drs.drs_batch_precheck:
        cloud: otc-prod
        jobs: "{{ more_job_ids }}"
        wait: false
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
    status:
      description: Job status when the module read it; V(null) when the job was not found.
      returned: always
      type: str
      sample: CONFIGURATION
    submitted:
      description:
        - Whether this run submitted a pre-check for the job (in check mode, whether it would).
      returned: always
      type: bool
      sample: true
    passed:
      description:
        - V(true) when the latest pre-check of the job passed, V(false) when it failed (or the job could not be
          pre-checked, see RV(jobs[].error)), V(null) when unknown (skipped without a result, not waited for, still running).
      returned: always
      type: bool
      sample: true
    process:
      description: Progress of the latest pre-check, as DRS reports it; V(null) when unknown.
      returned: always
      type: str
      sample: 100%
    total_passed_rate:
      description: Share of passed check items of the latest pre-check; V(null) when unknown.
      returned: always
      type: str
      sample: 100%
    failed_items:
      description: Check items with the result C(FAILED) (with O(alarm_is_failure=true) these decide RV(jobs[].passed) together with RV(jobs[].alarm_items)).
      returned: always
      type: list
      elements: dict
      contains:
        item:
          description: Check item ID.
          returned: always
          type: str
          sample: dstDbDiskSize
        group:
          description: Check group.
          returned: always
          type: str
          sample: db_disk_size
        reason:
          description: Why it failed (C(failed_reason)).
          returned: always
          type: str
          sample: DST_DISK_TOO_SMALL
        raw_message:
          description: The raw error message (C(raw_error_msg)).
          returned: always
          type: str
          sample: The destination disk is smaller than 1.5 times the source data.
    alarm_items:
      description: Check items with the result C(ALARM), in the same shape as RV(jobs[].failed_items).
      returned: always
      type: list
      elements: dict
      contains:
        item:
          description: Check item ID.
          returned: always
          type: str
          sample: srcDbBinlogExpireLogsDays
        group:
          description: Check group.
          returned: always
          type: str
          sample: db_params
        reason:
          description: Why DRS raised the alarm (C(failed_reason)).
          returned: always
          type: str
          sample: BINLOG_EXPIRE_TOO_SHORT
        raw_message:
          description: The raw message (C(raw_error_msg)).
          returned: always
          type: str
          sample: ""
    dr_pair:
      description:
        - The job's place in a dual-active disaster-recovery pair, as read before the pre-check; V(null) when it is
          not part of one (or was not found).
        - M(cloudops.drs.drs_batch_start) takes it from O(cloudops.drs.drs_batch_start#module:prechecked) so that it
          does not read the job again.
      returned: always
      type: dict
      sample: {"role": "backward", "parent_id": "2d2c4bd5-0a6e-4b1b-8f4d-6a1c0e5jb500",
               "forward_id": "7c1f4e2a-93b0-4d55-a1e8-0b6d3f9jb501", "forward_status": "CONFIGURATION"}
      contains:
        role:
          description: V(parent), V(forward) or V(backward).
          returned: always
          type: str
          sample: backward
        parent_id:
          description: ID of the parent task; V(null) for the parent itself.
          returned: always
          type: str
          sample: 2d2c4bd5-0a6e-4b1b-8f4d-6a1c0e5jb500
        forward_id:
          description: ID of the pair's forward task; V(null) when it is not known.
          returned: always
          type: str
          sample: 7c1f4e2a-93b0-4d55-a1e8-0b6d3f9jb501
        forward_status:
          description: Status of the forward task when the module read it; V(null) when it is not known.
          returned: always
          type: str
          sample: CONFIGURATION
    outcome:
      description:
        - What the run knows of the job's pre-check, one word of a closed vocabulary.
        - V(passed) the latest pre-check positively passed (now or earlier); V(failed) it ran and failed (FAILED items,
          C(result) false, or ALARM items with O(alarm_is_failure)); V(error) DRS did not pre-check the job (not found,
          refused, see RV(jobs[].error)); V(pending) it was still running when O(wait_timeout) ran out; V(skipped) not
          pre-checked because the job's state or role allows none (RV(jobs[].skipped_reason)); V(not_needed) a
          dual-active backward task whose forward task replicates; V(would_precheck) check mode, the pre-check would be
          submitted (or is running) and its result cannot be known yet; V(unknown) the module could not learn the result
          (a request failed half-way, or O(wait=false)).
        - Only V(passed) and V(not_needed) let M(cloudops.drs.drs_batch_start) start the job.
      returned: always
      type: str
      choices: [passed, failed, error, pending, skipped, not_needed, would_precheck, unknown]
      sample: passed
    skipped_reason:
      description: Why the job was not submitted; V(null) when it was submitted or is waited for.
      returned: always
      type: str
      sample: pre-check already passed
    error:
      description:
        - Why the job could not be pre-checked (not found, refused by DRS); V(null) otherwise.
      returned: always
      type: dict
      sample: {"error_code": "DRS.M00304", "error_msg": "This API cannot be called in the current task status."}
      contains:
        error_code:
          description: DRS error code; V(null) when there is none (for example a job that was not found).
          returned: always
          type: str
          sample: DRS.M00304
        error_msg:
          description: Error message.
          returned: always
          type: str
          sample: This API cannot be called in the current task status.
passed_jobs:
  description: IDs of the jobs whose latest pre-check passed (submitted now or earlier).
  returned: always
  type: list
  elements: str
  sample: [140b5236-88ad-43c8-811c-1268453jb101]
failed_jobs:
  description: IDs of the jobs whose pre-check failed or that could not be pre-checked.
  returned: always
  type: list
  elements: str
  sample: [9a470239-2308-4bb5-a6bc-1040402fjb21]
skipped_jobs:
  description: IDs of the jobs that were not submitted, each with a RV(jobs[].skipped_reason).
  returned: always
  type: list
  elements: str
  sample: [8d0e8e36-a618-490d-8a46-8c61ac9jb502]
pending_jobs:
  description: IDs of the jobs whose pre-check had not finished when O(wait_timeout) ran out (then the module fails).
  returned: always
  type: list
  elements: str
  sample: []
fate_known:
  description:
    - V(true) when the run knows the pre-check outcome of every job, V(false) when any RV(jobs[].outcome) is
      V(unknown) or V(pending) (a request failed half-way, the deadline passed, or O(wait=false)).
  returned: always
  type: bool
  sample: true
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
  sample: 42.137
retries:
  description: How many HTTP requests the client retried, by cause.
  returned: always
  type: dict
  sample: {"throttled": 1, "server_error": 0, "connection": 0, "busy": 2, "reauth": 0}
  contains:
    throttled:
      description: Retries after HTTP 429, C(APIGW.0308) or C(DRS.M01503).
      returned: always
      type: int
      sample: 1
    server_error:
      description: Retries after HTTP 502, 503 or 504.
      returned: always
      type: int
      sample: 0
    connection:
      description: Retries after a connection error.
      returned: always
      type: int
      sample: 0
    busy:
      description: Jobs re-sent after DRS answered C(DRS.M01504) (another operation is running on the job).
      returned: always
      type: int
      sample: 2
    reauth:
      description: Requests repeated after a new IAM token was fetched on HTTP 401.
      returned: always
      type: int
      sample: 0
error:
  description: Details of the request that failed (C(status), C(error_code), C(error_msg), C(request_id), C(method), C(url)).
  returned: when an API request failed or timed out
  type: dict
  sample: {"status": 503, "error_code": null, "error_msg": null, "request_id": "0123456789abcdef0123456789abcdef",
           "method": "POST", "url": "https://drs.eu-de.otc.t-systems.com/v3/054ba152d480d55b2f5dc0069e7ddef0/jobs/batch-precheck"}
'''

from ansible_collections.cloudops.drs.plugins.module_utils._base import DrsModuleBase
from ansible_collections.cloudops.drs.plugins.module_utils._jobs import (
    PRECHECK_ALLOWED, PRECHECK_MODES, action_error, check_items, describe_pending, error_text, fate_known, job_error,
    job_label, precheck_state, precheck_verdict, precheck_wait_over)

NOT_NEEDED = 'backward task of a dual-active DR pair whose forward task is INCRE_TRANSFER_STARTED needs no pre-check'


class DrsBatchPrecheck(DrsModuleBase):
    """Decide per job whether to submit a pre-check, submit, wait, and report each job's outcome."""

    job_keys = ('mode',)

    def __init__(self, module):
        self.jobs = {}            # id -> the per-job result (insertion order = order of the jobs option)
        self.pending = []
        self.lost = set()         # jobs whose submission may or may not have reached DRS (the reply was lost)
        self.changed = False
        super().__init__(module)

    @classmethod
    def argument_spec(cls):
        return dict(
            jobs=dict(type='list', elements='raw'),
            mode=dict(type='str', choices=list(PRECHECK_MODES), default='forStartJob'),
            force=dict(type='bool', default=False),
            recheck_failed=dict(type='bool', default=True),
            wait=dict(type='bool', default=True),
            wait_timeout=dict(type='int', default=1800),
            poll_interval=dict(type='int', default=10),
            alarm_is_failure=dict(type='bool', default=False),
        )

    # -- per-job state ------------------------------------------------------------------------------------------

    def _job(self, job_id):
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
        job['passed'] = precheck_verdict(result, self.params['alarm_is_failure'])

    def _outcome(self, job):
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
        return 'would_precheck' if self.module.check_mode and job['status'] else 'unknown'

    # -- the run ----------------------------------------------------------------------------------------------

    def run(self):
        deadline = self.client.deadline_in(self.params['wait_timeout'])
        modes = dict((job['id'], job['mode']) for job in self.options.jobs)
        ids = self.options.job_ids
        for job_id in ids:
            self._job(job_id)

        details, pairs, errors = self.read_jobs(ids, deadline)
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
                if job['passed'] and not self.params['force']:
                    job['skipped_reason'] = 'pre-check already passed'
                    continue
                if job['passed'] is False and not self.params['recheck_failed'] and not self.params['force']:
                    continue   # keep DRS's failed result: reported failed, nothing submitted
            submit.append(job_id)

        self._submit(submit, modes, deadline)
        watch.extend(job_id for job_id in submit if self.jobs[job_id]['submitted'])
        if watch and self.params['wait'] and not self.module.check_mode:
            last, self.pending = self.client.wait(
                watch,
                fetch=lambda some: self.client.batch_precheck_result(some, deadline=deadline)[0],
                is_done=precheck_wait_over,   # an item without a process is no answer yet: keep waiting
                deadline=deadline,
                poll_interval=self.params['poll_interval'],
                # every watched pre-check was just submitted or just read as running: none is done at once
                first_poll_after=self.params['poll_interval'],
            )
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
        if self.module.check_mode:
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
                if self.params['alarm_is_failure']:
                    items.extend(job['alarm_items'])
                described = ', '.join('%s [%s] %s' % (i['item'], i['group'], i['reason'] or 'no reason given') for i in items)
                parts.append('%s: %s' % (job_label(job), described or 'result false, total passed rate %s' % job['total_passed_rate']))
        messages = []
        if parts:
            messages.append('Pre-check failed for %d of %d job(s): %s.' % (len(parts), len(self.jobs), '; '.join(parts).rstrip('.')))
        if self.pending:
            last_seen = dict((job_id, {'process': self.jobs[job_id]['process']}) for job_id in self.pending)
            messages.append('Timed out after %d s waiting for the pre-check of %d job(s). %s' % (
                self.params['wait_timeout'], len(self.pending), describe_pending(self.pending, last_seen, self.job_names())))
        return ' '.join(messages) or None

    def get_result(self):
        jobs = [dict(job, outcome=self._outcome(job)) for job in self.jobs.values()]
        return dict(
            changed=self.changed,
            jobs=jobs,
            passed_jobs=[job['id'] for job in jobs if job['passed'] is True],
            failed_jobs=[job['id'] for job in jobs if job['passed'] is False or job['error']],
            skipped_jobs=[job['id'] for job in jobs if job['skipped_reason']],
            pending_jobs=list(self.pending),
            fate_known=fate_known(job['outcome'] for job in jobs),
            elapsed=self.elapsed(),
            retries=self.retries(),
        )


def main():
    DrsBatchPrecheck.run_module()


if __name__ == '__main__':
    main()
