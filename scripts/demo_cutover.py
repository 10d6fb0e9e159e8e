"""`make demo-cutover`: a whole migration wave on the demo fleet against the bundled DRS emulator, and check it.

1. Starts the emulator with the demo fleet (``tests/drs_emulator/fixtures/demo.yml``, ``--speed 60``), as
   ``make demo`` does (``scripts/demo.py``; ``DRS_EMULATOR_PROFILE`` picks the profile).
2. Day one: ``ansible-playbook cloudops.drs.precheck_and_start`` pre-checks and starts the wave (one host per
   project, eu-de and eu-nl): migrations and syncs that pass the pre-check, and a sync already running.
3. Day two: ``ansible-playbook cloudops.drs.cutover`` with ``drs_cutover_stop=true`` waits until every job of the
   wave is in ``INCRE_TRANSFER_STARTED`` with an incremental delay of 0 s for ``drs_cutover_stable_for`` seconds
   (the delays fall over a few emulator minutes, a few real seconds), writes the reports and stops the jobs.
4. Checks from the emulator's ``/_emulator/jobs`` and ``/_emulator/stats`` and the reports: every job of the wave
   reached ``RELEASE_RESOURCE_COMPLETE`` through one stop request per project, no other job of the fleet was
   stopped, and the reports list every job as ready and stopped.
5. Always stops the emulator; exits 0 when every check passed (1 otherwise).

Usage: demo_cutover.py [--python PY] [--collections-path DIR] [--out DIR]
"""

import argparse
import json
import os
import re
import signal
import sys
import time

import demo

ROOT = demo.ROOT
# The wave, per project: every job reaches the incremental phase (FULL_INCR_TRANS or INCR_TRANS) and is no dual-active
# task (those are stopped through their parent). payments-mysql-sync (jb108) and nl-stock-mysql-sync (jb202) already run.
WAVE = {
    'eu-de': ['140b5236-88ad-43c8-811c-1268453jb101', '3f6c2a91-5b7e-4d10-9c2f-7a8e4b1jb102',
              '7b2e9f13-4a6d-4c8b-b0e5-9d1f3a5jb104', '9c4f1b35-6e8a-4d2c-a1f7-0e3b5d7jb105',
              '6f3d0a71-8c2e-4a5b-9d7f-1b3e5c7jb108'],
    'eu-nl': ['e2b4d6f8-1a3c-4e5f-9b7d-8c0e2a4jb201', 'e2b4d6f8-1a3c-4e5f-9b7d-8c0e2a4jb202'],
}
STOPPED = 'RELEASE_RESOURCE_COMPLETE'


def write_inventory(path, url):
    hosts = dict((project, {'drs_region': project, 'drs_project_name': project, 'drs_jobs': jobs}) for project, jobs in WAVE.items())
    inventory = {'drs_projects': {'hosts': hosts, 'vars': {
        'ansible_connection': 'local',
        # the emulator's built-in user (tests/drs_emulator/README.md); a real fleet keeps these in a vault
        'drs_auth': {'auth_url': url + '/v3', 'endpoint': url, 'username': 'drs-operator',
                     'password': 'Emulator-Passw0rd!', 'domain_name': 'OTC00000000001000000001'},
    }}}
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump(inventory, handle, indent=2)


def check(url, reports, start_rc, cutover_rc):
    problems = []

    def expect(condition, message):
        if not condition:
            problems.append(message)

    expect(start_rc == 0, 'day one (precheck_and_start) should succeed for the wave; it exited %d' % start_rc)
    expect(cutover_rc == 0, 'day two (cutover) should succeed; it exited %d' % cutover_rc)
    statuses = dict((job['id'], job['status']) for job in demo.admin(url, 'jobs')['jobs'])
    stats = demo.admin(url, 'stats')
    wave = [job_id for jobs in WAVE.values() for job_id in jobs]
    for job_id in wave:
        expect(statuses.get(job_id) == STOPPED, '%s should be %s; it is %s' % (job_id, STOPPED, statuses.get(job_id)))
    others = [job_id for job_id, status in statuses.items() if job_id not in wave and stats['jobs'].get(job_id, {}).get(
        'requests', {}).get('batch-jobs')]
    expect(not others, 'no job outside the wave may get a stop request; %s did' % others)
    expect(stats['requests']['by_endpoint'].get('batch-jobs') == len(WAVE),
           'one stop request per project expected; the emulator counted %s' % stats['requests']['by_endpoint'].get('batch-jobs'))
    for project, jobs in WAVE.items():
        path = os.path.join(reports, 'cutover-%s.md' % project)
        if not os.path.exists(path):
            problems.append('the cut-over report of %s is missing' % project)
            continue
        with open(path, encoding='utf-8') as handle:
            markdown = handle.read()
        rows = re.findall(r'^\| .* \| `([0-9a-z-]{36})` \| .* \| yes \| stopped \| - \|$', markdown, re.M)
        expect(rows == jobs, 'the cut-over report of %s should list every job ready and stopped; it lists %s' % (project, rows))
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--python', default=sys.executable, help='Python with ansible-core and the emulator deps')
    parser.add_argument('--collections-path', default=None, help='directory holding ansible_collections/cloudops/drs')
    parser.add_argument('--out', default=os.path.join('build', 'demo-cutover'), help='where the reports and logs go')
    args = parser.parse_args()
    os.chdir(ROOT)
    out = os.path.abspath(args.out)
    reports = os.path.join(out, 'reports')
    os.makedirs(reports, exist_ok=True)
    for name in os.listdir(reports):
        os.remove(os.path.join(reports, name))
    collections_path = os.path.abspath(args.collections_path or 'build')
    if not os.path.isdir(os.path.join(collections_path, 'ansible_collections', 'cloudops', 'drs')):
        print('demo-cutover: no ansible_collections/cloudops/drs in %s (run `make collection` first)' % collections_path,
              file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, demo.on_signal)
    signal.signal(signal.SIGINT, demo.on_signal)
    emulator = None
    try:
        emulator, url = demo.start_emulator(args.python, os.path.join(out, 'emulator.log'))
        inventory = os.path.join(out, 'inventory.yml')
        write_inventory(inventory, url)
        started = time.monotonic()
        print('\n== Day one: pre-check and start the wave ==', flush=True)
        start_rc = demo.run_playbook(args.python, collections_path, 'precheck_and_start', inventory, {'drs_report_dir': reports},
                                     os.path.join(out, 'day1.log'))
        print('\n== Day two: wait until the wave is ready for cut-over, then stop it ==', flush=True)
        cutover_rc = demo.run_playbook(args.python, collections_path, 'cutover', inventory,
                                       {'drs_report_dir': reports, 'drs_cutover_stop': 'true', 'drs_cutover_stable_for': 5,
                                        'drs_cutover_timeout': 300}, os.path.join(out, 'day2.log'))
        took = time.monotonic() - started
        problems = check(url, reports, start_rc, cutover_rc)
    except (RuntimeError, OSError, demo.Stop) as ex:
        print('demo-cutover: %s' % ex, file=sys.stderr)
        return 1
    finally:
        demo.stop_emulator(emulator)
        if emulator is not None:
            print('DRS emulator stopped.', flush=True)
    print('\nReports:')
    for name in sorted(os.listdir(reports)):
        print('  %s' % demo.shown(os.path.join(reports, name)))
    if problems:
        print('\nDEMO-CUTOVER FAILED:')
        for problem in problems:
            print('  - %s' % problem)
        return 1
    print('\nDEMO-CUTOVER OK (%.0f s): %d jobs in 2 projects pre-checked and started on day one, waited for until their '
          'delay was 0 s and stable, and stopped on day two.' % (took, sum(len(jobs) for jobs in WAVE.values())))
    return 0


if __name__ == '__main__':
    sys.exit(main())
