"""Fakes for the client's unit tests (imported by the test_*.py files beside it): a scripted HTTP transport, a fake clock and a deterministic jitter.

``FakeApi`` is mounted on a real ``requests.Session`` (as a transport adapter), so the client runs its real
code down to the point where bytes would go on the wire. Each recorded ``Call`` keeps the exact method, URL,
headers and body bytes that the client sent. Replies are scripted per route (method + URL path suffix): a
list of replies is consumed in order and the last one repeats; a callable computes the reply from the call.
"""

import json
import threading
from urllib.parse import parse_qsl, urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from ansible_collections.cloudops.drs.plugins.module_utils._auth import AuthConfig
from ansible_collections.cloudops.drs.plugins.module_utils._client import DrsClient

PROJECT_ID = "054ba152d480d55b2f5dc0069e7ddef0"
ENDPOINT = "https://drs.eu-de.otc.t-systems.com"
AUTH_URL = "https://iam.eu-de.otc.t-systems.com/v3"
JOBS_URL = "%s/v3/%s/jobs" % (ENDPOINT, PROJECT_ID)
TOKEN = "MIItokenSECRET-0123456789"
PASSWORD = "Pa55word-SECRET!"
SECRET_KEY = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"
ACCESS_KEY = "QTWAOYTTINDUT2QVKYUC"


def job_id(number):
    """A valid DRS job id ending in jb + 3 digits."""
    return "140b5236-88ad-43c8-811c-1268453jb%03d" % number


class Reply(object):
    def __init__(self, status=200, body=None, headers=None, raw=None):
        self.status = status
        self.body = body
        self.headers = dict(headers or {})
        self.raw = raw


def reply(status=200, body=None, headers=None, raw=None):
    """A scripted reply: JSON ``body`` (or ``raw`` bytes/str sent as they are)."""
    return Reply(status, body, headers, raw)


class Call(object):
    """One request as the client sent it."""

    def __init__(self, prepared, timeout, verify, cert, proxies=None):
        self.method = prepared.method
        self.url = prepared.url
        parts = urlsplit(prepared.url)
        self.path = parts.path
        self.query = parts.query
        self.query_pairs = parse_qsl(parts.query, keep_blank_values=True)
        self.headers = CaseInsensitiveDict(prepared.headers)
        body = prepared.body
        self.body = body.encode("utf-8") if isinstance(body, str) else (body or b"")
        self.timeout = timeout
        self.verify = verify
        self.cert = cert
        self.proxies = proxies

    @property
    def json(self):
        return json.loads(self.body.decode("utf-8")) if self.body else None

    @property
    def job_ids(self):
        """The job ids of a batch request body, whatever their shape."""
        jobs = (self.json or {}).get("jobs") or []
        return [job if isinstance(job, str) else job.get("job_id") for job in jobs]

    def __repr__(self):
        return "Call(%s %s %r)" % (self.method, self.url, self.body[:120])


class FakeApi(BaseAdapter):
    """A transport adapter that answers from scripted routes and records every call."""

    def __init__(self):
        super(FakeApi, self).__init__()
        self.routes = {}
        self.calls = []
        self._lock = threading.Lock()

    def route(self, method, path_suffix, *replies):
        """Script the replies to ``method`` requests whose URL path ends with ``path_suffix``."""
        self.routes[(method.upper(), path_suffix)] = list(replies)
        return self

    def calls_to(self, path_suffix, method=None):
        return [call for call in self.calls if call.path.endswith(path_suffix) and (method is None or call.method == method)]

    def _responder(self, call):
        matches = [(len(suffix), key) for key in self.routes for suffix in (key[1],)
                   if key[0] == call.method and call.path.endswith(suffix)]
        if not matches:
            raise AssertionError("unexpected request %s %s" % (call.method, call.url))
        key = max(matches)[1]
        queue = self.routes[key]
        return queue.pop(0) if len(queue) > 1 else queue[0]

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        call = Call(request, timeout, verify, cert, proxies)
        with self._lock:
            self.calls.append(call)
            scripted = self._responder(call)
        if callable(scripted) and not isinstance(scripted, Reply):
            scripted = scripted(call)
        if isinstance(scripted, BaseException):
            raise scripted
        response = requests.Response()
        response.status_code = scripted.status
        if scripted.raw is not None:
            content = scripted.raw.encode("utf-8") if isinstance(scripted.raw, str) else scripted.raw
        elif scripted.body is not None:
            content = json.dumps(scripted.body).encode("utf-8")
        else:
            content = b""
        headers = {"Content-Type": "application/json;charset=UTF-8", "X-Request-Id": "0123456789abcdef0123456789abcdef"}
        headers.update(scripted.headers)
        response.headers = CaseInsensitiveDict(headers)
        response._content = content  # pylint: disable=protected-access
        response.encoding = "utf-8"
        response.url = request.url
        response.request = request
        response.reason = "scripted"
        return response

    def close(self):
        pass


class FakeClock(object):
    """monotonic() and sleep() on a fake time line; sleeps are recorded."""

    def __init__(self, start=1000.0):
        self.now = start
        self.sleeps = []
        self._lock = threading.Lock()

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        with self._lock:
            assert seconds >= 0
            self.sleeps.append(round(seconds, 6))
            self.now += seconds

    def advance(self, seconds):
        self.now += seconds


class MaxJitter(object):
    """Full jitter that always picks the upper bound, so backoff delays are exact."""

    @staticmethod
    def uniform(low, high):
        return high


def token_auth(**overrides):
    values = dict(auth_token=TOKEN, project_id=PROJECT_ID, endpoint=ENDPOINT, region="eu-de", source="options")
    values.update(overrides)
    return AuthConfig("token", **values)


def password_auth(**overrides):
    values = dict(username="drs-operator", password=PASSWORD, domain_name="OTC00000000001000000001", project_name="eu-de",
                  region="eu-de", auth_url=AUTH_URL, source="options")
    values.update(overrides)
    return AuthConfig("password", **values)


def aksk_auth(**overrides):
    values = dict(access_key=ACCESS_KEY, secret_key=SECRET_KEY, project_id=PROJECT_ID, region="eu-de", auth_url=AUTH_URL,
                  source="options")
    values.update(overrides)
    return AuthConfig("aksk", **values)


class Harness(object):
    """A DrsClient wired to a FakeApi and a FakeClock."""

    def __init__(self, auth=None, **client_args):
        self.api = FakeApi()
        self.clock = FakeClock()
        session = requests.Session()
        session.mount("https://", self.api)
        session.mount("http://", self.api)
        client_args.setdefault("max_concurrency", 1)
        self.client = DrsClient(auth or token_auth(), sleep=self.clock.sleep, monotonic=self.clock.monotonic, session=session,
                                **client_args)
        self.client.random = MaxJitter()

    @property
    def calls(self):
        return self.api.calls


def status_results(call, status="CONFIGURATION", key="id", error_key="error_message"):
    """A batch-status style reply listing every job of the request with ``status``."""
    results = [{key: job, "status": status, "error_code": None, error_key: None} for job in call.job_ids]
    return reply(200, {"count": len(results), "results": results})
