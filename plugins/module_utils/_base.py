# -*- coding: utf-8 -*-
# Copyright: (c) 2025, cloudops.drs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The life cycle of every cloudops.drs module run, and nothing else.

``DrsModuleBase.run_module()`` builds the AnsibleModule (the subclass's options plus the shared auth/connection
options of ``common_argument_spec()``, documented once in the ``cloudops.drs.drs`` doc fragment), validates the
options before any request (``_options.py``), builds the client (``_client.py``), runs the subclass, and exits with
the full result -- or fails with it: whatever goes wrong, every per-job result gathered so far is returned.

Data flows one way: module -> this base class -> the client -> HTTP. The rules about jobs live in ``_jobs.py``.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import time
import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.cloudops.drs.plugins.module_utils._auth import resolve_auth
from ansible_collections.cloudops.drs.plugins.module_utils._client import DrsClient
from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsConfigError, DrsError, DrsTimeoutError
from ansible_collections.cloudops.drs.plugins.module_utils._jobs import DrPairs, describe_pending, not_found_error
from ansible_collections.cloudops.drs.plugins.module_utils._options import ValidatedOptions, validate_options
from ansible_collections.cloudops.drs.plugins.module_utils._output import stream_output
from ansible_collections.cloudops.drs.plugins.module_utils._secrets import secret_values
from ansible_collections.cloudops.drs.plugins.module_utils._selection import (
    DB_USE_TYPES, apply_names, flatten, intersect, list_request_filters, listed_candidates, resolve_names, selection_error,
    tagged_candidates)
from ansible_collections.cloudops.drs.plugins.module_utils._transport import REQUESTS_IMPORT_ERROR, RETRY_REASONS

EMPTY_SELECTION = 'No DRS job matches the selection (jobs and filters): nothing to do.'
INSECURE_WARNING = ('TLS certificates are not verified (validate_certs: false, or verify: false in clouds.yaml): '
                    'anyone on the network path can read and change the requests. Use ca_cert for a private CA instead.')


def common_argument_spec():
    """Auth and connection options shared by every module (see the ``cloudops.drs.drs`` doc fragment).

    Environment fallbacks and the auth precedence are applied by ``resolve_auth()``, not here, so that an option
    set in the task always wins over the environment.
    """
    return dict(
        auth_token=dict(type='str', no_log=True),
        access_key=dict(type='str', no_log=False),
        secret_key=dict(type='str', no_log=True),
        security_token=dict(type='str', no_log=True),
        username=dict(type='str'),
        password=dict(type='str', no_log=True),
        domain_name=dict(type='str'),
        project_name=dict(type='str'),
        project_id=dict(type='str'),
        auth_url=dict(type='str', no_log=False),
        region=dict(type='str'),
        cloud=dict(type='raw', no_log=False),
        endpoint=dict(type='str'),
        config_dirs=dict(type='list', elements='path'),
        validate_certs=dict(type='bool', default=True),
        ca_cert=dict(type='path'),
        client_cert=dict(type='path'),
        client_key=dict(type='path', no_log=False),
        api_timeout=dict(type='int', default=30),
        batch_size=dict(type='int', default=10),
        max_concurrency=dict(type='int', default=8),
    )


def filters_argument_spec():
    """The ``filters`` option of every module with ``jobs`` (checked further by ``_selection.validate_filters``)."""
    return dict(type='dict', options=dict(
        name=dict(type='str'),
        status=dict(type='list', elements='str'),
        db_use_type=dict(type='str', choices=list(DB_USE_TYPES)),
        engine_type=dict(type='str'),
        net_type=dict(type='str'),
        tags=dict(type='dict'),
        enterprise_project_id=dict(type='str'),
    ))


class DrsModuleBase(object):
    """The life cycle of every cloudops.drs module run.

    A subclass provides ``argument_spec()`` (its own options), ``job_keys`` (keys a job given as a dict may carry),
    ``run()`` (decisions and requests, recording per-job state as it goes) and ``get_result()`` (the full documented
    result built from that state, valid at any point, so that a failure keeps the per-job data gathered so far).
    ``record_failure()`` lets it mark what a failure left undecided.
    """

    job_keys = ()
    #: The module needs ``jobs``, ``filters`` or both (drs_batch_info without either reads every job).
    selection_required = True
    #: ``filters`` select a dual-active parent itself (drs_batch_info); a module that acts on jobs gets its forward and
    #: backward tasks instead (DRS pre-checks and starts only those).
    selects_parents = False

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.client = None
        self.failure = None       # a message set by run() when the module must fail after reporting everything
        self.selected = []        # ids of the selected jobs; None: every job the module finds (drs_batch_info alone)
        self.selection_names = {}  # id -> name of every job the selection learned
        self._started = time.monotonic()
        self.module.no_log_values.update(secret_values(self.params.get('cloud')))
        if REQUESTS_IMPORT_ERROR:
            module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
        try:
            self.options = validate_options(self.params, self.job_keys, require_selection=self.selection_required)
        except DrsConfigError as exc:
            self.options = ValidatedOptions([], [], [])
            self.fail_json_drs(exc)
        for warning in self.options.warnings:
            module.warn(warning)

    @classmethod
    def argument_spec(cls):
        raise NotImplementedError

    @classmethod
    def run_module(cls):
        """Build the AnsibleModule (own options plus the shared ones), run it and exit with its result."""
        spec = cls.argument_spec()
        if 'jobs' in spec:   # every module that selects jobs (see the cloudops.drs.drs.selection doc fragment)
            spec['filters'] = filters_argument_spec()
        spec.update(common_argument_spec())
        cls(stream_output(AnsibleModule(argument_spec=spec, supports_check_mode=True))).execute()

    def run(self):
        raise NotImplementedError

    def get_result(self):
        raise NotImplementedError

    def record_failure(self, message, pending=(), last_seen=None):
        """Hook: a request failed (or a deadline passed) with ``message``; ``pending`` jobs were still outstanding
        (``last_seen``: id -> last item seen). The subclass marks every job whose fate this leaves unknown."""

    def job_names(self):
        """Hook: job id -> name of every job whose name this run learned so far (messages say ``name (id)``)."""
        return {}

    def read_jobs(self, ids, deadline, known=None):
        """Details of ``ids`` and their dual-active roles.

        ``known`` (id -> record, see the ``prechecked`` option of drs_batch_start) are jobs a pre-check run read
        moments ago: they are not read again; their detail is the record's name and status, their role its
        ``dr_pair``. Returns ``(details, pairs, errors)``: ``details`` maps id -> batch-detail item (or record) of
        every job found, ``errors`` id -> per-job error of every job DRS does not know.
        """
        known = dict((job_id, known[job_id]) for job_id in ids if job_id in (known or {}))
        unknown = [job_id for job_id in ids if job_id not in known]
        details, not_found = self.client.batch_detail(unknown, deadline=deadline) if unknown else ({}, [])
        pairs = DrPairs(details)
        for job_id, record in known.items():
            details[job_id] = {'id': job_id, 'name': record['name'], 'status': record['status']}
            pairs.learn(job_id, record['status'], record['dr_pair'])
        missing = pairs.parents_without_forward(list(details))
        for start in range(0, len(missing), 50):  # a backward task's forward task that was not asked for: from the job list
            pairs.add(self.client.list_jobs(deadline=deadline, db_use_type='cloudDataGuard', name=','.join(missing[start:start + 50])))
        return details, pairs, dict((job_id, not_found_error(job_id)) for job_id in not_found)

    def build_client(self):
        params = self.params
        auth = resolve_auth(params, os.environ)
        # secrets read from clouds.yaml or the environment are hidden from the module output too
        self.module.no_log_values.update(auth.secret_values())
        if not params['validate_certs'] or auth.verify is False:
            self.module.warn(INSECURE_WARNING)
        return DrsClient(
            auth,
            validate_certs=params['validate_certs'],
            ca_cert=params['ca_cert'],
            client_cert=params['client_cert'],
            client_key=params['client_key'],
            api_timeout=params['api_timeout'],
            batch_size=params['batch_size'],
            max_concurrency=params['max_concurrency'],
        )

    def execute(self):
        """Run the module and exit (or fail) with its result.

        Any exception, also one the client did not foresee (a reply of a shape nobody expected), ends in
        ``fail_json`` with every per-job result gathered so far: a crash never loses a job's state. In check mode the
        jobs a run would fail for are a prediction: the module reports them (``msg`` says why) and does not fail;
        a request that fails still fails it.
        """
        try:
            self.client = self.build_client()
            if self.select():
                self.run()
        except DrsError as exc:
            self.fail_json_drs(exc)
        except Exception as exc:  # pylint: disable=broad-except
            self.fail_json_drs(DrsError('Unexpected error (%s): %s' % (type(exc).__name__, exc)), exception=traceback.format_exc())
        result = self.get_result()
        result.update(self.target_result())
        result['selection'] = self.selection_result()
        if self.failure is None and self.selected == []:
            result['msg'] = EMPTY_SELECTION
        if self.failure and self.module.check_mode:
            # a prediction, not a failure: the jobs that would fail carry their outcome, and msg says why
            self.module.exit_json(msg=self.failure, **result)
        if self.failure:
            self.module.fail_json(msg=self.failure, **result)
        self.module.exit_json(**result)

    def fail_json_drs(self, exc, exception=None):
        """Fail for a DrsError, keeping the per-job results gathered so far.

        DrsConfigError: the message only (nothing was sent). DrsTimeoutError: the message names the pending jobs
        and their last seen state. Every other DrsError: the message plus ``error`` (status, code, request id...).
        """
        msg = str(exc)
        pending = getattr(exc, 'pending', None) or []
        if isinstance(exc, DrsTimeoutError) and pending:
            msg = '%s. %s' % (msg.rstrip('.'), describe_pending(pending, exc.last_seen, self.job_names()))
        if not isinstance(exc, DrsConfigError):
            self.record_failure(msg, pending, getattr(exc, 'last_seen', None) or {})
        result = self.get_result()
        result.update(self.target_result())
        result['selection'] = self.selection_result()
        if not isinstance(exc, DrsConfigError):
            result['error'] = exc.to_dict()
        if exception:
            result['exception'] = exception
        self.module.fail_json(msg=msg, **result)

    # -- the selection: jobs by id or name, filters --------------------------------------------------------------

    def select(self):
        """Resolve ``jobs`` names and ``filters`` into job ids (``self.options.jobs``), before ``run()``.

        Reads only (the job list, and the details when tags are filtered); a name that matches no job or more than
        one fails the module before any action request (``_selection.py`` holds the rules). Returns False when the
        selection is empty: the module then does nothing and says so.
        """
        options = self.options
        jobs = options.jobs
        names = [job['by_name'] for job in jobs or [] if job['id'] is None]
        if not names and options.filters is None:
            self.selected = None if jobs is None else [job['id'] for job in jobs]
            return True
        deadline = self.client.deadline_in(self.params.get('wait_timeout') or 1800)
        warnings = []
        if names:
            listed = flatten(self.client.list_jobs(deadline=deadline))
            self._learn_names(listed)
            resolved, errors = resolve_names(names, listed)
            if errors:
                raise DrsConfigError(selection_error(errors))
            jobs = apply_names(jobs, resolved, warnings)
        if options.filters is not None:
            matched = self._filtered(options.filters, deadline, warnings)
            jobs = intersect(jobs, matched, options.job_defaults, self.selection_names, warnings)
        for warning in warnings + ([] if jobs else [EMPTY_SELECTION]):
            self.module.warn(warning)
        options.jobs = jobs
        self.selected = [job['id'] for job in jobs]
        return bool(jobs)

    def _learn_names(self, listed):
        for item in listed:
            if item.get('name'):
                self.selection_names[item['id']] = item['name']

    def _filtered(self, filters, deadline, warnings):
        """Ids of the jobs matching ``filters``, in the order DRS lists them (``_selection.py``: which filter is whose)."""
        listed = self.client.list_jobs(deadline=deadline, **list_request_filters(filters))
        self._learn_names(flatten(listed))
        candidates = listed_candidates(listed, filters, self.selects_parents)
        if 'tags' in filters and candidates:
            details, _gone = self.client.batch_detail(
                candidates, deadline=deadline, keep=lambda item: {'id': item.get('id'), 'tags': item.get('tags')})
            candidates = tagged_candidates(candidates, details, filters['tags'], warnings)
        return candidates

    def selection_result(self):
        """``selection``: ``[{id, name}]`` of the selected jobs (names where known)."""
        names = dict(self.selection_names)
        if self.client is not None:
            names.update((job_id, name) for job_id, name in (self.job_names() or {}).items() if name)
        ids = self.selected if self.selected is not None else list(names)
        return [{'id': job_id, 'name': names.get(job_id)} for job_id in ids]

    def target_result(self):
        """``project_id``, ``project_name``, ``region`` and ``target_sources`` of every result (``None`` where unknown,
        for example when the options were rejected before a client was built)."""
        target = getattr(self.client, 'target', None)
        target = target() if callable(target) else {}
        sources = target.get('sources') or {}
        names = ('project_id', 'project_name', 'region')
        result = dict((name, target.get(name)) for name in names)
        result['target_sources'] = dict((name, sources.get(name) if result[name] else None) for name in names)
        return result

    def elapsed(self):
        return round(time.monotonic() - self._started, 3)

    def retries(self):
        stats = getattr(self.client, 'stats', None) or {}
        retried = stats.get('retried') or {}
        counts = dict((kind, 0) for kind in RETRY_REASONS)
        counts.update(retried)
        return counts
