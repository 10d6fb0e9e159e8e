"""The HTTP/1.1 server of the DRS emulator: routing, authentication, fault injection, stats, JSON replies.

Routes
    POST /v3/auth/tokens           IAM: get a token (password or token method)
    GET  /v3/auth/tokens           IAM: verify a token (X-Auth-Token + X-Subject-Token)
    GET  /v3/projects              IAM: list projects (token or AK/SK; ?name=)
    *    /v3/{project_id}/jobs...  DRS (auth -> faults -> Content-Type -> drs_api.handle); /drs/v3/... is a tolerant alias
    *    /_emulator/...            admin API (no auth, no faults, not counted in stats)
Everything else answers 404 with an API-gateway style JSON body.
"""

import json
import os
import re
import socket
import ssl
import struct
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from drs_emulator import admin, drs_api
from drs_emulator.faults import FaultInjector, RawBody
from drs_emulator.iam import AuthError, IamService

JSON_CONTENT_TYPE = "application/json;charset=UTF-8"
MAX_BODY_BYTES = 12 * 1024 * 1024
DRS_PATH_RE = re.compile(r"^(?:/drs)?/v3/([^/]+)(/jobs(?:/.*)?)$")
NOT_FOUND_MSG = "The API does not exist or has not been published in the environment."
# OTC "HTTP Status Codes for General Requests" (drs_05_0003): 415, the description of that row.
UNSUPPORTED_MEDIA_MSG = "Content-Type contained in the request header is not application/json."
# DRS endpoints that change jobs: the state file is written after each of them (--state-file).
MUTATING_ENDPOINTS = frozenset(("batch-precheck", "batch-starting", "batch-jobs", "batch-pause-task", "batch-retry-task"))


def is_json_content_type(value):
    """True for ``application/json`` with or without parameters (``;charset=UTF-8``), in any case."""
    return bool(value) and value.split(";", 1)[0].strip().lower() == "application/json"


class Request:
    """One parsed request as the route handlers see it (headers keyed by lower-case name)."""

    __slots__ = ("method", "raw_path", "raw_query", "headers", "body", "request_id")

    def __init__(self, method, raw_path, raw_query, headers, body, request_id):
        self.method = method
        self.raw_path = raw_path
        self.raw_query = raw_query
        self.headers = headers
        self.body = body
        self.request_id = request_id


class Reply:
    """What to answer: status, JSON body (or a faults.RawBody), extra headers; ``reset`` ("before"/"after") closes without a reply."""

    __slots__ = ("status", "body", "headers", "endpoint", "auth", "reset", "counted")

    def __init__(self, status, body, headers=None, endpoint=None, auth=None, counted=True):
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.endpoint = endpoint
        self.auth = auth
        self.reset = None
        self.counted = counted


class BodyError(Exception):
    """The request body could not be read (bad framing or too large)."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


class Stats:
    """Request counters for GET /_emulator/stats (thread-safe)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        """Zero every counter."""
        with self._lock:
            self._total = 0
            self._by_endpoint = {}
            self._by_status = {}
            self._by_auth = {}
            self._max_jobs_in_call = 0

    def record(self, endpoint, status_key, auth):
        """Count one request."""
        with self._lock:
            self._total += 1
            self._by_endpoint[endpoint] = self._by_endpoint.get(endpoint, 0) + 1
            self._by_status[status_key] = self._by_status.get(status_key, 0) + 1
            if auth:
                self._by_auth[auth] = self._by_auth.get(auth, 0) + 1

    def note_jobs_in_call(self, count):
        """Remember the largest number of jobs seen in one DRS request body."""
        with self._lock:
            self._max_jobs_in_call = max(self._max_jobs_in_call, count)

    def snapshot(self):
        """The counters as a dict (the "requests" part plus max_jobs_in_call)."""
        with self._lock:
            return {
                "requests": {"total": self._total, "by_endpoint": dict(self._by_endpoint), "by_status": dict(self._by_status),
                             "by_auth": dict(self._by_auth)},
                "max_jobs_in_call": self._max_jobs_in_call,
            }


def _jobs_in_body(body):
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return 0
    jobs = document.get("jobs") if isinstance(document, dict) else None
    return len(jobs) if isinstance(jobs, list) else 0


def _credential_kind(headers):
    if "x-auth-token" in headers:
        return "token"
    if "authorization" in headers:
        return "aksk"
    return "none"


class EmulatorHandler(BaseHTTPRequestHandler):
    """Request handler: HTTP/1.1 keep-alive, Content-Length on every reply, JSON everywhere."""

    protocol_version = "HTTP/1.1"
    server_version = "DRSEmulator/1.0"
    sys_version = ""
    disable_nagle_algorithm = True
    timeout = 300

    def setup(self):
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(self.timeout)
            self.request.do_handshake()
        super().setup()

    # No reverse DNS, no default access log.
    def address_string(self):
        return self.client_address[0]

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if self.server.verbose:
            sys.stderr.write("%s - %s\n" % (self.address_string(), format % args))

    def log_request(self, code="-", size="-"):
        pass

    def send_error(self, code, message=None, explain=None):
        """Protocol errors found by http.server (bad request line, header too large...) as JSON, then close."""
        self.close_connection = True
        body = {"error_code": "APIGW.0201", "error_msg": message or "API request error.", "request_id": uuid.uuid4().hex}
        self._write(code, body, {}, body["request_id"])

    def do_GET(self):  # pylint: disable=invalid-name
        """Dispatch a GET."""
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    # ----- request plumbing -----------------------------------------------------------------------
    def _read_chunked(self):
        chunks = []
        total = 0
        while True:
            line = self.rfile.readline(65537)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError as error:
                raise BodyError(400, "Invalid chunked encoding.") from error
            if size == 0:
                while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            total += size
            if total > MAX_BODY_BYTES:
                raise BodyError(413, "Request entity too large.")
            chunks.append(self.rfile.read(size))
            self.rfile.readline(65537)

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked()
        length = self.headers.get("Content-Length")
        if not length:
            return b""
        try:
            length = int(length)
        except ValueError as error:
            raise BodyError(400, "Invalid Content-Length.") from error
        if length < 0:
            raise BodyError(400, "Invalid Content-Length.")
        if length > MAX_BODY_BYTES:
            raise BodyError(413, "Request entity too large.")
        return self.rfile.read(length)

    def _parse_request(self, request_id):
        target = self.path
        if target.startswith(("http://", "https://")):
            parts = urlsplit(target)
            raw_path, raw_query = parts.path or "/", parts.query
        else:
            raw_path, _sep, raw_query = target.partition("?")
        headers = {name.lower(): value for name, value in self.headers.items()}
        return Request(self.command, raw_path or "/", raw_query, headers, self._read_body(), request_id)

    def _dispatch(self):
        started = time.perf_counter()
        request_id = uuid.uuid4().hex
        try:
            request = self._parse_request(request_id)
        except BodyError as error:
            self.close_connection = True
            self._write(error.status, {"error_code": "APIGW.0201", "error_msg": error.message, "request_id": request_id}, {}, request_id)
            return
        reply = self._route(request)
        self._finish(request, reply, started)

    def _route(self, request):
        path = request.raw_path
        if path == "/_emulator" or path.startswith("/_emulator/"):
            status, body = admin.handle(self.server, request.method, path[len("/_emulator"):], request.raw_query, request.body)
            if request.method == "POST" and status == 200:
                self.server.save_state()
            return Reply(status, body, counted=False)
        if path in ("/v3/auth/tokens", "/v3/auth/tokens/"):
            endpoint = "iam-tokens" if request.method == "POST" else "iam-tokens-verify"
            return self._faulted(request, endpoint, True, lambda plan: self._iam_tokens(request))
        if path in ("/v3/projects", "/v3/projects/"):
            return self._faulted(request, "iam-projects", True, lambda plan: self._iam_projects(request))
        match = DRS_PATH_RE.match(path)
        if match:
            return self._drs(request, match.group(1), match.group(2))
        body = {"error_code": "APIGW.0101", "error_msg": NOT_FOUND_MSG, "request_id": request.request_id}
        return Reply(404, body, endpoint="unknown", auth=_credential_kind(request.headers))

    # ----- route handlers -------------------------------------------------------------------------
    def _iam_tokens(self, request):
        iam = self.server.iam
        if request.method == "POST":
            status, body, headers = iam.create_token(request.raw_query, request.headers, request.body)
            if status == 201:
                self.server.save_state()
        elif request.method in ("GET", "HEAD"):
            status, body, headers = iam.verify_token(request.raw_query, request.headers)
        else:
            status, body, headers = 405, {"error": {"code": 405, "title": "Method Not Allowed", "message": "Method not allowed."}}, {}
        return Reply(status, body, headers, auth=None if request.method == "POST" else "token")

    def _iam_projects(self, request):
        if request.method not in ("GET", "HEAD"):
            return Reply(405, {"error": {"code": 405, "title": "Method Not Allowed", "message": "Method not allowed."}})
        try:
            kind, status, body = self.server.iam.list_projects(request)
        except AuthError as error:
            return Reply(error.status, error.body, auth=_credential_kind(request.headers))
        return Reply(status, body, auth=kind)

    def _drs(self, request, project_id, sub_path):
        endpoint = drs_api.endpoint_name(request.method, sub_path) or "unknown"
        try:
            kind = self.server.iam.authorize_project(request, project_id)
        except AuthError as error:
            return Reply(error.status, error.body, endpoint=endpoint, auth=_credential_kind(request.headers))

        def process(plan):
            if not is_json_content_type(request.headers.get("content-type")):
                return Reply(415, {"error_msg": UNSUPPORTED_MEDIA_MSG}, auth=kind)
            self.server.stats.note_jobs_in_call(_jobs_in_body(request.body))
            busy = self.server.faults.busy_callback(plan)
            status, body = drs_api.handle(self.server.state, project_id, request.method, sub_path, request.body, busy=busy)
            if endpoint in MUTATING_ENDPOINTS:
                self.server.save_state()
            return Reply(status, body, auth=kind)

        return self._faulted(request, endpoint, False, process)

    def _faulted(self, request, endpoint, is_iam, process):
        """Run ``process(plan)`` under the fault plan for this request (latency, canned replies, resets)."""
        credential = _credential_kind(request.headers)
        plan = self.server.faults.plan(endpoint, is_iam, request.request_id, credential)
        if plan is not None:
            if plan.delay > 0:
                time.sleep(plan.delay)
            if plan.reset_before:
                reply = Reply(0, None, endpoint=endpoint, auth=credential)
                reply.reset = "before"
                return reply
            if plan.reply is not None:
                status, body, headers = plan.reply
                return Reply(status, body, headers, endpoint=endpoint, auth=credential)
        reply = process(plan)
        reply.endpoint = endpoint
        if plan is not None and plan.reset_after:
            reply.reset = "after"
        return reply

    # ----- reply plumbing -------------------------------------------------------------------------
    def _finish(self, request, reply, started):
        if reply.counted:
            status_key = "reset" if reply.reset else str(reply.status)
            self.server.stats.record(reply.endpoint or "unknown", status_key, reply.auth)
        if reply.reset:
            self._reset_connection()
        else:
            self._write(reply.status, reply.body, reply.headers, request.request_id)
        if self.server.verbose:
            outcome = ("reset-%s" % reply.reset) if reply.reset else reply.status
            self.log_message('"%s %s" %s %.1fms rid=%s', request.method, request.raw_path, outcome, (time.perf_counter() - started) * 1000.0,
                             request.request_id)

    def _reset_connection(self):
        """Drop the connection without a reply (RST via SO_LINGER 0)."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.connection.close()

    def _write(self, status, body, headers, request_id):
        if isinstance(body, RawBody):
            content_type, payload = body.content_type, body.data
        else:
            content_type, payload = JSON_CONTENT_TYPE, json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        reason = self.responses.get(status, ("",))[0]
        lines = [
            "%s %d %s" % (self.protocol_version, status, reason),
            "Content-Type: " + content_type,
            "Content-Length: %d" % len(payload),
            "X-Request-Id: " + request_id,
            "Date: " + self.server.http_date(),
            "Server: " + self.server_version,
        ]
        lines.extend("%s: %s" % item for item in headers.items())
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if getattr(self, "command", None) == "HEAD":
            payload = b""
        self.wfile.write(head + payload)


class EmulatorServer(ThreadingHTTPServer):
    """The emulator's threaded HTTP(S) server; holds the state, IAM, faults and stats."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, state, faults=None, verbose=False, ssl_context=None, state_file=None):
        self.state = state
        self.state_file = state_file
        self._save_lock = threading.Lock()
        self.faults = faults or FaultInjector()
        self.verbose = verbose
        self.ssl_context = ssl_context
        self.stats = Stats()
        self._date_cache = (0, "")
        super().__init__(address, EmulatorHandler)
        host, port = self.server_address[:2]
        if host in ("0.0.0.0", ""):
            host = "127.0.0.1"
        self.base_url = "%s://%s:%d" % ("https" if ssl_context else "http", host, port)
        self.iam = IamService(state, self.faults, self.base_url)
        if state_file and os.path.exists(state_file):
            self.load_state()

    def load_state(self):
        """Read ``state_file`` (jobs, clock, stats, tokens) written by an earlier run."""
        with open(self.state_file, encoding="utf-8") as handle:
            data = json.load(handle)
        self.state.restore(data["model"])
        self.iam.tokens.restore(data.get("tokens", []))

    def save_state(self):
        """Write the state file atomically (temporary file + rename); nothing without --state-file."""
        if not self.state_file:
            return
        with self._save_lock:
            with self.state.lock:
                data = {"model": self.state.dump(), "tokens": self.iam.tokens.dump()}
            temporary = "%s.%d.tmp" % (self.state_file, os.getpid())
            with open(temporary, "w", encoding="utf-8") as handle:
                json.dump(data, handle, separators=(",", ":"))
            os.replace(temporary, self.state_file)

    def get_request(self):
        sock, address = super().get_request()
        if self.ssl_context is not None:
            sock = self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, address

    def handle_error(self, request, client_address):
        """Unexpected handler errors (and failed TLS handshakes) are printed only with --verbose."""
        if self.verbose:
            super().handle_error(request, client_address)

    def http_date(self):
        """The Date header value, cached per second."""
        now = int(time.time())
        if self._date_cache[0] != now:
            self._date_cache = (now, time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(now)))
        return self._date_cache[1]

    def reset_stats(self):
        """Zero request stats and injected-fault counters (per-job stats live in the model)."""
        self.stats.reset()
        self.faults.reset_counters()

    def stats_snapshot(self):
        """The body of GET /_emulator/stats."""
        counters = self.stats.snapshot()
        return {"requests": counters["requests"], "faults_injected": self.faults.counters(),
                "max_jobs_in_call": counters["max_jobs_in_call"], "jobs": self.state.job_stats()}
