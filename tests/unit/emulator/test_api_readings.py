"""The reading switches of the open questions (MODEL.md, "Profiles and open questions"), one by one and together."""

import json

import pytest

from drs_emulator import drs_api, model

START = 1700000000.0
A = model.PROJECT_A_ID
MIG = "66666666-7777-4888-8999-aaaaaaajb001"
OTHER = "66666666-7777-4888-8999-aaaaaaajb002"
RUNNING = "66666666-7777-4888-8999-aaaaaaajb003"
UNTESTED = "66666666-7777-4888-8999-aaaaaaajb004"
UNCONFIGURED = "66666666-7777-4888-8999-aaaaaaajb005"
WRONG = "This API cannot be called in the current task status. "
JOBS = [
    {"id": MIG, "name": "orders-migration", "precheck": {"passed": True}},
    {"id": OTHER, "name": "billing-migration", "precheck": {"passed": True}},
    {"id": RUNNING, "name": "customers-sync", "type": "sync", "status": "INCRE_TRANSFER_STARTED", "status_age": 30},
    {"id": UNTESTED, "name": "untested-migration", "connection_tested": False},
    {"id": UNCONFIGURED, "name": "unconfigured-migration", "configured": False},
]


def new_state(profile="otc", **readings):
    return model.EmulatorState({"defaults": {"start_duration": 5, "precheck_duration": 10}, "jobs": JOBS},
                               model.Clock(speed=0, start=START), profile=profile, readings=readings)


def call(state, path, body, method="POST"):
    return drs_api.handle(state, A, method, path, json.dumps(body).encode("utf-8"))


def status_of(state, job_id):
    return call(state, "/jobs/batch-status", {"jobs": [job_id]})[1]["results"][0]["status"]


def test_the_default_profile_has_every_open_question_off():
    assert new_state().readings == {"start_lag_seconds": 0.0, "wrong_state_400": False, "precheck_preconditions": False,
                                    "precheck_result_config_only": None, "read_max_jobs": 10, "stop_lag_seconds": 0.0,
                                    "retry_needs_precheck": False, "retry_lag_seconds": 0.0, "list_ignores_tags": False,
                                    "list_page_max": 100}


def test_the_pessimistic_profile_switches_every_open_question_on():
    state = new_state("pessimistic")
    assert (state.profile, state.profile_name) == ("otc", "pessimistic")
    assert state.readings == model.PESSIMISTIC_READINGS
    assert model.profile_readings("hw-pessimistic") == ("hw", model.PESSIMISTIC_READINGS)


def test_a_profile_switch_can_be_overridden_one_by_one():
    state = new_state("pessimistic", wrong_state_400=False)
    assert state.readings["wrong_state_400"] is False and state.readings["start_lag_seconds"] == 30.0
    assert state.set_readings({"read_max_jobs": 10})["read_max_jobs"] == 10
    state.restore_readings()
    assert state.readings["read_max_jobs"] == 100


@pytest.mark.parametrize("bad", [{"nope": 1}, {"wrong_state_400": "yes"}, {"start_lag_seconds": -1}, {"read_max_jobs": 101},
                                 {"list_ignores_tags": 1}, {"list_page_max": 0}])
def test_bad_readings_are_refused(bad):
    with pytest.raises(ValueError):
        new_state(**bad)


# --- 1. start lag -------------------------------------------------------------------------------------------------

def test_start_lag_keeps_reads_in_configuration_then_shows_the_real_status():
    state = new_state(start_lag_seconds=30)
    assert call(state, "/jobs/batch-starting", {"jobs": [{"job_id": MIG}]})[1]["results"][0]["status"] == "success"
    assert status_of(state, MIG) == "CONFIGURATION"
    detail = call(state, "/jobs/batch-detail", {"jobs": [MIG]})[1]["results"][0]
    listed = [job for job in call(state, "/jobs", {"db_use_type": "migration"})[1]["jobs"] if job["id"] == MIG][0]
    assert detail["status"] == listed["status"] == "CONFIGURATION"
    # the start was received: a second one is refused, the job really is starting
    again = call(state, "/jobs/batch-starting", {"jobs": [{"job_id": MIG}]})[1]["results"][0]
    assert (again["status"], again["error_code"]) == ("failed", "DRS.M00304")
    state.clock.advance(30)
    assert status_of(state, MIG) == "FULL_TRANSFER_STARTED"
    assert state.job_stats()[MIG]["starts"] == 1


def test_without_start_lag_the_start_shows_at_once():
    state = new_state()
    call(state, "/jobs/batch-starting", {"jobs": [{"job_id": MIG}]})
    assert status_of(state, MIG) == "STARTJOBING"


# --- 2. wrong-state errors as a whole-request 400 -----------------------------------------------------------------

def test_wrong_state_400_refuses_the_whole_chunk_and_changes_no_job():
    state = new_state(wrong_state_400=True)
    status, body = call(state, "/jobs/batch-starting", {"jobs": [{"job_id": MIG}, {"job_id": RUNNING}, {"job_id": OTHER}]})
    assert status == 400
    assert body["error_code"] == "DRS.M00304" and set(body) == {"error_code", "error_msg"}
    assert body["error_msg"].startswith(WRONG) and body["error_msg"].endswith("(task %s)" % RUNNING)
    assert (status_of(state, MIG), status_of(state, OTHER)) == ("CONFIGURATION", "CONFIGURATION")
    stats = state.job_stats()
    assert stats[MIG]["starts"] == stats[MIG]["start_requests"] == 0
    # the client splits the chunk and sends the rest: those start
    status, body = call(state, "/jobs/batch-starting", {"jobs": [{"job_id": MIG}, {"job_id": OTHER}]})
    assert status == 202 and [item["status"] for item in body["results"]] == ["success", "success"]


def test_wrong_state_400_covers_deleted_jobs_but_not_unknown_or_busy_ones():
    state = new_state(wrong_state_400=True)
    state.load({"jobs": [{"id": "66666666-7777-4888-8999-aaaaaaajb009", "name": "gone", "status": "DELETED"}]}, replace=False)
    status, body = call(state, "/jobs/batch-precheck", {"jobs": [{"job_id": "66666666-7777-4888-8999-aaaaaaajb009",
                                                                  "precheck_mode": "forStartJob"}]})
    assert (status, body["error_code"]) == (400, "DRS.M05004")
    status, body = call(state, "/jobs/batch-precheck", {"jobs": [{"job_id": "66666666-7777-4888-8999-aaaaaaajb999",
                                                                  "precheck_mode": "forStartJob"}]})
    assert (status, body["results"][0]["error_code"]) == (200, "DRS.M00289")


def test_without_the_switch_a_wrong_state_job_is_one_failed_item():
    status, body = call(new_state(), "/jobs/batch-starting", {"jobs": [{"job_id": MIG}, {"job_id": RUNNING}]})
    assert status == 202 and [item["status"] for item in body["results"]] == ["success", "failed"]


# --- 3. pre-check preconditions -----------------------------------------------------------------------------------

def test_precheck_preconditions_refuse_untested_or_unconfigured_jobs():
    state = new_state(precheck_preconditions=True)
    body = call(state, "/jobs/batch-precheck", {"jobs": [{"job_id": job_id, "precheck_mode": "forStartJob"}
                                                         for job_id in (UNTESTED, UNCONFIGURED, MIG)]})[1]
    assert [(item["status"], item.get("error_code")) for item in body["results"]] == [
        ("failed", "DRS.M00304"), ("failed", "DRS.M00304"), ("success", None)]
    assert "batch-connection" in body["results"][0]["error_msg"] and "batch-modification" in body["results"][1]["error_msg"]


def test_without_the_switch_every_configuration_job_counts_as_configured():
    body = call(new_state(), "/jobs/batch-precheck", {"jobs": [{"job_id": UNTESTED, "precheck_mode": "forStartJob"}]})[1]
    assert body["results"][0]["status"] == "success"


# --- 4. pre-check results only in CONFIGURATION -------------------------------------------------------------------

def test_precheck_result_config_only_is_a_switch_in_the_hw_profile():
    for readings, expected in (({}, None), ({"precheck_result_config_only": True}, "DRS.M00304")):
        state = new_state("hw", **readings)
        call(state, "/jobs/batch-starting", {"jobs": [{"job_id": MIG}]})
        item = call(state, "/jobs/batch-precheck-result", {"jobs": [MIG]})[1]["results"][0]
        assert item.get("error_code") == expected


def test_precheck_result_can_be_allowed_again_in_the_otc_profile():
    state = new_state(precheck_result_config_only=False)
    call(state, "/jobs/batch-starting", {"jobs": [{"job_id": MIG}]})
    assert call(state, "/jobs/batch-precheck-result", {"jobs": [MIG]})[1]["results"][0]["result"] is True


# --- 5. ids per read call -------------------------------------------------------------------------------------------

def test_read_max_jobs_sets_how_many_ids_a_read_takes():
    ids = ["66666666-7777-4888-8999-aaaaaaajb%03d" % n for n in range(100, 111)]
    assert call(new_state(), "/jobs/batch-status", {"jobs": ids})[0] == 400
    status, body = call(new_state(read_max_jobs=100), "/jobs/batch-status", {"jobs": ids, "page_req": {"per_page": 0}})
    assert (status, body["count"]) == (200, 11)
    # actions keep --max-jobs-per-call
    assert call(new_state(read_max_jobs=100), "/jobs/batch-starting", {"jobs": [{"job_id": job_id} for job_id in ids]})[0] == 400


# --- stop lag ----------------------------------------------------------------------------------------------------

def test_stop_lag_keeps_reads_on_the_status_before_the_stop_then_shows_the_release():
    state = new_state(stop_lag_seconds=30, start_lag_seconds=0)
    stop = {"jobs": [{"job_id": RUNNING, "delete_type": "terminate"}]}
    assert call(state, "/jobs/batch-jobs", stop, method="DELETE")[1]["results"][0]["status"] == "success"
    assert status_of(state, RUNNING) == "INCRE_TRANSFER_STARTED"
    detail = call(state, "/jobs/batch-detail", {"jobs": [RUNNING]})[1]["results"][0]
    assert detail["status"] == "INCRE_TRANSFER_STARTED"
    # the stop was received: a second one is refused, the job really is releasing its resources
    again = call(state, "/jobs/batch-jobs", stop, method="DELETE")[1]["results"][0]
    assert (again["status"], again["error_code"]) == ("failed", "DRS.M00304")
    state.clock.advance(30)
    assert status_of(state, RUNNING) == "RELEASE_RESOURCE_COMPLETE"


def test_without_stop_lag_a_stop_shows_at_once():
    state = new_state()
    call(state, "/jobs/batch-jobs", {"jobs": [{"job_id": RUNNING, "delete_type": "terminate"}]}, method="DELETE")
    assert status_of(state, RUNNING) == "RELEASE_RESOURCE_STARTED"


# --- retry needs a forRetryJob pre-check -----------------------------------------------------------------------------

def failed_job_state(**readings):
    jobs = [{"id": MIG, "name": "orders-migration", "status": "INCRE_TRANSFER_FAILED", "status_age": 30}]
    return model.EmulatorState({"defaults": {"precheck_duration": 10}, "jobs": jobs}, model.Clock(speed=0, start=START),
                               profile="hw", readings=readings)


def test_retry_needs_a_passed_retry_precheck_with_the_reading():
    state = failed_job_state(retry_needs_precheck=True)
    retry = {"jobs": [{"job_id": MIG}]}
    refused = call(state, "/jobs/batch-retry-task", retry)[1]["results"][0]
    assert (refused["status"], refused["error_code"]) == ("failed", "DRS.M00304")
    assert "only after a passed forRetryJob pre-check" in refused["error_msg"]
    call(state, "/jobs/batch-precheck", {"jobs": [{"job_id": MIG, "precheck_mode": "forRetryJob"}]})
    assert call(state, "/jobs/batch-retry-task", retry)[1]["results"][0]["error_code"] == "DRS.M00304"  # still running
    state.clock.advance(10)
    assert call(state, "/jobs/batch-retry-task", retry)[1]["results"][0]["status"] == "success"
    assert status_of(state, MIG) == "INCRE_TRANSFER_STARTED"


def test_without_the_reading_a_failed_job_is_retried_at_once():
    state = failed_job_state()
    assert call(state, "/jobs/batch-retry-task", {"jobs": [{"job_id": MIG}]})[1]["results"][0]["status"] == "success"


# --- retry lag -------------------------------------------------------------------------------------------------------

def test_retry_lag_keeps_reads_on_the_failed_status_before_the_retry_then_shows_the_run():
    state = failed_job_state(retry_lag_seconds=30)
    assert call(state, "/jobs/batch-retry-task", {"jobs": [{"job_id": MIG}]})[1]["results"][0]["status"] == "success"
    assert status_of(state, MIG) == "INCRE_TRANSFER_FAILED"
    assert call(state, "/jobs/batch-detail", {"jobs": [MIG]})[1]["results"][0]["status"] == "INCRE_TRANSFER_FAILED"
    state.clock.advance(30)
    assert status_of(state, MIG) == "INCRE_TRANSFER_STARTED"


def test_without_retry_lag_a_retry_shows_at_once():
    state = failed_job_state()
    call(state, "/jobs/batch-retry-task", {"jobs": [{"job_id": MIG}]})
    assert status_of(state, MIG) == "INCRE_TRANSFER_STARTED"
