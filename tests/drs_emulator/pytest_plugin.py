"""Run the emulator as a subprocess from tests: ``RunningEmulator`` plus pytest fixtures.

    from drs_emulator.pytest_plugin import RunningEmulator
    with RunningEmulator("--speed", "100") as emu:
        emu.load_jobs({"generate": {"n": 20}})
        emu.set_faults(throttle_rate=0.2)
        ... talk to emu.url ...

In a conftest.py (pytest):  ``from drs_emulator.pytest_plugin import drs_emulator, drs_emulator_session, pytest_configure``.
The function-scoped ``drs_emulator`` fixture starts a fresh emulator per test; extra CLI arguments come from
``@pytest.mark.drs_emulator("--speed", "60")``. ``drs_emulator_session`` is shared by the session, and
``drs_emulator_clean`` hands out that shared one after a full reset (jobs, stats, faults, tokens).

``DRS_EMULATOR_PROFILE`` (environment) picks the ``--profile`` of every emulator started here that does not name one
itself, e.g. ``DRS_EMULATOR_PROFILE=pessimistic pytest tests/unit/roles`` runs the role scenarios against the
pessimistic readings of the open questions (MODEL.md, "Profiles and open questions").
"""

import http.client
import json
import os
import re
import ssl
import subprocess
import sys
import tempfile
import threading

import yaml

from drs_emulator import signing

try:
    import pytest
except ImportError:  # the class works without pytest (e.g. in scripts)
    pytest = None

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LISTENING_RE = re.compile(r"^DRS emulator listening on (https?://[^\s]+)\s*$")

PROJECT_A_ID = "054ba152d480d55b2f5dc0069e7ddef0"
PROJECT_B_ID = "9b1d4c6e2f3a4b5c8d7e6f5a4b3c2d1e"
DOMAIN_NAME = "OTC00000000001000000001"
USER_NAME = "drs-operator"
USER_PASSWORD = "Emulator-Passw0rd!"
ACCESS_KEY_A = ("QTWAOYTTINDUT2QVKYUC", "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc")
ACCESS_KEY_B = ("EMUPROJECTBAK0000002", "emulatorProjectBSecretKey00000000000002")
TEMPORARY_KEY_A = ("EMUTEMPAK00000000003", "emulatorTemporarySecretKey000000000003")
SECURITY_TOKEN_A = "emulator-security-token-0003"

#: The environment variable that picks the profile of emulators whose arguments name none.
PROFILE_ENV = "DRS_EMULATOR_PROFILE"


def profile_from_env(environ=None):
    """The profile ``DRS_EMULATOR_PROFILE`` names (``otc`` when it is unset or empty)."""
    return (environ if environ is not None else os.environ).get(PROFILE_ENV, "").strip() or "otc"


def profile_args(args, environ=None):
    """``["--profile", NAME]`` from ``DRS_EMULATOR_PROFILE`` when ``args`` name no profile (they win), else ``[]``."""
    if any(arg == "--profile" or str(arg).startswith("--profile=") for arg in args):
        return []
    name = (environ if environ is not None else os.environ).get(PROFILE_ENV, "").strip()
    return ["--profile", name] if name else []


def password_auth(scope=None, user=USER_NAME, password=USER_PASSWORD, domain=DOMAIN_NAME):
    """The body of a password POST /v3/auth/tokens; ``scope`` e.g. ``{"project": {"name": "eu-de"}}`` (None: unscoped)."""
    auth = {"identity": {"methods": ["password"], "password": {"user": {"name": user, "password": password, "domain": {"name": domain}}}}}
    if scope is not None:
        auth["scope"] = scope
    return {"auth": auth}


def collections_dir(collection_dir, tmp_path_factory):
    """A directory holding ``ansible_collections/cloudops/drs`` for ANSIBLE_COLLECTIONS_PATH.

    ``collection_dir`` is the collection's root: when it already sits in an ``ansible_collections`` tree (the laid-out
    tree of ``make``), that tree's parent is returned; otherwise a temporary directory with a symlink to it.
    """
    parent = os.path.dirname(os.path.dirname(collection_dir))
    if os.path.basename(parent) == 'ansible_collections':
        return os.path.dirname(parent)
    root = tmp_path_factory.mktemp('collections')
    os.makedirs(str(root / 'ansible_collections' / 'cloudops'))
    os.symlink(collection_dir, str(root / 'ansible_collections' / 'cloudops' / 'drs'))
    return str(root)


class EmulatorError(Exception):
    """The emulator did not start, or an admin call failed."""


class EmulatorResponse:
    """A reply from the emulator: ``status``, ``headers`` (lower-case names), ``body`` (parsed JSON or None), ``raw``."""

    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers
        self.raw = raw
        try:
            self.body = json.loads(raw) if raw else None
        except ValueError:
            self.body = None

    def __repr__(self):
        return "EmulatorResponse(%d, %r)" % (self.status, self.body)


class RunningEmulator:
    """A ``python -m drs_emulator`` subprocess on a free 127.0.0.1 port; a context manager.

    ``args`` are extra command-line arguments; ``tls_dir`` adds ``--tls-dir`` (``ca_file`` then names the CA).
    Without ``--profile`` in ``args`` the profile comes from ``DRS_EMULATOR_PROFILE`` (see :func:`profile_args`).
    """

    def __init__(self, *args, tls_dir=None, start_timeout=30.0, env=None):
        self.args = [str(arg) for arg in args]
        self.tls_dir = tls_dir
        self.start_timeout = start_timeout
        self.env = env
        self.url = None
        self.process = None
        self._stderr = None

    # ----- lifecycle -------------------------------------------------------------------------------
    def _command(self):
        command = [sys.executable, "-m", "drs_emulator", "--host", "127.0.0.1", "--port", "0"] + self.args
        command += profile_args(self.args, self.env)
        if self.tls_dir:
            command += ["--tls-dir", str(self.tls_dir)]
        return command

    def _environment(self):
        env = dict(os.environ if self.env is None else self.env)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [TESTS_DIR, env.get("PYTHONPATH")]))
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def _read_listening_line(self):
        lines = []
        reader = threading.Thread(target=lambda: lines.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(self.start_timeout)
        line = lines[0].decode("utf-8", "replace") if lines else ""
        match = LISTENING_RE.match(line)
        if not match:
            self.stop()
            raise EmulatorError("the emulator did not report that it is listening (got %r); stderr: %s" % (line, self.stderr_text()[-2000:]))
        return match.group(1)

    def start(self):
        """Start the subprocess and wait for its listening line."""
        self._stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            self._command(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._stderr, env=self._environment())
        self.url = self._read_listening_line()
        return self

    def stop(self, timeout=10):
        """Terminate the subprocess (kill if it does not stop in ``timeout`` seconds)."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        if self.process.stdout:
            self.process.stdout.close()
        code = self.process.returncode
        self.process = None
        return code

    def stderr_text(self):
        """What the emulator wrote to stderr so far."""
        if self._stderr is None:
            return ""
        self._stderr.flush()
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    # ----- HTTP ------------------------------------------------------------------------------------
    @property
    def port(self):
        """The TCP port the emulator listens on."""
        return int(self.url.rsplit(":", 1)[1])

    @property
    def ca_file(self):
        """The CA certificate path when serving TLS, else None."""
        return os.path.join(str(self.tls_dir), "ca.pem") if self.tls_dir else None

    def ssl_context(self):
        """A client SSLContext trusting the emulator's CA (TLS only)."""
        return ssl.create_default_context(cafile=self.ca_file)

    def connection(self, timeout=30):
        """A new (keep-alive) http.client connection to the emulator."""
        if self.url.startswith("https://"):
            return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=timeout, context=self.ssl_context())
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, connection=None):
        """Send one request; ``body`` may be bytes, str or a JSON-able object. Returns an EmulatorResponse."""
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode("utf-8")
        headers = dict(headers or {})
        if body is not None:
            headers.setdefault("Content-Type", "application/json")
        own = connection is None
        conn = self.connection() if own else connection
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            raw = response.read()
            return EmulatorResponse(response.status, {name.lower(): value for name, value in response.getheaders()}, raw)
        finally:
            if own:
                conn.close()

    def admin(self, method, path, body=None):
        """Call /_emulator/<path>; returns the JSON body, raises EmulatorError on an error status."""
        response = self.request(method, "/_emulator/" + path.lstrip("/"), body)
        if response.status >= 400:
            raise EmulatorError("%s /_emulator/%s -> %d %s" % (method, path.lstrip("/"), response.status, response.raw.decode("utf-8", "replace")))
        return response.body

    def signed_request(self, method, path, body=None, key=ACCESS_KEY_A, headers=None, connection=None, **sign_options):
        """Send a request signed with SDK-HMAC-SHA256; ``sign_options`` go to signing.sign (security_token, project_id, sdk_date)."""
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode("utf-8")
        headers = dict(headers or {"Content-Type": "application/json"})
        signed = signing.sign(key[0], key[1], method, self.url + path, headers, body or b"", **sign_options)
        return self.request(method, path, body, signed, connection=connection)

    # ----- admin helpers ---------------------------------------------------------------------------
    def health(self):
        """GET /_emulator/health."""
        return self.admin("GET", "health")

    def stats(self):
        """GET /_emulator/stats."""
        return self.admin("GET", "stats")

    def reset(self, jobs=True, stats=True, faults=True, tokens=False, readings=True):
        """POST /_emulator/reset (``readings``: the reading switches back to their start-up values)."""
        return self.admin("POST", "reset", {"jobs": jobs, "stats": stats, "faults": faults, "tokens": tokens,
                                            "readings": readings})

    def set_readings(self, **readings):
        """POST /_emulator/readings: change reading switches (``start_lag_seconds=30``, ``wrong_state_400=True`` ...)."""
        return self.admin("POST", "readings", readings)

    def load_jobs(self, fixture_or_generate, replace=True):
        """Load jobs: a fixture dict, ``{"generate": {...}}``/``{"fixture": {...}}``, an int (generate N) or a fixture file path."""
        spec = fixture_or_generate
        if isinstance(spec, int) and not isinstance(spec, bool):
            body = {"generate": {"n": spec}}
        elif isinstance(spec, (str, os.PathLike)):
            with open(spec, encoding="utf-8") as handle:
                body = {"fixture": yaml.safe_load(handle)}
        elif isinstance(spec, dict) and ("generate" in spec or "fixture" in spec):
            body = dict(spec)
        elif isinstance(spec, dict):
            body = {"fixture": spec}
        else:
            raise TypeError("load_jobs needs a fixture dict, a generate spec, an int or a file path")
        body.setdefault("replace", replace)
        return self.admin("POST", "jobs", body)

    def set_faults(self, **settings):
        """POST /_emulator/faults with the given settings (``clear=True`` clears first); returns the settings."""
        return self.admin("POST", "faults", settings)

    def clock(self, advance=None, speed=None):
        """POST /_emulator/clock."""
        body = {}
        if advance is not None:
            body["advance"] = advance
        if speed is not None:
            body["speed"] = speed
        return self.admin("POST", "clock", body)

    def jobs(self):
        """GET /_emulator/jobs (the admin view of every job)."""
        return self.admin("GET", "jobs")["jobs"]

    def token(self, project=PROJECT_A_ID, user=USER_NAME, password=USER_PASSWORD, domain=DOMAIN_NAME):
        """A project-scoped IAM token (by project id, or by name when it is not 32 hex digits)."""
        scope = {"id": project} if re.match(r"^[0-9a-f]{32}$", project) else {"name": project}
        body = password_auth({"project": scope}, user=user, password=password, domain=domain)
        response = self.request("POST", "/v3/auth/tokens?nocatalog=true", body)
        if response.status != 201:
            raise EmulatorError("token request failed: %d %s" % (response.status, response.raw.decode("utf-8", "replace")))
        return response.headers["x-subject-token"]


if pytest is not None:

    def pytest_configure(config):
        """Register the ``drs_emulator`` marker (extra CLI arguments for the drs_emulator fixture)."""
        config.addinivalue_line("markers", "drs_emulator(*args): extra command-line arguments for the drs_emulator fixture")

    @pytest.fixture
    def drs_emulator(request):
        """A fresh emulator for one test; ``@pytest.mark.drs_emulator(*args)`` adds CLI arguments."""
        marker = request.node.get_closest_marker("drs_emulator")
        args = marker.args if marker else ()
        with RunningEmulator(*args, **(marker.kwargs if marker else {})) as emulator:
            yield emulator

    @pytest.fixture(scope="session")
    def drs_emulator_session():
        """One emulator shared by the whole session (reset it yourself, or use drs_emulator_clean)."""
        with RunningEmulator() as emulator:
            yield emulator

    @pytest.fixture
    def drs_emulator_clean(drs_emulator_session):  # pylint: disable=redefined-outer-name
        """The session emulator after a full reset (jobs, stats, faults, tokens)."""
        drs_emulator_session.reset(jobs=True, stats=True, faults=True, tokens=True)
        yield drs_emulator_session
