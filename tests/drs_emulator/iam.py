"""The IAM (Keystone v3 style) side of the emulator: tokens, token verification, project look-up, and the
authentication of DRS calls (X-Auth-Token or SDK-HMAC-SHA256).

Error shapes: IAM itself answers with Keystone bodies (``{"error": {"code", "title", "message"}}``); the DRS
gateway answers with ``{"error_msg", "error_code"}`` bodies (APIG.0307, APIGW.0301, DRS.M00261).
"""

import datetime
import hashlib
import hmac
import json
import math
import secrets
import threading
import time
from urllib.parse import parse_qs

from drs_emulator import signing

ISO_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"

KEYSTONE_ERRORS = {
    400: ("Bad Request", "The request you have made is invalid."),
    401: ("Unauthorized", "The request you have made requires authentication."),
    404: ("Not Found", "The resource could not be found."),
}

TOKEN_MUST_BE_UPDATED = {"error_msg": "The token must be updated.", "error_code": "APIG.0307"}
INVALID_PROJECT = {"error_code": "DRS.M00261", "error_msg": "Invalid project ID."}
NO_CREDENTIALS_MSG = "Incorrect IAM authentication information: x-auth-token not found"


def keystone_error(status, message=None):
    """A Keystone-shaped error body."""
    title, default = KEYSTONE_ERRORS[status]
    return {"error": {"code": status, "title": title, "message": message or default}}


def unauthorized_body(credential, keystone_errors, request_id, signature_msg=signing.SIGNATURE_ERROR_MSG):
    """The 401 body for a rejected ``credential`` ("token", "aksk" or "none"), as gateway and IAM give it.

    AK/SK: the gateway's ``APIGW.0301`` with ``signature_msg`` and the request id. Otherwise IAM's own routes
    (``keystone_errors``) answer with the Keystone 401; the DRS gateway answers ``APIG.0307`` for a token and
    ``APIGW.0301`` "x-auth-token not found" when no credential was sent.
    """
    if credential == "aksk":
        return {"error_msg": signature_msg, "error_code": signing.SIGNATURE_ERROR_CODE, "request_id": request_id}
    if keystone_errors:
        return keystone_error(401)
    if credential == "token":
        return dict(TOKEN_MUST_BE_UPDATED)
    return {"error_msg": NO_CREDENTIALS_MSG, "error_code": signing.SIGNATURE_ERROR_CODE, "request_id": request_id}


def iso_time(epoch):
    """ISO-8601 UTC with microseconds and Z, the format IAM uses for issued_at / expires_at."""
    return datetime.datetime.fromtimestamp(epoch, tz=datetime.timezone.utc).strftime(ISO_FORMAT)


def _stable_id(*parts):
    return hashlib.sha256("/".join(parts).encode("utf-8")).hexdigest()[:32]


class AuthError(Exception):
    """A request failed authentication or authorisation; carries the reply status and body."""

    def __init__(self, status, body):
        super().__init__(status)
        self.status = status
        self.body = body


class TokenStore:
    """Issued tokens by id, with emulator-clock expiry (thread-safe)."""

    def __init__(self, clock):
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens = {}

    def issue(self, user, project, domain, methods, ttl, expires=None):
        """Create a token and return its record; ``expires`` (emulator epoch) overrides ``ttl``."""
        now = self._clock.now()
        record = {
            "id": "MIIEMU" + secrets.token_urlsafe(96),
            "user": user,
            "project": project,
            "domain": domain,
            "methods": list(methods),
            "issued": now,
            "issued_real": time.time(),
            "expires": expires if expires is not None else now + ttl,
        }
        with self._lock:
            if len(self._tokens) >= 10000:
                self._purge_expired(now)
            self._tokens[record["id"]] = record
        return record

    def _purge_expired(self, now):
        for token_id in [key for key, value in self._tokens.items() if value["expires"] <= now]:
            del self._tokens[token_id]

    def valid(self, token_id):
        """The record of an issued, unexpired token, else None."""
        if not token_id:
            return None
        with self._lock:
            record = self._tokens.get(token_id.strip())
        if record is None or record["expires"] <= self._clock.now():
            return None
        return record

    def dump(self):
        """The unexpired tokens, JSON-able (for --state-file)."""
        now = self._clock.now()
        with self._lock:
            return [dict(record) for record in self._tokens.values() if record["expires"] > now]

    def restore(self, records):
        """Take back what :meth:`dump` wrote; tokens keep their ids and emulator-clock expiry."""
        with self._lock:
            self._tokens = {record["id"]: dict(record) for record in records}

    def clear(self):
        """Forget every token."""
        with self._lock:
            self._tokens.clear()

    def __len__(self):
        with self._lock:
            return len(self._tokens)


class IamService:
    """Keystone-like token and project APIs plus the DRS gateway's authentication."""

    def __init__(self, state, faults, base_url):
        self.state = state
        self.faults = faults
        self.base_url = base_url
        self.tokens = TokenStore(state.clock)

    # ----- look-ups -------------------------------------------------------------------------------
    def _find_user(self, user_spec):
        if not isinstance(user_spec, dict):
            return None
        domain = user_spec.get("domain") if isinstance(user_spec.get("domain"), dict) else {}
        for user in self.state.users:
            if user_spec.get("id") and user_spec.get("id") == user.get("user_id"):
                return user
            if user_spec.get("name") == user["name"] and (
                    domain.get("name") == user["domain"] or (domain.get("id") and domain.get("id") == user.get("domain_id"))):
                return user
        return None

    def find_key(self, access):
        """The access-key record for ``access`` or None."""
        for key in self.state.access_keys:
            if key["access"] == access:
                return key
        return None

    def _resolve_project(self, spec, user):
        """The project a scope names, if the user may use it; AuthError(401) otherwise."""
        project = None
        if spec.get("id"):
            project = self.state.projects.get(spec["id"])
        elif spec.get("name"):
            project = self.state.project_by_name(spec["name"])
        if project is None or project["id"] not in user.get("projects", []):
            raise AuthError(401, keystone_error(401))
        return project

    @staticmethod
    def _user_domain(user):
        return {"id": user.get("domain_id"), "name": user["domain"]}

    def _resolve_scope(self, scope, user):
        """(project or None, domain) for the request's scope; no scope gives a domain-scoped token."""
        scope = scope if isinstance(scope, dict) else {}
        domain = self._user_domain(user)
        if isinstance(scope.get("project"), dict):
            return self._resolve_project(scope["project"], user), domain
        if isinstance(scope.get("domain"), dict):
            wanted = scope["domain"]
            if wanted.get("id") not in (None, domain["id"]) or wanted.get("name") not in (None, domain["name"]):
                raise AuthError(401, keystone_error(401))
        return None, domain

    # ----- POST /v3/auth/tokens -------------------------------------------------------------------
    def _password_identity(self, identity):
        password = identity.get("password") if isinstance(identity.get("password"), dict) else {}
        user_spec = password.get("user")
        user = self._find_user(user_spec)
        given = user_spec.get("password") if isinstance(user_spec, dict) else None
        if user is None or not isinstance(given, str) or not hmac.compare_digest(given.encode("utf-8"), user["password"].encode("utf-8")):
            raise AuthError(401, keystone_error(401))
        return user, None

    def _token_identity(self, identity, headers):
        token_spec = identity.get("token") if isinstance(identity.get("token"), dict) else {}
        record = self.tokens.valid(token_spec.get("id") or headers.get("x-auth-token"))
        if record is None:
            raise AuthError(401, keystone_error(401))
        return record["user"], record

    def create_token(self, raw_query, headers, body):
        """POST /v3/auth/tokens -> (status, body, extra headers)."""
        try:
            auth = json.loads(body or b"{}")["auth"]
            identity = auth["identity"]
            methods = identity["methods"]
        except (ValueError, KeyError, TypeError):
            return 400, keystone_error(400, "Expecting to find auth.identity.methods in the request body."), {}
        try:
            if methods == ["password"]:
                user, previous = self._password_identity(identity)
            elif methods == ["token"]:
                user, previous = self._token_identity(identity, headers)
            else:
                raise AuthError(401, keystone_error(401))
            project, domain = self._resolve_scope(auth.get("scope"), user)
        except AuthError as error:
            return error.status, error.body, {}
        expires = previous["expires"] if previous else None
        record = self.tokens.issue(user, project, domain, methods, self.faults.token_ttl, expires=expires)
        include_catalog = "nocatalog" not in parse_qs(raw_query or "", keep_blank_values=True)
        return 201, {"token": self.token_body(record, include_catalog)}, {"X-Subject-Token": record["id"]}

    def token_body(self, record, include_catalog=True):
        """The ``token`` object of a token record."""
        user = record["user"]
        body = {
            "methods": record["methods"],
            "issued_at": iso_time(record["issued_real"]),
            "expires_at": iso_time(self._real_expiry(record["expires"])),
            "user": {"id": user.get("user_id"), "name": user["name"], "password_expires_at": "", "domain": self._user_domain(user)},
        }
        project = record["project"]
        if project is not None:
            body["project"] = {"id": project["id"], "name": project["name"], "domain": record["domain"]}
            body["roles"] = [{"id": _stable_id("role", "te_admin"), "name": "te_admin"}]
        else:
            body["domain"] = record["domain"]
            body["roles"] = [{"id": _stable_id("role", "te_admin"), "name": "te_admin"}, {"id": _stable_id("role", "secu_admin"), "name": "secu_admin"}]
        if include_catalog:
            body["catalog"] = self.catalog(project)
        return body

    def _real_expiry(self, expires):
        """Real epoch time of an emulator-clock expiry; a frozen clock (speed 0) reports it as if at speed 1."""
        real = self.state.clock.to_real(expires)
        if math.isinf(real):
            real = time.time() + (expires - self.state.clock.now())
        return real

    def catalog(self, project):
        """Service catalog: identity always, drs (pointing at this emulator) for project-scoped tokens."""
        entries = [{
            "type": "identity", "id": _stable_id("service", "identity"), "name": "iam",
            "endpoints": [{"id": _stable_id("endpoint", "identity"), "interface": "public", "region": "*", "region_id": "*",
                           "url": self.base_url + "/v3"}],
        }]
        if project is not None:
            region = project.get("region") or project["name"]
            entries.append({
                "type": "drs", "id": _stable_id("service", "drs"), "name": "drs",
                "endpoints": [{"id": _stable_id("endpoint", "drs", region), "interface": "public", "region": region, "region_id": region,
                               "url": self.base_url}],
            })
        return entries

    # ----- GET /v3/auth/tokens --------------------------------------------------------------------
    def verify_token(self, raw_query, headers):
        """GET /v3/auth/tokens: X-Auth-Token must be valid; X-Subject-Token valid -> 200, else 404."""
        if self.tokens.valid(headers.get("x-auth-token")) is None:
            return 401, keystone_error(401), {}
        subject = self.tokens.valid(headers.get("x-subject-token"))
        if subject is None:
            return 404, keystone_error(404, "Could not find token."), {}
        include_catalog = "nocatalog" not in parse_qs(raw_query or "", keep_blank_values=True)
        return 200, {"token": self.token_body(subject, include_catalog)}, {"X-Subject-Token": subject["id"]}

    # ----- GET /v3/projects -----------------------------------------------------------------------
    def _project_entry(self, project):
        return {
            "id": project["id"], "name": project["name"], "domain_id": project.get("domain_id"), "enabled": True,
            "description": "", "is_domain": False, "parent_id": project.get("domain_id"),
            "links": {"self": "%s/v3/projects/%s" % (self.base_url, project["id"])},
        }

    def list_projects(self, request):
        """GET /v3/projects[?name=]: token callers see their user's projects, AK/SK callers their key's project."""
        kind, subject = self.identify(request, keystone_errors=True)
        if kind == "token":
            visible = subject["user"].get("projects", [])
        else:
            visible = [subject["project_id"]]
        wanted = parse_qs(request.raw_query or "").get("name")
        projects = []
        for project_id in visible:
            project = self.state.projects.get(project_id)
            if project is not None and (not wanted or project["name"] in wanted):
                projects.append(self._project_entry(project))
        self_link = "%s/v3/projects%s" % (self.base_url, "?" + request.raw_query if request.raw_query else "")
        return kind, 200, {"projects": projects, "links": {"self": self_link, "previous": None, "next": None}}

    # ----- gateway authentication -----------------------------------------------------------------
    def identify(self, request, keystone_errors=False):
        """Authenticate a request: ("token", token record) or ("aksk", key record); AuthError otherwise.

        X-Auth-Token wins when both it and an Authorization header are sent (HWSDK-core never sends both).
        """
        headers = request.headers
        if "x-auth-token" in headers:
            record = self.tokens.valid(headers["x-auth-token"])
            if record is None:
                raise AuthError(401, unauthorized_body("token", keystone_errors, request.request_id))
            return "token", record
        if "authorization" in headers:
            result = signing.verify_request(request.method, request.raw_path, request.raw_query, headers, request.body, self.find_key)
            if not result.ok:
                raise AuthError(401, unauthorized_body("aksk", keystone_errors, request.request_id, result.error_msg()))
            return "aksk", result.key
        raise AuthError(401, unauthorized_body("none", keystone_errors, request.request_id))

    def authorize_project(self, request, project_id):
        """Authenticate a DRS call for ``project_id``; returns the auth kind or raises AuthError."""
        kind, subject = self.identify(request)
        if kind == "token":
            project = subject["project"]
            if project is None or project["id"] != project_id:
                raise AuthError(403, dict(INVALID_PROJECT))
            return kind
        header_project = request.headers.get("x-project-id")
        if subject["project_id"] != project_id or (header_project is not None and header_project.strip() != project_id):
            raise AuthError(403, dict(INVALID_PROJECT))
        return kind
