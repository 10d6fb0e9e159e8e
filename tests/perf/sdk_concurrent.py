"""Contenders sdk-c8 and sdk-c8-checked of the benchmark: the official ``huaweicloudsdkdrs`` client, 8 calls in flight.

What a competent script author writes in about a hundred lines: AK/SK credentials, the job ids in batches
of 10 (the API limit), a pool of 8 threads, and the flow phase by phase over all batches at once:

1. (``--checked`` only) the same safety reads as the role cloudops.drs.precheck_and_start: the detail of
   every job (batch-detail: a job that left CONFIGURATION is not touched) and its last pre-check result
   (batch-precheck-result: a passed pre-check is not repeated, a running one not submitted again);
2. submit the pre-check of every batch, sleep POLL seconds, poll the results of every batch not yet done
   (8 in flight) every POLL seconds until all are 100 %;
3. start every job whose pre-check passed, sleep POLL seconds, poll the status of every batch still starting
   every POLL seconds until no job is STARTJOBING any more.

Usage: sdk_concurrent.py --endpoint URL --jobs-file FILE [--checked] [--poll 2] [--threads 8] [--ak AK --sk SK]
Prints one JSON line (jobs, skipped, prechecks_passed, started, running, poll_rounds). Exit 1 unless every job\nthat was not skipped runs.
"""

import argparse
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkdrs.v3 import (
    BatchCheckJobsRequest, BatchCheckResultsRequest, BatchListJobDetailsRequest, BatchListJobStatusRequest,
    BatchPrecheckReq, BatchQueryJobReqPage, BatchQueryPrecheckResultReq, BatchStartJobReq, BatchStartJobsRequest,
    DrsClient, PageReq, PreCheckInfo, StartInfo,
)

# The emulator's built-in project A and its permanent key (test credentials of a local emulator).
PROJECT_A_ID = '054ba152d480d55b2f5dc0069e7ddef0'
PROJECT_A_AK = 'QTWAOYTTINDUT2QVKYUC'
PROJECT_A_SK = 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc'
MAX_ROUNDS = 600  # poll rounds per phase: a bound, so that a broken run ends
STARTING = ('CONFIGURATION', 'STARTJOBING')


def batches(ids, size=10):
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def page(batch):
    return BatchQueryJobReqPage(jobs=batch, page_req=PageReq(cur_page=1, per_page=len(batch)))


class Flow(object):
    """The DRS calls of the flow, each for one batch of at most 10 jobs, and the pool that runs 8 at a time."""

    def __init__(self, client, pool, interval):
        self.client, self.pool, self.interval, self.rounds = client, pool, interval, 0

    def each(self, call, ids):
        """call(batch) for every batch of 10 of ids, 8 in flight; returns the result items of all replies."""
        return [item for reply in self.pool.map(call, batches(ids)) for item in reply.results]

    def poll(self, call, ids, key, done):
        """Sleep, then read every batch not yet done (8 in flight), until done(item) for every job; {id: last item}."""
        last, pending, rounds_left = {}, list(ids), MAX_ROUNDS
        while pending:
            if not rounds_left:
                raise RuntimeError('gave up after %d poll rounds' % MAX_ROUNDS)
            rounds_left -= 1
            time.sleep(self.interval)
            self.rounds += 1
            last.update((getattr(item, key), item) for item in self.each(call, pending))
            pending = [job_id for job_id in pending if not done(last.get(job_id))]
        return last

    def details(self, batch):
        return self.client.batch_list_job_details(BatchListJobDetailsRequest(body=page(batch)))

    def precheck_results(self, batch):
        return self.client.batch_check_results(BatchCheckResultsRequest(body=BatchQueryPrecheckResultReq(jobs=batch)))

    def precheck(self, batch):
        return self.client.batch_check_jobs(BatchCheckJobsRequest(body=BatchPrecheckReq(
            jobs=[PreCheckInfo(job_id=job_id, precheck_mode='forStartJob') for job_id in batch])))

    def start(self, batch):
        return self.client.batch_start_jobs(BatchStartJobsRequest(body=BatchStartJobReq(jobs=[StartInfo(job_id=job_id) for job_id in batch])))

    def status(self, batch):
        return self.client.batch_list_job_status(BatchListJobStatusRequest(body=page(batch)))


def finished(result):
    return result is not None and not result.error_code and result.process == '100%'


def run(flow, ids, checked):
    """The whole flow; returns the figures printed as JSON."""
    todo, passed, running, skipped = list(ids), [], [], 0
    if checked:  # safety reads: touch only jobs in CONFIGURATION, repeat no passed or running pre-check
        status = dict((item.id, item.status) for item in flow.each(flow.details, ids))
        todo = [job_id for job_id in ids if status.get(job_id) == 'CONFIGURATION']
        skipped = len(ids) - len(todo)
        last = dict((item.precheck_id, item) for item in flow.each(flow.precheck_results, todo))
        passed = [job_id for job_id in todo if finished(last.get(job_id)) and last[job_id].result]
        running = [job_id for job_id in todo if job_id in last and not last[job_id].error_code and not finished(last[job_id])]
        todo = [job_id for job_id in todo if job_id not in passed and job_id not in running]
    checking = [item.id for item in flow.each(flow.precheck, todo) if item.status == 'success'] + running
    results = flow.poll(flow.precheck_results, checking, 'precheck_id', finished)
    passed += [job_id for job_id in checking if results[job_id].result]
    started = [item.id for item in flow.each(flow.start, passed) if item.status == 'success']
    statuses = flow.poll(flow.status, started, 'id', lambda item: item is not None and item.status not in STARTING)
    return {'jobs': len(ids), 'skipped': skipped, 'prechecks_passed': len(passed), 'started': len(started),
            'running': len([job_id for job_id in started if statuses[job_id].status not in STARTING]),
            'poll_rounds': flow.rounds}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--endpoint', required=True, help='DRS endpoint, e.g. http://127.0.0.1:PORT')
    parser.add_argument('--jobs-file', required=True, help='JSON list of job ids')
    parser.add_argument('--checked', action='store_true', help='read details and last pre-check results first (like the role)')
    parser.add_argument('--poll', type=float, default=2.0, help='seconds between two poll rounds (default 2)')
    parser.add_argument('--threads', type=int, default=8, help='calls in flight (default 8)')
    parser.add_argument('--project-id', default=PROJECT_A_ID)
    parser.add_argument('--ak', default=PROJECT_A_AK)
    parser.add_argument('--sk', default=PROJECT_A_SK)
    args = parser.parse_args(argv)
    with open(args.jobs_file, encoding='utf-8') as handle:
        ids = json.load(handle)
    client = DrsClient.new_builder() \
        .with_credentials(BasicCredentials(args.ak, args.sk, args.project_id)) \
        .with_endpoint(args.endpoint) \
        .build()
    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        figures = run(Flow(client, pool, args.poll), ids, args.checked)
    print(json.dumps(figures))
    return 0 if figures['running'] + figures['skipped'] == figures['jobs'] else 1


if __name__ == '__main__':
    sys.exit(main())
