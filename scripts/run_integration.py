"""Run the ansible-test integration targets against a DRS emulator started for the run.

1. Skips cleanly (exit 0, with a message) when the collection has no integration targets yet.
2. Starts ``python -m drs_emulator --host 127.0.0.1 --port 0`` with the collection's ``tests/`` on
   PYTHONPATH and waits for its line ``DRS emulator listening on http://127.0.0.1:PORT``; with
   ``DRS_EMULATOR_PROFILE`` set (e.g. ``pessimistic``) it adds ``--profile`` with that name.
3. Writes ``tests/integration/integration_config.yml`` from its ``.template`` with that URL.
4. Makes ansible-test's SSH key pair (``~/.ansible/test/id_rsa``) first, under a lock: ansible-test makes it on first
   use, and two runs that start at once on a fresh HOME (``make test`` runs both emulator profiles side by side)
   would both run ``ssh-keygen``, the second one stopping at its "Overwrite (y/n)?" prompt.
5. Runs ``ansible-test integration`` in the laid-out collection (extra arguments are passed on).
6. Always stops the emulator (also on errors, Ctrl-C and SIGTERM) and keeps its log in
   ``tests/output/emulator.log``.

Usage: run_integration.py --collection-dir DIR [--python-version 3.11] [--speed 50]
       [--timeout-minutes 40] [-- ANSIBLE_TEST_ARGS...]
"""

import argparse
import fcntl
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request

# The emulator profile to run against (tests/drs_emulator/README.md, "Profiles"); unset: the default one.
PROFILE_ENV = 'DRS_EMULATOR_PROFILE'
LISTENING = re.compile(r'DRS emulator listening on (https?://127\.0\.0\.1:\d+)')
CONFIG = 'tests/integration/integration_config.yml'


class Stop(Exception):
    """Raised by the signal handler so that the ``finally`` clauses run."""


def on_signal(signum, frame):  # pylint: disable=unused-argument
    raise Stop('stopped by signal %d' % signum)


def targets(collection_dir):
    """Names of the integration targets, hidden and support directories excluded."""
    path = os.path.join(collection_dir, 'tests', 'integration', 'targets')
    if not os.path.isdir(path):
        return []
    return sorted(name for name in os.listdir(path)
                  if os.path.isdir(os.path.join(path, name)) and not name.startswith(('.', 'setup_', 'prepare_')))


def start_emulator(collection_dir, speed, log_path):
    """Start the emulator; return (process, base URL, log handle). Raises RuntimeError if it does not come up."""
    env = dict(os.environ)
    tests_dir = os.path.join(collection_dir, 'tests')
    env['PYTHONPATH'] = os.pathsep.join(p for p in (tests_dir, env.get('PYTHONPATH')) if p)
    log = open(log_path, 'w', encoding='utf-8')  # pylint: disable=consider-using-with
    command = [sys.executable, '-m', 'drs_emulator', '--host', '127.0.0.1', '--port', '0', '--speed', str(speed)]
    if os.environ.get(PROFILE_ENV, '').strip():
        command += ['--profile', os.environ[PROFILE_ENV].strip()]
    print('Starting the DRS emulator: %s' % ' '.join(command), flush=True)
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=log,  # pylint: disable=consider-using-with
                               text=True, start_new_session=True)
    found = {}

    def read_stdout():
        for line in process.stdout:
            log.write(line)
            log.flush()
            match = LISTENING.search(line)
            if match and 'url' not in found:
                found['url'] = match.group(1)
                found['event'].set()
        found['event'].set()

    found['event'] = threading.Event()
    reader = threading.Thread(target=read_stdout, daemon=True)
    reader.start()
    found['event'].wait(60)
    if 'url' not in found:
        exit_code = process.poll()
        stop_emulator(process)
        log.close()
        with open(log_path, encoding='utf-8') as handle:
            tail = handle.read()[-3000:]
        if exit_code is None:
            problem = 'did not report its address within 60 s'
        else:
            problem = 'exited with code %s before reporting its address' % exit_code
        raise RuntimeError('the DRS emulator %s. Its output:\n%s' % (problem, tail))
    return process, found['url'], log


def wait_healthy(url, timeout=30):
    """Poll the admin health endpoint until it answers 200."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + '/_emulator/health', timeout=5) as reply:  # nosec - 127.0.0.1 only
                if reply.status == 200:
                    return
        except OSError as ex:
            last_error = ex
        time.sleep(0.2)
    raise RuntimeError('the DRS emulator at %s did not become healthy: %s' % (url, last_error))


def stop_emulator(process):
    """SIGTERM the emulator's process group, then SIGKILL after 10 s."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
    except ProcessLookupError:
        pass


def write_config(collection_dir, url):
    template_path = os.path.join(collection_dir, CONFIG + '.template')
    with open(template_path, encoding='utf-8') as handle:
        text = handle.read().replace('@EMULATOR_URL@', url)
    config_path = os.path.join(collection_dir, CONFIG)
    with open(config_path, 'w', encoding='utf-8') as handle:
        handle.write(text)
    print('Wrote %s (drs_endpoint: %s)' % (CONFIG, url), flush=True)


def ensure_ssh_key(home=None):
    """Make ansible-test's SSH key pair as ansible-test does (``ssh-keygen -m PEM -t rsa``, header for paramiko),
    unless it is there; one process at a time. Returns the private key's path."""
    directory = os.path.join(home or os.path.expanduser('~'), '.ansible', 'test')
    os.makedirs(directory, exist_ok=True)
    key = os.path.join(directory, 'id_rsa')
    with open(os.path.join(directory, '.id_rsa.lock'), 'w', encoding='utf-8') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.isfile(key) and os.path.isfile(key + '.pub'):
            return key
        for stale in (key, key + '.pub'):
            if os.path.exists(stale):
                os.unlink(stale)
        made = subprocess.run(['ssh-keygen', '-m', 'PEM', '-q', '-t', 'rsa', '-N', '', '-f', key], check=False,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if made.returncode != 0:
            raise RuntimeError('ssh-keygen could not make %s: %s' % (key, (made.stderr or made.stdout).strip()))
        with open(key, encoding='utf-8') as handle:
            text = handle.read()
        with open(key, 'w', encoding='utf-8') as handle:
            handle.write(re.sub(r'(BEGIN|END) PRIVATE KEY', r'\1 RSA PRIVATE KEY', text))
        print('Made ansible-test\'s SSH key pair %s' % key, flush=True)
    return key


def run_ansible_test(collection_dir, python_version, extra_args, timeout_minutes):
    command = ['ansible-test', 'integration', '--python', python_version, '--local', '--color', 'no'] + extra_args
    env = dict(os.environ)
    # The laid-out tree sits below the repository's .git; without this ansible-test would ask git
    # (which ignores build/) for the collection's files.
    env['ANSIBLE_TEST_CONTENT_ROOT'] = os.path.abspath(collection_dir)
    print('Running: %s' % ' '.join(command), flush=True)
    process = subprocess.Popen(command, cwd=collection_dir, env=env, start_new_session=True)  # pylint: disable=consider-using-with
    try:
        return process.wait(timeout_minutes * 60)
    except subprocess.TimeoutExpired:
        print('ansible-test integration ran longer than %d minutes; stopping it' % timeout_minutes, flush=True)
        return 124
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--collection-dir', required=True)
    parser.add_argument('--python-version', default='%d.%d' % sys.version_info[:2])
    parser.add_argument('--speed', default='50', help='emulator clock speed (default 50x real time)')
    parser.add_argument('--timeout-minutes', type=int, default=40)
    parser.add_argument('ansible_test_args', nargs='*', help='passed on to ansible-test integration (after --)')
    args = parser.parse_args()
    collection_dir = os.path.abspath(args.collection_dir)

    found = targets(collection_dir)
    if not found:
        print('SKIPPED integration: no targets in tests/integration/targets yet.', flush=True)
        return 0
    print('Integration targets: %s' % ', '.join(found), flush=True)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    output_dir = os.path.join(collection_dir, 'tests', 'output')
    os.makedirs(output_dir, exist_ok=True)
    log_path = os.path.join(output_dir, 'emulator.log')
    process = log = None
    try:
        process, url, log = start_emulator(collection_dir, args.speed, log_path)
        print('DRS emulator up at %s (pid %d, log %s)' % (url, process.pid, os.path.relpath(log_path)), flush=True)
        wait_healthy(url)
        write_config(collection_dir, url)
        ensure_ssh_key()
        return run_ansible_test(collection_dir, args.python_version, args.ansible_test_args, args.timeout_minutes)
    except (RuntimeError, Stop) as ex:
        print('integration: %s' % ex, file=sys.stderr, flush=True)
        return 1
    finally:
        if process is not None:
            stop_emulator(process)
            print('DRS emulator stopped (exit code %s)' % process.returncode, flush=True)
        if log is not None:
            log.close()


if __name__ == '__main__':
    sys.exit(main())
