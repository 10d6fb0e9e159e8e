"""DrsClient authentication: IAM password tokens (cache, refresh, one re-auth on 401), auth_token, AK/SK signing."""

import os

import pytest
import yaml

from ansible_collections.cloudops.drs.plugins.module_utils._client import DrsClient
from ansible_collections.cloudops.drs.plugins.module_utils._transport import COLLECTION_VERSION

from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsApiError, DrsConfigError

from drs_client_fakes import (
    ACCESS_KEY,
    AUTH_URL,
    ENDPOINT,
    JOBS_URL,
    PASSWORD,
    PROJECT_ID,
    SECRET_KEY,
    TOKEN,
    FakeApi,
    Harness,
    aksk_auth,
    job_id,
    password_auth,
    reply,
    status_results,
    token_auth,
)

try:
    from drs_emulator import signing as emulator_signing
except ImportError:  # the emulator package is not there (yet): signature checks use the reference vectors only
    emulator_signing = None

JOB = job_id(101)


def token_reply(token="tok-1", issued="2030-01-01T00:00:00.000000Z", expires="2030-01-01T01:00:00.000000Z", catalog=None,
                project_id=PROJECT_ID):
    body = {"token": {"methods": ["password"], "issued_at": issued, "expires_at": expires,
                      "project": {"id": project_id, "name": "eu-de", "domain": {"name": "OTC00000000001000000001"}},
                      "user": {"name": "drs-operator"}, "catalog": catalog or []}}
    return reply(201, body, headers={"X-Subject-Token": token})


def unauthorized():
    return reply(401, {"error_msg": "The token must be updated.", "error_code": "APIG.0307"})


def password_harness(*token_replies, **auth_overrides):
    h = Harness(password_auth(**auth_overrides))
    h.api.route("POST", "/v3/auth/tokens", *(token_replies or (token_reply(),)))
    h.api.route("POST", "/jobs/batch-status", status_results)
    return h


# ---- password


def test_password_auth_sends_a_project_scoped_request_and_uses_the_subject_token():
    h = password_harness()
    items, not_found = h.client.batch_status([JOB])

    auth_call, status_call = h.calls
    assert auth_call.url == AUTH_URL + "/auth/tokens"
    assert auth_call.json == {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": "drs-operator", "password": PASSWORD, "domain": {"name": "OTC00000000001000000001"}}}},
        "scope": {"project": {"name": "eu-de"}}}}
    assert "X-Auth-Token" not in auth_call.headers
    assert status_call.url == JOBS_URL + "/batch-status"
    assert status_call.headers["X-Auth-Token"] == "tok-1"
    assert status_call.headers["Content-Type"] == "application/json"
    assert status_call.headers["X-Language"] == "en-us"
    assert status_call.headers["User-Agent"] == "cloudops.drs/1.0.0"
    assert items[JOB]["status"] == "CONFIGURATION" and not_found == []
    assert (h.client.project_id, h.client.endpoint) == (PROJECT_ID, ENDPOINT)


def test_password_scope_uses_project_id_when_given_and_a_token_of_another_project_is_an_error():
    h = password_harness(token_reply(project_id="tokenproject"), project_id="given-project", project_name=None)
    with pytest.raises(DrsConfigError) as info:
        h.client.connect()
    assert h.calls[0].json["auth"]["scope"] == {"project": {"id": "given-project"}}
    assert "(id tokenproject), but project_id is given-project (from task): no DRS request was sent" in str(info.value)
    assert len(h.calls) == 1


def test_password_auth_takes_the_drs_endpoint_from_the_catalog():
    catalog = [{"type": "drs", "endpoints": [
        {"url": "https://drs.other.example/v3/$(tenant_id)s", "region": "eu-nl", "interface": "public"},
        {"url": "https://drs-catalog.eu-de.example/v3/$(tenant_id)s", "region": "eu-de", "interface": "public"}]}]
    h = password_harness(token_reply(catalog=catalog))
    h.client.batch_status([JOB])
    assert h.calls[1].url == "https://drs-catalog.eu-de.example/v3/%s/jobs/batch-status" % PROJECT_ID


def test_the_endpoint_option_beats_the_catalog():
    catalog = [{"type": "drs", "endpoints": [{"url": "https://drs-catalog.example/v3", "region": "eu-de"}]}]
    h = password_harness(token_reply(catalog=catalog), endpoint="https://override.example")
    h.client.batch_status([JOB])
    assert h.calls[1].url.startswith("https://override.example/v3/")


def test_token_is_cached_across_calls():
    h = password_harness()
    h.client.batch_status([JOB])
    h.client.batch_status([JOB])
    assert len(h.api.calls_to("/auth/tokens")) == 1
    assert len(h.api.calls_to("/batch-status")) == 2


def test_token_is_refreshed_two_minutes_before_it_expires():
    h = password_harness(token_reply("tok-1"), token_reply("tok-2"))  # both live one hour
    h.client.batch_status([JOB])
    h.clock.advance(3600 - 121)
    h.client.batch_status([JOB])
    assert len(h.api.calls_to("/auth/tokens")) == 1
    h.clock.advance(2)  # now 119 s before expiry
    h.client.batch_status([JOB])
    assert len(h.api.calls_to("/auth/tokens")) == 2
    assert [call.headers["X-Auth-Token"] for call in h.api.calls_to("/batch-status")] == ["tok-1", "tok-1", "tok-2"]
    assert h.client.stats["retried"]["reauth"] == 0


def dead_iam_at_renewal(chunks):
    """A run whose token is due for renewal when IAM answers 503 to everything, reading ``chunks`` chunks at once."""
    h = Harness(password_auth(), max_concurrency=chunks)
    h.api.route("POST", "/v3/auth/tokens", token_reply("tok-1"), reply(503, {"error_msg": "IAM is down"}))
    h.api.route("POST", "/jobs/batch-status", status_results)
    h.client.connect()
    h.clock.advance(3600)      # the token expired: every chunk needs a new one
    return h


def test_a_dead_iam_at_token_renewal_is_asked_one_sequence_per_run_and_every_chunk_gets_its_failure_at_once():
    h = dead_iam_at_renewal(chunks=6)
    started = h.clock.now
    with pytest.raises(DrsApiError) as info:
        h.client.batch_status([job_id(n) for n in range(60)])       # 6 chunks of 10, in 6 threads
    renewals = len(h.api.calls_to("/auth/tokens")) - 1
    assert renewals == 16                                   # one retry sequence (the 120 s window), not one per chunk
    assert h.clock.now - started == 115.5
    assert h.api.calls_to("/batch-status") == []
    assert "IAM is down" in str(info.value) and "gave up: retrying for more than 120 s" in str(info.value)
    # a later call of the same run does not ask IAM again either
    with pytest.raises(DrsApiError):
        h.client.batch_status([JOB])
    assert len(h.api.calls_to("/auth/tokens")) - 1 == 16


def test_401_triggers_one_reauthentication_and_one_retry():
    h = password_harness(token_reply("tok-1"), token_reply("tok-2"))
    h.api.route("POST", "/jobs/batch-status", unauthorized(), status_results)
    items, dummy = h.client.batch_status([JOB])

    assert items[JOB]["status"] == "CONFIGURATION"
    assert [call.headers["X-Auth-Token"] for call in h.api.calls_to("/batch-status")] == ["tok-1", "tok-2"]
    assert len(h.api.calls_to("/auth/tokens")) == 2
    assert h.client.stats["retried"]["reauth"] == 1
    assert h.clock.sleeps == []


def test_a_second_401_is_fatal_and_names_the_likely_cause():
    h = password_harness(token_reply("tok-1"), token_reply("tok-2"))
    h.api.route("POST", "/jobs/batch-status", unauthorized())
    with pytest.raises(DrsApiError) as info:
        h.client.batch_status([JOB])

    message = str(info.value)
    assert message.startswith("DRS rejected a freshly issued IAM token")
    assert "HTTP 401 APIG.0307: The token must be updated." in message
    assert info.value.status == 401 and info.value.error_code == "APIG.0307"
    assert len(h.api.calls_to("/auth/tokens")) == 2
    assert len(h.api.calls_to("/batch-status")) == 2
    assert PASSWORD not in message and "tok-2" not in message


def test_iam_rejecting_the_password_is_never_retried():
    h = Harness(password_auth())
    h.api.route("POST", "/v3/auth/tokens", reply(401, {"error": {"code": 401, "title": "Unauthorized",
                                                                 "message": "The request you have made requires authentication."}}))
    with pytest.raises(DrsApiError) as info:
        h.client.connect()
    assert len(h.calls) == 1
    assert str(info.value).startswith("IAM rejected the password credentials of user 'drs-operator'")
    assert "answered HTTP 401: The request you have made requires authentication." in str(info.value)
    assert "401 401" not in str(info.value)
    assert PASSWORD not in str(info.value)
    assert info.value.to_dict() == {"status": 401, "error_code": "401", "error_msg": "The request you have made requires authentication.",
                                    "request_id": "0123456789abcdef0123456789abcdef", "method": "POST", "url": AUTH_URL + "/auth/tokens"}


def test_iam_reply_without_subject_token_is_an_error():
    h = Harness(password_auth())
    h.api.route("POST", "/v3/auth/tokens", reply(201, {"token": {}}))
    with pytest.raises(DrsApiError, match="no X-Subject-Token header"):
        h.client.connect()


def test_iam_overload_is_retried_like_any_request():
    h = password_harness(reply(503, {"error_msg": "busy"}), token_reply())
    h.client.connect()
    assert len(h.api.calls_to("/auth/tokens")) == 2 and h.clock.sleeps == [0.5]


# ---- auth_token


def test_auth_token_is_sent_as_is_and_a_401_is_fatal_without_reauthentication():
    h = Harness(token_auth())
    h.api.route("POST", "/jobs/batch-status", unauthorized())
    with pytest.raises(DrsApiError) as info:
        h.client.batch_status([JOB])
    assert len(h.calls) == 1
    assert h.calls[0].headers["X-Auth-Token"] == TOKEN
    assert "DRS rejected auth_token" in str(info.value) and "get a new token" in str(info.value)
    assert TOKEN not in str(info.value)


def test_auth_token_without_project_id_reads_the_project_and_catalog_from_iam():
    catalog = [{"type": "drs", "endpoints": [{"url": "http://127.0.0.1:9/v3/%(project_id)s", "region": "eu-de", "interface": "public"}]}]
    h = Harness(token_auth(project_id=None, endpoint=None, region=None, auth_url=AUTH_URL))
    h.api.route("GET", "/v3/auth/tokens", reply(200, token_reply(catalog=catalog).body))
    h.api.route("POST", "/jobs/batch-status", status_results)
    h.client.batch_status([JOB])

    verify = h.calls[0]
    assert verify.method == "GET" and verify.url == AUTH_URL + "/auth/tokens"
    assert verify.headers["X-Auth-Token"] == TOKEN and verify.headers["X-Subject-Token"] == TOKEN
    assert h.calls[1].url == "http://127.0.0.1:9/v3/%s/jobs/batch-status" % PROJECT_ID


def test_auth_token_with_project_and_known_region_needs_no_iam_call():
    h = Harness(token_auth(endpoint=None))
    h.api.route("POST", "/jobs/batch-status", status_results)
    h.client.batch_status([JOB])
    assert [call.url for call in h.calls] == [JOBS_URL + "/batch-status"]


# ---- AK/SK


def _verify_with_emulator(call, secret=SECRET_KEY, security_token=None):
    headers = dict((name.lower(), value) for name, value in call.headers.items())
    key = {"access": ACCESS_KEY, "secret": secret, "project_id": PROJECT_ID, "security_token": security_token}
    return emulator_signing.verify_request(call.method, call.path, call.query, headers, call.body,
                                           lambda access: key if access == ACCESS_KEY else None)


def test_aksk_requests_are_signed_over_the_exact_bytes_sent():
    h = Harness(aksk_auth())
    h.api.route("POST", "/jobs/batch-status", status_results)
    h.client.batch_status([JOB])

    call = h.calls[0]
    assert "X-Auth-Token" not in call.headers
    assert call.headers["X-Project-Id"] == PROJECT_ID
    assert call.headers["Host"] == "drs.eu-de.otc.t-systems.com"
    assert call.headers["Authorization"].startswith(
        "SDK-HMAC-SHA256 Access=%s, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=" % ACCESS_KEY)
    assert call.json == {"jobs": [JOB], "page_req": {"cur_page": 1, "per_page": 1}}
    if emulator_signing is not None:
        assert _verify_with_emulator(call).ok


def test_aksk_with_security_token_signs_it():
    h = Harness(aksk_auth(security_token="temporary-token"))
    h.api.route("POST", "/jobs/batch-status", status_results)
    h.client.batch_status([JOB])
    call = h.calls[0]
    assert call.headers["X-Security-Token"] == "temporary-token"
    assert "x-security-token" in call.headers["Authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")
    if emulator_signing is not None:
        assert _verify_with_emulator(call, security_token="temporary-token").ok


def test_aksk_without_project_id_looks_the_project_up_with_a_signed_iam_request():
    h = Harness(aksk_auth(project_id=None, project_name=None))
    h.api.route("GET", "/v3/projects", reply(200, {"projects": [{"id": "otherid", "name": "eu-de_other"},
                                                                {"id": PROJECT_ID, "name": "eu-de"}]}))
    h.api.route("POST", "/jobs/batch-status", status_results)
    h.client.batch_status([JOB])

    lookup, status = h.calls
    assert lookup.method == "GET" and lookup.url == AUTH_URL + "/projects?name=eu-de"
    assert "X-Project-Id" not in lookup.headers
    assert lookup.headers["Authorization"].startswith("SDK-HMAC-SHA256 Access=%s, " % ACCESS_KEY)
    if emulator_signing is not None:
        assert _verify_with_emulator(lookup).ok
    assert status.url == JOBS_URL + "/batch-status"


def test_aksk_project_look_up_without_a_match_is_a_config_error():
    h = Harness(aksk_auth(project_id=None, project_name="eu-de_missing"))
    h.api.route("GET", "/v3/projects", reply(200, {"projects": []}))
    with pytest.raises(DrsConfigError, match="no project named 'eu-de_missing' is visible to this access key: set project_id"):
        h.client.connect()


def test_aksk_signature_rejected_is_fatal_and_hides_the_secret():
    h = Harness(aksk_auth(security_token="sec-token-value"))
    h.api.route("POST", "/jobs/batch-status", reply(401, {
        "error_code": "APIGW.0301",
        "error_msg": "Incorrect IAM authentication information: verify aksk signature fail, canonicalRequest: "
                     "x-security-token:sec-token-value|sk=" + SECRET_KEY}))
    with pytest.raises(DrsApiError) as info:
        h.client.batch_status([JOB])
    message = str(info.value)
    assert "DRS rejected the AK/SK signature" in message and "APIGW.0301" in message
    assert "sec-token-value" not in message and SECRET_KEY not in message
    assert "sec-token-value" not in (info.value.error_msg or "")
    assert len(h.calls) == 1


# ---- transport settings


def test_tls_and_timeout_settings_reach_every_request():
    h = Harness(token_auth(), ca_cert="/etc/ca.pem", client_cert="/c.pem", client_key="/k.pem", api_timeout=12)
    h.api.route("POST", "/jobs/batch-status", status_results)
    h.client.batch_status([JOB])
    call = h.calls[0]
    assert (call.verify, call.cert, call.timeout) == ("/etc/ca.pem", ("/c.pem", "/k.pem"), 12.0)

    h = Harness(token_auth(), validate_certs=False, ca_cert="/etc/ca.pem")
    h.api.route("POST", "/jobs/batch-status", status_results)
    h.client.batch_status([JOB])
    assert h.calls[0].verify is False


def own_session_client(auth, monkeypatch, **options):
    """A DrsClient with the session it makes itself (not an injected one), the scripted API mounted on that session."""
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY",
                 "no_proxy", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NETRC"):
        monkeypatch.delenv(name, raising=False)
    client = DrsClient(auth, **options)
    api = FakeApi()
    client.session.mount("https://", api)
    client.session.mount("http://", api)
    api.route("POST", "/jobs/batch-status", status_results)
    return client, api


def test_proxies_come_from_the_environment_read_once_per_host(monkeypatch):
    client, api = own_session_client(token_auth(), monkeypatch)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    client.batch_status([JOB])
    monkeypatch.setenv("HTTPS_PROXY", "http://other.example:8080")   # read once: the run keeps what it found
    client.batch_status([JOB])
    assert [call.proxies.get("https") for call in api.calls] == ["http://proxy.example:3128"] * 2
    assert client.session.trust_env is False   # requests itself reads nothing of the environment


def test_no_proxy_for_the_endpoint_host_sends_it_direct(monkeypatch):
    client, api = own_session_client(token_auth(), monkeypatch)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "localhost,.otc.t-systems.com")
    client.batch_status([JOB])
    assert "https" not in (api.calls[0].proxies or {})


@pytest.mark.parametrize("options, expected", [
    ({}, "/etc/ssl/bundle.pem"),                                 # the default store: the environment's bundle
    ({"ca_cert": "/etc/ca.pem"}, "/etc/ca.pem"),                 # the task's own CA wins
    ({"validate_certs": False}, False),
])
def test_the_ca_bundle_of_the_environment_applies_only_to_the_default_store(monkeypatch, options, expected):
    client, api = own_session_client(token_auth(), monkeypatch, **options)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/bundle.pem")
    client.batch_status([JOB])
    assert api.calls[0].verify == expected


def test_a_netrc_entry_for_the_endpoint_never_replaces_the_signature(monkeypatch, tmp_path):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine drs.eu-de.otc.t-systems.com login someone password netrc-SECRET\n")
    netrc.chmod(0o600)
    client, api = own_session_client(aksk_auth(), monkeypatch)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("HOME", str(tmp_path))
    client.batch_status([JOB])
    assert api.calls[0].headers["Authorization"].startswith("SDK-HMAC-SHA256 ")

    client, api = own_session_client(token_auth(), monkeypatch)
    monkeypatch.setenv("NETRC", str(netrc))
    client.batch_status([JOB])
    assert "Authorization" not in api.calls[0].headers and api.calls[0].headers["X-Auth-Token"] == TOKEN


def test_user_agent_carries_the_collection_version():
    h = Harness(token_auth(), user_agent_version="2.3.4")
    h.api.route("POST", "/jobs/batch-status", status_results)
    h.client.batch_status([JOB])
    assert h.calls[0].headers["User-Agent"] == "cloudops.drs/2.3.4"


def test_collection_version_constant_equals_the_galaxy_yml_version():
    galaxy = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "galaxy.yml")
    with open(galaxy) as handle:
        assert COLLECTION_VERSION == str(yaml.safe_load(handle)["version"])


def test_user_agent_defaults_to_the_collection_version():
    h = Harness(token_auth())
    h.api.route("POST", "/jobs/batch-status", status_results)
    h.client.batch_status([JOB])
    assert h.calls[0].headers["User-Agent"] == "cloudops.drs/%s" % COLLECTION_VERSION
