"""Smoke run of the benchmark harness (tests/perf/bench.py --smoke): N = 10 jobs, L = 0 ms.

It keeps the harness working and checks that it measures what it claims: every contender ran the whole
flow (each job pre-checked once, started once, running at the end) and the emulator counted the requests
each flow needs for 10 jobs (one call per 10 jobs and phase). No timing is asserted.
"""

import importlib.util
import json
import os
import subprocess
import sys

import pytest

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCH = os.path.join(TESTS_DIR, 'perf', 'bench.py')
HAS_SDK = importlib.util.find_spec('huaweicloudsdkdrs') is not None
HAS_ANSIBLE_PLAYBOOK = os.path.exists(os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'))

# Requests of each contender for 10 jobs (one batch). D = 1.5 s, S = 1 s and a poll interval of 2 s leave
# a margin of 0.5 s, so the number of polls does not depend on the speed of the machine.
ROLE = {
    'batch-detail': 1,            # drs_batch_precheck reads the jobs; drs_batch_start takes that over (prechecked)
    'batch-precheck-result': 2,   # last result before submitting (to skip passed jobs), then one poll
    'batch-precheck': 1,
    'batch-starting': 1,
    'batch-status': 1,            # one poll until the jobs run; the summary uses it (no drs_report_progress)
    'iam-tokens': 2,              # one token per module process
}
MODULES = {'batch-detail': 3, 'batch-precheck-result': 3, 'batch-precheck': 1, 'batch-starting': 1, 'batch-status': 1,
           'iam-tokens': 3}
SDK = {
    'batch-precheck': 1,
    'batch-precheck-result': 2,   # polled at once (still running), then after 2 s (done)
    'batch-starting': 1,
    'batch-status': 2,            # polled at once (STARTJOBING), then after 2 s (running)
}


@pytest.fixture(scope='module')
def smoke(tmp_path_factory):
    if not HAS_ANSIBLE_PLAYBOOK:
        pytest.skip('ansible-playbook is not next to %s' % sys.executable)
    out = tmp_path_factory.mktemp('bench')
    contenders = 'role,modules,uri' + (',sdk' if HAS_SDK else '')
    proc = subprocess.run([sys.executable, BENCH, '--smoke', '--python', sys.executable, '--contenders', contenders,
                           '--precheck-duration', '1.5', '--start-duration', '1', '--poll', '2', '--out', str(out)],
                          capture_output=True, text=True, timeout=900, check=False)
    path = out / 'bench.json'
    assert path.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    report = json.loads(path.read_text())
    report['exit_code'] = proc.returncode
    report['output'] = proc.stdout[-3000:] + proc.stderr[-3000:]
    return report


def result(report, contender):
    found = [r for r in report['results'] if r['contender'] == contender]
    assert len(found) == 1, report['output']
    return found[0]


def test_smoke_run_succeeds_and_every_contender_ran_the_whole_flow(smoke):
    assert smoke['exit_code'] == 0, smoke['output']
    for r in smoke['results']:
        assert r['n'] == 10 and r['latency_ms'] == 0 and not r['extrapolated']
        assert r['problems'] == [], (r['contender'], r['problems'])
        assert r['max_jobs_in_call'] <= 10
        assert r['request_floor'] == (4 if r['contender'] == 'sdk' else 5)


def test_role_sends_the_requests_its_flow_needs_for_ten_jobs(smoke):
    role = result(smoke, 'role')
    assert role['requests_by_endpoint'] == ROLE
    assert role['requests_total'] == sum(ROLE.values())
    assert role['module_processes'] == 2
    assert 0 < role['peak_rss_mb'] < 150


def test_each_module_on_its_own_sends_the_requests_it_needs(smoke):
    modules = result(smoke, 'modules')
    assert modules['requests_by_endpoint'] == MODULES
    steps = modules['steps']
    assert steps['precheck']['requests_by_endpoint'] == {'batch-detail': 1, 'batch-precheck-result': 2, 'batch-precheck': 1,
                                                         'iam-tokens': 1}
    assert steps['start']['requests_by_endpoint'] == {'batch-detail': 1, 'batch-precheck-result': 1, 'batch-starting': 1,
                                                      'batch-status': 1, 'iam-tokens': 1}
    assert steps['info']['requests_by_endpoint'] == {'batch-detail': 1, 'iam-tokens': 1}
    assert set(steps['precheck']['peak_rss_mb_by_process']) == {'drs_batch_precheck'}


def test_uri_playbook_sends_one_request_per_job_and_phase(smoke):
    uri = result(smoke, 'uri')
    counts = uri['requests_by_endpoint']
    assert counts['iam-tokens'] == 1
    assert counts['batch-precheck'] == 10 and counts['batch-starting'] == 10
    # polled at once and then every 2 s until done: at least once per job
    assert counts['batch-precheck-result'] >= 10 and counts['batch-status'] >= 10
    assert set(counts) == {'iam-tokens', 'batch-precheck', 'batch-precheck-result', 'batch-starting', 'batch-status'}
    assert uri['module_processes'] == sum(counts.values())   # one uri module process per request


@pytest.mark.skipif(not HAS_SDK, reason='huaweicloudsdkdrs is not installed')
def test_sdk_script_sends_the_requests_of_one_batch(smoke):
    sdk = result(smoke, 'sdk')
    assert sdk['requests_by_endpoint'] == SDK
    assert set(sdk['peak_rss_mb_by_process']) == {'sdk_flow'}
