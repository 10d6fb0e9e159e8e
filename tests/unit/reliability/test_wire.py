"""Robust on the wire, end to end (playbook runs): an outage longer than the old 8 attempts, and replies of shapes
no DRS sends (nested 200 000 levels deep, ``precheck_result`` as a string). The client-level rules (deadline
budget, one IAM renewal sequence, total request time, reply size) are in tests/unit/plugins/module_utils."""

import re

import pytest

from bad_reply_stub import DEEP, JOB_ID as STUB_JOB, PRECHECK_RESULT_STRING, BadReplyStub
from reliability_helpers import aksk_auth, local_play, run_playbook, write_playbook

# Longer than 9 attempts can last (0.5 + 1 + 2 + 4 + 8 + 10 + 10 + 10 = 45.5 s of backoff at most), plus the time the
# playbook takes to send its first request: the window opens when the faults are set, before ansible-playbook starts.
# With 40 s, a run on a loaded 2-core machine (make test) sent its first request late and got through on the 9th
# attempt, after 8 errors.
OUTAGE_SECONDS = 60


def module_task(name, module, options):
    return {'name': name, 'cloudops.drs.%s' % module: options, 'ignore_errors': True, 'register': name}


@pytest.fixture(scope='module')
def outage_run(reliability_emulator, collections_path, tmp_path_factory):
    emu = reliability_emulator
    emu.set_faults(clear=True)
    emu.load_jobs({'generate': {'n': 5, 'seed': 3}})
    emu.reset(jobs=True, stats=True, faults=False, tokens=True)
    ids = [job['id'] for job in emu.jobs()]
    emu.set_faults(error_rate=1.0, error_status=503, endpoints=['batch-detail'], for_seconds=OUTAGE_SECONDS)
    tasks = [module_task('precheck_through_an_outage', 'drs_batch_precheck', dict(aksk_auth(emu), jobs=ids, poll_interval=1))]
    tmp = tmp_path_factory.mktemp('outage')
    try:
        run = run_playbook(write_playbook(tmp / 'outage.yml', [local_play(tasks)]), collections_path, tmp / 'runner')
        stats = emu.stats()
    finally:
        emu.set_faults(clear=True)
    return run, stats, ids


def test_a_run_outlasts_an_outage_longer_than_eight_attempts_when_its_deadline_allows(outage_run):
    run, stats, ids = outage_run
    result = run.result('precheck_through_an_outage')
    assert result.get('failed') is not True, result.get('msg')
    assert result['passed_jobs'] == ids
    assert stats['faults_injected']['error'] >= 9          # one request failed at least 9 times in a row, then succeeded
    assert result['retries']['server_error'] >= 8


@pytest.fixture(scope='module')
def shapes_run(collections_path, tmp_path_factory):
    with BadReplyStub() as stub:
        def auth(project):
            return {'auth_token': 'stub-token-value-0001', 'project_id': project, 'endpoint': stub.url}
        tasks = [
            module_task('reply_nested_200000_levels', 'drs_batch_start', dict(auth(DEEP), jobs=[STUB_JOB])),
            module_task('precheck_result_a_string', 'drs_batch_precheck', dict(auth(PRECHECK_RESULT_STRING), jobs=[STUB_JOB])),
        ]
        tmp = tmp_path_factory.mktemp('shapes')
        return run_playbook(write_playbook(tmp / 'shapes.yml', [local_play(tasks)]), collections_path, tmp / 'runner')


def test_a_reply_nested_200000_levels_deep_is_a_clear_error_naming_the_endpoint_and_every_job_is_reported(shapes_run):
    result = shapes_run.result('reply_nested_200000_levels')
    assert result['failed'] is True
    assert re.match(r"^DRS sent a reply the client cannot read: POST http://127\.0\.0\.1:\d+/v3/0{31}6/jobs/batch-detail "
                    r"answered HTTP 200: the reply is JSON nested too deeply to read", result['msg']), result['msg']
    assert 'RecursionError' not in str(result) and 'RecursionError' not in shapes_run.text, result.get('exception')
    assert [job['id'] for job in result['jobs']] == [STUB_JOB]
    assert result['error']['url'].endswith('/jobs/batch-detail')


def test_a_precheck_result_that_is_a_string_does_not_lose_the_verdict(shapes_run):
    result = shapes_run.result('precheck_result_a_string')
    assert result.get('failed') is not True, result.get('msg')
    assert [job['outcome'] for job in result['jobs']] == ['passed']
    assert result['jobs'][0]['failed_items'] == [] and 'AttributeError' not in shapes_run.text
