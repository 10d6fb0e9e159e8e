"""Benchmark: precheck-and-start on a DRS fleet, cloudops.drs against what users would write instead.

One run starts the DRS emulator (tests/drs_emulator) on 127.0.0.1 once per latency L, loads a fleet of N
CONFIGURATION jobs whose pre-check takes D s and whose start takes S s (emulator clock at speed 1, so
these are real seconds as the clients see them), and for every contender measures

* the wall time of the whole contender process (ansible-playbook or the script, start-up included),
* the requests per endpoint, from the emulator's /_emulator/stats (reset before every contender),
* the peak RSS of every module process (or of the SDK script), from os.wait4() in a tiny interpreter
  wrapper that ansible uses as ansible_python_interpreter (so every AnsiballZ module process is a child of
  the wrapper and its exact high-water mark is known, not sampled),

and checks that the contender did its job (every job pre-checked once, started once, running).

* the CPU seconds of the contender's process tree (getrusage(RUSAGE_CHILDREN) around it; the emulator, also
  a child of the harness, ends only after all contenders) and of every module process (from the wrapper),
* for ansible-playbook runs, the seconds per task from a callback (tests/perf/callback_plugins), summed into
  tasks that run no module, DRS module tasks, report files, and ansible-playbook start-up and exit,

and checks that the contender did its job (every job pre-checked once, started once, running).

Contenders: ``role`` (cloudops.drs.precheck_and_start), ``modules`` (drs_batch_precheck, drs_batch_start
and drs_batch_info, each on its own), ``uri`` (tests/perf/playbooks/uri_per_job.yml, one job per loop item),
``sdk-c8`` and ``sdk-c8-checked`` (tests/perf/sdk_concurrent.py: the official huaweicloudsdkdrs client, 8
calls in flight, phase by phase; the checked one makes the role's safety reads first), and ``sdk-naive``
(tests/perf/sdk_flow.py, the naive script: batches of 10 one after another; ``sdk`` is an alias). Sizes
above --uri-max-n / --naive-max-n are extrapolated linearly from the largest measured size and marked so.
Then drs_batch_info on --memory-n jobs, with its default facets (status, progress) and with every facet of a
migration job (status, detail, progress, precheck), for the memory target.

Floors: requests = 4 x ceil(N/10) DRS calls (pre-check, pre-check result, start, status: each phase needs at
least one call per 10 jobs) + 1 IAM token for token auth. Wall time, with 8 calls in flight and every wait
noticed at a poll: ceil(D/poll) x poll + ceil(S/poll) x poll + phases x ceil(ceil(N/10) / 8) x L, with 4
phases for a bare flow and 6 for a checked one (the two safety reads).

Usage (see tests/perf/README.md):
  python tests/perf/bench.py [--python PY] [--collections-path DIR] [--sizes 10,100,1000] [--latencies 0,50]
                             [--contenders role,sdk-c8,sdk-c8-checked,...] [--out DIR] [--smoke]
"""

import argparse
import datetime
import json
import math
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
COLLECTION_ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(COLLECTION_ROOT, 'tests'))

from drs_emulator.pytest_plugin import RunningEmulator  # noqa: E402  pylint: disable=wrong-import-position

PROJECT_ID = '054ba152d480d55b2f5dc0069e7ddef0'
PROJECT_NAME = 'eu-de'
USERNAME = 'drs-operator'
PASSWORD = 'Emulator-Passw0rd!'  # the emulator's built-in test user, not a real secret
DOMAIN = 'OTC00000000001000000001'
CONTENDERS = ('role', 'role-c32', 'modules', 'uri', 'sdk-c8', 'sdk-c8-checked', 'sdk-naive')
ALIASES = {'sdk': 'sdk-naive'}  # the naive script's key before the concurrent SDK contenders came
LABELS = {'sdk-naive': 'sdk-naive (naive script)'}
IN_FLIGHT = 8  # calls in flight: the concurrent SDK contenders' threads, the modules' default max_concurrency
BARE_PHASES, CHECKED_PHASES = 4, 6  # pre-check, result, start, status (+ detail and last result read first)
CALLBACKS = os.path.join(HERE, 'callback_plugins')
# Targets of issue 16, read off the results at the end of a run (informational: a missed one is no failure).
TARGET_LATENCY, TARGET_SIZES, TARGET_CPU_S, TARGET_TASKS_S, TARGET_FLOOR_MARGIN_S = 50, (100, 1000), 4.0, 1.0, 2.0
TARGET_MEMORY_N = 10000        # drs_batch_info on this many jobs with every facet of a migration job ...
TARGET_MEMORY_MB = 150.0       # ... peaks below this (module process RSS)
TARGET_RATIOS = (('sdk-c8-checked', 1.2), ('sdk-c8', 1.5))
RUNNING = ('FULL_TRANSFER_STARTED', 'FULL_TRANSFER_COMPLETE', 'INCRE_TRANSFER_STARTED')
# The facets drs_batch_info can read for a migration job (rpo_rto and struct_process are DR-only).
MIGRATION_FACETS = ['status', 'detail', 'progress', 'precheck']
DEFAULT_FACETS = ['status', 'progress']  # drs_batch_info's default include
CONTENDER_TIMEOUT = 3600  # seconds: a bound for one contender process

# The interpreter wrapper: runs the real Python as its child and appends that child's peak RSS to
# $BENCH_RSS_LOG. Runs with -S -E (no site, no environment) to start in a few milliseconds.
WRAPPER = r'''#!%(python)s -SE
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(%(python)r, [%(python)r] + sys.argv[1:])
_pid, status, usage = os.wait4(pid, 0)
log = os.environ.get('BENCH_RSS_LOG')
if log:
    script = [a for a in sys.argv[1:] if not a.startswith('-')]
    name = os.path.basename(script[0]) if script else 'stdin'
    with open(log, 'a') as handle:
        handle.write('{"process": "%%s", "maxrss_kb": %%d, "cpu_s": %%.3f}\n'
                     %% (name.replace('"', ''), usage.ru_maxrss, usage.ru_utime + usage.ru_stime))
sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 1)
'''


def default_collections_path():
    """The directory holding ansible_collections/ for this collection (the laid-out tree, or the repo's parent)."""
    parts = COLLECTION_ROOT.split(os.sep)
    if len(parts) >= 3 and parts[-3] == 'ansible_collections':
        return os.sep.join(parts[:-3])
    return os.path.join(COLLECTION_ROOT, 'build')


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--python', default=sys.executable,
                        help='Python with ansible-core, requests and huaweicloudsdkdrs (default: this one); '
                             'ansible-playbook is taken from its directory')
    parser.add_argument('--collections-path', default=os.environ.get('ANSIBLE_COLLECTIONS_PATH') or default_collections_path(),
                        help='directory that holds ansible_collections/cloudops/drs')
    parser.add_argument('--sizes', default='10,100,1000', help='fleet sizes N (comma-separated)')
    parser.add_argument('--latencies', default='0,50', help='emulator latencies L in ms (comma-separated)')
    parser.add_argument('--contenders', default=','.join(CONTENDERS),
                        help='which of %s to run (sdk: the same as sdk-naive)' % ','.join(CONTENDERS))
    parser.add_argument('--precheck-duration', type=float, default=1.5, help='D: seconds a pre-check takes (default 1.5)')
    parser.add_argument('--start-duration', type=float, default=1.0, help='S: seconds a start takes (default 1)')
    parser.add_argument('--poll', type=int, default=2,
                        help='poll interval in s of every contender (drs_poll_interval, uri delay, SDK sleep; default 2)')
    parser.add_argument('--uri-max-n', type=int, default=100, help='largest N the uri playbook runs; larger N are extrapolated')
    parser.add_argument('--uri-skip', default='100:0',
                        help='N:L pairs the uri playbook does not run (extrapolated from the same N at another L or '
                             'from a smaller N), e.g. 100:0')
    parser.add_argument('--naive-max-n', '--sdk-max-n', dest='naive_max_n', type=int, default=1000,
                        help='largest N the naive SDK script (sdk-naive) runs; larger N are extrapolated')
    parser.add_argument('--naive-skip', '--sdk-skip', dest='naive_skip', default='1000:0',
                        help='N:L pairs the naive SDK script does not run (as --uri-skip)')
    parser.add_argument('--memory-n', type=int, default=10000, help='jobs for the drs_batch_info memory run (0: skip)')
    parser.add_argument('--out', default=os.path.join(HERE, 'results'), help='directory for the JSON results')
    parser.add_argument('--name', default='bench', help='base name of the result file')
    parser.add_argument('--smoke', action='store_true', help='N=10, L=0, every contender, no memory run, no extrapolation')
    parser.add_argument('--keep', action='store_true', help='keep the scratch directory (logs of every contender)')
    args = parser.parse_args(argv)
    if args.smoke:
        args.sizes, args.latencies, args.memory_n = '10', '0', 0
    args.sizes = [int(n) for n in args.sizes.split(',') if n]
    args.latencies = [int(ms) for ms in args.latencies.split(',') if ms]
    args.contenders = [ALIASES.get(c, c) for c in args.contenders.split(',') if c]
    unknown = set(args.contenders) - set(CONTENDERS)
    if unknown:
        parser.error('unknown contenders: %s' % ', '.join(sorted(unknown)))
    args.uri_skip = set(tuple(int(x) for x in pair.split(':')) for pair in args.uri_skip.split(',') if pair)
    args.naive_skip = set(tuple(int(x) for x in pair.split(':')) for pair in args.naive_skip.split(',') if pair)
    return args


def request_floor(n, token_auth, phases=BARE_PHASES):
    return phases * math.ceil(n / 10.0) + (1 if token_auth else 0)


def rounds(n):
    """Rounds of calls one phase needs for n jobs: at most 10 jobs per call, IN_FLIGHT calls at a time."""
    return math.ceil(math.ceil(n / 10.0) / float(IN_FLIGHT))


def noticed(seconds, poll):
    """A wait of ``seconds`` as a poller sees it: rounded up to whole poll intervals."""
    return math.ceil(seconds / float(poll) - 1e-9) * poll if poll > 0 else seconds


def wall_floor(n, latency_ms, args, phases=BARE_PHASES):
    """The polling floor: both waits rounded up to the poll, plus the request rounds of every phase."""
    return (noticed(args.precheck_duration, args.poll) + noticed(args.start_duration, args.poll)
            + phases * rounds(n) * latency_ms / 1000.0)


def task_times(events, wall_s, started):
    """Seconds of one ansible-playbook run by kind of task, from the callback's events (None without them).

    A task lasts from the end of the one before it (or its play's start) to its last result, so that the
    strategy's work before a task (variables, templating of ``when`` and arguments) counts for that task.
    Kinds: ``modules`` (a cloudops.drs.drs_batch_* module, which contacts DRS, that was not skipped),
    ``report_files`` (cloudops.drs.drs_report_files, a local file writer) and ``tasks`` (everything else: tasks
    that run no module, cloudops.drs.drs_report included: it renders the reports on the controller and runs a
    module only to write files, which the benchmark does not ask for). ``startup_exit_s`` is the wall time outside
    the plays (ansible-playbook start-up and exit);
    ``every_task`` lists each task's seconds (the harness writes it to the scratch directory).
    """
    plays = [e['t'] for e in events if e['event'] == 'play']
    ends = [e['t'] for e in events if e['event'] == 'end']
    if not plays or not ends:
        return None
    tasks, current, boundary = [], None, plays[0]
    for event in events + [{'event': 'end', 't': ends[-1]}]:
        if event['event'] == 'result' and current is not None:
            current['results'].append(event)
            continue
        if current is not None:
            current['end'] = current['results'][-1]['t'] if current['results'] else event['t']
            boundary = current['end']
            tasks.append(current)
            current = None
        if event['event'] == 'play':
            boundary = event['t']
        elif event['event'] == 'task':
            current = {'name': event['name'], 'action': event['action'], 'begin': boundary, 'results': []}
    totals = {'tasks': 0.0, 'modules': 0.0, 'report_files': 0.0}
    slowest, every = {}, []
    for task in tasks:
        action = task['action']
        ran = any(result['status'] != 'skipped' for result in task['results'])
        if action.endswith('drs_report_files'):
            kind = 'report_files'
        elif action.startswith('cloudops.drs.drs_batch_') and ran:
            kind = 'modules'
        else:
            kind = 'tasks'
        seconds = task['end'] - task['begin']
        totals[kind] += seconds
        every.append({'task': task['name'], 'action': action, 'kind': kind, 's': round(seconds, 3)})
        entry = slowest.setdefault((task['name'], action), {'task': task['name'], 'action': action, 'kind': kind, 'count': 0, 's': 0.0})
        entry['count'] += 1
        entry['s'] += seconds
    span = ends[-1] - plays[0]
    result = dict(('%s_s' % kind, round(seconds, 3)) for kind, seconds in totals.items())
    result.update({
        'startup_exit_s': round(wall_s - span, 3), 'startup_s': round(plays[0] - started, 3),
        'other_s': round(span - sum(totals.values()), 3), 'task_count': len(tasks),
        'slowest': [dict(entry, s=round(entry['s'], 3)) for entry in sorted(slowest.values(), key=lambda e: -e['s'])[:8]],
        'every_task': every,
    })
    return result


def add_task_times(total, part):
    """The sum of two task_times() results (for the modules contender's three runs)."""
    if total is None or part is None:
        return part if total is None else total
    summed = dict((key, round(total[key] + part[key], 3)) for key in total if key.endswith('_s') or key == 'task_count')
    summed['slowest'] = sorted(total['slowest'] + part['slowest'], key=lambda e: -e['s'])[:8]
    return summed


class Bench(object):
    """Runs the contenders against one emulator and collects the figures."""

    def __init__(self, args, scratch):
        self.args = args
        self.scratch = scratch
        self.python = os.path.abspath(args.python)
        self.bin_dir = os.path.dirname(self.python)
        self.playbook = os.path.join(self.bin_dir, 'ansible-playbook')
        if not os.path.exists(self.playbook):
            self.playbook = shutil.which('ansible-playbook')
        self.wrapper = os.path.join(scratch, 'python-rss')
        with open(self.wrapper, 'w', encoding='utf-8') as handle:
            handle.write(WRAPPER % {'python': self.python})
        os.chmod(self.wrapper, 0o755)
        self.emu = None
        self.latency = None

    # ------------------------------------------------------------------ emulator

    def fleet(self, n, seed):
        """Replace the emulator's jobs by a fresh fleet of n and clear the stats; returns the job ids."""
        self.emu.admin('POST', 'jobs', {'replace': True, 'generate': {
            'n': n, 'seed': seed, 'precheck_duration': self.args.precheck_duration,
            'start_duration': self.args.start_duration}})
        self.emu.admin('POST', 'reset', {'jobs': False, 'stats': True, 'faults': False, 'tokens': False})
        return [job['id'] for job in self.emu.jobs()]

    def stats(self):
        return self.emu.stats()

    def reset_stats(self):
        self.emu.admin('POST', 'reset', {'jobs': False, 'stats': True, 'faults': False, 'tokens': False})

    # ------------------------------------------------------------------ running a contender

    def env(self, rss_log, task_log=None):
        env = dict(os.environ)
        env.update({
            'ANSIBLE_COLLECTIONS_PATH': os.path.abspath(self.args.collections_path),
            'ANSIBLE_PYTHON_INTERPRETER': self.wrapper,
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_RETRY_FILES_ENABLED': '0',
            'ANSIBLE_LOCALHOST_WARNING': '0',
            'ANSIBLE_INVENTORY_UNPARSED_WARNING': '0',
            'BENCH_RSS_LOG': rss_log,
            # The module processes compile their zip payload as users' do (the test venvs cache it: make test).
            'DRS_ZIP_BYTECODE_CACHE': 'off',
            'PATH': self.bin_dir + os.pathsep + env.get('PATH', ''),
        })
        for name in [key for key in env if key.startswith(('OS_', 'HUAWEICLOUD_SDK_'))]:
            del env[name]  # the contenders get their credentials explicitly
        if task_log:  # the harness's callback, for its own ansible-playbook runs only
            env.update({'ANSIBLE_CALLBACK_PLUGINS': CALLBACKS, 'ANSIBLE_CALLBACKS_ENABLED': 'bench_task_times',
                        'BENCH_TASK_LOG': task_log})
        return env

    def run_process(self, label, command, task_times_wanted=False):
        """Run one contender process; returns its wall time, CPU seconds, rss records, task times, exit code, log path.

        CPU: user + system seconds of every process of the contender's tree that was waited for, from
        getrusage(RUSAGE_CHILDREN) before and after (the emulator, the harness's other child, is still running).
        """
        rss_log = os.path.join(self.scratch, '%s.rss.jsonl' % label)
        task_log = os.path.join(self.scratch, '%s.tasks.jsonl' % label) if task_times_wanted else None
        log_path = os.path.join(self.scratch, '%s.log' % label)
        load_before = os.getloadavg()
        with open(log_path, 'w', encoding='utf-8') as log:
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.monotonic()
            proc = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, env=self.env(rss_log, task_log),
                                  cwd=self.scratch, timeout=CONTENDER_TIMEOUT, check=False)
            wall = time.monotonic() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
        rss = read_jsonl(rss_log)
        times = task_times(read_jsonl(task_log), wall, started) if task_log else None
        if times:  # every task's seconds into the scratch directory (kept with --keep), the sums into the result
            with open(os.path.join(self.scratch, '%s.task-times.json' % label), 'w', encoding='utf-8') as handle:
                json.dump(times.pop('every_task'), handle, indent=1)
        return {'wall_s': round(wall, 3), 'cpu_s': round(cpu, 3), 'rss': rss, 'task_times': times, 'rc': proc.returncode,
                'log': log_path, 'loadavg_before': [round(x, 2) for x in load_before],
                'loadavg_after': [round(x, 2) for x in os.getloadavg()]}

    def vars_file(self, label, ids, **extra):
        data = {
            'drs_endpoint': self.emu.url, 'drs_auth_url': self.emu.url + '/v3', 'drs_username': USERNAME,
            'drs_password': PASSWORD, 'drs_domain_name': DOMAIN, 'drs_project_name': PROJECT_NAME,
            'drs_project_id': PROJECT_ID, 'drs_job_ids': ids, 'drs_poll_interval': self.args.poll,
            'bench_poll_delay': self.args.poll,
            'bench_module_args': {'auth_url': self.emu.url + '/v3', 'username': USERNAME, 'password': PASSWORD,
                                  'domain_name': DOMAIN, 'project_name': PROJECT_NAME, 'region': PROJECT_NAME,
                                  'endpoint': self.emu.url},
        }
        concurrency = extra.pop('bench_max_concurrency', None)
        if concurrency:
            data['bench_module_args']['max_concurrency'] = concurrency
        data.update(extra)
        path = os.path.join(self.scratch, '%s.vars.json' % label)
        with open(path, 'w', encoding='utf-8') as handle:
            json.dump(data, handle)
        return path

    def ansible(self, label, playbook, ids, task_times_wanted=True, **extra):
        vars_path = self.vars_file(label, ids, **extra)
        return self.run_process(label, [self.playbook, '-i', 'localhost,', os.path.join(HERE, 'playbooks', playbook),
                                        '-e', '@' + vars_path], task_times_wanted=task_times_wanted)

    def sdk(self, label, ids, script, *options):
        path = os.path.join(self.scratch, '%s.ids.json' % label)
        with open(path, 'w', encoding='utf-8') as handle:
            json.dump(ids, handle)
        return self.run_process(label, [self.wrapper, os.path.join(HERE, script), '--endpoint', self.emu.url,
                                        '--jobs-file', path, '--poll', str(self.args.poll)] + list(options))

    # ------------------------------------------------------------------ checks and figures

    def check_flow(self, ids, stats):
        """Problems with the outcome of a precheck-and-start flow (empty when every job ran through once)."""
        problems = []
        per_job = stats.get('jobs') or {}
        wrong = [job_id for job_id in ids if (per_job.get(job_id) or {}).get('starts') != 1]
        if wrong:
            problems.append('%d of %d jobs not started exactly once' % (len(wrong), len(ids)))
        wrong = [job_id for job_id in ids if (per_job.get(job_id) or {}).get('prechecks') != 1]
        if wrong:
            problems.append('%d of %d jobs not pre-checked exactly once' % (len(wrong), len(ids)))
        statuses = dict((job['id'], job.get('status')) for job in self.emu.jobs())
        wrong = [job_id for job_id in ids if statuses.get(job_id) not in RUNNING]
        if wrong:
            problems.append('%d of %d jobs not running (e.g. %s)' % (len(wrong), len(ids), statuses.get(wrong[0])))
        if stats.get('max_jobs_in_call', 0) > 10:
            problems.append('a call carried %d jobs' % stats['max_jobs_in_call'])
        return problems

    @staticmethod
    def figures(outcome, stats):
        requests = stats['requests']
        rss = outcome.pop('rss')
        modules = [r for r in rss if r['process'].startswith('AnsiballZ_') or r['process'].endswith('.py')]
        peak = max([r['maxrss_kb'] for r in modules] or [0])
        by_process, cpu_by_process = {}, {}
        for record in modules:
            name = record['process'].replace('AnsiballZ_', '').replace('.py', '')
            by_process[name] = max(by_process.get(name, 0), record['maxrss_kb'])
            cpu_by_process[name] = cpu_by_process.get(name, 0.0) + record.get('cpu_s', 0.0)
        outcome.update({
            'module_cpu_s': round(sum(cpu_by_process.values()), 3),
            'module_cpu_s_by_process': dict((k, round(v, 3)) for k, v in sorted(cpu_by_process.items())),
            'requests_total': requests['total'],
            'requests_by_endpoint': dict(sorted(requests['by_endpoint'].items())),
            'requests_by_status': requests['by_status'],
            'max_jobs_in_call': stats.get('max_jobs_in_call'),
            'module_processes': len(modules),
            'peak_rss_mb': round(peak / 1024.0, 1),
            'peak_rss_mb_by_process': dict((k, round(v / 1024.0, 1)) for k, v in sorted(by_process.items())),
        })
        return outcome

    def measure(self, contender, n, seed):
        label = '%s-n%d-l%d' % (contender, n, self.latency)
        ids = self.fleet(n, seed)
        if contender == 'role':
            outcome = self.ansible(label, 'role.yml', ids)
            stats = self.stats()
        elif contender == 'role-c32':  # the same with max_concurrency 32 (the option's maximum) in drs_auth
            outcome = self.ansible(label, 'role.yml', ids, bench_max_concurrency=32)
            stats = self.stats()
        elif contender == 'uri':  # no task times: one include per job, and no module of this collection
            outcome = self.ansible(label, 'uri_per_job.yml', ids, task_times_wanted=False)
            stats = self.stats()
        elif contender == 'sdk-naive':
            outcome = self.sdk(label, ids, 'sdk_flow.py')
            stats = self.stats()
        elif contender in ('sdk-c8', 'sdk-c8-checked'):
            options = ['--threads', str(IN_FLIGHT)] + (['--checked'] if contender == 'sdk-c8-checked' else [])
            outcome = self.sdk(label, ids, 'sdk_concurrent.py', *options)
            stats = self.stats()
        else:  # modules: one run per module, stats read and reset in between
            steps, stats_total = {}, None
            outcome = {'wall_s': 0.0, 'cpu_s': 0.0, 'rss': [], 'task_times': None, 'rc': 0, 'log': [],
                       'loadavg_before': list(os.getloadavg())}
            for step in ('precheck', 'start', 'info'):
                part = self.ansible('%s-%s' % (label, step), 'modules.yml', ids, bench_step=step)
                step_stats = self.stats()
                self.reset_stats()
                steps[step] = self.figures(dict(part), step_stats)
                steps[step].pop('log', None)
                outcome['wall_s'] = round(outcome['wall_s'] + part['wall_s'], 3)
                outcome['cpu_s'] = round(outcome['cpu_s'] + part['cpu_s'], 3)
                outcome['task_times'] = add_task_times(outcome['task_times'], part['task_times'])
                outcome['rss'] += part['rss']
                outcome['rc'] = outcome['rc'] or part['rc']
                outcome['log'].append(part['log'])
                stats_total = merge_stats(stats_total, step_stats)
            outcome['loadavg_after'] = [round(x, 2) for x in os.getloadavg()]
            outcome['steps'] = steps
            stats = stats_total
        result = self.figures(outcome, stats)
        result.update({'contender': contender, 'n': n, 'latency_ms': self.latency, 'extrapolated': False,
                       'problems': self.check_flow(ids, stats)})
        if result['rc'] != 0:
            result['problems'].append('exit code %d (log: %s)' % (result['rc'], result['log']))
        return result

    def memory(self, n):
        """drs_batch_info on n jobs: the module process's peak RSS with its default facets and with every facet."""
        ids = self.fleet(n, 7)
        runs = []
        for include in (DEFAULT_FACETS, MIGRATION_FACETS):
            label = 'memory-info-n%d-%s' % (n, '-'.join(include))
            self.reset_stats()
            outcome = self.ansible(label, 'modules.yml', ids, task_times_wanted=False, bench_step='info',
                                   bench_info_include=include)
            result = self.figures(outcome, self.stats())
            result.update({'contender': 'drs_batch_info', 'n': n, 'latency_ms': self.latency, 'include': include,
                           'problems': [] if result['rc'] == 0 else ['exit code %d (log: %s)' % (result['rc'], result['log'])]})
            result.pop('log', None)
            runs.append(result)
        return runs


def read_jsonl(path):
    """The records of a JSON-lines file ([] when it does not exist)."""
    if not path or not os.path.exists(path):
        return []
    with open(path, encoding='utf-8') as handle:
        return [json.loads(line) for line in handle if line.strip()]


def merge_stats(total, part):
    if total is None:
        total = {'requests': {'total': 0, 'by_endpoint': {}, 'by_status': {}}, 'max_jobs_in_call': 0, 'jobs': {}}
    total['requests']['total'] += part['requests']['total']
    for key in ('by_endpoint', 'by_status'):
        for name, count in part['requests'][key].items():
            total['requests'][key][name] = total['requests'][key].get(name, 0) + count
    total['max_jobs_in_call'] = max(total['max_jobs_in_call'], part.get('max_jobs_in_call') or 0)
    for job_id, job in (part.get('jobs') or {}).items():
        total['jobs'][job_id] = job  # the emulator's per-job stats accumulate over the steps already
    return total


def extrapolate(results, contender, n, latency, skip_reason):
    """A linear extrapolation to n from the closest measured run of the contender (same L if possible)."""
    measured = [r for r in results if r['contender'] == contender and not r['extrapolated']]
    same_l = [r for r in measured if r['latency_ms'] == latency]
    base = max(same_l or measured, key=lambda r: (r['n'] if r['n'] <= n else -r['n'], r['latency_ms'] == latency), default=None)
    if base is None:
        return None
    factor = n / float(base['n'])
    # per run, not per job: the IAM token (one per playbook run or module process) does not grow with N
    fixed = dict((k, v) for k, v in base['requests_by_endpoint'].items() if k.startswith('iam-'))
    by_endpoint = dict((k, v if k in fixed else int(round(v * factor))) for k, v in base['requests_by_endpoint'].items())
    return {
        'contender': contender, 'n': n, 'latency_ms': latency, 'extrapolated': True,
        'extrapolated_from': {'n': base['n'], 'latency_ms': base['latency_ms']}, 'note': skip_reason,
        'wall_s': round(base['wall_s'] * factor, 1), 'requests_total': sum(by_endpoint.values()),
        'requests_by_endpoint': by_endpoint,
        'peak_rss_mb': base['peak_rss_mb'], 'problems': [],
    }


def add_ratios(results, args):
    """Floors and ratios of every result: against the floors, the role, and the two concurrent SDK scripts."""
    peers = dict(((r['contender'], r['n'], r['latency_ms']), r) for r in results)
    for r in results:
        if r['contender'] == 'drs_batch_info':
            continue
        token_auth = not r['contender'].startswith('sdk')
        r['request_floor'] = request_floor(r['n'], token_auth)
        r['request_floor_checked'] = request_floor(r['n'], token_auth, CHECKED_PHASES)
        r['wall_floor_s'] = round(wall_floor(r['n'], r['latency_ms'], args), 3)
        r['wall_floor_checked_s'] = round(wall_floor(r['n'], r['latency_ms'], args, CHECKED_PHASES), 3)
        r['requests_vs_floor'] = round(r['requests_total'] / float(r['request_floor']), 2)
        r['wall_vs_floor'] = round(r['wall_s'] / r['wall_floor_s'], 2)
        r['wall_over_floor_s'] = round(r['wall_s'] - r['wall_floor_s'], 2)
        r['wall_over_floor_checked_s'] = round(r['wall_s'] - r['wall_floor_checked_s'], 2)
        for peer, key in (('role', 'role'), ('sdk-c8', 'sdk_c8'), ('sdk-c8-checked', 'sdk_c8_checked')):
            other = peers.get((peer, r['n'], r['latency_ms']))
            if other and other['wall_s']:
                r['wall_vs_%s' % key] = round(r['wall_s'] / other['wall_s'], 2)
                if peer == 'role':
                    r['requests_vs_role'] = round(r['requests_total'] / float(other['requests_total']), 2)


def targets(results, memory=()):
    """Issue 16's targets, read off the role's results and the memory runs: [{target, n, latency_ms, measured, limit,
    met}]."""
    found = []

    def check(target, r, measured, limit):
        if measured is not None:
            found.append({'target': target, 'n': r['n'], 'latency_ms': r['latency_ms'], 'measured': measured,
                          'limit': limit, 'met': measured <= limit})

    for r in results:
        if r['contender'] != 'role' or r['extrapolated'] or r['latency_ms'] != TARGET_LATENCY:
            continue
        if r['n'] in TARGET_SIZES:
            for peer, limit in TARGET_RATIOS:
                check('wall x %s' % peer, r, r.get('wall_vs_%s' % peer.replace('-', '_')), limit)
        if r['n'] == max(TARGET_SIZES):
            check('CPU s', r, r.get('cpu_s'), TARGET_CPU_S)
            check('tasks that run no module, s', r, (r.get('task_times') or {}).get('tasks_s'), TARGET_TASKS_S)
            check('wall s over the polling floor (4 phases)', r, r.get('wall_over_floor_s'), TARGET_FLOOR_MARGIN_S)
    for r in memory or ():
        if r.get('include') == MIGRATION_FACETS and r['n'] >= TARGET_MEMORY_N:
            check('drs_batch_info peak MB, every facet', r, r.get('peak_rss_mb'), TARGET_MEMORY_MB)
    return found


def targets_text(found):
    if not found:
        return 'targets: no target cell in this run (the role at N = %s, L = %d ms)' % (
            ' and '.join(str(n) for n in TARGET_SIZES), TARGET_LATENCY)
    lines = ['targets (informational; the role at L = %d ms):' % TARGET_LATENCY]
    for t in found:
        verdict = 'met' if t['met'] else 'MISSED'
        lines.append('  %-42s N=%-5d %8.2f <= %-5s %s' % (t['target'], t['n'], t['measured'], t['limit'], verdict))
    return '\n'.join(lines)


def cell(value, form='%.1f'):
    return form % value if value is not None else '-'


def table(results):
    head = ('contender', 'N', 'L ms', 'wall s', 'x floor', 'x sdk-c8', 'x c8-checked', 'x role', 'requests', 'x floor',
            'CPU s', 'tasks s', 'modules s', 'report s', 'startup s', 'peak MB', 'by endpoint')
    rows = [head]
    for r in results:
        if r['contender'] == 'drs_batch_info':
            continue
        endpoints = ' '.join('%s=%d' % (k.replace('batch-', ''), v) for k, v in r['requests_by_endpoint'].items())
        times = r.get('task_times') or {}
        rows.append((LABELS.get(r['contender'], r['contender']) + (' (extrapolated)' if r['extrapolated'] else '')
                     + (' FAILED' if r['problems'] else ''),
                     str(r['n']), str(r['latency_ms']), '%.1f' % r['wall_s'], '%.2f' % r['wall_vs_floor'],
                     cell(r.get('wall_vs_sdk_c8'), '%.2f'), cell(r.get('wall_vs_sdk_c8_checked'), '%.2f'),
                     cell(r.get('wall_vs_role'), '%.2f'), str(r['requests_total']), '%.2f' % r['requests_vs_floor'],
                     cell(r.get('cpu_s')), cell(times.get('tasks_s'), '%.2f'), cell(times.get('modules_s'), '%.2f'),
                     cell(times.get('report_files_s'), '%.2f'), cell(times.get('startup_exit_s'), '%.2f'),
                     '%.1f' % r['peak_rss_mb'], endpoints))
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    return '\n'.join('  '.join(cell_text.ljust(widths[i]) for i, cell_text in enumerate(row)).rstrip() for row in rows)


def extrapolated(args, contender, n, latency):
    """True for the runs of the uri playbook and the naive SDK script that are not run but extrapolated."""
    if args.smoke:
        return False
    if contender == 'uri':
        return n > args.uri_max_n or (n, latency) in args.uri_skip
    if contender == 'sdk-naive':
        return n > args.naive_max_n or (n, latency) in args.naive_skip
    return False


def on_signal(signum, frame):  # pylint: disable=unused-argument
    """SIGTERM/SIGINT (also when started in the background, where SIGINT is ignored): unwind, stop the emulator."""
    raise KeyboardInterrupt('stopped by signal %d' % signum)


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    scratch = tempfile.mkdtemp(prefix='drs-bench-')
    started = datetime.datetime.now(datetime.timezone.utc)
    results, memory = [], None
    bench = Bench(args, scratch)
    try:
        for latency in args.latencies:
            with RunningEmulator('--latency-ms', str(latency), '--speed', '1') as emu:
                bench.emu, bench.latency = emu, latency
                for index, n in enumerate(args.sizes):
                    for contender in args.contenders:
                        if extrapolated(args, contender, n, latency):
                            continue
                        print('running %s N=%d L=%d ms ...' % (contender, n, latency), flush=True)
                        result = bench.measure(contender, n, seed=100 + index)
                        problems = ('  PROBLEMS: ' + '; '.join(result['problems'])) if result['problems'] else ''
                        print('  %.1f s, %.1f CPU s, %d requests, peak %.1f MB%s'
                              % (result['wall_s'], result['cpu_s'], result['requests_total'], result['peak_rss_mb'], problems),
                              flush=True)
                        results.append(result)
                if args.memory_n and latency == args.latencies[0]:
                    print('running drs_batch_info on %d jobs (memory) ...' % args.memory_n, flush=True)
                    memory = bench.memory(args.memory_n)
                    for run in memory:
                        print('  include %s: peak %.1f MB, %.1f s' % (','.join(run['include']), run['peak_rss_mb'], run['wall_s']), flush=True)
        for latency in args.latencies:  # extrapolations, after every measurement (they may use any of them)
            for n in args.sizes:
                for contender in ('uri', 'sdk-naive'):
                    if contender in args.contenders and extrapolated(args, contender, n, latency):
                        guess = extrapolate(results, contender, n, latency, 'not run (time): linear extrapolation')
                        if guess:
                            results.append(guess)
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    order = dict((c, i) for i, c in enumerate(CONTENDERS))
    results.sort(key=lambda r: (r['latency_ms'], r['n'], order.get(r['contender'], 9)))
    add_ratios(results, args)
    for r in results:
        r.pop('log', None)
    report = {
        'started': started.strftime('%Y-%m-%dT%H:%M:%SZ'),
        'finished': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'),
        'machine': {'cpus': os.cpu_count(), 'platform': platform.platform(), 'python': platform.python_version(),
                    'loadavg_at_end': [round(x, 2) for x in os.getloadavg()]},
        'settings': {'precheck_duration_s': args.precheck_duration, 'start_duration_s': args.start_duration,
                     'emulator_speed': 1.0, 'clock': 'emulator speed 1: D and S are real seconds as the clients see them',
                     'poll_interval_s': args.poll, 'sizes': args.sizes, 'latencies_ms': args.latencies,
                     'uri_max_n': args.uri_max_n, 'naive_max_n': args.naive_max_n, 'contenders': args.contenders,
                     'in_flight': IN_FLIGHT,
                     'request_floor': '4 x ceil(N/10) DRS calls + 1 IAM token call (token auth)',
                     'request_floor_checked': '6 x ceil(N/10) DRS calls + 1 IAM token call (token auth)',
                     'wall_floor': 'ceil(D/poll) x poll + ceil(S/poll) x poll + 4 x ceil(ceil(N/10)/%d) x L' % IN_FLIGHT,
                     'wall_floor_checked': 'ceil(D/poll) x poll + ceil(S/poll) x poll + 6 x ceil(ceil(N/10)/%d) x L' % IN_FLIGHT},
        'results': results,
        'targets': targets(results, memory),
        'memory': memory,
    }
    print()
    print(table(results))
    print()
    print(targets_text(report['targets']))
    print()
    for run in memory or []:
        print('drs_batch_info on %d jobs, include %s: module peak RSS %.1f MB, %d requests, %.1f s'
              % (run['n'], ', '.join(run['include']), run['peak_rss_mb'], run['requests_total'], run['wall_s']))
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, '%s.json' % args.name)
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump(report, handle, indent=1, sort_keys=True)
        handle.write('\n')
    print('\nresults: %s' % path)
    failed = [r for r in results + (memory or []) if r['problems']]
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
