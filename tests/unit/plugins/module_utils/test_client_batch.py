"""Read calls: chunking, bounded concurrency, merge by id, page_req, reply shapes and broken replies."""

import threading

import pytest

from ansible_collections.cloudops.drs.plugins.module_utils._batch import chunked, dedupe, normalize_item
from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsApiError

from drs_client_fakes import JOBS_URL, Harness, job_id, reply, status_results

IDS = [job_id(n) for n in range(100, 125)]


def reversed_status(call):
    """Answer with the jobs in reverse order (results must be matched by id, not by position)."""
    results = [{"id": job, "status": "STATUS-%s" % job[-3:], "error_code": "", "error_message": ""} for job in reversed(call.job_ids)]
    return reply(200, {"count": len(results), "results": results})


def test_25_ids_go_out_in_chunks_of_10_10_5_with_page_req_and_merge_in_input_order():
    h = Harness(max_concurrency=8)
    h.api.route("POST", "/jobs/batch-status", reversed_status)
    items, not_found = h.client.batch_status(IDS)

    sent = sorted((call.job_ids for call in h.calls), key=lambda ids: IDS.index(ids[0]))
    assert sent == [IDS[0:10], IDS[10:20], IDS[20:25]]
    assert sorted(call.json["page_req"]["per_page"] for call in h.calls) == [5, 10, 10]
    assert all(call.json["page_req"]["cur_page"] == 1 for call in h.calls)
    assert list(items) == IDS
    assert all(items[job]["status"] == "STATUS-%s" % job[-3:] for job in IDS)
    assert items[IDS[0]]["error_code"] is None and items[IDS[0]]["error_msg"] is None
    assert not_found == []


def test_chunks_run_concurrently_up_to_max_concurrency():
    h = Harness(max_concurrency=2)
    active, peak, lock = [0], [0], threading.Lock()
    both_in_flight = threading.Event()

    def slow(call):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
            if active[0] == 2:
                both_in_flight.set()
        both_in_flight.wait(10)  # the first two chunks are answered only once both are in flight
        with lock:
            active[0] -= 1
        return status_results(call)

    h.api.route("POST", "/jobs/batch-status", slow)
    items, dummy = h.client.batch_status(IDS)
    assert peak[0] == 2
    assert list(items) == IDS


def test_batch_size_is_honoured():
    h = Harness(batch_size=4)
    h.api.route("POST", "/jobs/batch-status", status_results)
    h.client.batch_status(IDS[:9])
    assert [len(call.job_ids) for call in h.calls] == [4, 4, 1]


def test_duplicate_ids_are_sent_once_in_first_occurrence_order():
    h = Harness()
    h.api.route("POST", "/jobs/batch-status", status_results)
    ids = [IDS[2], IDS[0], IDS[2], IDS[1], IDS[0]]
    items, dummy = h.client.batch_status(ids)
    assert h.calls[0].job_ids == [IDS[2], IDS[0], IDS[1]]
    assert list(items) == [IDS[2], IDS[0], IDS[1]]


def test_no_ids_sends_nothing():
    h = Harness()
    assert h.client.batch_status([]) == ({}, [])
    assert h.calls == []


def test_extra_pages_are_fetched_when_the_server_pages_by_five():
    h = Harness()

    def five_per_page(call):
        page = call.json["page_req"]["cur_page"]
        jobs = call.job_ids[(page - 1) * 5:page * 5]
        return reply(200, {"count": len(call.job_ids), "results": [{"id": job, "status": "CONFIGURATION"} for job in jobs]})

    h.api.route("POST", "/jobs/batch-status", five_per_page)
    items, not_found = h.client.batch_status(IDS[:10])
    assert [call.json["page_req"] for call in h.calls] == [{"cur_page": 1, "per_page": 10}, {"cur_page": 2, "per_page": 10}]
    assert list(items) == IDS[:10] and not_found == []


def test_status_reads_error_message_and_progress_reads_job_id():
    h = Harness()
    h.api.route("POST", "/jobs/batch-status", reply(200, {"count": 1, "results": [
        {"id": IDS[0], "status": "START_JOB_FAILED", "error_code": "DRS.M00500", "error_message": "start failed"}]}))
    h.api.route("POST", "/jobs/batch-progress", reply(202, {"count": 1, "results": [
        {"job_id": IDS[0], "progress": "35", "transfer_status": "FULL_TRANSFER_STARTED", "error_code": "DRS.X", "error_msg": "slow"}]}))
    status, dummy = h.client.batch_status([IDS[0]])
    progress, dummy = h.client.batch_progress([IDS[0]])

    assert status[IDS[0]]["error_code"] == "DRS.M00500" and status[IDS[0]]["error_msg"] == "start failed"
    assert status[IDS[0]]["error_message"] == "start failed"  # the API's own key is kept
    assert progress[IDS[0]]["id"] == IDS[0] and progress[IDS[0]]["job_id"] == IDS[0]
    assert progress[IDS[0]]["progress"] == "35" and progress[IDS[0]]["error_msg"] == "slow"
    assert "page_req" not in h.api.calls_to("/batch-progress")[0].json


@pytest.mark.parametrize("method, path", [
    ("batch_precheck_result", "/batch-precheck-result"),
    ("batch_rpo_rto", "/batch-rpo-and-rto"),
    ("batch_struct_process", "/batch-struct-process"),
    ("batch_progress", "/batch-progress"),
])
def test_each_read_call_posts_the_job_list_to_its_path(method, path):
    h = Harness()
    h.api.route("POST", path, reply(200, {"count": 1, "results": [{"job_id": IDS[0], "precheck_id": IDS[0], "x": 1}]}))
    items, not_found = getattr(h.client, method)([IDS[0]])
    assert h.calls[0].url == JOBS_URL + path
    assert h.calls[0].json == {"jobs": [IDS[0]]}
    assert items[IDS[0]]["x"] == 1 and not_found == []


def test_precheck_result_items_are_matched_by_precheck_id():
    h = Harness()
    h.api.route("POST", "/batch-precheck-result", reply(200, {"count": 2, "results": [
        {"precheck_id": IDS[1], "result": True, "process": "100%"},
        {"precheck_id": IDS[0], "result": False, "process": "40%"}]}))
    items, dummy = h.client.batch_precheck_result(IDS[:2])
    assert [items[job]["process"] for job in IDS[:2]] == ["40%", "100%"]


def test_batch_detail_400_with_results_reports_unknown_and_deleted_jobs_as_not_found():
    h = Harness()
    h.api.route("POST", "/jobs/batch-detail", reply(400, {"count": 3, "results": [
        {"id": IDS[0], "error_code": "DRS.M00289", "error_message": "The job does not exist."},
        {"id": IDS[1], "name": "orders", "status": "CONFIGURATION", "source_endpoint": {"db_password": "x"}},
        {"id": IDS[2], "error_code": "DRS.M05004", "error_message": "The task has been deleted."}]}))
    items, not_found = h.client.batch_detail(IDS[:3])
    assert list(items) == [IDS[1]] and items[IDS[1]]["name"] == "orders"
    assert not_found == [IDS[0], IDS[2]]
    assert h.calls[0].json["page_req"] == {"cur_page": 1, "per_page": 3}


def test_jobs_missing_from_the_reply_are_not_found():
    h = Harness()
    h.api.route("POST", "/jobs/batch-status", reply(200, {"count": 1, "results": [{"id": IDS[1], "status": "CONFIGURATION"}]}))
    items, not_found = h.client.batch_status(IDS[:3])
    assert list(items) == [IDS[1]] and not_found == [IDS[0], IDS[2]]


def test_split_tells_a_job_drs_says_it_does_not_know_from_one_the_reply_left_out():
    h = Harness()
    h.api.route("POST", "/jobs/batch-status", reply(200, {"count": 2, "results": [
        {"id": IDS[1], "status": "RELEASE_RESOURCE_STARTED"},
        {"id": IDS[2], "error_code": "DRS.M05004", "error_message": "The task has been deleted."}]}))
    items, not_found, unmentioned = h.client.batch_status(IDS[:3], split=True)
    assert list(items) == [IDS[1]]
    assert not_found == [IDS[2]]          # DRS said so: deleted
    assert unmentioned == [IDS[0]]        # no answer at all: not "deleted"


def test_a_job_the_reply_does_not_ask_for_is_ignored():
    h = Harness()
    h.api.route("POST", "/jobs/batch-status", reply(200, {"count": 2, "results": [
        {"id": IDS[5], "status": "X"}, {"id": IDS[0], "status": "CONFIGURATION"}]}))
    items, dummy = h.client.batch_status([IDS[0]])
    assert list(items) == [IDS[0]]


def test_a_non_json_reply_is_an_error_with_a_short_excerpt():
    h = Harness()
    body = "<html><body>" + "Service temporarily unavailable. " * 20 + "</body></html>"
    h.api.route("POST", "/jobs/batch-status", reply(200, raw=body, headers={"Content-Type": "text/html", "X-Request-Id": "rid-1"}))
    with pytest.raises(DrsApiError) as info:
        h.client.batch_status([IDS[0]])
    message = str(info.value)
    assert message.startswith("DRS sent a reply that is not JSON (or is truncated): POST %s/batch-status answered HTTP 200" % JOBS_URL)
    assert repr(body[:200]) in message and body[:201] not in message
    assert info.value.request_id == "rid-1"
    assert len(h.calls) == 1


def test_a_truncated_json_reply_is_an_error():
    h = Harness()
    h.api.route("POST", "/jobs/batch-status", reply(200, raw='{"count": 2, "results": [{"id": "%s", "sta' % IDS[0]))
    with pytest.raises(DrsApiError, match="not JSON \\(or is truncated\\)"):
        h.client.batch_status([IDS[0]])


def test_a_reply_without_results_is_an_error():
    h = Harness()
    h.api.route("POST", "/jobs/batch-status", reply(200, {"count": 0}))
    with pytest.raises(DrsApiError, match="the DRS reply has no 'results' list"):
        h.client.batch_status([IDS[0]])


def test_items_without_any_job_id_are_an_error():
    h = Harness()
    h.api.route("POST", "/jobs/batch-status", reply(200, {"count": 1, "results": [{"status": "CONFIGURATION"}]}))
    with pytest.raises(DrsApiError, match="carry no job id"):
        h.client.batch_status([IDS[0]])


def test_one_failing_chunk_fails_the_read():
    h = Harness(max_concurrency=4)

    def second_chunk_fails(call):
        if call.job_ids[0] == IDS[10]:
            return reply(400, {"error_code": "DRS.M00202", "error_msg": "The value of jobs is invalid."})
        return status_results(call)

    h.api.route("POST", "/jobs/batch-status", second_chunk_fails)
    with pytest.raises(DrsApiError, match="DRS.M00202"):
        h.client.batch_status(IDS)


def test_list_jobs_reads_every_page_of_every_db_use_type():
    h = Harness()
    migration = [{"id": job_id(n % 1000), "name": "m%d" % n, "status": "CONFIGURATION"} for n in range(100, 250)]

    def jobs(call):
        body = call.json
        if body["db_use_type"] == "migration":
            page = migration[(body["cur_page"] - 1) * 100:body["cur_page"] * 100]
            return reply(200, {"total_record": len(migration), "jobs": page})
        if body["db_use_type"] == "cloudDataGuard":
            return reply(200, {"total_record": 1, "jobs": [{"id": job_id(900), "name": "dr", "error_msg": "reason"}]})
        return reply(200, {"total_record": 0, "jobs": []})

    h.api.route("POST", "/jobs", jobs)
    listed = h.client.list_jobs(status="CONFIGURATION", name=None)
    bodies = [call.json for call in h.calls]
    assert bodies == [
        {"status": "CONFIGURATION", "cur_page": 1, "per_page": 100, "db_use_type": "migration"},
        {"status": "CONFIGURATION", "cur_page": 2, "per_page": 100, "db_use_type": "migration"},
        {"status": "CONFIGURATION", "cur_page": 1, "per_page": 100, "db_use_type": "sync"},
        {"status": "CONFIGURATION", "cur_page": 1, "per_page": 100, "db_use_type": "cloudDataGuard"},
    ]
    assert [job["id"] for job in listed] == [job["id"] for job in migration] + [job_id(900)]
    assert listed[-1]["error_msg"] == "reason"
    assert h.calls[0].url == JOBS_URL


def test_list_jobs_with_one_db_use_type():
    h = Harness()
    h.api.route("POST", "/jobs", reply(200, {"total_record": 1, "jobs": [{"id": IDS[0]}]}))
    assert [job["id"] for job in h.client.list_jobs(db_use_type="sync")] == [IDS[0]]
    assert [call.json["db_use_type"] for call in h.calls] == ["sync"]


def test_list_jobs_reads_to_the_end_when_drs_caps_the_page_size_lower_than_asked():
    h = Harness()
    listed_jobs = [{"id": job_id(n), "name": "m%d" % n, "status": "CONFIGURATION"} for n in range(1, 26)]

    def capped(call):   # per_page 100 asked, 10 given: pages of 10 and the true total
        page = call.json["cur_page"]
        return reply(200, {"total_record": len(listed_jobs), "jobs": listed_jobs[(page - 1) * 10:page * 10]})

    h.api.route("POST", "/jobs", capped)
    listed = h.client.list_jobs(db_use_type="migration")
    assert [call.json["cur_page"] for call in h.calls] == [1, 2, 3]
    assert [job["id"] for job in listed] == [job["id"] for job in listed_jobs]


def test_list_jobs_stops_when_a_page_brings_no_new_job():
    h = Harness()
    page_one = [{"id": job_id(n), "status": "CONFIGURATION"} for n in range(1, 11)]
    h.api.route("POST", "/jobs", reply(200, {"total_record": 30, "jobs": page_one}))   # cur_page ignored
    listed = h.client.list_jobs(db_use_type="sync")
    assert [call.json["cur_page"] for call in h.calls] == [1, 2]
    assert len(listed) == 10


def test_list_jobs_sends_the_selection_filters_as_they_are():
    h = Harness()
    h.api.route("POST", "/jobs", reply(200, {"total_record": 0, "jobs": []}))
    h.client.list_jobs(db_use_type="migration", status="CONFIGURATION", tags={"wave": "1"}, enterprise_project_id="0",
                       engine_type="mysql", net_type="vpc")
    assert [call.json for call in h.calls] == [
        {"status": "CONFIGURATION", "tags": {"wave": "1"}, "enterprise_project_id": "0", "engine_type": "mysql",
         "net_type": "vpc", "cur_page": 1, "per_page": 100, "db_use_type": "migration"}]


# ---- the pure helpers


def test_dedupe_and_chunked():
    assert dedupe(["b", "a", "b", None, "", "c", "a"]) == ["b", "a", "c"]
    assert chunked(list(range(25)), 10) == [list(range(10)), list(range(10, 20)), list(range(20, 25))]
    assert chunked([], 10) == []


def test_normalize_item_keeps_every_key_and_fills_the_three_common_ones():
    assert normalize_item({"job_id": "j", "error_message": "m", "extra": 1}) == {
        "job_id": "j", "error_message": "m", "extra": 1, "id": "j", "error_code": None, "error_msg": "m"}
    assert normalize_item({"id": "i", "job_id": "j", "error_msg": "", "error_code": ""})["id"] == "i"
    assert normalize_item({})["id"] is None


# ---- replies of the wrong shape: per item made harmless, the other jobs keep their results


def test_normalize_item_makes_wrong_shapes_harmless():
    item = normalize_item({"id": {"x": 1}, "job_id": ["j"], "status": {"phase": "RUNNING"}, "error_code": {"c": 1},
                           "error_msg": {"m": 1}, "parent_id": [1], "children": 7})
    assert item["id"] is None and item["status"] is None and item["error_code"] is None
    assert item["error_msg"] == "{'m': 1}" and item["parent_id"] is None and item["children"] == []
    assert normalize_item({"id": 7, "status": 3, "children": [{"id": "c"}, "junk"]}) == {
        "id": "7", "status": "3", "children": [{"id": "c"}], "error_code": None, "error_msg": None}
    assert normalize_item({"id": True})["id"] is None


def test_a_reply_item_of_the_wrong_shape_costs_only_its_own_job():
    h = Harness()
    good, odd = job_id(1), job_id(2)
    h.api.route("POST", "/jobs/batch-status", reply(200, {"count": 3, "results": [
        {"id": good, "status": "CONFIGURATION"},
        {"id": odd, "status": ["CONFIGURATION"], "error_code": {"code": "DRS.M00289"}},   # unhashable code and status
        "not an item"]}))
    items, not_found = h.client.batch_status([good, odd])
    assert items[good]["status"] == "CONFIGURATION"
    assert items[odd]["status"] is None and not_found == []          # no status: never taken as final


def test_a_job_list_with_children_of_the_wrong_shape_is_read():
    h = Harness()
    h.api.route("POST", "/jobs", reply(200, {"total_record": 2, "jobs": [
        {"id": job_id(1), "status": "CONFIGURATION", "children": "none"},
        {"id": job_id(2), "status": "CONFIGURATION", "children": [{"id": job_id(3)}, 5]}]}))
    jobs = h.client.list_jobs(db_use_type="migration")
    assert [job["children"] for job in jobs] == [[], [{"id": job_id(3)}]]
