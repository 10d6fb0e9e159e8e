#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, cloudops.drs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: drs_batch_stop
short_description: Stop (terminate) many DRS jobs at once and wait until their resources are released
version_added: 1.0.0
description:
  - Stops Data Replication Service (DRS) v3 jobs of Open Telekom Cloud or Huawei Cloud with C(DELETE batch-jobs) and
    O(delete_type) C(terminate) (or C(force_terminate) where asked), ten jobs per call, and waits until each reaches
    C(RELEASE_RESOURCE_COMPLETE) (on the way C(RELEASE_RESOURCE_STARTED); C(RELEASE_RESOURCE_FAILED) is a failure).
  - Stopping ends a migration for good; DRS has no call that starts a stopped job again. Stop only after the
    incremental delay is 0 s and stable and the data was compared (Huawei's guidance).
  - Jobs already stopped (C(RELEASE_RESOURCE_COMPLETE), C(RELEASE_CHILD_TRANSFER_COMPLETE), C(DELETED)) or that never
    ran (C(CREATE_FAILED)) are reported V(unchanged) and get no request. A job already C(RELEASE_RESOURCE_STARTED) gets
    no request either; it is waited for and reported V(unchanged).
  - A job whose earlier stop failed (C(RELEASE_RESOURCE_FAILED)) is stopped only with O(delete_type=force_terminate);
    with V(terminate) it is a failure saying so. Jobs in C(CREATING) cannot be stopped.
  - "Dual-active disaster recovery: DRS stops a dual-active DR only through its parent task, which stops the forward
    and the backward task together. List the parent task. A forward or backward task listed together with its parent
    gets no request of its own and is waited for like the parent; one listed without its parent is a failure (nothing
    is sent for it), because stopping it would stop the other task of the pair too."
  - Jobs are not deleted (O(delete_type) V(delete) is not offered).
  - After an ambiguous failure of a stop request (a timeout or a reset connection after sending) the module reads
    the job status again before any re-send, and sends the stop again only to jobs that have not moved.
  - Every job gets an RV(jobs[].outcome). After returning every result, the module fails when any job could not be
    stopped or its fate is not known, naming each and why.
  - DRS's status reads may lag behind an accepted stop. A second run soon after one with O(wait=false) can still read
    the job as running; DRS then refuses the stop as in the wrong state (C(DRS.M00304)). Such a job is V(unknown),
    not V(failed) (the job may already be stopping, and this run changed nothing). Run the module again later, or use
    O(wait=true).
author:
  - cloudops DRS maintainers (@cloudops)
requirements:
  - requests
options:
  jobs:
    description:
      - The jobs to stop, as job IDs. Duplicate IDs are handled once (with a warning).
      - An element that is not in the job id form is an exact job name; give O(jobs), O(filters) or both (see O(filters)).
    type: list
    elements: raw
  delete_type:
    description:
      - V(terminate) stops a job normally. V(force_terminate) forces the stop; use it only where asked for, for example
        for a job whose stop failed (C(RELEASE_RESOURCE_FAILED)).
    type: str
    choices: [terminate, force_terminate]
    default: terminate
  wait:
    description:
      - Wait until every stopped job reached C(RELEASE_RESOURCE_COMPLETE), or O(wait_timeout) passed.
      - With V(false) the module returns right after the requests; DRS's acceptance is then the outcome (V(stopped)),
        and RV(jobs[].status) is the status read right after (usually C(RELEASE_RESOURCE_STARTED)).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds the whole run may take, reads, retries and waiting included. Jobs still not stopped then are
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
      - Reads the jobs and reports which would be stopped (V(would_stop), status C(RELEASE_RESOURCE_STARTED)), but sends no stop.
      - The jobs that would fail are a prediction (with the reasons in C(msg)); the module does not fail for them in
        check mode. A request that fails still fails it.
  diff_mode:
    support: full
    details:
      - The diff shows the status of every job before and after the run (in check mode, the predicted status).
  idempotent:
    support: full
    details:
      - Jobs already stopped are reported unchanged and get no request.
seealso:
  - module: cloudops.drs.drs_batch_pause
  - module: cloudops.drs.drs_batch_info
'''

EXAMPLES = r'''
- name: End a migration wave after the cut-over
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/cloudops.drs.drs:
      cloud: otc-prod
  tasks:
    - name: Stop the jobs of the wave and wait until their resources are released
      cloudops.drs.drs_batch_stop:
        jobs:
          - 6f3d0a71-8c2e-4a5b-9d7f-1b3e5c7jb108   # payments, replicating
          - 8a5f2c93-0e4b-4c7d-a6e9-3d5f7b9jb109   # archive, stopped long ago: unchanged
        wait_timeout: 1200
      register: stopped

    - name: Show what happened
      ansible.builtin.debug:
        msg: "{{ stopped.summary.stopped }} stopped, {{ stopped.summary.unchanged }} were already stopped"

- name: Force the stop of a disaster-recovery job
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Force-terminate it (for example after a stop that ended RELEASE_RESOURCE_FAILED)
      cloudops.drs.drs_batch_stop:
        cloud: otc-prod
        jobs: [8d0e8e36-a618-490d-8a46-8c61ac9jb502]
        delete_type: force_terminate
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
      sample: INCRE_TRANSFER_STARTED
    status:
      description: Job status at the end of the run (in check mode, the predicted status); V(null) when the job was not found.
      returned: always
      type: str
      sample: RELEASE_RESOURCE_COMPLETE
    action:
      description:
        - The request this run sent (in check mode, would send) for the job, V(null) when none.
        - V(null) also for a forward or backward task of a dual-active DR stopped through its parent task (the request
          went to the parent; RV(jobs[].reason) says so).
      returned: always
      type: str
      choices: [stop]
      sample: stop
    outcome:
      description:
        - What happened to the job, one word of a closed vocabulary.
        - V(stopped) this run stopped it (it reached C(RELEASE_RESOURCE_COMPLETE); with O(wait=false), DRS accepted the
          stop); V(unchanged) it was already stopped, stopping (and has stopped now) or never ran; V(failed) it could not be
          stopped (not found, a state or role that allows no stop, DRS refused it, or the stop failed); V(pending) it was
          not stopped yet when O(wait_timeout) ran out; V(unknown) its fate is not known (a request failed half-way, the
          stop of its dual-active parent task has an unknown outcome, or DRS refused as in the wrong state (C(DRS.M00304))
          a job read as stoppable, see the notes).
        - In check mode V(would_stop).
        - Only V(stopped), V(unchanged) and V(would_stop) are OK.
      returned: always
      type: str
      choices: [stopped, unchanged, failed, pending, unknown, would_stop]
      sample: stopped
    fate_known:
      description: V(false) when RV(jobs[].outcome) is V(unknown) or V(pending) (the module does not know what became of the job).
      returned: always
      type: bool
      sample: true
    reason:
      description:
        - Why the job was left alone, or a remark on how it is handled (a dual-active parent task, or a forward or
          backward task stopped through its parent); V(null) otherwise.
      returned: always
      type: str
      sample: already RELEASE_RESOURCE_COMPLETE
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
          sample: "an earlier stop failed (RELEASE_RESOURCE_FAILED); only delete_type force_terminate stops it"
summary:
  description: How many jobs got each RV(jobs[].outcome); every word of the vocabulary is a key (V(0) when none).
  returned: always
  type: dict
  sample: {"stopped": 8, "unchanged": 2, "failed": 0, "pending": 0, "unknown": 0, "would_stop": 0}
  contains:
    stopped:
      description: Jobs with RV(jobs[].outcome) V(stopped).
      returned: always
      type: int
      sample: 8
    unchanged:
      description: Jobs with RV(jobs[].outcome) V(unchanged).
      returned: always
      type: int
      sample: 2
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
    would_stop:
      description: Jobs with RV(jobs[].outcome) V(would_stop).
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
  sample: {"before": {"140b5236-88ad-43c8-811c-1268453jb101": "INCRE_TRANSFER_STARTED"},
           "after": {"140b5236-88ad-43c8-811c-1268453jb101": "RELEASE_RESOURCE_COMPLETE"}}
  contains:
    before:
      description: Job ID to status before the run.
      returned: always
      type: dict
      sample: {"140b5236-88ad-43c8-811c-1268453jb101": "INCRE_TRANSFER_STARTED"}
    after:
      description: Job ID to status after the run (predicted in check mode).
      returned: always
      type: dict
      sample: {"140b5236-88ad-43c8-811c-1268453jb101": "RELEASE_RESOURCE_COMPLETE"}
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
           "request_id": "0123456789abcdef0123456789abcdef", "method": "DELETE",
           "url": "https://drs.eu-de.otc.t-systems.com/v3/054ba152d480d55b2f5dc0069e7ddef0/jobs/batch-jobs"}
'''

from ansible_collections.cloudops.drs.plugins.module_utils._job_action import DrsJobActionModule, action_argument_spec
from ansible_collections.cloudops.drs.plugins.module_utils._jobs import DELETE_TYPES, stop_plan


class DrsBatchStop(DrsJobActionModule):
    """Stop jobs (terminate or force_terminate), dual-active pairs through their parent task."""

    selects_parents = True   # filters select a dual-active parent itself: DRS stops the pair through it

    action = 'stop'

    @classmethod
    def argument_spec(cls):
        spec = action_argument_spec()
        spec['delete_type'] = dict(type='str', choices=list(DELETE_TYPES), default='terminate')
        return spec

    def plan(self, job_id, detail, pairs, ids):
        parent = pairs.parent_of(job_id)
        return stop_plan(detail.get('status'), self.params['delete_type'], pairs.role(job_id), parent_listed=parent in ids)

    def send(self, kind, ids):
        return self.client.batch_stop([(job_id, self.params['delete_type']) for job_id in ids],
                                      deadline=self.deadline, reconcile=self._reconcile)


def main():
    DrsBatchStop.run_module()


if __name__ == '__main__':
    main()
