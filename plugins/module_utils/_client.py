# -*- coding: utf-8 -*-
# Copyright: contributors to the cloudops.drs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The DRS v3 client: the batch calls, IAM auth and the project/endpoint look-up, on the HTTP transport.

The HTTP transport (session, TLS, retries, deadlines, errors) is :class:`_transport.Transport`, whose docstring
states the retry rules. Modules never build a URL; this client never knows about Ansible results. See
reference/drs-api.md and reference/auth.md for the API facts.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import datetime
import threading

from ansible_collections.cloudops.drs.plugins.module_utils._auth import (
    default_drs_endpoint,
    endpoint_from_catalog,
    region_profile,
)
from ansible_collections.cloudops.drs.plugins.module_utils._batch import (
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
from ansible_collections.cloudops.drs.plugins.module_utils._signer import sdk_date, sign_request
from ansible_collections.cloudops.drs.plugins.module_utils._transport import (
    DEFAULT_RETRY_WINDOW,
    MAX_ATTEMPTS,
    Transport,
    _Ambiguous,
)
from ansible_collections.cloudops.drs.plugins.module_utils._waiter import backoff_delay

__all__ = ("DrsClient",)

# Re-authenticate (password auth) when the cached token expires within this many seconds.
TOKEN_REFRESH_MARGIN = 120.0
# Assumed token lifetime when IAM gives no readable expires_at.
DEFAULT_TOKEN_LIFETIME = 3600.0
# Page size used for POST /jobs (the API maximum).
LIST_PAGE_SIZE = 100
DB_USE_TYPES = ("migration", "sync", "cloudDataGuard")


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


class DrsClient(Transport):
    """DRS v3 client for one module run. See :mod:`_transport` for the retry rules.

    Read calls (``batch_status`` ...) return ``(items, not_found)``: ``items`` maps job id to the normalised reply item
    (always ``id``, ``error_code``, ``error_msg``; other keys as the API sent them) in the order of the given ids
    (de-duplicated); ``not_found`` lists ids DRS reported as unknown or deleted, or did not mention at all.
    Action calls (``batch_precheck``, ``batch_start``) return ``id -> item`` with ``status`` ``success``/``failed``
    (or ``unknown`` when the outcome could not be established) and never raise for a per-job or per-chunk failure.
    ``options`` are the transport's (:class:`_transport.Transport`).
    """

    def __init__(self, auth, batch_size=10, **options):
        super(DrsClient, self).__init__(auth, **options)
        self.batch_size = max(1, int(batch_size or 10))

        self.project_id = auth.project_id
        self.endpoint = auth.endpoint
        self.region = auth.region
        self.catalog = None

        self._token_lock = threading.RLock()
        self._connect_lock = threading.RLock()
        self._connected = False
        self._token = auth.auth_token if auth.method == "token" else None
        self._token_expires = None
        self._token_lifetime = 0.0
        self._token_generation = 0

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

    # -------------------------------------------------------------------------------------------- credential hooks

    def _secret_values(self):
        return self.auth.secret_values() + [self._token]

    def _authorize(self, method, url, headers, body, mode, deadline):
        generation = None
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
        return url, headers, generation

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

    def _drs_url(self, suffix):
        return "%s/v3/%s/jobs%s" % (self.endpoint, self.project_id, suffix)

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
