"""Smoke run of the benchmark harness (tests/perf/bench.py --smoke): N = 10 jobs, L = 0 ms.

It keeps the harness working and checks that it measures what it claims: every contender ran the whole
flow (each job pre-checked once, started once, running at the end), the emulator counted the requests
each flow needs for 10 jobs (one call per 10 jobs and phase), and CPU seconds and task times were recorded.
No timing is asserted. The floors and the task-time breakdown are also checked on their own, without a run.
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
    'batch-detail': 1,            # the pre-check step reads the jobs; the start takes that over (one module run)
    'batch-precheck-result': 3,   # last result before submitting (to skip passed jobs), the probe at 1 s (66 %), the
                                  # early poll at 1.65 s (done)
    'batch-precheck': 1,
    'batch-starting': 1,
    'batch-status': 1,            # the probe at 1 s finds the jobs running; the summary uses it (no drs_report_progress)
    'iam-tokens': 1,              # one module process
}
MODULES = {'batch-detail': 3, 'batch-precheck-result': 4, 'batch-precheck': 1, 'batch-starting': 1, 'batch-status': 1,
           'iam-tokens': 3}
SDK_NAIVE = {
    'batch-precheck': 1,
    'batch-precheck-result': 2,   # polled at once (still running), then after 2 s (done)
    'batch-starting': 1,
    'batch-status': 2,            # polled at once (STARTJOBING), then after 2 s (running)
}
SDK_C8 = {'batch-precheck': 1, 'batch-precheck-result': 1, 'batch-starting': 1, 'batch-status': 1}  # first poll after 2 s
SDK_C8_CHECKED = dict(SDK_C8, **{'batch-detail': 1, 'batch-precheck-result': 2})  # the role's two safety reads first
SDK_CONTENDERS = ',sdk-c8,sdk-c8-checked,sdk-naive'


def load_bench():
    spec = importlib.util.spec_from_file_location('drs_bench', BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def smoke(tmp_path_factory):
    if not HAS_ANSIBLE_PLAYBOOK:
        pytest.skip('ansible-playbook is not next to %s' % sys.executable)
    out = tmp_path_factory.mktemp('bench')
    contenders = 'role,modules,uri' + (SDK_CONTENDERS if HAS_SDK else '')
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
        assert r['request_floor'] == (4 if r['contender'].startswith('sdk') else 5)
        assert r['wall_floor_s'] == r['wall_floor_checked_s'] == 4.0   # D and S noticed at 2 s polls; L = 0
        assert r['cpu_s'] > 0 and r['module_cpu_s'] > 0
    assert smoke['targets'] == []     # no target cell (N = 100 or 1000 at L = 50) in a smoke run
    assert 'targets: no target cell' in smoke['output']


def test_role_sends_the_requests_its_flow_needs_for_ten_jobs(smoke):
    role = result(smoke, 'role')
    assert role['requests_by_endpoint'] == ROLE
    assert role['requests_total'] == sum(ROLE.values())
    assert role['module_processes'] == 1           # pre-check and start in one drs_batch_start run
    assert 0 < role['peak_rss_mb'] < 150
    assert set(role['module_cpu_s_by_process']) == {'drs_batch_start'}


def test_role_run_is_split_into_tasks_modules_and_start_up(smoke):
    times = result(smoke, 'role')['task_times']
    assert times['tasks_s'] > 0 and times['modules_s'] > 0 and times['startup_exit_s'] > 0
    kinds = dict((entry['action'], entry['kind']) for entry in times['slowest'])
    assert kinds['cloudops.drs.drs_batch_start'] == 'modules' and kinds.get('cloudops.drs.drs_report', 'tasks') == 'tasks'
    assert result(smoke, 'uri')['task_times'] is None   # not timed per task (one include per job)


def test_each_module_on_its_own_sends_the_requests_it_needs(smoke):
    modules = result(smoke, 'modules')
    assert modules['requests_by_endpoint'] == MODULES
    assert modules['task_times']['modules_s'] > 0
    steps = modules['steps']
    assert steps['precheck']['requests_by_endpoint'] == {'batch-detail': 1, 'batch-precheck-result': 3, 'batch-precheck': 1,
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
def test_naive_sdk_script_sends_the_requests_of_one_batch(smoke):
    sdk = result(smoke, 'sdk-naive')
    assert sdk['requests_by_endpoint'] == SDK_NAIVE
    assert set(sdk['peak_rss_mb_by_process']) == {'sdk_flow'}
    assert 'sdk-naive (naive script)' in smoke['output']


@pytest.mark.skipif(not HAS_SDK, reason='huaweicloudsdkdrs is not installed')
def test_concurrent_sdk_scripts_send_the_floor_and_the_roles_reads(smoke):
    bare, checked = result(smoke, 'sdk-c8'), result(smoke, 'sdk-c8-checked')
    assert bare['requests_by_endpoint'] == SDK_C8
    assert checked['requests_by_endpoint'] == SDK_C8_CHECKED
    role = result(smoke, 'role')['requests_by_endpoint']
    # the role's DRS calls: the checked script's plus the probe of the pre-check (its start probe is its one poll)
    assert checked['requests_total'] + 1 == sum(v for k, v in role.items() if not k.startswith('iam-'))
    assert set(bare['peak_rss_mb_by_process']) == set(checked['peak_rss_mb_by_process']) == {'sdk_concurrent'}
    assert result(smoke, 'role')['wall_vs_sdk_c8'] > 0 and result(smoke, 'role')['wall_vs_sdk_c8_checked'] > 0


def test_wall_floor_counts_poll_rounded_waits_and_rounds_of_eight_calls():
    bench = load_bench()
    args = bench.parse_args(['--poll', '2', '--precheck-duration', '1.5', '--start-duration', '1'])
    assert bench.rounds(1000) == 13 and bench.rounds(100) == 2 and bench.rounds(10) == 1
    assert bench.wall_floor(1000, 50, args) == pytest.approx(2 + 2 + 4 * 13 * 0.05)      # 6.6 s
    assert bench.wall_floor(1000, 50, args, bench.CHECKED_PHASES) == pytest.approx(2 + 2 + 6 * 13 * 0.05)
    assert bench.request_floor(1000, False) == 400 and bench.request_floor(1000, True, bench.CHECKED_PHASES) == 601


def test_sdk_is_still_accepted_for_the_naive_script():
    bench = load_bench()
    args = bench.parse_args(['--contenders', 'role,sdk', '--sdk-skip', '100:50', '--sdk-max-n', '100'])
    assert args.contenders == ['role', 'sdk-naive'] and args.naive_skip == {(100, 50)} and args.naive_max_n == 100


def test_task_times_sort_tasks_into_tasks_modules_report_files_and_start_up():
    events = [
        {'event': 'play', 't': 10.0},
        {'event': 'task', 't': 10.1, 'name': 'validate', 'action': 'ansible.builtin.assert'},
        {'event': 'result', 't': 10.5, 'status': 'ok'},
        {'event': 'task', 't': 10.6, 'name': 'precheck', 'action': 'cloudops.drs.drs_batch_precheck'},
        {'event': 'result', 't': 13.5, 'status': 'ok'},
        {'event': 'task', 't': 13.6, 'name': 'status read', 'action': 'cloudops.drs.drs_batch_info'},
        {'event': 'result', 't': 13.7, 'status': 'skipped'},
        {'event': 'task', 't': 13.8, 'name': 'reports', 'action': 'cloudops.drs.drs_report_files'},
        {'event': 'result', 't': 14.0, 'status': 'ok'},
        {'event': 'end', 't': 14.1},
    ]
    times = load_bench().task_times(events, wall_s=5.0, started=9.0)
    assert times['tasks_s'] == pytest.approx(0.5 + 0.2)       # from the play's start; a skipped module runs none
    assert times['modules_s'] == pytest.approx(3.0)           # from the end of the task before
    assert times['report_files_s'] == pytest.approx(0.3)
    assert times['other_s'] == pytest.approx(0.1)
    assert times['startup_exit_s'] == pytest.approx(5.0 - 4.1) and times['startup_s'] == pytest.approx(1.0)
    assert [entry['kind'] for entry in times['every_task']] == ['tasks', 'modules', 'tasks', 'report_files']


def test_targets_are_read_off_the_roles_results_at_fifty_ms():
    bench = load_bench()
    args = bench.parse_args([])
    runs = [  # contender, N, L, wall s, CPU s
        ('role', 1000, 50, 12.0, 3.5), ('sdk-c8', 1000, 50, 8.0, 1.0), ('sdk-c8-checked', 1000, 50, 9.0, 1.0),
        ('role', 100, 50, 6.0, 2.0), ('sdk-c8', 100, 50, 5.0, 0.5), ('sdk-c8-checked', 100, 50, 5.0, 0.5),
        ('role', 1000, 0, 9.0, 3.0),
    ]
    results = [{'contender': contender, 'n': n, 'latency_ms': latency, 'wall_s': wall, 'cpu_s': cpu, 'requests_total': 600,
                'extrapolated': False, 'task_times': {'tasks_s': 0.8} if contender == 'role' else None}
               for contender, n, latency, wall, cpu in runs]
    bench.add_ratios(results, args)
    found = dict(((t['target'], t['n']), t) for t in bench.targets(results))
    assert set(t['latency_ms'] for t in found.values()) == {50}
    assert found[('wall x sdk-c8-checked', 1000)]['measured'] == 1.33 and not found[('wall x sdk-c8-checked', 1000)]['met']
    assert found[('wall x sdk-c8', 1000)]['measured'] == 1.5 and found[('wall x sdk-c8', 1000)]['met']
    assert found[('wall x sdk-c8-checked', 100)]['measured'] == 1.2 and found[('wall x sdk-c8-checked', 100)]['met']
    assert found[('CPU s', 1000)]['met'] and found[('tasks that run no module, s', 1000)]['met']
    assert found[('wall s over the polling floor (4 phases)', 1000)]['measured'] == pytest.approx(12.0 - 6.6)
    assert ('CPU s', 100) not in found
    assert 'MISSED' in bench.targets_text(bench.targets(results))


def test_the_memory_target_is_read_off_the_memory_run_with_every_facet():
    bench = load_bench()
    memory = [{'n': 10000, 'latency_ms': 0, 'include': ['status', 'progress'], 'peak_rss_mb': 55.0},
              {'n': 10000, 'latency_ms': 0, 'include': list(bench.MIGRATION_FACETS), 'peak_rss_mb': 151.0}]
    found = bench.targets([], memory)
    assert [(t['target'], t['n'], t['measured'], t['met']) for t in found] == [
        ('drs_batch_info peak MB, every facet', 10000, 151.0, False)]
    assert bench.targets([], [dict(memory[1], n=5000)]) == []     # a smaller run says nothing of 10,000 jobs
