"""IAM: token issue (password and token methods), shapes, errors, expiry, verification, projects, isolation."""

import datetime
import time

import pytest

from drs_emulator.pytest_plugin import (
    ACCESS_KEY_A,
    ACCESS_KEY_B,
    DOMAIN_NAME,
    PROJECT_A_ID,
    PROJECT_B_ID,
    password_auth,
)

ISO_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
KEYSTONE_401 = {"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}
TOKEN_MUST_BE_UPDATED = {"error_msg": "The token must be updated.", "error_code": "APIG.0307"}
INVALID_PROJECT = {"error_code": "DRS.M00261", "error_msg": "Invalid project ID."}
STATUS_A = "/v3/%s/jobs/batch-status" % PROJECT_A_ID
UNKNOWN_JOB = "140b5236-88ad-43c8-811c-1268453jb999"
PROBE = {"jobs": [UNKNOWN_JOB]}  # a valid batch-status body: 200 with a per-job DRS.M00289
STATUS_B = "/v3/%s/jobs/batch-status" % PROJECT_B_ID


def _parse(value):
    return datetime.datetime.strptime(value, ISO_FORMAT).replace(tzinfo=datetime.timezone.utc).timestamp()


def _issue(emulator, scope=None, query="", **kwargs):
    return emulator.request("POST", "/v3/auth/tokens" + query, password_auth(scope, **kwargs))


def test_password_token_scoped_by_project_name_has_the_keystone_shape(drs_emulator_clean):
    emulator = drs_emulator_clean
    response = _issue(emulator, {"project": {"name": "eu-de"}})
    assert response.status == 201
    assert len(response.headers["x-subject-token"]) > 100
    token = response.body["token"]
    assert token["methods"] == ["password"]
    assert token["project"] == {"id": PROJECT_A_ID, "name": "eu-de", "domain": {"id": token["user"]["domain"]["id"], "name": DOMAIN_NAME}}
    assert token["user"]["name"] == "drs-operator"
    assert token["user"]["domain"]["name"] == DOMAIN_NAME
    assert [role["name"] for role in token["roles"]] == ["te_admin"]
    lifetime = _parse(token["expires_at"]) - _parse(token["issued_at"])
    assert 86390 < lifetime < 86410
    catalog = {entry["type"]: entry for entry in token["catalog"]}
    assert sorted(catalog) == ["drs", "identity"]
    assert catalog["drs"]["endpoints"] == [{"id": catalog["drs"]["endpoints"][0]["id"], "interface": "public", "region": "eu-de",
                                            "region_id": "eu-de", "url": emulator.url}]
    assert catalog["identity"]["endpoints"][0]["url"] == emulator.url + "/v3"


def test_password_token_scoped_by_project_id_and_used_on_drs(drs_emulator_clean):
    emulator = drs_emulator_clean
    response = _issue(emulator, {"project": {"id": PROJECT_B_ID}})
    assert response.status == 201
    assert response.body["token"]["project"]["name"] == "eu-nl"
    assert {entry["type"]: entry for entry in response.body["token"]["catalog"]}["drs"]["endpoints"][0]["region"] == "eu-nl"
    drs = emulator.request("POST", STATUS_B, PROBE, {"X-Auth-Token": response.headers["x-subject-token"]})
    assert drs.status == 200


@pytest.mark.parametrize("query", ["?nocatalog=true", "?nocatalog=1", "?nocatalog"])
def test_nocatalog_drops_the_catalog(drs_emulator_clean, query):
    response = _issue(drs_emulator_clean, {"project": {"name": "eu-de"}}, query=query)
    assert response.status == 201
    assert "catalog" not in response.body["token"]
    assert response.body["token"]["project"]["id"] == PROJECT_A_ID


@pytest.mark.parametrize("kwargs", [
    {"password": "wrong"},
    {"user": "nobody"},
    {"domain": "OTC00000000001000000999"},
])
def test_wrong_credentials_get_keystone_401(drs_emulator_clean, kwargs):
    response = _issue(drs_emulator_clean, {"project": {"name": "eu-de"}}, **kwargs)
    assert response.status == 401
    assert response.body == KEYSTONE_401
    assert "x-subject-token" not in response.headers


@pytest.mark.parametrize("scope", [{"project": {"name": "eu-fr"}}, {"project": {"id": "0" * 32}}])
def test_unknown_project_scope_gets_401(drs_emulator_clean, scope):
    response = _issue(drs_emulator_clean, scope)
    assert response.status == 401
    assert response.body == KEYSTONE_401


@pytest.mark.parametrize("body", [b"not json", b'{"auth": {}}', b'{"auth": {"identity": {"password": {}}}}'])
def test_malformed_token_request_gets_keystone_400(drs_emulator_clean, body):
    response = drs_emulator_clean.request("POST", "/v3/auth/tokens", body)
    assert response.status == 400
    assert response.body["error"]["code"] == 400
    assert response.body["error"]["title"] == "Bad Request"


def test_unsupported_method_gets_401(drs_emulator_clean):
    body = {"auth": {"identity": {"methods": ["assume_role"], "assume_role": {"domain_name": "x", "xrole_name": "y"}}}}
    response = drs_emulator_clean.request("POST", "/v3/auth/tokens", body)
    assert response.status == 401
    assert response.body == KEYSTONE_401


def test_unscoped_request_returns_a_domain_token_that_drs_refuses(drs_emulator_clean):
    emulator = drs_emulator_clean
    response = _issue(emulator)
    assert response.status == 201
    token = response.body["token"]
    assert "project" not in token
    assert token["domain"]["name"] == DOMAIN_NAME
    assert [entry["type"] for entry in token["catalog"]] == ["identity"]
    drs = emulator.request("POST", STATUS_A, PROBE, {"X-Auth-Token": response.headers["x-subject-token"]})
    assert drs.status == 403
    assert drs.body == INVALID_PROJECT


def test_domain_scope_by_name_works_and_a_foreign_domain_is_refused(drs_emulator_clean):
    assert _issue(drs_emulator_clean, {"domain": {"name": DOMAIN_NAME}}).status == 201
    foreign = _issue(drs_emulator_clean, {"domain": {"name": "OTC-other"}})
    assert foreign.status == 401
    assert foreign.body == KEYSTONE_401


def test_project_scope_wins_over_domain_scope(drs_emulator_clean):
    response = _issue(drs_emulator_clean, {"project": {"name": "eu-nl"}, "domain": {"name": DOMAIN_NAME}})
    assert response.status == 201
    assert response.body["token"]["project"]["id"] == PROJECT_B_ID


def test_token_method_rescopes_and_keeps_the_original_expiry(drs_emulator_clean):
    emulator = drs_emulator_clean
    first = _issue(emulator)
    body = {"auth": {"identity": {"methods": ["token"], "token": {"id": first.headers["x-subject-token"]}}, "scope": {"project": {"name": "eu-de"}}}}
    second = emulator.request("POST", "/v3/auth/tokens", body)
    assert second.status == 201
    assert second.body["token"]["methods"] == ["token"]
    assert second.body["token"]["project"]["id"] == PROJECT_A_ID
    assert second.headers["x-subject-token"] != first.headers["x-subject-token"]
    assert abs(_parse(second.body["token"]["expires_at"]) - _parse(first.body["token"]["expires_at"])) < 1
    assert emulator.request("POST", STATUS_A, PROBE, {"X-Auth-Token": second.headers["x-subject-token"]}).status == 200


def test_token_method_accepts_the_x_auth_token_header(drs_emulator_clean):
    emulator = drs_emulator_clean
    token = emulator.token()
    body = {"auth": {"identity": {"methods": ["token"], "token": {}}, "scope": {"project": {"id": PROJECT_B_ID}}}}
    response = emulator.request("POST", "/v3/auth/tokens", body, {"X-Auth-Token": token})
    assert response.status == 201
    assert response.body["token"]["project"]["id"] == PROJECT_B_ID


def test_token_method_with_an_unknown_token_gets_401(drs_emulator_clean):
    body = {"auth": {"identity": {"methods": ["token"], "token": {"id": "MIIEMU-no-such-token"}}, "scope": {"project": {"name": "eu-de"}}}}
    response = drs_emulator_clean.request("POST", "/v3/auth/tokens", body)
    assert response.status == 401
    assert response.body == KEYSTONE_401


def test_unknown_token_on_drs_gets_apig_0307(drs_emulator_clean):
    response = drs_emulator_clean.request("POST", STATUS_A, PROBE, {"X-Auth-Token": "MIIEMU-unknown"})
    assert response.status == 401
    assert response.body == TOKEN_MUST_BE_UPDATED


def test_missing_credentials_on_drs_get_apigw_0301(drs_emulator_clean):
    response = drs_emulator_clean.request("POST", STATUS_A, PROBE)
    assert response.status == 401
    assert response.body == {"error_msg": "Incorrect IAM authentication information: x-auth-token not found", "error_code": "APIGW.0301",
                             "request_id": response.headers["x-request-id"]}


def test_token_expires_on_the_emulator_clock(drs_emulator_clean):
    emulator = drs_emulator_clean
    token = emulator.token()
    assert emulator.request("POST", STATUS_A, PROBE, {"X-Auth-Token": token}).status == 200
    emulator.clock(advance=86401)
    expired = emulator.request("POST", STATUS_A, PROBE, {"X-Auth-Token": token})
    assert expired.status == 401
    assert expired.body == TOKEN_MUST_BE_UPDATED
    assert emulator.request("POST", STATUS_A, PROBE, {"X-Auth-Token": emulator.token()}).status == 200


def test_token_ttl_setting_shortens_new_tokens(drs_emulator_clean):
    emulator = drs_emulator_clean
    old_token = emulator.token()
    assert emulator.set_faults(token_ttl=60)["token_ttl"] == 60
    response = _issue(emulator, {"project": {"name": "eu-de"}})
    token = response.body["token"]
    assert 55 < _parse(token["expires_at"]) - _parse(token["issued_at"]) < 65
    emulator.clock(advance=61)
    assert emulator.request("POST", STATUS_A, PROBE, {"X-Auth-Token": response.headers["x-subject-token"]}).body == TOKEN_MUST_BE_UPDATED
    assert emulator.request("POST", STATUS_A, PROBE, {"X-Auth-Token": old_token}).status == 200


@pytest.mark.drs_emulator("--token-ttl", "120", "--speed", "60")
def test_expires_at_is_real_time_when_the_clock_runs_fast(drs_emulator):
    response = _issue(drs_emulator, {"project": {"name": "eu-de"}})
    token = response.body["token"]
    # 120 emulator seconds at 60x speed are about 2 real seconds.
    assert 0 < _parse(token["expires_at"]) - time.time() < 3


def test_token_of_project_a_gets_nothing_of_project_b(drs_emulator_clean):
    emulator = drs_emulator_clean
    emulator.load_jobs({"generate": {"n": 1, "project": "eu-nl"}})
    job_id = emulator.jobs()[0]["id"]
    token_a = emulator.token(PROJECT_A_ID)
    response = emulator.request("POST", STATUS_B, {"jobs": [job_id]}, {"X-Auth-Token": token_a})
    assert response.status == 403
    assert response.body == INVALID_PROJECT
    assert job_id not in emulator.stats()["jobs"] or not emulator.stats()["jobs"][job_id]["requests"]
    assert emulator.request("POST", STATUS_B, {"jobs": [job_id]}, {"X-Auth-Token": emulator.token(PROJECT_B_ID)}).status == 200


def test_verify_token(drs_emulator_clean):
    emulator = drs_emulator_clean
    caller = emulator.token()
    subject = emulator.token(PROJECT_B_ID)
    ok = emulator.request("GET", "/v3/auth/tokens", headers={"X-Auth-Token": caller, "X-Subject-Token": subject})
    assert ok.status == 200
    assert ok.body["token"]["project"]["id"] == PROJECT_B_ID
    assert ok.headers["x-subject-token"] == subject
    missing = emulator.request("GET", "/v3/auth/tokens", headers={"X-Auth-Token": caller, "X-Subject-Token": "MIIEMU-gone"})
    assert missing.status == 404
    assert missing.body["error"]["code"] == 404
    unauthenticated = emulator.request("GET", "/v3/auth/tokens", headers={"X-Subject-Token": subject})
    assert unauthenticated.status == 401
    assert unauthenticated.body == KEYSTONE_401


def test_list_projects_with_a_token(drs_emulator_clean):
    emulator = drs_emulator_clean
    token = emulator.token()
    response = emulator.request("GET", "/v3/projects", headers={"X-Auth-Token": token})
    assert response.status == 200
    assert sorted(project["name"] for project in response.body["projects"]) == ["eu-de", "eu-nl"]
    assert set(response.body["links"]) == {"self", "previous", "next"}
    named = emulator.request("GET", "/v3/projects?name=eu-nl", headers={"X-Auth-Token": token})
    assert [(p["id"], p["name"], p["enabled"]) for p in named.body["projects"]] == [(PROJECT_B_ID, "eu-nl", True)]
    assert named.body["projects"][0]["domain_id"]


def test_list_projects_with_access_keys_sees_only_the_keys_project(drs_emulator_clean):
    emulator = drs_emulator_clean
    own = emulator.signed_request("GET", "/v3/projects?name=eu-de", key=ACCESS_KEY_A)
    assert own.status == 200
    assert [p["id"] for p in own.body["projects"]] == [PROJECT_A_ID]
    other = emulator.signed_request("GET", "/v3/projects?name=eu-nl", key=ACCESS_KEY_A)
    assert other.status == 200
    assert other.body["projects"] == []
    key_b = emulator.signed_request("GET", "/v3/projects", key=ACCESS_KEY_B)
    assert [p["id"] for p in key_b.body["projects"]] == [PROJECT_B_ID]
    assert emulator.stats()["requests"]["by_auth"] == {"aksk": 3}


def test_list_projects_needs_credentials(drs_emulator_clean):
    emulator = drs_emulator_clean
    response = emulator.request("GET", "/v3/projects")
    assert response.status == 401
    assert response.body == KEYSTONE_401
    bad_key = emulator.signed_request("GET", "/v3/projects", key=(ACCESS_KEY_A[0], "wrong"))
    assert bad_key.status == 401
    assert bad_key.body["error_code"] == "APIGW.0301"
