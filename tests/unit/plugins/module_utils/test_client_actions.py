"""Action calls (batch-precheck, batch-starting): per-job results, busy jobs, ambiguous failures and reconcile."""

import collections

import pytest
import requests
from urllib3.exceptions import NewConnectionError, ProtocolError

from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsApiError

from drs_client_fakes import JOBS_URL, Harness, job_id, reply

IDS = [job_id(n) for n in range(200, 212)]
BUSY = {"status": "failed", "error_code": "DRS.M01504",
        "error_msg": "Another operation is being performed on the migration task or the migration task is abnormal. Try again later."}


def accept_all(call):
    results = [{"id": job, "status": "success"} for job in reversed(call.job_ids)]
    return reply(202, {"count": len(results), "results": results})


def starts_per_job(h):
    counter = collections.Counter()
    for call in h.api.calls_to("/batch-starting"):
        counter.update(call.job_ids)
    return counter


def test_start_sends_job_ids_and_start_times_and_returns_items_in_input_order():
    h = Harness()
    h.api.route("POST", "/jobs/batch-starting", reply(202, {"count": 2, "results": [
        {"id": IDS[1], "status": "failed", "error_code": "DRS.M00304", "error_msg": "This API cannot be called in the current task status."},
        {"id": IDS[0], "status": "success"}]}))
    results = h.client.batch_start([(IDS[0], None), (IDS[1], "1893456000000"), (IDS[0], None)])

    assert h.calls[0].url == JOBS_URL + "/batch-starting"
    assert h.calls[0].json == {"jobs": [{"job_id": IDS[0]}, {"job_id": IDS[1], "start_time": "1893456000000"}]}
    assert list(results) == [IDS[0], IDS[1]]
    assert results[IDS[0]]["status"] == "success" and results[IDS[0]]["error_code"] is None
    assert results[IDS[1]]["status"] == "failed" and results[IDS[1]]["error_code"] == "DRS.M00304"
    assert h.clock.sleeps == []


def test_precheck_sends_the_mode_per_job():
    h = Harness()
    h.api.route("POST", "/jobs/batch-precheck", reply(200, {"count": 2, "results": [
        {"id": IDS[0], "status": "success", "precheck_id": IDS[0]}, {"id": IDS[1], "status": "success", "precheck_id": IDS[1]}]}))
    results = h.client.batch_precheck([(IDS[0], "forStartJob"), (IDS[1], "forRetryJob")])
    assert h.calls[0].json == {"jobs": [{"job_id": IDS[0], "precheck_mode": "forStartJob"},
                                        {"job_id": IDS[1], "precheck_mode": "forRetryJob"}]}
    assert [results[job]["status"] for job in IDS[:2]] == ["success", "success"]


def test_busy_jobs_alone_are_resent_with_backoff():
    h = Harness()
    first = reply(202, {"count": 5, "results": [dict(BUSY, id=IDS[1]), {"id": IDS[0], "status": "success"},
                                                {"id": IDS[2], "status": "success"}, dict(BUSY, id=IDS[3]),
                                                {"id": IDS[4], "status": "success"}]})
    h.api.route("POST", "/jobs/batch-starting", first, accept_all)
    results = h.client.batch_start([(job, None) for job in IDS[:5]], deadline=h.client.deadline_in(60))

    assert [call.job_ids for call in h.calls] == [IDS[:5], [IDS[1], IDS[3]]]
    assert all(results[job]["status"] == "success" for job in IDS[:5])
    assert h.clock.sleeps == [0.5]
    assert h.client.stats["retried"]["busy"] == 1
    # only the jobs DRS refused as busy went out twice
    assert starts_per_job(h) == collections.Counter({IDS[0]: 1, IDS[2]: 1, IDS[4]: 1, IDS[1]: 2, IDS[3]: 2})


def test_busy_jobs_are_retried_until_the_deadline_then_reported_busy():
    h = Harness()
    h.api.route("POST", "/jobs/batch-starting", lambda call: reply(202, {"count": 1, "results": [dict(BUSY, id=IDS[0])]}))
    deadline = h.client.deadline_in(20)
    results = h.client.batch_start([(IDS[0], None)], deadline=deadline)

    assert results[IDS[0]]["status"] == "failed" and results[IDS[0]]["error_code"] == "DRS.M01504"
    assert h.clock.sleeps == [0.5, 1.0, 2.0, 4.0, 8.0]  # 15.5 s; the next 10 s back-off would pass the deadline
    assert h.clock.now <= deadline
    assert len(h.calls) == 6


def test_read_timeout_on_start_reconciles_and_resends_only_jobs_not_started():
    h = Harness()
    h.api.route("POST", "/jobs/batch-starting", requests.exceptions.ReadTimeout("read timed out"), accept_all)
    asked = []

    def reconcile(ids):
        asked.append(list(ids))
        return {IDS[0], IDS[2]}  # these two did receive the start

    # lag_window=0: a DRS that shows a received start at once (the start lag has tests of its own below)
    results = h.client.batch_start([(job, None) for job in IDS[:3]], deadline=h.client.deadline_in(60), reconcile=reconcile,
                                   lag_window=0)

    assert asked == [IDS[:3]]
    assert [call.job_ids for call in h.calls] == [IDS[:3], [IDS[1]]]
    assert results[IDS[0]] == {"id": IDS[0], "status": "success", "error_code": None, "error_msg": None, "reconciled": True}
    assert results[IDS[1]]["status"] == "success" and "reconciled" not in results[IDS[1]]
    assert results[IDS[2]]["reconciled"] is True
    assert h.client.stats["retried"]["connection"] == 1


@pytest.mark.parametrize("failure, reason", [
    (requests.exceptions.ConnectionError(ProtocolError("Connection aborted.", ConnectionResetError(104, "reset"))), "connection"),
    (requests.exceptions.ChunkedEncodingError(ProtocolError("Connection broken: IncompleteRead")), "connection"),
    (reply(502, raw="Bad Gateway", headers={"Content-Type": "text/plain"}), "server_error"),
    (reply(504, {"error_msg": "Gateway Timeout"}), "server_error"),
    (reply(503, {"error_msg": "Service Unavailable"}), "server_error"),
    (reply(202, raw='{"count": 3, "results": [{"id": "'), "server_error"),
    (reply(202, raw="accepted"), "server_error"),
])
def test_ambiguous_start_failures_never_start_a_job_twice(failure, reason):
    h = Harness()
    h.api.route("POST", "/jobs/batch-starting", failure, accept_all)
    results = h.client.batch_start([(job, None) for job in IDS[:3]], deadline=h.client.deadline_in(60),
                                   reconcile=lambda ids: set(ids[:2]), lag_window=0)
    assert [call.job_ids for call in h.calls] == [IDS[:3], [IDS[2]]]
    assert all(results[job]["status"] == "success" for job in IDS[:3])
    assert h.client.stats["retried"][reason] == 1


def test_a_reply_that_omits_a_job_reconciles_that_job_only():
    h = Harness()
    h.api.route("POST", "/jobs/batch-starting", reply(202, {"count": 1, "results": [{"id": IDS[0], "status": "success"}]}), accept_all)
    asked = []
    results = h.client.batch_start([(IDS[0], None), (IDS[1], None)], deadline=h.client.deadline_in(60),
                                   reconcile=lambda ids: asked.append(list(ids)) or set(), lag_window=0)
    assert asked == [[IDS[1]]]
    assert [call.job_ids for call in h.calls] == [IDS[:2], [IDS[1]]]
    assert results[IDS[1]]["status"] == "success"


@pytest.mark.parametrize("failure", [
    reply(429, {"error_code": "APIGW.0308", "error_msg": "throttled"}, headers={"Retry-After": "2"}),
    reply(400, {"error_code": "DRS.M01503", "error_msg": "Operation too frequent. Try again later."}),
    requests.exceptions.ConnectionError(NewConnectionError(None, "Failed to establish a new connection: [Errno 111] Connection refused")),
    requests.exceptions.ConnectTimeout("connect timed out"),
])
def test_unambiguous_start_failures_are_retried_without_reconcile(failure):
    h = Harness()
    h.api.route("POST", "/jobs/batch-starting", failure, accept_all)

    def reconcile(ids):
        raise AssertionError("reconcile must not be called for an unambiguous failure")

    results = h.client.batch_start([(IDS[0], None)], deadline=h.client.deadline_in(60), reconcile=reconcile)
    assert results[IDS[0]]["status"] == "success"
    assert len(h.calls) == 2


def test_without_reconcile_an_ambiguous_start_is_reported_unknown_and_not_resent():
    h = Harness()
    h.api.route("POST", "/jobs/batch-starting", requests.exceptions.ReadTimeout("read timed out"), accept_all)
    results = h.client.batch_start([(IDS[0], None), (IDS[1], None)], deadline=h.client.deadline_in(60))
    assert len(h.calls) == 1
    assert [results[job]["status"] for job in IDS[:2]] == ["unknown", "unknown"]
    assert "the request may have taken effect; re-read the job status" in results[IDS[0]]["error_msg"]
    assert "no reply within 30 s (read timeout)" in results[IDS[0]]["error_msg"]


def test_failing_reconcile_leaves_the_jobs_unknown():
    h = Harness()
    h.api.route("POST", "/jobs/batch-starting", reply(504, {}))

    def reconcile(ids):
        raise DrsApiError("status read failed too")

    results = h.client.batch_start([(IDS[0], None)], deadline=h.client.deadline_in(60), reconcile=reconcile)
    assert len(h.calls) == 1
    assert results[IDS[0]]["status"] == "unknown"
    assert "status read failed too" in results[IDS[0]]["error_msg"]


def test_unconfirmed_jobs_left_at_the_deadline_are_unknown():
    h = Harness()
    h.api.route("POST", "/jobs/batch-starting", reply(502, {}))
    deadline = h.client.deadline_in(2)
    results = h.client.batch_start([(IDS[0], None)], deadline=deadline, reconcile=lambda ids: set())
    assert results[IDS[0]]["status"] == "unknown"
    assert "no time left before the deadline" in results[IDS[0]]["error_msg"]
    # the job still reads CONFIGURATION, which DRS may show for a while after a start: not sent again within 2 s
    assert h.clock.now <= deadline and len(h.calls) == 1


def test_unconfirmed_jobs_are_resent_until_the_deadline_without_a_start_lag_window():
    h = Harness()
    h.api.route("POST", "/jobs/batch-starting", reply(502, {}))
    deadline = h.client.deadline_in(2)
    results = h.client.batch_start([(IDS[0], None)], deadline=deadline, reconcile=lambda ids: set(), lag_window=0)
    assert results[IDS[0]]["status"] == "unknown"
    assert "no time left before the deadline to retry" in results[IDS[0]]["error_msg"]
    assert h.clock.now <= deadline and len(h.calls) == 3  # back-offs of 0.5 and 1 s fit in 2 s, the next 2 s do not


def test_a_start_that_still_reads_configuration_is_watched_through_the_start_lag_and_not_sent_again():
    h = Harness()
    h.api.route("POST", "/jobs/batch-starting", requests.exceptions.ReadTimeout("read timed out"), accept_all)
    reads = []

    def reconcile(ids):  # DRS received the start but shows CONFIGURATION for the first three reads
        reads.append(list(ids))
        return set(ids) if len(reads) > 3 else set()

    results = h.client.batch_start([(IDS[0], None)], deadline=h.client.deadline_in(600), reconcile=reconcile)

    assert results[IDS[0]] == {"id": IDS[0], "status": "success", "error_code": None, "error_msg": None, "reconciled": True}
    assert starts_per_job(h) == collections.Counter({IDS[0]: 1})
    assert reads == [[IDS[0]]] * 4 and h.clock.sleeps == [0.5, 1.0, 2.0]


def test_a_start_not_confirmed_during_the_start_lag_window_is_sent_again_once_it_has_passed():
    h = Harness()
    sent_again_at = []
    began = h.clock.now
    h.api.route("POST", "/jobs/batch-starting", requests.exceptions.ReadTimeout("read timed out"),
                lambda call: sent_again_at.append(h.clock.now) or accept_all(call))
    results = h.client.batch_start([(IDS[0], None)], deadline=h.client.deadline_in(600), reconcile=lambda ids: set())

    assert results[IDS[0]]["status"] == "success"
    assert starts_per_job(h) == collections.Counter({IDS[0]: 2})
    assert sent_again_at and sent_again_at[0] - began >= 60.0  # START_LAG_WINDOW


@pytest.mark.parametrize("refusal", [
    reply(202, {"count": 1, "results": [{"id": IDS[0], "status": "failed", "error_code": "DRS.M00304",
                                         "error_msg": "This API cannot be called in the current task status."}]}),
    reply(400, {"error_code": "DRS.M00304", "error_msg": "This API cannot be called in the current task status."}),
], ids=["per_job_item", "whole_request_400"])
def test_a_resent_start_refused_while_the_job_reads_configuration_is_unknown_and_never_sent_a_third_time(refusal):
    h = Harness()
    h.api.route("POST", "/jobs/batch-starting", requests.exceptions.ReadTimeout("read timed out"), refusal, accept_all)
    results = h.client.batch_start([(IDS[0], None)], deadline=h.client.deadline_in(600), reconcile=lambda ids: set())

    assert results[IDS[0]]["status"] == "unknown"
    assert "DRS.M00304" in results[IDS[0]]["error_msg"] and "may have been received" in results[IDS[0]]["error_msg"]
    assert starts_per_job(h) == collections.Counter({IDS[0]: 2})


def test_a_resent_start_refused_for_another_reason_keeps_the_refusal():
    h = Harness()
    h.api.route("POST", "/jobs/batch-starting", requests.exceptions.ReadTimeout("read timed out"),
                reply(202, {"count": 1, "results": [{"id": IDS[0], "status": "failed", "error_code": "DRS.M00289",
                                                     "error_msg": "The task does not exist."}]}))
    results = h.client.batch_start([(IDS[0], None)], deadline=h.client.deadline_in(600), reconcile=lambda ids: set())
    assert results[IDS[0]]["status"] == "failed" and results[IDS[0]]["error_code"] == "DRS.M00289"


def wrong_state_400_for(bad, code="DRS.M00304", accept=accept_all):
    """A DRS that refuses a whole request with HTTP 400 when it carries a job of ``bad``; accepts the others."""
    def answer(call):
        culprits = [job for job in call.job_ids if job in bad]
        if culprits:
            return reply(400, {"error_code": code, "error_msg": "This API cannot be called in the current task status. "
                                                                "(task %s)" % culprits[0]})
        return accept(call)
    return answer


def test_a_whole_request_wrong_state_400_splits_the_chunk_and_starts_the_other_jobs_once():
    h = Harness()
    h.api.route("POST", "/jobs/batch-starting", wrong_state_400_for({IDS[2]}))

    def reconcile(ids):
        raise AssertionError("a 400 is no unknown outcome: nothing to reconcile")

    results = h.client.batch_start([(job, None) for job in IDS[:4]], deadline=h.client.deadline_in(60), reconcile=reconcile)

    assert [call.job_ids for call in h.calls] == [IDS[:4], IDS[:2], IDS[2:4], [IDS[2]], [IDS[3]]]
    assert [results[job]["status"] for job in IDS[:4]] == ["success", "success", "failed", "success"]
    assert results[IDS[2]]["error_code"] == "DRS.M00304" and results[IDS[2]]["http_status"] == 400
    assert "(task %s)" % IDS[2] in results[IDS[2]]["error_msg"]
    accepted = collections.Counter()
    for call in h.calls:
        if call.job_ids != [IDS[2]] and IDS[2] not in call.job_ids:
            accepted.update(call.job_ids)
    assert accepted == collections.Counter({IDS[0]: 1, IDS[1]: 1, IDS[3]: 1})
    assert h.clock.sleeps == []


def test_a_whole_request_wrong_state_400_on_a_precheck_leaves_each_refused_job_its_error():
    h = Harness()

    def accept(call):
        return reply(200, {"count": len(call.job_ids), "results": [
            {"id": job, "status": "success", "precheck_id": job} for job in call.job_ids]})

    h.api.route("POST", "/jobs/batch-precheck", wrong_state_400_for({IDS[0], IDS[5]}, "DRS.M05004", accept))
    results = h.client.batch_precheck([(job, "forStartJob") for job in IDS[:6]], deadline=h.client.deadline_in(60))

    assert [results[job]["status"] for job in IDS[:6]] == ["failed", "success", "success", "success", "success", "failed"]
    assert results[IDS[5]]["error_code"] == "DRS.M05004"
    prechecked = collections.Counter()
    for call in h.calls:
        if not set(call.job_ids) & {IDS[0], IDS[5]}:
            prechecked.update(call.job_ids)
    assert prechecked == collections.Counter(IDS[1:5])


def test_precheck_is_resent_after_an_ambiguous_failure_when_no_reconcile_is_given():
    h = Harness()
    h.api.route("POST", "/jobs/batch-precheck", requests.exceptions.ReadTimeout("read timed out"),
                reply(200, {"count": 1, "results": [{"id": IDS[0], "status": "success"}]}))
    results = h.client.batch_precheck([(IDS[0], "forStartJob")], deadline=h.client.deadline_in(60))
    assert len(h.calls) == 2 and results[IDS[0]]["status"] == "success"


def test_a_whole_chunk_error_becomes_per_job_failures_and_other_chunks_keep_their_result():
    h = Harness(batch_size=2)

    def second_chunk_rejected(call):
        if call.job_ids[0] == IDS[2]:
            return reply(400, {"error_code": "DRS.M00202", "error_msg": "The value of jobs is invalid."}, headers={"X-Request-Id": "r2"})
        return accept_all(call)

    h.api.route("POST", "/jobs/batch-starting", second_chunk_rejected)
    results = h.client.batch_start([(job, None) for job in IDS[:4]])
    assert [results[job]["status"] for job in IDS[:4]] == ["success", "success", "failed", "failed"]
    assert results[IDS[2]]["error_code"] == "DRS.M00202"
    assert results[IDS[2]]["http_status"] == 400 and results[IDS[2]]["request_id"] == "r2"
    assert "HTTP 400 DRS.M00202: The value of jobs is invalid." in results[IDS[2]]["error_msg"]


def test_a_400_with_per_job_results_is_read_per_job():
    h = Harness()
    h.api.route("POST", "/jobs/batch-precheck", reply(400, {"count": 1, "results": [
        {"id": IDS[0], "status": "failed", "error_code": "DRS.M00304", "error_msg": "wrong state"}]}))
    results = h.client.batch_precheck([(IDS[0], "forStartJob")])
    assert results[IDS[0]]["error_code"] == "DRS.M00304" and results[IDS[0]]["error_msg"] == "wrong state"


def test_25_starts_in_three_concurrent_chunks_merge_in_input_order():
    h = Harness(max_concurrency=8)
    ids = [job_id(n) for n in range(300, 325)]
    h.api.route("POST", "/jobs/batch-starting", accept_all)
    results = h.client.batch_start([(job, None) for job in ids])
    assert sorted(len(call.job_ids) for call in h.calls) == [5, 10, 10]
    assert list(results) == ids
    assert starts_per_job(h) == collections.Counter(ids)
