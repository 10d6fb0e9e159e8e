"""SDK-HMAC-SHA256 (Huawei Cloud / OTC API gateway AK/SK) request signing and verification.

The algorithm follows ../shared/reference/auth.md sections 2 and 5:

    CanonicalRequest = METHOD \\n CanonicalURI \\n CanonicalQuery \\n CanonicalHeaders \\n SignedHeaders \\n HexSHA256(body)
    StringToSign     = "SDK-HMAC-SHA256" \\n X-Sdk-Date \\n HexSHA256(CanonicalRequest)
    Signature        = hex(HMAC-SHA256(SK, StringToSign))

``verify_request`` is what the emulator runs on every AK/SK request; ``sign`` is a small client-side
helper for tests (it produces exactly the headers the verifier expects).
"""

import calendar
import datetime
import hashlib
import hmac
import re
import time
from urllib.parse import quote, unquote, urlsplit

ALGORITHM = "SDK-HMAC-SHA256"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
EMPTY_BODY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
MAX_CLOCK_SKEW_SECONDS = 15 * 60
AUTHORIZATION_RE = re.compile(r"^SDK-HMAC-SHA256 Access=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$")

SIGNATURE_ERROR_CODE = "APIGW.0301"
SIGNATURE_ERROR_MSG = "Incorrect IAM authentication information: verify aksk signature fail"


def _quote(value):
    return quote(value, safe="~")


def canonical_uri(raw_path):
    """Percent-decode the path, re-encode every segment with quote(safe='~') and end it with '/'."""
    segments = unquote(raw_path or "/").split("/")
    uri = "/".join(_quote(segment) for segment in segments)
    if not uri.endswith("/"):
        uri += "/"
    return uri


def canonical_query_from_pairs(pairs):
    """Canonical query string from (key, value) pairs of raw (decoded) values, as HWSDK-core builds it."""
    items = []
    for key, value in pairs:
        if isinstance(value, bool):
            value = "true" if value else "false"
        items.append((str(key), "" if value is None else str(value)))
    return "&".join("%s=%s" % (_quote(key), _quote(value)) for key, value in sorted(items))


def canonical_query(raw_query):
    """Canonical query string from the raw query as received (split, unquote - not unquote_plus -, sort, re-quote)."""
    pairs = []
    for part in (raw_query or "").split("&"):
        if not part:
            continue
        key, _sep, value = part.partition("=")
        pairs.append((unquote(key), unquote(value)))
    return canonical_query_from_pairs(pairs)


def parse_signed_headers(signed_headers):
    """The SignedHeaders value as a list of lower-case names."""
    return [name.strip().lower() for name in signed_headers.split(";") if name.strip()]


def canonical_request(method, raw_path, raw_query, headers, signed_headers, body_hash):
    """Build the canonical request; ``headers`` maps lower-case names to values, only ``signed_headers`` are used."""
    header_lines = "".join("%s:%s\n" % (name, headers[name].strip()) for name in signed_headers)
    return "\n".join([
        method.upper(),
        canonical_uri(raw_path),
        canonical_query(raw_query),
        header_lines,
        ";".join(signed_headers),
        body_hash,
    ])


def string_to_sign(sdk_date, canonical):
    """The string to sign for a canonical request."""
    return "%s\n%s\n%s" % (ALGORITHM, sdk_date, hashlib.sha256(canonical.encode("utf-8")).hexdigest())


def compute_signature(secret_key, sdk_date, canonical):
    """Hex HMAC-SHA256 of the string to sign, keyed with the SK (no key derivation)."""
    message = string_to_sign(sdk_date, canonical).encode("utf-8")
    return hmac.new(secret_key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def body_sha256(body):
    """Lower-case hex SHA-256 of the body bytes (the empty-string hash for no body)."""
    if not body:
        return EMPTY_BODY_SHA256
    if isinstance(body, str):
        body = body.encode("utf-8")
    return hashlib.sha256(body).hexdigest()


def format_sdk_date(epoch=None):
    """An X-Sdk-Date value (UTC, YYYYMMDDTHHMMSSZ) for ``epoch`` (default: now)."""
    return time.strftime(DATE_FORMAT, time.gmtime(time.time() if epoch is None else epoch))


def parse_sdk_date(value):
    """Epoch seconds of an X-Sdk-Date value, or None if it is malformed."""
    try:
        parsed = datetime.datetime.strptime(value.strip(), DATE_FORMAT)
    except (ValueError, AttributeError):
        return None
    return calendar.timegm(parsed.timetuple())


def sign(access_key, secret_key, method, url, headers=None, body=b"", sdk_date=None, security_token=None, project_id=None):
    """Sign a request the way HWSDK-core does and return the complete header dict to send.

    ``url`` is the full URL (scheme://host[:port]/path?query); send the path and query exactly as given.
    Every header passed in (plus Host, X-Sdk-Date, and X-Security-Token / X-Project-Id when given) is signed.
    """
    parts = urlsplit(url)
    result = dict(headers or {})
    lower = {name.lower(): name for name in result}
    if "host" not in lower:
        result["Host"] = parts.netloc
    if "x-sdk-date" not in lower:
        result["X-Sdk-Date"] = sdk_date or format_sdk_date()
    if security_token is not None:
        result["X-Security-Token"] = security_token
    if project_id is not None:
        result["X-Project-Id"] = project_id
    lowered = {name.lower(): str(value) for name, value in result.items()}
    signed = sorted(lowered)
    body_hash = lowered.get("x-sdk-content-sha256") or body_sha256(body)
    canonical = canonical_request(method, parts.path, parts.query, lowered, signed, body_hash)
    signature = compute_signature(secret_key, lowered["x-sdk-date"], canonical)
    result["Authorization"] = "%s Access=%s, SignedHeaders=%s, Signature=%s" % (ALGORITHM, access_key, ";".join(signed), signature)
    return result


class SignatureResult:
    """Outcome of ``verify_request``: ``ok``, the matched ``key`` record and a ``reason`` when it failed."""

    def __init__(self, ok, key=None, reason=None):
        self.ok = ok
        self.key = key
        self.reason = reason

    def error_msg(self):
        """The gateway's error_msg; the cause is appended after a comma, as real gateways append details."""
        if self.reason:
            return "%s, %s" % (SIGNATURE_ERROR_MSG, self.reason)
        return SIGNATURE_ERROR_MSG

    def __repr__(self):
        return "SignatureResult(ok=%r, reason=%r)" % (self.ok, self.reason)


def _failure(reason, key=None):
    return SignatureResult(False, key=key, reason=reason)


def _check_security_token(key, headers):
    expected = key.get("security_token")
    received = headers.get("x-security-token")
    if expected:
        if received is None:
            return "x-security-token is required for a temporary access key"
        if not hmac.compare_digest(received.strip().encode("utf-8"), expected.encode("utf-8")):
            return "x-security-token does not match the access key"
    elif received is not None:
        return "x-security-token sent with a permanent access key"
    return None


def verify_request(method, raw_path, raw_query, headers, body, find_key, now=None):
    """Verify an SDK-HMAC-SHA256 request.

    ``headers`` maps lower-case header names to values; ``find_key(access)`` returns the key record
    (``{"access", "secret", "project_id", "security_token"}``) or None; ``now`` is the real epoch time
    used for the +-15 minute X-Sdk-Date window (default ``time.time()``).
    """
    match = AUTHORIZATION_RE.match((headers.get("authorization") or "").strip())
    if not match:
        return _failure("malformed Authorization header")
    access, signed_value, signature = match.groups()
    key = find_key(access.strip())
    if key is None:
        return _failure("unknown access key")
    signed = parse_signed_headers(signed_value)
    if "x-sdk-date" not in signed:
        return _failure("x-sdk-date is not signed", key)
    missing = [name for name in signed if name not in headers]
    if missing:
        return _failure("signed header %s is missing" % missing[0], key)
    sdk_date = headers["x-sdk-date"].strip()
    signed_at = parse_sdk_date(sdk_date)
    if signed_at is None:
        return _failure("x-sdk-date is malformed", key)
    if abs((time.time() if now is None else now) - signed_at) > MAX_CLOCK_SKEW_SECONDS:
        return _failure("x-sdk-date is more than 15 minutes off", key)
    body_hash = headers.get("x-sdk-content-sha256") or body_sha256(body)
    canonical = canonical_request(method, raw_path, raw_query, headers, signed, body_hash)
    expected = compute_signature(key["secret"], sdk_date, canonical)
    if not hmac.compare_digest(expected.encode("ascii"), signature.encode("ascii")):
        return _failure(None, key)
    token_problem = _check_security_token(key, headers)
    if token_problem:
        return _failure(token_problem, key)
    return SignatureResult(True, key=key)
