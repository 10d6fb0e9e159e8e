#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2025, cloudops.drs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: drs_report
short_description: Render and write the reports of a cloudops.drs role run in one task
version_added: 1.0.0
description:
  - Renders the report rows of a role run, once, into every output. The summary goes to RV(stats) and to
    C(set_stats) under O(stats_key) (per inventory host, aggregated; AWX keeps it in the job artifacts). The
    plain-text table goes to RV(table), and the problems to RV(problems). With O(dir), the Markdown and JUnit XML
    files are written by M(cloudops.drs.drs_report_files) on the task's host (C(delegate_to)).
  - The rows are those of the filters P(cloudops.drs.drs_fleet_rows#filter), P(cloudops.drs.drs_status_rows#filter)
    and P(cloudops.drs.drs_cutover_rows#filter); the outputs are those of P(cloudops.drs.drs_report_stats#filter),
    P(cloudops.drs.drs_text_table#filter), P(cloudops.drs.drs_problems#filter),
    P(cloudops.drs.drs_report_markdown#filter) and P(cloudops.drs.drs_report_junit#filter). It is one task instead of
    one per output, because with a thousand jobs every Jinja pass over the rows costs about a fifth of a second.
  - The role C(cloudops.drs.reports) uses it. It runs on the controller (an action plugin); it talks to no API, so it
    is not in the C(cloudops.drs.drs) action group and takes none of its connection options.
  - Rendering never counts as a change; nor does writing the files.
author:
  - cloudops DRS maintainers (@cloudops)
options:
  kind:
    description: The kind of the rows.
    type: str
    required: true
    choices: [fleet, status, cutover]
  rows:
    description:
      - The report rows, one per job.
      - Give O(rows) or O(rows_from).
    type: list
    elements: dict
  rows_from:
    description:
      - Instead of O(rows), where the rows are made from. The keys are the arguments of the row filter of O(kind)
        (V(fleet) P(cloudops.drs.drs_fleet_rows#filter) takes C(jobs), C(precheck), C(start) and C(after); V(status)
        P(cloudops.drs.drs_status_rows#filter) takes C(info), C(jobs), C(not_found) and C(dr); V(cutover)
        P(cloudops.drs.drs_cutover_rows#filter) takes C(jobs), C(readiness) and C(stop)). Each value is the B(name)
        of the variable that holds it, with dot-separated keys into it (for example V(wave.precheck)). A variable or
        key that is not defined gives V(null).
      - The variables are read as they are, not templated, so they must hold data (registered module results, facts
        set by C(ansible.builtin.set_fact), values from the inventory or C(vars) without Jinja), not templates.
        This is for large fleets. ansible-core 2.19 templates a thousand per-job results into a filter argument one
        lazy value at a time (about a quarter of a second); reading them here takes milliseconds.
      - The filter's other arguments (plain values) go in O(rows_args).
    type: dict
  rows_args:
    description: Arguments of the row filter of O(kind) given as values (with O(rows_from)), for example C(rpo_rto_max).
    type: dict
    default: {}
  errors:
    description: The failed steps (P(cloudops.drs.drs_step_errors#filter)); any makes RV(stats.ok) false.
    type: list
    elements: dict
    default: []
  context:
    description: Facts shown under the Markdown title and kept in RV(stats) (host, project, region, mode...).
    type: dict
    default: {}
  stats_key:
    description: The C(set_stats) key the summary goes under (for example V(drs_precheck_and_start)).
    type: str
    required: true
  title:
    description: Title of the Markdown report.
    type: str
    required: true
  junit_name:
    description: Name of the JUnit test suites (for example V(cloudops.drs.precheck_and_start)).
    type: str
    required: true
  columns:
    description: Row keys shown in RV(table).
    type: list
    elements: str
    required: true
  headers:
    description: Headers of those columns (as many as O(columns)).
    type: list
    elements: str
    required: true
  dir:
    description:
      - Directory for the Markdown and JUnit XML files, resolved on the controller (created when missing). Empty
        writes no file.
    type: str
    default: ''
  basename:
    description: File name of both reports, without the extension.
    type: str
    required: true
  mode:
    description: Permissions of both files.
    type: str
    default: '0644'
  directory_mode:
    description: Permissions of the directories created for them.
    type: str
    default: '0755'
attributes:
  action:
    support: full
    description: Runs on the controller as an action plugin; the files are written by M(cloudops.drs.drs_report_files).
  check_mode:
    support: full
    details:
      - Renders in check mode too. The files are written only when the task runs with C(check_mode=false), as the role
        C(cloudops.drs.reports) does (they are local reports, not changes to DRS).
  diff_mode:
    support: none
  idempotent:
    support: full
extends_documentation_fragment:
  - cloudops.drs.drs.attributes
seealso:
  - module: cloudops.drs.drs_report_files
'''

EXAMPLES = r'''
- name: Pre-check and start a wave, and write its reports
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/cloudops.drs.drs:
      cloud: otc-prod
  tasks:
    - name: Pre-check and start the wave
      block:
        - name: Pre-check every job, then start them all, or none
          cloudops.drs.drs_batch_start:
            jobs: "{{ wave_1 }}"
            precheck: {}
            all_or_nothing: true
          register: wave
      rescue:
        - name: Go on to the reports
          ansible.builtin.debug:
            msg: The wave did not start; the reports say why.

    - name: Render the reports and write them next to the playbook
      cloudops.drs.drs_report:
        kind: fleet
        rows: "{{ wave_1 | cloudops.drs.drs_fleet_rows(precheck=wave.precheck, start=wave) }}"
        errors: "{{ [['precheck', wave.precheck], ['start', wave]] | cloudops.drs.drs_step_errors }}"
        stats_key: drs_wave_1
        title: "Wave 1: {{ inventory_hostname }}"
        junit_name: wave_1
        columns: [name, id, precheck, start, status_after]
        headers: [job, id, precheck, start, status]
        dir: "{{ playbook_dir }}/reports"
        basename: "wave1-{{ inventory_hostname }}"
      check_mode: false   # local report files: written in check mode too
      register: report

    - name: Show the table
      ansible.builtin.debug:
        msg: "{{ report.table }}"

    # For a fleet of thousands: the same rows, made from the variables as they are (not templated)
    - name: Render the same reports from the registered result itself
      cloudops.drs.drs_report:
        kind: fleet
        rows_from: {jobs: wave_1, precheck: wave.precheck, start: wave}
        errors: "{{ [['precheck', wave.precheck], ['start', wave]] | cloudops.drs.drs_step_errors }}"
        stats_key: drs_wave_1
        title: "Wave 1: {{ inventory_hostname }}"
        junit_name: wave_1
        columns: [name, id, precheck, start, status_after]
        headers: [job, id, precheck, start, status]
        basename: "wave1-{{ inventory_hostname }}"   # no dir: no file is written
      register: report_from_variables
'''

RETURN = r'''
stats:
  description:
    - The summary (P(cloudops.drs.drs_report_stats#filter)); RV(stats.ok) is false when any row is not OK or any step failed.
    - The same summary goes to C(set_stats) under O(stats_key), keyed by inventory host (the result carries it as
      C(ansible_stats), which ansible-core applies to a task that did not fail).
  returned: always
  type: dict
  sample: {"total": 2, "ok": true, "problem_jobs": [], "errors": [], "jobs": {}, "counts": {"total": 2, "problems": 0}}
  contains:
    ok:
      description: Whether every row is OK and no step failed.
      returned: always
      type: bool
      sample: true
    total:
      description: Number of rows.
      returned: always
      type: int
      sample: 2
table:
  description: The plain-text table of O(columns), one string per line (P(cloudops.drs.drs_text_table#filter)).
  returned: always
  type: list
  elements: str
  sample: ["| job | id |", "|-----|----|"]
problems:
  description: One entry per problem (P(cloudops.drs.drs_problems#filter)), for the message that fails a play.
  returned: always
  type: list
  elements: dict
  sample: []
report_files:
  description:
    - The paths of the Markdown (C(markdown)) and JUnit XML (C(junit)) files; empty without O(dir).
    - In check mode, unless the task sets C(check_mode=false), these are the paths the files would have.
  returned: always
  type: dict
  sample: {"markdown": "/srv/reports/wave1-localhost.md", "junit": "/srv/reports/wave1-localhost.xml"}
write_error:
  description:
    - Why the files could not be written; V(null) when they were (or none was asked for). The task does not fail
      for it, so that the summary still reaches C(set_stats); fail on it after keeping what you need, as the role
      C(cloudops.drs.reports) does.
  returned: always
  type: str
  sample: null
'''

from ansible.module_utils.basic import AnsibleModule

# The options, checked here and by the action plugin (plugins/action/drs_report.py), which imports them.
ARGUMENT_SPEC = dict(
    kind=dict(type='str', required=True, choices=['fleet', 'status', 'cutover']),
    rows=dict(type='list', elements='dict'),
    rows_from=dict(type='dict'),
    rows_args=dict(type='dict', default={}),
    errors=dict(type='list', elements='dict', default=[]),
    context=dict(type='dict', default={}),
    stats_key=dict(type='str', required=True, no_log=False),
    title=dict(type='str', required=True),
    junit_name=dict(type='str', required=True),
    columns=dict(type='list', elements='str', required=True),
    headers=dict(type='list', elements='str', required=True),
    dir=dict(type='str', default=''),
    basename=dict(type='str', required=True),
    mode=dict(type='str', default='0644'),
    directory_mode=dict(type='str', default='0755'),
)
ARGUMENT_RULES = dict(mutually_exclusive=[['rows', 'rows_from']], required_one_of=[['rows', 'rows_from']])


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True, **ARGUMENT_RULES)
    module.fail_json(msg='cloudops.drs.drs_report runs on the controller, as an action plugin; it cannot run as a module.')


if __name__ == '__main__':
    main()
