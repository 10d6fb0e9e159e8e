"""DrsClient for real against the local DRS emulator (tests/drs_emulator): HTTP, IAM, signing, faults, and
batch_detail(keep=...) shrinking each detail as its chunk arrives.

One emulator subprocess (127.0.0.1, free port, clock x50) serves the whole module; every test resets it and
loads its own fleet. Outcomes are asserted through the emulator's admin API (per-job start counts, the largest
batch it received, requests per endpoint).
"""

import collections

import pytest

from ansible_collections.cloudops.drs.plugins.module_utils._auth import resolve_auth
from ansible_collections.cloudops.drs.plugins.module_utils._client import DrsClient
from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsApiError

emulator_plugin = pytest.importorskip("drs_emulator.pytest_plugin", reason="the DRS emulator package is not available")
RunningEmulator = emulator_plugin.RunningEmulator

PROJECT_A = "054ba152d480d55b2f5dc0069e7ddef0"
PROJECT_B = "9b1d4c6e2f3a4b5c8d7e6f5a4b3c2d1e"
USER = dict(username="drs-operator", password="Emulator-Passw0rd!", domain_name="OTC00000000001000000001")
KEY_A = ("QTWAOYTTINDUT2QVKYUC", "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc")
KEY_B = ("EMUPROJECTBAK0000002", "emulatorProjectBSecretKey00000000000002")
TEMP_KEY = ("EMUTEMPAK00000000003", "emulatorTemporarySecretKey000000000003", "emulator-security-token-0003")
RUNNING = ("FULL_TRANSFER_STARTED", "FULL_TRANSFER_COMPLETE", "INCRE_TRANSFER_STARTED")
UNKNOWN_JOB = "140b5236-88ad-43c8-811c-1268453jb999"


@pytest.fixture(scope="module")
def emulator():
    with RunningEmulator("--speed", "50") as running:
        yield running


@pytest.fixture
def emu(emulator):
    emulator.reset(jobs=True, stats=True, faults=True, tokens=True)
    return emulator


def fleet(emu, n, **options):
    spec = {"n": n, "seed": 11}
    spec.update(options)
    emu.load_jobs({"generate": spec})
    emu.admin("POST", "reset", {"jobs": False, "stats": True, "faults": False, "tokens": False})
    return [job["id"] for job in emu.jobs()]


def client_for(emu, **options):
    params = {"auth_url": emu.url + "/v3"}
    params.update(options)
    return DrsClient(resolve_auth(params, {}), max_concurrency=4)


def endpoint_counts(emu):
    return emu.stats()["requests"]["by_endpoint"]


def test_password_auth_reads_25_jobs_in_batches_of_at_most_10(emu):
    ids = fleet(emu, 25)
    client = client_for(emu, project_name="eu-de", **USER)
    items, not_found = client.batch_status(ids + [UNKNOWN_JOB, ids[0]])

    assert list(items) == ids
    assert all(item["status"] == "CONFIGURATION" and item["error_code"] is None for item in items.values())
    assert not_found == [UNKNOWN_JOB]
    assert (client.project_id, client.endpoint) == (PROJECT_A, emu.url)  # the endpoint came from the token catalog
    stats = emu.stats()
    assert stats["max_jobs_in_call"] <= 10
    assert stats["requests"]["by_endpoint"]["batch-status"] == 3
    assert stats["requests"]["by_endpoint"]["iam-tokens"] == 1


def test_detail_reports_unknown_jobs_as_not_found(emu):
    ids = fleet(emu, 3)
    client = client_for(emu, project_name="eu-de", **USER)
    items, not_found = client.batch_detail([ids[0], UNKNOWN_JOB, ids[2]])
    assert list(items) == [ids[0], ids[2]] and not_found == [UNKNOWN_JOB]
    assert items[ids[0]]["name"].startswith("fleet")


def test_batch_detail_keep_shrinks_every_detail_and_unknown_ids_stay_not_found(emu):
    ids = fleet(emu, 25, seed=3)
    client = client_for(emu, project_name="eu-de", region="eu-de", **USER)
    calls = []

    def keep(item):
        calls.append(item["id"])
        return {"id": item["id"], "status": item.get("status"), "error_code": item.get("error_code")}

    items, not_found = client.batch_detail(ids + [UNKNOWN_JOB], keep=keep)
    assert list(items) == ids
    assert all(item == {"id": job_id, "status": "CONFIGURATION", "error_code": None} for job_id, item in items.items())
    assert not_found == [UNKNOWN_JOB]
    assert sorted(calls) == sorted(ids + [UNKNOWN_JOB])
    assert endpoint_counts(emu)["batch-detail"] == 3   # 26 ids: 10 + 10 + 6, as without keep


def test_token_auth_with_and_without_project_id(emu):
    ids = fleet(emu, 12)
    token = emu.token()
    with_project = client_for(emu, auth_token=token, project_id=PROJECT_A, endpoint=emu.url)
    items, dummy = with_project.batch_status(ids)
    assert list(items) == ids

    from_token = client_for(emu, auth_token=token)
    items, dummy = from_token.batch_progress(ids)
    assert list(items) == ids and all(item["job_id"] == job for job, item in items.items())
    assert from_token.project_id == PROJECT_A


def test_aksk_auth_looks_up_the_project_and_signs_every_request(emu):
    ids = fleet(emu, 25)
    client = client_for(emu, access_key=KEY_A[0], secret_key=KEY_A[1], project_name="eu-de", endpoint=emu.url)
    items, not_found = client.batch_status(ids)
    assert list(items) == ids and not_found == []
    assert client.project_id == PROJECT_A
    assert emu.stats()["requests"]["by_auth"].get("aksk", 0) >= 4  # the look-up and three batches


def test_temporary_aksk_with_security_token(emu):
    ids = fleet(emu, 2)
    client = client_for(emu, access_key=TEMP_KEY[0], secret_key=TEMP_KEY[1], security_token=TEMP_KEY[2], project_id=PROJECT_A,
                        endpoint=emu.url)
    items, dummy = client.batch_status(ids)
    assert list(items) == ids


def test_aksk_for_another_project_or_a_wrong_secret_is_refused(emu):
    ids = fleet(emu, 1)
    wrong_project = client_for(emu, access_key=KEY_B[0], secret_key=KEY_B[1], project_id=PROJECT_A, endpoint=emu.url)
    with pytest.raises(DrsApiError) as info:
        wrong_project.batch_status(ids)
    assert info.value.status in (401, 403)

    wrong_secret = client_for(emu, access_key=KEY_A[0], secret_key="not-the-secret-key", project_id=PROJECT_A, endpoint=emu.url)
    with pytest.raises(DrsApiError) as info:
        wrong_secret.batch_status(ids)
    assert info.value.status == 401 and "DRS rejected the AK/SK signature" in str(info.value)
    assert "not-the-secret-key" not in str(info.value)


def test_wrong_password_is_refused_once(emu):
    client = client_for(emu, project_name="eu-de", username=USER["username"], password="wrong-password",
                        domain_name=USER["domain_name"])
    with pytest.raises(DrsApiError) as info:
        client.connect()
    assert info.value.status == 401 and "wrong-password" not in str(info.value)
    assert endpoint_counts(emu)["iam-tokens"] == 1


def test_precheck_wait_and_start_a_small_fleet(emu):
    ids = fleet(emu, 12)
    client = client_for(emu, project_name="eu-de", **USER)
    deadline = client.deadline_in(60)

    submitted = client.batch_precheck([(job, "forStartJob") for job in ids], deadline=deadline)
    assert [submitted[job]["status"] for job in ids] == ["success"] * 12

    results, pending = client.wait(ids, lambda some: client.batch_precheck_result(some, deadline=deadline)[0],
                                   lambda item: item.get("process") == "100%", deadline, 0.2)
    assert pending == []
    assert all(results[job]["result"] is True for job in ids)

    def reconcile(some):
        statuses, dummy = client.batch_status(some, deadline=deadline)
        return set(job for job, item in statuses.items() if item["status"] != "CONFIGURATION")

    started = client.batch_start([(job, None) for job in ids], deadline=deadline, reconcile=reconcile)
    assert [started[job]["status"] for job in ids] == ["success"] * 12

    statuses, pending = client.wait(ids, lambda some: client.batch_status(some, deadline=deadline)[0],
                                    lambda item: item["status"] in RUNNING, deadline, 0.2)
    assert pending == []
    job_stats = emu.stats()["jobs"]
    assert [job_stats[job]["starts"] for job in ids] == [1] * 12
    assert [job_stats[job]["prechecks"] for job in ids] == [1] * 12


def start_lag_window(emu):
    """A start-lag window (real seconds) that outlasts the emulator's start lag: its reading ``start_lag_seconds``
    (0 in the default profile, 30 emulator seconds in the pessimistic one) at the clock speed of this module's
    emulator (x50), three times over, and at least 1 s. The client's own window (START_LAG_WINDOW, 60 s) fits a real
    DRS; against the fast emulator clock it would only make every start lost before DRS got it wait a minute."""
    lag = emu.admin("GET", "readings")["readings"]["start_lag_seconds"]
    return max(1.0, 3 * lag / 50.0)


def test_connection_resets_during_start_never_start_a_job_twice(emu):
    ids = fleet(emu, 20, precheck_passed=True)
    emu.set_faults(reset_after_rate=0.5, reset_before_rate=0.2, busy_rate=0.2, endpoints=["batch-starting"], seed=7)
    client = client_for(emu, project_name="eu-de", **USER)
    deadline = client.deadline_in(90)
    reconciled = []

    def reconcile(some):
        reconciled.extend(some)
        statuses, dummy = client.batch_status(some, deadline=deadline)
        return set(job for job, item in statuses.items() if item["status"] != "CONFIGURATION")

    started = client.batch_start([(job, None) for job in ids], deadline=deadline, reconcile=reconcile,
                                 lag_window=start_lag_window(emu))

    assert [started[job]["status"] for job in ids] == ["success"] * 20
    faults = emu.stats()["faults_injected"]
    assert faults["reset_after"] + faults["reset_before"] > 0 and reconciled
    job_stats = emu.stats()["jobs"]
    assert collections.Counter(job_stats[job]["starts"] for job in ids) == {1: 20}
    assert client.stats["retries"] > 0


def test_connection_resets_during_stops_are_reconciled_and_never_reported_stopped_unless_they_were(emu):
    ids = fleet(emu, 20)
    emu.set_faults(reset_after_rate=0.5, reset_before_rate=0.2, busy_rate=0.2, endpoints=["batch-jobs"], seed=7)
    client = client_for(emu, project_name="eu-de", **USER)
    deadline = client.deadline_in(90)
    reconciled = []

    def reconcile(some):
        reconciled.extend(some)
        statuses, dummy = client.batch_status(some, deadline=deadline)
        return set(job for job, item in statuses.items() if item["status"].startswith("RELEASE_RESOURCE"))

    stopped = client.batch_stop([(job, "terminate") for job in ids], deadline=deadline, reconcile=reconcile)

    faults = emu.stats()["faults_injected"]
    assert faults["reset_after"] + faults["reset_before"] > 0 and reconciled
    outcomes = collections.Counter(stopped[job]["status"] for job in ids)
    # with a stop lag (pessimistic profile) a stop sent again while the job still reads as before may be refused
    # because the first one took effect: such a job is unknown, never failed
    allowed = {"success", "unknown"} if emu.admin("GET", "readings")["readings"].get("stop_lag_seconds") else {"success"}
    assert set(outcomes) <= allowed, outcomes
    statuses = dict((job["id"], job["status"]) for job in emu.jobs())
    assert all(statuses[job].startswith("RELEASE_RESOURCE") for job in ids if stopped[job]["status"] == "success")
    job_stats = emu.stats()["jobs"]
    assert all(sum(1 for move in job_stats[job]["transitions"] if move["to"] == "RELEASE_RESOURCE_STARTED") <= 1 for job in ids)


def test_throttling_and_server_errors_are_ridden_out(emu):
    ids = fleet(emu, 25)
    emu.set_faults(too_frequent_rate=0.3, error_rate=0.2, error_status=502, endpoints=["batch-status"], seed=3)
    client = client_for(emu, project_name="eu-de", **USER)
    items, not_found = client.batch_status(ids, deadline=client.deadline_in(60))
    assert list(items) == ids and not_found == []
    faults = emu.stats()["faults_injected"]
    retried = client.stats["retried"]
    assert retried["throttled"] == faults["too_frequent"] and retried["server_error"] == faults["error"]
    assert faults["too_frequent"] + faults["error"] > 0


def test_list_jobs_pages_through_the_project(emu):
    ids = fleet(emu, 130, types=["migration", "sync", "cloudDataGuard"])
    client = client_for(emu, project_name="eu-de", **USER)
    listed = client.list_jobs()
    assert sorted(job["id"] for job in listed) == sorted(ids)


def test_list_jobs_reads_every_job_when_drs_caps_the_page_below_per_page(emu):
    ids = fleet(emu, 45, types=["migration"])
    emu.set_readings(list_page_max=10)
    client = client_for(emu, project_name="eu-de", **USER)
    assert sorted(job["id"] for job in client.list_jobs(db_use_type="migration")) == sorted(ids)
    assert endpoint_counts(emu)["list-jobs"] == 5


@pytest.mark.parametrize("ignores_tags", [False, True])
def test_a_tag_selection_is_right_whether_or_not_drs_applies_the_tags_filter(ignores_tags):
    """hw details carry tags: the client checks them, so a list that ignores the filter changes nothing."""
    from ansible_collections.cloudops.drs.plugins.module_utils._base import DrsModuleBase

    with RunningEmulator("--profile", "hw-pessimistic", "--speed", "50",
                         "--%slist-ignores-tags" % ("" if ignores_tags else "no-")) as running:
        running.load_jobs({"generate": {"n": 12, "seed": 3, "waves": 3}})
        wanted = sorted(job["id"] for job in running.jobs() if job["name"].endswith(("01", "04", "07", "10")))
        base = DrsModuleBase.__new__(DrsModuleBase)
        base.client = client_for(running, project_name="eu-de", **USER)
        base.selection_names = {}
        assert sorted(base._filtered({"tags": {"wave": "1"}}, None, [])) == wanted


def test_tls_checks_the_certificate_unless_validate_certs_is_false(tmp_path):
    with RunningEmulator("--jobs", "3", tls_dir=tmp_path / "tls") as tls_emu:
        assert tls_emu.url.startswith("https://")
        params = {"auth_url": tls_emu.url + "/v3", "access_key": KEY_A[0], "secret_key": KEY_A[1],
                  "project_id": PROJECT_A, "endpoint": tls_emu.url}
        ids = [job["id"] for job in tls_emu.jobs()]

        with pytest.raises(DrsApiError) as refused:
            DrsClient(resolve_auth(params, {})).batch_status(ids)
        assert "set ca_cert" in str(refused.value)

        insecure, not_found = DrsClient(resolve_auth(params, {}), validate_certs=False).batch_status(ids)
        assert (list(insecure), not_found) == (ids, [])

        trusted, not_found = DrsClient(resolve_auth(params, {}), ca_cert=tls_emu.ca_file).batch_status(ids)
        assert (list(trusted), not_found) == (ids, [])
