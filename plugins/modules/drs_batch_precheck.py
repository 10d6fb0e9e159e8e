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
      - "The first poll of each batch comes one interval after DRS accepted its request, or earlier: the batch
        accepted first is read once at half the interval, and when it shows how long the pre-checks take (a pre-check's
        C(process), a start that is over), every batch is first polled at that estimate plus 10 %. A job not
        done then keeps its regular first poll."
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
from ansible_collections.cloudops.drs.plugins.module_utils._jobs import PRECHECK_MODES
from ansible_collections.cloudops.drs.plugins.module_utils._precheck import SETTINGS, PrecheckStep


class DrsBatchPrecheck(DrsModuleBase):
    """The pre-check step (module_utils/_precheck.py) on the selected jobs, each with its own mode."""

    job_keys = ('mode',)

    def __init__(self, module):
        self.step = PrecheckStep(self, dict((name, module.params[name]) for name in SETTINGS))
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

    def run(self):
        deadline = self.client.deadline_in(self.params['wait_timeout'])
        modes = dict((job['id'], job['mode']) for job in self.options.jobs)
        self.step.run(self.options.job_ids, modes, deadline)
        self.failure = self.step.failure

    def job_names(self):
        return self.step.job_names()

    def record_failure(self, message, pending=(), last_seen=None):
        self.step.record_failure(message, pending, last_seen)

    def get_result(self):
        result = self.step.result()
        result.update(elapsed=self.elapsed(), retries=self.retries())
        return result


def main():
    DrsBatchPrecheck.run_module()


if __name__ == '__main__':
    main()
