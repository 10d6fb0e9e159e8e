"""The AWX/AAP credential types in docs/awx/: valid for AWX, and what their injectors produce lets a module
authenticate against the DRS emulator, run the way AWX runs a job (``ansible-runner run`` on a private data
directory, as docs/awx.md shows). ``credential_type.yml`` injects environment variables;
``credential_type_clouds_yaml.yml`` writes a clouds.yaml and injects only its path and the entry name, so the
password stays out of the job's environment and of ansible-runner's ``artifacts/<id>/command`` file.

``render_injectors`` does what AWX's ``CredentialType.inject_credential`` does: it renders each ``file`` template
into a file of its own (mode 0600) in the private data directory's ``env/`` and names it ``tower.filename``, then
each ``env`` template, with Jinja2's ``ImmutableSandboxedEnvironment`` over a namespace that holds only the inputs
that were given a non-empty value. An input left empty (or never set) is undefined there, and an undefined name
renders as an empty string, so the variable is still set, to ``""``. The modules read an empty variable as unset
(``_auth._env_values``), which the tests below rely on.
"""

import ast
import json
import os
import re
import stat
import subprocess
import sys
import tempfile
from types import SimpleNamespace

import pytest
import yaml
from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from conftest import COLLECTION_DIR, tool_environment
from drs_emulator.pytest_plugin import (ACCESS_KEY_A, DOMAIN_NAME, PROJECT_A_ID, USER_NAME, USER_PASSWORD,
                                        RunningEmulator)

CREDENTIAL_TYPES = {'env': os.path.join(COLLECTION_DIR, 'docs', 'awx', 'credential_type.yml'),
                    'clouds_yaml': os.path.join(COLLECTION_DIR, 'docs', 'awx', 'credential_type_clouds_yaml.yml')}
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


def credential_type(style='env'):
    with open(CREDENTIAL_TYPES[style], encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def env_fallbacks():
    """ENV_FALLBACKS of plugins/module_utils/_auth.py (read from the source)."""
    with open(os.path.join(COLLECTION_DIR, 'plugins', 'module_utils', '_auth.py'), encoding='utf-8') as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and [target.id for target in node.targets] == ['ENV_FALLBACKS']:
            return ast.literal_eval(node.value)
    raise AssertionError('no ENV_FALLBACKS in _auth.py')


def render_injectors(definition, inputs, env_dir=None):
    """The environment AWX injects for a credential with these inputs, writing its files to ``env_dir`` (see the
    module docstring)."""
    namespace = dict((name, value) for name, value in inputs.items() if value not in (None, ''))
    sandbox = ImmutableSandboxedEnvironment()
    tower = SimpleNamespace()
    for label, template in definition['injectors'].get('file', {}).items():
        handle, path = tempfile.mkstemp(dir=str(env_dir))
        with os.fdopen(handle, 'w') as written:
            written.write(sandbox.from_string(template).render(**namespace))
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        if '.' in label:
            tower.filename = getattr(tower, 'filename', SimpleNamespace())
            setattr(tower.filename, label.split('.', 1)[1], path)
        else:
            tower.filename = path
    namespace['tower'] = tower
    return dict((name, sandbox.from_string(template).render(**namespace))
                for name, template in definition['injectors']['env'].items())


@pytest.mark.parametrize('style', sorted(CREDENTIAL_TYPES))
def test_credential_type_is_valid_for_awx(style):
    definition = credential_type(style)
    assert definition['kind'] == 'cloud'
    fields = definition['inputs']['fields']
    ids = [field['id'] for field in fields]
    assert len(ids) == len(set(ids))
    for field in fields:
        assert re.match(r'^[a-zA-Z_]+[a-zA-Z0-9_]*$', field['id'])
        assert field['label'] and field['type'] == 'string'
        assert set(field) <= {'id', 'label', 'type', 'secret', 'help_text', 'multiline'}
    assert set(definition['inputs']['required']) <= set(ids)
    assert set(definition['injectors']) == ({'env'} if style == 'env' else {'file', 'env'})
    # AWX renders every template with all inputs defined and StrictUndefined when the type is saved
    every_input = dict((name, 'EXAMPLE') for name in ids)
    strict = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    for label, template in definition['injectors'].get('file', {}).items():
        assert label == 'template' or label.startswith('template.')
        strict.from_string(template).render(**every_input)
    every_input['tower'] = SimpleNamespace(filename='/runner/env/tmpEXAMPLE')
    for name, template in definition['injectors']['env'].items():
        assert not name.startswith('ANSIBLE_') and name not in AWX_ENV_BLOCKLIST
        strict.from_string(template).render(**every_input)


def test_both_credential_types_ask_for_the_same_inputs():
    assert credential_type('clouds_yaml')['inputs'] == credential_type('env')['inputs']
    assert credential_type('clouds_yaml')['name'] != credential_type('env')['name']


@pytest.mark.parametrize('style', sorted(CREDENTIAL_TYPES))
def test_secret_inputs_are_exactly_the_secret_options(style):
    secret = [field['id'] for field in credential_type(style)['inputs']['fields'] if field.get('secret')]
    assert secret == ['password', 'secret_key', 'security_token']


def test_clouds_yaml_style_writes_every_input_where_the_modules_read_it_and_only_the_path_to_the_environment(tmp_path):
    inputs = {'region': 'eu-de', 'auth_url': 'https://iam.example/v3', 'username': 'u', 'password': 'p"w: #\\x\'',
              'domain_name': 'D', 'project_name': 'eu-de', 'project_id': 'a' * 32, 'access_key': 'AK', 'secret_key': 'SK',
              'security_token': 'ST', 'endpoint': 'https://drs.example'}
    env = render_injectors(credential_type('clouds_yaml'), inputs, tmp_path)
    assert env == {'OS_CLIENT_CONFIG_FILE': env['OS_CLIENT_CONFIG_FILE'], 'OS_CLOUD': 'drs'}
    assert stat.S_IMODE(os.stat(env['OS_CLIENT_CONFIG_FILE']).st_mode) == 0o600
    with open(env['OS_CLIENT_CONFIG_FILE'], encoding='utf-8') as handle:
        written = yaml.safe_load(handle)
    # the keys of a clouds.yaml entry that _auth._flatten_cloud maps onto the module options
    assert written == {'clouds': {'drs': {
        'auth': {'auth_url': 'https://iam.example/v3', 'username': 'u', 'password': 'p"w: #\\x\'', 'user_domain_name': 'D',
                 'project_name': 'eu-de', 'project_id': 'a' * 32, 'access_key': 'AK', 'secret_key': 'SK', 'security_token': 'ST'},
        'region_name': 'eu-de', 'drs_endpoint_override': 'https://drs.example'}}}
    env = render_injectors(credential_type('clouds_yaml'), {'region': 'eu-de', 'access_key': 'AK', 'secret_key': 'SK'}, tmp_path)
    with open(env['OS_CLIENT_CONFIG_FILE'], encoding='utf-8') as handle:
        assert yaml.safe_load(handle) == {'clouds': {'drs': {'auth': {'access_key': 'AK', 'secret_key': 'SK'}, 'region_name': 'eu-de'}}}


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


def run_like_awx(tmp_path, style, inputs, collections_path, module_args=None):
    """``ansible-runner run`` on a private data directory holding what the injectors of ``style`` produce for
    ``inputs`` (``style`` may also be a function that writes into ``env/`` and returns the environment, as AWX's
    built-in credential types do), as docs/awx.md describes. ``module_args`` are added to the module task."""
    private = tmp_path / 'private'
    for sub in ('project', 'env'):
        (private / sub).mkdir(parents=True)
    playbook = json.loads(json.dumps(PLAYBOOK))
    playbook[0]['tasks'][0]['cloudops.drs.drs_batch_info'].update(module_args or {})
    (private / 'project' / 'drs_status.yml').write_text(yaml.safe_dump(playbook, sort_keys=False))
    if callable(style):
        injected_env = style(inputs, private / 'env')
    else:
        injected_env = render_injectors(credential_type(style), inputs, private / 'env')
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
    result, artifacts = run_like_awx(tmp_path, 'env', inputs, collections_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (artifacts / 'status').read_text() == 'successful'
    assert (artifacts / 'rc').read_text() == '0'
    assert stats_of(artifacts)['drs_job_ids'] == JOBS
    assert USER_PASSWORD not in (artifacts / 'stdout').read_text()
    assert list(emulator.stats()['requests']['by_auth']) == ['token']
    # the reason for the clouds.yaml style: ansible-runner records the job's environment, password included
    assert USER_PASSWORD in (artifacts / 'command').read_text()


def artifact_texts(directory):
    """The text of every file below ``directory``."""
    texts = {}
    for root, dummy, files in os.walk(str(directory)):
        for name in files:
            with open(os.path.join(root, name), encoding='utf-8', errors='replace') as handle:
                texts[os.path.join(root, name)] = handle.read()
    return texts


def test_clouds_yaml_credential_keeps_the_password_out_of_the_job_environment_and_authenticates(
        emulator, collections_path, tmp_path):
    emulator.reset()
    inputs = {'region': 'eu-de', 'auth_url': emulator.url + '/v3', 'username': USER_NAME, 'password': USER_PASSWORD,
              'domain_name': DOMAIN_NAME, 'project_name': 'eu-de'}
    result, artifacts = run_like_awx(tmp_path, 'clouds_yaml', inputs, collections_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (artifacts / 'status').read_text() == 'successful'
    assert stats_of(artifacts)['drs_job_ids'] == JOBS
    assert list(emulator.stats()['requests']['by_auth']) == ['token']   # the password of the file was used
    with open(str(artifacts / 'command'), encoding='utf-8') as handle:
        command = json.load(handle)
    assert command['env']['OS_CLOUD'] == 'drs' and os.path.isfile(command['env']['OS_CLIENT_CONFIG_FILE'])
    assert not [name for name in command['env'] if name in ('OS_PASSWORD', 'OS_USERNAME', 'OS_SECRET_KEY')]
    assert not [path for path, text in artifact_texts(artifacts).items() if USER_PASSWORD in text]
    assert not [path for path, text in artifact_texts(tmp_path / 'private' / 'env').items()
                if USER_PASSWORD in text and path != command['env']['OS_CLIENT_CONFIG_FILE']]


def test_access_key_credential_with_endpoint_runs_a_module_like_an_awx_job(emulator, collections_path, tmp_path):
    emulator.reset()
    inputs = {'region': 'eu-de', 'project_id': PROJECT_A_ID, 'access_key': ACCESS_KEY_A[0], 'secret_key': ACCESS_KEY_A[1],
              'endpoint': emulator.url}
    result, artifacts = run_like_awx(tmp_path, 'env', inputs, collections_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (artifacts / 'status').read_text() == 'successful'
    assert stats_of(artifacts)['drs_job_ids'] == JOBS
    assert list(emulator.stats()['requests']['by_auth']) == ['aksk']


def awx_openstack_injector(inputs, env_dir):
    """What AWX's built-in OpenStack credential injects (awx/main/models/credential/injectors.py, ``openstack``):
    a clouds.yaml with the one cloud ``devstack``, named by OS_CLIENT_CONFIG_FILE; no OS_CLOUD."""
    handle, path = tempfile.mkstemp(dir=str(env_dir))
    auth = {'auth_url': inputs['host'], 'username': inputs['username'], 'password': inputs['password'],
            'project_name': inputs['project'], 'domain_name': inputs['domain']}
    with os.fdopen(handle, 'w') as written:
        yaml.safe_dump({'clouds': {'devstack': {'auth': auth, 'verify': True, 'region_name': inputs['region']}}}, written,
                       default_flow_style=False, allow_unicode=True)
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    return {'OS_CLIENT_CONFIG_FILE': path}


def test_awx_builtin_openstack_credential_works_with_cloud_devstack(emulator, collections_path, tmp_path):
    emulator.reset()
    inputs = {'host': emulator.url + '/v3', 'username': USER_NAME, 'password': USER_PASSWORD, 'project': 'eu-de',
              'domain': DOMAIN_NAME, 'region': 'eu-de'}
    result, artifacts = run_like_awx(tmp_path, awx_openstack_injector, inputs, collections_path, {'cloud': 'devstack'})
    assert result.returncode == 0, result.stdout + result.stderr
    assert stats_of(artifacts)['drs_job_ids'] == JOBS
    assert list(emulator.stats()['requests']['by_auth']) == ['token']
