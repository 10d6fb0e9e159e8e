"""TLS for the emulator: a private CA and a server certificate for 127.0.0.1 / localhost, made with the openssl CLI.

``ensure_certificates(directory)`` writes ``ca.pem``, ``server.pem`` and ``server-key.pem`` into the directory
(reusing them when they are still valid) and ``server_context(directory)`` returns an SSLContext serving them.
The Python standard library cannot create X.509 certificates, hence the openssl CLI.
"""

import fcntl
import os
import shutil
import ssl
import subprocess
import tempfile

CA_FILE = "ca.pem"
CERT_FILE = "server.pem"
KEY_FILE = "server-key.pem"
LOCK_FILE = ".emulator-tls.lock"
CA_DAYS = 3650
CERT_DAYS = 825
MIN_REMAINING_SECONDS = 24 * 3600

SERVER_EXTENSIONS = """\
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
"""


class TlsError(Exception):
    """Certificates could not be created or loaded."""


def _openssl():
    path = shutil.which("openssl")
    if path is None:
        raise TlsError("--tls-dir needs the 'openssl' command-line tool to create certificates, and it is not on PATH; "
                       "install openssl or put ca.pem, server.pem and server-key.pem into the directory yourself")
    return path


def _run(*args):
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise TlsError("%s failed: %s" % (" ".join(args[:2]), result.stderr.strip()))
    return result.stdout


def paths(directory):
    """(ca, cert, key) file paths in ``directory``."""
    return tuple(os.path.join(directory, name) for name in (CA_FILE, CERT_FILE, KEY_FILE))


def _loadable(cert_path, key_path):
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(cert_path, key_path)
    except (ssl.SSLError, OSError):
        return False
    return True


def certificates_valid(directory):
    """True when the CA, server cert and key exist, chain up, cover 127.0.0.1, and stay valid for a day."""
    ca_path, cert_path, key_path = paths(directory)
    if not all(os.path.isfile(path) for path in (ca_path, cert_path, key_path)):
        return False
    if shutil.which("openssl") is None:
        return _loadable(cert_path, key_path)
    openssl = _openssl()
    try:
        _run(openssl, "verify", "-CAfile", ca_path, cert_path)
        _run(openssl, "x509", "-in", cert_path, "-noout", "-checkend", str(MIN_REMAINING_SECONDS))
        san = _run(openssl, "x509", "-in", cert_path, "-noout", "-ext", "subjectAltName")
    except (TlsError, OSError):
        return False
    return "IP Address:127.0.0.1" in san and "DNS:localhost" in san and _loadable(cert_path, key_path)


def _generate(directory):
    openssl = _openssl()
    ca_path, cert_path, key_path = paths(directory)
    with tempfile.TemporaryDirectory(prefix="drs-emulator-tls-") as work:
        ca_key = os.path.join(work, "ca-key.pem")
        csr = os.path.join(work, "server.csr")
        extensions = os.path.join(work, "server.ext")
        with open(extensions, "w", encoding="ascii") as handle:
            handle.write(SERVER_EXTENSIONS)
        new_key = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
        _run(openssl, "req", "-x509", *new_key, "-keyout", ca_key, "-out", os.path.join(work, CA_FILE), "-days", str(CA_DAYS),
             "-subj", "/CN=DRS emulator test CA", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        _run(openssl, "req", *new_key, "-keyout", os.path.join(work, KEY_FILE), "-out", csr, "-subj", "/CN=localhost")
        _run(openssl, "x509", "-req", "-in", csr, "-CA", os.path.join(work, CA_FILE), "-CAkey", ca_key, "-CAcreateserial",
             "-out", os.path.join(work, CERT_FILE), "-days", str(CERT_DAYS), "-sha256", "-extfile", extensions)
        os.chmod(os.path.join(work, KEY_FILE), 0o600)
        for name, target in ((KEY_FILE, key_path), (CERT_FILE, cert_path), (CA_FILE, ca_path)):
            os.replace(os.path.join(work, name), target)


def ensure_certificates(directory):
    """Create (or reuse) the CA and server certificate in ``directory``; returns (ca, cert, key) paths."""
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, LOCK_FILE), "w", encoding="ascii") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not certificates_valid(directory):
                _generate(directory)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return paths(directory)


def server_context(directory):
    """An SSLContext serving the directory's server certificate (created if needed)."""
    _ca_path, cert_path, key_path = ensure_certificates(directory)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_path, key_path)
    return context
