"""Contender 3 of the benchmark: precheck and start with the official ``huaweicloudsdkdrs`` client.

Written the straightforward way a script author would, without this collection: AK/SK credentials,
the job ids in batches of 10 (the API limit), one batch after another; for each batch submit the
pre-check, poll its results every POLL seconds until all are 100 %, start the batch, poll its status
every POLL seconds until no job is STARTJOBING any more, then go on with the next batch.

Usage: sdk_flow.py --endpoint URL --jobs-file FILE [--poll 2] [--project-id ID] [--ak AK --sk SK]
Prints one JSON line: {"jobs": n, "started": n, "prechecks_failed": n, "polls": n}. Exit 1 on any error.
"""

import argparse
import json
import sys
import time

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkdrs.v3 import (
    BatchCheckJobsRequest, BatchCheckResultsRequest, BatchListJobStatusRequest, BatchPrecheckReq,
    BatchQueryJobReqPage, BatchQueryPrecheckResultReq, BatchStartJobReq, BatchStartJobsRequest,
    DrsClient, PageReq, PreCheckInfo, StartInfo,
)

# The emulator's built-in project A and its permanent key (test credentials of a local emulator).
PROJECT_A_ID = '054ba152d480d55b2f5dc0069e7ddef0'
PROJECT_A_AK = 'QTWAOYTTINDUT2QVKYUC'
PROJECT_A_SK = 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc'
MAX_POLLS = 600          # per batch and phase: a bound, so that a broken run ends


def batches(ids, size=10):
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def poll(fetch, done, interval):
    """Call fetch() until done(reply); returns the number of polls. Bounded by MAX_POLLS."""
    for count in range(1, MAX_POLLS + 1):
        if done(fetch()):
            return count
        time.sleep(interval)
    raise RuntimeError('gave up after %d polls' % MAX_POLLS)


def precheck_done(reply):
    return all(result.process == '100%' for result in reply.results)


def start_done(reply):
    return all(result.status not in ('CONFIGURATION', 'STARTJOBING') for result in reply.results)


def run(client, ids, interval):
    started = failed = polls = 0
    for batch in batches(ids):
        client.batch_check_jobs(BatchCheckJobsRequest(body=BatchPrecheckReq(
            jobs=[PreCheckInfo(job_id=job_id, precheck_mode='forStartJob') for job_id in batch])))
        results_request = BatchCheckResultsRequest(body=BatchQueryPrecheckResultReq(jobs=batch))
        replies = []
        polls += poll(lambda: replies.append(client.batch_check_results(results_request)) or replies[-1], precheck_done, interval)
        passed = [job_id for job_id, result in zip(batch, replies[-1].results) if result.result]
        failed += len(batch) - len(passed)
        if not passed:
            continue
        reply = client.batch_start_jobs(BatchStartJobsRequest(body=BatchStartJobReq(jobs=[StartInfo(job_id=job_id) for job_id in passed])))
        started += sum(1 for result in reply.results if result.status == 'success')
        status_request = BatchListJobStatusRequest(body=BatchQueryJobReqPage(jobs=passed, page_req=PageReq(cur_page=1, per_page=len(passed))))
        polls += poll(lambda: client.batch_list_job_status(status_request), start_done, interval)
    return {'jobs': len(ids), 'started': started, 'prechecks_failed': failed, 'polls': polls}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--endpoint', required=True, help='DRS endpoint, e.g. http://127.0.0.1:PORT')
    parser.add_argument('--jobs-file', required=True, help='JSON list of job ids')
    parser.add_argument('--poll', type=float, default=2.0, help='seconds between two polls (default 2)')
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
    print(json.dumps(run(client, ids, args.poll)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
