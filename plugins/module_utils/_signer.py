# -*- coding: utf-8 -*-
# Copyright: contributors to the cloudops.drs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AK/SK request signing: the API gateway's ``SDK-HMAC-SHA256`` scheme (Huawei Cloud and Open Telekom Cloud).

::

    CanonicalRequest = METHOD \\n CanonicalURI \\n CanonicalQuery \\n CanonicalHeaders \\n SignedHeaders \\n HexSHA256(body)
    StringToSign     = "SDK-HMAC-SHA256" \\n X-Sdk-Date \\n HexSHA256(CanonicalRequest)
    Signature        = hex(HMAC-SHA256(key=SK, msg=StringToSign))
    Authorization: SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<h1;h2>, Signature=<hex>

The caller sends exactly what was signed: the returned URL carries the canonical query string, the
``Host`` header is set explicitly and the body bytes are the hashed bytes. Pure standard library, so
the emulator's tests and the client's tests can both use it.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import hashlib
import hmac
import time

from urllib.parse import quote, unquote, urlsplit


ALGORITHM = "SDK-HMAC-SHA256"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
EMPTY_BODY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

# Headers the client signs when they are present (lower case). X-Sdk-Date and Host are always present.
SIGNED_HEADER_NAMES = ("content-type", "host", "x-project-id", "x-sdk-date", "x-security-token")


class SignedRequest(object):
    """What to send: ``url`` (path plus canonical query), ``headers`` (with Host, X-Sdk-Date, Authorization), ``body`` bytes."""

    __slots__ = ("method", "url", "headers", "body", "canonical_request", "string_to_sign", "signed_headers")

    def __init__(self, method, url, headers, body, canonical_request, string_to_sign, signed_headers):
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.canonical_request = canonical_request
        self.string_to_sign = string_to_sign
        self.signed_headers = signed_headers

    @property
    def authorization(self):
        return self.headers["Authorization"]


def _quote(value):
    return quote(value, safe="~")


def _to_bytes(body):
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    return body.encode("utf-8")


def canonical_uri(path):
    """Percent-decode the path, percent-encode each segment with ``quote(safe='~')``, end it with ``/``."""
    uri = "/".join(_quote(segment) for segment in unquote(path or "/").split("/"))
    if not uri.endswith("/"):
        uri += "/"
    return uri


def _query_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


def canonical_query(pairs):
    """Canonical query string from raw (not yet encoded) ``(key, value)`` pairs: sorted, ``quote(safe='~')`` encoded.

    A list value expands into one pair per element; booleans become ``true``/``false``.
    """
    items = []
    for key, value in pairs or ():
        if isinstance(value, (list, tuple)):
            items.extend((str(key), _query_value(element)) for element in value)
        else:
            items.append((str(key), _query_value(value)))
    return "&".join("%s=%s" % (_quote(key), _quote(value)) for key, value in sorted(items))


def parse_query(raw_query):
    """Split a raw query string into decoded pairs (``unquote``, not ``unquote_plus``: a ``+`` stays a ``+``)."""
    pairs = []
    for part in (raw_query or "").split("&"):
        if not part:
            continue
        key, dummy, value = part.partition("=")
        pairs.append((unquote(key), unquote(value)))
    return pairs


def host_of(url):
    """The Host header value for ``url``: its netloc without a default port (``:443`` for https, ``:80`` for http)."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    default_port = {"https": ":443", "http": ":80"}.get(parts.scheme.lower())
    if default_port and netloc.endswith(default_port):
        netloc = netloc[:-len(default_port)]
    return netloc


def sdk_date(epoch=None):
    """``X-Sdk-Date`` value (``YYYYMMDDTHHMMSSZ``, UTC) for ``epoch`` seconds (default: now)."""
    return time.strftime(DATE_FORMAT, time.gmtime(time.time() if epoch is None else epoch))


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def build_canonical_request(method, path, query, headers, signed_headers, body):
    """The canonical request string. ``headers`` maps lower-case names to values; ``query`` is the canonical query."""
    canonical_headers = "".join("%s:%s\n" % (name, headers[name]) for name in signed_headers)
    body_hash = sha256_hex(body) if body else EMPTY_BODY_SHA256
    return "\n".join((method.upper(), canonical_uri(path), query, canonical_headers, ";".join(signed_headers), body_hash))


def sign_request(method, url, headers, body, access_key, secret_key, query=None, date=None, signed_header_names=None):
    """Sign one request; returns a :class:`SignedRequest`.

    ``url`` is ``scheme://host[:port]/path[?query]``. Query parameters may be given as raw ``(key, value)`` pairs in
    ``query`` instead (then ``url`` should have none). ``headers`` is not modified. ``date`` overrides ``X-Sdk-Date``
    (a ``YYYYMMDDTHHMMSSZ`` string) for reproducible signatures; an ``X-Sdk-Date`` already in ``headers`` is kept.
    Only the headers named in ``signed_header_names`` (default :data:`SIGNED_HEADER_NAMES`) are signed, if present;
    ``host`` and ``x-sdk-date`` are always signed.
    """
    parts = urlsplit(url)
    pairs = parse_query(parts.query) + list(query or ())
    query_string = canonical_query(pairs)
    body_bytes = _to_bytes(body)

    out_headers = {}
    lower = {}
    for name, value in (headers or {}).items():
        if value is None:
            continue
        out_headers[name] = str(value).strip()
        lower[name.lower()] = out_headers[name]
    if "host" not in lower:
        out_headers["Host"] = host_of(url)
        lower["host"] = out_headers["Host"]
    if "x-sdk-date" not in lower:
        out_headers["X-Sdk-Date"] = date or sdk_date()
        lower["x-sdk-date"] = out_headers["X-Sdk-Date"]
    elif date:
        for name in list(out_headers):
            if name.lower() == "x-sdk-date":
                out_headers[name] = date
        lower["x-sdk-date"] = date

    wanted = set(name.lower() for name in (signed_header_names or SIGNED_HEADER_NAMES)) | set(("host", "x-sdk-date"))
    signed_headers = sorted(name for name in lower if name in wanted)

    canonical = build_canonical_request(method, parts.path, query_string, lower, signed_headers, body_bytes)
    string_to_sign = "\n".join((ALGORITHM, lower["x-sdk-date"], sha256_hex(canonical.encode("utf-8"))))
    signature = hmac.new(secret_key.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    out_headers["Authorization"] = "%s Access=%s, SignedHeaders=%s, Signature=%s" % (
        ALGORITHM, access_key, ";".join(signed_headers), signature)

    send_url = "%s://%s%s" % (parts.scheme, parts.netloc, parts.path or "/")
    if query_string:
        send_url += "?" + query_string
    return SignedRequest(method.upper(), send_url, out_headers, body_bytes, canonical, string_to_sign, signed_headers)
