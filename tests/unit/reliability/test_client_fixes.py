"""Regression tests for the client bugs the reliability runs found (see docs/reliability.md, "Bugs found").

1. A start that DRS processed after the client's read timeout made the re-sent start fail with DRS.M00304
   ("a task can be started only in CONFIGURATION"): the job was reported as not started although it had been
   started exactly once. Now a refused re-send is reconciled again.
2. A token living shorter than the refresh margin (120 s) was renewed before every single request.
"""

import random
import time

from drs_emulator.pytest_plugin import ACCESS_KEY_A, DOMAIN_NAME, PROJECT_A_ID, USER_NAME, USER_PASSWORD

from ansible_collections.cloudops.drs.plugins.module_utils._auth import resolve_auth
from ansible_collections.cloudops.drs.plugins.module_utils._client import DrsClient


def first_seed_spiking_only_the_first_request():
    for seed in range(1000):
        rng = random.Random(seed)
        if rng.random() < 0.5 <= rng.random():
            return seed
    raise AssertionError('no seed')


def test_a_start_processed_after_the_read_timeout_is_reported_started_not_failed(emu):
    emu.load_jobs({'generate': {'n': 1, 'seed': 1, 'precheck_passed': True}})
    job = emu.jobs()[0]['id']
    # the first start waits 1.3 s on the server (beyond api_timeout 1 s) and is then processed; the client waits out a
    # start lag before it would re-send, reads the status again and finds the job started: nothing is sent twice
    emu.set_faults(spike_rate=0.5, spike_ms=1300, endpoints=['batch-starting'], seed=first_seed_spiking_only_the_first_request())
    auth = resolve_auth({'endpoint': emu.url, 'access_key': ACCESS_KEY_A[0], 'secret_key': ACCESS_KEY_A[1],
                         'project_id': PROJECT_A_ID}, {})
    client = DrsClient(auth, api_timeout=1, sleep=lambda seconds: time.sleep(0.6))  # re-send after the first is processed
    seen = []

    def reconcile(ids):
        statuses, dummy = client.batch_status(ids)
        seen.append([statuses[job_id]['status'] for job_id in ids])
        return set(job_id for job_id in ids if statuses[job_id]['status'] != 'CONFIGURATION')

    replies = client.batch_start([(job, None) for job in [job]], reconcile=reconcile)

    assert seen[0] == ['CONFIGURATION']           # the first reconcile ran before the server processed the start
    assert replies[job]['status'] == 'success' and replies[job].get('reconciled') is True
    stats = emu.stats()
    assert stats['jobs'][job]['starts'] == 1 and stats['jobs'][job]['start_requests'] == 1
    assert client.stats['retried']['connection'] == 0   # no re-send to count


def test_a_token_shorter_lived_than_the_refresh_margin_is_not_renewed_before_every_request(emu):
    emu.load_jobs({'generate': {'n': 3, 'seed': 1}})
    ids = [job['id'] for job in emu.jobs()]
    emu.set_faults(token_ttl=6000)  # 30 s at --speed 200: shorter than the 120 s refresh margin
    auth = resolve_auth({'auth_url': emu.url + '/v3', 'endpoint': emu.url, 'username': USER_NAME, 'password': USER_PASSWORD,
                         'domain_name': DOMAIN_NAME, 'project_name': 'eu-de'}, {})
    client = DrsClient(auth)
    for dummy in range(10):
        items, dummy_not_found = client.batch_status(ids)
        assert list(items) == ids
    assert emu.stats()['requests']['by_endpoint']['iam-tokens'] == 1
