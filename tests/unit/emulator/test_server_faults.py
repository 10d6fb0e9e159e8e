"""Fault injection: exact replies, headers and counters for each fault, filters, seeding, CLI flags."""

import time

import pytest

from drs_emulator.faults import FaultInjector
from drs_emulator.pytest_plugin import PROJECT_A_ID, password_auth

STATUS_PATH = "/v3/%s/jobs/batch-status" % PROJECT_A_ID
UNKNOWN_JOB = "140b5236-88ad-43c8-811c-1268453jb999"
PROBE = {"jobs": [UNKNOWN_JOB]}  # a valid batch-status body: 200 with a per-job DRS.M00289
START_PATH = "/v3/%s/jobs/batch-starting" % PROJECT_A_ID
PRECHECK_RESULT_PATH = "/v3/%s/jobs/batch-precheck-result" % PROJECT_A_ID
NO_FAULTS = {"error": 0, "throttle": 0, "too_frequent": 0, "busy": 0, "reset_before": 0, "reset_after": 0, "latency_spike": 0,
             "unauthorized": 0, "bad_shape": 0}
BUSY_MSG = "Another operation is being performed on the migration task or the migration task is abnormal. Try again later."
KEYSTONE_401 = {"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}


def _startable(count):
    """A fixture of ``count`` CONFIGURATION jobs whose pre-check already passed (so batch-starting starts them)."""
    return {"jobs": [{
        "id": "140b5236-88ad-43c8-811c-1268453jb1%02d" % index, "name": "fault-job-%d" % index, "project": "eu-de",
        "type": "migration", "engine_type": "mysql", "task_mode": "FULL_INCR_TRANS", "status": "CONFIGURATION",
        "precheck": {"outcome": "pass", "passed": True},
    } for index in range(count)]}


def _prepare(emulator, count=2):
    emulator.load_jobs(_startable(count))
    return [job["id"] for job in emulator.jobs()], {"X-Auth-Token": emulator.token()}


def _injected(emulator, **expected):
    counters = dict(NO_FAULTS)
    counters.update(expected)
    assert emulator.stats()["faults_injected"] == counters


def _starts(emulator, job_id):
    return emulator.stats()["jobs"].get(job_id, {}).get("starts", 0)


def _start_requests(emulator, job_id):
    return emulator.stats()["jobs"].get(job_id, {}).get("start_requests", 0)


def test_throttle_replies_429_with_retry_after_and_the_gateway_body(drs_emulator_clean):
    emulator = drs_emulator_clean
    ids, auth = _prepare(emulator)
    emulator.set_faults(throttle_rate=1.0, retry_after=3)
    response = emulator.request("POST", START_PATH, {"jobs": [{"job_id": ids[0]}]}, auth)
    assert response.status == 429
    assert response.headers["retry-after"] == "3"
    assert response.body == {"error_msg": "The throttling threshold has been reached: policy user over ratelimit,limit:200,time:1 minute",
                             "error_code": "APIGW.0308", "request_id": response.headers["x-request-id"]}
    assert _starts(emulator, ids[0]) == 0
    _injected(emulator, throttle=1)


def test_error_500_is_drs_service_abnormal(drs_emulator_clean):
    emulator = drs_emulator_clean
    _ids, auth = _prepare(emulator)
    emulator.set_faults(error_rate=1.0, error_status=500)
    response = emulator.request("POST", STATUS_PATH, PROBE, auth)
    assert response.status == 500
    assert response.body == {"error_code": "DRS.M00004", "error_msg": "Service abnormal."}
    _injected(emulator, error=1)


@pytest.mark.parametrize("status, code, message", [
    (503, "APIGW.0202", "Backend unavailable."),
    (502, "APIGW.0202", "Backend unavailable."),
    (504, "APIGW.0203", "Backend timeout."),
])
def test_gateway_errors(drs_emulator_clean, status, code, message):
    emulator = drs_emulator_clean
    _ids, auth = _prepare(emulator)
    emulator.set_faults(error_rate=1.0, error_status=status)
    response = emulator.request("POST", STATUS_PATH, PROBE, auth)
    assert response.status == status
    assert response.body == {"error_code": code, "error_msg": message, "request_id": response.headers["x-request-id"]}
    _injected(emulator, error=1)


def test_default_error_status_is_503(drs_emulator_clean):
    emulator = drs_emulator_clean
    _ids, auth = _prepare(emulator)
    assert emulator.set_faults(error_rate=1.0)["error_status"] == 503
    assert emulator.request("POST", STATUS_PATH, PROBE, auth).status == 503


def test_too_frequent_is_400_drs_m01503(drs_emulator_clean):
    emulator = drs_emulator_clean
    ids, auth = _prepare(emulator)
    emulator.set_faults(too_frequent_rate=1.0)
    response = emulator.request("POST", START_PATH, {"jobs": [{"job_id": ids[0]}]}, auth)
    assert response.status == 400
    assert response.body == {"error_code": "DRS.M01503", "error_msg": "Operation too frequent. Try again later."}
    assert _starts(emulator, ids[0]) == 0
    _injected(emulator, too_frequent=1)


def test_busy_fails_each_job_with_drs_m01504_inside_a_2xx_reply(drs_emulator_clean):
    emulator = drs_emulator_clean
    ids, auth = _prepare(emulator)
    emulator.set_faults(busy_rate=1.0)
    response = emulator.request("POST", START_PATH, {"jobs": [{"job_id": job_id} for job_id in ids]}, auth)
    assert response.status == 202
    assert {item["id"]: (item["status"], item["error_code"], item["error_msg"]) for item in response.body["results"]} == {
        job_id: ("failed", "DRS.M01504", BUSY_MSG) for job_id in ids}
    assert [_starts(emulator, job_id) for job_id in ids] == [0, 0]
    _injected(emulator, busy=2)
    emulator.set_faults(busy_rate=0.0)
    again = emulator.request("POST", START_PATH, {"jobs": [{"job_id": job_id} for job_id in ids]}, auth)
    assert [item["status"] for item in again.body["results"]] == ["success", "success"]


def test_reset_before_drops_the_connection_and_does_not_process(drs_emulator_clean):
    emulator = drs_emulator_clean
    ids, auth = _prepare(emulator)
    emulator.set_faults(reset_before_rate=1.0)
    with pytest.raises(ConnectionError):
        emulator.request("POST", START_PATH, {"jobs": [{"job_id": ids[0]}]}, auth)
    assert _starts(emulator, ids[0]) == 0
    assert _start_requests(emulator, ids[0]) == 0
    assert emulator.stats()["requests"]["by_status"] == {"201": 1, "reset": 1}
    _injected(emulator, reset_before=1)


def test_reset_after_processes_then_drops_the_connection(drs_emulator_clean):
    emulator = drs_emulator_clean
    ids, auth = _prepare(emulator)
    emulator.set_faults(reset_after_rate=1.0)
    with pytest.raises(ConnectionError):
        emulator.request("POST", START_PATH, {"jobs": [{"job_id": ids[0]}]}, auth)
    assert _starts(emulator, ids[0]) == 1
    assert _starts(emulator, ids[1]) == 0
    _injected(emulator, reset_after=1)
    emulator.set_faults(clear=True)
    status = emulator.request("POST", STATUS_PATH, {"jobs": [ids[0]]}, auth)
    assert status.body["results"][0]["status"] != "CONFIGURATION"


def test_unauthorized_answers_a_token_call_as_a_rejected_token_and_leaves_the_jobs(drs_emulator_clean):
    emulator = drs_emulator_clean
    ids, auth = _prepare(emulator)
    emulator.set_faults(unauthorized_rate=1.0)
    response = emulator.request("POST", START_PATH, {"jobs": [{"job_id": ids[0]}]}, auth)
    assert response.status == 401
    assert response.body == {"error_msg": "The token must be updated.", "error_code": "APIG.0307"}
    assert response.body == emulator.request("POST", STATUS_PATH, PROBE, {"X-Auth-Token": "expired-token"}).body
    assert (_starts(emulator, ids[0]), _start_requests(emulator, ids[0])) == (0, 0)
    assert emulator.stats()["requests"]["by_status"] == {"201": 1, "401": 2}
    _injected(emulator, unauthorized=1)


def test_unauthorized_answers_an_aksk_call_as_a_failed_signature(drs_emulator_clean):
    emulator = drs_emulator_clean
    emulator.set_faults(unauthorized_rate=1.0)
    response = emulator.signed_request("POST", STATUS_PATH, PROBE)
    assert response.status == 401
    assert response.body == {"error_msg": "Incorrect IAM authentication information: verify aksk signature fail", "error_code": "APIGW.0301",
                             "request_id": response.headers["x-request-id"]}
    _injected(emulator, unauthorized=1)


def test_unauthorized_on_iam_is_the_keystone_401_without_a_token(drs_emulator_clean):
    emulator = drs_emulator_clean
    emulator.set_faults(unauthorized_rate=1.0, iam=True, endpoints=["iam-tokens"])
    response = emulator.request("POST", "/v3/auth/tokens", password_auth({"project": {"name": "eu-de"}}))
    assert response.status == 401
    assert response.body == KEYSTONE_401
    assert "x-subject-token" not in response.headers
    _injected(emulator, unauthorized=1)


def test_unauthorized_follows_the_endpoint_filter(drs_emulator_clean):
    emulator = drs_emulator_clean
    ids, auth = _prepare(emulator)
    emulator.set_faults(unauthorized_rate=1.0, endpoints=["batch-starting"])
    assert emulator.request("POST", STATUS_PATH, {"jobs": ids}, auth).status == 200
    assert emulator.request("POST", START_PATH, {"jobs": [{"job_id": ids[0]}]}, auth).status == 401
    _injected(emulator, unauthorized=1)


@pytest.mark.parametrize("shape, body", [
    ("no_results", {"count": 1}),
    ("results_not_list", {"count": 1, "results": "unexpected"}),
    ("items_not_dicts", {"count": 2, "results": [1, "x"]}),
    ("empty", {}),
])
def test_bad_shape_answers_200_with_an_unusable_body_and_leaves_the_jobs(drs_emulator_clean, shape, body):
    emulator = drs_emulator_clean
    ids, auth = _prepare(emulator)
    emulator.set_faults(bad_shape_rate=1.0, bad_shape=shape)
    response = emulator.request("POST", START_PATH, {"jobs": [{"job_id": ids[0]}]}, auth)
    assert (response.status, response.body) == (200, body)
    assert response.headers["content-type"] == "application/json;charset=UTF-8"
    assert (_starts(emulator, ids[0]), _start_requests(emulator, ids[0])) == (0, 0)
    _injected(emulator, bad_shape=1)


def test_bad_shape_not_json_is_an_html_page(drs_emulator_clean):
    emulator = drs_emulator_clean
    ids, auth = _prepare(emulator)
    emulator.set_faults(bad_shape_rate=1.0, bad_shape="not_json")
    response = emulator.request("POST", START_PATH, {"jobs": [{"job_id": ids[0]}]}, auth)
    assert (response.status, response.raw, response.headers["content-type"]) == (200, b"<html>gateway</html>", "text/html")
    assert response.headers["content-length"] == str(len(b"<html>gateway</html>"))
    assert _start_requests(emulator, ids[0]) == 0
    _injected(emulator, bad_shape=1)


def test_bad_shape_defaults_to_no_results_and_follows_the_endpoint_filter(drs_emulator_clean):
    emulator = drs_emulator_clean
    ids, auth = _prepare(emulator)
    assert emulator.set_faults(bad_shape_rate=1.0, endpoints=["batch-precheck-result"])["bad_shape"] == "no_results"
    assert emulator.request("POST", STATUS_PATH, {"jobs": ids}, auth).body["count"] == 2
    response = emulator.request("POST", PRECHECK_RESULT_PATH, {"jobs": ids}, auth)
    assert (response.status, response.body) == (200, {"count": 1})
    _injected(emulator, bad_shape=1)


def test_bad_shape_on_iam_tokens_is_a_201_without_a_token(drs_emulator_clean):
    emulator = drs_emulator_clean
    emulator.set_faults(bad_shape_rate=1.0, bad_shape="empty", iam=True, endpoints=["iam-tokens"])
    response = emulator.request("POST", "/v3/auth/tokens", password_auth({"project": {"name": "eu-de"}}))
    assert (response.status, response.body) == (201, {})
    assert "x-subject-token" not in response.headers
    _injected(emulator, bad_shape=1)


def test_after_requests_lets_the_first_matching_requests_pass(drs_emulator_clean):
    emulator = drs_emulator_clean
    ids, auth = _prepare(emulator)
    settings = emulator.set_faults(error_rate=1.0, error_status=500, after_requests=1, endpoints=["batch-precheck-result"])
    assert settings["after_requests"] == 1

    def poll():
        return emulator.request("POST", PRECHECK_RESULT_PATH, {"jobs": ids}, auth).status

    first = poll()
    assert emulator.request("POST", STATUS_PATH, {"jobs": ids}, auth).status == 200  # filtered out: not counted
    assert [first, poll(), poll()] == [200, 500, 500]
    _injected(emulator, error=2)


def test_after_requests_counts_only_requests_that_pass_the_iam_filter(drs_emulator_clean):
    emulator = drs_emulator_clean
    emulator.set_faults(throttle_rate=1.0, after_requests=1)
    auth = {"X-Auth-Token": emulator.token()}
    assert [emulator.request("POST", STATUS_PATH, PROBE, auth).status for _attempt in range(2)] == [200, 429]
    _injected(emulator, throttle=1)


def test_after_requests_spares_the_first_requests_every_fault_kind(drs_emulator_clean):
    emulator = drs_emulator_clean
    ids, auth = _prepare(emulator)
    emulator.set_faults(busy_rate=1.0, after_requests=1, endpoints=["batch-starting"])
    first = emulator.request("POST", START_PATH, {"jobs": [{"job_id": ids[0]}]}, auth)
    second = emulator.request("POST", START_PATH, {"jobs": [{"job_id": ids[1]}]}, auth)
    assert [item["status"] for item in first.body["results"] + second.body["results"]] == ["success", "failed"]
    assert second.body["results"][0]["error_code"] == "DRS.M01504"
    assert [_starts(emulator, job_id) for job_id in ids] == [1, 0]
    _injected(emulator, busy=1)


def test_after_requests_count_restarts_whenever_faults_are_set(drs_emulator_clean):
    emulator = drs_emulator_clean
    _ids, auth = _prepare(emulator)
    emulator.set_faults(error_rate=1.0, after_requests=2)

    def statuses(count):
        return [emulator.request("POST", STATUS_PATH, PROBE, auth).status for _attempt in range(count)]

    assert statuses(3) == [200, 200, 503]
    emulator.set_faults(seed=5)
    assert statuses(3) == [200, 200, 503]
    emulator.set_faults(clear=True)
    assert emulator.set_faults(error_rate=1.0)["after_requests"] == 0
    assert statuses(1) == [503]
    _injected(emulator, error=3)


def test_for_seconds_ends_the_outage_and_setting_faults_starts_it_again(drs_emulator_clean):
    emulator = drs_emulator_clean
    _ids, auth = _prepare(emulator)
    window = 0.5
    set_at = time.monotonic()
    assert emulator.set_faults(error_rate=1.0, for_seconds=window)["for_seconds"] == window
    assert emulator.request("POST", STATUS_PATH, PROBE, auth).status == 503
    time.sleep(max(0.0, set_at + window + 0.1 - time.monotonic()))
    assert emulator.request("POST", STATUS_PATH, PROBE, auth).status == 200
    emulator.set_faults()
    assert emulator.request("POST", STATUS_PATH, PROBE, auth).status == 503
    _injected(emulator, error=2)


def test_for_seconds_window_is_measured_on_the_injected_monotonic_clock():
    now = [100.0]
    injector = FaultInjector({"error_rate": 1.0, "for_seconds": 30}, monotonic=lambda: now[0])

    def status():
        plan = injector.plan("batch-status", False, "0" * 32, "token")
        return plan.reply[0] if plan is not None else "processed"

    assert status() == 503
    now[0] = 129.9
    assert status() == 503
    now[0] = 130.0
    assert status() == "processed"
    injector.update({})
    assert status() == 503
    injector.update({"for_seconds": None})
    now[0] = 1e9
    assert status() == 503
    assert injector.counters()["error"] == 4


def test_latency_and_spikes_delay_but_do_not_change_the_reply(drs_emulator_clean):
    emulator = drs_emulator_clean
    _ids, auth = _prepare(emulator)
    settings = emulator.set_faults(latency_ms=5, jitter_ms=5, spike_rate=1.0, spike_ms=10)
    assert (settings["latency_ms"], settings["jitter_ms"], settings["spike_rate"], settings["spike_ms"]) == (5, 5, 1.0, 10)
    response = emulator.request("POST", STATUS_PATH, PROBE, auth)
    assert response.status == 200
    _injected(emulator, latency_spike=1)


def test_endpoint_filter_limits_where_faults_apply(drs_emulator_clean):
    emulator = drs_emulator_clean
    ids, auth = _prepare(emulator)
    emulator.set_faults(throttle_rate=1.0, endpoints=["batch-starting"])
    assert emulator.request("POST", STATUS_PATH, {"jobs": ids}, auth).status == 200
    assert emulator.request("POST", START_PATH, {"jobs": [{"job_id": ids[0]}]}, auth).status == 429
    _injected(emulator, throttle=1)


def test_faults_skip_iam_unless_asked(drs_emulator_clean):
    emulator = drs_emulator_clean
    emulator.set_faults(throttle_rate=1.0)
    assert emulator.token()
    _injected(emulator)
    emulator.set_faults(iam=True, endpoints=["iam-tokens"])
    response = emulator.request("POST", "/v3/auth/tokens", {"auth": {}})
    assert response.status == 429
    assert response.body["error_code"] == "APIGW.0308"
    _injected(emulator, throttle=1)


def test_admin_api_is_never_faulted(drs_emulator_clean):
    emulator = drs_emulator_clean
    emulator.set_faults(reset_before_rate=1.0, error_rate=1.0, latency_ms=0)
    assert emulator.health()["status"] == "ok"
    assert emulator.stats()["faults_injected"] == NO_FAULTS


def test_authentication_runs_before_faults(drs_emulator_clean):
    emulator = drs_emulator_clean
    emulator.set_faults(throttle_rate=1.0)
    response = emulator.request("POST", STATUS_PATH, PROBE)
    assert response.status == 401
    _injected(emulator)


def test_same_seed_gives_the_same_fault_sequence(drs_emulator_clean):
    emulator = drs_emulator_clean
    _ids, auth = _prepare(emulator)
    connection = emulator.connection()

    def run():
        return [emulator.request("POST", STATUS_PATH, PROBE, auth, connection=connection).status for _attempt in range(24)]

    emulator.set_faults(seed=42, error_rate=0.5)
    first = run()
    emulator.set_faults(seed=42)
    second = run()
    emulator.set_faults(seed=7)
    third = run()
    connection.close()
    assert first == second
    assert set(first) == {200, 503}
    assert third != first
    assert emulator.stats()["faults_injected"]["error"] == first.count(503) * 2 + third.count(503)


def test_clear_resets_every_fault(drs_emulator_clean):
    emulator = drs_emulator_clean
    emulator.set_faults(throttle_rate=0.5, error_rate=0.2, latency_ms=3, unauthorized_rate=0.4, bad_shape_rate=0.3,
                        bad_shape="empty", after_requests=4, for_seconds=60, endpoints=["batch-status"], iam=True)
    cleared = emulator.set_faults(clear=True)
    assert cleared == {"latency_ms": 0, "jitter_ms": 0, "error_rate": 0.0, "error_status": 503, "throttle_rate": 0.0, "retry_after": 1,
                       "too_frequent_rate": 0.0, "busy_rate": 0.0, "reset_before_rate": 0.0, "reset_after_rate": 0.0, "spike_rate": 0.0,
                       "spike_ms": 0, "unauthorized_rate": 0.0, "bad_shape_rate": 0.0, "bad_shape": "no_results", "after_requests": 0,
                       "for_seconds": None, "token_ttl": 86400,
                       "endpoints": None, "iam": False, "seed": 0}
    assert emulator.admin("GET", "faults") == cleared


@pytest.mark.parametrize("body, message", [
    ({"error_rate": 2}, "error_rate must be between 0.0 and 1.0"),
    ({"unauthorized_rate": -0.1}, "unauthorized_rate must be between 0.0 and 1.0"),
    ({"unauthorized_rate": "1"}, "unauthorized_rate must be a number"),
    ({"bad_shape_rate": 1.5}, "bad_shape_rate must be between 0.0 and 1.0"),
    ({"bad_shape": "garbled"}, "bad_shape must be one of ('no_results', 'results_not_list', 'items_not_dicts', 'empty', 'not_json')"),
    ({"bad_shape": ["empty"]}, "bad_shape must be one of ('no_results', 'results_not_list', 'items_not_dicts', 'empty', 'not_json')"),
    ({"after_requests": -1}, "after_requests must be an integer >= 0"),
    ({"after_requests": 1.5}, "after_requests must be an integer >= 0"),
    ({"after_requests": True}, "after_requests must be an integer >= 0"),
    ({"after_requests": None}, "after_requests must be an integer >= 0"),
    ({"for_seconds": 0}, "for_seconds must be a finite number greater than 0 or null"),
    ({"for_seconds": -1.5}, "for_seconds must be a finite number greater than 0 or null"),
    ({"for_seconds": "10"}, "for_seconds must be a finite number greater than 0 or null"),
    ({"for_seconds": True}, "for_seconds must be a finite number greater than 0 or null"),
    ({"for_seconds": float("inf")}, "for_seconds must be a finite number greater than 0 or null"),
    ({"error_status": 418}, "error_status must be one of (500, 502, 503, 504)"),
    ({"endpoints": "batch-status"}, "endpoints must be a list of endpoint names or null"),
    ({"latency": 5}, "unknown fault setting 'latency'"),
    ({"iam": "yes"}, "iam must be a boolean"),
])
def test_invalid_fault_settings_are_refused(drs_emulator_clean, body, message):
    response = drs_emulator_clean.request("POST", "/_emulator/faults", body)
    assert response.status == 400
    assert response.body == {"error_code": "EMULATOR.400", "error_msg": message}


@pytest.mark.drs_emulator("--throttle-rate", "1", "--retry-after", "7", "--fault-endpoints", "batch-status")
def test_cli_flags_set_the_startup_faults(drs_emulator):
    emulator = drs_emulator
    auth = {"X-Auth-Token": emulator.token()}
    response = emulator.request("POST", STATUS_PATH, PROBE, auth)
    assert response.status == 429
    assert response.headers["retry-after"] == "7"
    assert emulator.request("POST", "/v3/%s/jobs" % PROJECT_A_ID, {}, auth).status != 429
    emulator.set_faults(throttle_rate=0.0)
    assert emulator.request("POST", STATUS_PATH, PROBE, auth).status == 200
    emulator.reset(jobs=False, stats=False, faults=True)
    assert emulator.admin("GET", "faults")["throttle_rate"] == 1.0
    assert emulator.request("POST", STATUS_PATH, PROBE, auth).status == 429


@pytest.mark.drs_emulator("--unauthorized-rate", "1", "--fault-endpoints", "batch-starting")
def test_cli_unauthorized_flag(drs_emulator):
    auth = {"X-Auth-Token": drs_emulator.token()}
    assert drs_emulator.request("POST", STATUS_PATH, PROBE, auth).status == 200
    assert drs_emulator.request("POST", START_PATH, {"jobs": [{"job_id": UNKNOWN_JOB}]}, auth).status == 401
    assert drs_emulator.admin("GET", "faults")["unauthorized_rate"] == 1.0


@pytest.mark.drs_emulator("--bad-shape-rate", "1", "--bad-shape", "items_not_dicts")
def test_cli_bad_shape_flags(drs_emulator):
    response = drs_emulator.request("POST", STATUS_PATH, PROBE, {"X-Auth-Token": drs_emulator.token()})
    assert (response.status, response.body) == (200, {"count": 2, "results": [1, "x"]})


@pytest.mark.drs_emulator("--error-rate", "1", "--after-requests", "1")
def test_cli_after_requests_counts_from_start_and_from_each_reset(drs_emulator):
    emulator = drs_emulator
    auth = {"X-Auth-Token": emulator.token()}
    assert [emulator.request("POST", STATUS_PATH, PROBE, auth).status for _attempt in range(2)] == [200, 503]
    emulator.reset(jobs=False, stats=False, faults=True)
    assert [emulator.request("POST", STATUS_PATH, PROBE, auth).status for _attempt in range(2)] == [200, 503]
    assert emulator.admin("GET", "faults")["after_requests"] == 1


@pytest.mark.drs_emulator("--error-rate", "1", "--for-seconds", "3600")
def test_cli_for_seconds_flag(drs_emulator):
    assert drs_emulator.request("POST", STATUS_PATH, PROBE, {"X-Auth-Token": drs_emulator.token()}).status == 503
    assert drs_emulator.admin("GET", "faults")["for_seconds"] == 3600.0


@pytest.mark.drs_emulator("--error-rate", "1", "--error-status", "500", "--reset-after-rate", "0", "--seed", "3")
def test_cli_error_flags(drs_emulator):
    response = drs_emulator.request("POST", STATUS_PATH, PROBE, {"X-Auth-Token": drs_emulator.token()})
    assert response.status == 500
    assert response.body == {"error_code": "DRS.M00004", "error_msg": "Service abnormal."}
    assert drs_emulator.admin("GET", "faults")["seed"] == 3
