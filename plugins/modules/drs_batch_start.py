#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2025, cloudops.drs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: drs_batch_start
short_description: Start many DRS jobs at once, now or at a scheduled time
version_added: 1.0.0
description:
  - Starts Data Replication Service (DRS) v3 jobs of Open Telekom Cloud or Huawei Cloud with C(batch-starting),
    ten jobs per call, and waits until they run.
  - "The start gate: a job in C(CONFIGURATION) is started only when its latest pre-check positively passed (and, with
    O(alarm_is_failure), raised no ALARM). The outcome comes from O(prechecked) when given (nothing is read), else from
    DRS's latest pre-check result. Unknown, not run, failed, errored or timed out is not passed (fail closed)."
  - Jobs that are already starting, scheduled, running or paused are reported V(unchanged). Jobs in a failed state,
    in any other state, not found, or without a passed pre-check are failures, with the reason (DRS's
    C(failed_reason) where there is one).
  - With O(all_or_nothing=true), nothing is started when any job cannot start; every other job is reported
    V(blocked). Otherwise the jobs that can start are started, and the other task of a dual-active pair one of
    whose tasks cannot start is V(blocked).
  - "Dual-active disaster recovery: the forward task is started first. The backward task is started only once its
    forward task is C(INCRE_TRANSFER_STARTED) with RPO and RTO under O(rpo_rto_max) seconds; the module waits for that
    within O(wait_timeout). The parent task is never started (DRS does not allow it)."
  - After an ambiguous failure of a start request (a timeout or a reset connection after sending) the module reads
    the job status again instead of re-sending, so no job is ever started twice.
  - Every job gets an RV(jobs[].outcome). After returning every result, the module fails when any job could not be
    started, was held back, or its fate is not known, naming each and why.
author:
  - cloudops DRS maintainers (@cloudops)
requirements:
  - requests
options:
  jobs:
    description:
      - The jobs to start. Each element is a job ID, or a dict with the key C(id) and optionally C(start_time)
        (overrides O(start_time) for that job).
      - Duplicate IDs are started once (with a warning).
      - An element (or its C(id)) that is not in the job id form is an exact job name, see O(filters).
      - Give O(jobs), O(filters) or both.
    type: list
    elements: raw
  start_time:
    description:
      - Schedule the start instead of starting at once. An ISO 8601 date and time such as V(2030-01-31T22:00:00Z) or
        V(2030-01-31T23:00:00+01:00) (without a time zone it is read as UTC), or epoch milliseconds such as V(1896127200000).
      - Must be in the future. Scheduled jobs go to C(WAITING_FOR_START).
      - For a job DRS has already scheduled, the same time (or no O(start_time)) reports it V(unchanged); another time
        fails the job, naming the scheduled and the requested time. DRS v3 has no call that changes the start time of a
        scheduled job (C(batch-starting) accepts only jobs in C(CONFIGURATION)); terminate and recreate the job, or keep
        its time.
    type: raw
  require_precheck:
    description:
      - Start a job only when its latest pre-check passed (see M(cloudops.drs.drs_batch_precheck)).
      - With V(false) the module does not read pre-check results; DRS itself may still refuse to start a job
        without a passed pre-check.
      - The backward task of a dual-active pair never needs one (DRS skips its pre-check once the forward task replicates).
    type: bool
    default: true
  prechecked:
    description:
      - The RV(cloudops.drs.drs_batch_precheck#module:jobs) that M(cloudops.drs.drs_batch_precheck) returned for these jobs
        moments ago (register it and pass C(result.jobs), also when that module failed).
      - When given, it decides the pre-check gate, and a job starts only when its record's
        RV(cloudops.drs.drs_batch_precheck#module:jobs[].outcome) is V(passed) or V(not_needed). A job of O(jobs)
        without a record, or with any other outcome (V(failed), V(error), V(pending), V(skipped), V(unknown)), is not
        started; no pre-check result is read from DRS. In check mode V(would_precheck) predicts a start that depends
        on that pre-check.
      - For each job found there, the module also takes the status, name and dual-active role from it instead of
        reading the job again. With O(all_or_nothing) and a record that keeps any job from starting, the module sends
        no request at all.
      - Read as usual are jobs whose status there allows no start (for DRS's C(failed_reason)), and backward tasks
        whose forward task is not in O(jobs).
      - DRS still refuses to start a job that meanwhile left C(CONFIGURATION). Such a job is read again; when it is
        starting, scheduled, running or paused by then it is reported V(unchanged) (and waited for when
        C(STARTJOBING)), otherwise DRS's refusal is the job's error.
      - Every element is checked before any request (a dict with a valid C(id); C(status), C(passed), C(outcome) and
        C(dr_pair) of the documented types; no ID twice), also those of jobs not in O(jobs), which are then ignored.
    type: list
    elements: dict
  precheck:
    description:
      - Pre-check the jobs first, in this module run, exactly as M(cloudops.drs.drs_batch_precheck) does (the same rules,
        the same per-job results, returned in RV(precheck)), and let those results decide the start gate as
        O(prechecked) would. This is one module process, one IAM token and no records passed through a task argument,
        so it is the fastest way to pre-check and start a fleet; the role C(cloudops.drs.precheck_and_start) uses it.
      - The pre-check waits until every submitted pre-check is done, polling every O(poll_interval) seconds. With
        O(alarm_is_failure), a pre-check with ALARM items is not passed. O(wait_timeout) then counts from the end of
        the pre-check step.
      - "When the pre-check step does not finish (a request fails, its time runs out, the outcome of a submission is not
        known), nothing is started, whatever O(all_or_nothing) says: every job is V(not_started) (one already running
        V(unchanged)), and RV(precheck) keeps what the step learnt."
      - Mutually exclusive with O(prechecked); needs O(require_precheck=true).
    type: dict
    suboptions:
      mode:
        description: The pre-check mode (see O(cloudops.drs.drs_batch_precheck#module:mode)).
        type: str
        choices: [forStartJob, forRetryJob]
        default: forStartJob
      force:
        description: Pre-check again a job whose pre-check already passed (see O(cloudops.drs.drs_batch_precheck#module:force)).
        type: bool
        default: false
      recheck_failed:
        description:
          - Pre-check again a job whose last pre-check failed (see O(cloudops.drs.drs_batch_precheck#module:recheck_failed)).
        type: bool
        default: true
      wait_timeout:
        description: Seconds the pre-check step may take, reads, retries and waiting included.
        type: int
        default: 1800
  all_or_nothing:
    description:
      - Start nothing when any job of O(jobs) cannot start (its pre-check did not positively pass, it is not found,
        its state allows no start). Jobs already running are still reported V(unchanged); the others V(blocked).
      - With V(false), the jobs that can start are started.
    type: bool
    default: false
  alarm_is_failure:
    description:
      - Treat a pre-check with ALARM items as not passed, when the module reads the pre-check results itself
        (without O(prechecked); the records of O(prechecked) already carry this verdict of M(cloudops.drs.drs_batch_precheck)).
    type: bool
    default: false
  wait:
    description:
      - Wait until every started job runs (C(FULL_TRANSFER_STARTED), C(FULL_TRANSFER_COMPLETE) or
        C(INCRE_TRANSFER_STARTED)), or for scheduled jobs reached C(WAITING_FOR_START), or O(wait_timeout) passed.
      - With V(false) the module returns right after the start requests. A dual-active backward task whose forward task
        is not ready yet is then left in RV(pending_jobs), to be started by a later run.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds the whole run may take, reads, retries and waiting included. Jobs still pending then are listed in
        RV(pending_jobs) and the module fails.
    type: int
    default: 1800
  poll_interval:
    description:
      - Seconds between two status polls at first; the interval grows (up to four times) while waiting.
      - "The first poll of each batch comes one interval after DRS accepted its request, or earlier: the batch
        accepted first is read once at half the interval, and when it shows how long the starts take (a pre-check's
        C(process), a start that is over), every batch is first polled at that estimate plus 10 %. A job not
        done then keeps its regular first poll."
    type: int
    default: 10
  rpo_rto_max:
    description:
      - Dual-active disaster recovery only. Both the RPO and the RTO of the forward task must be below this many seconds
        before the backward task is started.
    type: int
    default: 60
extends_documentation_fragment:
  - cloudops.drs.drs
  - cloudops.drs.drs.selection
  - cloudops.drs.drs.attributes
  - cloudops.drs.drs.actiongroup_drs
attributes:
  check_mode:
    support: full
    details:
      - Reads the jobs and their pre-check results (not those O(prechecked) knows) and reports which jobs would be
        started, but sends no start.
      - The jobs that would fail are a prediction (RV(jobs[].outcome), with the reasons in C(msg)); the module does
        not fail for them in check mode. A request that fails still fails it.
  diff_mode:
    support: full
    details:
      - The diff shows the status of every job before and after the run (in check mode, the predicted status).
  idempotent:
    support: full
    details:
      - Jobs already starting, scheduled or running are reported unchanged and not started again.
seealso:
  - module: cloudops.drs.drs_batch_precheck
  - module: cloudops.drs.drs_batch_info
'''

EXAMPLES = r'''
- name: Start a migration wave
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/cloudops.drs.drs:
      cloud: otc-prod
  tasks:
    - name: Pre-check the wave
      cloudops.drs.drs_batch_precheck:
        jobs: "{{ wave_1 }}"
      register: precheck

    - name: Start the wave and wait until every job runs (what the pre-check read is not read again)
      cloudops.drs.drs_batch_start:
        jobs: "{{ wave_1 }}"
        prechecked: "{{ precheck.jobs }}"
        wait_timeout: 3600
      register: started

    - name: Show what happened
      ansible.builtin.debug:
        msg: "started {{ started.started_jobs | length }}, already running {{ started.skipped_jobs | length }}"

- name: Pre-check and start a wave in one task (here the wave already runs, so nothing is sent but reads)
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/cloudops.drs.drs:
      cloud: otc-prod
  tasks:
    - name: Pre-check every job, then start them all, or none when any pre-check fails
      cloudops.drs.drs_batch_start:
        jobs: "{{ wave_1 }}"
        precheck:
          wait_timeout: 1200
        all_or_nothing: true
      register: wave

    - name: Show the pre-check and start outcome of every job
      ansible.builtin.debug:
        msg: "{{ wave.precheck.jobs | map(attribute='outcome') | zip(wave.jobs | map(attribute='outcome')) | list }}"

- name: Schedule the cut-over of two jobs for the maintenance window
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Start at 22:00 UTC, one job an hour later
      cloudops.drs.drs_batch_start:
        access_key: "{{ vault_drs_ak }}"
        secret_key: "{{ vault_drs_sk }}"
        project_id: 054ba152d480d55b2f5dc0069e7ddef0
        region: eu-de
        start_time: "2030-01-31T22:00:00Z"
        jobs:
          - 140b5236-88ad-43c8-811c-1268453jb101
          - id: 4e1b8d59-2a7c-4f9e-b3d6-6a8c0f2jb107
            start_time: "2030-01-31T23:00:00Z"

- name: Dual-active disaster recovery
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Start the forward task, then the backward task once RPO and RTO are under 30 s
      cloudops.drs.drs_batch_start:
        cloud: otc-prod
        jobs:
          - c1a7e3f5-9b2d-4e6a-8f0c-2d4e6a8jb501   # forward
          - c1a7e3f5-9b2d-4e6a-8f0c-2d4e6a8jb503   # backward
        rpo_rto_max: 30
        wait_timeout: 7200
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
      sample: CONFIGURATION
    status_after:
      description: Job status at the end of the run (in check mode, the predicted status); V(null) when the job was not found.
      returned: always
      type: str
      sample: FULL_TRANSFER_STARTED
    outcome:
      description:
        - What happened to the job, one word of a closed vocabulary.
        - V(started) this run started it and it runs; V(scheduled) this run scheduled it (C(WAITING_FOR_START));
          V(unchanged) it was already starting, scheduled, running or paused; V(failed) it could not be started (not
          found, a state that allows no start, DRS refused it, or its start failed); V(not_started) its own pre-check
          did not positively pass, or the step of O(precheck) did not finish; V(blocked) held back because of other
          jobs (O(all_or_nothing), or the other task of its dual-active pair cannot start); V(pending) it had not
          reached its target state when O(wait_timeout) ran out; V(unknown) its fate is not known (a request failed
          half-way, so it may or may not have been started).
        - In check mode V(would_start), V(would_schedule), or V(depends_on_precheck) (its pre-check would run first,
          so whether it starts depends on the result); the other outcomes are predicted the same way.
        - Only V(started), V(scheduled), V(unchanged) (and in check mode the three predictions) are OK.
      returned: always
      type: str
      choices: [started, scheduled, unchanged, failed, not_started, blocked, pending, unknown, would_start, would_schedule,
                depends_on_precheck]
      sample: started
    started:
      description: Whether this run started (or scheduled) the job; in check mode, whether it would.
      returned: always
      type: bool
      sample: true
    scheduled_start:
      description:
        - The job's scheduled start time in ISO 8601 UTC, the one this run sent or, for a job DRS had already scheduled
          (C(WAITING_FOR_START)), the one DRS reports (C(inst_info.start_time) of C(batch-detail)); V(null) for an
          immediate start or when not known.
      returned: always
      type: str
      sample: "2030-01-31T22:00:00Z"
    skipped_reason:
      description:
        - Why the job was left alone (already started, scheduled or running; held back; or waiting for its forward
          task); V(null) otherwise.
      returned: always
      type: str
      sample: already INCRE_TRANSFER_STARTED
    note:
      description:
        - A remark on the prediction in check mode (the start depends on a pre-check that would run first, or a
          backward task would start only after its forward task replicates); V(null) otherwise.
      returned: always
      type: str
      sample: its pre-check would run now, the start depends on the result
    error:
      description: Why the job could not be started, or why its fate is not known; V(null) otherwise.
      returned: always
      type: dict
      sample: {"error_code": null, "error_msg": "status START_JOB_FAILED does not allow a start: source database unreachable"}
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
          sample: no passed pre-check (run cloudops.drs.drs_batch_precheck first)
started_jobs:
  description: IDs of the jobs this run started or scheduled (in check mode, would start).
  returned: always
  type: list
  elements: str
  sample: [140b5236-88ad-43c8-811c-1268453jb101]
skipped_jobs:
  description: IDs of the jobs left alone because they were already started (RV(jobs[].outcome) V(unchanged)), each with a RV(jobs[].skipped_reason).
  returned: always
  type: list
  elements: str
  sample: [9a470239-2308-4bb5-a6bc-1040402fjb21]
blocked_jobs:
  description: IDs of the jobs held back because of other jobs (RV(jobs[].outcome) V(blocked)), each with a RV(jobs[].skipped_reason).
  returned: always
  type: list
  elements: str
  sample: []
failed_jobs:
  description: IDs of the jobs that could not be started (or failed to start, or whose fate is not known), each with a RV(jobs[].error).
  returned: always
  type: list
  elements: str
  sample: []
pending_jobs:
  description:
    - IDs of the jobs that had not reached their target state when O(wait_timeout) ran out (then the module fails),
      or, with O(wait=false), backward tasks whose forward task was not ready yet.
  returned: always
  type: list
  elements: str
  sample: []
fate_known:
  description: V(false) when any RV(jobs[].outcome) is V(unknown) or V(pending), V(true) otherwise.
  returned: always
  type: bool
  sample: true
diff:
  description: Status of every job found, before and after the run.
  returned: always
  type: dict
  sample: {"before": {"140b5236-88ad-43c8-811c-1268453jb101": "CONFIGURATION"},
           "after": {"140b5236-88ad-43c8-811c-1268453jb101": "FULL_TRANSFER_STARTED"}}
  contains:
    before:
      description: Job ID to status before the run.
      returned: always
      type: dict
      sample: {"140b5236-88ad-43c8-811c-1268453jb101": "CONFIGURATION"}
    after:
      description: Job ID to status after the run (predicted in check mode).
      returned: always
      type: dict
      sample: {"140b5236-88ad-43c8-811c-1268453jb101": "FULL_TRANSFER_STARTED"}
precheck:
  description:
    - The result of the pre-check step that O(precheck) ran, with the keys of M(cloudops.drs.drs_batch_precheck)'s
      result (without its C(elapsed), C(retries), C(selection) and target keys, which are this module's), plus
      RV(precheck.failed) and RV(precheck.msg).
  returned: when O(precheck) is given
  type: dict
  contains:
    changed:
      description: Whether the step submitted a pre-check (in check mode, whether it would).
      returned: always
      type: bool
      sample: true
    jobs:
      description: One dict per job, exactly as RV(cloudops.drs.drs_batch_precheck#module:jobs).
      returned: always
      type: list
      elements: dict
      sample: [{"id": "140b5236-88ad-43c8-811c-1268453jb101", "name": "orders-mysql-migration", "status": "CONFIGURATION",
                "submitted": true, "passed": true, "process": "100%", "total_passed_rate": "100%", "failed_items": [],
                "alarm_items": [], "skipped_reason": null, "error": null, "dr_pair": null, "outcome": "passed"}]
    passed_jobs:
      description: IDs of the jobs whose latest pre-check passed.
      returned: always
      type: list
      elements: str
      sample: [140b5236-88ad-43c8-811c-1268453jb101]
    failed_jobs:
      description: IDs of the jobs whose pre-check failed or could not run.
      returned: always
      type: list
      elements: str
      sample: []
    skipped_jobs:
      description: IDs of the jobs not pre-checked, each with a reason in C(skipped_reason).
      returned: always
      type: list
      elements: str
      sample: []
    pending_jobs:
      description: IDs of the jobs whose pre-check had not finished when its time ran out.
      returned: always
      type: list
      elements: str
      sample: []
    fate_known:
      description: V(false) when the pre-check outcome of any job is V(unknown) or V(pending).
      returned: always
      type: bool
      sample: true
    failed:
      description:
        - Whether the pre-check step failed (a job's pre-check failed or could not run, or the step ended early).
        - In check mode, jobs whose pre-check would fail are a prediction (RV(precheck.msg) says why), not a failure.
      returned: always
      type: bool
      sample: false
    msg:
      description:
        - Why the pre-check step failed, or in check mode would fail (names every job and its failed check items);
          V(null) when it did not.
      returned: always
      type: str
      sample: null
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
  sample: 95.021
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
           "url": "https://drs.eu-de.otc.t-systems.com/v3/054ba152d480d55b2f5dc0069e7ddef0/jobs/batch-starting"}
'''

from ansible_collections.cloudops.drs.plugins.module_utils._base import DrsModuleBase
from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsError
from ansible_collections.cloudops.drs.plugins.module_utils._jobs import (
    ALREADY_STARTED, FORWARD_MAY_BECOME_READY, FORWARD_READY, PRECHECK_MODES, SCHEDULED, START_PENDING, START_REACHED,
    STARTABLE, action_error, delay_ms, describe_pending, error, error_text, fate_known, gate_verdict, job_label,
    not_found_error, precheck_state, precheck_verdict, scheduled_start_ms, start_eta)
from ansible_collections.cloudops.drs.plugins.module_utils._options import format_epoch_ms
from ansible_collections.cloudops.drs.plugins.module_utils._precheck import PrecheckStep

NO_PRECHECK = 'no passed pre-check (run cloudops.drs.drs_batch_precheck first)'
PRECHECK_WOULD_RUN = 'its pre-check would run now: the start depends on the result'
# why a record of the prechecked option keeps a job from starting, by its outcome
RECORD_REASONS = {
    None: 'no pre-check result from this run (the job is not in prechecked)',
    'failed': 'the last pre-check failed (total passed rate %(rate)s); fix it and pre-check again',
    'error': 'the pre-check could not run (%(error)s); fix it and pre-check again',
    'pending': 'the pre-check did not finish in time; wait for it to pass',
    'unknown': 'the result of the pre-check is not known (the pre-check step did not finish); pre-check again',
    'skipped': 'the job was not pre-checked',
    'would_precheck': 'its pre-check ran in check mode only, so there is no result; pre-check again',
    'alarm': 'its pre-check raised ALARM items and alarm_is_failure is set',
}


class DrsBatchStart(DrsModuleBase):
    """The start gate and the start: decide per job whether it may start, start forward tasks before backward
    ones, wait, and report each job's outcome."""

    job_keys = ('start_time',)

    def __init__(self, module):
        self.jobs = {}            # id -> the per-job result (insertion order = order of the jobs option)
        self.pending = []
        self.changed = False
        self.timed_out = False
        self.held_all = False     # all_or_nothing held every job back
        self.deadline = None      # one monotonic deadline for the whole run, set when it starts
        self.trusted = {}         # id -> record of the prechecked option that this run takes instead of reading
        self.rewatch = []         # refused jobs read again and found STARTJOBING: waited for like the started ones
        self.watching = []        # jobs the status wait has not decided yet
        self.start_times = {}     # id -> requested start time (epoch ms string) or None, set when the run starts
        self.phase = 'start'      # 'precheck' while the precheck option's step runs
        self.precheck_error = None  # the failure that ended the pre-check step early (a request, a deadline)
        settings = module.params.get('precheck')
        self.precheck_step = None if settings is None else PrecheckStep(self, dict(
            force=settings['force'], recheck_failed=settings['recheck_failed'], wait=True,
            wait_timeout=settings['wait_timeout'], poll_interval=module.params['poll_interval'],
            alarm_is_failure=module.params['alarm_is_failure']))
        super().__init__(module)

    @classmethod
    def argument_spec(cls):
        return dict(
            jobs=dict(type='list', elements='raw'),
            start_time=dict(type='raw'),
            require_precheck=dict(type='bool', default=True),
            prechecked=dict(type='list', elements='dict'),
            precheck=dict(type='dict', options=dict(
                mode=dict(type='str', choices=list(PRECHECK_MODES), default='forStartJob'),
                force=dict(type='bool', default=False),
                recheck_failed=dict(type='bool', default=True),
                wait_timeout=dict(type='int', default=1800),
            )),
            all_or_nothing=dict(type='bool', default=False),
            alarm_is_failure=dict(type='bool', default=False),
            wait=dict(type='bool', default=True),
            wait_timeout=dict(type='int', default=1800),
            poll_interval=dict(type='int', default=10),
            rpo_rto_max=dict(type='int', default=60),
        )

    def _job(self, job_id):
        return self.jobs.setdefault(job_id, {
            'id': job_id, 'name': None, 'status_before': None, 'status_after': None, 'outcome': 'unknown', 'started': False,
            'scheduled_start': None, 'skipped_reason': None, 'note': None, 'error': None,
        })

    def _set(self, job_id, outcome, message=None, code=None, skipped=None):
        """Decide a job's outcome; ``message`` (and ``code``) make its error, ``skipped`` its skipped_reason."""
        job = self.jobs[job_id]
        job['outcome'] = outcome
        if message is not None:
            job['error'] = error(message, code)
        if skipped is not None:
            job['skipped_reason'] = skipped

    def _note(self, job_id, text):
        """Add a remark on the prediction to the job's note."""
        job = self.jobs[job_id]
        job['note'] = '%s; %s' % (job['note'], text) if job['note'] else text

    def _problems(self):
        return [job_id for job_id, job in self.jobs.items() if job['outcome'] in ('failed', 'not_started')]

    # -- the run ----------------------------------------------------------------------------------------------

    def run(self):
        start_times = dict((job['id'], job['start_time']) for job in self.options.jobs)
        self.start_times = start_times
        ids = self.options.job_ids
        for job_id in ids:
            self._job(job_id)
        records = self.options.prechecked
        if self.precheck_step is not None:
            # the pre-check step first, in this process: its records decide the gate as prechecked would
            self.phase = 'precheck'
            settings = self.params['precheck']
            self.precheck_step.run(ids, dict.fromkeys(ids, settings['mode']), self.client.deadline_in(settings['wait_timeout']))
            records = self.precheck_step.records()
            self.phase = 'start'
            undecided = [job_id for job_id, record in records.items() if record['outcome'] in ('pending', 'unknown')]
            if undecided:
                # the step did not finish (its time ran out, a submission's reply was lost): fail closed, as when a
                # request of the step fails, whatever all_or_nothing says
                self._hold_for_precheck_step('not started: the pre-check step did not finish (%d pre-check(s) still '
                                             'running or of unknown outcome)' % len(undecided))
                self.failure = ('Nothing was started: the pre-check of %d of %d job(s) did not finish or its outcome is '
                                'not known, and the start waits for every pre-check of the run.' % (len(undecided), len(ids)))
                return
        self.deadline = self.client.deadline_in(self.params['wait_timeout'])
        gated = self.params['require_precheck']

        if records is not None and gated and self.params['all_or_nothing'] and self._hold_from_records(ids, records):
            self.failure = self._failure_message()
            return   # the records alone say that nothing may start: no request at all

        self.trusted = self._trusted(ids, records or {})
        details, pairs, errors = self.read_jobs(ids, self.deadline, known=self.trusted)
        candidates, watch = self._classify(ids, details, pairs, errors)
        if gated:
            candidates = self._gate(candidates, pairs, records)
        candidates = self._hold(candidates, pairs)

        backward = [job_id for job_id in candidates if pairs.role(job_id) == 'backward']
        direct = [job_id for job_id in candidates if job_id not in backward]
        started = self._start(direct, start_times)
        started += self._start_backward(backward, pairs, start_times)
        watch += started + self.rewatch
        if self.module.check_mode:
            pass
        elif self.params['wait'] and watch:
            self._wait_running(watch, start_times)
        elif started:
            statuses, _gone = self.client.batch_status(started, deadline=self.deadline)
            for job_id in started:
                self.jobs[job_id]['status_after'] = (statuses.get(job_id) or {}).get('status') or self.jobs[job_id]['status_after']
        self.failure = self._failure_message()

    def _classify_scheduled(self, job, detail):
        """A job DRS already scheduled: unchanged when no start_time or the same one is asked for; failed (with both
        times) when another one is, because no DRS v3 call changes the start time of a scheduled job."""
        current = scheduled_start_ms(detail)
        job['scheduled_start'] = format_epoch_ms(current) if current else None
        requested = getattr(self, 'start_times', {}).get(job['id'])
        shown = format_epoch_ms(current) if current else 'an unknown time'
        if requested and (current is None or int(requested) != current):
            self._set(job['id'], 'failed', 'already WAITING_FOR_START, scheduled for %s; the requested start_time %s was not '
                                           'applied: DRS has no API call that changes the start time of a scheduled job '
                                           '(batch-starting accepts only jobs in CONFIGURATION)' % (shown, format_epoch_ms(requested)))
        else:
            self._set(job['id'], 'unchanged', skipped='already WAITING_FOR_START (scheduled for %s)' % shown)

    # -- deciding what may start -------------------------------------------------------------------------------

    def _hold_from_records(self, ids, records):
        """all_or_nothing with pre-check records: when any job cannot start by what the records say (no record, not
        found, a state that allows no start, a pre-check that did not positively pass), decide every job from the
        records and hold all back. Returns True when it did."""
        blockers = {}
        for job_id in ids:
            record = records.get(job_id) or {}
            status, pair = record.get('status'), record.get('dr_pair') or {}
            if status in ALREADY_STARTED:
                continue
            if record and not status and record.get('error'):
                blockers[job_id] = ('failed', error_text(record['error']))
            elif record and not status:   # the pre-check step never read the job: its state is as unknown as its pre-check
                blockers[job_id] = ('not_started', self._record_reason(record))
            elif pair.get('role') == 'parent':
                blockers[job_id] = ('failed', 'parent task of a dual-active DR pair: DRS starts only its forward and backward tasks')
            elif status and status != STARTABLE:
                blockers[job_id] = ('failed', 'status %s does not allow a start' % status)
            elif gate_verdict(self._record_outcome(record), self.module.check_mode) == 'closed':
                blockers[job_id] = ('not_started', self._record_reason(record))
        if not blockers:
            return False
        self.held_all = True
        for job_id in ids:
            record = records.get(job_id) or {}
            job = self.jobs[job_id]
            job.update(name=record.get('name'), status_before=record.get('status'), status_after=record.get('status'))
            if job_id in blockers:
                self._set(job_id, blockers[job_id][0], blockers[job_id][1])
            elif record.get('status') == SCHEDULED and self.start_times.get(job_id):
                # its scheduled time is in the details only: not read, so not known to match the requested one
                self._set(job_id, 'blocked', skipped='not read: nothing starts (all_or_nothing), so the scheduled time of this '
                                                     'WAITING_FOR_START job was not compared with the requested start_time')
            elif record.get('status') in ALREADY_STARTED:
                self._set(job_id, 'unchanged', skipped='already %s' % record['status'])
            else:
                self._set(job_id, 'blocked', skipped=self._blocked_reason(len(blockers)))
        return True

    def _record_outcome(self, record):
        """The pre-check outcome of a record as this run judges it: a pass with ALARM items is ``alarm`` (not a pass)
        when alarm_is_failure is set here, whatever the pre-check module was told."""
        outcome = record.get('outcome')
        if outcome == 'passed' and self.params['alarm_is_failure'] and record.get('alarm_items'):
            return 'alarm'
        return outcome

    def _record_reason(self, record):
        outcome = self._record_outcome(record)
        template = RECORD_REASONS.get(outcome if record else None, 'its pre-check outcome is %s' % outcome)
        return template % {'rate': record.get('total_passed_rate'), 'error': error_text(record.get('error'))}

    @staticmethod
    def _blocked_reason(count):
        return 'not started: %d other job(s) of this run cannot start, and all_or_nothing holds back every job' % count

    def _trusted(self, ids, records):
        """The records of the prechecked option to take instead of reading the jobs (id -> record).

        A job in a state that allows no start is read all the same (for DRS's failed_reason), and so is a backward
        task whose forward task is not in this run (the forward task may have moved on since the pre-check).
        """
        wanted = set(ids)
        trusted = {}
        for job_id, record in records.items():
            pair = record['dr_pair'] or {}
            if job_id not in wanted or (record['status'] != STARTABLE and record['status'] not in ALREADY_STARTED):
                continue
            if record['status'] == SCHEDULED:
                continue   # read it: its scheduled start time is in the details only
            if pair.get('role') == 'backward' and pair.get('forward_id') not in wanted:
                continue
            trusted[job_id] = record
        return trusted

    def _classify(self, ids, details, pairs, errors):
        """Sort the jobs by their state: unchanged (already started), failed (not found, no start allowed) or
        candidates; returns ``(candidates, watch)``, watch being the unchanged jobs that are still STARTJOBING."""
        candidates, watch = [], []
        for job_id in ids:
            job = self.jobs[job_id]
            if job_id not in details:
                job.update(outcome='failed', error=errors.get(job_id) or not_found_error(job_id))
                continue
            detail = details[job_id]
            job['name'] = detail.get('name')
            job['status_before'] = job['status_after'] = status = detail.get('status')
            if pairs.role(job_id) == 'parent':
                self._set(job_id, 'failed', 'parent task of a dual-active DR pair: DRS starts only its forward and backward tasks')
            elif status == SCHEDULED:
                self._classify_scheduled(job, detail)
            elif status in ALREADY_STARTED:
                self._set(job_id, 'unchanged', skipped='already %s' % status)
                if status == 'STARTJOBING':
                    watch.append(job_id)
            elif not status:
                self._set(job_id, 'failed', 'DRS reported no status for this job: not started')
            elif status != STARTABLE:
                reason = detail.get('failed_reason') or detail.get('error_msg')
                self._set(job_id, 'failed', 'status %s does not allow a start%s' % (status, ': %s' % reason if reason else ''))
            else:
                candidates.append(job_id)
        return candidates, watch

    def _gate(self, candidates, pairs, records):
        """The candidates whose pre-check positively passed (or, in check mode, would run now); the others are
        not_started. With ``records`` (the prechecked option) their outcome decides and nothing is read; without,
        the latest pre-check result is read from DRS. A backward task needs none when nobody pre-checked it."""
        if records is not None:
            verdicts = dict((job_id, gate_verdict(self._record_outcome(records.get(job_id) or {}), self.module.check_mode))
                            for job_id in candidates)
            for job_id, verdict in verdicts.items():
                if verdict == 'closed':
                    self._set(job_id, 'not_started', self._record_reason(records.get(job_id) or {}))
                elif verdict == 'depends':
                    self._note(job_id, PRECHECK_WOULD_RUN)
            return [job_id for job_id in candidates if verdicts[job_id] != 'closed']
        backward = [job_id for job_id in candidates if pairs.role(job_id) == 'backward']
        read = [job_id for job_id in candidates if job_id not in backward]
        results = self.client.batch_precheck_result(read, deadline=self.deadline)[0] if read else {}
        passed = list(backward)
        for job_id in read:
            result = results.get(job_id)
            verdict = precheck_verdict(result, self.params['alarm_is_failure'])
            if verdict:
                passed.append(job_id)
            elif precheck_state(result) is None:
                self._set(job_id, 'not_started', NO_PRECHECK)
            elif verdict is None:
                self._set(job_id, 'not_started', 'the pre-check is still running (%s); wait for it to pass' % result['process'])
            else:
                self._set(job_id, 'not_started', 'the last pre-check failed (total passed rate %s); fix it and pre-check again'
                          % result.get('total_passed_rate'))
        return [job_id for job_id in candidates if job_id in passed]

    def _hold(self, candidates, pairs):
        """Hold candidates back because of other jobs: all of them with all_or_nothing when any job cannot start,
        otherwise the other task of a dual-active pair whose one task cannot start."""
        problems = self._problems()
        if self.module.check_mode and self.params['all_or_nothing'] and any(
                self.jobs[job_id]['note'] == PRECHECK_WOULD_RUN for job_id in candidates):
            for job_id in candidates:
                if self.jobs[job_id]['note'] != PRECHECK_WOULD_RUN:
                    self._note(job_id, 'would start only if every pre-check that would run now passes (all_or_nothing)')
        if not problems:
            return candidates
        if self.params['all_or_nothing']:
            self.held_all = True
            for job_id in candidates:
                self._set(job_id, 'blocked', skipped=self._blocked_reason(len(problems)))
            return []
        held = []
        for job_id in problems:
            for partner in pairs.partners(job_id, candidates):
                self._set(partner, 'blocked', skipped='not started: the other task of its dual-active DR pair, %s, cannot start'
                          % job_label(self.jobs[job_id]))
                held.append(partner)
        return [job_id for job_id in candidates if job_id not in held]

    # -- starting ------------------------------------------------------------------------------------------------

    def _start(self, ids, start_times):
        """Start ``ids`` (or predict it in check mode); returns the ids DRS accepted."""
        if not ids:
            return []
        for job_id in ids:
            if start_times[job_id]:
                self.jobs[job_id]['scheduled_start'] = format_epoch_ms(start_times[job_id])
        if self.module.check_mode:
            for job_id in ids:
                job = self.jobs[job_id]
                job['started'] = True
                if (job['note'] or '').startswith(PRECHECK_WOULD_RUN):
                    job['outcome'] = 'depends_on_precheck'
                else:
                    job.update(outcome='would_schedule' if start_times[job_id] else 'would_start',
                               status_after='WAITING_FOR_START' if start_times[job_id] else 'STARTJOBING')
            self.changed = True
            return list(ids)
        replies = self.client.batch_start([(job_id, start_times[job_id]) for job_id in ids],
                                          deadline=self.deadline, reconcile=self._reconcile)
        accepted = []
        for job_id in ids:
            reply = replies.get(job_id) or {}
            err = action_error(replies.get(job_id), 'start')
            if err is None:
                self.jobs[job_id]['started'] = True
                # waited for, the outcome is decided when the job runs; not waited for, DRS's acceptance is the outcome
                self._set(job_id, 'unknown' if self.params['wait'] else ('scheduled' if start_times[job_id] else 'started'))
                accepted.append(job_id)
            else:
                self._set(job_id, 'unknown' if reply.get('status') == 'unknown' else 'failed', err['error_msg'], err['error_code'])
        if accepted:
            self.changed = True
        # only a plain refusal: a start whose outcome is unknown stays unknown (it may have taken effect)
        self._recheck_refused([job_id for job_id in ids
                               if job_id in self.trusted and (replies.get(job_id) or {}).get('status') == 'failed'])
        return accepted

    def _recheck_refused(self, ids):
        """Jobs whose status came from the prechecked option and that DRS refused to start: read them. One that is
        starting, scheduled, running or paused by now (started by someone else meanwhile) is unchanged, not a failure;
        a STARTJOBING one is waited for. When the read fails, DRS's refusal stands."""
        if not ids:
            return
        try:
            statuses, _gone = self.client.batch_status(ids, deadline=self.deadline)
        except DrsError:
            return
        for job_id in ids:
            status = (statuses.get(job_id) or {}).get('status')
            if status in ALREADY_STARTED:
                self.jobs[job_id].update(error=None, status_before=status, status_after=status)
                self._set(job_id, 'unchanged', skipped='already %s' % status)
                if status == 'STARTJOBING':
                    self.rewatch.append(job_id)

    def _reconcile(self, ids):
        """After an ambiguous start failure: the ids that DRS did receive a start for (no longer CONFIGURATION).

        A job that still reads CONFIGURATION is not taken as "not received" at once: DRS may show CONFIGURATION for a
        while after accepting a start, so the client asks again for a start-lag window before it sends the start again
        (``DrsClient.batch_start``, ``START_LAG_WINDOW``)."""
        statuses, _gone = self.client.batch_status(ids, deadline=self.deadline)
        return set(job_id for job_id, item in statuses.items() if item.get('status') not in (None, STARTABLE))

    def _start_backward(self, backward, pairs, start_times):
        """Start each backward task once its forward task replicates with RPO and RTO under rpo_rto_max."""
        if not backward:
            return []
        forward_of = dict((job_id, pairs.forward_of(job_id)) for job_id in backward)
        for job_id, forward_id in forward_of.items():
            problem = self._dead_forward(forward_id, pairs.forward_status(job_id))
            if problem:
                self._set(job_id, 'failed', 'backward task of a dual-active DR pair whose forward task %s' % problem)
        backward = [job_id for job_id in backward if not self.jobs[job_id]['error']]
        if self.module.check_mode:
            for job_id in backward:   # the order is part of the prediction
                forward = self.jobs.get(forward_of[job_id]) or {'id': forward_of[job_id]}
                self._note(job_id, 'would start after its forward task %s reaches %s with RPO and RTO under %d s'
                           % (job_label(forward), FORWARD_READY, self.params['rpo_rto_max']))
            return self._start(backward, start_times)
        forwards = sorted(set(forward_of[job_id] for job_id in backward))
        if self.params['wait']:
            last, waiting = self.client.wait(forwards, fetch=self._forward_state, is_done=self._forward_done,
                                             deadline=self.deadline, poll_interval=self.params['poll_interval'])
        else:
            last = self._forward_state(forwards)
            waiting = [forward_id for forward_id in forwards if not self._forward_done(last.get(forward_id))]
        ready = []
        for job_id in backward:
            forward_id = forward_of[job_id]
            state = last.get(forward_id) or {}
            if forward_id not in waiting and state.get('status') == FORWARD_READY:
                ready.append(job_id)
            elif forward_id not in waiting:
                self._set(job_id, 'failed', 'forward task %s is %s, not %s' % (forward_id, state.get('status'), FORWARD_READY))
            else:
                self._set(job_id, 'pending', skipped='waiting for forward task %s (%s) to reach %s with RPO and RTO under %d s' % (
                    forward_id, self._describe_forward(state), FORWARD_READY, self.params['rpo_rto_max']))
                self.pending.append(job_id)
                self.timed_out = self.timed_out or self.params['wait']
        return self._start(ready, start_times)

    def _dead_forward(self, forward_id, status_before):
        """Why waiting for a forward task is pointless (unknown, not started by this run, refused), or None."""
        if forward_id is None:
            return 'is unknown'
        forward = self.jobs.get(forward_id)
        if forward is not None and forward['outcome'] in ('failed', 'not_started', 'blocked', 'unknown') and not forward['started']:
            return '%s could not be started' % forward_id
        if status_before == STARTABLE and not (forward and forward['started']):
            return '%s is CONFIGURATION: list it in jobs so that it is started first' % forward_id
        return None

    def _forward_state(self, forwards):
        """id -> {'status', 'rpo_ms', 'rto_ms'} of forward tasks (RPO/RTO read only for replicating ones)."""
        statuses, _gone = self.client.batch_status(forwards, deadline=self.deadline)
        state = dict((job_id, {'id': job_id, 'status': item.get('status'), 'rpo_ms': None, 'rto_ms': None})
                     for job_id, item in statuses.items())
        replicating = [job_id for job_id, item in state.items() if item['status'] == FORWARD_READY]
        if replicating:
            delays, _gone = self.client.batch_rpo_rto(replicating, deadline=self.deadline)
            for job_id, item in delays.items():
                state[job_id].update(rpo_ms=delay_ms(item.get('rpo_info')), rto_ms=delay_ms(item.get('rto_info')))
        return state

    def _forward_done(self, state):
        """Done waiting for a forward task: it is ready, or it can no longer become ready."""
        state = state or {}
        status = state.get('status')
        if status == FORWARD_READY:
            limit = self.params['rpo_rto_max'] * 1000
            return state['rpo_ms'] is not None and state['rto_ms'] is not None and state['rpo_ms'] < limit and state['rto_ms'] < limit
        return status is not None and status not in FORWARD_MAY_BECOME_READY

    @staticmethod
    def _describe_forward(state):
        if state.get('status') == FORWARD_READY and state.get('rpo_ms') is not None:
            return '%s, RPO %.1f s, RTO %.1f s' % (state['status'], state['rpo_ms'] / 1000.0, (state.get('rto_ms') or 0) / 1000.0)
        return state.get('status') or 'status unknown'

    def _wait_running(self, watch, start_times):
        def is_done(item):
            kind = 'scheduled' if start_times.get(item.get('id')) else 'now'
            # an item without a status is not an answer: keep waiting (never taken as final)
            return bool(item.get('status')) and item.get('status') not in START_PENDING[kind]

        def eta(item, elapsed):
            return start_eta(item, elapsed, 'scheduled' if start_times.get((item or {}).get('id')) else 'now')

        self.watching = list(watch)    # undecided until the wait says how each ended (record_failure reads it)

        def fetch(some):
            return self.client.batch_status(some, deadline=self.deadline)[0]

        last, pending = self.client.wait_after_requests(watch, [job_id for job_id in watch if self.jobs[job_id]['started']],
                                                        fetch, is_done, eta, self.deadline, self.params['poll_interval'])
        for job_id, item in last.items():
            self.jobs[job_id]['status_after'] = item.get('status') or self.jobs[job_id]['status_after']
        for job_id in pending:
            if job_id not in self.pending:
                self.pending.append(job_id)
            self._set(job_id, 'pending')
        self.timed_out = self.timed_out or bool(pending)
        failed = [job_id for job_id in watch if job_id not in pending and self.jobs[job_id]['status_after'] not in START_REACHED]
        for job_id in watch:
            job = self.jobs[job_id]
            if job_id not in pending and job_id not in failed and job['started']:
                self._set(job_id, 'scheduled' if job['status_after'] == 'WAITING_FOR_START' else 'started')
        for job_id in failed:   # decided before the reason is read: a failing read must not leave them looking fine
            self._set(job_id, 'failed', 'start failed: %s' % self.jobs[job_id]['status_after'])
        self.watching = []
        if failed:
            details, _gone = self.client.batch_detail(failed, deadline=self.deadline)
            for job_id in failed:
                detail = details.get(job_id) or {}
                reason = detail.get('failed_reason') or detail.get('error_msg')
                if reason:
                    self._set(job_id, 'failed', 'start failed: %s (%s)' % (self.jobs[job_id]['status_after'], reason))

    def _hold_for_precheck_step(self, reason):
        """The precheck option's step did not finish: no job is started. A job the step found already started is
        ``unchanged``; every other job is ``not_started`` with ``reason`` (its status as the step read it, if it did)."""
        for job_id in self.jobs:
            read = self.precheck_step.jobs.get(job_id) or {}
            self.jobs[job_id].update(name=read.get('name'), status_before=read.get('status'), status_after=read.get('status'))
            if read.get('status') in ALREADY_STARTED:
                self._set(job_id, 'unchanged', skipped='already %s' % read['status'])
            else:
                self._set(job_id, 'not_started', reason)

    def job_names(self):
        names = self.precheck_step.job_names() if self.precheck_step is not None else {}
        names.update((job_id, job['name']) for job_id, job in self.jobs.items() if job['name'])
        return names

    def record_failure(self, message, pending=(), last_seen=None):
        """A request failed or the deadline passed: every job whose outcome is not decided, and every started job
        not yet seen running, is ``unknown`` (pending ones ``pending``), with the failure as its reason.

        In the pre-check step (the precheck option) no start was sent yet: the step keeps what it learnt, and every
        job is ``not_started``, because that step failed."""
        if self.phase == 'precheck':
            self.precheck_step.record_failure(message, pending, last_seen)
            self.precheck_error = message
            self._hold_for_precheck_step('not started: the pre-check step failed (%s)' % message)
            return
        for job_id in pending:
            if job_id in self.jobs and job_id not in self.pending:
                self.pending.append(job_id)
        for job_id, item in (last_seen or {}).items():
            if job_id in self.jobs and (item or {}).get('status'):
                self.jobs[job_id]['status_after'] = item['status']
        for job_id in self.watching:     # the wait stopped before it saw how these ended (also ones found starting)
            if self.jobs[job_id]['outcome'] in ('unchanged', 'unknown'):
                self._set(job_id, 'unknown', 'not decided: the run stopped early (%s)' % message)
        for job_id, job in self.jobs.items():
            if job_id in self.pending:
                job['outcome'] = 'pending'
            elif job['outcome'] == 'unknown' and not job['error']:
                job['error'] = error('not decided: the run stopped early (%s)' % message)

    def _failure_message(self):
        problems = [job for job in self.jobs.values() if job['error']]
        messages = []
        if self.held_all:
            messages.append('Nothing was started: %d of %d job(s) cannot start, and all_or_nothing holds back every job.'
                            % (len(problems), len(self.jobs)))
        if problems:
            by_reason = {}  # jobs grouped by reason, so a fleet with one problem reads as one line
            for job in problems:
                by_reason.setdefault(error_text(job['error']), []).append(job_label(job))
            messages.append('Could not start %d of %d job(s): %s.' % (len(problems), len(self.jobs), '; '.join(
                '%s: %s' % (reason, ', '.join(labels)) for reason, labels in by_reason.items())))
        held = [job for job in self.jobs.values() if job['outcome'] == 'blocked']
        if held and not self.held_all:
            messages.append('Held back %d job(s): %s.' % (len(held), '; '.join(
                '%s: %s' % (job_label(job), job['skipped_reason']) for job in held)))
        if self.timed_out and self.pending:
            # a backward task waits for its forward task: its skipped_reason says how far that one got
            last_seen = dict((job_id, {'status': self.jobs[job_id]['skipped_reason'] or self.jobs[job_id]['status_after']})
                             for job_id in self.pending)
            messages.append('Timed out after %d s waiting for %d job(s). %s' % (
                self.params['wait_timeout'], len(self.pending), describe_pending(self.pending, last_seen, self.job_names())))
        return ' '.join(messages) or None

    def get_result(self):
        jobs = list(self.jobs.values())
        found = [job for job in jobs if job['status_before'] is not None]
        result = dict(
            changed=self.changed,
            jobs=jobs,
            started_jobs=[job['id'] for job in jobs if job['started']],
            skipped_jobs=[job['id'] for job in jobs if job['outcome'] == 'unchanged'],
            blocked_jobs=[job['id'] for job in jobs if job['outcome'] == 'blocked'],
            failed_jobs=[job['id'] for job in jobs if job['error']],
            pending_jobs=list(self.pending),
            fate_known=fate_known(job['outcome'] for job in jobs),
            diff=dict(before=dict((job['id'], job['status_before']) for job in found),
                      after=dict((job['id'], job['status_after']) for job in found)),
            elapsed=self.elapsed(),
            retries=self.retries(),
        )
        if self.precheck_step is not None:
            precheck = self.precheck_step.result()
            message = self.precheck_step.failure or self.precheck_error
            # in check mode the jobs it would fail for are a prediction (as drs_batch_precheck says), not a failure
            precheck.update(failed=bool(self.precheck_error) or (bool(message) and not self.module.check_mode), msg=message)
            result['precheck'] = precheck
            result['changed'] = result['changed'] or precheck['changed']
        return result


def main():
    DrsBatchStart.run_module()


if __name__ == '__main__':
    main()
