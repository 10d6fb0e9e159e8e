"""Read endpoints: exact field names, status codes, per-item errors, pagination, project isolation."""

import json
import re

import pytest

from drs_emulator import drs_api, model

START = 1700000000.0
START_MS = int(START * 1000)
A, B = model.PROJECT_A_ID, model.PROJECT_B_ID
MIG = "55555555-6666-4777-8888-9999999jb001"
SYNC = "55555555-6666-4777-8888-9999999jb002"
DR = "55555555-6666-4777-8888-9999999jb003"
FAILED = "55555555-6666-4777-8888-9999999jb004"
NL = "55555555-6666-4777-8888-9999999jb005"
UNKNOWN = "55555555-6666-4777-8888-9999999jb999"
DEFAULTS = {"precheck_duration": 10, "start_duration": 5, "full_duration": 100, "switch_duration": 2,
            "rpo_initial_ms": 120000, "rpo_settle_seconds": 60}
JOBS = [
    {"id": MIG, "name": "orders-migration", "task_mode": "FULL_INCR_TRANS", "precheck": {"passed": True}},
    {"id": SYNC, "name": "customers-sync", "type": "sync", "status": "INCRE_TRANSFER_STARTED", "status_age": 30,
     "description": "running sync"},
    {"id": DR, "name": "sessions-dr", "type": "cloudDataGuard", "precheck": {"passed": True},
     "dr": {"struct_counts": {"database": 3}}},
    {"id": FAILED, "name": "reports-migration", "status": "START_JOB_FAILED",
     "start": {"failed_reason": "The source database is unreachable."}},
    {"id": NL, "name": "nl-migration", "project": "eu-nl"},
]
EPOCH_MS = re.compile(r"^[0-9]{13}$")
DATE_TIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$")


def new_state(profile="otc", jobs=None):
    return model.EmulatorState({"defaults": dict(DEFAULTS), "jobs": jobs or JOBS}, model.Clock(speed=0, start=START),
                               profile=profile)


def call(state, path, body, project=A, method="POST"):
    return drs_api.handle(state, project, method, path, json.dumps(body).encode("utf-8"))


def start(state, job_id):
    status, reply = call(state, "/jobs/batch-starting", {"jobs": [{"job_id": job_id}]})
    assert (status, reply["results"][0]["status"]) == (202, "success")


# --- batch-status ----------------------------------------------------------------------------------------------

def test_status_items_have_id_and_status_only():
    status, reply = call(new_state(), "/jobs/batch-status", {"jobs": [MIG, SYNC]})
    assert status == 200
    assert reply == {"count": 2, "results": [{"id": MIG, "status": "CONFIGURATION"}, {"id": SYNC, "status": "INCRE_TRANSFER_STARTED"}]}


def test_status_of_unknown_and_other_project_ids_is_a_per_item_m00289_without_status():
    status, reply = call(new_state(), "/jobs/batch-status", {"jobs": [UNKNOWN, NL, MIG]})
    assert status == 200
    assert reply["results"] == [
        {"id": UNKNOWN, "error_code": "DRS.M00289", "error_message": "The task does not exist."},
        {"id": NL, "error_code": "DRS.M00289", "error_message": "The task does not exist."},
        {"id": MIG, "status": "CONFIGURATION"},
    ]


def test_project_b_sees_its_own_job():
    status, reply = call(new_state(), "/jobs/batch-status", {"jobs": [NL, MIG]}, project=B)
    assert (status, reply["results"]) == (200, [{"id": NL, "status": "CONFIGURATION"},
                                                {"id": MIG, "error_code": "DRS.M00289", "error_message": "The task does not exist."}])


SEVEN = ["55555555-6666-4777-8888-9999990jb%03d" % n for n in range(1, 8)]


def seven_jobs():
    return new_state(jobs=[{"id": job_id, "name": "paged-%d" % n} for n, job_id in enumerate(SEVEN)])


@pytest.mark.parametrize("page,expected", [
    (None, SEVEN[:5]),
    ({"cur_page": 2}, SEVEN[5:]),
    ({"per_page": 0}, SEVEN),
    ({"per_page": 3, "cur_page": 3}, SEVEN[6:]),
    ({"per_page": 100}, SEVEN),
    ({}, SEVEN[:5]),
    ({"cur_page": 0}, SEVEN),
    ({"cur_page": 0, "per_page": 0}, SEVEN),
    ({"cur_page": 1, "per_page": 0}, SEVEN),
])
def test_status_and_detail_pagination_default_to_five_and_count_the_returned_items(page, expected):
    # count is the number of results returned (SDK BatchListJobStatusResponse.count; OTC "Number of returned tasks");
    # 0 in cur_page or per_page returns every item (SDK PageReq).
    body = {"jobs": SEVEN}
    if page is not None:
        body["page_req"] = page
    for path in ("/jobs/batch-status", "/jobs/batch-detail"):
        status, reply = call(seven_jobs(), path, body)
        assert status == 200
        assert reply["count"] == len(expected)
        assert [item["id"] for item in reply["results"]] == expected


def test_other_read_endpoints_are_not_paged():
    status, reply = call(seven_jobs(), "/jobs/batch-progress", {"jobs": SEVEN, "page_req": {"per_page": 1}})
    assert (status, reply["count"], len(reply["results"])) == (202, 7, 7)


# --- batch-detail ----------------------------------------------------------------------------------------------

def test_detail_has_the_real_fields_and_secrets_to_strip():
    state = new_state()
    start(state, MIG)
    state.clock.advance(30)
    status, reply = call(state, "/jobs/batch-detail", {"jobs": [MIG]})
    assert status == 200 and reply["count"] == 1
    item = reply["results"][0]
    assert (item["id"], item["name"], item["status"], item["task_type"], item["db_use_type"], item["job_direction"]) == (
        MIG, "orders-migration", "FULL_TRANSFER_STARTED", "FULL_INCR_TRANS", "migration", "up")
    assert item["create_time"] == str(START_MS - 86400000)
    assert item["actual_start_time"] == str(START_MS)
    assert item["update_time"] == str(START_MS + 5000)
    assert "full_transfer_complete_time" not in item and "error_code" not in item and "parent_id" not in item
    assert item["node_num"] == 1 and item["failed_reason"] == "" and item["master_job_id"] == ""
    for side in ("source_endpoint", "target_endpoint"):
        endpoint = item[side]
        assert endpoint["db_password"] == model.DETAIL_SECRETS["db_password"]
        assert endpoint["ssl_cert_password"] == model.DETAIL_SECRETS["ssl_cert_password"]
        assert endpoint["ssl_cert_key"] == model.DETAIL_SECRETS["ssl_cert_key"]
        assert isinstance(endpoint["db_port"], int) and isinstance(endpoint["ssl_link"], bool)
    assert item["target_endpoint"]["inst_id"].endswith("in01") and len(item["target_endpoint"]["inst_id"]) == 36
    assert item["target_endpoint"]["project_id"] == A
    assert set(item["inst_info"]) == {"engine_type", "inst_type", "ip", "public_ip", "start_time", "status", "volume_size"}
    assert (item["inst_info"]["start_time"], item["inst_info"]["status"]) == ("0", "ACTIVE")


def test_detail_of_a_failed_start_carries_the_reason():
    status, reply = call(new_state(), "/jobs/batch-detail", {"jobs": [FAILED]})
    assert status == 200
    assert (reply["results"][0]["status"], reply["results"][0]["failed_reason"]) == ("START_JOB_FAILED", "The source database is unreachable.")


def test_detail_of_an_unknown_job_is_http_400_with_a_results_body():
    status, reply = call(new_state(), "/jobs/batch-detail", {"jobs": [UNKNOWN]})
    assert status == 400
    assert reply == {"count": 1, "results": [{"id": UNKNOWN, "error_code": "DRS.M00289", "error_message": "The task does not exist."}]}


def test_detail_with_one_unknown_job_among_known_ones_is_400_with_all_items():
    status, reply = call(new_state(), "/jobs/batch-detail", {"jobs": [MIG, NL]})
    assert status == 400
    assert reply["results"][0]["status"] == "CONFIGURATION"
    assert reply["results"][1] == {"id": NL, "error_code": "DRS.M00289", "error_message": "The task does not exist."}


def test_hw_detail_has_tags_and_no_children():
    # QueryJobResp.children lists sub-tasks whose EIP binding failed, as {id, name} objects; none fail here,
    # and a dual-active parent does not list its forward and backward tasks there.
    state = new_state(profile="hw", jobs=JOBS + [
        {"id": "55555555-6666-4777-8888-9999999jb500", "name": "dual-dr", "type": "cloudDataGuard", "dr": {"role": "parent"}},
        {"id": "55555555-6666-4777-8888-9999999jb501", "name": "dual-dr-forward", "type": "cloudDataGuard",
         "dr": {"role": "forward", "parent": "55555555-6666-4777-8888-9999999jb500"}}])
    items = call(state, "/jobs/batch-detail", {"jobs": [MIG, "55555555-6666-4777-8888-9999999jb500"]})[1]["results"]
    assert [(item["tags"], item["node_num"], "children" in item) for item in items] == [([], 1, False), ([], 1, False)]


# --- batch-progress --------------------------------------------------------------------------------------------

def test_progress_of_an_incremental_job():
    # 30 s into the incremental phase the delay has eased from 120 s to 87.426 s (under 60 s at 60 s)
    status, reply = call(new_state(), "/jobs/batch-progress", {"jobs": [SYNC]})
    assert status == 202
    assert reply == {"count": 1, "results": [{
        "job_id": SYNC, "progress": "100", "incre_trans_delay": "87", "task_mode": "FULL_INCR_TRANS",
        "transfer_status": "INCRE_TRANSFER_STARTED", "process_time": str(START_MS - 88000), "remaining_time": "0"}]}


def test_progress_delay_falls_as_the_clock_runs():
    state = new_state()
    delays = []
    for step in (30, 40, 50, 85):
        state.clock.advance(step)
        delays.append(call(state, "/jobs/batch-progress", {"jobs": [SYNC]})[1]["results"][0]["incre_trans_delay"])
    assert delays == ["59", "31", "8", "0"]


def test_progress_at_full_transfer_complete_reads_zero_as_the_seed_example():
    state = new_state()
    start(state, MIG)
    state.clock.advance(5 + 100 + 1)
    item = call(state, "/jobs/batch-progress", {"jobs": [MIG]})[1]["results"][0]
    assert (item["transfer_status"], item["progress"], item["incre_trans_delay"], item["process_time"],
            item["remaining_time"]) == ("FULL_TRANSFER_COMPLETE", "0", "-1", "0", "0")
    assert set(item["progress_map"]) == {"struct", "data", "index"}


def test_progress_in_the_full_phase_has_a_progress_map():
    state = new_state()
    start(state, MIG)
    state.clock.advance(5 + 50)
    item = call(state, "/jobs/batch-progress", {"jobs": [MIG]})[1]["results"][0]
    assert item == {"job_id": MIG, "progress": "50", "incre_trans_delay": "-1", "task_mode": "FULL_INCR_TRANS",
                    "transfer_status": "FULL_TRANSFER_STARTED", "process_time": "0", "remaining_time": "50",
                    "progress_map": {"struct": {"completed": "100%", "remaining_time": None},
                                     "data": {"completed": "42%", "remaining_time": None},
                                     "index": {"completed": "0%", "remaining_time": None}}}


def test_progress_before_the_start_is_zero():
    item = call(new_state(), "/jobs/batch-progress", {"jobs": [MIG]})[1]["results"][0]
    assert (item["progress"], item["incre_trans_delay"], item["transfer_status"], "progress_map" in item) == (
        "0", "-1", "CONFIGURATION", False)


def test_progress_is_200_with_millis_in_the_hw_profile():
    status, reply = call(new_state(profile="hw"), "/jobs/batch-progress", {"jobs": [SYNC, MIG]})
    assert status == 200
    assert reply["results"][0]["incre_trans_delay_millis"] == "87426"
    assert reply["results"][1]["incre_trans_delay_millis"] == "-1"


def test_progress_of_an_unknown_job_uses_job_id_and_error_msg():
    status, reply = call(new_state(), "/jobs/batch-progress", {"jobs": [UNKNOWN]})
    assert (status, reply["results"]) == (202, [{"job_id": UNKNOWN, "error_code": "DRS.M00289", "error_msg": "The task does not exist."}])


# --- batch-rpo-and-rto -----------------------------------------------------------------------------------------

def test_rpo_and_rto_of_a_dr_job_evolve_from_start_to_settled():
    state = new_state()
    before = call(state, "/jobs/batch-rpo-and-rto", {"jobs": [DR]})
    not_incremental = {"delay": "-1", "time": "", "gtid_set": "NA", "check_point": ""}
    assert before == (202, {"count": 1, "results": [{"job_id": DR, "rpo_info": not_incremental, "rto_info": not_incremental}]})
    start(state, DR)
    state.clock.advance(107 + 30)
    item = call(state, "/jobs/batch-rpo-and-rto", {"jobs": [DR]})[1]["results"][0]
    assert (item["rpo_info"]["delay"], item["rto_info"]["delay"]) == ("87426", "74242")  # separate values
    assert DATE_TIME.match(item["rpo_info"]["time"])
    assert item["rpo_info"]["time"] == item["rto_info"]["time"] == model.date_time_string(START + 137)  # now
    assert item["rpo_info"]["check_point"].startswith("mysql-bin.000514:")
    state.clock.advance(30)
    item = call(state, "/jobs/batch-rpo-and-rto", {"jobs": [DR]})[1]["results"][0]
    assert (item["rpo_info"]["delay"], item["rto_info"]["delay"]) == ("59999", "59999")
    state.clock.advance(300)
    item = call(state, "/jobs/batch-rpo-and-rto", {"jobs": [DR]})[1]["results"][0]
    assert (item["rpo_info"]["delay"], item["rto_info"]["delay"]) == ("0", "0")


def test_rpo_and_rto_of_a_migration_job_is_a_per_item_error():
    status, reply = call(new_state(), "/jobs/batch-rpo-and-rto", {"jobs": [MIG, UNKNOWN]})
    assert status == 202
    assert reply["results"] == [
        {"job_id": MIG, "error_code": "DRS.M00304",
         "error_msg": "This API cannot be called in the current task status. Only disaster recovery tasks have this information."},
        {"job_id": UNKNOWN, "error_code": "DRS.M00289", "error_msg": "The task does not exist."}]


# --- batch-struct-process ---------------------------------------------------------------------------------------

def test_struct_process_before_and_during_initialisation():
    state = new_state()
    assert call(state, "/jobs/batch-struct-process", {"jobs": [DR]}) == (
        200, {"count": 1, "results": [{"job_id": DR, "struct_process": {"result": [], "create_time": str(START_MS)}}]})
    start(state, DR)
    state.clock.advance(5 + 50)
    rows = call(state, "/jobs/batch-struct-process", {"jobs": [DR]})[1]["results"][0]["struct_process"]["result"]
    assert [(row["type"], row["status"]) for row in rows] == [("table", 2), ("view", 2), ("table_structure", 2), ("database", 1)]
    assert rows[0] == {"type": "table", "status": 2, "src_count": 48, "dst_count": 48, "start_time": START_MS + 5000,
                       "end_time": START_MS + 5000 + 14285}
    assert rows[3] == {"type": "database", "status": 1, "src_count": 3, "dst_count": 1, "start_time": START_MS + 5000 + 42857}
    state.clock.advance(50)
    rows = call(state, "/jobs/batch-struct-process", {"jobs": [DR]})[1]["results"][0]["struct_process"]["result"]
    assert len(rows) == 7 and {row["status"] for row in rows} == {2} and all(row["type"].islower() for row in rows)


def test_struct_process_of_a_migration_or_unknown_job_uses_error_message():
    status, reply = call(new_state(), "/jobs/batch-struct-process", {"jobs": [MIG, UNKNOWN]})
    assert status == 200
    assert reply["results"][0]["error_code"] == "DRS.M00304" and "error_message" in reply["results"][0]
    assert reply["results"][1] == {"job_id": UNKNOWN, "error_code": "DRS.M00289", "error_message": "The task does not exist."}


# --- batch-precheck-result ---------------------------------------------------------------------------------------

def test_precheck_result_before_any_precheck_is_a_per_item_m00304():
    status, reply = call(new_state(), "/jobs/batch-precheck-result", {"jobs": [SYNC, NL]}, project=B)
    assert status == 200
    assert reply["results"] == [
        {"precheck_id": SYNC, "error_code": "DRS.M00289", "error_msg": "The task does not exist."},
        {"precheck_id": NL, "error_code": "DRS.M00304",
         "error_msg": "This API cannot be called in the current task status. No pre-check has been submitted for this task."}]


def test_precheck_result_of_a_passed_precheck():
    status, reply = call(new_state(), "/jobs/batch-precheck-result", {"jobs": [MIG]})
    item = reply["results"][0]
    assert status == 200
    assert set(item) == {"precheck_id", "result", "process", "total_passed_rate", "rds_instance_id", "job_direction", "precheck_result"}
    assert (item["precheck_id"], item["result"], item["process"], item["total_passed_rate"], item["job_direction"]) == (
        MIG, True, "100%", "100%", "up")
    assert len(item["precheck_result"]) == 39
    disk = [entry for entry in item["precheck_result"] if entry["item"] == "dstDbDiskSize"][0]
    assert set(disk) == {"item", "result", "data", "group"}  # PASSED items: the keys of the OTC example
    plain = [entry for entry in item["precheck_result"] if entry["item"] == "srcDbConnection"][0]
    assert plain == {"item": "srcDbConnection", "result": "PASSED", "group": "network"}
    assert json.loads(disk["data"]) == {"diskSizeTimes": "1.5", "dstVolumeSize": "37660000000", "srcDbSize": "12480000000"}


# --- POST /jobs (list) -------------------------------------------------------------------------------------------

def test_list_jobs_returns_total_and_job_infos_newest_first():
    status, reply = call(new_state(), "/jobs", {"db_use_type": "migration"})
    assert status == 200
    assert reply["total_record"] == 2
    assert [job["id"] for job in reply["jobs"]] == [FAILED, MIG]
    info = reply["jobs"][1]
    assert set(info) == {"id", "name", "status", "description", "create_time", "engine_type", "net_type", "billing_tag",
                         "job_direction", "db_use_type", "task_type", "node_newFramework"}  # error_msg only when failed
    assert info["create_time"] == model.date_time_string(START - 86400)
    assert reply["jobs"][0]["error_msg"] == "The source database is unreachable."


def test_list_jobs_filters_by_name_id_status_and_engine():
    state = new_state()
    assert [job["id"] for job in call(state, "/jobs", {"db_use_type": "migration", "name": "orders"})[1]["jobs"]] == [MIG]
    assert [job["id"] for job in call(state, "/jobs", {"db_use_type": "migration", "name": "%s,%s" % (FAILED, UNKNOWN)})[1]["jobs"]] == [FAILED]
    assert call(state, "/jobs", {"db_use_type": "migration", "status": "CONFIGURATION"})[1]["total_record"] == 1
    assert call(state, "/jobs", {"db_use_type": "migration", "engine_type": "mongodb"})[1] == {"total_record": 0, "jobs": []}
    assert call(state, "/jobs", {"db_use_type": "sync"}, project=B)[1] == {"total_record": 0, "jobs": []}


def test_list_jobs_pages_default_to_ten():
    jobs = [{"id": "55555555-6666-4777-8888-9999998jb%03d" % n, "name": "fleet-%02d" % n} for n in range(25)]
    state = new_state(jobs=jobs)
    first = call(state, "/jobs", {"db_use_type": "migration"})[1]
    assert (first["total_record"], len(first["jobs"]), first["jobs"][0]["name"]) == (25, 10, "fleet-24")
    third = call(state, "/jobs", {"db_use_type": "migration", "cur_page": 3, "per_page": 10})[1]
    assert [job["name"] for job in third["jobs"]] == ["fleet-04", "fleet-03", "fleet-02", "fleet-01", "fleet-00"]
    assert len(call(state, "/jobs", {"db_use_type": "migration", "per_page": 0})[1]["jobs"]) == 25
    assert call(state, "/jobs", {"db_use_type": "migration", "cur_page": 9})[1] == {"total_record": 25, "jobs": []}


TAGGED = [{"id": "55555555-6666-4777-8888-9999997jb%03d" % n, "name": "wave-%02d" % n, "tags": {"wave": str(n % 2 + 1)},
           "enterprise_project_id": "eps-%d" % (n % 3)} for n in range(6)]


def test_list_jobs_filters_by_tags_and_enterprise_project():
    state = new_state(jobs=TAGGED)
    listed = call(state, "/jobs", {"db_use_type": "migration", "tags": {"wave": "1"}, "per_page": 0})[1]
    assert sorted(job["name"] for job in listed["jobs"]) == ["wave-00", "wave-02", "wave-04"]
    listed = call(state, "/jobs", {"db_use_type": "migration", "tags": {"wave": "1"}, "enterprise_project_id": "eps-0"})[1]
    assert [job["name"] for job in listed["jobs"]] == ["wave-00"]
    assert "tags" not in listed["jobs"][0]          # JobInfo carries no tags
    assert call(state, "/jobs", {"db_use_type": "migration", "tags": ["wave"]})[0] == 400


def test_the_harsh_readings_ignore_the_tags_filter_and_cap_the_list_page():
    state = new_state("pessimistic", jobs=TAGGED)
    listed = call(state, "/jobs", {"db_use_type": "migration", "tags": {"wave": "1"}, "per_page": 100})[1]
    assert listed["total_record"] == 6               # the tags filter is not applied
    state.set_readings({"list_page_max": 4})
    page = call(state, "/jobs", {"db_use_type": "migration", "per_page": 100, "cur_page": 2})[1]
    assert (page["total_record"], len(page["jobs"])) == (6, 2)


def test_hw_details_carry_the_job_tags_and_otc_details_none():
    detail = call(new_state("hw", jobs=TAGGED), "/jobs/batch-detail", {"jobs": [TAGGED[1]["id"]]})[1]["results"][0]
    assert detail["tags"] == [{"key": "wave", "value": "2"}]
    assert "tags" not in call(new_state(jobs=TAGGED), "/jobs/batch-detail", {"jobs": [TAGGED[1]["id"]]})[1]["results"][0]


def test_fixture_tags_are_checked():
    with pytest.raises(ValueError, match="tags must map"):
        new_state(jobs=[{"id": TAGGED[0]["id"], "name": "bad-tags", "tags": {"wave": ["1"]}}])


def test_hw_list_has_job_actions():
    info = call(new_state(profile="hw"), "/jobs", {"db_use_type": "sync"})[1]["jobs"][0]
    assert info["job_action"] == {"available_actions": ["pause", "terminate"],
                                  "unavailable_actions": ["precheck", "start", "retry", "delete"], "current_action": ""}


# --- stats ---------------------------------------------------------------------------------------------------------

def test_read_requests_are_counted_per_job_and_endpoint():
    state = new_state()
    call(state, "/jobs/batch-status", {"jobs": [MIG, SYNC, UNKNOWN]})
    call(state, "/jobs/batch-status", {"jobs": [MIG]})
    call(state, "/jobs/batch-detail", {"jobs": [MIG]})
    call(state, "/jobs/batch-status", {"jobs": [NL]})  # other project: not counted for NL
    stats = state.job_stats()
    assert stats[MIG]["requests"] == {"batch-status": 2, "batch-detail": 1}
    assert stats[SYNC]["requests"] == {"batch-status": 1}
    assert stats[NL]["requests"] == {}
    assert UNKNOWN not in stats


# --- fields the sources settle (MODEL.md, "Documented choices") ------------------------------------------------------

def test_dual_active_children_name_their_parent_in_master_job_id():
    parent, forward, backward = ("55555555-6666-4777-8888-9999999jb%03d" % n for n in (600, 601, 602))
    state = new_state(jobs=JOBS + [
        {"id": parent, "name": "dual-dr", "type": "cloudDataGuard", "dr": {"role": "parent"}},
        {"id": forward, "name": "dual-dr-forward", "type": "cloudDataGuard", "dr": {"role": "forward", "parent": parent}},
        {"id": backward, "name": "dual-dr-backward", "type": "cloudDataGuard", "dr": {"role": "backward", "parent": parent}}])
    items = call(state, "/jobs/batch-detail", {"jobs": [parent, forward, backward]})[1]["results"]
    assert [(item["master_job_id"], item["job_direction"]) for item in items] == [
        ("", "up"), (parent, "up"), (parent, "down")]


def test_precheck_result_is_refused_outside_configuration_in_the_otc_profile_only():
    for profile, expected in (("otc", "DRS.M00304"), ("hw", None)):
        state = new_state(profile=profile)
        start(state, MIG)
        item = call(state, "/jobs/batch-precheck-result", {"jobs": [MIG]})[1]["results"][0]
        assert item.get("error_code") == expected
        if expected:
            assert item["error_msg"].endswith("Pre-check results can be queried only in CONFIGURATION (task status: STARTJOBING).")
