# -*- coding: utf-8 -*-
# Copyright: contributors to the cloudops.drs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""IAM and credentials: who the DRS client is, in which project, at which endpoint.

:class:`IamSession` adds credentials to the requests of :class:`_transport.Transport` and finds what DRS calls need:

* ``password``: ``POST {auth_url}/auth/tokens`` once; the token (``X-Subject-Token``) is cached and renewed
  :data:`TOKEN_REFRESH_MARGIN` s before it expires (a token that lives less than four margins: after three quarters
  of its life). After a DRS 401 the token is renewed once (the transport's 401 rule); the token lock and a
  generation counter make concurrent chunks renew it only once. A renewal is one sequence of attempts per run,
  shared by every chunk: when it fails (IAM down until the deadline, the password refused), the chunks waiting on
  the token lock get that failure at once and do not ask IAM again. The token reply gives the project id, the
  region (from the project name) and the service catalog.
* ``token``: the given token is sent as it is; only when the project id or the endpoint is unknown is it validated
  (``GET {auth_url}/auth/tokens``) to read them.
* ``aksk``: every request is signed (``_signer.sign_request``); without ``project_id`` the project is looked up by
  name (``GET {auth_url}/projects?name=``), and exactly one must match.
* endpoint: the configured one, else the DRS entry of the token's catalog for the region, else the region's default.
* the target: a token (or AK/SK project) whose project differs from a configured ``project_id`` or ``project_name``
  is an error before any DRS request, naming both. A given token is validated for this whenever a project is
  configured and IAM is known; ``target()`` is the project and region the run acts on, and where each came from.

``connect()`` does all of this once per run. See reference/auth.md for the IAM facts.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import copy
import datetime
import threading

from ansible_collections.cloudops.drs.plugins.module_utils._auth import (
    default_drs_endpoint,
    endpoint_from_catalog,
    region_profile,
)
from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsConfigError, DrsError
from ansible_collections.cloudops.drs.plugins.module_utils._signer import sdk_date, sign_request
from ansible_collections.cloudops.drs.plugins.module_utils._transport import Transport

__all__ = ("IamSession",)

# Re-authenticate (password auth) when the cached token expires within this many seconds.
TOKEN_REFRESH_MARGIN = 120.0
# Assumed token lifetime when IAM gives no readable expires_at.
DEFAULT_TOKEN_LIFETIME = 3600.0


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


class IamSession(Transport):
    """A transport that authenticates: IAM tokens or AK/SK signatures, the project id and the DRS endpoint.

    ``options`` are the transport's (:class:`_transport.Transport`). ``project_id``, ``endpoint`` and ``region`` start
    as configured and are filled in by :meth:`connect`.
    """

    def __init__(self, auth, **options):
        super(IamSession, self).__init__(auth, **options)
        self.project_id = auth.project_id
        self.project_name = auth.project_name
        self.endpoint = auth.endpoint
        self.region = auth.region
        self.sources = dict(auth.sources or {"project_id": None, "project_name": None, "region": None})
        for name in ("project_id", "project_name", "region"):
            if getattr(auth, name) and not self.sources.get(name):
                self.sources[name] = "task"
        self.catalog = None

        self._token_lock = threading.RLock()
        self._connect_lock = threading.RLock()
        self._connected = False
        self._token = auth.auth_token if auth.method == "token" else None
        self._token_expires = None
        self._token_lifetime = 0.0
        self._token_generation = 0
        # (generation, error) of a failed renewal: every later renewal of that token generation fails the same way
        self._renewal_failure = None

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
                project_given = bool(auth.project_id or auth.project_name)
                if (not self.project_id or not (self.endpoint or default_drs_endpoint(self.region))
                        or (project_given and auth.auth_url)):
                    self._verify_token(deadline)
            elif auth.method == "aksk":
                if not self.project_id or (auth.project_id and auth.project_name):
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

    def target(self):
        """The project and region this run acts on, and where each came from (see ``_auth.resolve_auth``)."""
        return {"project_id": self.project_id, "project_name": self.project_name, "region": self.region,
                "sources": dict(self.sources)}

    def _adopt_project(self, project_id, project_name, what):
        """Take the project IAM reports for the credentials; a different configured project is an error."""
        auth = self.auth
        for key, configured, actual in (("project_id", auth.project_id, project_id),
                                        ("project_name", auth.project_name, project_name)):
            if configured and actual and configured != actual:
                raise DrsConfigError(
                    "%s belongs to project %s (id %s), but %s is %s (from %s): no DRS request was sent. Use credentials "
                    "of that project, or set project_id/project_name to the project of the credentials" % (
                        what, project_name or "?", project_id or "?", key, configured, self.sources.get(key) or "task"))
        if project_id and not self.project_id:
            self.project_id, self.sources["project_id"] = project_id, "iam"
        if project_name and not self.project_name:
            self.project_name, self.sources["project_name"] = project_name, "iam"
        if not self.region and project_name:
            candidate = project_name.split("_", 1)[0]
            if region_profile(candidate):
                self.region, self.sources["region"] = candidate, "project_name"

    def _adopt_token_body(self, data, what="the token"):
        token = data.get("token") if isinstance(data, dict) else None
        if not isinstance(token, dict):
            return None
        project = token.get("project") if isinstance(token.get("project"), dict) else {}
        self._adopt_project(str(project["id"]) if project.get("id") else None,
                            str(project["name"]) if project.get("name") else None, what)
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
        body = self._adopt_token_body(reply.data, "the token IAM issued for user '%s'" % self.auth.username) or {}
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
                self._renew(deadline)
            return self._token, self._token_generation

    def _reauthenticate(self, generation, deadline):
        with self._token_lock:
            if generation == self._token_generation:  # nobody else refreshed it meanwhile
                self._renew(deadline)

    def _renew(self, deadline):
        """Get a new token (token lock held): one sequence of attempts per token generation, its failure shared."""
        failed = self._renewal_failure
        if failed is not None and failed[0] == self._token_generation:
            raise copy.copy(failed[1])   # a copy: the chunks raise it in their own threads
        try:
            self._authenticate(deadline)
        except DrsError as exc:
            self._renewal_failure = (self._token_generation, exc)
            raise

    def _verify_token(self, deadline=None):
        if not self.auth.auth_url:
            raise DrsConfigError("auth_token without project_id: set project_id, or auth_url/region so the project can be "
                                 "read from the token")
        reply = self._request("GET", self.auth.auth_url + "/auth/tokens", None, deadline, mode="iam-token")
        if not reply.ok:
            raise self._error(reply, "IAM did not accept auth_token (it is expired, invalid, or IAM is unreachable): "
                                     "get a new token")
        if not self._adopt_token_body(reply.data, "auth_token"):
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
        if self.auth.project_id and str(matches[0]["id"]) != self.auth.project_id:
            raise DrsConfigError("project_name %s (from %s) is project %s, but project_id is %s (from %s): no DRS request "
                                 "was sent. Set only one of them, or make them agree" % (
                                     name, self.sources.get("project_name") or "task", matches[0]["id"], self.auth.project_id,
                                     self.sources.get("project_id") or "task"))
        self._adopt_project(str(matches[0]["id"]), str(name), "the access key")

    # -------------------------------------------------------------------------------------------- credential hooks

    def _secret_values(self):
        """The configured secrets and the current token."""
        return self.auth.secret_values() + [self._token]

    def _authorize(self, method, url, headers, body, mode, deadline):
        """``drs``: the token (renewed when due) or the AK/SK signature; ``iam-token``: the token to validate;
        ``iam-aksk``: the AK/SK signature; ``none``: nothing."""
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
        """The error for a DRS 401 that is not retried, naming the credentials at fault."""
        if self.auth.method == "password":
            lead = ("DRS rejected a freshly issued IAM token (the user may lack DRS permissions in project %s, or the "
                    "endpoint belongs to another region)" % self.project_id)
        elif self.auth.method == "token":
            lead = "DRS rejected auth_token (it is expired, invalid or scoped to another project): get a new token"
        else:
            lead = ("DRS rejected the AK/SK signature: check access_key, secret_key, security_token, project_id and the "
                    "system clock")
        return self._error(reply, lead)
