# -*- coding: utf-8 -*-
# Copyright: contributors to the cloudops.drs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The HTTP transport of the DRS client: how one request is sent, retried, timed and reported.

It owns the ``requests`` session (TLS verification, client certificate, proxies, connection pool), the common headers
(``Content-Type``, ``X-Language``, ``User-Agent``), JSON encoded once (the signed bytes are the sent bytes), the
socket timeout, the retry rules below, deadlines and waiting on the injected clock, the request and retry
counters, error messages scrubbed of secrets, and bounded concurrency for chunks. It is the only file that
imports ``requests`` (guarded: ``HAS_REQUESTS``/``REQUESTS_IMPORT_ERROR``). Credentials are not its business:
:class:`Transport` asks its subclass (``_iam.IamSession``) through the hooks ``_authorize``, ``_reauthenticate``,
``_auth_failure`` and ``_secret_values``.

Retry rules (per HTTP request, never past the caller's deadline):

* retried: connection errors, HTTP 429, 502/503/504, ``APIGW.0308``/``APIG.0308`` (any status), ``DRS.M01503``;
  capped exponential backoff with full jitter (``_waiter.BACKOFF_BASE`` s, cap ``_waiter.BACKOFF_CAP`` s), or the
  ``Retry-After`` header when given. The budget is time, not a count: retries go on until the caller's deadline
  (a 45 s outage does not fail a run that may take 30 minutes); a retry whose wait would end after the deadline is
  not made. Without a caller deadline they stop :data:`DEFAULT_RETRY_WINDOW` s after the request began;
* a refused connection (or a host name that does not resolve, or a connect timeout) to a host that has not answered
  once in this run is most often a configuration error (wrong endpoint, port or proxy): it is retried at most
  :data:`MAX_CONNECT_RETRIES` times. Once the host has answered any request of this run, a refused connection is
  an outage of a running service and follows the rule above (until the deadline);
* every request has a total time limit: ``api_timeout`` s from its start, never past the caller's deadline. The
  reply is read in chunks against that limit, so a server that trickles a byte at a time cannot hold the module
  (the socket timeout alone bounds each read, not the request). A reply that misses the limit is retried (reads)
  or ambiguous (actions), like a read timeout;
* a reply larger than :data:`MAX_REPLY_BYTES` is refused while it is read (a clear error naming the endpoint; the
  memory stays bounded), and so is JSON nested deeper than :data:`MAX_REPLY_DEPTH` levels;
* HTTP 401 with password auth: one re-authentication and one retry; a second 401 is fatal;
* batch-precheck and batch-starting are not idempotent: only unambiguous failures (throttling, connection refused,
  connect timeout) are retried blindly. After an ambiguous one (read timeout, connection reset after sending,
  502/503/504, a reply that is not JSON or lacks a job) the client asks ``reconcile(ids)`` which jobs already took
  effect and re-sends only the others (here: :meth:`Transport._request` raises :class:`_Ambiguous`; the
  reconciling is ``DrsClient``'s, in ``_client.py``);
* per-job ``DRS.M01504`` (job busy) in action replies: only those jobs are re-sent, with backoff, until the deadline
  (``DrsClient``, in ``_client.py``).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import re
import random
import threading
import time
import traceback

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import DecodeError, HTTPError as Urllib3Error, ProtocolError, ReadTimeoutError
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - exercised only where requests is missing
    requests = None
    HTTPAdapter = None
    DecodeError = ProtocolError = ReadTimeoutError = Urllib3Error = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.cloudops.drs.plugins.module_utils._batch import THROTTLE_CODES, TOO_FREQUENT_CODES
from ansible_collections.cloudops.drs.plugins.module_utils._errors import (
    DrsApiError,
    DrsConfigError,
    DrsError,
    DrsTimeoutError,
)
from ansible_collections.cloudops.drs.plugins.module_utils._signer import canonical_query
from ansible_collections.cloudops.drs.plugins.module_utils._waiter import backoff_delay, parse_retry_after, wait_for

__all__ = ("Transport", "HAS_REQUESTS", "REQUESTS_IMPORT_ERROR", "COLLECTION_VERSION", "MAX_ATTEMPTS", "DEFAULT_RETRY_WINDOW",
           "MAX_CONNECT_RETRIES", "MAX_REPLY_BYTES", "MAX_REPLY_DEPTH", "RETRY_REASONS")

# The collection version, sent in every User-Agent; a unit test keeps it equal to galaxy.yml's version.
COLLECTION_VERSION = "1.0.0"

# Rounds of a non-idempotent action whose outcome stays unknown after reconciling (``DrsClient``); HTTP retries
# have no count: they are bounded by the caller's deadline (or DEFAULT_RETRY_WINDOW).
MAX_ATTEMPTS = 8
# A host that has not answered in this run and refuses connections (or whose name does not resolve) is tried at most
# this many more times: most often the endpoint is wrong. Once it answered, a refusal is an outage (retried in time).
MAX_CONNECT_RETRIES = 2
# The largest reply body read (decoded bytes); a real DRS reply (10 jobs per call) is a few hundred KiB at most.
MAX_REPLY_BYTES = 64 * 1024 * 1024
# Replies are read in chunks of this many bytes (the total time limit is checked between chunks).
REPLY_CHUNK_BYTES = 64 * 1024
# JSON nested deeper than this is refused (a DRS reply is less than 10 levels deep).
MAX_REPLY_DEPTH = 100
# Without a caller deadline, retries (and busy-job re-sends) stop this many seconds after the call began.
DEFAULT_RETRY_WINDOW = 120.0
# Characters of a reply body quoted in an error message.
BODY_EXCERPT_CHARS = 200
# The reasons counted in ``stats["retried"]``.
RETRY_REASONS = ("throttled", "server_error", "connection", "busy", "reauth")
MASK = "********"

_SSL_REASON = re.compile(r"\[SSL: ([A-Z0-9_]+)\] ([^(\]'\"]+)")
_REQUEST_ID_HEADERS = ("X-Request-Id", "X-Openstack-Request-Id", "X-Compute-Request-Id")
_CONNECT_FAILURE_NAMES = frozenset(("NewConnectionError", "ConnectTimeoutError", "ConnectionRefusedError", "NameResolutionError",
                                    "gaierror", "ConnectTimeout"))


class _Reply(object):
    """One HTTP reply: status, headers, parsed JSON (``data``, ``None`` when absent or not JSON) and raw text;
    ``problem`` says why a JSON-looking body was not read (nested too deeply), else ``None``."""

    __slots__ = ("status", "headers", "data", "text", "method", "url", "request_id", "problem")

    def __init__(self, status, headers, data, text, method, url, request_id, problem=None):
        self.status = status
        self.headers = headers
        self.data = data
        self.text = text
        self.method = method
        self.url = url
        self.request_id = request_id
        self.problem = problem

    @property
    def ok(self):
        return 200 <= self.status < 300

    @property
    def error_code(self):
        return _error_fields(self.data)[0]

    @property
    def error_msg(self):
        return _error_fields(self.data)[1]


class _SlowReply(Exception):
    """The reply did not arrive in full within the request's total time limit (a read timeout of the request)."""


class _ReplyTooLarge(Exception):
    """The reply is larger than MAX_REPLY_BYTES."""


def _size_text(size):
    return "%g MiB" % (size / 1048576.0) if size >= 1048576 else "%g KiB" % (size / 1024.0)


def _too_deep(data, limit=MAX_REPLY_DEPTH):
    """True when ``data`` (decoded by ``json.loads``: plain dicts and lists) nests lists and dicts more than ``limit``
    levels deep. No recursion; level by level, only the containers are visited (every reply is checked)."""
    level, depth = [data] if isinstance(data, (dict, list)) else [], 1
    while level:
        if depth > limit:
            return True
        below = []
        for value in level:
            below.extend(item for item in (value.values() if isinstance(value, dict) else value)
                         if isinstance(item, (dict, list)))
        level, depth = below, depth + 1
    return False


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


def _host(url):
    """``scheme://netloc`` of ``url`` (the unit a refused connection is judged by)."""
    scheme, rest = url.split("://", 1) if "://" in url else ("", url)
    return "%s://%s" % (scheme.lower(), rest.split("/", 1)[0].split("?", 1)[0].lower())


def _is_transient_transport_error(exc):
    """Connection problems, timeouts and broken replies; not bad URLs, bad headers or redirect loops."""
    if HAS_REQUESTS:
        transient = (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                     requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)
        if isinstance(exc, requests.exceptions.RequestException):  # (they are OSErrors too)
            return isinstance(exc, transient)
    return isinstance(exc, OSError)


class Transport(object):
    """Sends HTTP requests with the retry rules of the module docstring, on an injected clock.

    ``auth`` is the resolved ``_auth.AuthConfig``; the transport reads only its TLS settings, its auth method (for
    the 401 rule) and its secrets (to scrub messages). ``sleep`` and ``monotonic`` are injected so tests run on a
    fake clock; ``session`` replaces the ``requests`` session (tests mount a scripted adapter on it).
    """

    def __init__(self, auth, validate_certs=True, ca_cert=None, client_cert=None, client_key=None, api_timeout=30,
                 max_concurrency=8, user_agent_version=COLLECTION_VERSION, sleep=time.sleep, monotonic=time.monotonic,
                 session=None):
        if session is None and not HAS_REQUESTS:
            raise DrsConfigError("the Python library 'requests' is required (pip install requests)")
        self.auth = auth
        self.api_timeout = float(api_timeout or 30)
        self.max_concurrency = max(1, int(max_concurrency or 1))
        self.user_agent = "cloudops.drs/%s" % user_agent_version
        self.sleep = sleep
        self.monotonic = monotonic
        self.wallclock = time.time
        self.random = random.Random()
        self.stats = {"requests": 0, "retries": 0, "retried": dict((reason, 0) for reason in RETRY_REASONS)}

        if not validate_certs or auth.verify is False:
            self._verify = False
        else:
            self._verify = ca_cert or auth.ca_cert or True
        cert = client_cert or auth.client_cert
        key = client_key or auth.client_key
        self._cert = (cert, key) if cert and key else cert

        # scheme://host -> (proxies, verify) from the environment (see _environment); None: the session reads it
        self._environments = None
        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=4, pool_maxsize=max(10, self.max_concurrency), max_retries=0)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            # requests would read the environment again for every request (a fifth of the client's CPU time in a
            # fleet run) and add Basic auth from ~/.netrc, which replaces the Authorization header of AK/SK signing
            session.trust_env = False
            self._environments = {}
        self.session = session
        self._lock = threading.Lock()
        # hosts (scheme://netloc) that answered a request of this run: a refused connection to one is an outage
        self._answered = set()

    # -------------------------------------------------------------------------------------------- public helpers

    def deadline_in(self, seconds):
        """A deadline ``seconds`` from now on the client's monotonic clock."""
        return self.monotonic() + float(seconds)

    def wait(self, ids, fetch, is_done, deadline, poll_interval, first_poll_after=0.0, since=None, early=None, seen=None):
        """Poll ``fetch`` for the ids not yet done until all are done or ``deadline``; see :func:`_waiter.wait_for`
        (``since``: id -> time from which ``first_poll_after`` counts for that id; ``early``: an earlier first look;
        ``seen``: items read moments ago).

        Returns ``(last_items, pending_ids)``; never sleeps past the deadline.
        """
        return wait_for(ids, fetch, is_done, deadline, poll_interval, sleep=self.sleep, monotonic=self.monotonic,
                        first_poll_after=first_poll_after, since=since, early=early, seen=seen)

    def close(self):
        try:
            self.session.close()
        except Exception:  # closing is best effort
            pass

    # -------------------------------------------------------------------------------------------- credential hooks

    def _authorize(self, method, url, headers, body, mode, deadline):
        """Add the credentials that ``mode`` asks for; returns ``(url, headers, token_generation)``.

        The bare transport sends none; ``_iam.IamSession`` overrides this.
        """
        return url, headers, None

    def _reauthenticate(self, generation, deadline):
        """Renew the token of ``generation`` after a 401 (password auth only); ``_iam.IamSession`` overrides this."""
        raise NotImplementedError("the bare transport has no token to renew")

    def _auth_failure(self, reply):
        """The error for a 401 that is not retried; ``_iam.IamSession`` names the credentials at fault."""
        return self._error(reply)

    def _secret_values(self):
        """The strings scrubbed from every message: the configured secrets (``_iam.IamSession`` adds the token)."""
        return self.auth.secret_values()

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
        for secret in self._secret_values():
            if secret and len(secret) >= 4:
                text = text.replace(secret, MASK)
        return text

    def _environment(self, url):
        """``(proxies, verify)`` for a request to ``url``: what ``requests`` takes from the environment
        (``HTTPS_PROXY``/``HTTP_PROXY``/``ALL_PROXY`` unless ``NO_PROXY`` names the host; ``REQUESTS_CA_BUNDLE`` or
        ``CURL_CA_BUNDLE`` when certificates are checked against the default store), read once per scheme and host
        and kept for the run. ``~/.netrc`` is not read. An injected session reads the environment itself."""
        if self._environments is None:
            return None, self._verify
        key = "/".join(url.split("/", 3)[:3])
        found = self._environments.get(key)
        if found is None:
            verify = self._verify
            if verify is True:
                verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
            found = self._environments[key] = (requests.utils.get_environ_proxies(url), verify)
        return found

    def _timeout(self, deadline):
        if deadline is None:
            return self.api_timeout
        return max(1.0, min(self.api_timeout, deadline - self.monotonic()))

    def _send_once(self, method, url, body, query, mode, deadline):
        """Send the request once and read its reply within the total time limit; returns (response, body, generation)."""
        headers = {"Content-Type": "application/json", "X-Language": "en-us", "User-Agent": self.user_agent}
        if query:
            url = url + "?" + canonical_query(query)
        url, headers, generation = self._authorize(method, url, headers, body, mode, deadline)
        timeout = self._timeout(deadline)
        limit = self.monotonic() + timeout    # the whole request: api_timeout, never past the caller's deadline
        proxies, verify = self._environment(url)
        response = self.session.request(method, url, data=body, headers=headers, timeout=timeout, proxies=proxies,
                                        verify=verify, cert=self._cert, allow_redirects=False, stream=True)
        try:
            content = self._read_body(response, limit, timeout)
        finally:
            if hasattr(response, "close"):   # (an injected session's reply may be a plain object)
                response.close()
        return response, content, generation

    def _read_body(self, response, limit, timeout):
        """The reply body, read in chunks: at most MAX_REPLY_BYTES, and done by ``limit`` (monotonic)."""
        raw = getattr(response, "raw", None)
        if raw is None or not hasattr(raw, "read"):   # a transport adapter (or injected session) that holds the body already
            content = response.content or b""
            if len(content) > MAX_REPLY_BYTES:
                raise _ReplyTooLarge(len(content), True)
            return content
        declared = response.headers.get("Content-Length")
        if declared and declared.strip().isdigit() and int(declared) > MAX_REPLY_BYTES:
            raise _ReplyTooLarge(int(declared), False)
        read = getattr(raw, "read1", None) or raw.read   # read1: at most one read on the socket per chunk
        sock = getattr(getattr(raw, "connection", None), "sock", None)
        chunks, size = [], 0
        while True:
            left = limit - self.monotonic()
            if left <= 0:
                raise _SlowReply(timeout)
            at_limit = False
            if sock is not None:
                try:
                    sock.settimeout(max(0.01, min(left, timeout)))   # a stalled read ends at the limit too
                    at_limit = left < timeout
                except (OSError, ValueError):
                    sock = None
            try:
                chunk = read(REPLY_CHUNK_BYTES, decode_content=True)
            except (ReadTimeoutError, TimeoutError) as exc:
                if at_limit:
                    raise _SlowReply(timeout) from exc
                raise requests.exceptions.ReadTimeout(exc) from exc
            except ProtocolError as exc:
                raise requests.exceptions.ChunkedEncodingError(exc) from exc
            except DecodeError as exc:
                raise requests.exceptions.ContentDecodingError(exc) from exc
            except Urllib3Error as exc:
                raise requests.exceptions.ConnectionError(exc) from exc
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > MAX_REPLY_BYTES:
                raise _ReplyTooLarge(size, True)
            chunks.append(chunk)

    def _reply(self, response, content, method, url):
        content = content or b""
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            text = content.decode("latin-1")
        data, problem = None, None
        if text.strip():
            try:
                data = json.loads(text)
            except ValueError:
                data = None
            except RecursionError:
                data, problem = None, "the reply is JSON nested too deeply to read"
            if data is not None and _too_deep(data):
                data, problem = None, "the reply is JSON nested more than %d levels deep" % MAX_REPLY_DEPTH
        request_id = None
        for name in _REQUEST_ID_HEADERS:
            if response.headers.get(name):
                request_id = response.headers.get(name)
                break
        if request_id is None and isinstance(data, dict) and data.get("request_id"):
            request_id = str(data["request_id"])
        return _Reply(response.status_code, response.headers, data, text, method, url, request_id, problem)

    def _error(self, reply, message=None, cls=DrsApiError, suffix="", **extra):
        """An exception describing ``reply``; ``message`` (if given) leads, the HTTP details follow."""
        code, msg = reply.error_code, reply.error_msg
        details = "HTTP %s" % reply.status
        if code and code != str(reply.status):   # Keystone's error.code repeats the status: say it once
            details += " %s" % code
        if msg:
            details += ": %s" % msg
        elif reply.problem:
            details += ": %s" % reply.problem
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
        """A clean message (what happened, in words) for a request that got no reply; the raw exception text of
        ``requests`` is kept in ``error_msg`` (the module's ``error.error_msg``)."""
        raw = self._scrub("%s: %s" % (type(exc).__name__, exc))
        return cls(self._scrub("%s %s failed: %s%s" % (method, url, self._describe(exc), suffix)), error_msg=raw,
                   method=method, url=url, **extra)

    def _describe(self, exc):
        names = set(type(inner).__name__ for inner in _exception_chain(exc))
        text = " ".join(str(inner) for inner in _exception_chain(exc))
        if HAS_REQUESTS and isinstance(exc, requests.exceptions.SSLError):
            # OpenSSL says why in "[SSL: CODE] reason (_ssl.c:NNNN)"; keep the code and the reason, drop the C source line
            found = _SSL_REASON.search(text)
            return "TLS handshake failed (%s)" % ("%s: %s" % (found.group(1), found.group(2).strip()) if found else "certificate problem")
        if names & {"NameResolutionError", "gaierror"} or "Name or service not known" in text or "nodename nor servname" in text:
            return "the host name does not resolve"
        if isinstance(exc, ConnectionRefusedError) or "Connection refused" in text or "ConnectionRefusedError" in names:
            return "connection refused (nothing listens at that address)"
        if (HAS_REQUESTS and isinstance(exc, requests.exceptions.ConnectTimeout)) or "ConnectTimeoutError" in names:
            return "no connection within %g s (connect timeout)" % self.api_timeout
        if (HAS_REQUESTS and isinstance(exc, requests.exceptions.ReadTimeout)) or "ReadTimeoutError" in names:
            return "no reply within %g s (read timeout)" % self.api_timeout
        if HAS_REQUESTS and isinstance(exc, requests.exceptions.ConnectionError):
            return "the connection failed or was closed before a reply"
        return "%s: %s" % (type(exc).__name__, exc)

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

        ``mode`` names the credentials :meth:`_authorize` adds: ``drs`` (the configured auth; a 401 follows the
        401 rule), ``iam-token`` (validate the given token), ``iam-aksk`` (sign for IAM) or ``none``.

        Raises DrsApiError when retries are exhausted, DrsTimeoutError when the caller's deadline stops them and
        _Ambiguous (non-idempotent requests only) when the request may have taken effect.
        """
        payload = json.dumps(body, separators=(",", ":")).encode("utf-8") if body is not None else None
        window_end = deadline if deadline is not None else self.monotonic() + DEFAULT_RETRY_WINDOW
        attempt = 0
        connect_failures = 0
        reauthenticated = False
        while True:
            attempt += 1
            self._count()
            retry_after = None
            try:
                response, content, generation = self._send_once(method, url, payload, query, mode, deadline)
            except DrsError:
                raise
            except _ReplyTooLarge as exc:
                error = DrsApiError(self._scrub("%s %s failed: the reply is larger than %s (%d bytes %s): refused "
                                                "(MAX_REPLY_BYTES)" % (method, url, _size_text(MAX_REPLY_BYTES), exc.args[0],
                                                                       "read" if exc.args[1] else "announced")),
                                    method=method, url=url)
                if not idempotent:
                    raise _Ambiguous(error, "server_error")
                raise error
            except _SlowReply as exc:
                error = DrsApiError(self._scrub("%s %s failed: the reply did not arrive in full within %g s (the time "
                                                "limit of one request: api_timeout, or the deadline)" % (method, url, exc.args[0])),
                                    method=method, url=url)
                if not idempotent:
                    raise _Ambiguous(error, "connection")
                reason = "connection"
                self._pause_before_retry(attempt, reason, None, error, deadline, window_end)
                continue
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
                if _is_connect_failure(exc) and _host(url) not in self._answered:
                    connect_failures += 1
                    if connect_failures > MAX_CONNECT_RETRIES:
                        raise self._with_suffix(error, " (gave up after %d attempts)" % attempt)
                reason = "connection"
            else:
                with self._lock:
                    self._answered.add(_host(url))
                reply = self._reply(response, content, method, url)
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
        """Sleep before the next attempt, or raise ``error`` (or DrsTimeoutError) when the next attempt would come
        after the deadline (or the default window): the budget is time, the number of attempts is not limited."""
        delay = retry_after if retry_after is not None else backoff_delay(attempt, self.random)
        if self.monotonic() + delay >= window_end:
            if deadline is not None:
                raise self._with_suffix(error, " (no retry: the next attempt would be after the deadline; %d attempts)"
                                        % attempt, DrsTimeoutError)
            raise self._with_suffix(error, " (gave up: retrying for more than %d s; %d attempts)" % (DEFAULT_RETRY_WINDOW, attempt))
        self._count(reason)
        self.sleep(delay)

    @staticmethod
    def _with_suffix(error, suffix, cls=None):
        cls = cls or type(error)
        return cls(error.message + suffix, status=error.status, error_code=error.error_code, error_msg=error.error_msg,
                   request_id=error.request_id, method=error.method, url=error.url)

    def _map(self, function, chunks):
        """``[function(chunk) for chunk in chunks]``, with at most ``max_concurrency`` chunks in flight at once."""
        if len(chunks) <= 1 or self.max_concurrency == 1:
            return [function(chunk) for chunk in chunks]
        with ThreadPoolExecutor(max_workers=min(self.max_concurrency, len(chunks))) as pool:
            return list(pool.map(function, chunks))
