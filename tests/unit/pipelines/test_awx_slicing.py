"""AWX job slicing over a fleet inventory (docs/awx/fleet_inventory.yml), simulated: the inventory is cut into slices
the way AWX cuts it (slice k of n gets every n-th host from the k-th on; here the hosts are ordered by name), the slices run at the
same time through ansible-runner (the engine of AWX's execution nodes) against one DRS emulator, with the credential
in the environment as AWX injects it. The emulator's statistics show that every job was handled exactly once (its
pre-check submitted at most once, started once or, when it must not start, never), and the slices' set_stats
artefacts add up to the whole fleet: every host and job in exactly one slice, the totals summing to the fleet's.
"""

import os
import sys

import pytest
import yaml

import ansible_runner

from drs_emulator.pytest_plugin import DOMAIN_NAME, USER_NAME, USER_PASSWORD, RunningEmulator
from drs_emulator.pytest_plugin import collections_dir as emulator_collections_dir

from pipeline_helpers import COLLECTION_DIR, DEMO_FIXTURE, FAILING_PRECHECK, RC_HOST_FAILED, RC_OK

INVENTORY = os.path.join(COLLECTION_DIR, 'docs', 'awx', 'fleet_inventory.yml')
GROUP = 'drs_fleet'
SLICES = 3
# Jobs that must not be pre-checked in the run: passed before it, or already running
NO_PRECHECK = {'140b5236-88ad-43c8-811c-1268453jb101', '6f3d0a71-8c2e-4a5b-9d7f-1b3e5c7jb108',
               'e2b4d6f8-1a3c-4e5f-9b7d-8c0e2a4jb202'}
# Jobs that must not be started: already running, or their pre-check fails
NO_START = {'6f3d0a71-8c2e-4a5b-9d7f-1b3e5c7jb108', 'e2b4d6f8-1a3c-4e5f-9b7d-8c0e2a4jb202', FAILING_PRECHECK}


def load_inventory():
    with open(INVENTORY, encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def awx_slices(inventory, count):
    """The inventories of the ``count`` slices, as AWX builds them: the group with only the slice's hosts."""
    hosts = inventory[GROUP]['hosts']
    names = sorted(hosts)
    slices = []
    for number in range(1, count + 1):
        chosen = names[number - 1::count]
        slices.append({GROUP: {'vars': inventory[GROUP]['vars'], 'hosts': dict((name, hosts[name]) for name in chosen)}})
    return slices


def fleet_jobs(inventory):
    return [job for host in inventory[GROUP]['hosts'].values() for job in host['drs_jobs']]


@pytest.fixture(scope='module')
def sliced_run(tmp_path_factory):
    """The job template with job slicing 3: the slices run at once; returns (slice inventories, runners, stats)."""
    collections_path = emulator_collections_dir(COLLECTION_DIR, tmp_path_factory)
    slices = awx_slices(load_inventory(), SLICES)
    top = tmp_path_factory.mktemp('awx-slices')
    with RunningEmulator('--speed', '200', '--fixture', DEMO_FIXTURE) as emulator:
        emulator.reset(jobs=False, stats=True, faults=True)
        # what the DRS credential type injects (docs/awx/credential_type.yml); the endpoint is the emulator's
        credential = {'OS_AUTH_URL': emulator.url + '/v3', 'OS_USERNAME': USER_NAME, 'OS_PASSWORD': USER_PASSWORD,
                      'OS_USER_DOMAIN_NAME': DOMAIN_NAME, 'OS_DRS_ENDPOINT_OVERRIDE': emulator.url}
        path = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get('PATH', '')])
        started = []
        for number, inventory in enumerate(slices, 1):
            private = top / ('slice-%d' % number)
            (private / 'inventory').mkdir(parents=True)
            with open(str(private / 'inventory' / 'hosts.yml'), 'w', encoding='utf-8') as handle:
                yaml.safe_dump(inventory, handle)
            started.append(ansible_runner.run_async(
                private_data_dir=str(private), playbook='cloudops.drs.precheck_and_start',
                extravars={'drs_hosts': GROUP, 'drs_poll_interval': 1, 'drs_start_passed_subset': True},
                envvars=dict(credential, ANSIBLE_COLLECTIONS_PATH=collections_path, ANSIBLE_PYTHON_INTERPRETER=sys.executable,
                             PATH=path, ANSIBLE_NOCOLOR='1'),
                quiet=True))
        runners = []
        for thread, runner in started:
            thread.join(600)
            assert not thread.is_alive(), 'a slice did not finish in 10 minutes'
            runners.append(runner)
        return slices, runners, emulator.stats()


def artifact_data(runner):
    stats = [event for event in runner.events if event['event'] == 'playbook_on_stats']
    assert len(stats) == 1
    return stats[0]['event_data']['artifact_data']['drs_precheck_and_start']


def test_slices_split_the_hosts_like_awx_every_host_in_exactly_one_slice():
    inventory = load_inventory()
    slices = awx_slices(inventory, SLICES)
    hosts = [name for part in slices for name in part[GROUP]['hosts']]
    assert sorted(hosts) == sorted(inventory[GROUP]['hosts']) and len(hosts) == len(set(hosts))
    assert [sorted(part[GROUP]['hosts']) for part in slices] == [
        ['eu-de-billing', 'eu-de-orders'], ['eu-de-crm', 'eu-de-payments'], ['eu-de-ledger', 'eu-nl']]


def test_every_job_is_prechecked_at_most_once_and_started_exactly_once_unless_it_must_not_start(sliced_run):
    dummy, dummy, stats = sliced_run
    jobs = fleet_jobs(load_inventory())
    assert len(jobs) == len(set(jobs)) == 11
    prechecks = dict((job, stats['jobs'].get(job, {}).get('prechecks', 0)) for job in jobs)
    starts = dict((job, stats['jobs'].get(job, {}).get('starts', 0)) for job in jobs)
    assert prechecks == dict((job, 0 if job in NO_PRECHECK else 1) for job in jobs)
    assert starts == dict((job, 0 if job in NO_START else 1) for job in jobs)
    assert stats['requests']['by_endpoint']['batch-starting'] >= 1


def test_only_the_slice_with_the_job_that_fails_precheck_fails(sliced_run):
    slices, runners, dummy = sliced_run
    outcome = [(sorted(part[GROUP]['hosts']), runner.rc) for part, runner in zip(slices, runners)]
    assert outcome == [(['eu-de-billing', 'eu-de-orders'], RC_OK), (['eu-de-crm', 'eu-de-payments'], RC_HOST_FAILED),
                       (['eu-de-ledger', 'eu-nl'], RC_OK)]


def test_the_slices_set_stats_artefacts_add_up_to_the_whole_fleet(sliced_run):
    slices, runners, dummy = sliced_run
    inventory = load_inventory()
    summaries = {}
    for part, runner in zip(slices, runners):
        data = artifact_data(runner)
        assert sorted(data) == sorted(part[GROUP]['hosts'])
        summaries.update(data)
    assert sorted(summaries) == sorted(inventory[GROUP]['hosts'])
    jobs = fleet_jobs(inventory)
    assert sum(summary['total'] for summary in summaries.values()) == len(jobs)
    started = [job for summary in summaries.values() for job in summary['jobs']['start_started']]
    unchanged = [job for summary in summaries.values() for job in summary['jobs']['start_unchanged']]
    problems = [job for summary in summaries.values() for job in summary['problem_jobs']]
    assert sorted(started) == sorted(set(jobs) - NO_START)
    assert sorted(unchanged) == sorted(NO_START - {FAILING_PRECHECK})
    assert problems == [FAILING_PRECHECK]
    assert [host for host, summary in sorted(summaries.items()) if not summary['ok']] == ['eu-de-crm']
    for host, summary in summaries.items():
        assert summary['context']['project'] == inventory[GROUP]['hosts'][host]['drs_project_name']
