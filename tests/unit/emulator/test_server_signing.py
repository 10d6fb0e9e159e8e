"""SDK-HMAC-SHA256 verification: the published vectors, and every way a signed DRS call can be refused."""

import calendar
import json
import time

import pytest

from drs_emulator import signing
from drs_emulator.pytest_plugin import (
    ACCESS_KEY_A,
    ACCESS_KEY_B,
    PROJECT_A_ID,
    PROJECT_B_ID,
    SECURITY_TOKEN_A,
    TEMPORARY_KEY_A,
)

AK, SK = ACCESS_KEY_A
STATUS_PATH = "/v3/%s/jobs/batch-status" % PROJECT_A_ID
UNKNOWN_JOB = "140b5236-88ad-43c8-811c-1268453jb999"
PROBE = {"jobs": [UNKNOWN_JOB]}  # a valid batch-status body: 200 with a per-job DRS.M00289
PROBE_BYTES = json.dumps(PROBE).encode()
SIGNATURE_FAIL = "Incorrect IAM authentication information: verify aksk signature fail"

VECTOR_1_CANONICAL = (
    "GET\n/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/\nlimit=2&marker=13551d6b-755d-4757-b956-536f674975c0\n"
    "content-type:application/json\nhost:service.region.example.com\nx-sdk-date:20191115T033655Z\n\n"
    "content-type;host;x-sdk-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)
VECTOR_1_AUTH = ("SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, "
                 "Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe")
VECTOR_2_AUTH = ("SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-project-id;x-sdk-date, "
                 "Signature=b651de14ab99252f05094a566a6db53f57aed0ed2f146e9026da596d376ca57a")
VECTOR_3_QUERY = "a=true&limit=10&name=a%20b%2Fc~d%2Be"
VECTOR_3_AUTH = ("SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, "
                 "Signature=33d8735dd710ebaeabddabf1b39ae0c0c83462821a9bbb26a82a1fd5f01290bd")


def _epoch(sdk_date):
    return calendar.timegm(time.strptime(sdk_date, signing.DATE_FORMAT))


def _find_key(access):
    return {"access": AK, "secret": SK, "project_id": PROJECT_A_ID, "security_token": None} if access == AK else None


def _verify(method, path, query, headers, body=b""):
    lowered = {name.lower(): value for name, value in headers.items()}
    return signing.verify_request(method, path, query, lowered, body, _find_key, now=_epoch(lowered["x-sdk-date"]))


# ----- the three vectors of auth.md section 2.3 -------------------------------------------------------


def test_vector_1_official_doc_canonical_request_and_signature():
    headers = {"content-type": "application/json", "host": "service.region.example.com", "x-sdk-date": "20191115T033655Z"}
    canonical = signing.canonical_request("GET", "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs", "limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
                                          headers, ["content-type", "host", "x-sdk-date"], signing.EMPTY_BODY_SHA256)
    assert canonical == VECTOR_1_CANONICAL
    assert signing.string_to_sign("20191115T033655Z", canonical).endswith("b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a")
    url = "https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0"
    signed = signing.sign(AK, SK, "GET", url, {"Content-Type": "application/json"}, sdk_date="20191115T033655Z")
    assert signed["Authorization"] == VECTOR_1_AUTH


def test_vector_1_verifies_with_the_emulator_verifier():
    headers = {"Content-Type": "application/json", "Host": "service.region.example.com", "X-Sdk-Date": "20191115T033655Z",
               "Authorization": VECTOR_1_AUTH}
    result = _verify("GET", "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs", "limit=2&marker=13551d6b-755d-4757-b956-536f674975c0", headers)
    assert result.ok and result.key["access"] == AK


def test_vector_2_drs_post_with_project_header_verifies():
    body = json.dumps({"jobs": ["140b5236-88ad-43c8-811c-1268453jb101"]}).encode()
    signed = signing.sign(AK, SK, "POST", "https://drs.eu-de.otc.t-systems.com" + STATUS_PATH, {"Content-Type": "application/json"}, body,
                          sdk_date="20240101T120000Z", project_id=PROJECT_A_ID)
    assert signed["Authorization"] == VECTOR_2_AUTH
    headers = {"Content-Type": "application/json", "Host": "drs.eu-de.otc.t-systems.com", "X-Sdk-Date": "20240101T120000Z",
               "X-Project-Id": PROJECT_A_ID, "Authorization": VECTOR_2_AUTH}
    assert _verify("POST", STATUS_PATH, "", headers, body).ok


def test_vector_3_query_encoding_verifies():
    assert signing.canonical_query_from_pairs([("name", "a b/c~d+e"), ("limit", 10), ("a", True)]) == VECTOR_3_QUERY
    assert signing.canonical_query(VECTOR_3_QUERY) == VECTOR_3_QUERY
    headers = {"Content-Type": "application/json", "Host": "127.0.0.1:8443", "X-Sdk-Date": "20240101T120000Z", "Authorization": VECTOR_3_AUTH}
    assert _verify("GET", "/v3/%s/jobs" % PROJECT_A_ID, VECTOR_3_QUERY, headers).ok


def test_verifier_rebuilds_the_query_from_any_order_and_encoding():
    headers = {"Content-Type": "application/json", "Host": "127.0.0.1:8443", "X-Sdk-Date": "20240101T120000Z", "Authorization": VECTOR_3_AUTH}
    assert _verify("GET", "/v3/%s/jobs" % PROJECT_A_ID, "name=a%20b%2Fc~d%2Be&limit=10&a=true", headers).ok
    assert not _verify("GET", "/v3/%s/jobs" % PROJECT_A_ID, "name=a+b%2Fc~d%2Be&limit=10&a=true", headers).ok


def test_verifier_ignores_unsigned_headers_but_not_signed_ones():
    headers = {"Content-Type": "application/json", "Host": "service.region.example.com", "X-Sdk-Date": "20191115T033655Z",
               "Authorization": VECTOR_1_AUTH, "User-Agent": "anything", "Accept-Encoding": "gzip"}
    path, query = "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs", "limit=2&marker=13551d6b-755d-4757-b956-536f674975c0"
    assert _verify("GET", path, query, headers).ok
    headers["Host"] = "other.example.com"
    result = _verify("GET", path, query, headers)
    assert not result.ok and result.error_msg() == SIGNATURE_FAIL


@pytest.mark.parametrize("authorization, reason", [
    ("SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host, Signature=" + "0" * 64, "x-sdk-date is not signed"),
    ("SDK-HMAC-SHA256 Access=NOSUCHKEY, SignedHeaders=host;x-sdk-date, Signature=" + "0" * 64, "unknown access key"),
    ("SDK-HMAC-SHA256 Credential=QTWAOYTTINDUT2QVKYUC/20191115//, SignedHeaders=host;x-sdk-date, Signature=" + "0" * 64,
     "malformed Authorization header"),
])
def test_verifier_reasons(authorization, reason):
    headers = {"Host": "h", "X-Sdk-Date": "20191115T033655Z", "Content-Type": "application/json", "Authorization": authorization}
    result = _verify("GET", "/", "", headers)
    assert not result.ok
    assert result.reason == reason
    assert result.error_msg() == SIGNATURE_FAIL + ", " + reason


def test_verifier_checks_the_date_window_against_real_time():
    lowered = {"content-type": "application/json", "host": "service.region.example.com", "x-sdk-date": "20191115T033655Z",
               "authorization": VECTOR_1_AUTH}
    path, query = "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs", "limit=2&marker=13551d6b-755d-4757-b956-536f674975c0"
    signed_at = _epoch("20191115T033655Z")
    assert signing.verify_request("GET", path, query, lowered, b"", _find_key, now=signed_at + 14 * 60).ok
    late = signing.verify_request("GET", path, query, lowered, b"", _find_key, now=signed_at + 16 * 60)
    assert late.reason == "x-sdk-date is more than 15 minutes off"
    assert signing.verify_request("GET", path, query, lowered, b"", _find_key, now=signed_at - 16 * 60).reason == "x-sdk-date is more than 15 minutes off"


def test_content_sha256_header_replaces_the_body_hash():
    signed = signing.sign(AK, SK, "POST", "http://h/v3/x/jobs", {"Content-Type": "application/octet-stream", "X-Sdk-Content-Sha256": "UNSIGNED-PAYLOAD"},
                          b"any bytes", sdk_date="20240101T120000Z")
    assert _verify("POST", "/v3/x/jobs", "", signed, b"other bytes").ok


# ----- live requests against the emulator --------------------------------------------------------------


def _job_ids(emulator):
    return [job["id"] for job in emulator.jobs()]


def test_live_signed_request_is_served(drs_emulator_clean):
    emulator = drs_emulator_clean
    emulator.load_jobs({"generate": {"n": 2, "seed": 7}})
    ids = _job_ids(emulator)
    response = emulator.signed_request("POST", STATUS_PATH, {"jobs": ids})
    assert response.status == 200
    assert sorted(item["id"] for item in response.body["results"]) == sorted(ids)
    assert emulator.stats()["requests"]["by_auth"] == {"aksk": 1}


def test_live_signed_request_with_project_header_and_query(drs_emulator_clean):
    response = drs_emulator_clean.signed_request("POST", "/v3/%s/jobs?limit=2&name=a%%20b" % PROJECT_A_ID, {"db_use_type": "migration"},
                                                 project_id=PROJECT_A_ID)
    assert response.status == 200
    assert "jobs" in response.body


def test_live_tampered_body_is_refused_with_apigw_0301(drs_emulator_clean):
    emulator = drs_emulator_clean
    body = json.dumps(PROBE).encode()
    headers = signing.sign(AK, SK, "POST", emulator.url + STATUS_PATH, {"Content-Type": "application/json"}, body)
    response = emulator.request("POST", STATUS_PATH, b'{"jobs": ["x"]}', headers)
    assert response.status == 401
    assert response.body == {"error_msg": SIGNATURE_FAIL, "error_code": "APIGW.0301", "request_id": response.headers["x-request-id"]}


def test_live_wrong_secret_is_refused(drs_emulator_clean):
    response = drs_emulator_clean.signed_request("POST", STATUS_PATH, PROBE, key=(AK, "not-the-secret"))
    assert response.status == 401
    assert response.body["error_code"] == "APIGW.0301"
    assert response.body["error_msg"] == SIGNATURE_FAIL


def test_live_expired_sdk_date_is_refused(drs_emulator_clean):
    old = signing.format_sdk_date(time.time() - 20 * 60)
    response = drs_emulator_clean.signed_request("POST", STATUS_PATH, PROBE, sdk_date=old)
    assert response.status == 401
    assert response.body["error_code"] == "APIGW.0301"
    assert response.body["error_msg"] == SIGNATURE_FAIL + ", x-sdk-date is more than 15 minutes off"


def test_live_unsigned_sdk_date_is_refused(drs_emulator_clean):
    emulator = drs_emulator_clean
    body = PROBE_BYTES
    headers = signing.sign(AK, SK, "POST", emulator.url + STATUS_PATH, {"Content-Type": "application/json"}, body)
    headers["Authorization"] = headers["Authorization"].replace("content-type;host;x-sdk-date", "content-type;host")
    response = emulator.request("POST", STATUS_PATH, body, headers)
    assert response.status == 401
    assert response.body["error_msg"] == SIGNATURE_FAIL + ", x-sdk-date is not signed"


def test_live_missing_sdk_date_header_is_refused(drs_emulator_clean):
    emulator = drs_emulator_clean
    body = PROBE_BYTES
    headers = signing.sign(AK, SK, "POST", emulator.url + STATUS_PATH, {"Content-Type": "application/json"}, body)
    del headers["X-Sdk-Date"]
    response = emulator.request("POST", STATUS_PATH, body, headers)
    assert response.status == 401
    assert response.body["error_msg"] == SIGNATURE_FAIL + ", signed header x-sdk-date is missing"


def test_live_temporary_key_needs_its_security_token(drs_emulator_clean):
    emulator = drs_emulator_clean
    without = emulator.signed_request("POST", STATUS_PATH, PROBE, key=TEMPORARY_KEY_A)
    assert without.status == 401
    assert without.body["error_msg"] == SIGNATURE_FAIL + ", x-security-token is required for a temporary access key"
    wrong = emulator.signed_request("POST", STATUS_PATH, PROBE, key=TEMPORARY_KEY_A, security_token="wrong-token")
    assert wrong.status == 401
    assert wrong.body["error_msg"] == SIGNATURE_FAIL + ", x-security-token does not match the access key"
    right = emulator.signed_request("POST", STATUS_PATH, PROBE, key=TEMPORARY_KEY_A, security_token=SECURITY_TOKEN_A)
    assert right.status == 200


def test_live_security_token_with_permanent_key_is_refused(drs_emulator_clean):
    response = drs_emulator_clean.signed_request("POST", STATUS_PATH, PROBE, security_token=SECURITY_TOKEN_A)
    assert response.status == 401
    assert response.body["error_msg"] == SIGNATURE_FAIL + ", x-security-token sent with a permanent access key"


def test_live_project_header_must_match_the_path(drs_emulator_clean):
    emulator = drs_emulator_clean
    signed_mismatch = emulator.signed_request("POST", STATUS_PATH, PROBE, project_id=PROJECT_B_ID)
    assert signed_mismatch.status == 403
    assert signed_mismatch.body == {"error_code": "DRS.M00261", "error_msg": "Invalid project ID."}
    body = PROBE_BYTES
    headers = signing.sign(AK, SK, "POST", emulator.url + STATUS_PATH, {"Content-Type": "application/json"}, body)
    headers["X-Project-Id"] = PROJECT_B_ID  # added after signing, as gophertelekomcloud does
    unsigned_mismatch = emulator.request("POST", STATUS_PATH, body, headers)
    assert unsigned_mismatch.status == 403
    assert unsigned_mismatch.body["error_code"] == "DRS.M00261"
    headers["X-Project-Id"] = PROJECT_A_ID
    assert emulator.request("POST", STATUS_PATH, body, headers).status == 200


def test_live_key_of_project_b_gets_nothing_of_project_a(drs_emulator_clean):
    emulator = drs_emulator_clean
    emulator.load_jobs({"generate": {"n": 1}})
    response = emulator.signed_request("POST", STATUS_PATH, {"jobs": _job_ids(emulator)}, key=ACCESS_KEY_B)
    assert response.status == 403
    assert response.body == {"error_code": "DRS.M00261", "error_msg": "Invalid project ID."}
    own = emulator.signed_request("POST", "/v3/%s/jobs/batch-status" % PROJECT_B_ID, {"jobs": _job_ids(emulator)}, key=ACCESS_KEY_B)
    assert own.status == 200
    assert emulator.stats()["jobs"].get(_job_ids(emulator)[0], {}).get("requests", {}).get("batch-status", 0) == 0


def test_token_wins_when_both_token_and_signature_are_sent(drs_emulator_clean):
    emulator = drs_emulator_clean
    token = emulator.token()
    bogus = "SDK-HMAC-SHA256 Access=NOSUCHKEY, SignedHeaders=host;x-sdk-date, Signature=" + "0" * 64
    response = emulator.request("POST", STATUS_PATH, PROBE, {"X-Auth-Token": token, "Authorization": bogus})
    assert response.status == 200
    valid_signature_bad_token = emulator.signed_request("POST", STATUS_PATH, PROBE,
                                                        headers={"Content-Type": "application/json", "X-Auth-Token": "not-a-token"})
    assert valid_signature_bad_token.status == 401
    assert valid_signature_bad_token.body == {"error_msg": "The token must be updated.", "error_code": "APIG.0307"}
