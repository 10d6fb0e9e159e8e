"""The /_emulator/ admin API: health, stats, reset, jobs, clock, and its error replies."""

import pytest

from drs_emulator.pytest_plugin import PROJECT_A_ID, PROJECT_B_ID

STATUS_PATH = "/v3/%s/jobs/batch-status" % PROJECT_A_ID
UNKNOWN_JOB = "140b5236-88ad-43c8-811c-1268453jb999"
PROBE = {"jobs": [UNKNOWN_JOB]}  # a valid batch-status body: 200 with a per-job DRS.M00289
JOB_1 = "140b5236-88ad-43c8-811c-1268453jb201"
JOB_2 = "140b5236-88ad-43c8-811c-1268453jb202"
JOB_3 = "140b5236-88ad-43c8-811c-1268453jb203"


def _job(job_id, name, project="eu-de"):
    return {"id": job_id, "name": name, "project": project, "type": "migration", "engine_type": "mysql", "task_mode": "FULL_TRANS",
            "status": "CONFIGURATION", "precheck": {"outcome": "pass", "passed": True}}


def _ids(emulator):
    return sorted(job["id"] for job in emulator.jobs())


def test_health(drs_emulator_clean):
    emulator = drs_emulator_clean
    emulator.load_jobs({"jobs": [_job(JOB_1, "orders"), _job(JOB_2, "billing")]})
    health = emulator.health()
    assert health["status"] == "ok"
    assert health["jobs"] == 2
    assert health["profile"] == "otc"
    assert isinstance(health["clock_ms"], int)
    assert health["speed"] == 1.0


def test_stats_count_requests_by_endpoint_status_and_auth(drs_emulator_clean):
    emulator = drs_emulator_clean
    emulator.load_jobs({"jobs": [_job(JOB_1, "orders"), _job(JOB_2, "billing"), _job(JOB_3, "crm")]})
    token = emulator.token()
    emulator.request("POST", STATUS_PATH, {"jobs": [JOB_1, JOB_2, JOB_3]}, {"X-Auth-Token": token})
    emulator.request("POST", STATUS_PATH, {"jobs": [JOB_1]}, {"X-Auth-Token": token})
    emulator.request("POST", STATUS_PATH, {"jobs": [JOB_1]})
    emulator.signed_request("POST", STATUS_PATH, {"jobs": [JOB_2]})
    stats = emulator.stats()
    assert stats["requests"] == {
        "total": 5,
        "by_endpoint": {"iam-tokens": 1, "batch-status": 4},
        "by_status": {"201": 1, "200": 3, "401": 1},
        "by_auth": {"token": 2, "none": 1, "aksk": 1},
    }
    assert stats["max_jobs_in_call"] == 3
    assert stats["faults_injected"] == {"error": 0, "throttle": 0, "too_frequent": 0, "busy": 0, "reset_before": 0, "reset_after": 0,
                                        "latency_spike": 0, "unauthorized": 0, "bad_shape": 0}
    assert stats["jobs"][JOB_1]["requests"]["batch-status"] == 2
    assert stats["jobs"][JOB_2]["requests"]["batch-status"] == 2


def test_admin_calls_are_not_counted(drs_emulator_clean):
    emulator = drs_emulator_clean
    emulator.health()
    emulator.jobs()
    assert emulator.stats()["requests"]["total"] == 0


def test_reset_restores_jobs_and_clears_stats_and_faults(drs_emulator_clean):
    emulator = drs_emulator_clean
    emulator.load_jobs({"jobs": [_job(JOB_1, "orders")]})
    token = emulator.token()
    started = emulator.request("POST", "/v3/%s/jobs/batch-starting" % PROJECT_A_ID, {"jobs": [{"job_id": JOB_1}]}, {"X-Auth-Token": token})
    assert started.body["results"][0]["status"] == "success"
    emulator.set_faults(error_rate=0.5)
    assert emulator.reset() == {"reset": ["jobs", "stats", "faults", "readings"]}
    assert emulator.stats()["requests"]["total"] == 0
    assert emulator.stats()["jobs"].get(JOB_1, {}).get("starts", 0) == 0
    assert emulator.admin("GET", "faults")["error_rate"] == 0.0
    status = emulator.request("POST", STATUS_PATH, {"jobs": [JOB_1]}, {"X-Auth-Token": token})
    assert status.status == 200
    assert status.body["results"][0]["status"] == "CONFIGURATION"


def test_reset_tokens_forgets_issued_tokens(drs_emulator_clean):
    emulator = drs_emulator_clean
    token = emulator.token()
    assert emulator.reset(jobs=False, stats=False, faults=False, tokens=False, readings=False) == {"reset": []}
    assert emulator.request("POST", STATUS_PATH, PROBE, {"X-Auth-Token": token}).status == 200
    assert emulator.reset(jobs=False, stats=False, faults=False, tokens=True, readings=False) == {"reset": ["tokens"]}
    response = emulator.request("POST", STATUS_PATH, PROBE, {"X-Auth-Token": token})
    assert response.status == 401
    assert response.body["error_code"] == "APIG.0307"


def test_reset_refuses_unknown_options(drs_emulator_clean):
    response = drs_emulator_clean.request("POST", "/_emulator/reset", {"everything": True})
    assert response.status == 400
    assert response.body == {"error_code": "EMULATOR.400", "error_msg": "unknown reset option(s): everything"}


def test_post_jobs_replace_and_merge(drs_emulator_clean):
    emulator = drs_emulator_clean
    loaded = emulator.load_jobs({"jobs": [_job(JOB_1, "orders")]})
    assert loaded == {"loaded": 1, "replace": True, "jobs": 1}
    merged = emulator.load_jobs({"jobs": [_job(JOB_2, "billing"), _job(JOB_3, "crm", project="eu-nl")]}, replace=False)
    assert merged == {"loaded": 2, "replace": False, "jobs": 3}
    assert _ids(emulator) == [JOB_1, JOB_2, JOB_3]
    replaced = emulator.load_jobs({"jobs": [_job(JOB_3, "crm")]})
    assert replaced["jobs"] == 1
    assert _ids(emulator) == [JOB_3]


def test_post_jobs_generate(drs_emulator_clean):
    emulator = drs_emulator_clean
    result = emulator.load_jobs({"generate": {"n": 25, "seed": 3}})
    assert result["jobs"] == 25
    ids = _ids(emulator)
    assert len(set(ids)) == 25
    assert all(len(job_id) == 36 for job_id in ids)
    assert emulator.load_jobs(4)["jobs"] == 4


def test_post_jobs_generate_for_project_b(drs_emulator_clean):
    emulator = drs_emulator_clean
    emulator.load_jobs({"generate": {"n": 2, "project": "eu-nl"}})
    token_b = emulator.token(PROJECT_B_ID)
    response = emulator.request("POST", "/v3/%s/jobs/batch-status" % PROJECT_B_ID, {"jobs": _ids(emulator)}, {"X-Auth-Token": token_b})
    assert response.status == 200
    assert sorted(item["id"] for item in response.body["results"]) == _ids(emulator)


def test_post_jobs_from_a_file_path(drs_emulator_clean, tmp_path):
    fixture = tmp_path / "jobs.yml"
    fixture.write_text("jobs:\n  - id: %s\n    name: from-file\n    project: eu-de\n    status: CONFIGURATION\n" % JOB_2, encoding="utf-8")
    drs_emulator_clean.load_jobs(str(fixture))
    assert _ids(drs_emulator_clean) == [JOB_2]


@pytest.mark.parametrize("body, message", [
    ({}, "POST jobs needs either fixture or generate"),
    ({"fixture": []}, "fixture must be an object"),
    ({"generate": {"n": -1}}, "generate needs an object with a non-negative integer n"),
    ({"generate": {"n": 2, "project": "eu-fr"}}, "unknown project 'eu-fr'"),
    ({"fixture": {"jobs": []}, "replace": "yes"}, "replace must be a boolean"),
])
def test_post_jobs_errors(drs_emulator_clean, body, message):
    response = drs_emulator_clean.request("POST", "/_emulator/jobs", body)
    assert response.status == 400
    assert response.body == {"error_code": "EMULATOR.400", "error_msg": message}


def test_get_one_job(drs_emulator_clean):
    emulator = drs_emulator_clean
    emulator.load_jobs({"jobs": [_job(JOB_1, "orders")]})
    job = emulator.admin("GET", "jobs/" + JOB_1)
    assert job["id"] == JOB_1
    assert job["name"] == "orders"
    missing = emulator.request("GET", "/_emulator/jobs/" + JOB_2)
    assert missing.status == 404
    assert missing.body == {"error_code": "EMULATOR.404", "error_msg": "no job %s" % JOB_2}


def test_clock_advance_and_speed(drs_emulator_clean):
    emulator = drs_emulator_clean
    before = emulator.admin("GET", "clock")
    after = emulator.clock(advance=3600)
    assert after["clock_ms"] - before["clock_ms"] >= 3600 * 1000
    assert after["clock_ms"] - before["clock_ms"] < 3700 * 1000
    assert emulator.clock(speed=5)["speed"] == 5.0
    assert emulator.health()["speed"] == 5.0
    assert emulator.clock(speed=1)["speed"] == 1.0


@pytest.mark.parametrize("body, message", [
    ({"advance": -5}, "advance must be a non-negative number"),
    ({"speed": -1}, "speed must be a non-negative number"),
    ({"rewind": 5}, "unknown clock option(s): rewind"),
])
def test_clock_errors(drs_emulator_clean, body, message):
    response = drs_emulator_clean.request("POST", "/_emulator/clock", body)
    assert response.status == 400
    assert response.body == {"error_code": "EMULATOR.400", "error_msg": message}


def test_unknown_admin_endpoint_and_method(drs_emulator_clean):
    emulator = drs_emulator_clean
    unknown = emulator.request("GET", "/_emulator/nothing")
    assert unknown.status == 404
    assert unknown.body == {"error_code": "EMULATOR.404", "error_msg": "no admin endpoint /_emulator/nothing"}
    wrong_method = emulator.request("DELETE", "/_emulator/stats")
    assert wrong_method.status == 405
    assert wrong_method.body == {"error_code": "EMULATOR.405", "error_msg": "method DELETE not allowed on /_emulator/stats"}
    bad_json = emulator.request("POST", "/_emulator/faults", b"{nope")
    assert bad_json.status == 400
    assert bad_json.body == {"error_code": "EMULATOR.400", "error_msg": "request body is not valid JSON"}


@pytest.mark.drs_emulator("--jobs", "7", "--speed", "30", "--profile", "hw", "--max-jobs-per-call", "0")
def test_cli_jobs_speed_and_profile(drs_emulator):
    health = drs_emulator.health()
    assert (health["jobs"], health["speed"], health["profile"]) == (7, 30.0, "hw")
