"""Helpers for the module unit tests.

- ``set_module_args(args)``: the module arguments for one run, on ansible-core 2.17, 2.18 and 2.19.
- ``run_module(module, args, drs)``: run a module's ``main()`` against a ``FakeDrs`` and return its JSON result
  (``failed`` is set when the module failed). The real ``exit_json``/``fail_json`` run, so ``no_log`` filtering is real.
- ``FakeDrs``: a scripted stand-in for ``DrsClient`` (same methods and return shapes as the contract), with a tiny
  DRS state machine driven by a fake clock, and a log of every call (``calls``) so tests can assert what was sent.
- ``assert_matches_return_doc(module, result)``: the result keys equal the RETURN documentation, recursively.
"""

import contextlib
import io
import json
import sys
from unittest import mock

import yaml

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.cloudops.drs.plugins.module_utils import _base
from ansible_collections.cloudops.drs.plugins.module_utils._client import DrsClient
from ansible_collections.cloudops.drs.plugins.module_utils._waiter import probe_first_poll, wait_for

PROJECT_ID = '054ba152d480d55b2f5dc0069e7ddef0'
AUTH = {'auth_token': 'test-token-value-0001', 'project_id': PROJECT_ID, 'endpoint': 'https://drs.example.test'}

RUNNING = ('FULL_TRANSFER_STARTED', 'FULL_TRANSFER_COMPLETE', 'INCRE_TRANSFER_STARTED')
MUTATING = ('batch_precheck', 'batch_start')


def jid(number):
    """A job id in DRS form, e.g. jid(101) -> 140b5236-88ad-43c8-811c-1268453jb101."""
    return '140b5236-88ad-43c8-811c-1268453jb%03d' % number


# -- module arguments across ansible-core versions ----------------------------------------------------------------

@contextlib.contextmanager
def set_module_args(args):
    """Make ``args`` the arguments of the next AnsibleModule (2.19: patch_module_args; 2.17/2.18: _ANSIBLE_ARGS)."""
    try:
        from ansible.module_utils.testing import patch_module_args
    except ImportError:
        patch_module_args = None
    if patch_module_args is not None:
        with patch_module_args(args):
            yield
        return
    serialized = to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': args}))
    with mock.patch.object(basic, '_ANSIBLE_ARGS', serialized):
        yield


def run_module(module, args, drs, check_mode=False, auth=True, real_build_client=False):
    """Run ``module.main()`` with ``args`` against ``drs`` (a FakeDrs); return the parsed JSON result.

    ``drs.built`` counts how often the module built a client (0 when it failed before, e.g. in validation).
    ``auth`` adds token auth options; ``real_build_client`` keeps the module's own ``build_client`` (resolve_auth).
    """
    args = dict(args)
    if auth:
        for key, value in AUTH.items():
            args.setdefault(key, value)
    if check_mode:
        args['_ansible_check_mode'] = True
    stdout = io.StringIO()

    def build_client(_self):
        drs.built += 1
        return drs

    with contextlib.ExitStack() as stack:
        stack.enter_context(set_module_args(args))
        stack.enter_context(_fresh_warnings())
        stack.enter_context(_as_module_process())
        stack.enter_context(mock.patch.object(sys, 'stdout', stdout))
        if not real_build_client:
            stack.enter_context(mock.patch.object(_base.DrsModuleBase, 'build_client', build_client))
        try:
            module.main()
        except SystemExit:
            pass
    lines = [line for line in stdout.getvalue().splitlines() if line.strip().startswith('{')]
    assert lines, 'the module printed no JSON: %r' % stdout.getvalue()
    return json.loads(lines[-1])


@contextlib.contextmanager
def _fresh_warnings():
    """Module warnings are process-global in ansible-core: give each run its own (a list on 2.17/2.18, a dict on 2.19)."""
    from ansible.module_utils.common import warnings
    saved = warnings._global_warnings
    warnings._global_warnings = type(saved)()
    try:
        yield
    finally:
        warnings._global_warnings = saved


@contextlib.contextmanager
def _as_module_process():
    """Run as a module process, not the controller.

    On ansible-core 2.19 ``module.warn()`` hands warnings to the controller's Display instead of the result once
    anything in the test process imported controller code (the ansible-runner and playbook tests do), so the
    warnings would vanish from the result. Older cores have no such switch.
    """
    try:
        from ansible.module_utils import _internal
    except ImportError:
        _internal = None
    if _internal is None or not hasattr(_internal, 'is_controller'):
        yield
        return
    with mock.patch.object(_internal, 'is_controller', False):
        yield


def warning_texts(result):
    """The warning messages of a module result (plain strings on 2.17/2.18, summary dicts on 2.19)."""
    texts = []
    for warning in result.get('warnings') or []:
        if isinstance(warning, dict):
            warning = (warning.get('event') or {}).get('msg', warning.get('msg'))
        texts.append(warning)
    return texts


# -- RETURN documentation ------------------------------------------------------------------------------------------

STANDARD_KEYS = frozenset(('changed', 'failed', 'msg', 'invocation', 'warnings', 'deprecations', 'exception', 'skipped'))
TYPES = {'str': str, 'bool': bool, 'int': int, 'float': (float, int), 'list': list, 'dict': dict}


def return_doc(module):
    return yaml.safe_load(module.RETURN)


def _check(spec, value, path, problems):
    if value is None:
        return
    expected = TYPES[spec['type']]
    if not isinstance(value, expected) or (spec['type'] == 'int' and isinstance(value, bool)):
        problems.append('%s: expected %s, got %r' % (path, spec['type'], value))
        return
    contains = spec.get('contains')
    if contains and spec['type'] == 'dict':
        _compare(contains, value, path + '.', problems)
    if contains and spec['type'] == 'list':
        for index, element in enumerate(value):
            _compare(contains, element, '%s[%d].' % (path, index), problems)


def _compare(doc, result, prefix, problems, ignore=frozenset()):
    for key in result:
        if key not in doc and key not in ignore:
            problems.append('%s%s is returned but not documented' % (prefix, key))
    for key, spec in doc.items():
        if key in result:
            _check(spec, result[key], prefix + key, problems)
        elif spec.get('returned') == 'always':
            problems.append('%s%s is documented as always returned but missing' % (prefix, key))


def assert_matches_return_doc(module, result):
    problems = []
    _compare(return_doc(module), result, '', problems, ignore=STANDARD_KEYS)
    assert not problems, '\n'.join(problems)


# -- the scripted DRS client -----------------------------------------------------------------------------------------

def precheck_items(outcome):
    items = [
        {'item': 'srcDbConnection', 'group': 'network', 'result': 'PASSED', 'failed_reason': '', 'raw_error_msg': '', 'data': ''},
        {'item': 'dstDbVersionSupport', 'group': 'db_version', 'result': 'PASSED', 'failed_reason': '', 'raw_error_msg': '', 'data': ''},
    ]
    if outcome == 'alarm':
        items.append({'item': 'srcDbBinlogExpireLogsDays', 'group': 'db_params', 'result': 'ALARM',
                      'failed_reason': 'BINLOG_EXPIRE_TOO_SHORT', 'raw_error_msg': 'expire_logs_days is 1', 'data': ''})
    if outcome == 'fail':
        items.append({'item': 'dstDbDiskSize', 'group': 'db_disk_size', 'result': 'FAILED',
                      'failed_reason': 'DST_DISK_TOO_SMALL', 'raw_error_msg': 'Destination disk too small.', 'data': ''})
    return items


class FakeJob(object):
    """One job of the fake: a status, an optional pre-check and what happens when it is started."""

    def __init__(self, job_id, name=None, status='CONFIGURATION', precheck=None, precheck_outcome='pass',
                 start_outcome='success', target='INCRE_TRANSFER_STARTED', role=None, parent_id=None,
                 failed_reason='', rpo_ms=None, detail=None):
        self.id = job_id
        self.name = name or 'job-%s' % job_id[-3:]
        self.status = status
        self.precheck = None            # {'mode', 'ticks', 'items'} of the latest pre-check
        self.precheck_outcome = precheck_outcome
        if precheck is not None:        # 'pass', 'fail', 'alarm' (finished) or 'running'
            done = precheck != 'running'
            self.precheck = {'mode': 'forStartJob', 'ticks': 0 if done else 2,
                             'items': precheck_items(precheck if done else precheck_outcome)}
        self.start_outcome = start_outcome
        self.target = target
        self.start_ticks = 0
        self.start_time = None
        self.role = role                # None, 'parent', 'forward' or 'backward'
        self.parent_id = parent_id
        self.failed_reason = failed_reason
        self.rpo_ms = rpo_ms            # list of RPO/RTO delays (ms), one per tick while INCRE_TRANSFER_STARTED
        self.detail = detail or {}


class FakeDrs(object):
    """Scripted DrsClient: the contract's methods over a few FakeJobs, with a fake monotonic clock.

    Time passes only when the waiter sleeps; every sleep is one tick of the state machine.
    """

    def __init__(self, *jobs, precheck_ticks=2, start_ticks=2):
        self.jobs = dict((job.id, job) for job in jobs)
        self.calls = []                 # [(method, [job ids])] in order
        self.clock = 1000.0
        self.built = 0
        self.precheck_ticks = precheck_ticks
        self.start_ticks = start_ticks
        self.refuse = {}                # job id -> (error_code, error_msg) for action calls
        self.lose_start_reply = set()   # job ids whose start is applied but whose reply is lost (ambiguous)
        self.lose_precheck_reply = set()  # job ids whose pre-check is submitted but whose reply is lost (the client gave up)
        self.raise_on = {}              # method -> exception to raise when it is called
        self.stale_precheck = {}        # job id -> reads after a new pre-check that still show the earlier result
        self.waited_since = []          # the since of every wait (id -> time its action was answered)
        self.answered_at = {}           # id -> fake time its last action was answered (as DrsClient keeps it)
        self.omit = {}                  # read method -> job ids its reply does not mention (the client: not_found)
        self.stats = {'requests': 0, 'retries': 0,
                      'retried': {'throttled': 0, 'server_error': 0, 'connection': 0, 'busy': 0, 'reauth': 0}}
        self.project_id = PROJECT_ID
        self.starts = dict((job.id, 0) for job in jobs)
        self.listed = []                # the filters of every list_jobs call

    def target(self):
        """What DrsClient.target() says: the project and region of the run, and where each came from."""
        return {'project_id': self.project_id, 'project_name': None, 'region': None,
                'sources': {'project_id': 'task', 'project_name': None, 'region': None}}

    # -- bookkeeping ------------------------------------------------------------------------------------------

    def _log(self, method, ids):
        self.calls.append((method, list(ids)))
        self.stats['requests'] += 1
        if method in self.raise_on:
            raise self.raise_on[method]

    def called(self, method):
        """The id lists of every call of ``method``."""
        return [ids for name, ids in self.calls if name == method]

    def methods(self):
        return [name for name, dummy in self.calls]

    def tick(self):
        for job in self.jobs.values():
            if job.precheck and job.precheck['ticks'] > 0:
                job.precheck['ticks'] -= 1
            if job.status == 'STARTJOBING':
                job.start_ticks -= 1
                if job.start_ticks <= 0:
                    if job.start_outcome == 'success':
                        job.status = job.target
                    else:
                        job.status = 'START_JOB_FAILED'
                        job.failed_reason = 'The source database is unreachable.'
            elif job.status == 'INCRE_TRANSFER_STARTED' and job.rpo_ms and len(job.rpo_ms) > 1:
                job.rpo_ms.pop(0)

    # -- client API: helpers ------------------------------------------------------------------------------------

    def connect(self, deadline=None):
        self.calls.append(('connect', []))

    def monotonic(self):
        return self.clock

    def sleep(self, seconds):
        self.clock += seconds
        self.tick()

    def deadline_in(self, seconds):
        return self.clock + float(seconds)

    def wait(self, ids, fetch, is_done, deadline, poll_interval, first_poll_after=0.0, since=None, early=None, seen=None):
        self.waited_since.append(dict(since or {}))
        return wait_for(ids, fetch, is_done, deadline, poll_interval, sleep=self.sleep, monotonic=self.monotonic,
                        first_poll_after=first_poll_after, since=since, early=early, seen=seen)

    wait_after_requests = DrsClient.wait_after_requests   # the client's own composition of probe and wait

    def probe(self, ids, since, fetch, estimate, poll_interval, deadline):
        return probe_first_poll(ids, since, fetch, estimate, poll_interval, deadline, sleep=self.sleep,
                                monotonic=self.monotonic, batch_size=10)

    # -- client API: reads ----------------------------------------------------------------------------------------

    def _read(self, method, ids, view, split=False):
        self._log(method, ids)
        items, not_found, unmentioned = {}, [], []
        for job_id in ids:
            job = self.jobs.get(job_id)
            if job_id in self.omit.get(method, ()):   # the reply did not mention it (the client's split tells)
                (unmentioned if split else not_found).append(job_id)
            elif job is None:
                not_found.append(job_id)
            else:
                item = view(job)
                item.setdefault('error_code', None)
                item.setdefault('error_msg', None)
                items[job_id] = item
        return (items, not_found, unmentioned) if split else (items, not_found)

    def batch_status(self, ids, deadline=None, split=False):
        return self._read('batch_status', ids, lambda job: {'id': job.id, 'status': job.status}, **({'split': True} if split else {}))

    def batch_detail(self, ids, deadline=None, keep=None, split=False):
        def view(job):
            item = {'id': job.id, 'name': job.name, 'status': job.status, 'failed_reason': job.failed_reason,
                    'db_use_type': 'cloudDataGuard' if job.role else 'migration', 'task_type': 'FULL_INCR_TRANS',
                    'job_direction': 'down' if job.role == 'backward' else 'up',
                    'source_endpoint': {'db_type': 'mysql', 'ip': '192.168.0.10', 'db_user': 'drs',
                                        'db_password': 'Source-Passw0rd!', 'ssl_cert_key': 'KEYDATA'},
                    'target_endpoint': {'db_type': 'mysql', 'inst_id': 'e05a3679efe241d8b5dee80b17c1a863in01',
                                        'db_password': 'Target-Passw0rd!', 'ssl_cert_password': 'certpw'}}
            if job.parent_id:
                item['parent_id'] = job.parent_id
            if job.role:
                item['node_role'] = job.role
            # DRS reports the scheduled start of a WAITING_FOR_START job in inst_info.start_time ("0" when none)
            scheduled = job.start_time if job.status == 'WAITING_FOR_START' and job.start_time else 0
            item['inst_info'] = {'engine_type': 'mysql', 'start_time': str(scheduled)}
            item.update(job.detail)
            return keep(item) if keep is not None else item
        return self._read('batch_detail', ids, view, **({'split': True} if split else {}))

    def batch_precheck_result(self, ids, deadline=None):
        def view(job):
            precheck, stale = job.precheck, getattr(job, 'stale', None)
            if stale and stale[1] > 0:     # the earlier finished result, shown again
                job.stale = (stale[0], stale[1] - 1)
                precheck = dict(stale[0], ticks=0)
            if precheck is None:
                return {'id': job.id, 'precheck_id': job.id, 'error_code': 'DRS.M00304',
                        'error_msg': 'The task has not been pre-checked.'}
            done = precheck['ticks'] <= 0
            items = precheck['items']
            passed = done and all(item['result'] != 'FAILED' for item in items)
            rate = sum(1 for item in items if item['result'] != 'FAILED') * 100 // len(items)
            return {'id': job.id, 'precheck_id': job.id, 'result': passed, 'process': '100%' if done else '50%',
                    'total_passed_rate': '%d%%' % rate, 'precheck_result': items if done else items[:1]}
        return self._read('batch_precheck_result', ids, view)

    def batch_progress(self, ids, deadline=None):
        return self._read('batch_progress', ids, lambda job: {
            'id': job.id, 'job_id': job.id, 'progress': '100' if job.status in RUNNING else '0',
            'transfer_status': job.status, 'incre_trans_delay': '0', 'task_mode': 'FULL_INCR_TRANS'})

    def batch_rpo_rto(self, ids, deadline=None):
        def view(job):
            delay = str(job.rpo_ms[0]) if job.rpo_ms else '0'
            return {'id': job.id, 'job_id': job.id, 'rpo_info': {'delay': delay, 'time': '2030-01-01 00:00:00'},
                    'rto_info': {'delay': delay, 'time': '2030-01-01 00:00:00'}}
        return self._read('batch_rpo_rto', ids, view)

    def batch_struct_process(self, ids, deadline=None):
        return self._read('batch_struct_process', ids, lambda job: {
            'id': job.id, 'job_id': job.id, 'struct_process': {'create_time': '1608429670521', 'result': []}})

    def list_jobs(self, deadline=None, **filters):
        """Like POST /jobs: top-level jobs only, a dual-active parent with its children nested; ``name`` filters ids.

        ``status``, ``db_use_type``, ``engine_type`` and ``net_type`` filter like DRS; ``tags`` and
        ``enterprise_project_id`` are ignored (the harsh reading: the client must not rely on them). ``self.listed``
        keeps the filters of every call."""
        self._log('list_jobs', [])
        self.listed.append(dict(filters))
        names = [token for token in (filters.get('name') or '').split(',') if token]

        def info(job):
            return {'id': job.id, 'name': job.name, 'status': job.status, 'db_use_type': 'cloudDataGuard' if job.role else 'migration',
                    'job_direction': 'down' if job.role == 'backward' else 'up', 'error_code': None, 'error_msg': None,
                    'engine_type': job.detail.get('engine_type', 'mysql'), 'net_type': job.detail.get('net_type', 'vpc')}
        listed = []
        for job in self.jobs.values():
            if job.role in ('forward', 'backward') or (names and job.id not in names):
                continue
            entry = info(job)
            if any(filters.get(key) not in (None, entry[key]) for key in ('status', 'db_use_type', 'engine_type', 'net_type')):
                continue
            if job.role == 'parent':
                entry['children'] = [info(child) for child in self.jobs.values() if child.parent_id == job.id]
            listed.append(entry)
        return listed

    # -- client API: actions --------------------------------------------------------------------------------------

    def batch_precheck(self, items, deadline=None, reconcile=None):
        self._log('batch_precheck', [job_id for job_id, dummy in items])
        replies = {}
        for job_id, mode in items:
            job = self.jobs[job_id]
            if job_id in self.refuse:
                code, msg = self.refuse[job_id]
                replies[job_id] = {'id': job_id, 'status': 'failed', 'error_code': code, 'error_msg': msg}
                continue
            if job_id in self.stale_precheck and job.precheck and job.precheck['ticks'] <= 0:
                # DRS shows the finished result of the earlier pre-check for this many reads (MODEL.md choice 33)
                job.stale = (dict(job.precheck), self.stale_precheck[job_id])
            job.precheck = {'mode': mode, 'ticks': self.precheck_ticks, 'items': precheck_items(job.precheck_outcome)}
            replies[job_id] = {'id': job_id, 'status': 'success', 'precheck_id': job_id, 'error_code': None, 'error_msg': None}
            if job_id in self.lose_precheck_reply:
                replies[job_id] = {'id': job_id, 'status': 'unknown', 'error_code': None,
                                   'error_msg': 'outcome unknown (connection reset): the request may have taken effect'}
        self.answered_at.update(dict.fromkeys(replies, self.monotonic()))
        return replies

    def batch_start(self, items, deadline=None, reconcile=None):
        self._log('batch_start', [job_id for job_id, dummy in items])
        replies, lost = {}, []
        for job_id, start_time in items:
            job = self.jobs[job_id]
            if job_id in self.refuse:
                code, msg = self.refuse[job_id]
                replies[job_id] = {'id': job_id, 'status': 'failed', 'error_code': code, 'error_msg': msg}
                continue
            if job.status != 'CONFIGURATION':
                replies[job_id] = {'id': job_id, 'status': 'failed', 'error_code': 'DRS.M00304',
                                   'error_msg': 'This API cannot be called in the current task status.'}
                continue
            self.starts[job_id] += 1
            job.start_time = start_time
            job.status = 'WAITING_FOR_START' if start_time else 'STARTJOBING'
            job.start_ticks = self.start_ticks
            if job_id in self.lose_start_reply:
                lost.append(job_id)
            else:
                replies[job_id] = {'id': job_id, 'status': 'success', 'error_code': None, 'error_msg': None}
        if lost:  # like DrsClient: ask reconcile which ones took effect and never re-send those
            done = set(reconcile(lost)) if reconcile else set()
            for job_id in lost:
                if job_id in done:
                    replies[job_id] = {'id': job_id, 'status': 'success', 'error_code': None, 'error_msg': None, 'reconciled': True}
                else:
                    replies[job_id] = {'id': job_id, 'status': 'unknown', 'error_code': None,
                                       'error_msg': 'outcome unknown (read timeout): the request may have taken effect; re-read the job status'}
        self.answered_at.update(dict.fromkeys(replies, self.monotonic()))
        return dict((job_id, replies[job_id]) for job_id, dummy in items)
