"""Issue 6 item 5: property-based tests (hypothesis).

- Batch replies, arbitrary, reordered, partial and duplicated, with ``id`` or ``job_id`` and ``error_msg`` or
  ``error_message``: the client merges them by id, in the order asked, loses no job and never crashes.
- The signer: any method, path, query and body signed by the client's signer verifies with the emulator's verifier
  (tests/drs_emulator/signing.py), exactly as the emulator sees the request on the wire.
- Argument validation (``_base.validate_options``) returns or raises DrsConfigError with a message, nothing else.
"""

import json
import string
from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, settings, strategies as st

from drs_emulator import signing

from ansible_collections.cloudops.drs.plugins.module_utils._auth import resolve_auth
from ansible_collections.cloudops.drs.plugins.module_utils._base import validate_options
from ansible_collections.cloudops.drs.plugins.module_utils._client import DrsClient
from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsConfigError, DrsError
from ansible_collections.cloudops.drs.plugins.module_utils._signer import sign_request

PROJECT = '054ba152d480d55b2f5dc0069e7ddef0'
FUZZ = settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

job_ids = st.builds(lambda head, tail: '%s-88ad-43c8-811c-%s' % (head, tail),
                    st.text(alphabet=string.digits + string.ascii_lowercase, min_size=8, max_size=8),
                    st.text(alphabet=string.digits + string.ascii_lowercase, min_size=12, max_size=12))


class _Response(object):
    def __init__(self, status, body):
        self.status_code = status
        self.headers = {'Content-Type': 'application/json'}
        self.content = body


class ScriptedSession(object):
    """Answers every batch call from ``reply_for(requested ids)``; records what was asked."""

    def __init__(self, reply_for):
        self.reply_for = reply_for
        self.asked = []

    def request(self, method, url, data=None, **kwargs):
        ids = json.loads(data)['jobs']
        self.asked.append(ids)
        status, body = self.reply_for(ids)
        return _Response(status, body)

    def close(self):
        pass


def client_with(session, batch_size):
    auth = resolve_auth({'auth_token': 'fuzz-token-0001', 'project_id': PROJECT, 'endpoint': 'https://drs.example.test'}, {})
    return DrsClient(auth, batch_size=batch_size, max_concurrency=1, session=session, sleep=lambda seconds: None)


@st.composite
def batch_scenarios(draw):
    """Asked ids (with repeats), and per id: answered or not, duplicated, which id key, an error or not."""
    known = draw(st.lists(job_ids, min_size=1, max_size=25, unique=True))
    asked = draw(st.lists(st.sampled_from(known), min_size=1, max_size=40))
    answers = {}
    for job_id in known:
        answers[job_id] = draw(st.fixed_dictionaries({
            'answered': st.booleans(), 'copies': st.integers(1, 3), 'key': st.sampled_from(['id', 'job_id']),
            'error': st.sampled_from([None, 'DRS.M00289', 'DRS.M05004', 'DRS.M00304']),
            'msg_key': st.sampled_from(['error_msg', 'error_message']),
            'status': st.sampled_from(['CONFIGURATION', 'INCRE_TRANSFER_STARTED', '', None, 'SOMETHING_NEW']),
        }))
    junk = draw(st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=5), st.just({'name': 'no id here'})), max_size=3))
    seed = draw(st.randoms(use_true_random=False))
    batch_size = draw(st.integers(1, 10))
    return asked, answers, junk, seed, batch_size


@FUZZ
@given(batch_scenarios())
def test_batch_replies_are_merged_by_id_and_no_job_is_lost(scenario):
    asked, answers, junk, rng, batch_size = scenario

    def reply_for(ids):
        results = []
        for job_id in ids:
            answer = answers[job_id]
            if not answer['answered']:
                continue
            item = {answer['key']: job_id, 'status': answer['status'], 'name': 'job-' + job_id[-5:]}
            if answer['error']:
                item.update({'error_code': answer['error'], answer['msg_key']: 'problem of %s' % job_id})
            results += [dict(item) for dummy in range(answer['copies'])]
        results += junk
        rng.shuffle(results)
        return 200, json.dumps({'count': len(results), 'results': results}).encode()

    session = ScriptedSession(reply_for)
    try:
        items, not_found = client_with(session, batch_size).batch_status(asked)
    except DrsError as exc:
        # a reply whose every item lacks a job id is broken as a whole: a clean error, never a guess
        assert str(exc).startswith('the DRS reply items carry no job id: POST ')
        assert {'name': 'no id here'} in junk
        return

    unique = list(dict.fromkeys(asked))
    assert list(items) == [job_id for job_id in unique if job_id in items]            # input order kept
    assert sorted(list(items) + not_found) == sorted(unique)                          # nothing lost, nothing invented
    assert set(items).isdisjoint(not_found)
    assert all(len(chunk) <= batch_size for chunk in session.asked)
    for job_id in unique:
        answer = answers[job_id]
        gone = not answer['answered'] or answer['error'] in ('DRS.M00289', 'DRS.M05004')
        assert (job_id in not_found) == gone
        if not gone:
            item = items[job_id]
            assert item['id'] == job_id and item['name'] == 'job-' + job_id[-5:]
            assert item['error_code'] == answer['error']
            assert item['error_msg'] == ('problem of %s' % job_id if answer['error'] else None)


@FUZZ
@given(status=st.sampled_from([200, 202, 400, 404, 500]),
       body=st.one_of(st.binary(max_size=60),
                      st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8)),
                                   lambda children: st.one_of(st.lists(children, max_size=4),
                                                              st.dictionaries(st.sampled_from(['results', 'count', 'id', 'job_id',
                                                                                               'error_code', 'status']),
                                                                              children, max_size=4)),
                                   max_leaves=12).map(lambda value: json.dumps(value).encode())))
def test_any_reply_body_gives_items_or_a_clean_error(status, body):
    ids = ['140b5236-88ad-43c8-811c-1268453jb101', '140b5236-88ad-43c8-811c-1268453jb102']
    client = client_with(ScriptedSession(lambda asked: (status, body)), 10)
    try:
        items, not_found = client.batch_status(ids)
    except DrsError as exc:
        assert str(exc) and 'Traceback' not in str(exc)
    else:
        assert sorted(list(items) + not_found) == sorted(ids)


# ---- the signer against the emulator's verifier --------------------------------------------------------------

KEY = {'access': 'QTWAOYTTINDUT2QVKYUC', 'secret': 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc', 'project_id': PROJECT,
       'security_token': None}
segment = st.text(alphabet=st.characters(blacklist_categories=('Cs', 'Cc'), blacklist_characters='/?#%'), min_size=1, max_size=10)
query_text = st.text(alphabet=st.characters(blacklist_categories=('Cs', 'Cc'), blacklist_characters='&=#%+'), max_size=8)


@FUZZ
@given(method=st.sampled_from(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD']),
       segments=st.lists(segment, min_size=0, max_size=4),
       query=st.lists(st.tuples(query_text.filter(bool), query_text), max_size=4),
       body=st.binary(max_size=200),
       project_header=st.booleans())
def test_any_request_signed_by_the_client_verifies_with_the_emulator(method, segments, query, body, project_header):
    headers = {'Content-Type': 'application/json', 'X-Language': 'en-us'}
    if project_header:
        headers['X-Project-Id'] = PROJECT
    path = '/v3/%s/' % PROJECT + '/'.join(segments)
    signed = sign_request(method, 'http://127.0.0.1:8443' + path, headers, body, KEY['access'], KEY['secret'], query=query)

    sent = urlsplit(signed.url)  # what goes on the wire: the raw path and query the server reads
    lower = dict((name.lower(), value) for name, value in signed.headers.items())
    verdict = signing.verify_request(method, sent.path, sent.query, lower, signed.body,
                                     lambda access: KEY if access == KEY['access'] else None)
    assert verdict.ok, (verdict.reason, signed.canonical_request)


# ---- argument validation -----------------------------------------------------------------------------------------

anything = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-10 ** 15, 10 ** 15), st.floats(allow_nan=True),
                                  st.text(max_size=30), job_ids),
                        lambda children: st.one_of(st.lists(children, max_size=3),
                                                   st.dictionaries(st.sampled_from(['id', 'mode', 'start_time', 'name', 'x']),
                                                                   children, max_size=3)),
                        max_leaves=10)
start_times = st.one_of(anything, st.from_regex(r'\A\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?\Z'),
                        st.integers(-10 ** 18, 10 ** 18).map(str))
numbers = st.one_of(st.none(), st.integers(-10 ** 6, 10 ** 6))


job_dicts = st.fixed_dictionaries({'id': job_ids}, optional={'mode': anything, 'start_time': start_times})


@FUZZ
@given(jobs=st.one_of(st.none(), st.lists(st.one_of(anything, job_ids, job_dicts), max_size=6)),
       job_keys=st.sampled_from([(), ('mode',), ('start_time',)]),
       start_time=start_times, mode=anything,
       batch_size=numbers, max_concurrency=numbers, api_timeout=numbers, wait_timeout=numbers, poll_interval=numbers,
       include=st.one_of(st.none(), st.lists(st.sampled_from(['status', 'detail', 'progress']), max_size=5)))
def test_validation_never_raises_anything_but_a_clean_message(jobs, job_keys, start_time, mode, include, **numbers_given):
    params = dict(numbers_given, jobs=jobs, include=include, start_time=start_time if 'start_time' in job_keys else None,
                  mode=mode if 'mode' in job_keys else None)
    try:
        options = validate_options(params, job_keys)
    except DrsConfigError as exc:
        message = str(exc)
        assert message and message.strip() == message and 'Traceback' not in message
        assert message.endswith('.') or message.endswith(')')
    else:
        # a job given by name keeps id None and its name in by_name until the module resolves it
        assert options.jobs is None or all(set(job) - {'by_name'} == set(('id',) + tuple(job_keys)) for job in options.jobs)
        keys = [job['id'] or ('name', job['by_name']) for job in options.jobs or []]
        assert len(keys) == len(set(keys))
