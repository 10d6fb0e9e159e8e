"""drs_batch_info keeps only what it returns: without the detail facet, each detail is cut down to id, name
and status as it arrives (the module's memory on 10 000 jobs, tests/perf), and the result is unchanged."""

from ansible_collections.cloudops.drs.plugins.modules import drs_batch_info as module
from ansible_collections.cloudops.drs.tests.unit.plugins.modules.utils import FakeDrs, FakeJob, assert_matches_return_doc, jid, run_module


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


def test_info_with_detail_reads_the_full_details():
    drs = RecordingDrs(FakeJob(jid(1)))
    result = run_module(module, {'jobs': [jid(1)], 'include': ['detail']}, drs)
    assert drs.keeps == [None]
    assert result['jobs'][0]['detail']['source_endpoint'] == {'db_type': 'mysql', 'ip': '192.168.0.10', 'db_user': 'drs'}
