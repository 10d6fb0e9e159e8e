"""What a release ships: the action group, the tarball's members, an install from the tarball that runs,
galaxy-importer's verdict, and a changelog that is current and lints. The checks live in
scripts/release_checks.py (also usable from the command line); these tests run them.
"""

import json
import os
import subprocess
import sys

import yaml

from conftest import COLLECTION_DIR, tool_environment
from drs_emulator.pytest_plugin import DOMAIN_NAME, USER_NAME, USER_PASSWORD, RunningEmulator

BIN = os.path.dirname(sys.executable)


def test_action_group_lists_exactly_the_modules(checks):
    assert checks.action_group_problems(COLLECTION_DIR) == []


def test_action_group_check_names_a_module_missing_from_the_group(checks, tmp_path):
    for sub in ('meta', 'plugins/modules'):
        (tmp_path / sub).mkdir(parents=True)
    (tmp_path / 'meta' / 'runtime.yml').write_text('action_groups:\n  drs: [drs_batch_info, drs_gone]\n')
    for name in ('drs_batch_info', 'drs_batch_new', '__init__'):
        (tmp_path / 'plugins' / 'modules' / (name + '.py')).write_text('')
    assert checks.action_group_problems(str(tmp_path)) == [
        'module drs_batch_new is not in action group drs (meta/runtime.yml)',
        'action group drs lists drs_gone, which is not a module in plugins/modules']


def test_action_group_check_keeps_the_report_writer_out_of_the_group(checks, tmp_path):
    for sub in ('meta', 'plugins/modules'):
        (tmp_path / sub).mkdir(parents=True)
    for name in ('drs_batch_info', 'drs_report_files'):
        (tmp_path / 'plugins' / 'modules' / (name + '.py')).write_text('')
    (tmp_path / 'meta' / 'runtime.yml').write_text('action_groups:\n  drs: [drs_batch_info]\n')
    assert checks.action_group_problems(str(tmp_path)) == []
    (tmp_path / 'meta' / 'runtime.yml').write_text('action_groups:\n  drs: [drs_batch_info, drs_report_files]\n')
    assert checks.action_group_problems(str(tmp_path)) == [
        'action group drs lists drs_report_files, which talks to no DRS API and takes none of its options']


def test_tarball_has_no_test_output_or_local_files(checks, tarball):
    members = checks.tarball_members(tarball)
    assert checks.tarball_problems(members) == []
    assert 'plugins/modules/drs_batch_info.py' in members and 'docs/awx/credential_type.yml' in members


def test_tarball_check_names_forbidden_members(checks):
    problems = checks.tarball_problems(['.venv-core-2.17/bin/python', 'tests/output/junit/x.xml', 'plugins/__pycache__/a.pyc',
                                        'tests/integration/integration_config.yml', 'cloudops-drs-1.0.0.tar.gz', 'README.md'])
    assert len([problem for problem in problems if 'must not be in the tarball' in problem]) == 5
    assert 'MANIFEST.json is missing from the tarball' in problems


def test_installed_tarball_runs_its_modules_from_an_empty_collections_path(checks, tarball, tmp_path):
    installed = checks.install(tarball, str(tmp_path / 'collections'))
    assert os.path.isfile(os.path.join(installed, 'MANIFEST.json'))
    # only the installed copy is visible: no other collections path, no sys.path scanning, no PYTHONPATH
    env = tool_environment(ANSIBLE_COLLECTIONS_PATH=str(tmp_path / 'collections'), ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='False')
    env.pop('PYTHONPATH', None)
    listed = subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'list', 'cloudops.drs', '--format', 'json'],
                            env=env, capture_output=True, text=True, check=True)
    assert list(json.loads(listed.stdout)) == [os.path.join(str(tmp_path / 'collections'), 'ansible_collections')]
    result_file = tmp_path / 'result.json'
    with RunningEmulator('--fixture', os.path.join(COLLECTION_DIR, 'tests', 'drs_emulator', 'fixtures', 'demo.yml')) as emu:
        playbook = [{'hosts': 'localhost', 'gather_facts': False,
                     'module_defaults': {'group/cloudops.drs.drs': {
                         'auth_url': emu.url + '/v3', 'endpoint': emu.url, 'username': USER_NAME, 'password': USER_PASSWORD,
                         'domain_name': DOMAIN_NAME, 'project_name': 'eu-de'}},
                     'tasks': [{'cloudops.drs.drs_batch_info': {'jobs': ['140b5236-88ad-43c8-811c-1268453jb101']}, 'register': 'info'},
                               {'ansible.builtin.copy': {'content': '{{ info | to_json }}', 'dest': str(result_file)}}]}]
        (tmp_path / 'play.yml').write_text(yaml.safe_dump(playbook))
        run = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', str(tmp_path / 'play.yml')],
                             env=env, capture_output=True, text=True, cwd=str(tmp_path), check=False, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    info = json.loads(result_file.read_text())
    assert [job['status'] for job in info['jobs']] == ['CONFIGURATION']


def test_galaxy_importer_accepts_the_tarball(checks, tarball, tmp_path):
    code, output = checks.run_importer(tarball, str(tmp_path))
    assert code == 0, output
    assert 'Importer processing completed successfully' in output
    # The import log only: after it the importer prints its result, which holds the rendered README (that quotes
    # an Ansible error message in the demo output).
    log = output[:output.index('Importer processing completed successfully')]
    assert 'ERROR' not in log and 'Traceback' not in log, log


def test_changelog_fragments_lint(checks):
    result = subprocess.run([os.path.join(BIN, 'antsibull-changelog'), 'lint'], cwd=COLLECTION_DIR,
                            capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout + result.stderr) == (0, '')


def test_changelog_rst_is_what_releasing_the_fragments_renders(checks, tmp_path):
    assert checks.changelog_problems(str(tmp_path), COLLECTION_DIR) == []
