"""Issue 6 item 2: bad input to the three modules and the role gets the exact message a user reads.

Cases that validation can decide send nothing: they run in one playbook against the emulator and its request
counter stays at zero. Cases that need the API (another project's job, wrong credentials, an expired token, an
unreachable endpoint, broken replies from a stub) run in a second playbook. No case shows a traceback.
"""

import re
import socket

import pytest

from drs_emulator.pytest_plugin import ACCESS_KEY_A, PROJECT_A_ID

from bad_reply_stub import JOB_ID as STUB_JOB, NO_IDS, NO_RESULTS, NOT_JSON, ODD_STATUS, TRUNCATED, BadReplyStub
from reliability_helpers import aksk_auth, local_play, password_auth, run_playbook, write_playbook

GOOD = '140b5236-88ad-43c8-811c-1268453jb101'
OTHER = '140b5236-88ad-43c8-811c-1268453jb102'
ID_RULE = ('A DRS job id has 36 characters, lower-case letters and digits grouped 8-4-4-4-12, for example '
           '140b5236-88ad-43c8-811c-1268453jb101. A job name (exact, case-sensitive) has 4 to 50 characters.')
POSITIVE_TIMES = ('drs_precheck_timeout, drs_start_timeout, drs_poll_interval and drs_rpo_rto_max must be positive '
                  'numbers of seconds.')
NO_CREDENTIALS = ('no credentials: set one of auth_token, access_key+secret_key, username+password+domain_name (with '
                  'project_name or project_id), or cloud (or their environment variables OS_AUTH_TOKEN, '
                  'OS_ACCESS_KEY/OS_SECRET_KEY, OS_USERNAME/OS_PASSWORD/OS_USER_DOMAIN_NAME, OS_CLOUD)')
PAST = re.compile(r"^start_time 2001-01-01T00:00:00Z is in the past \(now is 20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z\); "
                  r"give a future time, or leave start_time out to start at once\.$")

# name -> (module, options without auth (None: no auth at all), the exact message or a compiled pattern)
# Every one of these is decided before a request is sent.
LOCAL_CASES = {
    'start_empty_job_list': ('drs_batch_start', {'jobs': []}, 'jobs must list at least one DRS job id or name.'),
    'precheck_missing_job_list': ('drs_batch_precheck', {}, 'Select the jobs: give jobs (ids or names), filters, or both.'),
    'info_empty_job_list': ('drs_batch_info', {'jobs': []}, 'jobs must list at least one DRS job id or name.'),
    'start_malformed_id': ('drs_batch_start', {'jobs': ['bad']},
                           "Invalid job id or name: jobs[0] 'bad'. " + ID_RULE),
    'precheck_upper_case_and_short_ids': ('drs_batch_precheck', {'jobs': [GOOD.upper(), GOOD[:-1]]},
                                          "Invalid job ids or names: jobs[0] '%s', jobs[1] '%s'. %s" % (GOOD.upper(), GOOD[:-1], ID_RULE)),
    'info_numeric_id': ('drs_batch_info', {'jobs': [123]}, "Invalid job id or name: jobs[0] '123'. " + ID_RULE),
    'start_duplicate_id_with_different_start_times': (
        'drs_batch_start', {'jobs': [{'id': GOOD, 'start_time': '2099-01-01T00:00:00Z'}, {'id': GOOD, 'start_time': '2099-01-02T00:00:00Z'}]},
        'jobs: %s is listed more than once with different settings (jobs[0] and jobs[1]).' % GOOD),
    'precheck_duplicate_id_with_different_modes': (
        'drs_batch_precheck', {'jobs': [{'id': GOOD, 'mode': 'forStartJob'}, {'id': GOOD, 'mode': 'forRetryJob'}]},
        'jobs: %s is listed more than once with different settings (jobs[0] and jobs[1]).' % GOOD),
    'info_batch_size_too_big': ('drs_batch_info', {'jobs': [GOOD], 'batch_size': 11},
                                'batch_size must be between 1 and 10 (a DRS batch call takes at most 10 jobs), got 11.'),
    'precheck_batch_size_zero': ('drs_batch_precheck', {'jobs': [GOOD], 'batch_size': 0},
                                 'batch_size must be between 1 and 10 (a DRS batch call takes at most 10 jobs), got 0.'),
    'start_max_concurrency_too_big': ('drs_batch_start', {'jobs': [GOOD], 'max_concurrency': 33},
                                      'max_concurrency must be between 1 and 32, got 33.'),
    'info_unknown_include_facet': ('drs_batch_info', {'jobs': [GOOD], 'include': ['status', 'passwords']},
                                   'value of include must be one or more of: status, detail, progress, precheck, rpo_rto, '
                                   'struct_process. Got no match for: passwords'),
    'start_time_not_a_date': ('drs_batch_start', {'jobs': [GOOD], 'start_time': 'tomorrow 10pm'},
                              "start_time: 'tomorrow 10pm' is neither an ISO 8601 date and time (for example "
                              "2030-01-31T22:00:00Z) nor epoch milliseconds."),
    'start_time_impossible_date': ('drs_batch_start', {'jobs': [GOOD], 'start_time': '2030-02-30T10:00:00Z'},
                                   "start_time: '2030-02-30T10:00:00Z' is not a valid date and time."),
    'start_time_in_epoch_seconds': ('drs_batch_start', {'jobs': [GOOD], 'start_time': 1900000000},
                                    'start_time: 1900000000 looks like epoch seconds; give epoch milliseconds (for example '
                                    '1900000000000) or an ISO 8601 date and time.'),
    'start_time_in_the_past': ('drs_batch_start', {'jobs': [GOOD], 'start_time': '2001-01-01T00:00:00Z'}, PAST),
    'per_job_start_time_in_the_past': (
        'drs_batch_start', {'jobs': [{'id': GOOD, 'start_time': 978307200000}]},
        re.compile(r'^jobs\[0\]\.start_time 2001-01-01T00:00:00Z is in the past \(now is .*Z\); give a future time, '
                   r'or leave start_time out to start at once\.$')),
    'precheck_unknown_mode_of_one_job': ('drs_batch_precheck', {'jobs': [{'id': GOOD, 'mode': 'forEver'}]},
                                         "jobs[0].mode: 'forEver' is not one of forStartJob, forRetryJob."),
    'start_unknown_job_key': ('drs_batch_start', {'jobs': [{'id': GOOD, 'mode': 'forStartJob'}]},
                              'jobs[0]: unknown key mode (allowed keys: id, start_time).'),
    'precheck_zero_wait_timeout': ('drs_batch_precheck', {'jobs': [GOOD], 'wait_timeout': 0},
                                   'wait_timeout must be a positive number of seconds, got 0.'),
    'start_negative_poll_interval': ('drs_batch_start', {'jobs': [GOOD], 'poll_interval': -5},
                                     'poll_interval must be a positive number of seconds, got -5.'),
    'info_zero_api_timeout': ('drs_batch_info', {'jobs': [GOOD], 'api_timeout': 0},
                              'api_timeout must be a positive number of seconds, got 0.'),
    'start_negative_rpo_rto_max_and_wait_timeout': (
        'drs_batch_start', {'jobs': [GOOD], 'rpo_rto_max': -1, 'wait_timeout': -1},
        'wait_timeout must be a positive number of seconds, got -1. rpo_rto_max must be a positive number of seconds, got -1.'),
    'conflicting_auth_access_key_with_password': (
        'drs_batch_info', {'jobs': [GOOD], 'access_key': ACCESS_KEY_A[0], 'username': 'drs-operator', 'password': 'pw',
                           'domain_name': 'd', 'project_id': PROJECT_A_ID, 'endpoint': '@emulator@'},
        'access_key is set but secret_key is missing: set secret_key (env OS_SECRET_KEY or HUAWEICLOUD_SDK_SK or HW_SECRET_KEY)'),
    'conflicting_auth_security_token_with_password': (
        'drs_batch_precheck', {'jobs': [GOOD], 'security_token': 'st-value', 'username': 'drs-operator', 'password': 'pw',
                               'domain_name': 'd', 'project_name': 'eu-de', 'auth_url': '@emulator@/v3'},
        'security_token is set but access_key and secret_key are missing: set access_key (env OS_ACCESS_KEY or '
        'HUAWEICLOUD_SDK_AK or HW_ACCESS_KEY) and secret_key (env OS_SECRET_KEY or HUAWEICLOUD_SDK_SK or HW_SECRET_KEY)'),
    'password_auth_without_domain': (
        'drs_batch_start', {'jobs': [GOOD], 'username': 'drs-operator', 'password': 'pw', 'project_name': 'eu-de',
                            'auth_url': '@emulator@/v3'},
        'username and password are set but domain_name is missing: set domain_name (env OS_USER_DOMAIN_NAME or OS_DOMAIN_NAME)'),
    'missing_auth': ('drs_batch_info', {'jobs': [GOOD], 'endpoint': '@emulator@'}, NO_CREDENTIALS),
    'unknown_region_without_endpoint': (
        'drs_batch_info', {'jobs': [GOOD], 'access_key': ACCESS_KEY_A[0], 'secret_key': ACCESS_KEY_A[1],
                           'project_id': PROJECT_A_ID, 'region': 'mars-1'},
        "unknown region 'mars-1': set endpoint"),
}

# name -> (role variables, exact message or pattern of the task that fails)
ROLE_CASES = {
    'role_missing_job_list': ({}, 'drs_jobs or drs_filters is not valid: drs_jobs is empty: list the ids or names of the DRS '
                                  'jobs to work on, or give drs_filters'),
    'role_empty_job_list': ({'drs_jobs': []}, 'drs_jobs or drs_filters is not valid: drs_jobs is empty: list the ids or names '
                                              'of the DRS jobs to work on, or give drs_filters'),
    'role_malformed_and_duplicate_ids': ({'drs_jobs': ['bad', GOOD, GOOD]}, None),
    'role_start_time_in_the_past': ({'drs_jobs': [GOOD], 'drs_start_time': '2001-01-01T00:00:00Z'}, None),
    'role_bad_start_time_format': ({'drs_jobs': [GOOD], 'drs_start_time': '31.01.2030 22:00'}, None),
    'role_zero_poll_interval': ({'drs_jobs': [GOOD], 'drs_poll_interval': 0}, POSITIVE_TIMES),
    'role_negative_start_timeout': ({'drs_jobs': [GOOD], 'drs_start_timeout': -10}, POSITIVE_TIMES),
    'role_unknown_precheck_mode': ({'drs_jobs': [GOOD], 'drs_precheck_mode': 'forEver'},
                                   re.compile(r'value of drs_precheck_mode must be one of: forStartJob, forRetryJob, got: forEver')),
}


def fill(value, url):
    if isinstance(value, dict):
        return dict((key, fill(item, url)) for key, item in value.items())
    if isinstance(value, list):
        return [fill(item, url) for item in value]
    return value.replace('@emulator@', url) if isinstance(value, str) else value


def module_task(name, module, options):
    return {'name': name, 'cloudops.drs.%s' % module: options, 'ignore_errors': True}


def role_case_tasks(name, variables):
    return [{'name': 'role case %s' % name, 'block': [
        {'name': 'include the role (%s)' % name, 'ansible.builtin.include_role': {'name': 'cloudops.drs.precheck_and_start'},
         'vars': variables}],
        'rescue': [{'name': name, 'ansible.builtin.debug': {'msg': '{{ ansible_failed_result.msg }}'}}]}]


def assert_message(name, actual, expected):
    assert actual is not None, name
    if hasattr(expected, 'search'):
        assert expected.search(actual), (name, actual)
    elif expected is not None:
        assert actual == expected, (name, actual)


@pytest.fixture(scope='module')
def local_run(reliability_emulator, collections_path, tmp_path_factory):
    """Every validation case in one playbook against a clean emulator; returns (run, requests the emulator saw)."""
    emu = reliability_emulator
    emu.set_faults(clear=True)
    emu.reset(jobs=True, stats=True, faults=False)
    auth = aksk_auth(emu)
    tasks = []
    for name, (module, options, dummy) in LOCAL_CASES.items():
        options = fill(options, emu.url)
        if not any(key in options for key in ('access_key', 'username', 'endpoint', 'security_token')):
            options = dict(auth, **options)
        tasks.append(module_task(name, module, options))
    role_auth = dict(auth)
    for name, (variables, dummy) in ROLE_CASES.items():
        tasks += role_case_tasks(name, dict(dict(drs_auth=role_auth, drs_poll_interval=1), **variables))
    tmp = tmp_path_factory.mktemp('bad-input')
    playbook = write_playbook(tmp / 'local.yml', [local_play(tasks)])
    run = run_playbook(playbook, collections_path, tmp / 'runner')
    return run, emu.stats()['requests']['total']


def test_there_are_at_least_30_bad_input_cases():
    assert len(LOCAL_CASES) + len(ROLE_CASES) + len(API_CASES) >= 30


@pytest.mark.parametrize('name', list(LOCAL_CASES))
def test_module_rejects_bad_input_with_an_exact_message(local_run, name):
    run, dummy = local_run
    result = run.result(name)
    assert result.get('failed') is True, result
    assert_message(name, result.get('msg'), LOCAL_CASES[name][2])


@pytest.mark.parametrize('name', list(ROLE_CASES))
def test_role_rejects_bad_input_with_an_exact_message(local_run, name):
    run, dummy = local_run
    assert_message(name, run.result(name).get('msg'), ROLE_CASES[name][1])


def test_role_lists_every_bad_entry_of_the_job_list(local_run):
    run, dummy = local_run
    assert run.result('role_malformed_and_duplicate_ids')['msg'] == (
        "drs_jobs or drs_filters is not valid: drs_jobs[0]: 'bad' is neither a DRS job id nor a job name. %s; "
        "drs_jobs[2]: job 140b5236-88ad-43c8-811c-1268453jb101 is listed more than once" % ID_RULE)
    assert re.match(r'^drs_jobs or drs_filters is not valid: drs_jobs\[0\] start time 2001-01-01T00:00:00Z is in the past \(now is \S+Z\); '
                    r'give a future time, or leave start_time out to start at once\.$', run.result('role_start_time_in_the_past')['msg'])
    assert run.result('role_bad_start_time_format')['msg'] == (
        "drs_jobs or drs_filters is not valid: drs_jobs[0] start time: '31.01.2030 22:00' is neither an ISO 8601 date and time (for example "
        "2030-01-31T22:00:00Z) nor epoch milliseconds.")


def test_validation_sends_no_request_and_shows_no_traceback(local_run):
    run, requests = local_run
    assert requests == 0
    assert 'Traceback' not in run.text
    assert 'MODULE FAILURE' not in run.text


def test_a_duplicate_id_with_the_same_settings_is_handled_once_with_a_warning(emu, collections_path, tmp_path):
    emu.load_jobs({'generate': {'n': 1, 'seed': 3}})
    job = emu.jobs()[0]['id']
    playbook = write_playbook(tmp_path / 'dup.yml', [local_play([
        module_task('precheck twice listed', 'drs_batch_precheck', dict(aksk_auth(emu), jobs=[job, job], poll_interval=1)),
        module_task('start twice listed', 'drs_batch_start', dict(aksk_auth(emu), jobs=[job, {'id': job}], poll_interval=1))])])
    run = run_playbook(playbook, collections_path, tmp_path / 'runner')
    start = run.result('start twice listed')
    assert run.result('precheck twice listed')['warnings'] == ['jobs: %s is listed 2 times; it is handled once.' % job]
    assert start['warnings'] == ['jobs: %s is listed 2 times; it is handled once.' % job]
    assert start['started_jobs'] == [job]
    assert emu.stats()['jobs'][job]['starts'] == 1
    assert emu.stats()['max_jobs_in_call'] == 1


# ---- cases that reach the API (or try to) ---------------------------------------------------------------------

def closed_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def stub_auth(stub, project):
    return {'auth_token': 'stub-token-value-0001', 'project_id': project, 'endpoint': stub.url}


API_CASES = {
    'job_of_another_project': None, 'wrong_password': None, 'bad_secret_key': None, 'unknown_access_key': None,
    'expired_token': None, 'unreachable_endpoint': None, 'reply_not_json': None, 'reply_truncated': None,
    'reply_without_results': None, 'reply_items_without_ids': None, 'reply_with_unknown_status': None,
}


@pytest.fixture(scope='module')
def api_run(reliability_emulator, collections_path, tmp_path_factory):
    emu = reliability_emulator
    emu.set_faults(clear=True)
    emu.load_jobs({'generate': {'n': 1, 'seed': 5, 'project': 'eu-nl'}})
    emu.reset(jobs=True, stats=True, faults=False, tokens=True)
    other = emu.jobs()[0]['id']
    emu.set_faults(token_ttl=1)
    expired = emu.token()
    emu.set_faults(clear=True)
    emu.clock(advance=5)
    port = closed_port()
    auth = aksk_auth(emu)
    with BadReplyStub() as stub:
        tasks = [
            module_task('job_of_another_project', 'drs_batch_start', dict(auth, jobs=[other])),
            module_task('wrong_password', 'drs_batch_precheck', dict(password_auth(emu), password='Wrong-Passw0rd!', jobs=[GOOD])),
            module_task('bad_secret_key', 'drs_batch_info', dict(auth, secret_key='x' * 40, jobs=[GOOD])),
            module_task('unknown_access_key', 'drs_batch_info', dict(auth, access_key='UNKNOWNACCESSKEY0000', jobs=[GOOD])),
            module_task('expired_token', 'drs_batch_info', {'auth_token': expired, 'project_id': PROJECT_A_ID,
                                                            'endpoint': emu.url, 'jobs': [GOOD]}),
            module_task('unreachable_endpoint', 'drs_batch_precheck', dict(auth, endpoint='http://127.0.0.1:%d' % port,
                                                                           jobs=[GOOD], wait_timeout=2)),
            module_task('reply_not_json', 'drs_batch_info', dict(stub_auth(stub, NOT_JSON), jobs=[STUB_JOB])),
            module_task('reply_truncated', 'drs_batch_start', dict(stub_auth(stub, TRUNCATED), jobs=[STUB_JOB])),
            module_task('reply_without_results', 'drs_batch_precheck', dict(stub_auth(stub, NO_RESULTS), jobs=[STUB_JOB])),
            module_task('reply_items_without_ids', 'drs_batch_info', dict(stub_auth(stub, NO_IDS), jobs=[STUB_JOB])),
            module_task('reply_with_unknown_status', 'drs_batch_start', dict(stub_auth(stub, ODD_STATUS), jobs=[STUB_JOB])),
        ]
        tmp = tmp_path_factory.mktemp('api-input')
        run = run_playbook(write_playbook(tmp / 'api.yml', [local_play(tasks)]), collections_path, tmp / 'runner')
    return run, emu, other, port, expired


def test_a_job_of_another_project_gets_a_per_job_message(api_run):
    run, emu, other, dummy, dummy = api_run
    result = run.result('job_of_another_project')
    assert result['failed'] is True
    assert result['msg'] == 'Could not start 1 of 1 job(s): DRS job %s was not found in this project.: %s.' % (other, other)
    assert result['failed_jobs'] == [other] and result['started_jobs'] == []
    assert emu.stats()['jobs'][other]['starts'] == 0


@pytest.mark.parametrize('name', [name for name in API_CASES if name != 'job_of_another_project'])
def test_api_failures_have_a_clear_message(api_run, name):
    run, emu, dummy, port, dummy = api_run
    url = emu.url + '/v3/' + PROJECT_A_ID + '/jobs'
    expected = {
        'wrong_password': re.compile(
            r"^IAM rejected the password credentials of user 'drs-operator' \(check username, password, domain_name and the "
            r"project\): POST %s/v3/auth/tokens answered HTTP 401: The request you have made requires authentication\. "
            r"\(request id [0-9a-f]{32}\)$" % re.escape(emu.url)),
        'bad_secret_key': re.compile(
            r"^DRS rejected the AK/SK signature: check access_key, secret_key, security_token, project_id and the system clock: "
            r"POST %s/batch-detail answered HTTP 401 APIGW\.0301: Incorrect IAM authentication information: verify aksk "
            r"signature fail \(request id [0-9a-f]{32}\)$" % re.escape(url)),
        'unknown_access_key': re.compile(r'^DRS rejected the AK/SK signature: .*HTTP 401 APIGW\.0301: Incorrect IAM authentication '
                                         r'information: verify aksk signature fail, unknown access key'),
        'expired_token': re.compile(
            r"^DRS rejected auth_token \(it is expired, invalid or scoped to another project\): get a new token: POST "
            r"%s/batch-detail answered HTTP 401 APIG\.0307: The token must be updated\." % re.escape(url)),
        'unreachable_endpoint': re.compile(
            r"^POST http://127\.0\.0\.1:%d/v3/%s/jobs/batch-detail failed: connection refused \(nothing listens at that address\) "
            r"\(gave up after 3 attempts\)$" % (port, PROJECT_A_ID)),
        'reply_not_json': re.compile(
            r"^DRS sent a reply that is not JSON \(or is truncated\): POST http://127\.0\.0\.1:\d+/v3/0{31}1/jobs/batch-detail "
            r"answered HTTP 200: reply is not JSON: '<html><body>502 Bad Gateway</body></html>'$"),
        'reply_truncated': re.compile(r"^DRS sent a reply that is not JSON \(or is truncated\): POST .*/batch-detail answered "
                                      r"HTTP 200: reply is not JSON: '\{\"count\": 1, \"results\": \[\{\"id\": \"140b5236"),
        'reply_without_results': re.compile(r"^the DRS reply has no 'results' list: POST .*/batch-detail answered HTTP 200$"),
        'reply_items_without_ids': re.compile(r"^the DRS reply items carry no job id: POST .*/batch-detail answered HTTP 200$"),
        'reply_with_unknown_status': re.compile(r'^Could not start 1 of 1 job\(s\): status EXPLODING does not allow a start: '
                                                r'orders \(140b5236-88ad-43c8-811c-1268453jb101\)\.$'),
    }[name]
    result = run.result(name)
    assert result.get('failed') is True, result
    assert_message(name, result['msg'], expected)


def test_api_failures_show_no_traceback_and_no_secret(api_run):
    run, dummy, dummy, dummy, expired = api_run
    assert 'Traceback' not in run.text and 'MODULE FAILURE' not in run.text
    assert 'Wrong-Passw0rd!' not in run.text and expired not in run.text and ACCESS_KEY_A[1] not in run.text
