"""Secrets never reach an exception message, an error dict or a per-job error, even when a server echoes them."""

import pytest
import requests

from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsError

from drs_client_fakes import PASSWORD, SECRET_KEY, TOKEN, Harness, aksk_auth, job_id, password_auth, reply, token_auth

JOB = job_id(101)
SECURITY_TOKEN = "security-token-SECRET-0042"


def all_text(error):
    return str(error) + repr(error.to_dict()) + repr(error.args)


def assert_clean(text, *secrets):
    for secret in secrets:
        assert secret not in text
    assert "********" in text


def test_iam_error_echoing_the_password_is_scrubbed():
    h = Harness(password_auth())
    h.api.route("POST", "/v3/auth/tokens", reply(400, {"error": {"code": 400, "message": "bad password '%s'" % PASSWORD}}))
    with pytest.raises(DrsError) as info:
        h.client.connect()
    assert_clean(all_text(info.value), PASSWORD)


def test_drs_error_echoing_the_token_is_scrubbed():
    h = Harness(token_auth())
    h.api.route("POST", "/jobs/batch-status", reply(403, {"error_code": "DRS.M00100", "error_msg": "invalid token %s" % TOKEN}))
    with pytest.raises(DrsError) as info:
        h.client.batch_status([JOB])
    assert_clean(all_text(info.value), TOKEN)


def test_non_json_body_echoing_a_secret_is_scrubbed():
    h = Harness(aksk_auth(security_token=SECURITY_TOKEN))
    h.api.route("POST", "/jobs/batch-status", reply(200, raw="<html>sk=%s st=%s</html>" % (SECRET_KEY, SECURITY_TOKEN)))
    with pytest.raises(DrsError) as info:
        h.client.batch_status([JOB])
    assert_clean(all_text(info.value), SECRET_KEY, SECURITY_TOKEN)


def test_transport_error_text_is_scrubbed():
    h = Harness(password_auth())
    h.api.route("POST", "/v3/auth/tokens", requests.exceptions.InvalidHeader("bad header value %s" % PASSWORD))
    with pytest.raises(DrsError) as info:
        h.client.connect()
    assert PASSWORD not in all_text(info.value)
    assert len(h.calls) == 1  # not a connection problem: not retried


def test_per_job_action_errors_are_scrubbed():
    h = Harness(token_auth())
    h.api.route("POST", "/jobs/batch-starting", reply(400, {"error_code": "DRS.M00202", "error_msg": "token %s refused" % TOKEN}))
    results = h.client.batch_start([(JOB, None)])
    assert TOKEN not in repr(results)
    assert results[JOB]["status"] == "failed"


def test_the_session_token_of_password_auth_is_scrubbed_too():
    h = Harness(password_auth())
    h.api.route("POST", "/v3/auth/tokens", reply(201, {"token": {"project": {"id": "p"}}}, headers={"X-Subject-Token": "issued-token-XYZ"}))
    h.api.route("POST", "/jobs/batch-status", reply(400, {"error_code": "X", "error_msg": "token issued-token-XYZ is odd"}))
    with pytest.raises(DrsError) as info:
        h.client.batch_status([JOB])
    assert_clean(all_text(info.value), "issued-token-XYZ", PASSWORD)
