"""module_utils/_base.py: the module life cycle (validation before any request, the shared options, TLS, missing
libraries, secrets in the output)."""

import json
from unittest import mock

import pytest
import yaml

from ansible_collections.cloudops.drs.plugins.doc_fragments.drs import ModuleDocFragment
from ansible_collections.cloudops.drs.plugins.module_utils import _auth, _base
from ansible_collections.cloudops.drs.plugins.module_utils._base import common_argument_spec
from ansible_collections.cloudops.drs.plugins.modules import drs_batch_info, drs_batch_precheck, drs_batch_start
from ansible_collections.cloudops.drs.tests.unit.plugins.modules.utils import (
    FakeDrs, FakeJob, jid, run_module, warning_texts)

ID_HELP = ('A DRS job id has 36 characters, lower-case letters and digits grouped 8-4-4-4-12, '
           'for example 140b5236-88ad-43c8-811c-1268453jb101.')


# -- validation runs before any request ---------------------------------------------------------------------------

@pytest.mark.parametrize('module, args, message', [
    (drs_batch_precheck, {'jobs': []}, 'jobs must list at least one DRS job id.'),
    (drs_batch_precheck, {'jobs': ['bad']}, "Invalid job id: jobs[0] 'bad'. " + ID_HELP),
    (drs_batch_start, {'jobs': [jid(1)], 'start_time': '2001-01-01T00:00:00Z'},
     'start_time 2001-01-01T00:00:00Z is in the past'),
    (drs_batch_start, {'jobs': [jid(1)], 'rpo_rto_max': 0}, 'rpo_rto_max must be a positive number of seconds, got 0.'),
    (drs_batch_info, {'jobs': [jid(1)], 'batch_size': 20},
     'batch_size must be between 1 and 10 (a DRS batch call takes at most 10 jobs), got 20.'),
])
def test_invalid_options_fail_before_any_request(module, args, message):
    drs = FakeDrs(FakeJob(jid(1)))
    result = run_module(module, args, drs)
    assert result['failed'] is True
    assert result['msg'].startswith(message)
    assert 'error' not in result
    assert drs.built == 0 and drs.calls == []


def test_missing_credentials_fail_before_any_request(monkeypatch):
    for name in [name for names in _auth.ENV_FALLBACKS.values() for name in names] + ['OS_CLIENT_CONFIG_FILE']:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('HOME', '/nonexistent')
    monkeypatch.chdir('/')
    client = mock.Mock()
    monkeypatch.setattr(_base, 'DrsClient', client)
    result = run_module(drs_batch_info, {'jobs': [jid(1)], 'endpoint': 'https://drs.example.test'}, FakeDrs(), auth=False,
                        real_build_client=True)
    assert result['failed'] is True
    assert result['msg'] == _auth.NO_CREDENTIALS_MESSAGE
    assert client.call_count == 0


# -- argument spec and doc fragment -----------------------------------------------------------------------------------

def test_every_secret_option_is_no_log_and_look_alikes_are_not():
    spec = common_argument_spec()
    assert [name for name, option in spec.items() if option.get('no_log') is True] == [
        'auth_token', 'secret_key', 'security_token', 'password']
    for name in ('access_key', 'auth_url', 'client_key', 'cloud'):
        assert spec[name]['no_log'] is False


def test_argument_spec_has_every_auth_option_of_the_client():
    assert set(_auth.AUTH_OPTION_NAMES) <= set(common_argument_spec())


def test_doc_fragment_documents_exactly_the_common_options():
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
    spec = common_argument_spec()
    assert list(documented) == list(spec)
    for name, option in spec.items():
        assert documented[name]['type'] == option['type'], name
        assert documented[name].get('default') == option.get('default'), name


def test_doc_fragment_names_the_environment_fallback_of_each_option():
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
    for option, variables in _auth.ENV_FALLBACKS.items():
        text = ' '.join(documented[option]['description'])
        for variable in variables:
            assert 'E(%s)' % variable in text, (option, variable)


def test_secrets_inside_a_cloud_dict_are_hidden_from_the_output():
    cloud = {'auth': {'auth_url': 'https://iam.example.test/v3', 'username': 'drs-automation', 'password': 'Cl0ud-Pa55w0rd',
                      'project_name': 'eu-de'}, 'sk': 'Cl0ud-SK-value', 'region_name': 'eu-de'}
    drs = FakeDrs(FakeJob(jid(1)))
    result = run_module(drs_batch_info, {'jobs': [jid(1)], 'cloud': cloud}, drs)
    assert 'failed' not in result
    text = json.dumps(result)
    assert 'Cl0ud-Pa55w0rd' not in text and 'Cl0ud-SK-value' not in text
    assert result['invocation']['module_args']['cloud']['auth']['username'] == 'drs-automation'


# -- TLS ---------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('args', [
    {'validate_certs': False},
    {'cloud': {'auth': {'auth_url': 'https://iam.example.test/v3', 'token': 'cloud-token-value'}, 'verify': False,
               'region_name': 'eu-de'}},
], ids=['validate_certs', 'clouds_yaml_verify'])
def test_disabled_certificate_checks_work_and_warn(monkeypatch, args):
    drs = FakeDrs(FakeJob(jid(1)))
    client = mock.Mock(return_value=drs)
    monkeypatch.setattr(_base, 'DrsClient', client)
    params = {'jobs': [jid(1)], 'project_id': '054ba152d480d55b2f5dc0069e7ddef0', 'endpoint': 'https://drs.example.test'}
    params.update(args)
    if 'cloud' not in args:
        params['auth_token'] = 'test-token-value-0001'
    result = run_module(drs_batch_info, params, drs, auth=False, real_build_client=True)
    assert 'failed' not in result
    assert warning_texts(result) == [_base.INSECURE_WARNING]
    assert client.call_args.kwargs['validate_certs'] is (args.get('validate_certs', True))
    assert client.call_args.args[0].verify is (False if 'cloud' in args else None)


def test_certificate_checks_are_on_by_default_without_a_warning(monkeypatch):
    drs = FakeDrs(FakeJob(jid(1)))
    monkeypatch.setattr(_base, 'DrsClient', mock.Mock(return_value=drs))
    result = run_module(drs_batch_info, {'jobs': [jid(1)]}, drs, real_build_client=True)
    assert 'failed' not in result
    assert warning_texts(result) == []


def test_missing_requests_library_fails_with_the_install_hint(monkeypatch):
    drs = FakeDrs(FakeJob(jid(1)))
    monkeypatch.setattr(_base, 'REQUESTS_IMPORT_ERROR', 'Traceback (most recent call last): ModuleNotFoundError')
    result = run_module(drs_batch_info, {'jobs': [jid(1)]}, drs)
    assert result['failed'] is True
    assert 'Failed to import the required Python library (requests)' in result['msg']
    assert drs.built == 0 and drs.calls == []
