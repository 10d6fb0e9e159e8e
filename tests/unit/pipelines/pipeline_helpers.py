"""What the pipeline tests share: a user's repository (the example fleet) in a temporary directory, the secret store a
CI system would fill from the emulator's credentials, and running a pipeline step's commands exactly as written.

The pipelines in docs/examples install ansible-core and the collection in a step of their own; the tests skip that
step and put the Python that runs them (its ansible-playbook) and the laid-out collection on the path instead. The
only variable a test adds to what the pipeline sets is ``OS_DRS_ENDPOINT_OVERRIDE``: the emulator's URL, which a real
cloud does not need.
"""

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import yaml

from drs_emulator.pytest_plugin import ACCESS_KEY_A, DOMAIN_NAME, PROJECT_A_ID, USER_NAME, USER_PASSWORD

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTION_DIR = os.path.dirname(TESTS_DIR)
EXAMPLES_DIR = os.path.join(COLLECTION_DIR, 'docs', 'examples')
DEMO_FIXTURE = os.path.join(TESTS_DIR, 'drs_emulator', 'fixtures', 'demo.yml')
# The jobs of docs/examples/drs/fleet.yml and what the real run does with them (the demo fleet's behaviour)
RUNNING_ALREADY = ['6f3d0a71-8c2e-4a5b-9d7f-1b3e5c7jb108']
FAILING_PRECHECK = '2d8a6c47-9f1e-4b3a-8c5d-4f7a9e1jb106'
RUNNING = ('FULL_TRANSFER_STARTED', 'FULL_TRANSFER_COMPLETE', 'INCRE_TRANSFER_STARTED')
# ansible-playbook's exit codes the pipelines document (docs/examples/*/README.md)
RC_OK, RC_HOST_FAILED = 0, 2


def secret_store(emulator):
    """What an operator puts into the CI system's secret store (GitHub secrets/vars, GitLab CI/CD variables)."""
    return {
        'DRS_ACCESS_KEY': ACCESS_KEY_A[0], 'DRS_SECRET_KEY': ACCESS_KEY_A[1], 'DRS_PROJECT_ID': PROJECT_A_ID,
        'DRS_REGION': 'eu-de', 'DRS_AUTH_URL': emulator.url + '/v3', 'DRS_USERNAME': USER_NAME,
        'DRS_PASSWORD': USER_PASSWORD, 'DRS_DOMAIN_NAME': DOMAIN_NAME, 'DRS_PROJECT_NAME': 'eu-de',
    }


def secrets_in_store(emulator):
    """The secret values: none of them may appear in a step's output or a report."""
    store = secret_store(emulator)
    return [store['DRS_SECRET_KEY'], store['DRS_PASSWORD']]


def example_fleet(extra_jobs=()):
    """docs/examples/drs/fleet.yml, with a 1 s poll interval (the emulator's clock runs fast) and ``extra_jobs``."""
    with open(os.path.join(EXAMPLES_DIR, 'drs', 'fleet.yml'), encoding='utf-8') as handle:
        fleet = yaml.safe_load(handle)
    fleet['drs_poll_interval'] = 1
    fleet['drs_jobs'] = list(fleet['drs_jobs']) + list(extra_jobs)
    return fleet


def job_ids(fleet):
    return [job['id'] if isinstance(job, dict) else job for job in fleet['drs_jobs']]


def make_workspace(path, fleet):
    """A checkout of the user's repository: drs/fleet.yml and drs/requirements.yml."""
    os.makedirs(os.path.join(str(path), 'drs'))
    with open(os.path.join(str(path), 'drs', 'fleet.yml'), 'w', encoding='utf-8') as handle:
        yaml.safe_dump(fleet, handle)
    shutil.copy(os.path.join(EXAMPLES_DIR, 'drs', 'requirements.yml'), os.path.join(str(path), 'drs', 'requirements.yml'))
    return str(path)


def base_environment(emulator, collections_path):
    """The runner's environment before the pipeline's own variables: no OS_*/HW_* of the machine the tests run on."""
    env = dict((name, value) for name, value in os.environ.items()
               if not name.startswith(('OS_', 'HW_', 'HUAWEICLOUD_', 'ANSIBLE_', 'GITHUB_', 'CI_')))
    env['PATH'] = os.pathsep.join([os.path.dirname(sys.executable), env.get('PATH', '')])
    env['ANSIBLE_COLLECTIONS_PATH'] = collections_path
    env['ANSIBLE_PYTHON_INTERPRETER'] = sys.executable
    env['OS_DRS_ENDPOINT_OVERRIDE'] = emulator.url
    return env


def run_script(script, env, cwd, log_path):
    """Run ``script`` with bash as both CI systems do (stop at the first failing command); return (rc, output)."""
    result = subprocess.run(['bash', '--noprofile', '--norc', '-eo', 'pipefail', '-c', script], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600, check=False)
    with open(log_path, 'a', encoding='utf-8') as log:
        log.write('$ %s\n%s\n[exit %d]\n' % (script, result.stdout, result.returncode))
    return result.returncode, result.stdout


def expand_variables(value, variables):
    """``$NAME`` and ``${NAME}`` replaced from ``variables`` (GitLab's expansion of CI/CD variables); unknown: ''."""
    return re.sub(r'\$(?:\{(\w+)\}|(\w+))', lambda match: variables.get(match.group(1) or match.group(2), ''), value)


def markdown_job_rows(path):
    """The job rows of a Markdown report: id -> the row's cells."""
    with open(path, encoding='utf-8') as handle:
        lines = handle.read().splitlines()
    rows = {}
    for line in lines:
        found = re.search(r'`([0-9a-z-]{36})`', line)
        if line.startswith('| ') and found:
            rows[found.group(1)] = [cell.strip() for cell in line.strip('|').split(' | ')]
    return rows


def junit_cases(path):
    """The JUnit file parsed: {suite name suffix: {case name: 'passed'|'failure'|'error'|'skipped'}}."""
    root = ET.parse(path).getroot()
    suites = {}
    for suite in root.iter('testsuite'):
        cases = {}
        for case in suite.iter('testcase'):
            kind = [child.tag for child in case if child.tag in ('failure', 'error', 'skipped')]
            cases[case.get('name')] = kind[0] if kind else 'passed'
        suites[suite.get('name').rsplit(' ', 1)[-1]] = cases
    return suites
