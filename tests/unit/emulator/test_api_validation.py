"""Whole-request validation: 400 replies with {"error_code", "error_msg"}, 404 for unknown APIs."""

import json

import pytest

from drs_emulator import drs_api, model

JOB = "44444444-5555-4666-8777-8888888jb001"
OTHER = "44444444-5555-4666-8777-8888888jb002"


def new_state(**kwargs):
    fixture = {"jobs": [{"id": JOB, "name": "validation-job", "precheck": {"passed": True}},
                        {"id": OTHER, "name": "validation-other"}]}
    return model.EmulatorState(fixture, model.Clock(speed=0, start=1700000000.0), **kwargs)


def call(state, path, body, method="POST"):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
    return drs_api.handle(state, model.PROJECT_A_ID, method, path, raw)


def assert_error(reply, status, code, msg=None):
    assert reply[0] == status
    assert set(reply[1]) == {"error_code", "error_msg"}
    assert reply[1]["error_code"] == code
    if msg is not None:
        assert reply[1]["error_msg"] == msg


def test_unknown_api_is_404_with_m00300():
    state = new_state()
    assert_error(call(state, "/jobs/batch-stopping", {"jobs": [JOB]}), 404, "DRS.M00300",
                 "Invalid request, the API POST /jobs/batch-stopping does not exist.")
    assert_error(call(state, "/jobs/batch-status", {"jobs": [JOB]}, method="GET"), 404, "DRS.M00300")
    assert_error(call(state, "/jobs/batch-jobs", {"jobs": []}, method="POST"), 404, "DRS.M00300")


def test_endpoint_names_for_stats():
    assert drs_api.endpoint_name("POST", "/jobs") == "list-jobs"
    assert drs_api.endpoint_name("delete", "/jobs/batch-jobs") == "batch-jobs"
    assert drs_api.endpoint_name("POST", "/jobs/batch-status/") == "batch-status"
    assert drs_api.endpoint_name("POST", "/jobs/batch-status?x=1") == "batch-status"
    assert drs_api.endpoint_name("GET", "/jobs") is None
    assert len(drs_api.ENDPOINTS) == 12
    assert set(drs_api.ENDPOINTS.values()) == {
        "batch-precheck", "batch-precheck-result", "batch-starting", "batch-status", "batch-detail", "batch-progress",
        "batch-rpo-and-rto", "batch-struct-process", "list-jobs", "batch-jobs", "batch-pause-task", "batch-retry-task"}


@pytest.mark.parametrize("body", [b"", b"{not json", b"[1, 2]", b"\xff\xfe", b"null", b'{"jobs": ' + b"[" * 100000])
def test_a_body_that_is_not_a_json_object_is_m00200(body):
    assert_error(call(new_state(), "/jobs/batch-status", body), 400, "DRS.M00200",
                 "Parameter error. The request body must be a JSON object.")


@pytest.mark.parametrize("path", ["/jobs/batch-status", "/jobs/batch-detail", "/jobs/batch-progress", "/jobs/batch-precheck",
                                  "/jobs/batch-starting", "/jobs/batch-retry-task"])
@pytest.mark.parametrize("body", [{}, {"jobs": []}, {"jobs": None}])
def test_missing_or_empty_jobs_is_m00201(path, body):
    assert_error(call(new_state(), path, body), 400, "DRS.M00201", "The jobs parameter is empty.")


@pytest.mark.parametrize("bad", ["not-a-job-id", "44444444-5555-4666-8777-8888888JB001", JOB + "0", JOB + "\n", 12345, {"id": JOB}])
def test_malformed_ids_are_m00202(bad):
    assert_error(call(new_state(), "/jobs/batch-status", {"jobs": [bad]}), 400, "DRS.M00202",
                 "The value of job_id is invalid. The job ID must comply with the UUID rule.")
    assert_error(call(new_state(), "/jobs/batch-starting", {"jobs": [{"job_id": bad}]}), 400, "DRS.M00202")


def test_jobs_that_is_not_a_list_is_m00202():
    assert_error(call(new_state(), "/jobs/batch-status", {"jobs": JOB}), 400, "DRS.M00202")


@pytest.mark.parametrize("path,body", [
    ("/jobs/batch-status", {"jobs": [JOB, JOB]}),
    ("/jobs/batch-precheck-result", {"jobs": [JOB, OTHER, JOB]}),
    ("/jobs/batch-starting", {"jobs": [{"job_id": JOB}, {"job_id": JOB}]}),
    ("/jobs/batch-jobs", {"jobs": [{"job_id": JOB, "delete_type": "terminate"}, {"job_id": JOB, "delete_type": "delete"}]}),
])
def test_duplicate_ids_are_m00301(path, body):
    method = "DELETE" if path.endswith("batch-jobs") else "POST"
    assert_error(call(new_state(), path, body, method=method), 400, "DRS.M00301", "There are duplicate job_id in request.")


def ids(count):
    return ["44444444-5555-4666-8777-%07djb%03d" % (n, n % 1000) for n in range(count)]


def test_more_jobs_than_the_limit_is_m00202_naming_the_limit():
    assert_error(call(new_state(), "/jobs/batch-status", {"jobs": ids(11)}), 400, "DRS.M00202",
                 "The value of jobs is invalid. A maximum of 10 jobs can be processed in one request; 11 were sent.")
    assert call(new_state(), "/jobs/batch-status", {"jobs": ids(10)})[0] == 200
    assert_error(call(new_state(max_jobs_per_call=3), "/jobs/batch-starting", {"jobs": [{"job_id": i} for i in ids(4)]}),
                 400, "DRS.M00202", "The value of jobs is invalid. A maximum of 3 jobs can be processed in one request; 4 were sent.")


def test_limit_zero_means_unlimited():
    status, reply = call(new_state(max_jobs_per_call=0), "/jobs/batch-progress", {"jobs": ids(150)})
    assert (status, reply["count"], len(reply["results"])) == (202, 150, 150)


@pytest.mark.parametrize("path,method,item,code,msg", [
    ("/jobs/batch-precheck", "POST", {}, "DRS.M00201", "The precheck_mode parameter is empty."),
    ("/jobs/batch-precheck", "POST", {"precheck_mode": "forever"}, "DRS.M00202",
     "The value of precheck_mode is invalid. Valid values: forStartJob, forRetryJob."),
    ("/jobs/batch-jobs", "DELETE", {}, "DRS.M00201", "The delete_type parameter is empty."),
    ("/jobs/batch-jobs", "DELETE", {"delete_type": "stop"}, "DRS.M00202",
     "The value of delete_type is invalid. Valid values: terminate, force_terminate, delete."),
    ("/jobs/batch-jobs", "DELETE", {"delete_type": "roll_back_upgrade_active_standby"}, "DRS.M00202", None),
    ("/jobs/batch-pause-task", "POST", {}, "DRS.M00201", "The pause_mode parameter is empty."),
    ("/jobs/batch-pause-task", "POST", {"pause_mode": "some"}, "DRS.M00202",
     "The value of pause_mode is invalid. Valid values: target, all."),
    ("/jobs/batch-starting", "POST", {"start_time": "tomorrow"}, "DRS.M00202",
     "The value of start_time is invalid. Use epoch milliseconds as a string, for example 1608188903063."),
    ("/jobs/batch-starting", "POST", {"start_time": 1.5}, "DRS.M00202", None),
    ("/jobs/batch-starting", "POST", {"start_time": "\u00b2"}, "DRS.M00202", None),
    ("/jobs/batch-starting", "POST", {"start_time": "\u0661\u0666\u0660\u0668"}, "DRS.M00202", None),
    ("/jobs/batch-starting", "POST", {"start_time": -5}, "DRS.M00202", None),
    ("/jobs/batch-starting", "POST", {"start_time": 2 ** 63}, "DRS.M00202", None),
    ("/jobs/batch-starting", "POST", {"start_time": "1" * 400}, "DRS.M00202", None),
    ("/jobs/batch-retry-task", "POST", {"is_sync_re_edit": "yes"}, "DRS.M00202", None),
])
def test_invalid_action_fields(path, method, item, code, msg):
    entry = {"job_id": JOB}
    entry.update(item)
    state = new_state()
    assert_error(call(state, path, {"jobs": [entry]}, method=method), 400, code, msg)
    assert state.get(JOB).status == "CONFIGURATION"
    assert state.job_stats()[JOB]["requests"] == {}


def test_action_elements_must_be_objects_with_a_job_id():
    assert_error(call(new_state(), "/jobs/batch-starting", {"jobs": [JOB]}), 400, "DRS.M00202",
                 "The value of jobs is invalid. Every element must be a non-empty object.")
    assert_error(call(new_state(), "/jobs/batch-starting", {"jobs": [{}]}), 400, "DRS.M00202")
    assert_error(call(new_state(), "/jobs/batch-starting", {"jobs": [{"start_time": ""}]}), 400, "DRS.M00201",
                 "The job_id parameter is empty.")


def test_hw_profile_knows_the_rollback_delete_type():
    status, reply = call(new_state(profile="hw"), "/jobs/batch-jobs",
                         {"jobs": [{"job_id": JOB, "delete_type": "roll_back_upgrade_active_standby"}]}, method="DELETE")
    assert status == 202
    assert (reply["results"][0]["status"], reply["results"][0]["error_code"]) == ("failed", "DRS.M00304")


@pytest.mark.parametrize("page,code", [
    ({"per_page": 101}, "DRS.M00211"), ({"per_page": -1}, "DRS.M00210"), ({"cur_page": -1}, "DRS.M00210"), ({"per_page": 0, "cur_page": 2}, "DRS.M00210"),
    ({"cur_page": 2}, "DRS.M00211"), ({"per_page": 1, "cur_page": 3}, "DRS.M00211"), ({"per_page": "5"}, "DRS.M00210"),
    ({"cur_page": True}, "DRS.M00210"), ("all", "DRS.M00210"),
])
def test_out_of_range_pages_are_m00210_or_m00211(page, code):
    for path in ("/jobs/batch-status", "/jobs/batch-detail"):
        assert_error(call(new_state(), path, {"jobs": [JOB, OTHER], "page_req": page}), 400, code)


def test_cur_page_beyond_the_page_count_names_both():
    assert_error(call(new_state(), "/jobs/batch-status", {"jobs": [JOB, OTHER], "page_req": {"per_page": 1, "cur_page": 3}}),
                 400, "DRS.M00211", "The page exceeds the upper limit: cur_page 3 is greater than the page count 2.")


@pytest.mark.parametrize("body,code,msg", [
    ({}, "DRS.M00201", "The db_use_type parameter is empty."),
    ({"db_use_type": "backup"}, "DRS.M00202", "The value of db_use_type is invalid. Valid values: migration, sync, cloudDataGuard."),
    ({"db_use_type": "migration", "per_page": 101}, "DRS.M00211", None),
    ({"db_use_type": "migration", "per_page": -1}, "DRS.M00210", None),
    ({"db_use_type": "migration", "cur_page": -1}, "DRS.M00210", None),
    ({"db_use_type": "migration", "cur_page": 2, "per_page": 0}, "DRS.M00210", None),
    ({"db_use_type": "migration", "cur_page": "1"}, "DRS.M00210", None),
    ({"db_use_type": "migration", "status": "RUNNING"}, "DRS.M00202", "The value of status is invalid."),
    ({"db_use_type": "migration", "status": ["CONFIGURATION"]}, "DRS.M00202", "The value of status is invalid."),
    ({"db_use_type": "migration", "status": {}}, "DRS.M00202", "The value of status is invalid."),
    ({"db_use_type": "migration", "name": 5}, "DRS.M00202", None),
])
def test_list_jobs_validation(body, code, msg):
    assert_error(call(new_state(), "/jobs", body), 400, code, msg)
