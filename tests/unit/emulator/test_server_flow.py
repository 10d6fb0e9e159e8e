"""End to end over HTTP: token, pre-check, result, start and status on a frozen clock, on one keep-alive connection."""

import pytest

from drs_emulator.pytest_plugin import PROJECT_A_ID

JOB = "140b5236-88ad-43c8-811c-1268453jb301"
JOBS_PATH = "/v3/%s/jobs/" % PROJECT_A_ID
FIXTURE = {
    "defaults": {"precheck_duration": 10, "start_duration": 5, "full_duration": 20},
    "jobs": [{"id": JOB, "name": "flow-migration", "project": "eu-de", "type": "migration", "engine_type": "mysql",
              "task_mode": "FULL_INCR_TRANS", "status": "CONFIGURATION"}],
}


@pytest.mark.drs_emulator("--speed", "0")
def test_precheck_then_start_over_one_connection(drs_emulator):
    emulator = drs_emulator
    emulator.load_jobs(FIXTURE)
    auth = {"X-Auth-Token": emulator.token()}
    connection = emulator.connection()
    try:
        def call(endpoint, body):
            return emulator.request("POST", JOBS_PATH + endpoint, body, auth, connection=connection)

        precheck = call("batch-precheck", {"jobs": [{"job_id": JOB, "precheck_mode": "forStartJob"}]})
        assert (precheck.status, precheck.body) == (200, {"count": 1, "results": [{"id": JOB, "status": "success", "precheck_id": JOB}]})
        emulator.clock(advance=11)
        result = call("batch-precheck-result", {"jobs": [JOB]}).body["results"][0]
        assert (result["result"], result["process"], result["total_passed_rate"]) == (True, "100%", "100%")
        started = call("batch-starting", {"jobs": [{"job_id": JOB}]})
        assert (started.status, started.body) == (202, {"count": 1, "results": [{"id": JOB, "status": "success"}]})
        emulator.clock(advance=6)
        status = call("batch-status", {"jobs": [JOB]})
        assert status.body == {"count": 1, "results": [{"id": JOB, "status": "FULL_TRANSFER_STARTED"}]}
    finally:
        connection.close()
    stats = emulator.stats()
    job = stats["jobs"][JOB]
    assert (job["starts"], job["start_requests"], job["prechecks"]) == (1, 1, 1)
    assert [(step["from"], step["to"]) for step in job["transitions"]] == [("CONFIGURATION", "STARTJOBING"), ("STARTJOBING", "FULL_TRANSFER_STARTED")]
    assert job["transitions"][1]["at_ms"] - job["transitions"][0]["at_ms"] == 5000
    assert stats["requests"]["by_endpoint"] == {"iam-tokens": 1, "batch-precheck": 1, "batch-precheck-result": 1, "batch-starting": 1,
                                                "batch-status": 1}
    assert stats["requests"]["by_status"] == {"201": 1, "200": 3, "202": 1}
