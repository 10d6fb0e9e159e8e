"""Limits on what one reply may cost: its total time (a server that trickles), its size and its nesting.

The time and size cases run the real client against a tiny HTTP server on 127.0.0.1, started and stopped by the
test; nesting uses scripted replies.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.cloudops.drs.plugins.module_utils import _transport
from ansible_collections.cloudops.drs.plugins.module_utils._client import DrsClient
from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsApiError, DrsTimeoutError

from drs_client_fakes import PROJECT_ID, Harness, job_id, reply, token_auth

JOB = job_id(101)
BODY = json.dumps({"count": 1, "results": [{"id": JOB, "status": "CONFIGURATION", "error_code": None, "error_msg": None}]}
                  ).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.requests += 1
        how = self.server.how
        body = self.server.body
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if how != "undeclared":
            self.send_header("Content-Length", str(len(body)))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        try:
            if how == "trickle":     # one byte every 0.1 s: every socket read succeeds, the whole takes ages
                for index in range(len(body)):
                    if self.server.stopping.is_set():
                        return
                    self.wfile.write(body[index:index + 1])
                    self.wfile.flush()
                    time.sleep(0.1)
            else:
                for start in range(0, len(body), 65536):
                    self.wfile.write(body[start:start + 65536])
                    self.server.sent = start + 65536
        except OSError:     # the client hung up: what it should do
            pass
        if how == "undeclared":
            self.close_connection = True


class LocalServer(object):
    """``with LocalServer(how, body) as server``: ``server.url``, ``server.requests``."""

    def __init__(self, how, body):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.how, self.server.body, self.server.requests, self.server.sent = how, body, 0, 0
        self.server.stopping = threading.Event()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.server.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def client_of(server, api_timeout=30):
    return DrsClient(token_auth(endpoint=server.url), api_timeout=api_timeout)


def test_a_server_that_trickles_its_reply_cannot_keep_a_request_past_its_deadline():
    with LocalServer("trickle", BODY) as server:     # the whole reply would take about 12 s
        client = client_of(server, api_timeout=1)
        started = time.monotonic()
        with pytest.raises(DrsTimeoutError) as info:
            client.batch_status([JOB], deadline=client.deadline_in(2.5))
        elapsed = time.monotonic() - started
    assert elapsed < 5
    assert server.server.requests >= 2      # a reply that misses the limit is retried like a read timeout, until the deadline
    assert str(info.value).startswith("POST %s/v3/%s/jobs/batch-status failed: the reply did not arrive in full within "
                                      % (server.url, PROJECT_ID))
    assert "(the time limit of one request: api_timeout, or the deadline)" in str(info.value)


def test_a_trickled_reply_that_arrives_in_time_is_read():
    with LocalServer("trickle", b"{}") as server:
        client = client_of(server, api_timeout=5)
        reply_ = client._request("POST", server.url + "/v3/p/jobs/batch-status", {"jobs": []}, client.deadline_in(10))
    assert reply_.data == {}


@pytest.mark.parametrize("how", ["declared", "undeclared"])
def test_a_reply_larger_than_the_cap_is_refused_with_a_message_naming_the_endpoint(monkeypatch, how):
    monkeypatch.setattr(_transport, "MAX_REPLY_BYTES", 256 * 1024)
    body = b'{"count": 1, "results": [], "pad": "' + b"x" * (8 * 1024 * 1024) + b'"}'
    with LocalServer(how, body) as server:
        client = client_of(server)
        with pytest.raises(DrsApiError) as info:
            client.batch_status([JOB], deadline=client.deadline_in(30))
        assert server.server.requests == 1          # not retried: the same reply would come again
    assert not isinstance(info.value, DrsTimeoutError)
    assert str(info.value).startswith("POST %s/v3/%s/jobs/batch-status failed: the reply is larger than 256 KiB ("
                                      % (server.url, PROJECT_ID))
    assert str(info.value).endswith(" bytes %s): refused (MAX_REPLY_BYTES)" % ("announced" if how == "declared" else "read"))
    assert info.value.url == "%s/v3/%s/jobs/batch-status" % (server.url, PROJECT_ID)


def test_the_reply_cap_is_generous():
    assert _transport.MAX_REPLY_BYTES == 64 * 1024 * 1024


def test_a_reply_nested_beyond_what_python_can_decode_is_a_clear_error_naming_the_endpoint():
    h = Harness()
    h.api.route("POST", "/jobs/batch-status", reply(200, raw="[" * 200000 + "]" * 200000))
    with pytest.raises(DrsApiError) as info:
        h.client.batch_status([JOB])
    assert str(info.value) == ("DRS sent a reply the client cannot read: POST %s answered HTTP 200: the reply is "
                               "JSON nested too deeply to read (request id 0123456789abcdef0123456789abcdef)" % h.calls[0].url)


def test_a_reply_nested_deeper_than_any_drs_reply_is_refused_before_anything_walks_it():
    h = Harness()
    deep = {"count": 1, "results": [{"id": JOB, "status": "CONFIGURATION", "extra": json.loads("[" * 150 + "]" * 150)}]}
    h.api.route("POST", "/jobs/batch-status", reply(200, deep))
    with pytest.raises(DrsApiError) as info:
        h.client.batch_status([JOB])
    assert "answered HTTP 200: the reply is JSON nested more than 100 levels deep" in str(info.value)


def test_the_nesting_limit_counts_every_list_and_dict_level():
    from ansible_collections.cloudops.drs.plugins.module_utils._transport import MAX_REPLY_DEPTH, _too_deep

    def nested(levels):  # dicts and lists taking turns, each beside scalars
        value = {"leaf": 1}
        for level in range(levels - 1):
            value = [1, "x", value] if level % 2 else {"a": None, "b": value}
        return value

    assert _too_deep(nested(MAX_REPLY_DEPTH)) is False
    assert _too_deep(nested(MAX_REPLY_DEPTH + 1)) is True
    assert _too_deep(json.loads("[" * 3 + "]" * 3), limit=3) is False
    assert _too_deep(json.loads('{"a": [[{}]]}'), limit=3) is True
    assert _too_deep("text") is False and _too_deep(None) is False and _too_deep([]) is False
