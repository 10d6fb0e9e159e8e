# -*- coding: utf-8 -*-
# Copyright: contributors to the cloudops.drs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one HTTP client of the collection: DRS v3 batch calls with auth, retries, chunking and waiting.

Everything about HTTP is decided here: base URL ``{endpoint}/v3/{project_id}/jobs/...``, headers
(``X-Auth-Token`` or the ``SDK-HMAC-SHA256`` signature, ``X-Language``, ``User-Agent``), JSON encoded once
(the signed bytes are the sent bytes), timeouts, retries and backoff. Modules never build a URL; this client
never knows about Ansible results. See reference/drs-api.md and reference/auth.md for the API facts.

Retry rules (per HTTP request, never past the caller's deadline):

* retried: connection errors, HTTP 429, 502/503/504, ``APIGW.0308``/``APIG.0308`` (any status), ``DRS.M01503``;
  capped exponential backoff with full jitter (:data:`BACKOFF_BASE` s, cap :data:`BACKOFF_CAP` s), or the
  ``Retry-After`` header when given; at most :data:`MAX_ATTEMPTS` attempts;
* HTTP 401 with password auth: one re-authentication and one retry; a second 401 is fatal;
* batch-precheck and batch-starting are not idempotent: only unambiguous failures (throttling, connection refused,
  connect timeout) are retried blindly. After an ambiguous one (read timeout, connection reset after sending,
  502/503/504, a reply that is not JSON or lacks a job) the client asks ``reconcile(ids)`` which jobs already took
  effect and re-sends only the others;
* per-job ``DRS.M01504`` (job busy) in action replies: only those jobs are re-sent, with backoff, until the deadline.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import datetime
import json
import random
import threading
import time
import traceback

try:
    import requests
    from requests.adapters import HTTPAdapter
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - exercised only where requests is missing
    requests = None
    HTTPAdapter = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.cloudops.drs.plugins.module_utils._auth import (
    default_drs_endpoint,
    endpoint_from_catalog,
    region_profile,
)
from ansible_collections.cloudops.drs.plugins.module_utils._batch import (
    THROTTLE_CODES,
    TOO_FREQUENT_CODES,
    chunked,
    dedupe,
    in_order,
    is_busy,
    is_not_found,
    normalize_item,
)
from ansible_collections.cloudops.drs.plugins.module_utils._errors import (
    DrsApiError,
    DrsConfigError,
    DrsError,
    DrsTimeoutError,
)
from ansible_collections.cloudops.drs.plugins.module_utils._signer import sdk_date, sign_request, canonical_query
from ansible_collections.cloudops.drs.plugins.module_utils._waiter import (
    BACKOFF_BASE,
    BACKOFF_CAP,
    backoff_delay,
    parse_retry_after,
    wait_for,
)

__all__ = ("DrsClient", "HAS_REQUESTS", "REQUESTS_IMPORT_ERROR", "BACKOFF_BASE", "BACKOFF_CAP", "MAX_ATTEMPTS", "COLLECTION_VERSION")

# The collection version, sent in every User-Agent; a unit test keeps it equal to galaxy.yml's version.
COLLECTION_VERSION = "1.0.0"

# At most this many attempts per HTTP request (the first one included).
MAX_ATTEMPTS = 8
# Without a caller deadline, retries (and busy-job re-sends) stop this many seconds after the call began.
DEFAULT_RETRY_WINDOW = 120.0
# Re-authenticate (password auth) when the cached token expires within this many seconds.
TOKEN_REFRESH_MARGIN = 120.0
# Assumed token lifetime when IAM gives no readable expires_at.
DEFAULT_TOKEN_LIFETIME = 3600.0
# Characters of a reply body quoted in an error message.
BODY_EXCERPT_CHARS = 200
# Page size used for POST /jobs (the API maximum).
LIST_PAGE_SIZE = 100
DB_USE_TYPES = ("migration", "sync", "cloudDataGuard")
RETRY_REASONS = ("throttled", "server_error", "connection", "busy", "reauth")
MASK = "********"

_REQUEST_ID_HEADERS = ("X-Request-Id", "X-Openstack-Request-Id", "X-Compute-Request-Id")
_CONNECT_FAILURE_NAMES = frozenset(("NewConnectionError", "ConnectTimeoutError", "ConnectionRefusedError", "NameResolutionError",
                                    "gaierror", "ConnectTimeout"))


class _Reply(object):
    """One HTTP reply: status, headers, parsed JSON (``data``, ``None`` when absent or not JSON) and raw text."""

    __slots__ = ("status", "headers", "data", "text", "method", "url", "request_id")

    def __init__(self, status, headers, data, text, method, url, request_id):
        self.status = status
        self.headers = headers
        self.data = data
        self.text = text
        self.method = method
        self.url = url
        self.request_id = request_id

    @property
    def ok(self):
        return 200 <= self.status < 300

    @property
    def error_code(self):
        return _error_fields(self.data)[0]

    @property
    def error_msg(self):
        return _error_fields(self.data)[1]


class _Ambiguous(Exception):
    """A non-idempotent request may or may not have taken effect."""

    def __init__(self, error, reason):
        super(_Ambiguous, self).__init__(str(error))
        self.error = error
        self.reason = reason


def _error_fields(data):
    """(error_code, error_msg) of a whole-request error body, in any of the shapes IAM and DRS use."""
    if not isinstance(data, dict):
        return None, None
    code = data.get("error_code") or data.get("errorCode") or data.get("code")
    msg = data.get("error_msg") or data.get("error_message") or data.get("errorMsg") or data.get("message")
    error = data.get("error")
    if isinstance(error, dict):
        code = code or error.get("error_code") or error.get("code")
        msg = msg or error.get("error_msg") or error.get("message") or error.get("title")
    if not code and not msg and isinstance(data.get("results"), list) and data["results"]:
        first = data["results"][0]
        if isinstance(first, dict):
            code = first.get("error_code")
            msg = first.get("error_msg") or first.get("error_message")
    return (str(code) if code not in (None, "") else None), (str(msg) if msg not in (None, "") else None)


def _exception_chain(exc, depth=0):
    if exc is None or depth > 6:
        return
    yield exc
    for attr in ("reason", "__cause__", "__context__"):
        inner = getattr(exc, attr, None)
        if isinstance(inner, BaseException) and inner is not exc:
            yield from _exception_chain(inner, depth + 1)
    for arg in getattr(exc, "args", ()):
        if isinstance(arg, BaseException) and arg is not exc:
            yield from _exception_chain(arg, depth + 1)


def _is_connect_failure(exc):
    """True when the request certainly never reached the server (refused, name not resolved, connect timeout)."""
    if HAS_REQUESTS and isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    for inner in _exception_chain(exc):
        if type(inner).__name__ in _CONNECT_FAILURE_NAMES or isinstance(inner, ConnectionRefusedError):
            return True
    return False


def _is_transient_transport_error(exc):
    """Connection problems, timeouts and broken replies; not bad URLs, bad headers or redirect loops."""
    if HAS_REQUESTS:
        transient = (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                     requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)
        if isinstance(exc, requests.exceptions.RequestException):  # (they are OSErrors too)
            return isinstance(exc, transient)
    return isinstance(exc, OSError)


def _parse_time(value):
    """Epoch seconds of an ISO-8601 timestamp such as ``2015-11-09T01:42:57.527363Z``, or ``None``."""
    if not value:
        return None
    text = str(value).strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    parsed = None
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError:
        for fmt in ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z"):
            try:
                parsed = datetime.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed.timestamp()


def _failed_item(job_id, error):
    return {"id": job_id, "status": "failed", "error_code": error.error_code, "error_msg": str(error),
            "http_status": error.status, "request_id": error.request_id}


def _unknown_item(job_id, detail):
    return {"id": job_id, "status": "unknown", "error_code": None,
            "error_msg": "outcome unknown (%s): the request may have taken effect; re-read the job status" % detail}


def _reconciled_item(job_id):
    return {"id": job_id, "status": "success", "error_code": None, "error_msg": None, "reconciled": True}


class DrsClient(object):
    """DRS v3 client for one module run. See the module docstring for the retry rules.

    Read calls (``batch_status`` ...) return ``(items, not_found)``: ``items`` maps job id to the normalised reply item
    (always ``id``, ``error_code``, ``error_msg``; other keys as the API sent them) in the order of the given ids
    (de-duplicated); ``not_found`` lists ids DRS reported as unknown or deleted, or did not mention at all.
    Action calls (``batch_precheck``, ``batch_start``) return ``id -> item`` with ``status`` ``success``/``failed``
    (or ``unknown`` when the outcome could not be established) and never raise for a per-job or per-chunk failure.
    """

    def __init__(self, auth, validate_certs=True, ca_cert=None, client_cert=None, client_key=None,
                 api_timeout=30, batch_size=10, max_concurrency=8, user_agent_version=COLLECTION_VERSION,
                 sleep=time.sleep, monotonic=time.monotonic, session=None):
        if session is None and not HAS_REQUESTS:
            raise DrsConfigError("the Python library 'requests' is required (pip install requests)")
        self.auth = auth
        self.api_timeout = float(api_timeout or 30)
        self.batch_size = max(1, int(batch_size or 10))
        self.max_concurrency = max(1, int(max_concurrency or 1))
        self.user_agent = "cloudops.drs/%s" % user_agent_version
        self.sleep = sleep
        self.monotonic = monotonic
        self.wallclock = time.time
        self.random = random.Random()

        self.project_id = auth.project_id
        self.endpoint = auth.endpoint
        self.region = auth.region
        self.catalog = None
        self.stats = {"requests": 0, "retries": 0, "retried": dict((reason, 0) for reason in RETRY_REASONS)}

        if not validate_certs or auth.verify is False:
            self._verify = False
        else:
            self._verify = ca_cert or auth.ca_cert or True
        cert = client_cert or auth.client_cert
        key = client_key or auth.client_key
        self._cert = (cert, key) if cert and key else cert

        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=4, pool_maxsize=max(10, self.max_concurrency), max_retries=0)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
        self.session = session

        self._lock = threading.Lock()
        self._token_lock = threading.RLock()
        self._connect_lock = threading.RLock()
        self._connected = False
        self._token = auth.auth_token if auth.method == "token" else None
        self._token_expires = None
        self._token_lifetime = 0.0
        self._token_generation = 0

    # -------------------------------------------------------------------------------------------- public helpers

    def deadline_in(self, seconds):
        """A deadline ``seconds`` from now on the client's monotonic clock."""
        return self.monotonic() + float(seconds)

    def wait(self, ids, fetch, is_done, deadline, poll_interval, first_poll_after=0.0):
        """Poll ``fetch`` for the ids not yet done until all are done or ``deadline``; see :func:`_waiter.wait_for`.

        Returns ``(last_items, pending_ids)``; never sleeps past the deadline.
        """
        return wait_for(ids, fetch, is_done, deadline, poll_interval, sleep=self.sleep, monotonic=self.monotonic,
                        first_poll_after=first_poll_after)

    def close(self):
        try:
            self.session.close()
        except Exception:  # closing is best effort
            pass

    # -------------------------------------------------------------------------------------------- connect

    def connect(self, deadline=None):
        """Authenticate (password), find the project id and the DRS endpoint. Idempotent; no-op after success."""
        with self._connect_lock:
            if self._connected:
                return
            auth = self.auth
            if auth.method == "password":
                self._ensure_token(deadline)
            elif auth.method == "token":
                if not self.project_id or not (self.endpoint or default_drs_endpoint(self.region)):
                    self._verify_token(deadline)
            elif auth.method == "aksk":
                if not self.project_id:
                    self._lookup_project(deadline)
            else:
                raise DrsConfigError("unknown auth method %r" % auth.method)
            if not self.project_id:
                raise DrsConfigError("could not determine the project id: set project_id")
            if not self.endpoint:
                self.endpoint = endpoint_from_catalog(self.catalog, self.region, self.project_id) or default_drs_endpoint(self.region)
            if not self.endpoint:
                if self.region:
                    raise DrsConfigError("unknown region '%s': set endpoint" % self.region)
                raise DrsConfigError("no DRS endpoint: set region or endpoint")
            self._connected = True

    def _adopt_token_body(self, data):
        token = data.get("token") if isinstance(data, dict) else None
        if not isinstance(token, dict):
            return None
        project = token.get("project") if isinstance(token.get("project"), dict) else {}
        if project.get("id"):
            self.project_id = str(project["id"])
        if not self.region and project.get("name"):
            candidate = str(project["name"]).split("_", 1)[0]
            if region_profile(candidate):
                self.region = candidate
        if isinstance(token.get("catalog"), list):
            self.catalog = token["catalog"]
        return token

    def _password_body(self):
        auth = self.auth
        user = {"name": auth.username, "password": auth.password}
        user["domain"] = {"name": auth.domain_name} if auth.domain_name else {"id": auth.domain_id}
        if auth.project_id:
            scope = {"project": {"id": auth.project_id}}
        else:
            scope = {"project": {"name": auth.project_name or auth.region}}
        return {"auth": {"identity": {"methods": ["password"], "password": {"user": user}}, "scope": scope}}

    def _authenticate(self, deadline=None):
        """POST {auth_url}/auth/tokens with the password; cache the token. Never retried on 401."""
        started = self.monotonic()
        url = self.auth.auth_url + "/auth/tokens"
        reply = self._request("POST", url, self._password_body(), deadline, mode="none")
        if reply.status == 401:
            raise self._error(reply, "IAM rejected the password credentials of user '%s' (check username, password, domain_name "
                                     "and the project)" % self.auth.username)
        if not reply.ok:
            raise self._error(reply)
        token = reply.headers.get("X-Subject-Token")
        if not token:
            raise self._error(reply, "the IAM reply has no X-Subject-Token header")
        body = self._adopt_token_body(reply.data) or {}
        expires = _parse_time(body.get("expires_at"))
        issued = _parse_time(body.get("issued_at"))
        if expires is not None and issued is not None:
            lifetime = expires - issued
        elif expires is not None:
            lifetime = expires - self.wallclock()
        else:
            lifetime = DEFAULT_TOKEN_LIFETIME
        with self._token_lock:
            self._token = token
            self._token_expires = started + lifetime
            self._token_lifetime = max(0.0, lifetime)
            self._token_generation += 1

    def _ensure_token(self, deadline=None):
        """The current token and its generation; (re-)authenticates when missing or about to expire."""
        if self.auth.method != "password":
            return self._token, 0
        with self._token_lock:
            # a token shorter-lived than the margin is refreshed after three quarters of its life, not before every request
            margin = min(TOKEN_REFRESH_MARGIN, self._token_lifetime / 4.0) if self._token is not None else 0
            if self._token is None or self.monotonic() >= self._token_expires - margin:
                self._authenticate(deadline)
            return self._token, self._token_generation

    def _reauthenticate(self, generation, deadline):
        with self._token_lock:
            if generation == self._token_generation:  # nobody else refreshed it meanwhile
                self._authenticate(deadline)

    def _verify_token(self, deadline=None):
        if not self.auth.auth_url:
            raise DrsConfigError("auth_token without project_id: set project_id, or auth_url/region so the project can be "
                                 "read from the token")
        reply = self._request("GET", self.auth.auth_url + "/auth/tokens", None, deadline, mode="iam-token")
        if not reply.ok:
            raise self._error(reply, "IAM did not accept auth_token (it is expired, invalid, or IAM is unreachable): "
                                     "get a new token")
        if not self._adopt_token_body(reply.data):
            raise self._error(reply, "the IAM token validation reply has no token")

    def _lookup_project(self, deadline=None):
        name = self.auth.project_name or self.region
        if not name or not self.auth.auth_url:
            raise DrsConfigError("access_key+secret_key auth needs project_id, or project_name/region and auth_url")
        reply = self._request("GET", self.auth.auth_url + "/projects", None, deadline, mode="iam-aksk",
                              query=[("name", name)])
        if reply.status == 401:
            raise self._error(reply, "IAM rejected the AK/SK signature (check access_key, secret_key, security_token and "
                                     "the system clock)")
        if not reply.ok:
            raise self._error(reply)
        projects = reply.data.get("projects") if isinstance(reply.data, dict) else None
        if not isinstance(projects, list):
            raise self._error(reply, "the IAM project list reply has no 'projects' list")
        matches = [project for project in projects if isinstance(project, dict) and project.get("name") == name and project.get("id")]
        if len(matches) != 1:
            raise DrsConfigError("%s project named '%s' is visible to this access key: set project_id" % (
                "no" if not matches else "more than one", name))
        self.project_id = str(matches[0]["id"])

    # -------------------------------------------------------------------------------------------- HTTP

    def _count(self, reason=None):
        with self._lock:
            if reason is None:
                self.stats["requests"] += 1
            else:
                self.stats["retries"] += 1
                self.stats["retried"][reason] += 1

    def _scrub(self, text):
        if not text:
            return text
        text = str(text)
        for secret in self.auth.secret_values() + [self._token]:
            if secret and len(secret) >= 4:
                text = text.replace(secret, MASK)
        return text

    def _drs_url(self, suffix):
        return "%s/v3/%s/jobs%s" % (self.endpoint, self.project_id, suffix)

    def _timeout(self, deadline):
        if deadline is None:
            return self.api_timeout
        return max(1.0, min(self.api_timeout, deadline - self.monotonic()))

    def _send_once(self, method, url, body, query, mode, deadline):
        headers = {"Content-Type": "application/json", "X-Language": "en-us", "User-Agent": self.user_agent}
        generation = None
        if query:
            url = url + "?" + canonical_query(query)
        if mode == "drs" and self.auth.method in ("token", "password"):
            token, generation = self._ensure_token(deadline)
            headers["X-Auth-Token"] = token
        elif mode == "iam-token":
            headers["X-Auth-Token"] = self.auth.auth_token
            headers["X-Subject-Token"] = self.auth.auth_token
        elif mode in ("drs", "iam-aksk") and self.auth.method == "aksk":
            if self.auth.security_token:
                headers["X-Security-Token"] = self.auth.security_token
            if mode == "drs":
                headers["X-Project-Id"] = self.project_id
            signed = sign_request(method, url, headers, body, self.auth.access_key, self.auth.secret_key,
                                  date=sdk_date(self.wallclock()))
            url, headers = signed.url, signed.headers
        response = self.session.request(method, url, data=body, headers=headers, timeout=self._timeout(deadline),
                                        verify=self._verify, cert=self._cert, allow_redirects=False)
        return response, generation

    def _reply(self, response, method, url):
        content = response.content or b""
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            text = content.decode("latin-1")
        data = None
        if text.strip():
            try:
                data = json.loads(text)
            except ValueError:
                data = None
        request_id = None
        for name in _REQUEST_ID_HEADERS:
            if response.headers.get(name):
                request_id = response.headers.get(name)
                break
        if request_id is None and isinstance(data, dict) and data.get("request_id"):
            request_id = str(data["request_id"])
        return _Reply(response.status_code, response.headers, data, text, method, url, request_id)

    def _error(self, reply, message=None, cls=DrsApiError, suffix="", **extra):
        """An exception describing ``reply``; ``message`` (if given) leads, the HTTP details follow."""
        code, msg = reply.error_code, reply.error_msg
        details = "HTTP %s" % reply.status
        if code:
            details += " %s" % code
        if msg:
            details += ": %s" % msg
        elif reply.data is None and reply.text:
            details += ": reply is not JSON: %r" % reply.text[:BODY_EXCERPT_CHARS]
        elif reply.data is None:
            details += ": empty reply"
        if reply.request_id:
            details += " (request id %s)" % reply.request_id
        head = "%s %s" % (reply.method, reply.url)
        text = "%s: %s answered %s%s" % (message, head, details, suffix) if message else "%s failed: %s%s" % (head, details, suffix)
        return cls(self._scrub(text), status=reply.status, error_code=code, error_msg=self._scrub(msg),
                   request_id=reply.request_id, method=reply.method, url=reply.url, **extra)

    def _transport_error(self, exc, method, url, cls=DrsApiError, suffix="", **extra):
        detail = "%s: %s" % (type(exc).__name__, exc)
        return cls(self._scrub("%s %s failed: %s%s" % (method, url, detail, suffix)), method=method, url=url, **extra)

    def _auth_failure(self, reply):
        if self.auth.method == "password":
            lead = ("DRS rejected a freshly issued IAM token (the user may lack DRS permissions in project %s, or the "
                    "endpoint belongs to another region)" % self.project_id)
        elif self.auth.method == "token":
            lead = "DRS rejected auth_token (it is expired, invalid or scoped to another project): get a new token"
        else:
            lead = ("DRS rejected the AK/SK signature: check access_key, secret_key, security_token, project_id and the "
                    "system clock")
        return self._error(reply, lead)

    @staticmethod
    def _retry_reason(reply):
        code = reply.error_code
        if reply.status == 429 or code in THROTTLE_CODES or code in TOO_FREQUENT_CODES:
            return "throttled"
        if reply.status in (502, 503, 504):
            return "server_error"
        return None

    def _request(self, method, url, body, deadline, idempotent=True, mode="drs", query=None):
        """Send one request with the retry rules; returns a :class:`_Reply` for any status that is not retried.

        Raises DrsApiError when retries are exhausted, DrsTimeoutError when the caller's deadline stops them and
        _Ambiguous (non-idempotent requests only) when the request may have taken effect.
        """
        payload = json.dumps(body, separators=(",", ":")).encode("utf-8") if body is not None else None
        window_end = deadline if deadline is not None else self.monotonic() + DEFAULT_RETRY_WINDOW
        attempt = 0
        reauthenticated = False
        while True:
            attempt += 1
            self._count()
            retry_after = None
            try:
                response, generation = self._send_once(method, url, payload, query, mode, deadline)
            except DrsError:
                raise
            except Exception as exc:  # requests' exceptions (and the odd socket error a transport lets through)
                if HAS_REQUESTS and isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                                                     requests.exceptions.InvalidSchema)):
                    raise DrsConfigError(self._scrub("invalid URL %s: %s" % (url, exc)))
                if HAS_REQUESTS and isinstance(exc, requests.exceptions.SSLError):
                    raise self._transport_error(exc, method, url, suffix=" (TLS: set ca_cert to the CA bundle that signed the "
                                                                         "server certificate)")
                if not _is_transient_transport_error(exc):
                    if HAS_REQUESTS and isinstance(exc, requests.exceptions.RequestException):
                        raise self._transport_error(exc, method, url)
                    raise
                error = self._transport_error(exc, method, url)
                if not idempotent and not _is_connect_failure(exc):
                    raise _Ambiguous(error, "connection")
                reason = "connection"
            else:
                reply = self._reply(response, method, url)
                if reply.status == 401 and mode == "drs":
                    if self.auth.method == "password" and not reauthenticated:
                        reauthenticated = True
                        self._count("reauth")
                        self._reauthenticate(generation, deadline)
                        continue
                    raise self._auth_failure(reply)
                reason = self._retry_reason(reply)
                if reason is None:
                    return reply
                error = self._error(reply)
                if not idempotent and reason == "server_error":
                    raise _Ambiguous(error, reason)
                retry_after = parse_retry_after(reply.headers.get("Retry-After"), self.wallclock())
            self._pause_before_retry(attempt, reason, retry_after, error, deadline, window_end)

    def _pause_before_retry(self, attempt, reason, retry_after, error, deadline, window_end):
        """Sleep before the next attempt, or raise ``error`` (or DrsTimeoutError) when no retry is allowed."""
        if attempt >= MAX_ATTEMPTS:
            raise self._with_suffix(error, " (gave up after %d attempts)" % attempt)
        delay = retry_after if retry_after is not None else backoff_delay(attempt, self.random)
        if self.monotonic() + delay >= window_end:
            if deadline is not None:
                raise self._with_suffix(error, " (no retry: the next attempt would be after the deadline)", DrsTimeoutError)
            raise self._with_suffix(error, " (gave up: retrying for more than %d s)" % DEFAULT_RETRY_WINDOW)
        self._count(reason)
        self.sleep(delay)

    @staticmethod
    def _with_suffix(error, suffix, cls=None):
        cls = cls or type(error)
        return cls(error.message + suffix, status=error.status, error_code=error.error_code, error_msg=error.error_msg,
                   request_id=error.request_id, method=error.method, url=error.url)

    def _map(self, function, chunks):
        if len(chunks) <= 1 or self.max_concurrency == 1:
            return [function(chunk) for chunk in chunks]
        with ThreadPoolExecutor(max_workers=min(self.max_concurrency, len(chunks))) as pool:
            return list(pool.map(function, chunks))

    # -------------------------------------------------------------------------------------------- read calls

    def _results(self, reply, allow_error_status=True):
        """Normalised items and ``count`` of a results reply; raises DrsApiError for anything else."""
        if isinstance(reply.data, dict) and isinstance(reply.data.get("results"), list):
            if reply.ok or (allow_error_status and 400 <= reply.status < 500):
                items = [normalize_item(raw) for raw in reply.data["results"] if isinstance(raw, dict)]
                if items and all(item["id"] is None for item in items):
                    raise self._error(reply, "the DRS reply items carry no job id")
                return items, reply.data.get("count")
        if not reply.ok:
            raise self._error(reply)
        if reply.data is None:
            raise self._error(reply, "DRS sent a reply that is not JSON (or is truncated)")
        raise self._error(reply, "the DRS reply has no 'results' list")

    def _read_chunk(self, suffix, chunk, deadline, paged, keep=None):
        wanted = set(chunk)
        found = {}
        page = 1
        while True:
            body = {"jobs": list(chunk)}
            if paged:
                body["page_req"] = {"cur_page": page, "per_page": len(chunk)}
            reply = self._request("POST", self._drs_url(suffix), body, deadline)
            items, count = self._results(reply)
            for item in items:
                if item["id"] in wanted and item["id"] not in found:
                    found[item["id"]] = keep(item) if keep is not None else item
            seen = (page - 1) * len(chunk) + len(items)
            more = isinstance(count, int) and count > seen and len(found) < len(chunk)
            if not (paged and items and more and page < len(chunk)):
                return found
            page += 1

    def _read(self, suffix, ids, deadline, paged=False, keep=None):
        """Read ``ids`` in chunks; ``keep(item)``, when given, shrinks every item as its chunk arrives (memory)."""
        ids = dedupe(ids)
        if not ids:
            return {}, []
        self.connect(deadline)
        found = {}
        try:
            parts = self._map(lambda chunk: self._read_chunk(suffix, chunk, deadline, paged, keep), chunked(ids, self.batch_size))
        except DrsTimeoutError as exc:
            exc.pending = exc.pending or list(ids)
            raise
        for part in parts:
            found.update(part)
        items, not_found = {}, []
        for job_id in ids:
            item = found.get(job_id)
            if item is None or is_not_found(item):
                not_found.append(job_id)
            else:
                items[job_id] = item
        return items, not_found

    def batch_status(self, ids, deadline=None):
        """POST batch-status (paged, page_req always sent) -> (items, not_found)."""
        return self._read("/batch-status", ids, deadline, paged=True)

    def batch_detail(self, ids, deadline=None, keep=None):
        """POST batch-detail (paged); the 400 reply with results is read, DRS.M00289/M05004 items -> not_found.

        ``keep(item)`` shrinks each item as it arrives (a caller that needs only a few fields of 10 000 jobs).
        """
        return self._read("/batch-detail", ids, deadline, paged=True, keep=keep)

    def batch_progress(self, ids, deadline=None):
        return self._read("/batch-progress", ids, deadline)

    def batch_precheck_result(self, ids, deadline=None):
        return self._read("/batch-precheck-result", ids, deadline)

    def batch_rpo_rto(self, ids, deadline=None):
        return self._read("/batch-rpo-and-rto", ids, deadline)

    def batch_struct_process(self, ids, deadline=None):
        return self._read("/batch-struct-process", ids, deadline)

    def list_jobs(self, deadline=None, **filters):
        """POST /jobs for every page and each ``db_use_type`` (migration, sync, cloudDataGuard unless filtered).

        Returns a list of normalised items, each job once, in the order DRS listed them.
        """
        self.connect(deadline)
        filters = dict((key, value) for key, value in filters.items() if value is not None)
        use_types = filters.pop("db_use_type", None) or DB_USE_TYPES
        if isinstance(use_types, str):
            use_types = (use_types,)
        jobs, seen = [], set()
        for use_type in use_types:
            page = 1
            while True:
                body = dict(filters)
                body.update({"cur_page": page, "per_page": LIST_PAGE_SIZE, "db_use_type": use_type})
                reply = self._request("POST", self._drs_url(""), body, deadline)
                if not reply.ok:
                    raise self._error(reply)
                if not isinstance(reply.data, dict):
                    raise self._error(reply, "DRS sent a reply that is not JSON (or is truncated)")
                listed = reply.data.get("jobs")
                if not isinstance(listed, list):
                    raise self._error(reply, "the DRS job list reply has no 'jobs' list")
                for raw in listed:
                    item = normalize_item(raw) if isinstance(raw, dict) else None
                    if item and item["id"] and item["id"] not in seen:
                        seen.add(item["id"])
                        jobs.append(item)
                total = reply.data.get("total_record")
                if not listed or len(listed) < LIST_PAGE_SIZE or (isinstance(total, int) and page * LIST_PAGE_SIZE >= total):
                    break
                page += 1
        return jobs

    # -------------------------------------------------------------------------------------------- action calls

    def _action_items(self, reply):
        """Items of an action reply; a 2xx reply that is not a results list is ambiguous."""
        try:
            return self._results(reply)[0]
        except DrsApiError as exc:
            if reply.ok:
                raise _Ambiguous(exc, "server_error")
            raise

    def _action_chunk(self, suffix, chunk, deadline, reconcile, resend_unconfirmed):
        """Send one chunk of ``(job_id, request_item)``; re-send busy jobs and (after reconcile) unconfirmed ones."""
        window_end = deadline if deadline is not None else self.monotonic() + DEFAULT_RETRY_WINDOW
        final = {}
        todo = list(chunk)
        rounds = 0
        resent = set()  # jobs re-sent after an unknown outcome: the first send may still have taken effect
        while todo:
            rounds += 1
            ids = [job_id for job_id, dummy in todo]
            unconfirmed, busy, reason, detail = [], [], None, None
            try:
                reply = self._request("POST", self._drs_url(suffix), {"jobs": [entry for dummy, entry in todo]}, deadline,
                                      idempotent=False)
                items = self._action_items(reply)
            except _Ambiguous as exc:
                unconfirmed, reason, detail = list(ids), exc.reason, str(exc.error)
            except DrsError as exc:
                for job_id in ids:
                    final[job_id] = _failed_item(job_id, exc)
                break
            else:
                by_id = {}
                for item in items:
                    by_id.setdefault(item["id"], item)
                for job_id in ids:
                    item = by_id.get(job_id)
                    if item is None:
                        unconfirmed.append(job_id)
                        reason, detail = "server_error", "the reply of %s %s did not mention the job" % (reply.method, reply.url)
                    else:
                        final[job_id] = item
                        if is_busy(item):
                            busy.append(job_id)
                self._confirm_refused_resends([job_id for job_id in ids if job_id in resent and job_id not in busy],
                                              final, reconcile)
            if unconfirmed:
                unconfirmed = self._settle(unconfirmed, final, detail, reconcile, resend_unconfirmed, rounds)
                resent.update(unconfirmed)
            retry = set(busy) | set(unconfirmed)
            if not retry:
                break
            delay = backoff_delay(min(rounds, 10), self.random)
            if self.monotonic() + delay >= window_end:
                for job_id in unconfirmed:
                    final[job_id] = _unknown_item(job_id, detail + "; no time left before the deadline to retry")
                break
            if busy:
                self._count("busy")
            if unconfirmed:
                self._count(reason)
            self.sleep(delay)
            todo = [(job_id, entry) for job_id, entry in todo if job_id in retry]
        return final

    def _confirm_refused_resends(self, ids, final, reconcile):
        """A re-sent job that DRS refused may be refused because the first send took effect after all (it was
        processed after the client gave up waiting): ask ``reconcile`` again and count the ones it confirms."""
        refused = [job_id for job_id in ids if final.get(job_id, {}).get("status") != "success"]
        if not refused or reconcile is None:
            return
        try:
            done = set(reconcile(list(refused)) or ())
        except DrsError:
            return  # keep DRS's refusal: it is the best information there is
        for job_id in refused:
            if job_id in done:
                final[job_id] = _reconciled_item(job_id)

    def _settle(self, unconfirmed, final, detail, reconcile, resend_unconfirmed, rounds):
        """Sort jobs with an unknown outcome: reconciled ones succeed; returns the ones to re-send."""
        if reconcile is not None:
            try:
                done = set(reconcile(list(unconfirmed)) or ())
            except DrsError as exc:
                for job_id in unconfirmed:
                    final[job_id] = _unknown_item(job_id, "%s; re-reading the status failed too: %s" % (detail, exc))
                return []
            for job_id in unconfirmed:
                if job_id in done:
                    final[job_id] = _reconciled_item(job_id)
            unconfirmed = [job_id for job_id in unconfirmed if job_id not in done]
        elif not resend_unconfirmed:
            for job_id in unconfirmed:
                final[job_id] = _unknown_item(job_id, detail)
            return []
        if unconfirmed and rounds >= MAX_ATTEMPTS:
            for job_id in unconfirmed:
                final[job_id] = _unknown_item(job_id, "%s (gave up after %d attempts)" % (detail, rounds))
            return []
        return unconfirmed

    def _action(self, suffix, entries, deadline, reconcile, resend_unconfirmed):
        ordered, seen = [], set()
        for job_id, entry in entries:
            if job_id not in seen:
                seen.add(job_id)
                ordered.append((job_id, entry))
        if not ordered:
            return {}
        self.connect(deadline)
        final = {}
        for part in self._map(lambda chunk: self._action_chunk(suffix, chunk, deadline, reconcile, resend_unconfirmed),
                              chunked(ordered, self.batch_size)):
            final.update(part)
        return in_order([job_id for job_id, dummy in ordered], final)

    def batch_precheck(self, items, deadline=None, reconcile=None):
        """POST batch-precheck for ``[(job_id, precheck_mode)]`` -> ``id -> item``.

        After an ambiguous failure the jobs are re-sent (a repeated precheck only restarts the check) unless
        ``reconcile(ids)`` is given, which returns the ids whose precheck is known to have been submitted.
        """
        entries = [(str(job_id), {"job_id": str(job_id), "precheck_mode": mode or "forStartJob"}) for job_id, mode in items]
        return self._action("/batch-precheck", entries, deadline, reconcile, resend_unconfirmed=True)

    def batch_start(self, items, deadline=None, reconcile=None):
        """POST batch-starting for ``[(job_id, start_time_ms_string_or_None)]`` -> ``id -> item``.

        After an ambiguous failure ``reconcile(ids)`` must return the ids already started or scheduled; only the
        others are re-sent. Without ``reconcile`` such jobs get ``status: "unknown"`` and are never re-sent.
        """
        entries = []
        for job_id, start_time in items:
            entry = {"job_id": str(job_id)}
            if start_time not in (None, ""):
                entry["start_time"] = str(start_time)
            entries.append((str(job_id), entry))
        return self._action("/batch-starting", entries, deadline, reconcile, resend_unconfirmed=False)
