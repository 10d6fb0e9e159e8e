"""Retry rules of DrsClient with sleep patched: which failures are retried, how long it waits, and the deadline."""

import email.utils

import pytest
import requests
from urllib3.exceptions import NewConnectionError, ProtocolError

from ansible_collections.cloudops.drs.plugins.module_utils._transport import DEFAULT_RETRY_WINDOW, MAX_ATTEMPTS, MAX_CONNECT_RETRIES
from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsApiError, DrsTimeoutError

from drs_client_fakes import Harness, job_id, reply, status_results

JOB = job_id(101)
THROTTLED = reply(429, {"error_msg": "The throttling threshold has been reached: policy user over ratelimit,limit:10,time:1 minute",
                        "error_code": "APIGW.0308", "request_id": "f" * 32})


def harness_with(*first_replies):
    h = Harness()
    h.api.route("POST", "/jobs/batch-status", *(first_replies + (status_results,)))
    return h


def refused():
    return requests.exceptions.ConnectionError(NewConnectionError(None, "Failed to establish a new connection: [Errno 111] Connection refused"))


def test_429_with_retry_after_seconds_waits_exactly_that_long():
    h = harness_with(reply(429, THROTTLED.body, headers={"Retry-After": "7"}))
    items, dummy = h.client.batch_status([JOB])
    assert items[JOB]["status"] == "CONFIGURATION"
    assert h.clock.sleeps == [7.0]
    assert len(h.calls) == 2
    assert h.client.stats == {"requests": 2, "retries": 1,
                              "retried": {"throttled": 1, "server_error": 0, "connection": 0, "busy": 0, "reauth": 0}}


def test_429_with_retry_after_as_an_http_date():
    h = harness_with(reply(429, THROTTLED.body, headers={"Retry-After": email.utils.formatdate(1700000030, usegmt=True)}))
    h.client.wallclock = lambda: 1700000000.0
    h.client.batch_status([JOB])
    assert h.clock.sleeps == [30.0]


def test_429_without_retry_after_backs_off_exponentially():
    h = harness_with(THROTTLED, THROTTLED, THROTTLED)
    h.client.batch_status([JOB])
    assert h.clock.sleeps == [0.5, 1.0, 2.0]
    assert h.client.stats["retried"]["throttled"] == 3


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_and_availability_errors_are_retried(status):
    h = harness_with(reply(status, raw="<html>Bad Gateway</html>", headers={"Content-Type": "text/html"}))
    items, dummy = h.client.batch_status([JOB])
    assert JOB in items
    assert h.clock.sleeps == [0.5]
    assert h.client.stats["retried"]["server_error"] == 1


@pytest.mark.parametrize("code", ["APIGW.0308", "APIG.0308"])
def test_gateway_throttling_code_is_retried_whatever_the_status(code):
    h = harness_with(reply(400, {"error_code": code, "error_msg": "The throttling threshold has been reached"}))
    h.client.batch_status([JOB])
    assert h.clock.sleeps == [0.5]
    assert h.client.stats["retried"]["throttled"] == 1


def test_drs_operation_too_frequent_is_retried():
    h = harness_with(reply(400, {"error_code": "DRS.M01503", "error_msg": "Operation too frequent. Try again later."}))
    h.client.batch_status([JOB])
    assert h.clock.sleeps == [0.5]
    assert h.client.stats["retried"]["throttled"] == 1


@pytest.mark.parametrize("failure", [
    refused(),
    requests.exceptions.ConnectTimeout("connect timed out"),
    requests.exceptions.ReadTimeout("read timed out"),
    requests.exceptions.ConnectionError(ProtocolError("Connection aborted.", ConnectionResetError(104, "reset"))),
    requests.exceptions.ChunkedEncodingError(ProtocolError("Connection broken: IncompleteRead(10 bytes read, 20 more expected)")),
])
def test_connection_errors_are_retried_on_reads(failure):
    h = harness_with(failure)
    items, dummy = h.client.batch_status([JOB])
    assert JOB in items
    assert h.clock.sleeps == [0.5]
    assert h.client.stats["retried"]["connection"] == 1


def test_full_jitter_stays_under_the_capped_exponential_ceiling():
    h = harness_with(*([reply(503, {})] * 7))
    bounds = []

    class Recorder(object):
        @staticmethod
        def uniform(low, high):
            bounds.append((low, high))
            return high / 2

    h.client.random = Recorder()
    h.client.batch_status([JOB], deadline=h.client.deadline_in(600))
    assert bounds == [(0, 0.5), (0, 1.0), (0, 2.0), (0, 4.0), (0, 8.0), (0, 10.0), (0, 10.0)]
    assert h.clock.sleeps == [0.25, 0.5, 1.0, 2.0, 4.0, 5.0, 5.0]


def outage(h, seconds, failure):
    """A batch-status route that answers ``failure`` for ``seconds`` of fake time from now, then the jobs' status."""
    ends = h.clock.now + seconds

    def answer(call):
        return failure if h.clock.now < ends else status_results(call)
    h.api.route("POST", "/jobs/batch-status", answer)


def test_a_45_s_outage_is_outlasted_when_the_deadline_allows_it():
    h = Harness()
    outage(h, 45, reply(503, {"error_msg": "Service unavailable"}))
    started = h.clock.now
    items, dummy = h.client.batch_status([JOB], deadline=h.client.deadline_in(1800))
    assert items[JOB]["status"] == "CONFIGURATION"
    assert len(h.calls) == 9 > MAX_ATTEMPTS      # the attempt count of old is no limit any more
    assert h.clock.sleeps == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0, 10.0]   # capped at 10 s
    assert h.clock.now - started == 45.5
    assert h.client.stats["retried"]["server_error"] == 8


def test_retries_go_on_until_the_deadline_and_stop_before_it():
    h = Harness()
    h.api.route("POST", "/jobs/batch-status", reply(503, {"error_msg": "Service unavailable"}))
    deadline = h.client.deadline_in(600)
    with pytest.raises(DrsTimeoutError) as info:
        h.client.batch_status([JOB], deadline=deadline)
    assert h.clock.sleeps[:7] == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0] and set(h.clock.sleeps[6:]) == {10.0}
    assert deadline - 10.0 <= h.clock.now < deadline
    assert len(h.calls) == 64
    assert str(info.value).endswith("HTTP 503: Service unavailable (request id 0123456789abcdef0123456789abcdef) "
                                    "(no retry: the next attempt would be after the deadline; 64 attempts)")
    assert info.value.status == 503


def test_without_a_deadline_an_outage_is_retried_for_the_default_window():
    h = Harness()
    h.api.route("POST", "/jobs/batch-status", reply(503, {"error_msg": "Service unavailable"}))
    started = h.clock.now
    with pytest.raises(DrsApiError) as info:
        h.client.batch_status([JOB])
    assert not isinstance(info.value, DrsTimeoutError)
    assert 110 < h.clock.now - started < DEFAULT_RETRY_WINDOW == 120
    assert str(info.value).endswith("(gave up: retrying for more than 120 s; 16 attempts)")


def test_a_refused_connection_to_a_host_that_answered_before_is_an_outage_retried_until_it_ends():
    h = Harness()
    h.api.route("POST", "/jobs/batch-status", status_results)
    h.client.batch_status([JOB], deadline=h.client.deadline_in(1800))      # the host answered once in this run
    outage(h, 45, refused())
    items, dummy = h.client.batch_status([JOB], deadline=h.client.deadline_in(1800))
    assert items[JOB]["status"] == "CONFIGURATION"
    assert len(h.calls) == 1 + 9 and h.client.stats["retried"]["connection"] == 8


def test_a_refused_connection_to_a_host_that_never_answered_is_retried_twice():
    h = Harness()
    outage(h, 45, refused())
    with pytest.raises(DrsApiError) as info:
        h.client.batch_status([JOB], deadline=h.client.deadline_in(1800))
    assert len(h.calls) == 1 + MAX_CONNECT_RETRIES == 3
    assert str(info.value).endswith("connection refused (nothing listens at that address) (gave up after 3 attempts)")


def test_never_sleeps_past_the_deadline():
    h = Harness()
    h.api.route("POST", "/jobs/batch-status", reply(503, {"error_msg": "Service unavailable"}))
    deadline = h.client.deadline_in(3)
    with pytest.raises(DrsTimeoutError) as info:
        h.client.batch_status([JOB], deadline=deadline)
    assert h.clock.sleeps == [0.5, 1.0]  # the next back-off (2 s) would end after the deadline
    assert h.clock.now <= deadline
    assert "no retry: the next attempt would be after the deadline" in str(info.value)
    assert info.value.status == 503
    assert info.value.pending == [JOB] and info.value.last_seen == {}


def test_retry_after_beyond_the_deadline_stops_at_once():
    h = harness_with(reply(429, THROTTLED.body, headers={"Retry-After": "60"}))
    with pytest.raises(DrsTimeoutError) as info:
        h.client.batch_status([JOB], deadline=h.client.deadline_in(30))
    assert h.clock.sleeps == []
    assert info.value.error_code == "APIGW.0308"
    assert "APIGW.0308: The throttling threshold has been reached" in str(info.value)


def test_without_a_deadline_retries_stop_after_the_default_window():
    h = harness_with(reply(429, THROTTLED.body, headers={"Retry-After": "500"}))
    with pytest.raises(DrsApiError) as info:
        h.client.batch_status([JOB])
    assert not isinstance(info.value, DrsTimeoutError)
    assert h.clock.sleeps == []
    assert "gave up: retrying for more than 120 s" in str(info.value)


@pytest.mark.parametrize("status, body", [
    (400, {"error_code": "DRS.M00202", "error_msg": "The value of jobs is invalid."}),
    (500, {"error_code": "DRS.M00004", "error_msg": "Service abnormal."}),
    (403, {"error_code": "DRS.M00102", "error_msg": "Insufficient permissions."}),
])
def test_other_errors_are_not_retried(status, body):
    h = Harness()
    h.api.route("POST", "/jobs/batch-status", reply(status, body, headers={"X-Request-Id": "abc123"}))
    with pytest.raises(DrsApiError) as info:
        h.client.batch_status([JOB])
    assert len(h.calls) == 1 and h.clock.sleeps == []
    error = info.value
    assert str(error) == "POST %s failed: HTTP %d %s: %s (request id abc123)" % (
        h.calls[0].url, status, body["error_code"], body["error_msg"])
    assert error.to_dict() == {"status": status, "error_code": body["error_code"], "error_msg": body["error_msg"],
                               "request_id": "abc123", "method": "POST", "url": h.calls[0].url}


def test_tls_failures_are_not_retried_and_say_what_to_set():
    h = harness_with(requests.exceptions.SSLError("certificate verify failed: unable to get local issuer certificate"))
    with pytest.raises(DrsApiError) as info:
        h.client.batch_status([JOB])
    assert len(h.calls) == 1
    assert "set ca_cert" in str(info.value)


def test_connection_refused_is_retried_twice_then_reported_in_words_with_the_raw_text_in_error_msg():
    import socket

    from ansible_collections.cloudops.drs.plugins.module_utils._auth import AuthConfig
    from ansible_collections.cloudops.drs.plugins.module_utils._transport import Transport

    with socket.socket() as probe:      # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeps = []
    transport = Transport(AuthConfig("token", auth_token="t"), api_timeout=2, sleep=sleeps.append)
    with pytest.raises(DrsApiError) as info:
        transport._request("POST", "http://127.0.0.1:%d/v3/p/jobs/batch-status" % port, {}, None)
    assert transport.stats["requests"] == 3 and len(sleeps) == 2
    assert str(info.value) == ("POST http://127.0.0.1:%d/v3/p/jobs/batch-status failed: connection refused (nothing listens "
                               "at that address) (gave up after 3 attempts)" % port)
    assert "ConnectionError" in info.value.error_msg and "Connection refused" in info.value.error_msg
