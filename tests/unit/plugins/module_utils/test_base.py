"""module_utils/_base.py: the module life cycle (validation before any request, the shared options, TLS, missing
libraries, secrets in the output)."""

import json
from unittest import mock

import pytest
import yaml

from ansible_collections.cloudops.drs.plugins.doc_fragments.drs import ModuleDocFragment
from ansible_collections.cloudops.drs.plugins.module_utils import _auth, _base
from ansible_collections.cloudops.drs.plugins.module_utils._base import common_argument_spec
from ansible_collections.cloudops.drs.plugins.modules import (
    drs_batch_info, drs_batch_pause, drs_batch_precheck, drs_batch_resume, drs_batch_start, drs_batch_stop)

SELECTING = (drs_batch_info, drs_batch_precheck, drs_batch_start, drs_batch_pause, drs_batch_resume, drs_batch_stop)
from ansible_collections.cloudops.drs.tests.unit.plugins.modules.utils import (
    MUTATING, FakeDrs, FakeJob, assert_matches_return_doc, jid, run_module, warning_texts)

ID_HELP = ('A DRS job id has 36 characters, lower-case letters and digits grouped 8-4-4-4-12, '
           'for example 140b5236-88ad-43c8-811c-1268453jb101.')


# -- validation runs before any request ---------------------------------------------------------------------------

@pytest.mark.parametrize('module, args, message', [
    (drs_batch_precheck, {'jobs': []}, 'jobs must list at least one DRS job id or name.'),
    (drs_batch_precheck, {'jobs': ['bad']}, "Invalid job id or name: jobs[0] 'bad'. " + ID_HELP),
    (drs_batch_start, {}, 'Select the jobs: give jobs (ids or names), filters, or both.'),
    (drs_batch_precheck, {'filters': {'name': 'orders-*', 'status': []}}, 'filters.status must be a non-empty list of job statuses.'),
    (drs_batch_info, {'filters': {}},
     'filters is empty: give at least one of name, status, db_use_type, engine_type, net_type, tags, enterprise_project_id.'),
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


# -- the selection: jobs by name, filters, both (DrsModuleBase.select) -------------------------------------------------

def _fleet():
    return FakeDrs(
        FakeJob(jid(1), name='orders-mysql', detail={'tags': [{'key': 'wave', 'value': '1'}]}),
        FakeJob(jid(2), name='orders-pgsql', detail={'tags': [{'key': 'wave', 'value': '2'}]}),
        FakeJob(jid(3), name='billing-mysql', status='INCRE_TRANSFER_STARTED', detail={'tags': [{'key': 'wave', 'value': '1'}]}),
        FakeJob(jid(4), name='twin-name'),
        FakeJob(jid(5), name='twin-name'),
    )


@pytest.mark.parametrize('module', [drs_batch_precheck, drs_batch_start, drs_batch_info])
def test_jobs_given_by_name_are_resolved_to_ids_and_returned_as_the_selection(module):
    drs = _fleet()
    extra = {'require_precheck': False} if module is drs_batch_start else {}
    result = run_module(module, dict(extra, jobs=['orders-mysql', jid(2)]), drs)
    assert result.get('failed') is not True, result['msg']
    assert result['selection'] == [{'id': jid(1), 'name': 'orders-mysql'}, {'id': jid(2), 'name': 'orders-pgsql'}]
    assert [job['id'] for job in result['jobs']] == [jid(1), jid(2)]
    assert drs.methods()[0] == 'list_jobs' and drs.listed == [{}]
    assert_matches_return_doc(module, result)


@pytest.mark.parametrize('module', [drs_batch_precheck, drs_batch_start])
@pytest.mark.parametrize('name, message', [
    ('twin-name', "Cannot select the jobs: 2 DRS jobs are named 'twin-name' (%s, %s): give the id of the one you mean."
     % (jid(4), jid(5))),
    ('orders-oracle', "Cannot select the jobs: no DRS job is named 'orders-oracle'."),
])
def test_a_name_that_matches_no_job_or_several_fails_before_any_action_request(module, name, message):
    drs = _fleet()
    result = run_module(module, {'jobs': [jid(1), name]}, drs)
    assert result['failed'] is True
    assert result['msg'] == message
    assert drs.methods() == ['list_jobs']
    assert result['selection'] == [] and result['jobs'] == []
    assert_matches_return_doc(module, result)


def test_a_job_given_by_id_and_by_name_is_handled_once():
    drs = _fleet()
    result = run_module(drs_batch_precheck, {'jobs': [jid(1), 'orders-mysql']}, drs)
    assert [job['id'] for job in result['jobs']] == [jid(1)]
    assert drs.called('batch_precheck') == [[jid(1)]]
    assert 'jobs: %s is listed more than once (by id and by name); it is handled once.' % jid(1) in warning_texts(result)


def test_filters_select_by_name_glob_and_status_and_say_what_was_asked_of_drs():
    drs = _fleet()
    result = run_module(drs_batch_precheck, {'filters': {'name': '*-mysql', 'status': ['CONFIGURATION']}}, drs)
    assert result['selection'] == [{'id': jid(1), 'name': 'orders-mysql'}]
    assert drs.called('batch_precheck') == [[jid(1)]]
    assert drs.listed == [{'status': 'CONFIGURATION'}]   # the glob is never sent: DRS's name filter is fuzzy


def test_tags_are_checked_on_the_details_because_the_job_list_carries_none():
    drs = _fleet()
    result = run_module(drs_batch_info, {'filters': {'tags': {'wave': '1'}}, 'include': []}, drs)
    assert result['selection'] == [{'id': jid(1), 'name': 'orders-mysql'}, {'id': jid(3), 'name': 'billing-mysql'}]
    assert [job['id'] for job in result['jobs']] == [jid(1), jid(3)]
    assert drs.listed == [{'tags': {'wave': '1'}}]
    assert drs.called('batch_detail')[0] == [jid(1), jid(2), jid(3), jid(4), jid(5)]   # FakeDrs ignores tags: all checked


def test_jobs_and_filters_together_select_their_intersection_and_warn_about_the_rest():
    drs = _fleet()
    result = run_module(drs_batch_start, {'jobs': ['orders-mysql', jid(3)], 'filters': {'status': ['CONFIGURATION']}}, drs,
                        check_mode=True)
    assert result['selection'] == [{'id': jid(1), 'name': 'orders-mysql'}]
    assert [job['id'] for job in result['jobs']] == [jid(1)]
    assert not any(method in MUTATING for method in drs.methods())
    assert ('jobs: billing-mysql (%s) does not match filters and is left out.' % jid(3)) in warning_texts(result)


@pytest.mark.parametrize('module', SELECTING)
def test_an_empty_selection_does_nothing_and_says_so(module):
    drs = _fleet()
    result = run_module(module, {'filters': {'name': 'nothing-*'}}, drs)
    assert result.get('failed') is not True
    assert result['changed'] is False
    assert result['selection'] == [] and result['jobs'] == []
    assert result['msg'] == _base.EMPTY_SELECTION
    assert _base.EMPTY_SELECTION in warning_texts(result)
    assert drs.methods() == ['list_jobs']
    assert_matches_return_doc(module, result)


def test_info_without_jobs_and_filters_returns_every_job_it_found_as_the_selection():
    drs = _fleet()
    result = run_module(drs_batch_info, {'include': []}, drs)
    assert [job['id'] for job in result['selection']] == [jid(1), jid(2), jid(3), jid(4), jid(5)]


def test_jobs_given_by_id_alone_need_no_job_list_and_still_return_the_selection():
    drs = _fleet()
    result = run_module(drs_batch_precheck, {'jobs': [jid(1)]}, drs)
    assert 'list_jobs' not in drs.methods()
    assert result['selection'] == [{'id': jid(1), 'name': 'orders-mysql'}]


def test_every_module_with_jobs_takes_filters_documented_by_the_selection_fragment():
    for module in SELECTING:
        assert 'cloudops.drs.drs.selection' in yaml.safe_load(module.DOCUMENTATION)['extends_documentation_fragment']
    documented = yaml.safe_load(ModuleDocFragment.SELECTION)['options']['filters']['suboptions']
    assert sorted(documented) == sorted(('name', 'status', 'db_use_type', 'engine_type', 'net_type', 'tags',
                                         'enterprise_project_id'))


def test_an_unknown_filter_key_fails_before_any_request():
    drs = _fleet()
    result = run_module(drs_batch_start, {'filters': {'colour': 'red'}}, drs)
    assert result['failed'] is True and 'filters.colour' in result['msg']
    assert drs.built == 0 and drs.calls == []


def _dual_active():
    return FakeDrs(
        FakeJob(jid(10), name='ledger-dr', role='parent'),
        FakeJob(jid(11), name='ledger-dr-forward', role='forward', parent_id=jid(10)),
        FakeJob(jid(12), name='ledger-dr-backward', role='backward', parent_id=jid(10)),
        FakeJob(jid(13), name='orders-mysql'),
    )


def test_a_matching_dual_active_parent_stands_for_its_forward_and_backward_tasks_in_an_acting_module():
    drs = _dual_active()
    result = run_module(drs_batch_precheck, {'filters': {'name': 'ledger-dr'}}, drs, check_mode=True)
    assert [job['id'] for job in result['selection']] == [jid(11), jid(12)]


def test_info_selects_a_matching_parent_itself_and_children_that_match_on_their_own():
    drs = _dual_active()
    result = run_module(drs_batch_info, {'filters': {'name': 'ledger-dr*'}, 'include': []}, drs)
    assert [job['id'] for job in result['selection']] == [jid(10), jid(11), jid(12)]
    result = run_module(drs_batch_info, {'filters': {'name': '*-forward'}, 'include': []}, _dual_active())
    assert result['selection'] == [{'id': jid(11), 'name': 'ledger-dr-forward'}]


def test_jobs_whose_details_carry_no_tags_are_not_selected_by_tags_and_a_warning_says_why():
    drs = FakeDrs(FakeJob(jid(1), name='orders-mysql'), FakeJob(jid(2), name='billing-mysql', detail={'tags': [{'key': 'wave', 'value': '1'}]}))
    result = run_module(drs_batch_info, {'filters': {'tags': {'wave': '1'}}, 'include': []}, drs)
    assert [job['id'] for job in result['selection']] == [jid(2)]
    assert ('filters.tags: the details of 1 job(s) carry no tags (DRS on Open Telekom Cloud shows none), so the tags cannot '
            'be checked and those jobs are not selected.') in warning_texts(result)


@pytest.mark.parametrize('module', [drs_batch_pause, drs_batch_resume, drs_batch_stop])
def test_the_acting_modules_resolve_names_in_check_mode_without_an_action_request(module):
    drs = FakeDrs(FakeJob(jid(1), name='orders-mysql', status='INCRE_TRANSFER_STARTED'))
    result = run_module(module, {'jobs': ['orders-mysql']}, drs, check_mode=True)
    assert result['selection'] == [{'id': jid(1), 'name': 'orders-mysql'}]
    assert drs.methods()[0] == 'list_jobs'
    assert not any(method.startswith('batch_') and method not in ('batch_status', 'batch_detail', 'batch_progress')
                   for method in drs.methods())
    assert_matches_return_doc(module, result)


# -- the selection's exact HTTP exchanges (a real DrsClient on a scripted API) ------------------------------------------

def _scripted_client():
    from drs_client_fakes import Harness, reply

    harness = Harness()
    harness.client.built = 0
    listed = {'migration': [{'id': jid(1), 'name': 'orders-mysql', 'status': 'CONFIGURATION', 'db_use_type': 'migration'},
                            {'id': jid(2), 'name': 'orders-pgsql', 'status': 'CONFIGURATION', 'db_use_type': 'migration'}]}

    def jobs(call):
        found = listed.get(call.json['db_use_type'], [])
        return reply(200, {'total_record': len(found), 'jobs': found})

    def details(call):
        tags = {jid(1): [{'key': 'wave', 'value': '1'}], jid(2): [{'key': 'wave', 'value': '2'}]}
        names = {jid(1): 'orders-mysql', jid(2): 'orders-pgsql'}
        results = [{'id': job_id, 'name': names[job_id], 'status': 'CONFIGURATION', 'tags': tags[job_id]} for job_id in call.job_ids]
        return reply(200, {'count': len(results), 'results': results})

    harness.api.route('POST', '/jobs', *([jobs] * 20))
    harness.api.route('POST', '/jobs/batch-detail', *([details] * 20))
    return harness


def test_an_unknown_name_reads_the_whole_job_list_and_sends_nothing_else():
    harness = _scripted_client()
    result = run_module(drs_batch_start, {'jobs': ['orders-oracle']}, harness.client)
    assert result['msg'] == "Cannot select the jobs: no DRS job is named 'orders-oracle'."
    assert [(call.method, call.path.rsplit('/', 1)[-1], call.json) for call in harness.calls] == [
        ('POST', 'jobs', {'cur_page': 1, 'per_page': 100, 'db_use_type': use_type}) for use_type in ('migration', 'sync', 'cloudDataGuard')]


def test_filters_send_the_server_side_filters_and_check_the_tags_on_the_details():
    harness = _scripted_client()
    result = run_module(drs_batch_info, {'filters': {'db_use_type': 'migration', 'status': ['CONFIGURATION'], 'name': 'orders-*',
                                                     'tags': {'wave': '1'}}, 'include': []}, harness.client)
    assert result['selection'] == [{'id': jid(1), 'name': 'orders-mysql'}]
    sent = [(call.path.rsplit('/', 1)[-1], call.json) for call in harness.calls]
    assert sent[0] == ('jobs', {'status': 'CONFIGURATION', 'tags': {'wave': '1'}, 'cur_page': 1, 'per_page': 100,
                                'db_use_type': 'migration'})
    assert sent[1] == ('batch-detail', {'jobs': [jid(1), jid(2)], 'page_req': {'cur_page': 1, 'per_page': 2}})
