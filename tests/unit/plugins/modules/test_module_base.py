"""The shared module pieces: option validation (before any request), the argument spec, the doc fragment, redaction."""

import calendar
import json
from unittest import mock

import pytest
import yaml

from ansible_collections.cloudops.drs.plugins.doc_fragments.drs import ModuleDocFragment
from ansible_collections.cloudops.drs.plugins.module_utils import _auth, _base
from ansible_collections.cloudops.drs.plugins.module_utils._base import (
    common_argument_spec, format_epoch_ms, parse_start_time, redact_secrets, validate_options)
from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsConfigError
from ansible_collections.cloudops.drs.plugins.modules import drs_batch_info, drs_batch_precheck, drs_batch_start
from ansible_collections.cloudops.drs.tests.unit.plugins.modules.utils import (
    FakeDrs, FakeJob, jid, run_module, warning_texts)

NOW_MS = calendar.timegm((2030, 1, 1, 0, 0, 0)) * 1000
ID_HELP = ('A DRS job id has 36 characters, lower-case letters and digits grouped 8-4-4-4-12, '
           'for example 140b5236-88ad-43c8-811c-1268453jb101.')


def problems(params, job_keys=()):
    with pytest.raises(DrsConfigError) as exc:
        validate_options(params, job_keys, now_ms=NOW_MS)
    return str(exc.value)


# -- validate_options ------------------------------------------------------------------------------------------------

def test_validation_rejects_an_empty_job_list():
    assert problems({'jobs': []}) == 'jobs must list at least one DRS job id.'


def test_validation_names_every_malformed_job_id_with_its_position():
    message = problems({'jobs': [jid(1), 'not-a-job', '140B5236-88AD-43C8-811C-1268453JB101']})
    assert message == ("Invalid job ids: jobs[1] 'not-a-job', jobs[2] '140B5236-88AD-43C8-811C-1268453JB101'. " + ID_HELP)


def test_validation_rejects_a_job_id_with_a_trailing_newline():
    assert problems({'jobs': [jid(1) + '\n']}) == "Invalid job id: jobs[0] '%s\\n'. " % jid(1) + ID_HELP


def test_validation_checks_dict_entries_and_their_keys():
    message = problems({'jobs': [{'mode': 'forStartJob'}, {'id': jid(2), 'start': 'now'}, 42], 'mode': 'forStartJob'}, ('mode',))
    assert message == ('jobs[0]: a job given as a dict needs the key id. '
                       'jobs[1]: unknown key start (allowed keys: id, mode). '
                       'jobs[2]: expected a job id or a dict with the keys id, mode, got int.')


def test_validation_rejects_an_unknown_per_job_precheck_mode():
    message = problems({'jobs': [{'id': jid(1), 'mode': 'forEver'}], 'mode': 'forStartJob'}, ('mode',))
    assert message == "jobs[0].mode: 'forEver' is not one of forStartJob, forRetryJob."


def test_validation_rejects_dicts_where_only_ids_are_allowed():
    assert problems({'jobs': [{'id': jid(1)}]}) == 'jobs[0]: expected a job id string, got a dict.'


def test_validation_checks_ranges_and_positive_seconds_together():
    message = problems({'jobs': [jid(1)], 'batch_size': 11, 'max_concurrency': 0, 'wait_timeout': 0, 'poll_interval': -5,
                        'api_timeout': 30, 'rpo_rto_max': 0})
    assert message == ('batch_size must be between 1 and 10 (a DRS batch call takes at most 10 jobs), got 11. '
                       'max_concurrency must be between 1 and 32, got 0. '
                       'wait_timeout must be a positive number of seconds, got 0. '
                       'poll_interval must be a positive number of seconds, got -5. '
                       'rpo_rto_max must be a positive number of seconds, got 0.')


def test_validation_removes_duplicates_with_a_warning():
    options = validate_options({'jobs': [jid(1), jid(2), jid(1), {'id': jid(1)}], 'mode': 'forStartJob'}, ('mode',), now_ms=NOW_MS)
    assert options.jobs == [{'id': jid(1), 'mode': 'forStartJob'}, {'id': jid(2), 'mode': 'forStartJob'}]
    assert options.warnings == ['jobs: %s is listed 3 times; it is handled once.' % jid(1)]


def test_validation_rejects_duplicates_with_different_settings():
    message = problems({'jobs': [jid(1), {'id': jid(1), 'mode': 'forRetryJob'}], 'mode': 'forStartJob'}, ('mode',))
    assert message == 'jobs: %s is listed more than once with different settings (jobs[0] and jobs[1]).' % jid(1)


def test_validation_fills_per_job_settings_from_the_top_level_option():
    options = validate_options({'jobs': [jid(1), {'id': jid(2), 'start_time': '2030-01-02T00:00:00Z'}],
                                'start_time': 1893542400000 + 3600000}, ('start_time',), now_ms=NOW_MS)
    assert options.jobs == [{'id': jid(1), 'start_time': '1893546000000'}, {'id': jid(2), 'start_time': '1893542400000'}]


def test_validation_keeps_omitted_jobs_as_every_job_and_dedupes_facets():
    options = validate_options({'jobs': None, 'include': ['status', 'detail', 'status']}, now_ms=NOW_MS)
    assert options.jobs is None
    assert options.include == ['status', 'detail']


# -- start times --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('value, expected', [
    ('2030-01-31T22:00:00Z', calendar.timegm((2030, 1, 31, 22, 0, 0)) * 1000),
    ('2030-01-31T23:00:00+01:00', calendar.timegm((2030, 1, 31, 22, 0, 0)) * 1000),
    ('2030-01-31 17:30:00-0430', calendar.timegm((2030, 1, 31, 22, 0, 0)) * 1000),
    ('2030-01-31T22:00:00.250Z', calendar.timegm((2030, 1, 31, 22, 0, 0)) * 1000 + 250),
    ('2030-01-31T22:00', calendar.timegm((2030, 1, 31, 22, 0, 0)) * 1000),          # naive: UTC
    (1896127200000, 1896127200000),
    ('1896127200000', 1896127200000),
])
def test_start_time_accepts_iso_8601_and_epoch_milliseconds(value, expected):
    assert parse_start_time(value, 'start_time', NOW_MS) == expected


@pytest.mark.parametrize('value, message', [
    ('tomorrow', "start_time: 'tomorrow' is neither an ISO 8601 date and time (for example 2030-01-31T22:00:00Z) nor epoch milliseconds."),
    ('2030-02-30T10:00:00Z', "start_time: '2030-02-30T10:00:00Z' is not a valid date and time."),
    (1896127200, 'start_time: 1896127200 looks like epoch seconds; give epoch milliseconds (for example 1896127200000) '
                 'or an ISO 8601 date and time.'),
    ('2029-12-31T23:59:59Z', 'start_time 2029-12-31T23:59:59Z is in the past (now is 2030-01-01T00:00:00Z); give a future time, '
                             'or leave start_time out to start at once.'),
])
def test_start_time_errors_say_what_is_wrong(value, message):
    with pytest.raises(ValueError) as exc:
        parse_start_time(value, 'start_time', NOW_MS)
    assert str(exc.value) == message


def test_format_epoch_ms_is_iso_8601_utc():
    assert format_epoch_ms(1896127200000) == '2030-01-31T22:00:00Z'
    assert format_epoch_ms(1896127200250) == '2030-01-31T22:00:00.250Z'


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


# -- redaction ------------------------------------------------------------------------------------------------------

def test_redaction_removes_secrets_at_any_depth_and_keeps_the_rest():
    detail = {'id': jid(1), 'source_endpoint': {'db_user': 'drs', 'db_password': 'x', 'ssl_cert_key': 'k',
                                                'ssl_cert_password': 'y', 'ssl_cert_name': 'ca.pem'},
              'source_sharding': [{'ip': '10.0.0.1', 'db_password': 'z'}],
              'kafka_security_config': {'sasl_mechanism': 'PLAIN', 'trust_store_password': 'a', 'key_store_key': 'b'},
              'auth_token': 't', 'client_secret': 's', 'private_key_data': 'p'}
    assert redact_secrets(detail) == {
        'id': jid(1), 'source_endpoint': {'db_user': 'drs', 'ssl_cert_name': 'ca.pem'},
        'source_sharding': [{'ip': '10.0.0.1'}],
        'kafka_security_config': {'sasl_mechanism': 'PLAIN'}}


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
