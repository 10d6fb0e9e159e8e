#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2025, cloudops.drs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: drs_batch_info
short_description: Read status, details and progress of many DRS jobs at once
version_added: 1.0.0
description:
  - Reads Data Replication Service (DRS) v3 jobs of Open Telekom Cloud or Huawei Cloud with the batch query APIs,
    ten jobs per call, and returns one merged dict per job.
  - Without O(jobs) it lists every job of the project (migration, synchronization and disaster recovery, all pages).
  - Passwords, certificate keys, tokens and other secrets in the replies are removed.
  - Never changes anything.
author:
  - cloudops DRS maintainers (@cloudops)
requirements:
  - requests
options:
  jobs:
    description:
      - IDs or exact names of the jobs to read, for example V(140b5236-88ad-43c8-811c-1268453jb101), see O(filters).
      - Omit (and omit O(filters)) to read every job of the project. An empty list is an error.
      - A job that does not exist is listed in RV(not_found), not in RV(jobs).
      - Duplicate IDs are read once (with a warning).
    type: list
    elements: str
  include:
    description:
      - What to read for each job. Each facet but V(status) adds a key of the same name to every job.
      - V(status) is the job status; it is always returned as RV(jobs[].status) (from the job details, or from
        the job list when O(jobs) is omitted), so listing it costs no request.
      - V(detail) is the job configuration (C(batch-detail)) with every secret removed.
      - V(progress) is the full-migration progress and incremental delay (C(batch-progress)).
      - V(precheck) is the latest pre-check result (C(batch-precheck-result)).
      - V(rpo_rto) is the RPO and RTO of disaster-recovery jobs (C(batch-rpo-and-rto)).
      - V(struct_process) is the initialization progress of disaster-recovery jobs (C(batch-struct-process)).
      - An empty list returns only RV(jobs[].id), RV(jobs[].name) and RV(jobs[].status).
    type: list
    elements: str
    choices: [status, detail, progress, precheck, rpo_rto, struct_process]
    default: [status, progress]
  wait_until:
    description:
      - Wait, reading only, until every job meets this condition (cut-over readiness), then return which jobs met it
        (RV(ready), RV(all_ready)) and, for the others, why not and their last values (RV(not_ready)).
      - Keys (at least one of the first four) are V(status) (a list of job states, for example
        V([INCRE_TRANSFER_STARTED])), V(max_delay) (seconds of incremental delay, C(incre_trans_delay) of
        C(batch-progress)), V(max_rpo) and V(max_rto) (seconds, from C(batch-rpo-and-rto) of disaster-recovery
        jobs; DRS reports milliseconds) and V(stable_for) (seconds the condition must have held, at every poll,
        before a job counts as ready; default V(0)).
      - Fail closed. A job is ready only when every condition given is positively met. A job in a failed state,
        a job not found, a value DRS does not report, reports as an error item or as C(-1) (not in the incremental
        phase) is not ready, and RV(not_ready[].reasons) says which.
      - Every job is read again every O(poll_interval) seconds until all jobs are ready at the same poll or
        O(wait_timeout) has passed; a job that was ready and is no longer ready at a later poll is not ready.
        With O(wait=false) the jobs are read and judged once, without waiting (so a C(wait_until.stable_for) above
        0 is never met).
      - When jobs are still not ready at the end, the module fails with their reasons (after returning every
        result), unless O(fail_on_not_ready=false). RV(all_ready) is the verdict to gate a cut-over on.
      - Read-only, so it runs in check mode too. Keys and values are checked before any request.
    type: dict
  fail_on_not_ready:
    description:
      - With O(wait_until), whether the module fails when a job is not ready when the wait ends.
      - V(false) only reports (RV(all_ready) is then V(false)); a request that fails still fails the module.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds all reads of the run may take, retries included; with O(wait_until) also the longest wait.
    type: int
    default: 1800
  wait:
    description:
      - With O(wait_until), V(false) judges the jobs once instead of waiting.
      - Without O(wait_until) it has no effect (it is accepted so that the group C(module_defaults) can set it for
        every module of the collection).
    type: bool
    default: true
  poll_interval:
    description:
      - With O(wait_until), seconds between two reads of the jobs (a read may come sooner, when a job's
        C(wait_until.stable_for) ends before). Without O(wait_until) it has no effect.
    type: int
    default: 10
extends_documentation_fragment:
  - cloudops.drs.drs
  - cloudops.drs.drs.selection
  - cloudops.drs.drs.attributes
  - cloudops.drs.drs.info_module
  - cloudops.drs.drs.actiongroup_drs
seealso:
  - module: cloudops.drs.drs_batch_precheck
  - module: cloudops.drs.drs_batch_start
'''

EXAMPLES = r'''
- name: Report on a DRS fleet
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/cloudops.drs.drs:
      cloud: otc-prod
  tasks:
    - name: Read status and progress of the migration jobs
      cloudops.drs.drs_batch_info:
        jobs:
          - 140b5236-88ad-43c8-811c-1268453jb101
          - 3f6c2a91-5b7e-4d10-9c2f-7a8e4b1jb102
      register: fleet

    - name: Show the jobs that are not yet in incremental replication
      ansible.builtin.debug:
        msg: "{{ fleet.jobs | rejectattr('status', 'equalto', 'INCRE_TRANSFER_STARTED') | map(attribute='name') | list }}"

    - name: Wait until the syncs are ready for cut-over (incremental delay 0 s), fail with the reasons if not
      cloudops.drs.drs_batch_info:
        jobs:
          - 6f3d0a71-8c2e-4a5b-9d7f-1b3e5c7jb108
        include: [status, progress]
        wait_until:
          status: [INCRE_TRANSFER_STARTED]
          max_delay: 0
        wait_timeout: 3600
        poll_interval: 15
      register: readiness

    - name: Show the verdict (use stable_for, for example 60, to ask for a delay that stays at 0 s)
      ansible.builtin.debug:
        msg: "all ready: {{ readiness.all_ready }}; ready: {{ readiness.ready }}"

    - name: Every job of the project, with configuration and the last pre-check
      cloudops.drs.drs_batch_info:
        include: [detail, precheck]
      register: everything

    - name: Select a wave by a name glob and a status (only the job list is read with include [])
      cloudops.drs.drs_batch_info:
        filters:
          name: "*-mysql-migration"
          status: [CONFIGURATION]
        include: []
      register: wave

    - name: Show the selected jobs (reuse wave.selection as jobs of the next module)
      ansible.builtin.debug:
        msg: "{{ wave.selection | map(attribute='name') | list }}"

# Environment variables count only when no credentials are set on the task or in module_defaults
# (a cloud there would win), so this play has no module_defaults.
- name: Report on the disaster-recovery jobs
  hosts: localhost
  gather_facts: false
  tasks:
    - name: RPO and RTO of the disaster-recovery jobs, authenticated with AK/SK from the environment
      cloudops.drs.drs_batch_info:
        jobs: "{{ dr_job_ids }}"
        include: [status, rpo_rto, struct_process]
        region: eu-de
      environment:
        OS_ACCESS_KEY: "{{ vault_drs_ak }}"
        OS_SECRET_KEY: "{{ vault_drs_sk }}"
        OS_PROJECT_ID: 054ba152d480d55b2f5dc0069e7ddef0
'''

RETURN = r'''
jobs:
  description:
    - One dict per job found, in the order of O(jobs) (or of the job list when O(jobs) is omitted).
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
      description: Job name.
      returned: always
      type: str
      sample: orders-mysql-migration
    status:
      description: Job status, for example C(CONFIGURATION), C(FULL_TRANSFER_STARTED) or C(INCRE_TRANSFER_STARTED).
      returned: always
      type: str
      sample: INCRE_TRANSFER_STARTED
    scheduled_start:
      description:
        - For a job whose start DRS has scheduled (C(WAITING_FOR_START)), the scheduled start time in ISO 8601 UTC, as
          DRS reports it in C(inst_info.start_time) of C(batch-detail); V(null) for every other job, or when DRS
          reports no time.
      returned: always
      type: str
      sample: "2030-01-31T22:00:00Z"
    readiness:
      description:
        - With O(wait_until), the job's verdict at the last read. RV(jobs[].status) is that read's status too, and
          RV(jobs[].progress) and RV(jobs[].rpo_rto), when included and read by the wait (C(wait_until.max_delay),
          C(wait_until.max_rpo), C(wait_until.max_rto)), are that read's replies.
      returned: when O(wait_until) is set
      type: dict
      contains:
        ready:
          description: Whether the job met O(wait_until) (for C(wait_until.stable_for) long).
          returned: always
          type: bool
          sample: true
        reasons:
          description: Why not (see RV(not_ready[].reasons)); V([]) when ready.
          returned: always
          type: list
          elements: str
          sample: []
        delay:
          description: Incremental delay in seconds; V(null) when not read or unknown.
          returned: always
          type: float
          sample: 0
        rpo:
          description: RPO in seconds; V(null) when not read or unknown.
          returned: always
          type: float
          sample: null
        rto:
          description: RTO in seconds; V(null) when not read or unknown.
          returned: always
          type: float
          sample: null
    detail:
      description:
        - The job details as C(batch-detail) returns them (endpoints, task type, direction, C(failed_reason), ...),
          with every key that holds a password, key, token or other secret removed at any depth.
        - V(null) when DRS returned no details for the job.
      returned: when O(include) contains V(detail)
      type: dict
      sample: {"id": "140b5236-88ad-43c8-811c-1268453jb101", "name": "orders-mysql-migration", "status": "CONFIGURATION",
               "task_type": "FULL_INCR_TRANS", "db_use_type": "migration",
               "source_endpoint": {"db_type": "mysql", "ip": "192.168.0.10", "db_port": 3306, "db_user": "drs"}}
    progress:
      description:
        - The C(batch-progress) reply for the job (C(progress) without C(%), C(incre_trans_delay) in seconds,
          C(transfer_status), C(progress_map), ...). V(null) when DRS returned nothing for the job.
        - When the facet does not apply to the job (for example V(precheck) of a job never pre-checked, V(rpo_rto)
          and V(struct_process) of a job that is not a disaster-recovery task), DRS answers for the job with an error
          item, and the facet is that item as it is (the job id, C(error_code) such as C(DRS.M00304), and C(error_msg),
          which C(batch-struct-process) calls C(error_message)), not V(null) and not the keys above.
      returned: when O(include) contains V(progress)
      type: dict
      sample: {"job_id": "140b5236-88ad-43c8-811c-1268453jb101", "progress": "100", "incre_trans_delay": "0",
               "task_mode": "FULL_INCR_TRANS", "transfer_status": "INCRE_TRANSFER_STARTED", "remaining_time": "0",
               "progress_map": {"data": {"completed": "100%", "remaining_time": null}}}
    precheck:
      description:
        - The C(batch-precheck-result) reply for the job (C(result), C(process), C(total_passed_rate), C(precheck_result) items).
          V(null) when DRS returned nothing for the job; an error item when the job was never pre-checked (see RV(jobs[].progress)).
      returned: when O(include) contains V(precheck)
      type: dict
      sample: {"precheck_id": "140b5236-88ad-43c8-811c-1268453jb101", "result": true, "process": "100%",
               "total_passed_rate": "100%", "precheck_result": []}
    rpo_rto:
      description:
        - The C(batch-rpo-and-rto) reply for the job (C(rpo_info) and C(rto_info), each with C(delay) in milliseconds).
          V(null) when DRS returned nothing for the job.
        - For a job the facet does not apply to (a job that is not a disaster-recovery task), DRS answers with an
          error item, returned as it is; see RV(jobs[].progress).
      returned: when O(include) contains V(rpo_rto)
      type: dict
      sample: {"job_id": "8d0e8e36-a618-490d-8a46-8c61ac9jb502",
               "rpo_info": {"delay": "0", "time": "2020-12-18 15:47:05", "check_point": "mysql-bin.000514:197", "gtid_set": "NA"},
               "rto_info": {"delay": "0", "time": "2020-12-18 15:47:05", "check_point": "mysql-bin.000514:197", "gtid_set": "NA"}}
    struct_process:
      description:
        - The C(batch-struct-process) reply for the job (C(struct_process.result) items with C(type), C(status),
          C(src_count), C(dst_count)). V(null) when DRS returned nothing for the job; an error item when it does not
          apply (see RV(jobs[].progress)).
      returned: when O(include) contains V(struct_process)
      type: dict
      sample: {"job_id": "8d0e8e36-a618-490d-8a46-8c61ac9jb502",
               "struct_process": {"create_time": "1608429670521",
                                  "result": [{"type": "database", "status": 2, "src_count": 1, "dst_count": 1}]}}
all_ready:
  description:
    - With O(wait_until), V(true) when every job of O(jobs) (every job found, when O(jobs) is omitted) met the
      condition at the last read, and V(false) otherwise, also when a job was not found or the module failed before
      it could tell. V(null) without O(wait_until).
  returned: always
  type: bool
  sample: false
ready:
  description: With O(wait_until), IDs of the jobs that met it, in the order of RV(jobs); V([]) without O(wait_until).
  returned: always
  type: list
  elements: str
  sample: [140b5236-88ad-43c8-811c-1268453jb101]
not_ready:
  description:
    - With O(wait_until), one dict per job that did not meet it (the jobs of RV(not_found) too), with its last
      values; V([]) without O(wait_until) or when every job is ready.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Job ID.
      returned: always
      type: str
      sample: 3f6c2a91-5b7e-4d10-9c2f-7a8e4b1jb102
    name:
      description: Job name, V(null) when not known.
      returned: always
      type: str
      sample: customers-mysql-sync
    status:
      description: Last status read, V(null) when not known.
      returned: always
      type: str
      sample: INCRE_TRANSFER_STARTED
    reasons:
      description:
        - Every condition the job did not meet at the last read, for example C(incremental delay 12 s is over
          max_delay 0 s), C(incremental delay unknown (not in the incremental phase)), C(status
          FULL_TRANSFER_STARTED is not one of INCRE_TRANSFER_STARTED), C(ready for 20 s of the 60 s of stable_for)
          or C(job not found).
      returned: always
      type: list
      elements: str
      sample: ["incremental delay 12 s is over max_delay 0 s"]
    delay:
      description: Last incremental delay in seconds; V(null) when not read (no C(wait_until.max_delay)) or unknown.
      returned: always
      type: float
      sample: 12
    rpo:
      description: Last RPO in seconds; V(null) when not read (no C(wait_until.max_rpo) or C(wait_until.max_rto)) or unknown.
      returned: always
      type: float
      sample: 0.5
    rto:
      description: Last RTO in seconds; V(null) when not read or unknown.
      returned: always
      type: float
      sample: 0.4
not_found:
  description: IDs from O(jobs) that DRS does not know (or that were deleted).
  returned: always
  type: list
  elements: str
  sample: [0a5b8c1d-1111-4222-8333-4444444jb999]
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
  sample: 0.412
error:
  description: Details of the request that failed (C(status), C(error_code), C(error_msg), C(request_id), C(method), C(url)).
  returned: when an API request failed
  type: dict
  sample: {"status": 403, "error_code": "DRS.M00102", "error_msg": "Insufficient permissions.", "request_id": "0123456789abcdef0123456789abcdef",
           "method": "POST", "url": "https://drs.eu-de.otc.t-systems.com/v3/054ba152d480d55b2f5dc0069e7ddef0/jobs/batch-detail"}
'''

from collections.abc import Sequence

from ansible_collections.cloudops.drs.plugins.module_utils import _readiness
from ansible_collections.cloudops.drs.plugins.module_utils._base import DrsModuleBase
from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsConfigError
from ansible_collections.cloudops.drs.plugins.module_utils._jobs import SCHEDULED, scheduled_start_ms
from ansible_collections.cloudops.drs.plugins.module_utils._options import INFO_FACETS, format_epoch_ms
from ansible_collections.cloudops.drs.plugins.module_utils._secrets import redact_secrets


# Strings up to this length are shared between jobs (statuses, types, messages); longer ones rarely repeat.
SHARED_STRING_MAX = 128


def _share_strings(value, strings):
    """An equal copy of ``value`` whose strings (dict keys too) of up to SHARED_STRING_MAX characters are the
    equal ones already in ``strings``; new ones are added.

    JSON decoding makes a new object for every string value: 10 000 job details hold 10 000 copies of ``mysql``.
    """
    if isinstance(value, str):
        return strings.setdefault(value, value) if len(value) <= SHARED_STRING_MAX else value
    if isinstance(value, dict):
        return dict((_share_strings(key, strings), _share_strings(item, strings)) for key, item in value.items())
    if isinstance(value, list):
        return [_share_strings(item, strings) for item in value]
    return value


class HandedOver(Sequence):
    """The jobs of the result as ``exit_json``/``fail_json`` receive them: a read-once sequence.

    ansible-core copies every dict and list of the result to remove no_log values, and writes the JSON from that
    copy. A complete pass over this sequence (the copy's) lets go of the module's own list, so on 10 000 jobs the
    module does not hold a second copy of every job while the JSON text is built (about 40 MB); each job is freed
    as soon as its copy is made. Indexing and ``len()`` work until that pass; a later pass is empty.
    Not a list on purpose: ansible-core then copies it into a plain list (2.17 and 2.18 keep the type of a list).
    """

    def __init__(self, items):
        self._items = items

    def __len__(self):
        return len(self._items)

    def __getitem__(self, index):
        return self._items[index]

    def __iter__(self):
        items = self._items
        yield from items
        if items is self._items:
            self._items = []


def _scheduled_start(item):
    scheduled = scheduled_start_ms(item)
    return format_epoch_ms(scheduled) if scheduled else None


def _job_fields(item):
    """The fields of a detail (or job list) item that every job of the result carries (idempotent)."""
    scheduled = item['scheduled_start'] if 'scheduled_start' in item else _scheduled_start(item)
    return {'id': item['id'], 'name': item.get('name'), 'status': item.get('status'), 'error_code': item.get('error_code'),
            'scheduled_start': scheduled}


class DrsBatchInfo(DrsModuleBase):
    """Read jobs with the batch query APIs and merge the facets per job."""

    # facet -> client read call; ``status`` needs no call (details and the job list carry it)
    FACET_READERS = {
        'detail': 'batch_detail',
        'progress': 'batch_progress',
        'precheck': 'batch_precheck_result',
        'rpo_rto': 'batch_rpo_rto',
        'struct_process': 'batch_struct_process',
    }

    selection_required = False   # without jobs and filters: every job of the project
    selects_parents = True       # a dual-active parent is read as itself

    def __init__(self, module):
        self.jobs = []
        self.not_found = []
        self.names = {}   # id -> name of every job found, for a timeout message
        self.condition = None   # the checked wait_until, or None
        self.verdicts = {}      # id -> readiness dict of every job judged so far (wait_until)
        self.last_reads = {}    # id -> (status, progress, rpo_rto) of the last read of the wait
        super().__init__(module)
        if self.params.get('wait_until') is not None:
            self.condition, errors = _readiness.validate_wait_until(self.params['wait_until'])
            if errors:
                self.fail_json_drs(DrsConfigError(' '.join(errors)))

    @classmethod
    def argument_spec(cls):
        return dict(
            jobs=dict(type='list', elements='str'),
            include=dict(type='list', elements='str', choices=list(INFO_FACETS), default=['status', 'progress']),
            wait_until=dict(type='dict'),
            fail_on_not_ready=dict(type='bool', default=True),
            # the common wait options, accepted so that group module_defaults may set them for every module
            wait=dict(type='bool', default=True),
            wait_timeout=dict(type='int', default=1800),
            poll_interval=dict(type='int', default=10),
        )

    def run(self):
        include = self.options.include
        # one object per distinct short string of the run, the job ids first (dict.setdefault is atomic: keep
        # runs in the client's worker threads)
        strings = dict((job_id, job_id) for job_id in self.options.job_ids)

        def shrink(item):
            """The reply item without secrets, its strings shared with the other jobs' (memory on 10 000 jobs)."""
            return _share_strings(redact_secrets(item), strings)

        deadline = self.client.deadline_in(self.params['wait_timeout'])
        if self.options.jobs is None:
            found = []
            for item in self.client.list_jobs(deadline=deadline):   # a dual-active parent lists its forward and backward tasks
                found.append(item)
                found.extend(child for child in item.get('children') or [] if isinstance(child, dict) and child.get('id'))
            waiting = [item['id'] for item in found if item.get('status') == SCHEDULED and not _scheduled_start(item)]
            if waiting:   # the job list has no scheduled start time: the details of the scheduled jobs have it
                scheduled, _gone = self.client.batch_detail(waiting, deadline=deadline, keep=_job_fields)
                found = [dict(item, scheduled_start=scheduled[item['id']]['scheduled_start']) if item['id'] in scheduled else item
                         for item in found]
            details = None
        else:
            # each detail is shrunk as its chunk arrives (without the detail facet to id, name and status):
            # on 10 000 jobs the full details would take most of the module's memory
            keep = shrink if 'detail' in include else _job_fields
            details, self.not_found = self.client.batch_detail(self.options.job_ids, deadline=deadline, keep=keep)
            found = [_job_fields(details[job_id]) for job_id in self.options.job_ids if job_id in details]
            details = details if keep is shrink else None
        ids = [item['id'] for item in found]
        if self.selected is None:   # every job of the project: the selection is what the job list showed
            self.selected = ids
        self.names = dict((item['id'], item.get('name')) for item in found if item.get('name'))
        facets = {'detail': details} if details is not None else {}
        shrunk = set(facets)   # the details were shrunk as they arrived
        for facet in include:
            reader = self.FACET_READERS.get(facet)
            if reader and ids and facet not in facets:
                # not_found is decided by the details (or the job list): a facet without the job stays null
                facets[facet] = getattr(self.client, reader)(ids, deadline=deadline)[0]
        for item in found:
            job = {'id': item['id'], 'name': item.get('name'), 'status': item.get('status'),
                   'scheduled_start': _job_fields(item)['scheduled_start']}
            for facet in include:
                if facet in self.FACET_READERS:
                    # pop: each reply item is dropped once its shrunk copy is in the result (memory)
                    value = facets.get(facet, {}).pop(item['id'], None)
                    job[facet] = value if facet in shrunk else shrink(value)
            self.jobs.append(job)
        if self.condition is not None:
            self.wait_until_ready(ids, deadline)

    # -- wait_until: the rule is module_utils/_readiness.py; this only reads, polls and records -------------------

    def _read_readiness(self, ids, deadline):
        """One read of what the condition needs: id -> (status, progress item, rpo_rto item); a job missing from
        the reads has status None (not ready)."""
        statuses, dummy = self.client.batch_status(ids, deadline=deadline)
        facets = {}
        for facet in _readiness.facets_needed(self.condition):
            facets[facet] = getattr(self.client, self.FACET_READERS[facet])(ids, deadline=deadline)[0]
        return dict((job_id, ((statuses.get(job_id) or {}).get('status'), facets.get('progress', {}).get(job_id),
                              facets.get('rpo_rto', {}).get(job_id))) for job_id in ids)

    def _judge(self, ids, reads, stability, now):
        """Record every job's verdict at ``now``; True when every job is ready."""
        for job_id in ids:
            status, progress, rpo_rto = reads[job_id]
            ready, reasons, values = _readiness.job_readiness(self.condition, status, progress, rpo_rto)
            ready, reasons = _readiness.verdict(self.condition, stability, job_id, ready, reasons, now)
            self.verdicts[job_id] = dict(values, ready=ready, reasons=reasons)
        return all(self.verdicts[job_id]['ready'] for job_id in ids)

    def wait_until_ready(self, ids, deadline):
        """Read the jobs every poll_interval until all are ready at one read, or the deadline has passed."""
        stability = _readiness.Stability(self.condition['stable_for'])
        interval = float(self.params['poll_interval'])
        while ids:
            reads = self._read_readiness(ids, deadline)
            now = self.client.monotonic()
            self.last_reads = reads
            if self._judge(ids, reads, stability, now) or not self.params['wait']:
                break
            remaining = deadline - now
            if remaining <= 0:
                break
            due = stability.next_due(now)
            self.client.sleep(min(interval, remaining, max(due, 0.01) if due is not None else interval))
        for job in self.jobs:
            verdict = self.verdicts.get(job['id'])
            if verdict is not None:
                job['status'] = verdict['status']
                dummy, progress, rpo_rto = self.last_reads[job['id']]
                for facet, value in (('progress', progress), ('rpo_rto', rpo_rto)):
                    if facet in job and facet in _readiness.facets_needed(self.condition):
                        job[facet] = redact_secrets(value)   # the facet as the last read saw it
                job['readiness'] = dict((key, verdict[key]) for key in ('ready', 'reasons', 'delay', 'rpo', 'rto'))
        not_ready = self.not_ready()
        if not_ready and self.params['fail_on_not_ready']:
            self.failure = '%d of %d jobs not ready for the wait_until condition%s: %s' % (
                len(not_ready), len(ids) + len(self.not_found),
                '' if not self.params['wait'] else ' after %s s' % self.elapsed(), _readiness.not_ready_text(not_ready))

    def not_ready(self):
        """The not_ready rows: every job judged not ready (or never judged), and every job not found."""
        rows = []
        for job in self.jobs:
            verdict = self.verdicts.get(job['id']) or {'status': job['status'], 'ready': False, 'delay': None, 'rpo': None,
                                                       'rto': None, 'reasons': ['not read (the wait did not finish)']}
            if not verdict['ready']:
                rows.append({'id': job['id'], 'name': job['name'], 'status': verdict['status'], 'reasons': verdict['reasons'],
                             'delay': verdict['delay'], 'rpo': verdict['rpo'], 'rto': verdict['rto']})
        rows += [{'id': job_id, 'name': None, 'status': None, 'reasons': [_readiness.NOT_FOUND], 'delay': None, 'rpo': None,
                  'rto': None} for job_id in self.not_found]
        return rows

    def job_names(self):
        return self.names

    def get_result(self):
        """The result, handed over to exit_json/fail_json: the module keeps no reference to the jobs (memory)."""
        result = dict(changed=False, jobs=None, not_found=self.not_found, elapsed=self.elapsed(), all_ready=None, ready=[],
                      not_ready=[])
        if self.condition is not None:
            result['not_ready'] = self.not_ready()
            result['ready'] = [job['id'] for job in self.jobs if (self.verdicts.get(job['id']) or {}).get('ready')]
            result['all_ready'] = not result['not_ready'] and bool(self.verdicts) and all(
                verdict['ready'] for verdict in self.verdicts.values())
        result['jobs'] = HandedOver(self.jobs)
        self.jobs, self.verdicts, self.last_reads = [], {}, {}
        return result


def main():
    DrsBatchInfo.run_module()


if __name__ == '__main__':
    main()
