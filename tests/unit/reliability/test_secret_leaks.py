"""Issue 6 item 3: no secret reaches the output, the results, the reports or the set_stats data.

Every module and the role run at -vvv with each auth method (token, AK/SK, temporary AK/SK with security token,
password, clouds.yaml cloud), with failures forced (an unknown job, wrong credentials). The IAM token is a real one
issued by the emulator; the database passwords come from the emulator's job details (model.DETAIL_SECRETS).
"""

import pytest

from drs_emulator import model
from drs_emulator.pytest_plugin import ACCESS_KEY_A, SECURITY_TOKEN_A, TEMPORARY_KEY_A, USER_PASSWORD

from reliability_helpers import (aksk_auth, clouds_yaml, leaked, local_play, password_auth, read_tree, run_playbook,
                                 temporary_aksk_auth, token_auth, write_playbook)

UNKNOWN_JOB = '140b5236-88ad-43c8-811c-1268453jb999'
WRONG = {'password': 'Wrong-Passw0rd-Secret!', 'secret_key': 'wrongSecretKey0000000000000000000000000000',
         'auth_token': 'wrong-token-value-0000000000000000000000'}


def wrong_of(auth):
    """The same auth with its secret replaced by a wrong one (or None for clouds.yaml)."""
    for key, value in WRONG.items():
        if key in auth:
            return dict(auth, **{key: value})
    return None


def tasks_for(method, auth, jobs, report_dir):
    def module(name, module_name, **options):
        return {'name': '%s %s' % (method, name), 'cloudops.drs.%s' % module_name: dict(auth, **options), 'ignore_errors': True}

    tasks = [
        module('info with details', 'drs_batch_info', jobs=jobs[:1], include=['status', 'detail', 'precheck']),
        module('precheck', 'drs_batch_precheck', jobs=jobs[:1], poll_interval=1),
        module('start', 'drs_batch_start', jobs=jobs[:1], poll_interval=1),
        module('start of an unknown job fails', 'drs_batch_start', jobs=[UNKNOWN_JOB], poll_interval=1),
        {'name': '%s role' % method, 'block': [{
            'name': '%s role run (fails: one job is unknown)' % method,
            'ansible.builtin.include_role': {'name': 'cloudops.drs.precheck_and_start'},
            'vars': {'drs_jobs': [jobs[1], UNKNOWN_JOB], 'drs_auth': auth, 'drs_poll_interval': 1,
                     'drs_start_passed_subset': True, 'drs_report_dir': report_dir,
                     'drs_report_basename': 'report-%s' % method}}],
         'rescue': [{'name': '%s role failed' % method, 'ansible.builtin.debug': {'msg': '{{ ansible_failed_result.msg }}'}}]},
    ]
    wrong = wrong_of(auth)
    if wrong:
        for name, module_name in (('info', 'drs_batch_info'), ('precheck', 'drs_batch_precheck'), ('start', 'drs_batch_start')):
            tasks.append({'name': '%s %s with a wrong secret fails' % (method, name), 'cloudops.drs.%s' % module_name:
                          dict(wrong, jobs=jobs[:1], poll_interval=1), 'ignore_errors': True})
    return tasks


@pytest.fixture(scope='module')
def secret_run(reliability_emulator, collections_path, tmp_path_factory):
    emu = reliability_emulator
    emu.set_faults(clear=True)
    emu.load_jobs({'generate': {'n': 10, 'seed': 9}})
    emu.reset(jobs=True, stats=True, faults=False, tokens=True)
    ids = [job['id'] for job in emu.jobs()]
    token = emu.token()
    tmp = tmp_path_factory.mktemp('secrets')
    reports = tmp / 'reports'
    env, cloud = clouds_yaml(emu, tmp / 'clouds.yaml')
    methods = [('token', token_auth(emu, token)), ('aksk', aksk_auth(emu)), ('temporary_aksk', temporary_aksk_auth(emu)),
               ('password', password_auth(emu)), ('cloud', cloud)]
    tasks = []
    for index, (method, auth) in enumerate(methods):
        tasks += tasks_for(method, auth, ids[2 * index:2 * index + 2], str(reports))
    playbook = write_playbook(tmp / 'secrets.yml', [local_play(tasks)])
    run = run_playbook(playbook, collections_path, tmp / 'runner', verbosity=3, envvars=env)
    secrets = {
        'password': USER_PASSWORD, 'secret_key': ACCESS_KEY_A[1], 'temporary_secret_key': TEMPORARY_KEY_A[1],
        'security_token': SECURITY_TOKEN_A, 'iam_token': token,
        'db_password': model.DETAIL_SECRETS['db_password'], 'ssl_cert_password': model.DETAIL_SECRETS['ssl_cert_password'],
        'ssl_cert_key': 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDEmuLatorKey',
    }
    secrets.update(('wrong_' + key, value) for key, value in WRONG.items())
    return run, emu, methods, secrets, str(reports), ids


def test_every_auth_method_was_used_and_failures_were_forced(secret_run):
    run, emu, methods, dummy, dummy, dummy = secret_run
    stats = emu.stats()['requests']
    assert stats['by_auth'].get('token', 0) > 0 and stats['by_auth'].get('aksk', 0) > 0
    assert stats['by_status'].get('401', 0) >= 3
    for method, dummy in methods:
        assert run.result('%s start' % method)['started_jobs'], method
        assert run.result('%s info with details' % method)['jobs'][0]['detail'], method
        assert run.result('%s start of an unknown job fails' % method)['failed'] is True
        assert 'not found in this project' in run.result('%s role failed' % method)['msg']
    assert run.stats_data['drs_precheck_and_start']['localhost']['total'] == 2


def test_details_reach_the_results_without_their_secret_keys(secret_run):
    run, dummy, dummy, dummy, dummy, dummy = secret_run
    detail = run.result('aksk info with details')['jobs'][0]['detail']
    assert 'source_endpoint' in detail or 'target_endpoint' in detail
    assert 'db_password' not in str(detail)


def test_no_secret_in_output_events_results_reports_or_set_stats(secret_run):
    run, dummy, dummy, secrets, reports, dummy = secret_run
    assert '-vvv' in run.stdout or 'ansible-playbook [core' in run.stdout  # it really ran verbosely
    assert leaked(run.text, secrets) == []
    assert leaked(repr(run.stats_data), secrets) == []
    assert leaked(read_tree(reports), secrets) == []
    assert leaked(read_tree(run.runner.config.artifact_dir), secrets) == []
    assert 'Traceback' not in run.text
