"""drs_batch_info keeps only what it returns: without the detail facet, each detail is cut down to id, name
and status as it arrives; equal strings of the replies become one object (the module's memory on 10 000 jobs,
tests/perf), and the result is unchanged."""

import json
from unittest import mock

from ansible_collections.cloudops.drs.plugins.module_utils._secrets import redact_secrets
from ansible_collections.cloudops.drs.plugins.modules import drs_batch_info as module
from ansible_collections.cloudops.drs.tests.unit.plugins.modules.utils import FakeDrs, FakeJob, assert_matches_return_doc, jid, run_module

FACETS = {'detail': 'batch_detail', 'progress': 'batch_progress', 'precheck': 'batch_precheck_result'}


class RecordingDrs(FakeDrs):
    """A FakeDrs that remembers the keep function each batch_detail call got."""

    def __init__(self, *jobs):
        super().__init__(*jobs)
        self.keeps = []

    def batch_detail(self, ids, deadline=None, keep=None):
        self.keeps.append(keep)
        return super().batch_detail(ids, deadline=deadline, keep=keep)


def test_info_without_detail_keeps_only_id_name_and_status_of_each_detail():
    drs = RecordingDrs(FakeJob(jid(1), status='INCRE_TRANSFER_STARTED'), FakeJob(jid(2)))
    result = run_module(module, {'jobs': [jid(2), jid(1), jid(3)], 'include': ['status', 'progress']}, drs)
    keep = drs.keeps[0]
    assert keep is not None
    assert keep({'id': jid(1), 'name': 'a', 'status': 'CONFIGURATION', 'error_code': None, 'source_endpoint': {'ip': '10.0.0.1'}}) == {
        'id': jid(1), 'name': 'a', 'status': 'CONFIGURATION', 'error_code': None}
    assert [(job['id'], job['name'], job['status']) for job in result['jobs']] == [
        (jid(2), 'job-002', 'CONFIGURATION'), (jid(1), 'job-001', 'INCRE_TRANSFER_STARTED')]
    assert [list(job) for job in result['jobs']] == [['id', 'name', 'status', 'progress']] * 2
    assert result['not_found'] == [jid(3)]
    assert_matches_return_doc(module, result)


def test_info_with_detail_keeps_each_full_detail_without_its_secrets():
    drs = RecordingDrs(FakeJob(jid(1)))
    result = run_module(module, {'jobs': [jid(1)], 'include': ['detail']}, drs)
    keep = drs.keeps[0]
    item = {'id': jid(1), 'name': 'a', 'error_code': None, 'source_endpoint': {'ip': '10.0.0.1', 'db_password': 'pw'}}
    assert keep(item) == {'id': jid(1), 'name': 'a', 'error_code': None, 'source_endpoint': {'ip': '10.0.0.1'}}
    assert result['jobs'][0]['detail']['source_endpoint'] == {'db_type': 'mysql', 'ip': '192.168.0.10', 'db_user': 'drs'}


class DecodingDrs(FakeDrs):
    """A FakeDrs whose reply items are decoded from JSON one by one, as the client's are: no string object is shared."""

    def _read(self, method, ids, view):
        items, not_found = super()._read(method, ids, view)
        return dict((job_id, json.loads(json.dumps(item))) for job_id, item in items.items()), not_found

    def batch_detail(self, ids, deadline=None, keep=None):
        items, not_found = super().batch_detail(ids, deadline=deadline)   # keep after decoding, as the client does
        return dict((job_id, keep(item) if keep else item) for job_id, item in items.items()), not_found


def fleet():
    return DecodingDrs(FakeJob(jid(1), precheck='alarm', detail={'alarm_notify': {'topic_name': 'drs', 'auth_token': 'T0KEN'}}),
                       FakeJob(jid(2), precheck='fail', status='INCRE_TRANSFER_STARTED'),
                       FakeJob(jid(3), precheck='pass', detail={'description': 'd' * (module.SHARED_STRING_MAX + 1)}))


def run_and_keep_jobs(args, drs):
    """Run the module; return its JSON result and the job dicts it held in memory."""
    held = []
    get_result = module.DrsBatchInfo.get_result

    def keep_jobs(self):
        held.append(self.jobs)
        return get_result(self)

    with mock.patch.object(module.DrsBatchInfo, 'get_result', keep_jobs):
        result = run_module(module, args, drs)
    return result, held[-1]


def test_info_returns_every_reply_item_unchanged_but_for_its_secrets():
    ids = [jid(3), jid(1), jid(2)]
    result = run_module(module, {'jobs': ids, 'include': ['status', 'detail', 'progress', 'precheck']}, fleet())
    replies = fleet()
    expected = []
    for job_id in ids:
        job = replies.jobs[job_id]
        entry = {'id': job_id, 'name': job.name, 'status': job.status}
        for facet, reader in FACETS.items():
            entry[facet] = redact_secrets(getattr(replies, reader)([job_id])[0][job_id])
        expected.append(entry)
    assert json.dumps(result['jobs']) == json.dumps(expected)   # same keys, order, types and values
    assert [item['result'] for item in result['jobs'][2]['precheck']['precheck_result']] == ['PASSED', 'PASSED', 'FAILED']
    assert 'T0KEN' not in json.dumps(result)
    assert_matches_return_doc(module, result)


def test_info_holds_one_object_per_distinct_short_string():
    dummy, jobs = run_and_keep_jobs({'jobs': [jid(1), jid(2), jid(3)], 'include': ['detail', 'progress', 'precheck']}, fleet())
    first, second, third = jobs
    assert first['detail']['source_endpoint']['db_type'] is second['detail']['target_endpoint']['db_type']
    assert first['progress']['task_mode'] is second['detail']['task_type']
    assert first['precheck']['precheck_result'][0]['group'] is second['precheck']['precheck_result'][0]['group']
    assert first['progress']['job_id'] is first['detail']['id'] is first['precheck']['precheck_id'] is first['id']
    assert list(first['detail'])[0] is list(second['detail'])[0]   # keys too
    assert third['detail']['description'] == 'd' * (module.SHARED_STRING_MAX + 1)   # longer strings stay as they came


def test_share_strings_returns_an_equal_copy_and_leaves_the_original_alone():
    text = '{"db_type": "mysql", "port": 3306, "ssl": true, "rate": 0.5, "none": null, "tags": ["a", "mysql", ["mysql"]]}'
    first, second = json.loads(text), json.loads(text)
    strings = {}
    shared = [module._share_strings(value, strings) for value in (first, second)]
    assert [json.dumps(value) for value in shared] == [text, text]
    assert shared[0] is not first and first == json.loads(text)
    assert shared[1]['db_type'] is shared[0]['db_type'] is shared[1]['tags'][1] is shared[1]['tags'][2][0]
    assert shared[1]['db_type'] is not second['db_type']
    assert sorted(strings) == ['a', 'db_type', 'mysql', 'none', 'port', 'rate', 'ssl', 'tags']
