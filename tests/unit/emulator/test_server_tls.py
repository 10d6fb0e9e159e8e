"""TLS: --tls-dir creates a CA + server certificate, HTTPS works with the CA and fails verification without it."""

import http.client
import os
import shutil
import ssl

import pytest

from drs_emulator import tls
from drs_emulator.pytest_plugin import PROJECT_A_ID, RunningEmulator

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl CLI is needed to create certificates")


@pytest.fixture(scope="module")
def tls_emulator(tmp_path_factory):
    directory = tmp_path_factory.mktemp("tls")
    with RunningEmulator(tls_dir=directory) as emulator:
        yield emulator


def test_tls_dir_holds_the_ca_cert_and_key(tls_emulator):
    names = set(os.listdir(str(tls_emulator.tls_dir)))
    assert {"ca.pem", "server.pem", "server-key.pem"} <= names
    assert "ca-key.pem" not in names
    assert tls.certificates_valid(str(tls_emulator.tls_dir))
    assert oct(os.stat(os.path.join(str(tls_emulator.tls_dir), "server-key.pem")).st_mode & 0o777) == "0o600"


def test_https_with_the_ca_works_for_ip_and_localhost(tls_emulator):
    assert tls_emulator.url.startswith("https://127.0.0.1:")
    assert tls_emulator.health()["status"] == "ok"
    connection = http.client.HTTPSConnection("localhost", tls_emulator.port, timeout=10, context=tls_emulator.ssl_context())
    try:
        connection.request("GET", "/_emulator/health")
        assert connection.getresponse().status == 200
    finally:
        connection.close()


def test_https_without_the_ca_fails_verification(tls_emulator):
    connection = http.client.HTTPSConnection("127.0.0.1", tls_emulator.port, timeout=10, context=ssl.create_default_context())
    try:
        with pytest.raises(ssl.SSLCertVerificationError):
            connection.request("GET", "/_emulator/health")
    finally:
        connection.close()
    assert tls_emulator.health()["status"] == "ok"


def test_token_catalog_points_at_the_https_url(tls_emulator):
    response = tls_emulator.request("POST", "/v3/auth/tokens", {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "drs-operator", "password": "Emulator-Passw0rd!", "domain": {"name": "OTC00000000001000000001"}}}},
        "scope": {"project": {"id": PROJECT_A_ID}}}})
    assert response.status == 201
    drs = [entry for entry in response.body["token"]["catalog"] if entry["type"] == "drs"][0]
    assert drs["endpoints"][0]["url"] == tls_emulator.url
    signed = tls_emulator.signed_request("POST", "/v3/%s/jobs/batch-status" % PROJECT_A_ID, {"jobs": ["140b5236-88ad-43c8-811c-1268453jb999"]})
    assert signed.status == 200


def test_existing_valid_certificates_are_reused(tmp_path):
    ca_path, cert_path, _key_path = tls.ensure_certificates(str(tmp_path))
    with open(cert_path, "rb") as handle:
        first_cert = handle.read()
    with RunningEmulator(tls_dir=tmp_path) as emulator:
        assert emulator.health()["status"] == "ok"
    with open(cert_path, "rb") as handle:
        assert handle.read() == first_cert
    assert os.path.exists(ca_path)


def test_broken_certificates_are_replaced(tmp_path):
    _ca_path, cert_path, _key_path = tls.ensure_certificates(str(tmp_path))
    with open(cert_path, "w", encoding="ascii") as handle:
        handle.write("not a certificate\n")
    assert not tls.certificates_valid(str(tmp_path))
    tls.ensure_certificates(str(tmp_path))
    assert tls.certificates_valid(str(tmp_path))


def test_missing_openssl_gives_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setattr(tls.shutil, "which", lambda name: None)
    with pytest.raises(tls.TlsError, match="needs the 'openssl' command-line tool"):
        tls.ensure_certificates(str(tmp_path / "empty"))
