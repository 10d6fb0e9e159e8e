"""HTTP behaviour: keep-alive, headers on every reply, routing, framing errors, CLI start/stop."""

import json
import os
import re
import signal
import socket
import subprocess
import sys

import pytest

from drs_emulator.pytest_plugin import TESTS_DIR, PROJECT_A_ID

STATUS_PATH = "/v3/%s/jobs/batch-status" % PROJECT_A_ID
UNKNOWN_JOB = "140b5236-88ad-43c8-811c-1268453jb999"
PROBE = {"jobs": [UNKNOWN_JOB]}  # a valid batch-status body: 200 with a per-job DRS.M00289
REQUEST_ID_RE = re.compile(r"^[0-9a-f]{32}$")


def _assert_common_headers(response):
    assert response.headers["content-type"] == "application/json;charset=UTF-8"
    assert REQUEST_ID_RE.match(response.headers["x-request-id"])
    assert int(response.headers["content-length"]) == len(response.raw)


def test_keep_alive_serves_many_requests_on_one_connection(drs_emulator_clean):
    emulator = drs_emulator_clean
    auth = {"X-Auth-Token": emulator.token()}
    connection = emulator.connection()
    try:
        first = emulator.request("POST", STATUS_PATH, PROBE, auth, connection=connection)
        local_port = connection.sock.getsockname()[1]
        replies = [first] + [emulator.request("POST", STATUS_PATH, PROBE, auth, connection=connection) for _attempt in range(5)]
        replies.append(emulator.request("GET", "/_emulator/health", connection=connection))
        replies.append(emulator.request("POST", STATUS_PATH, PROBE, {"X-Auth-Token": "bad"}, connection=connection))
        assert connection.sock is not None
        assert connection.sock.getsockname()[1] == local_port
    finally:
        connection.close()
    assert [reply.status for reply in replies] == [200] * 7 + [401]
    assert len({reply.headers["x-request-id"] for reply in replies}) == len(replies)
    for reply in replies:
        _assert_common_headers(reply)
        assert "connection" not in reply.headers
    assert emulator.stats()["requests"]["by_endpoint"]["batch-status"] == 7


def test_connection_close_is_honoured(drs_emulator_clean):
    emulator = drs_emulator_clean
    response = emulator.request("GET", "/_emulator/health", headers={"Connection": "close"})
    assert response.status == 200
    assert response.headers["connection"] == "close"


@pytest.mark.parametrize("method, path, status, code", [
    ("GET", "/", 404, "APIGW.0101"),
    ("GET", "/v2/something", 404, "APIGW.0101"),
    ("POST", "/v3/%s/servers" % PROJECT_A_ID, 404, "APIGW.0101"),
    ("POST", STATUS_PATH, 401, "APIGW.0301"),
])
def test_every_reply_is_json_with_a_request_id(drs_emulator_clean, method, path, status, code):
    response = drs_emulator_clean.request(method, path, {})
    assert response.status == status
    assert response.body["error_code"] == code
    _assert_common_headers(response)


def test_unknown_drs_path_is_answered_by_the_api(drs_emulator_clean):
    emulator = drs_emulator_clean
    response = emulator.request("POST", "/v3/%s/jobs/batch-nothing" % PROJECT_A_ID, PROBE, {"X-Auth-Token": emulator.token()})
    assert response.status == 404
    assert response.body["error_code"] == "DRS.M00300"
    assert emulator.stats()["requests"]["by_endpoint"] == {"iam-tokens": 1, "unknown": 1}


def test_drs_prefix_alias_is_tolerated(drs_emulator_clean):
    emulator = drs_emulator_clean
    emulator.load_jobs(2)
    ids = [job["id"] for job in emulator.jobs()]
    response = emulator.request("POST", "/drs" + STATUS_PATH, {"jobs": ids}, {"X-Auth-Token": emulator.token()})
    assert response.status == 200
    assert sorted(item["id"] for item in response.body["results"]) == sorted(ids)
    assert emulator.signed_request("POST", "/drs" + STATUS_PATH, {"jobs": ids}).status == 200


def test_head_has_length_but_no_body(drs_emulator_clean):
    emulator = drs_emulator_clean
    connection = emulator.connection()
    try:
        connection.request("HEAD", "/_emulator/health")
        response = connection.getresponse()
        assert response.read() == b""
        assert response.status == 200
        assert int(response.getheader("Content-Length")) > 0
        connection.request("GET", "/_emulator/health")
        follow_up = connection.getresponse()
        assert json.loads(follow_up.read())["status"] == "ok"
    finally:
        connection.close()


def test_chunked_request_body_is_read(drs_emulator_clean):
    emulator = drs_emulator_clean
    emulator.load_jobs(1)
    job_id = emulator.jobs()[0]["id"]
    connection = emulator.connection()
    try:
        body = json.dumps({"jobs": [job_id]}).encode()
        connection.request("POST", STATUS_PATH, body=iter([body[:5], body[5:]]),
                           headers={"X-Auth-Token": emulator.token(), "Content-Type": "application/json"}, encode_chunked=True)
        response = connection.getresponse()
        assert response.status == 200
        assert json.loads(response.read())["results"][0]["id"] == job_id
    finally:
        connection.close()


def _raw_exchange(port, data):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    head, _sep, body = b"".join(chunks).partition(b"\r\n\r\n")
    return head.decode("latin-1"), json.loads(body)


def test_malformed_requests_get_json_and_a_closed_connection(drs_emulator_clean):
    head, body = _raw_exchange(drs_emulator_clean.port, b"GARBAGE\r\n\r\n")
    assert head.startswith("HTTP/1.1 400")
    assert "Connection: close" in head
    assert body["error_code"] == "APIGW.0201"
    head, body = _raw_exchange(drs_emulator_clean.port, b"POST /v3/auth/tokens HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n")
    assert head.startswith("HTTP/1.1 400")
    assert body == {"error_code": "APIGW.0201", "error_msg": "Invalid Content-Length.", "request_id": body["request_id"]}


def _start_cli(*args):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [TESTS_DIR, os.environ.get("PYTHONPATH")])))
    return subprocess.Popen([sys.executable, "-m", "drs_emulator", "--port", "0", *args],  # pylint: disable=consider-using-with
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_cli_prints_one_listening_line_and_stops_cleanly(stop_signal):
    process = _start_cli()
    try:
        line = process.stdout.readline().decode()
        assert re.match(r"^DRS emulator listening on http://127\.0\.0\.1:\d+\n$", line)
        process.send_signal(stop_signal)
        rest, errors = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0
    assert rest == b""
    assert errors == b""


def test_cli_reports_a_bad_fixture_and_exits_2(tmp_path):
    process = _start_cli("--fixture", str(tmp_path / "missing.yml"))
    out, errors = process.communicate(timeout=20)
    assert process.returncode == 2
    assert out == b""
    assert errors.decode().startswith("drs_emulator: cannot start: ")
