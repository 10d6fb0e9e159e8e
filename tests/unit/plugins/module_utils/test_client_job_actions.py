"""Pause, retry and stop calls (batch-pause-task, batch-retry-task, DELETE batch-jobs): exact bodies, per-job
results, busy jobs and reconcile-before-resend after an ambiguous failure."""

import pytest
import requests

from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsError

from drs_client_fakes import JOBS_URL, Harness, job_id, reply

IDS = [job_id(n) for n in range(300, 312)]
BUSY = {"status": "failed", "error_code": "DRS.M01504",
        "error_msg": "Another operation is being performed on the migration task or the migration task is abnormal. Try again later."}


def accept_all(call):
    results = [{"id": job, "status": "success"} for job in reversed(call.job_ids)]
    return reply(200, {"count": len(results), "results": results})


def test_pause_posts_the_pause_mode_per_job_and_reads_every_result_by_id():
    h = Harness()
    h.api.route("POST", "/jobs/batch-pause-task", reply(200, {"count": 2, "results": [
        {"id": IDS[1], "status": "failed", "error_code": "DRS.M00304", "error_msg": "This API cannot be called in the current task status."},
        {"id": IDS[0], "status": "success"}]}))
    results = h.client.batch_pause([(IDS[0], "target"), (IDS[1], "all")])
    assert [(call.method, call.url) for call in h.calls] == [("POST", JOBS_URL + "/batch-pause-task")]
    assert h.calls[0].json == {"jobs": [{"job_id": IDS[0], "pause_mode": "target"}, {"job_id": IDS[1], "pause_mode": "all"}]}
    assert results[IDS[0]]["status"] == "success"
    assert results[IDS[1]]["error_code"] == "DRS.M00304"


def test_retry_posts_the_job_ids_once_each():
    h = Harness()
    h.api.route("POST", "/jobs/batch-retry-task", accept_all)
    results = h.client.batch_retry([IDS[0], IDS[1], IDS[0]])
    assert [(call.method, call.url) for call in h.calls] == [("POST", JOBS_URL + "/batch-retry-task")]
    assert h.calls[0].json == {"jobs": [{"job_id": IDS[0]}, {"job_id": IDS[1]}]}
    assert list(results) == [IDS[0], IDS[1]]


def test_stop_sends_delete_with_a_json_body_in_chunks_of_ten():
    h = Harness()
    h.api.route("DELETE", "/jobs/batch-jobs", accept_all)
    results = h.client.batch_stop([(job, "terminate") for job in IDS[:11]] + [(IDS[11], "force_terminate")])
    assert sorted(call.method for call in h.calls) == ["DELETE", "DELETE"]
    assert all(call.url == JOBS_URL + "/batch-jobs" for call in h.calls)
    assert all(call.headers["Content-Type"] == "application/json" for call in h.calls)
    bodies = sorted((call.json for call in h.calls), key=lambda body: len(body["jobs"]))
    assert bodies[0] == {"jobs": [{"job_id": IDS[10], "delete_type": "terminate"}, {"job_id": IDS[11], "delete_type": "force_terminate"}]}
    assert bodies[1] == {"jobs": [{"job_id": job, "delete_type": "terminate"} for job in IDS[:10]]}
    assert list(results) == IDS


def test_stop_refuses_another_delete_type_before_sending():
    h = Harness()
    with pytest.raises(DrsError, match="delete_type must be terminate or force_terminate"):
        h.client.batch_stop([(IDS[0], "delete")])
    assert h.calls == []


def test_busy_stops_are_sent_again_for_the_busy_jobs_only():
    h = Harness()
    h.api.route("DELETE", "/jobs/batch-jobs", reply(202, {"count": 2, "results": [dict(BUSY, id=IDS[1]), {"id": IDS[0], "status": "success"}]}),
                accept_all)
    results = h.client.batch_stop([(IDS[0], "terminate"), (IDS[1], "terminate")], deadline=h.client.deadline_in(60))
    assert [call.job_ids for call in h.calls] == [IDS[:2], [IDS[1]]]
    assert all(results[job]["status"] == "success" for job in IDS[:2])
    assert h.client.stats["retried"]["busy"] == 1


@pytest.mark.parametrize("method, path, call", [
    ("DELETE", "/jobs/batch-jobs", lambda client, ids, **kw: client.batch_stop([(job, "terminate") for job in ids], **kw)),
    ("POST", "/jobs/batch-pause-task", lambda client, ids, **kw: client.batch_pause([(job, "all") for job in ids], **kw)),
    ("POST", "/jobs/batch-retry-task", lambda client, ids, **kw: client.batch_retry(ids, **kw)),
])
def test_an_ambiguous_failure_re_reads_the_status_and_sends_again_only_the_jobs_that_did_not_move(method, path, call):
    h = Harness()
    h.api.route(method, path, requests.exceptions.ReadTimeout("read timed out"), accept_all)
    asked = []

    def reconcile(ids):
        asked.append(list(ids))
        return {IDS[0]}   # this one took effect

    results = call(h.client, IDS[:2], deadline=h.client.deadline_in(60), reconcile=reconcile)
    assert asked == [IDS[:2]]
    assert [call.job_ids for call in h.calls] == [IDS[:2], [IDS[1]]]
    assert results[IDS[0]]["reconciled"] is True
    assert results[IDS[1]]["status"] == "success"


def test_without_reconcile_an_ambiguous_stop_is_unknown_and_never_sent_again():
    h = Harness()
    h.api.route("DELETE", "/jobs/batch-jobs", requests.exceptions.ReadTimeout("read timed out"), accept_all)
    results = h.client.batch_stop([(IDS[0], "terminate")], deadline=h.client.deadline_in(60))
    assert len(h.calls) == 1
    assert results[IDS[0]]["status"] == "unknown"


def test_a_failing_re_read_leaves_an_ambiguous_stop_unknown():
    h = Harness()
    h.api.route("DELETE", "/jobs/batch-jobs", requests.exceptions.ReadTimeout("read timed out"), accept_all)

    def reconcile(ids):
        raise DrsError("batch-status failed")

    results = h.client.batch_stop([(IDS[0], "terminate")], deadline=h.client.deadline_in(60), reconcile=reconcile)
    assert len(h.calls) == 1
    assert results[IDS[0]]["status"] == "unknown"
    assert "re-reading the status failed too" in results[IDS[0]]["error_msg"]
