"""Issue 6 item 4: the modules against the emulator over HTTPS (module level; the client level is covered by
tests/unit/plugins/module_utils/test_client_emulator.py). The default refuses the self-signed certificate with a
clear message, ca_cert pointing at the emulator's CA works, validate_certs: false works and warns."""

import pytest

from drs_emulator.pytest_plugin import RunningEmulator

from reliability_helpers import EMULATOR_ARGS, aksk_auth, local_play, run_playbook, write_playbook

INSECURE = ('TLS certificates are not verified (validate_certs: false, or verify: false in clouds.yaml): anyone on the '
            'network path can read and change the requests. Use ca_cert for a private CA instead.')


@pytest.fixture(scope='module')
def tls_run(collections_path, tmp_path_factory):
    tmp = tmp_path_factory.mktemp('tls')
    with RunningEmulator(*EMULATOR_ARGS, tls_dir=tmp / 'certs') as emu:
        emu.load_jobs({'generate': {'n': 3, 'seed': 2, 'precheck_passed': True}})
        ids = [job['id'] for job in emu.jobs()]
        auth = aksk_auth(emu)

        def task(name, module, **options):
            return {'name': name, 'cloudops.drs.%s' % module: dict(auth, jobs=ids, **options), 'ignore_errors': True}

        playbook = write_playbook(tmp / 'tls.yml', [local_play([
            task('default verification', 'drs_batch_info'),
            task('default verification precheck', 'drs_batch_precheck', wait_timeout=3, poll_interval=1),
            task('ca_cert', 'drs_batch_info', ca_cert=emu.ca_file),
            task('validate_certs false', 'drs_batch_info', validate_certs=False),
            task('ca_cert start', 'drs_batch_start', ca_cert=emu.ca_file, require_precheck=False, wait=False),
        ])])
        run = run_playbook(playbook, collections_path, tmp / 'runner')
        yield run, emu, ids, emu.stats()


def test_the_default_refuses_the_self_signed_certificate_with_a_clear_message(tls_run):
    run, emu, dummy, dummy = tls_run
    for name in ('default verification', 'default verification precheck'):
        result = run.result(name)
        assert result['failed'] is True
        assert result['msg'].startswith('POST %s/v3/' % emu.url)
        assert 'CERTIFICATE_VERIFY_FAILED' in result['msg']
        assert '(TLS: set ca_cert to the CA bundle that signed the server certificate)' in result['msg']
    assert 'Traceback' not in run.text


def test_ca_cert_pointing_at_the_emulator_ca_works(tls_run):
    run, dummy, ids, stats = tls_run
    result = run.result('ca_cert')
    assert result['failed'] is False and [job['id'] for job in result['jobs']] == ids
    assert 'warnings' not in result or INSECURE not in result['warnings']
    assert sorted(run.result('ca_cert start')['started_jobs']) == sorted(ids)
    assert [stats['jobs'][job]['starts'] for job in ids] == [1, 1, 1]


def test_validate_certs_false_works_and_warns(tls_run):
    run, dummy, ids, dummy = tls_run
    result = run.result('validate_certs false')
    assert result['failed'] is False and [job['id'] for job in result['jobs']] == ids
    assert INSECURE in result['warnings']
    assert '[WARNING]: TLS certificates are not verified' in run.stdout
