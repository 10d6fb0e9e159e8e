"""Profiles over HTTP: the mandatory Content-Type, the reading switches (CLI and admin API), --state-file restarts."""

import json

import pytest

from drs_emulator.pytest_plugin import PROJECT_A_ID, RunningEmulator

STATUS_PATH = "/v3/%s/jobs/batch-status" % PROJECT_A_ID
STARTING_PATH = "/v3/%s/jobs/batch-starting" % PROJECT_A_ID
ORDERS = "140b5236-88ad-43c8-811c-1268453jb101"  # demo.yml: pre-check already passed
DEMO = "tests/drs_emulator/fixtures/demo.yml"


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/xml"])
def test_a_drs_call_without_json_content_type_is_415(drs_emulator_clean, content_type):
    emulator = drs_emulator_clean
    headers = {"X-Auth-Token": emulator.token()}
    if content_type:
        headers["Content-Type"] = content_type
    conn = emulator.connection()
    try:
        conn.request("POST", STATUS_PATH, body=b'{"jobs": ["%s"]}' % ORDERS.encode(), headers=headers)
        response = conn.getresponse()
        assert response.status == 415
        assert json.loads(response.read()) == {"error_msg": "Content-Type contained in the request header is not application/json."}
    finally:
        conn.close()


@pytest.mark.parametrize("content_type", ["application/json", "application/json;charset=UTF-8", "Application/JSON; charset=utf-8"])
def test_json_content_types_are_accepted(drs_emulator_clean, content_type):
    emulator = drs_emulator_clean
    reply = emulator.request("POST", STATUS_PATH, {"jobs": [ORDERS]}, {"X-Auth-Token": emulator.token(), "Content-Type": content_type})
    assert reply.status == 200


def test_admin_readings_change_one_switch_and_reset_puts_it_back(drs_emulator_clean):
    emulator = drs_emulator_clean
    assert emulator.admin("GET", "readings") == {"profile": "otc", "cloud": "otc", "readings": {
        "start_lag_seconds": 0.0, "wrong_state_400": False, "precheck_preconditions": False,
        "precheck_result_config_only": None, "read_max_jobs": 10, "stop_lag_seconds": 0.0,
        "retry_needs_precheck": False, "retry_lag_seconds": 0.0, "list_ignores_tags": False, "list_page_max": 100}}
    assert emulator.set_readings(start_lag_seconds=45)["readings"]["start_lag_seconds"] == 45.0
    assert emulator.reset()["reset"][-1] == "readings"
    assert emulator.admin("GET", "readings")["readings"]["start_lag_seconds"] == 0.0
    response = emulator.request("POST", "/_emulator/readings", {"wrong_state_400": "yes"})
    assert (response.status, response.body["error_code"]) == (400, "EMULATOR.400")


@pytest.mark.drs_emulator("--profile", "pessimistic", "--no-wrong-state-400", "--start-lag", "12", "--read-max-jobs", "20")
def test_cli_profile_and_reading_flags(drs_emulator):
    view = drs_emulator.admin("GET", "readings")
    assert (view["profile"], view["cloud"]) == ("pessimistic", "otc")
    assert view["readings"] == {"start_lag_seconds": 12.0, "wrong_state_400": False, "precheck_preconditions": True,
                                "precheck_result_config_only": True, "read_max_jobs": 20, "stop_lag_seconds": 30.0,
                                "retry_needs_precheck": True, "retry_lag_seconds": 30.0, "list_ignores_tags": True,
                                "list_page_max": 10}
    assert drs_emulator.health()["profile"] == "pessimistic"


def test_state_file_keeps_jobs_clock_stats_and_tokens_across_a_restart(tmp_path):
    state_file = tmp_path / "emulator-state.json"
    args = ("--fixture", DEMO, "--speed", "0", "--state-file", state_file)
    with RunningEmulator(*args) as first:
        token = first.token()
        auth = {"X-Auth-Token": token}
        first.clock(advance=100)
        clock_ms = first.health()["clock_ms"]
        assert first.request("POST", STARTING_PATH, {"jobs": [{"job_id": ORDERS}]}, auth).status == 202
    assert state_file.exists()
    with RunningEmulator(*args) as second:
        assert second.health()["clock_ms"] == clock_ms  # frozen clock: no time passed while it was down
        reply = second.request("POST", STATUS_PATH, {"jobs": [ORDERS]}, auth)  # the token of the first run still works
        assert (reply.status, reply.body["results"][0]["status"]) == (200, "STARTJOBING")
        assert second.stats()["jobs"][ORDERS]["starts"] == 1
        again = second.request("POST", STARTING_PATH, {"jobs": [{"job_id": ORDERS}]}, auth)
        assert again.body["results"][0]["error_code"] == "DRS.M00304"  # not started a second time


def test_without_a_state_file_a_restart_loses_the_jobs(tmp_path):
    with RunningEmulator("--fixture", DEMO, "--speed", "0") as first:
        first.request("POST", STARTING_PATH, {"jobs": [{"job_id": ORDERS}]}, {"X-Auth-Token": first.token()})
    with RunningEmulator("--fixture", DEMO, "--speed", "0") as second:
        reply = second.request("POST", STATUS_PATH, {"jobs": [ORDERS]}, {"X-Auth-Token": second.token()})
        assert reply.body["results"][0]["status"] == "CONFIGURATION"
