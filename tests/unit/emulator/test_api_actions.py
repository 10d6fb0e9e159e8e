"""Action endpoints: pre-check, start, pause, retry, terminate/delete; per-job refusals, busy jobs, stats."""

import json

import pytest

from drs_emulator import drs_api, model

START = 1700000000.0
START_MS = int(START * 1000)
A, B = model.PROJECT_A_ID, model.PROJECT_B_ID
FRESH = "66666666-7777-4888-8999-aaaaaaajb001"
READY = "66666666-7777-4888-8999-aaaaaaajb002"
ALARM = "66666666-7777-4888-8999-aaaaaaajb003"
BROKEN = "66666666-7777-4888-8999-aaaaaaajb004"
DOOMED = "66666666-7777-4888-8999-aaaaaaajb005"
SYNC = "66666666-7777-4888-8999-aaaaaaajb006"
STOPPED = "66666666-7777-4888-8999-aaaaaaajb007"
DR = "66666666-7777-4888-8999-aaaaaaajb008"
NL = "66666666-7777-4888-8999-aaaaaaajb009"
UNKNOWN = "66666666-7777-4888-8999-aaaaaaajb999"
WRONG = "This API cannot be called in the current task status. "
JOBS = [
    {"id": FRESH, "name": "fresh-migration"},
    {"id": READY, "name": "ready-migration", "task_mode": "INCR_TRANS", "precheck": {"passed": True}},
    {"id": ALARM, "name": "alarm-migration", "precheck": {"outcome": "alarm"}},
    {"id": BROKEN, "name": "broken-migration", "precheck": {"outcome": "fail"}},
    {"id": DOOMED, "name": "doomed-migration", "precheck": {"passed": True},
     "start": {"outcome": "fail", "failed_reason": "Source database 10.0.0.7:3306 refused the connection."}},
    {"id": SYNC, "name": "running-sync", "type": "sync", "status": "INCRE_TRANSFER_STARTED", "status_age": 600},
    {"id": STOPPED, "name": "stopped-migration", "status": "RELEASE_RESOURCE_COMPLETE"},
    {"id": DR, "name": "running-dr", "type": "cloudDataGuard", "status": "INCRE_TRANSFER_STARTED"},
    {"id": NL, "name": "nl-migration", "project": "eu-nl", "precheck": {"passed": True}},
]
DEFAULTS = {"precheck_duration": 10, "start_duration": 5, "full_duration": 100, "switch_duration": 2, "release_duration": 8}


def new_state():
    return model.EmulatorState({"defaults": dict(DEFAULTS), "jobs": JOBS}, model.Clock(speed=0, start=START))


def call(state, path, jobs, method="POST", project=A, busy=None):
    body = json.dumps({"jobs": jobs}).encode("utf-8")
    if busy is None:
        return drs_api.handle(state, project, method, path, body)
    return drs_api.handle(state, project, method, path, body, busy=busy)


def status_of(state, job_id, project=A):
    return call(state, "/jobs/batch-status", [job_id], project=project)[1]["results"][0].get("status")


def precheck(state, *job_ids, mode="forStartJob"):
    return call(state, "/jobs/batch-precheck", [{"job_id": job_id, "precheck_mode": mode} for job_id in job_ids])


def start(state, *job_ids, start_time=None):
    items = [{"job_id": job_id} for job_id in job_ids]
    if start_time is not None:
        for item in items:
            item["start_time"] = start_time
    return call(state, "/jobs/batch-starting", items)


def result(state, job_id):
    return call(state, "/jobs/batch-precheck-result", [job_id])[1]["results"][0]


def failed(job_id, code, msg):
    return {"id": job_id, "status": "failed", "error_code": code, "error_msg": msg}


# --- batch-precheck / batch-precheck-result -------------------------------------------------------------------------

def test_precheck_is_accepted_and_runs_to_100_percent():
    state = new_state()
    assert precheck(state, FRESH) == (200, {"count": 1, "results": [{"id": FRESH, "status": "success", "precheck_id": FRESH}]})
    running = result(state, FRESH)
    assert (running["process"], running["result"], running["total_passed_rate"], running["precheck_result"]) == ("0%", False, "0%", [])
    state.clock.advance(4)
    running = result(state, FRESH)
    assert (running["process"], running["result"], len(running["precheck_result"])) == ("40%", False, 15)
    state.clock.advance(6)
    done = result(state, FRESH)
    assert (done["process"], done["result"], done["total_passed_rate"], len(done["precheck_result"])) == ("100%", True, "100%", 39)
    assert {item["result"] for item in done["precheck_result"]} == {"PASSED"}


def test_precheck_with_alarm_items_still_passes():
    state = new_state()
    precheck(state, ALARM)
    state.clock.advance(10)
    done = result(state, ALARM)
    assert (done["result"], done["total_passed_rate"]) == (True, "100%")
    alarms = [item for item in done["precheck_result"] if item["result"] == "ALARM"]
    assert [(item["item"], item["group"], item["failed_reason"]) for item in alarms] == [
        ("srcDbBinlogExpireLogsDays", "db_params", "SRC_BINLOG_EXPIRE_LOGS_DAYS_TOO_SHORT"),
        ("hasForeignKeyOnUnselectedTable", "db_object_dependency_check", "HAS_FOREIGN_KEY_ON_UNSELECTED_TABLE")]
    assert json.loads(alarms[0]["data"]) == {"expire_logs_days": "1", "recommended": "3"}


def test_failed_precheck_lists_realistic_failed_items():
    state = new_state()
    precheck(state, BROKEN)
    state.clock.advance(10)
    done = result(state, BROKEN)
    assert (done["process"], done["result"], done["total_passed_rate"]) == ("100%", False, "94%")
    failures = {item["item"]: item for item in done["precheck_result"] if item["result"] == "FAILED"}
    assert set(failures) == {"srcDbBinlogIsOff", "dstDbPrivilegesIsEnough"}
    binlog = failures["srcDbBinlogIsOff"]
    assert (binlog["group"], binlog["failed_reason"]) == ("db_params", "SRC_DB_BINLOG_IS_OFF")
    assert binlog["raw_error_msg"].startswith("The binlog of the source database is disabled")
    assert isinstance(binlog["data"], str) and json.loads(binlog["data"]) == {"log_bin": "OFF"}


def test_precheck_in_the_wrong_status_or_mode_is_a_per_item_m00304():
    state = new_state()
    status, reply = precheck(state, SYNC, STOPPED, FRESH)
    assert status == 200
    assert [item["status"] for item in reply["results"]] == ["failed", "failed", "success"]
    assert reply["results"][0] == failed(SYNC, "DRS.M00304", WRONG + "Task status: INCRE_TRANSFER_STARTED; a forStartJob "
                                         "pre-check is possible only in CONFIGURATION.")
    assert reply["results"][1]["error_code"] == "DRS.M00304"
    status, reply = precheck(state, FRESH, mode="forRetryJob")
    assert reply["results"][0]["error_code"] == "DRS.M00304"
    assert precheck(state, SYNC, mode="forRetryJob")[1]["results"][0]["status"] == "success"


def test_resubmitting_a_running_precheck_keeps_the_run():
    state = new_state()
    precheck(state, FRESH)
    state.clock.advance(5)
    assert precheck(state, FRESH)[1]["results"][0]["status"] == "success"
    assert result(state, FRESH)["process"] == "50%"
    assert state.job_stats()[FRESH]["prechecks"] == 1
    assert state.job_stats()[FRESH]["requests"] == {"batch-precheck": 2, "batch-precheck-result": 1}


# --- batch-starting ------------------------------------------------------------------------------------------------

def test_start_after_a_passed_precheck_runs_the_task_mode_sequence():
    state = new_state()
    assert start(state, READY) == (202, {"count": 1, "results": [{"id": READY, "status": "success"}]})
    assert status_of(state, READY) == "STARTJOBING"
    state.clock.advance(5)
    assert status_of(state, READY) == "INCRE_TRANSFER_STARTED"
    stats = state.job_stats()[READY]
    assert (stats["starts"], stats["start_requests"]) == (1, 1)
    assert stats["transitions"] == [{"from": "CONFIGURATION", "to": "STARTJOBING", "at_ms": START_MS},
                                    {"from": "STARTJOBING", "to": "INCRE_TRANSFER_STARTED", "at_ms": START_MS + 5000}]


def test_start_needs_a_finished_passed_precheck():
    state = new_state()
    assert start(state, FRESH)[1]["results"] == [failed(FRESH, "DRS.M00304", WRONG + "The task has not been pre-checked; run batch-precheck first.")]
    precheck(state, FRESH, BROKEN)
    state.clock.advance(3)
    assert start(state, FRESH)[1]["results"] == [failed(FRESH, "DRS.M00304", WRONG + "The pre-check is still running (30%).")]
    state.clock.advance(7)
    assert start(state, BROKEN)[1]["results"] == [
        failed(BROKEN, "DRS.M00304", WRONG + "The pre-check did not pass; fix the FAILED items and run it again.")]
    assert start(state, FRESH)[1]["results"][0]["status"] == "success"
    assert status_of(state, BROKEN) == "CONFIGURATION"
    stats = state.job_stats()
    assert (stats[FRESH]["starts"], stats[FRESH]["start_requests"], stats[BROKEN]["starts"]) == (1, 3, 0)


def test_start_with_alarm_items_is_allowed():
    state = new_state()
    precheck(state, ALARM)
    state.clock.advance(10)
    assert start(state, ALARM)[1]["results"][0]["status"] == "success"


def test_starting_a_started_job_is_refused():
    state = new_state()
    start(state, READY)
    assert start(state, READY)[1]["results"] == [
        failed(READY, "DRS.M00304", WRONG + "Task status: STARTJOBING; a task can be started only in CONFIGURATION.")]
    assert state.job_stats()[READY]["starts"] == 1


def test_scheduled_start_waits_for_start_time():
    state = new_state()
    assert start(state, READY, start_time=str(START_MS + 120000))[1]["results"][0]["status"] == "success"
    assert status_of(state, READY) == "WAITING_FOR_START"
    assert state.job_admin_view(READY)["start_at_ms"] == START_MS + 120000
    state.clock.advance(119.999)
    assert status_of(state, READY) == "WAITING_FOR_START"
    state.clock.advance(0.001)
    assert status_of(state, READY) == "STARTJOBING"
    assert state.job_stats()[READY]["transitions"] == [
        {"from": "CONFIGURATION", "to": "WAITING_FOR_START", "at_ms": START_MS},
        {"from": "WAITING_FOR_START", "to": "STARTJOBING", "at_ms": START_MS + 120000}]


def test_start_time_in_the_past_or_empty_starts_now():
    state = new_state()
    start(state, READY, start_time=str(START_MS - 5000))
    start(state, DOOMED, start_time="")
    assert (status_of(state, READY), status_of(state, DOOMED)) == ("STARTJOBING", "STARTJOBING")


def test_a_start_can_end_in_start_job_failed_with_a_reason():
    state = new_state()
    start(state, DOOMED)
    state.clock.advance(5)
    assert status_of(state, DOOMED) == "START_JOB_FAILED"
    detail = call(state, "/jobs/batch-detail", [DOOMED])[1]["results"][0]
    assert detail["failed_reason"] == "Source database 10.0.0.7:3306 refused the connection."
    listed = drs_api.handle(state, A, "POST", "/jobs", json.dumps({"db_use_type": "migration", "name": "doomed"}).encode())[1]
    assert listed["jobs"][0]["error_msg"] == "Source database 10.0.0.7:3306 refused the connection."
    assert call(state, "/jobs/batch-retry-task", [{"job_id": DOOMED}])[1]["results"][0]["status"] == "success"
    assert status_of(state, DOOMED) == "STARTJOBING"
    state.clock.advance(5 + 100 + 2)
    assert status_of(state, DOOMED) == "INCRE_TRANSFER_STARTED"


# --- pause / retry -------------------------------------------------------------------------------------------------

def test_pause_and_resume_a_running_sync():
    state = new_state()
    assert call(state, "/jobs/batch-pause-task", [{"job_id": SYNC, "pause_mode": "target"}]) == (
        200, {"count": 1, "results": [{"id": SYNC, "status": "success"}]})
    assert status_of(state, SYNC) == "PAUSING"
    assert call(state, "/jobs/batch-retry-task", [{"job_id": SYNC, "is_sync_re_edit": False}]) == (
        200, {"count": 1, "results": [{"id": SYNC, "status": "success"}]})
    assert status_of(state, SYNC) == "INCRE_TRANSFER_STARTED"
    assert [step["to"] for step in state.job_stats()[SYNC]["transitions"]] == ["PAUSING", "INCRE_TRANSFER_STARTED"]


def test_pause_and_retry_refusals():
    state = new_state()
    reply = call(state, "/jobs/batch-pause-task", [{"job_id": FRESH, "pause_mode": "all"}, {"job_id": DR, "pause_mode": "all"}])[1]
    assert reply["results"][0]["error_code"] == "DRS.M00304"
    assert reply["results"][0]["error_msg"].startswith(WRONG + "Task status: CONFIGURATION; a task can be paused only in ")
    assert reply["results"][1] == failed(DR, "DRS.M00304", WRONG + "Only migration and synchronization tasks can be paused.")
    reply = call(state, "/jobs/batch-retry-task", [{"job_id": SYNC}])[1]
    assert reply["results"] == [failed(SYNC, "DRS.M00304", WRONG + "Task status: INCRE_TRANSFER_STARTED; only paused or failed "
                                       "tasks can be resumed or retried.")]


# --- batch-jobs (terminate / force_terminate / delete) ----------------------------------------------------------------

def delete(state, job_id, delete_type):
    return call(state, "/jobs/batch-jobs", [{"job_id": job_id, "delete_type": delete_type}], method="DELETE")


def test_terminate_then_delete():
    state = new_state()
    assert delete(state, SYNC, "delete")[1]["results"][0]["error_msg"].startswith(WRONG + "Task status: INCRE_TRANSFER_STARTED; only tasks in ")
    assert delete(state, SYNC, "terminate") == (202, {"count": 1, "results": [{"id": SYNC, "status": "success"}]})
    assert status_of(state, SYNC) == "RELEASE_RESOURCE_STARTED"
    assert delete(state, SYNC, "terminate")[1]["results"][0]["error_code"] == "DRS.M00304"
    state.clock.advance(8)
    assert status_of(state, SYNC) == "RELEASE_RESOURCE_COMPLETE"
    assert delete(state, SYNC, "delete") == (202, {"count": 1, "results": [{"id": SYNC, "status": "success"}]})
    assert call(state, "/jobs/batch-status", [SYNC])[1]["results"] == [{"id": SYNC, "status": "DELETED"}]
    assert call(state, "/jobs/batch-detail", [SYNC]) == (400, {"count": 1, "results": [
        {"id": SYNC, "error_code": "DRS.M05004", "error_message": "The task has been deleted or its resources have been released."}]})
    assert delete(state, SYNC, "delete")[1]["results"] == [
        failed(SYNC, "DRS.M05004", "The task has been deleted or its resources have been released.")]
    assert drs_api.handle(state, A, "POST", "/jobs", b'{"db_use_type": "sync"}')[1] == {"total_record": 0, "jobs": []}
    # four requests reached the job; the one after the delete met a deleted id and is not counted
    assert state.job_stats()[SYNC]["requests"]["batch-jobs"] == 4


def test_force_terminate_stops_a_configured_job_and_stopped_jobs_can_be_deleted():
    state = new_state()
    assert delete(state, FRESH, "force_terminate")[1]["results"][0]["status"] == "success"
    assert delete(state, STOPPED, "delete")[1]["results"][0]["status"] == "success"
    assert delete(state, STOPPED, "terminate")[1]["results"][0]["error_code"] == "DRS.M05004"


# --- unknown ids, busy jobs, projects -----------------------------------------------------------------------------------

@pytest.mark.parametrize("path,item,method", [
    ("/jobs/batch-precheck", {"precheck_mode": "forStartJob"}, "POST"),
    ("/jobs/batch-starting", {}, "POST"),
    ("/jobs/batch-pause-task", {"pause_mode": "all"}, "POST"),
    ("/jobs/batch-retry-task", {}, "POST"),
    ("/jobs/batch-jobs", {"delete_type": "terminate"}, "DELETE"),
])
def test_unknown_and_other_project_jobs_fail_per_item_with_m00289(path, item, method):
    state = new_state()
    items = [dict(item, job_id=job_id) for job_id in (UNKNOWN, NL)]
    status, reply = call(state, path, items, method=method)
    assert status in (200, 202)
    assert reply == {"count": 2, "results": [failed(UNKNOWN, "DRS.M00289", "The task does not exist."),
                                             failed(NL, "DRS.M00289", "The task does not exist.")]}
    assert status_of(state, NL, project=B) == "CONFIGURATION"


def test_project_b_can_act_on_its_own_job_only():
    state = new_state()
    reply = drs_api.handle(state, B, "POST", "/jobs/batch-starting", json.dumps({"jobs": [{"job_id": NL}, {"job_id": READY}]}).encode())[1]
    assert [item["status"] for item in reply["results"]] == ["success", "failed"]
    assert status_of(state, READY) == "CONFIGURATION"


@pytest.mark.parametrize("path,item,method", [
    ("/jobs/batch-precheck", {"precheck_mode": "forStartJob"}, "POST"),
    ("/jobs/batch-starting", {}, "POST"),
    ("/jobs/batch-pause-task", {"pause_mode": "all"}, "POST"),
    ("/jobs/batch-retry-task", {}, "POST"),
    ("/jobs/batch-jobs", {"delete_type": "force_terminate"}, "DELETE"),
])
def test_a_busy_job_fails_with_m01504_and_is_left_alone(path, item, method):
    state = new_state()
    before = {job_id: status_of(state, job_id) for job_id in (READY, SYNC)}
    asked = []

    def busy(job_id):
        asked.append(job_id)
        return job_id == READY

    status, reply = call(state, path, [dict(item, job_id=READY), dict(item, job_id=UNKNOWN)], method=method, busy=busy)
    assert status in (200, 202)
    assert reply["results"][0] == failed(READY, "DRS.M01504", "Another operation is being performed on the migration task or "
                                         "the migration task is abnormal. Try again later.")
    assert reply["results"][1]["error_code"] == "DRS.M00289"
    assert asked == [READY]
    assert status_of(state, READY) == before[READY]
    stats = state.job_stats()[READY]
    assert (stats["starts"], stats["prechecks"], stats["transitions"]) == (0, 0, [])
    assert stats["requests"][drs_api.endpoint_name(method, path)] == 1


def test_busy_is_not_consulted_by_read_endpoints():
    state = new_state()
    status, reply = call(state, "/jobs/batch-status", [READY], busy=lambda job_id: True)
    assert (status, reply["results"]) == (200, [{"id": READY, "status": "CONFIGURATION"}])


def test_one_request_mixes_successes_and_failures_in_request_order():
    state = new_state()
    status, reply = start(state, READY, FRESH, UNKNOWN, DOOMED)
    assert status == 202 and reply["count"] == 4
    assert [(item["id"], item["status"], item.get("error_code")) for item in reply["results"]] == [
        (READY, "success", None), (FRESH, "failed", "DRS.M00304"), (UNKNOWN, "failed", "DRS.M00289"), (DOOMED, "success", None)]
