"""The AWX/AAP credential type in docs/awx/credential_type.yml: valid for AWX, and the environment its
injectors produce lets a module authenticate against the DRS emulator, run the way AWX runs a job
(``ansible-runner run`` on a private data directory, as docs/awx.md shows).

``render_injectors`` does what AWX's ``CredentialType.inject_credential`` does for ``env`` injectors: it
renders each template with Jinja2's ``ImmutableSandboxedEnvironment`` over a namespace that holds only the
inputs that were given a non-empty value. An input left empty (or never set) is undefined there, and an
undefined name renders as an empty string, so the variable is still set, to ``""``. The modules read an
empty variable as unset (``_auth._env_values``), which the tests below rely on.
"""

import ast
import json
import os
import re
import subprocess
import sys

import pytest
import yaml
from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from conftest import COLLECTION_DIR, tool_environment
from drs_emulator.pytest_plugin import (ACCESS_KEY_A, DOMAIN_NAME, PROJECT_A_ID, USER_NAME, USER_PASSWORD,
                                        RunningEmulator)

CREDENTIAL_TYPE = os.path.join(COLLECTION_DIR, 'docs', 'awx', 'credential_type.yml')
# AWX refuses these in injectors (awx/main/constants.py ENV_BLOCKLIST, and any ANSIBLE_* name).
AWX_ENV_BLOCKLIST = ('VIRTUAL_ENV', 'PATH', 'PYTHONPATH', 'JOB_ID', 'INVENTORY_ID', 'INVENTORY_SOURCE_ID',
                     'INVENTORY_UPDATE_ID', 'AD_HOC_COMMAND_ID', 'REST_API_URL', 'REST_API_TOKEN', 'MAX_EVENT_RES',
                     'CALLBACK_QUEUE', 'CALLBACK_CONNECTION', 'CACHE', 'JOB_CALLBACK_DEBUG', 'INVENTORY_HOSTVARS',
                     'AWX_HOST', 'PROJECT_REVISION', 'SUPERVISOR_CONFIG_PATH')
JOBS = ['140b5236-88ad-43c8-811c-1268453jb101', '8d0e8e36-a618-490d-8a46-8c61ac9jb502']
PLAYBOOK = [{
    'name': 'DRS status with the credentials AWX injected',
    'hosts': 'localhost',
    'gather_facts': False,
    'tasks': [{'name': 'Read the jobs', 'cloudops.drs.drs_batch_info': {'jobs': '{{ drs_jobs }}'}, 'register': 'fleet'},
              {'name': 'Keep the result', 'ansible.builtin.set_stats': {'data': {'drs_job_ids': "{{ fleet.jobs | map(attribute='id') | list }}"}}}],
}]


def credential_type():
    with open(CREDENTIAL_TYPE, encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def env_fallbacks():
    """ENV_FALLBACKS of plugins/module_utils/_auth.py (read from the source)."""
    with open(os.path.join(COLLECTION_DIR, 'plugins', 'module_utils', '_auth.py'), encoding='utf-8') as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and [target.id for target in node.targets] == ['ENV_FALLBACKS']:
            return ast.literal_eval(node.value)
    raise AssertionError('no ENV_FALLBACKS in _auth.py')


def render_injectors(definition, inputs):
    """The environment AWX injects for a credential with these inputs (see the module docstring)."""
    namespace = dict((name, value) for name, value in inputs.items() if value not in (None, ''))
    sandbox = ImmutableSandboxedEnvironment()
    return dict((name, sandbox.from_string(template).render(**namespace))
                for name, template in definition['injectors']['env'].items())


def test_credential_type_is_valid_for_awx():
    definition = credential_type()
    assert definition['kind'] == 'cloud'
    fields = definition['inputs']['fields']
    ids = [field['id'] for field in fields]
    assert len(ids) == len(set(ids))
    for field in fields:
        assert re.match(r'^[a-zA-Z_]+[a-zA-Z0-9_]*$', field['id'])
        assert field['label'] and field['type'] == 'string'
        assert set(field) <= {'id', 'label', 'type', 'secret', 'help_text', 'multiline'}
    assert set(definition['inputs']['required']) <= set(ids)
    assert set(definition['injectors']) == {'env'}
    # AWX renders every template with all inputs defined and StrictUndefined when the type is saved
    every_input = dict((name, 'EXAMPLE') for name in ids)
    for name, template in definition['injectors']['env'].items():
        assert not name.startswith('ANSIBLE_') and name not in AWX_ENV_BLOCKLIST
        ImmutableSandboxedEnvironment(undefined=StrictUndefined).from_string(template).render(**every_input)


def test_secret_inputs_are_exactly_the_secret_options():
    secret = [field['id'] for field in credential_type()['inputs']['fields'] if field.get('secret')]
    assert secret == ['password', 'secret_key', 'security_token']


def test_each_input_is_injected_as_the_variable_its_module_option_reads():
    definition = credential_type()
    fallbacks = env_fallbacks()
    injected = dict((re.match(r'^\{\{ (\w+) \}\}$', template).group(1), name)
                    for name, template in definition['injectors']['env'].items())
    assert sorted(injected) == sorted(field['id'] for field in definition['inputs']['fields'])
    for option, variable in injected.items():
        assert variable == fallbacks[option][0], option


def test_empty_optional_inputs_render_as_empty_strings():
    env = render_injectors(credential_type(), {'region': 'eu-de', 'access_key': 'AK', 'secret_key': 'SK', 'security_token': ''})
    assert (env['OS_REGION_NAME'], env['OS_ACCESS_KEY'], env['OS_SECRET_KEY']) == ('eu-de', 'AK', 'SK')
    assert env['OS_SECURITY_TOKEN'] == env['OS_USERNAME'] == env['OS_DRS_ENDPOINT_OVERRIDE'] == ''


@pytest.fixture(scope='module')
def emulator():
    with RunningEmulator('--speed', '60', '--fixture', os.path.join(COLLECTION_DIR, 'tests', 'drs_emulator', 'fixtures', 'demo.yml')) as emu:
        yield emu


def run_like_awx(tmp_path, injected_env, collections_path):
    """``ansible-runner run`` on a private data directory holding the injected env, as docs/awx.md describes."""
    private = tmp_path / 'private'
    for sub in ('project', 'env'):
        (private / sub).mkdir(parents=True)
    (private / 'project' / 'drs_status.yml').write_text(yaml.safe_dump(PLAYBOOK, sort_keys=False))
    tools = tool_environment()
    envvars = dict(injected_env, ANSIBLE_COLLECTIONS_PATH=collections_path,
                   ANSIBLE_PYTHON_INTERPRETER=sys.executable, PATH=tools['PATH'])
    (private / 'env' / 'envvars').write_text(yaml.safe_dump(envvars))
    (private / 'env' / 'extravars').write_text(yaml.safe_dump({'drs_jobs': JOBS}))
    env = dict((name, value) for name, value in tools.items() if not name.startswith(('OS_', 'HUAWEICLOUD_')))
    result = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-runner'), 'run', str(private),
                             '-p', 'drs_status.yml', '--ident', 'job1'],
                            env=env, capture_output=True, text=True, check=False, timeout=300)
    artifacts = private / 'artifacts' / 'job1'
    return result, artifacts


def stats_of(artifacts):
    """The set_stats data from the playbook_on_stats event in the runner's artifacts (as AWX reads it)."""
    for name in sorted(os.listdir(str(artifacts / 'job_events'))):
        with open(str(artifacts / 'job_events' / name), encoding='utf-8') as handle:
            event = json.load(handle)
        if event.get('event') == 'playbook_on_stats':
            return event['event_data']['artifact_data']
    raise AssertionError('no playbook_on_stats event')


def test_password_credential_runs_a_module_like_an_awx_job(emulator, collections_path, tmp_path):
    emulator.reset()
    inputs = {'region': 'eu-de', 'auth_url': emulator.url + '/v3', 'username': USER_NAME, 'password': USER_PASSWORD,
              'domain_name': DOMAIN_NAME, 'project_name': 'eu-de'}   # the DRS endpoint comes from the token catalog
    result, artifacts = run_like_awx(tmp_path, render_injectors(credential_type(), inputs), collections_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (artifacts / 'status').read_text() == 'successful'
    assert (artifacts / 'rc').read_text() == '0'
    assert stats_of(artifacts)['drs_job_ids'] == JOBS
    assert USER_PASSWORD not in (artifacts / 'stdout').read_text()
    assert list(emulator.stats()['requests']['by_auth']) == ['token']


def test_access_key_credential_with_endpoint_runs_a_module_like_an_awx_job(emulator, collections_path, tmp_path):
    emulator.reset()
    inputs = {'region': 'eu-de', 'project_id': PROJECT_A_ID, 'access_key': ACCESS_KEY_A[0], 'secret_key': ACCESS_KEY_A[1],
              'endpoint': emulator.url}
    result, artifacts = run_like_awx(tmp_path, render_injectors(credential_type(), inputs), collections_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (artifacts / 'status').read_text() == 'successful'
    assert stats_of(artifacts)['drs_job_ids'] == JOBS
    assert list(emulator.stats()['requests']['by_auth']) == ['aksk']
