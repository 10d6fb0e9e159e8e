#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, cloudops.drs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: drs_batch_pause
short_description: Pause many DRS jobs at once
version_added: 1.0.0
description:
  - Pauses Data Replication Service (DRS) v3 migration and synchronization jobs of Open Telekom Cloud or Huawei Cloud
    with C(batch-pause-task), ten jobs per call, and waits until each reads C(PAUSING) (DRS's "paused").
  - DRS pauses jobs in C(FULL_TRANSFER_STARTED), C(FULL_TRANSFER_FAILED), C(FULL_TRANSFER_COMPLETE),
    C(INCRE_TRANSFER_STARTED) or C(INCRE_TRANSFER_FAILED), and only migration and synchronization jobs (not disaster
    recovery, C(cloudDataGuard)). A job already paused is reported V(unchanged) and gets no request.
  - "A job in any other state (C(CONFIGURATION), C(STARTJOBING), stopped...), a disaster-recovery job or the parent task
    of a dual-active DR is a failure of that job, saying why, and gets no request: the module pauses the other jobs and
    then fails (fail closed: a job the play asked to pause that is not paused is never reported as fine). Filter the
    jobs first (for example with M(cloudops.drs.drs_batch_info)) when some of them may legitimately not run."
  - Resume paused jobs with M(cloudops.drs.drs_batch_resume).
  - After an ambiguous failure of a pause request (a timeout or a reset connection after sending) the module reads
    the job status again before any re-send, and sends the pause again only to jobs that are not paused.
  - Every job gets an RV(jobs[].outcome). After returning every result, the module fails when any job could not be
    paused or its fate is not known, naming each and why.
  - DRS's status reads may lag behind an accepted pause. When DRS refuses the pause of a job read as pausable as in
    the wrong state (C(DRS.M00304)), for example in a second run soon after one with O(wait=false), the job may already
    be pausing; it is V(unknown), not V(failed), and this run changed nothing. Run the module again later.
author:
  - cloudops DRS maintainers (@cloudops)
requirements:
  - requests
options:
  jobs:
    description:
      - The jobs to pause, as job IDs. Duplicate IDs are handled once (with a warning).
      - An element that is not in the job id form is an exact job name; give O(jobs), O(filters) or both (see O(filters)).
    type: list
    elements: raw
  pause_mode:
    description:
      - V(target) stops only the replay on the destination (DRS keeps capturing changes from the source, so the
        job catches up quickly when resumed); V(all) stops capturing and replaying.
      - The DRS API requires the field and documents no default; the module sends V(target), the lighter pause, unless
        told otherwise.
    type: str
    choices: [target, all]
    default: target
  wait:
    description:
      - Wait until every paused job reads C(PAUSING), or O(wait_timeout) passed.
      - With V(false) the module returns right after the requests; DRS's acceptance is then the outcome (V(paused)).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds the whole run may take, reads, retries and waiting included. Jobs still not paused then are
        V(pending) and the module fails.
    type: int
    default: 600
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
      - Reads the jobs and reports which would be paused (V(would_pause), status C(PAUSING)), but sends no pause.
      - The jobs that would fail are a prediction (with the reasons in C(msg)); the module does not fail for them in
        check mode. A request that fails still fails it.
  diff_mode:
    support: full
    details:
      - The diff shows the status of every job before and after the run (in check mode, the predicted status).
  idempotent:
    support: full
    details:
      - Jobs already paused are reported unchanged and get no request.
seealso:
  - module: cloudops.drs.drs_batch_resume
  - module: cloudops.drs.drs_batch_stop
'''

EXAMPLES = r'''
- name: Pause a migration for a maintenance window on the target database
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/cloudops.drs.drs:
      cloud: otc-prod
  tasks:
    - name: Pause the replication of the payments job
      cloudops.drs.drs_batch_pause:
        jobs:
          - 6f3d0a71-8c2e-4a5b-9d7f-1b3e5c7jb108
        pause_mode: all
      register: paused

    - name: Show what happened
      ansible.builtin.debug:
        msg: "{{ paused.summary.paused }} paused, {{ paused.summary.unchanged }} were already paused"

    - name: Pausing again changes nothing
      cloudops.drs.drs_batch_pause:
        jobs:
          - 6f3d0a71-8c2e-4a5b-9d7f-1b3e5c7jb108
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
      sample: PAUSING
    action:
      description: The request this run sent (in check mode, would send) for the job, V(null) when none.
      returned: always
      type: str
      choices: [pause]
      sample: pause
    outcome:
      description:
        - What happened to the job, one word of a closed vocabulary.
        - V(paused) this run paused it (it reads C(PAUSING); with O(wait=false), DRS accepted the pause); V(unchanged) it
          was already paused; V(failed) it could not be paused (not found, a state, kind or role that allows no pause,
          DRS refused it, or it did not get to C(PAUSING)); V(pending) it was not paused yet when O(wait_timeout) ran
          out; V(unknown) its fate is not known (a request failed half-way, or DRS refused a job read as pausable as in the
          wrong state, see the notes).
        - In check mode V(would_pause).
        - Only V(paused), V(unchanged) and V(would_pause) are OK.
      returned: always
      type: str
      choices: [paused, unchanged, failed, pending, unknown, would_pause]
      sample: paused
    fate_known:
      description: V(false) when RV(jobs[].outcome) is V(unknown) or V(pending) (the module does not know what became of the job).
      returned: always
      type: bool
      sample: true
    reason:
      description:
        - Why the job was left alone (it is paused already); V(null) otherwise.
      returned: always
      type: str
      sample: already PAUSING (paused)
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
          sample: "a cloudDataGuard task cannot be paused (DRS pauses only migration and sync tasks)"
summary:
  description: How many jobs got each RV(jobs[].outcome); every word of the vocabulary is a key (V(0) when none).
  returned: always
  type: dict
  sample: {"paused": 3, "unchanged": 1, "failed": 0, "pending": 0, "unknown": 0, "would_pause": 0}
  contains:
    paused:
      description: Jobs with RV(jobs[].outcome) V(paused).
      returned: always
      type: int
      sample: 3
    unchanged:
      description: Jobs with RV(jobs[].outcome) V(unchanged).
      returned: always
      type: int
      sample: 1
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
    would_pause:
      description: Jobs with RV(jobs[].outcome) V(would_pause).
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
           "after": {"140b5236-88ad-43c8-811c-1268453jb101": "PAUSING"}}
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
      sample: {"140b5236-88ad-43c8-811c-1268453jb101": "PAUSING"}
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
           "url": "https://drs.eu-de.otc.t-systems.com/v3/054ba152d480d55b2f5dc0069e7ddef0/jobs/batch-pause-task"}
'''

from ansible_collections.cloudops.drs.plugins.module_utils._job_action import DrsJobActionModule, action_argument_spec
from ansible_collections.cloudops.drs.plugins.module_utils._jobs import PAUSE_MODES, pause_plan


class DrsBatchPause(DrsJobActionModule):
    """Pause jobs (pause_mode target or all)."""

    action = 'pause'

    @classmethod
    def argument_spec(cls):
        spec = action_argument_spec(wait_timeout=600)
        spec['pause_mode'] = dict(type='str', choices=list(PAUSE_MODES), default='target')
        return spec

    def plan(self, job_id, detail, pairs, ids):
        return pause_plan(detail.get('status'), detail.get('db_use_type'), pairs.role(job_id))

    def send(self, kind, ids):
        return self.client.batch_pause([(job_id, self.params['pause_mode']) for job_id in ids],
                                       deadline=self.deadline, reconcile=self._reconcile)


def main():
    DrsBatchPause.run_module()


if __name__ == '__main__':
    main()
