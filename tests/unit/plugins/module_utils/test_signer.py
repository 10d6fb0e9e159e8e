"""SDK-HMAC-SHA256 signing: the three verified vectors of reference/auth.md section 2.3, and a cross-check."""

import hashlib
import string

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.cloudops.drs.plugins.module_utils._signer import (
    canonical_query,
    canonical_uri,
    host_of,
    sign_request,
)

AK = "QTWAOYTTINDUT2QVKYUC"
SK = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"


def test_official_doc_vector_gives_the_documented_signature():
    signed = sign_request(
        "GET", "https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs"
               "?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
        {"Content-Type": "application/json"}, b"", AK, SK, date="20191115T033655Z")

    assert signed.canonical_request == (
        "GET\n/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/\nlimit=2&marker=13551d6b-755d-4757-b956-536f674975c0\n"
        "content-type:application/json\nhost:service.region.example.com\nx-sdk-date:20191115T033655Z\n\n"
        "content-type;host;x-sdk-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    assert hashlib.sha256(signed.canonical_request.encode()).hexdigest() == \
        "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a"
    assert signed.headers["Authorization"] == (
        "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, "
        "Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe")
    assert signed.headers["Host"] == "service.region.example.com"
    assert signed.headers["X-Sdk-Date"] == "20191115T033655Z"


def test_drs_post_vector_signs_the_project_header_and_the_exact_body():
    body = b'{"jobs": ["140b5236-88ad-43c8-811c-1268453jb101"]}'
    signed = sign_request(
        "POST", "https://drs.eu-de.otc.t-systems.com/v3/054ba152d480d55b2f5dc0069e7ddef0/jobs/batch-status",
        {"Content-Type": "application/json", "X-Project-Id": "054ba152d480d55b2f5dc0069e7ddef0"}, body, AK, SK,
        date="20240101T120000Z")

    assert signed.signed_headers == ["content-type", "host", "x-project-id", "x-sdk-date"]
    assert signed.authorization.endswith(
        "SignedHeaders=content-type;host;x-project-id;x-sdk-date, "
        "Signature=b651de14ab99252f05094a566a6db53f57aed0ed2f146e9026da596d376ca57a")
    assert signed.body is body
    assert signed.url == "https://drs.eu-de.otc.t-systems.com/v3/054ba152d480d55b2f5dc0069e7ddef0/jobs/batch-status"


def test_query_encoding_vector_and_the_url_on_the_wire_carries_the_canonical_query():
    signed = sign_request(
        "GET", "http://127.0.0.1:8443/v3/054ba152d480d55b2f5dc0069e7ddef0/jobs", {"Content-Type": "application/json"}, None,
        AK, SK, query=[("name", "a b/c~d+e"), ("limit", 10), ("a", True)], date="20240101T120000Z")

    assert signed.canonical_request.split("\n")[2] == "a=true&limit=10&name=a%20b%2Fc~d%2Be"
    assert signed.url == "http://127.0.0.1:8443/v3/054ba152d480d55b2f5dc0069e7ddef0/jobs?a=true&limit=10&name=a%20b%2Fc~d%2Be"
    assert signed.headers["Host"] == "127.0.0.1:8443"
    assert signed.authorization.endswith("Signature=33d8735dd710ebaeabddabf1b39ae0c0c83462821a9bbb26a82a1fd5f01290bd")


def test_security_token_and_project_id_are_signed_but_user_agent_is_not():
    signed = sign_request("POST", "https://drs.eu-de.otc.t-systems.com/v3/p/jobs/batch-status",
                          {"Content-Type": "application/json", "X-Security-Token": "tok", "X-Project-Id": "p",
                           "User-Agent": "cloudops.drs/1.0.0", "X-Language": "en-us"},
                          b"{}", AK, SK, date="20240101T120000Z")
    assert signed.signed_headers == ["content-type", "host", "x-project-id", "x-sdk-date", "x-security-token"]
    assert signed.headers["User-Agent"] == "cloudops.drs/1.0.0"


@pytest.mark.parametrize("path, expected", [
    ("/v3/p/jobs", "/v3/p/jobs/"),
    ("/v3/p/jobs/", "/v3/p/jobs/"),
    ("", "/"),
    ("/a%20b/c:d@e=f+g", "/a%20b/c%3Ad%40e%3Df%2Bg/"),
    ("/x~y/_.-", "/x~y/_.-/"),
])
def test_canonical_uri_encodes_each_segment_and_ends_with_a_slash(path, expected):
    assert canonical_uri(path) == expected


def test_canonical_query_sorts_pairs_and_expands_lists():
    assert canonical_query([("b", ["2", "1"]), ("a", None), ("c", False)]) == "a=&b=1&b=2&c=false"
    assert canonical_query([]) == ""


@pytest.mark.parametrize("url, host", [
    ("https://drs.example.com:443/v3", "drs.example.com"),
    ("http://127.0.0.1:80/v3", "127.0.0.1"),
    ("http://127.0.0.1:8080/v3", "127.0.0.1:8080"),
    ("https://drs.example.com/v3", "drs.example.com"),
])
def test_host_header_drops_default_ports_only(url, host):
    assert host_of(url) == host


def test_an_explicit_host_header_is_the_one_signed():
    signed = sign_request("GET", "https://10.0.0.1/v3/x", {"Host": "drs.example.com"}, b"", AK, SK, date="20240101T120000Z")
    assert "host:drs.example.com\n" in signed.canonical_request
    assert signed.headers["Host"] == "drs.example.com"


def test_sdk_date_is_generated_when_not_given():
    signed = sign_request("GET", "https://drs.example.com/v3", {}, b"", AK, SK)
    assert len(signed.headers["X-Sdk-Date"]) == 16 and signed.headers["X-Sdk-Date"].endswith("Z")


# --- cross-check against the reference implementation (PyPI huaweicloudsdkcore), when it is installed

try:
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.sdk_request import SdkRequest
    from huaweicloudsdkcore.signer.signer import Signer
    HAS_SDK = True
except ImportError:
    HAS_SDK = False

_segment = st.text(alphabet=string.ascii_letters + string.digits + "-_.~ :@=+%/", min_size=0, max_size=12)
_value = st.one_of(st.text(alphabet=string.printable, max_size=12), st.integers(-5, 5000), st.booleans())


@pytest.mark.skipif(not HAS_SDK, reason="huaweicloudsdkcore is not installed")
@settings(max_examples=150, deadline=None, database=None)
@given(method=st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
       segments=st.lists(_segment.filter(lambda s: "/" not in s and "%" not in s), min_size=1, max_size=4),
       query=st.lists(st.tuples(st.text(alphabet=string.ascii_letters + "_-", min_size=1, max_size=6), _value), max_size=4,
                      unique_by=lambda pair: pair[0]),
       body=st.binary(max_size=64),
       project=st.one_of(st.none(), st.text(alphabet="0123456789abcdef", min_size=32, max_size=32)),
       security_token=st.one_of(st.none(), st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=20)),
       secret=st.text(alphabet=string.ascii_letters + string.digits, min_size=8, max_size=40))
def test_signature_matches_huaweicloudsdkcore_for_random_requests(method, segments, query, body, project, security_token, secret):
    path = "/" + "/".join(segments)
    headers = {"Content-Type": "application/json", "X-Sdk-Date": "20240101T120000Z"}
    if project:
        headers["X-Project-Id"] = project
    if security_token:
        headers["X-Security-Token"] = security_token
    reference = SdkRequest(method=method, schema="https", host="drs.eu-de.otc.t-systems.com", resource_path=path,
                           query_params=list(query), header_params=dict(headers), body=body)
    Signer(BasicCredentials(AK, secret)).sign(reference)

    ours = sign_request(method, "https://drs.eu-de.otc.t-systems.com" + path, headers, body, AK, secret, query=list(query))

    assert ours.headers["Authorization"] == reference.header_params["Authorization"]
    assert ours.url == "https://drs.eu-de.otc.t-systems.com" + reference.uri
