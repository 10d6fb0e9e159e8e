# -*- coding: utf-8 -*-
# Copyright: (c) 2025, cloudops.drs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type


class ModuleDocFragment(object):

    # The auth and connection options of every cloudops.drs module (argument spec: module_utils/_base.py).
    DOCUMENTATION = r'''
options:
  auth_token:
    description:
      - An IAM token (the C(X-Subject-Token) of C(POST /v3/auth/tokens)), scoped to the project that owns the jobs.
      - Highest precedence of all auth methods.
      - If not set, the environment variable E(OS_AUTH_TOKEN) is used.
    type: str
  access_key:
    description:
      - Access key ID (AK) for signing requests with C(SDK-HMAC-SHA256). Used together with O(secret_key).
      - If not set, E(OS_ACCESS_KEY), E(HUAWEICLOUD_SDK_AK) or E(HW_ACCESS_KEY) is used (the first one set).
    type: str
  secret_key:
    description:
      - Secret access key (SK) that belongs to O(access_key).
      - If not set, E(OS_SECRET_KEY), E(HUAWEICLOUD_SDK_SK) or E(HW_SECRET_KEY) is used (the first one set).
    type: str
  security_token:
    description:
      - Security token of a temporary AK/SK pair; sent as C(X-Security-Token).
      - If not set, E(OS_SECURITY_TOKEN) or E(HW_SECURITY_TOKEN) is used.
    type: str
  username:
    description:
      - IAM user name for password authentication. Used with O(password), O(domain_name) and a project
        (O(project_name) or O(project_id)); the module trades them for a project-scoped IAM token.
      - If not set, E(OS_USERNAME) is used.
    type: str
  password:
    description:
      - Password of O(username).
      - If not set, E(OS_PASSWORD) is used.
    type: str
  domain_name:
    description:
      - Name of the IAM domain (the account, for example C(OTC00000000001000000001)) that O(username) belongs to.
      - If not set, E(OS_USER_DOMAIN_NAME) or E(OS_DOMAIN_NAME) is used.
    type: str
  project_name:
    description:
      - Name of the project that owns the DRS jobs, for example C(eu-de). Looked up in IAM when O(project_id) is not known.
      - O(project_name) and O(project_id) are decided together, see the notes; credentials of another project are an
        error before any DRS request, naming both projects.
      - If not set, E(OS_PROJECT_NAME) is used.
    type: str
  project_id:
    description:
      - ID of the project that owns the DRS jobs (32 hexadecimal characters).
      - If not set, E(OS_PROJECT_ID), E(HUAWEICLOUD_SDK_PROJECT_ID) or E(HW_PROJECT_ID) is used; with token auth it is
        taken from the token.
    type: str
  auth_url:
    description:
      - IAM endpoint, for example V(https://iam.eu-de.otc.t-systems.com/v3).
      - If not set, E(OS_AUTH_URL) is used.
    type: str
  region:
    description:
      - Region of the DRS endpoint, for example V(eu-de). Used to pick the catalog entry or the regional endpoint
        template when O(endpoint) is not set.
      - If not set, E(OS_REGION_NAME) or E(HW_REGION_NAME) is used. A project name of the form C(<region>) or
        C(<region>_<sub-project>) set at a higher level than the region (see the notes) names the region.
    type: str
  cloud:
    description:
      - Name of an entry in C(clouds.yaml), or a dict in the same shape as such an entry (C(auth), C(region_name), ...).
      - C(clouds.yaml) is searched in the file named by E(OS_CLIENT_CONFIG_FILE), then in the directories of
        O(config_dirs), the module's current directory, C(~/.config/openstack) and C(/etc/openstack).
        C(secure.yaml) is searched in E(OS_CLIENT_SECURE_FILE), beside E(OS_CLIENT_CONFIG_FILE), then in the same
        directories, and merged into the entry.
      - Lowest precedence of all auth methods; options set on the task override the values it provides.
      - Secrets inside a dict value (keys such as C(password) or C(secret_key)) are hidden from the module output.
      - If not set, E(OS_CLOUD) is used.
    type: raw
  endpoint:
    description:
      - DRS endpoint URL, for example V(https://drs.eu-de.otc.t-systems.com). Requests go to C({endpoint}/v3/{project_id}/jobs/...).
      - If not set, E(OS_DRS_ENDPOINT_OVERRIDE) is used (the environment counterpart of the C(drs_endpoint_override)
        key of a C(clouds.yaml) entry).
      - Without either, the C(drs) entry of the token catalog is used, else C(https://drs.{region}.otc.t-systems.com)
        (Open Telekom Cloud) or C(https://drs.{region}.myhuaweicloud.com) (Huawei Cloud).
    type: str
  config_dirs:
    description:
      - Directories searched for C(clouds.yaml) and C(secure.yaml) before the module's current directory,
        C(~/.config/openstack) and C(/etc/openstack).
      - When not set and the module runs on the controller (the connection of the task, or of its C(delegate_to)
        host, is C(local)), the collection's action plugin sets it to the directory C(ansible-playbook) (or
        C(ansible)) was started from and the playbook's directory, so a C(clouds.yaml) next to you or next to your
        playbook is found although modules run in another directory (for the playbooks shipped in the collection,
        inside the installed collection).
      - For a module on a remote host the action plugin sets nothing (the controller's paths mean nothing there).
      - V([]) searches only the standard places.
    type: list
    elements: path
  validate_certs:
    description:
      - Verify the TLS certificates of IAM and DRS.
      - Set to V(false) only for test systems; the module then warns (so does C(verify=false) in a clouds.yaml entry).
        For a private CA use O(ca_cert) instead.
    type: bool
    default: true
  ca_cert:
    description:
      - Path to a PEM file of CA certificates to verify the servers with.
      - Without it, the bundle named by the environment variable E(REQUESTS_CA_BUNDLE) or E(CURL_CA_BUNDLE) is used
        when set, else the default store of C(requests).
      - Proxies come from the environment too (E(HTTPS_PROXY), E(HTTP_PROXY), E(ALL_PROXY), except for the hosts in
        E(NO_PROXY)), read once per host and run. A C(~/.netrc) file is never read.
    type: path
  client_cert:
    description:
      - Path to a PEM client certificate for mutual TLS.
    type: path
  client_key:
    description:
      - Path to the private key of O(client_cert), when it is not in the same file.
    type: path
  api_timeout:
    description:
      - Timeout in seconds of one HTTP request (connect and read).
      - This is not the time the module waits for jobs; see O(ignore:wait_timeout) of the module.
    type: int
    default: 30
  batch_size:
    description:
      - Jobs per DRS batch call, V(1) to V(10). Longer job lists are split into calls of this size.
    type: int
    default: 10
  max_concurrency:
    description:
      - How many batch calls run at the same time, V(1) to V(32).
    type: int
    default: 8
notes:
  - "The target, one rule for every module and role: what the task says (its options, a role's per-host variables,
    and the entry of a O(cloud) named on the task) beats the environment, which beats the E(OS_CLOUD) entry of
    C(clouds.yaml). O(project_id) and O(project_name) are taken together from the highest of these that sets either,
    so an E(OS_PROJECT_ID) in the environment never overrides a O(project_name) on the task. Every result returns
    C(project_id), C(project_name), C(region) and C(target_sources) (where each came from)."
  - "Authentication, in this order of precedence: O(auth_token); O(access_key) and O(secret_key) (with O(security_token)
    for temporary keys); O(username), O(password), O(domain_name) and O(project_name) or O(project_id); O(cloud).
    The first method whose options are complete is used. An option set on the task always wins over its environment variable."
  - "Environment variables are read on the host that runs the module (normally the controller, with C(delegate_to: localhost)
    or a C(localhost) play)."
  - Every DRS batch call takes at most 10 jobs; the modules split longer lists and merge the results by job id.
  - Transient errors (connection errors, HTTP 429, 502, 503, 504, C(APIGW.0308), C(DRS.M01503)) are retried with a
    capped, jittered exponential backoff that never runs past the module's deadline. A connection that cannot be
    opened at all (refused, name not resolved) is retried at most twice, within O(api_timeout).
  - "Options safe in the group C(module_defaults) (C(group/cloudops.drs.drs)): every option of this page, and
    C(wait), C(wait_timeout) and C(poll_interval), which every module of the collection accepts."
'''

    # Standard attribute descriptions, used together with the module's own support levels.
    # The job selection of every module with a jobs option (module_utils/_selection.py, _base.py DrsModuleBase.select).
    SELECTION = r'''
options:
  filters:
    description:
      - Select the jobs DRS lists (C(POST /v3/{project_id}/jobs), every page) that match every given filter.
      - Jobs are selected by O(jobs), by O(filters), or by both. An element of O(jobs) in the DRS job id form
        (36 characters grouped 8-4-4-4-12) is a job id; any other element, or the C(id) of a dict element, is an
        exact, case-sensitive job name (4 to 50 characters). Names are resolved through the same job list (also
        the forward and backward tasks of a dual-active task) before any action request; a name that matches no
        job, or more than one job, fails the module and names it.
      - Every module returns the jobs it selected as RV(selection) (C(id) and C(name)).
      - Combined with O(jobs), only the jobs of O(jobs) that match are selected (the others are left out with a
        warning). When nothing matches, the module does nothing (C(changed=false), a warning and RV(selection)
        empty); the roles fail on an empty selection unless C(drs_allow_empty=true).
      - DRS filters server-side by C(db_use_type), C(engine_type), C(net_type), C(enterprise_project_id), C(tags)
        and C(status) (when exactly one is given); the client checks C(name), C(status), C(db_use_type),
        C(engine_type) and C(net_type) again on every listed job, and C(tags) on each candidate's details
        (C(batch-detail)). C(enterprise_project_id) is left to DRS alone (no reply carries it).
      - The forward and backward tasks of a dual-active task (listed under their parent) are matched too. A matching
        parent stands for its forward and backward tasks in M(cloudops.drs.drs_batch_precheck),
        M(cloudops.drs.drs_batch_start), M(cloudops.drs.drs_batch_pause) and M(cloudops.drs.drs_batch_resume) (DRS
        pre-checks and starts only those); M(cloudops.drs.drs_batch_info) and M(cloudops.drs.drs_batch_stop) take the
        parent itself (DRS stops a dual-active pair through its parent).
    type: dict
    suboptions:
      name:
        description:
          - A glob (C(*), C(?), C([seq])) that the whole job name must match, case-sensitive (Python C(fnmatch.fnmatchcase)).
          - Checked client-side only, because DRS's own name filter is a fuzzy match.
        type: str
      status:
        description:
          - Job statuses, for example V(CONFIGURATION) or V(INCRE_TRANSFER_STARTED); a job matches any of them.
          - Server-side when exactly one is given, and always checked client-side.
        type: list
        elements: str
      db_use_type:
        description:
          - V(migration), V(sync) or V(cloudDataGuard). Without it every type is listed (one listing per type).
        type: str
        choices: [migration, sync, cloudDataGuard]
      engine_type:
        description:
          - The engine type, for example V(mysql) or V(cloudDataGuard-mysql). Server-side and client-side.
        type: str
      net_type:
        description:
          - The network type, V(vpc), V(vpn) or V(eip). Server-side and client-side.
        type: str
      tags:
        description:
          - Tag keys and values; a job matches when it carries every one of them with that value.
          - Server-side, and checked on each candidate's C(batch-detail) C(tags); a job whose details carry no tags
            (Open Telekom Cloud shows none) does not match.
        type: dict
      enterprise_project_id:
        description:
          - The enterprise project of the jobs. Server-side only.
        type: str
'''

    ATTRIBUTES = r'''
options: {}
attributes:
  check_mode:
    description: Can run in C(check_mode) and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in C(check_mode)), when in diff mode.
  idempotent:
    description:
      - When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
      - This assumes that the system controlled/queried by the module has not changed in a relevant way.
'''

    # For modules that never change anything; use together with ATTRIBUTES.
    INFO_MODULE = r'''
options: {}
attributes:
  check_mode:
    support: full
    details:
      - This action does not modify state.
  diff_mode:
    support: N/A
    details:
      - This action does not modify state.
  idempotent:
    support: full
    details:
      - This action does not modify state.
'''

    ACTIONGROUP_DRS = r'''
options: {}
attributes:
  action_group:
    description: Use C(group/cloudops.drs.drs) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - cloudops.drs.drs
'''
