"""Fixtures: the default fixture, the shipped YAML files, validation, load/merge/reset."""

import os

import pytest

from drs_emulator import model

FIXTURES = os.path.join(os.path.dirname(model.__file__), "fixtures")
START = 1700000000.0
JOB_1 = "11111111-2222-4333-8444-5555555jb001"
JOB_2 = "11111111-2222-4333-8444-5555555jb002"


def new_state(fixture, **kwargs):
    return model.EmulatorState(fixture, model.Clock(speed=0, start=START), **kwargs)


def job(job_id=JOB_1, **fields):
    entry = {"id": job_id, "name": "job-" + job_id[-3:]}
    entry.update(fields)
    return entry


def test_default_fixture_has_the_contract_projects_users_and_keys():
    state = new_state(model.default_fixture())
    assert len(state) == 0
    assert state.projects == {
        model.PROJECT_A_ID: {"id": model.PROJECT_A_ID, "name": "eu-de", "region": "eu-de", "domain_id": model.DOMAIN_ID},
        model.PROJECT_B_ID: {"id": model.PROJECT_B_ID, "name": "eu-nl", "region": "eu-nl", "domain_id": model.DOMAIN_ID},
    }
    (user,) = state.users
    assert (user["name"], user["domain"], user["domain_id"], user["password"]) == (
        "drs-operator", "OTC00000000001000000001", model.DOMAIN_ID, "Emulator-Passw0rd!")
    assert user["projects"] == [model.PROJECT_A_ID, model.PROJECT_B_ID]
    keys = {key["access"]: key for key in state.access_keys}
    assert keys["QTWAOYTTINDUT2QVKYUC"] == {"access": "QTWAOYTTINDUT2QVKYUC", "secret": "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc",
                                            "project_id": model.PROJECT_A_ID, "security_token": None}
    assert keys["EMUPROJECTBAK0000002"]["project_id"] == model.PROJECT_B_ID
    assert keys["EMUTEMPAK00000000003"]["security_token"] == "emulator-security-token-0003"
    assert state.project_by_name("eu-nl")["id"] == model.PROJECT_B_ID
    assert state.project_by_name("eu-ch2") is None


def test_demo_fixture_holds_the_promised_mixed_fleet():
    state = new_state(model.load_fixture_file(os.path.join(FIXTURES, "demo.yml")))
    view = {entry["name"]: entry for entry in state.jobs_admin_view()}
    eu_de = [entry for entry in view.values() if entry["project_name"] == "eu-de"]
    assert len(eu_de) == 14
    specs = {entry["name"]: state.get(entry["id"]).spec for entry in view.values()}
    outcomes = {name: spec["precheck"]["outcomes"][0] for name, spec in specs.items()}
    assert outcomes["billing-mysql-migration"] == "alarm"
    assert outcomes["legacy-crm-mysql-migration"] == "fail"
    assert view["payments-mysql-sync"]["status"] == "INCRE_TRANSFER_STARTED"
    assert view["orders-mysql-migration"]["precheck"]["result"] is True
    assert view["sessions-mysql-dr"]["role"] == "single"
    parent = view["ledger-dual-active-dr"]
    assert (parent["role"], parent["forward_id"], parent["backward_id"]) == (
        "parent", view["ledger-dual-active-dr-forward"]["id"], view["ledger-dual-active-dr-backward"]["id"])
    assert view["reporting-mysql-migration"]["start_outcome"] == "fail"
    assert {entry["name"] for entry in view.values() if entry["project_name"] == "eu-nl"} == {
        "nl-orders-mysql-migration", "nl-stock-mysql-sync"}
    # the ids the reference pages use in their examples
    assert {"140b5236-88ad-43c8-811c-1268453jb101", "8d0e8e36-a618-490d-8a46-8c61ac9jb502",
            "0ea5c5a0-e1b5-4421-80a9-7c9ff27jb502"} <= {entry["id"] for entry in eu_de}


@pytest.mark.parametrize("name,count", [("minimal.yml", 3), ("dual_active.yml", 4)])
def test_small_fixtures_load(name, count):
    state = new_state(model.load_fixture_file(os.path.join(FIXTURES, name)))
    assert len(state) == count
    assert all(entry["status"] == "CONFIGURATION" for entry in state.jobs_admin_view())


def test_fixture_defaults_and_job_blocks_set_the_timing():
    state = new_state({"defaults": {"precheck_duration": 7, "full_duration": 50},
                       "jobs": [job(start={"duration": 3, "switch_duration": 1}, dr=None,
                                    precheck={"duration": 9})]})
    timing = state.get(JOB_1).timing
    assert (timing["precheck_duration"], timing["start_duration"], timing["full_duration"], timing["switch_duration"]) == (9, 3, 50, 1)
    assert (timing["rpo_initial_ms"], timing["rto_initial_ms"]) == (120000, 90000)  # RTO: three quarters of the RPO


def test_fixture_create_time_is_used_as_given():
    state = new_state({"jobs": [job(create_time="1608519469412")]})
    assert state.get(JOB_1).create_time == 1608519469.412


def test_job_defaults_follow_the_type():
    state = new_state({"jobs": [job(JOB_1), job(JOB_2, type="cloudDataGuard")]})
    migration, dr_job = state.get(JOB_1), state.get(JOB_2)
    assert (migration.db_use_type, migration.engine_type, migration.task_mode, migration.spec["net_type"]) == (
        "migration", "mysql", "FULL_INCR_TRANS", "vpc")
    assert (dr_job.role, dr_job.engine_type, dr_job.spec["net_type"]) == ("single", "cloudDataGuard-mysql", "eip")
    assert migration.project_id == model.PROJECT_A_ID


@pytest.mark.parametrize("bad,message", [
    ({"id": "not-a-job-id", "name": "x"}, "id must match"),
    ({"id": JOB_1 + "\n", "name": "x"}, "id must match"),
    ({"id": JOB_1}, "name is required"),
    (job(colour="red"), "unknown key(s) colour"),
    (job(project="eu-ch2"), "unknown project 'eu-ch2'"),
    (job(status="RUNNING"), "'RUNNING' is not one of"),
    (job(type="backup"), "'backup' is not one of"),
    (job(task_mode="FULL"), "'FULL' is not one of"),
    (job(type="cloudDataGuard", task_mode="FULL_TRANS"), "single-active DR supports only FULL_INCR_TRANS"),
    (job(type="cloudDataGuard", dr={"role": "forward"}), "needs dr.parent"),
    (job(dr={"role": "single"}), "dr is only for cloudDataGuard jobs"),
    (job(precheck={"outcome": "maybe"}), "'maybe' is not one of"),
    (job(precheck={"outcome": "fail", "passed": True}), "passed is true but the outcome is fail"),
    (job(start={"outcome": "sometimes"}), "'sometimes' is not one of"),
    (job(timing={"full_duration": -1}), "must be a number >= 0"),
    (job(timing={"ful_duration": 5}), "unknown key(s) ful_duration"),
    (job(create_time="2020-12-21 10:57:49"), "create_time must be epoch milliseconds"),
])
def test_invalid_jobs_are_rejected_with_a_clear_message(bad, message):
    with pytest.raises(ValueError) as error:
        new_state({"jobs": [bad]})
    assert message in str(error.value)


def test_duplicate_ids_and_broken_pairs_are_rejected():
    with pytest.raises(ValueError, match="duplicate id"):
        new_state({"jobs": [job(JOB_1), job(JOB_1)]})
    with pytest.raises(ValueError, match="is not a dual-active parent"):
        new_state({"jobs": [job(JOB_1, type="cloudDataGuard", dr={"role": "forward", "parent": JOB_2})]})
    with pytest.raises(ValueError, match="already has a forward task"):
        new_state({"jobs": [job(JOB_2, type="cloudDataGuard", dr={"role": "parent"}),
                            job(JOB_1, type="cloudDataGuard", dr={"role": "forward", "parent": JOB_2}),
                            job("11111111-2222-4333-8444-5555555jb009", type="cloudDataGuard",
                                dr={"role": "forward", "parent": JOB_2})]})


def test_failed_load_leaves_the_state_unchanged():
    state = new_state({"jobs": [job(JOB_1)]})
    with pytest.raises(ValueError):
        state.load({"jobs": [job(JOB_2, type="cloudDataGuard", dr={"role": "backward", "parent": JOB_1})]}, replace=False)
    with pytest.raises(ValueError):
        state.load({"jobs": [job(JOB_2, status="NOPE")]})
    assert [entry["id"] for entry in state.jobs_admin_view()] == [JOB_1]


def test_load_replace_and_merge():
    state = new_state({"jobs": [job(JOB_1)]})
    state.record_request(JOB_1, "batch-status")
    assert state.load({"jobs": [job(JOB_2)]}, replace=False) == {"jobs": 2}
    assert state.job_stats()[JOB_1]["requests"] == {"batch-status": 1}
    assert state.load({"jobs": [job(JOB_1, name="renamed")]}, replace=False) == {"jobs": 2}
    assert state.get(JOB_1).name == "renamed"
    assert state.job_stats()[JOB_1]["requests"] == {}
    assert state.load({"jobs": [job(JOB_2)]}) == {"jobs": 1}
    assert state.get(JOB_1) is None
    assert len(state.users) == 1 and len(state.access_keys) == 3


def test_merge_keeps_users_and_adds_new_ones():
    state = new_state({"jobs": []})
    state.load({"users": [{"name": "auditor", "password": "Audit-Passw0rd!", "projects": ["eu-nl"]}]}, replace=False)
    users = {user["name"]: user for user in state.users}
    assert set(users) == {"drs-operator", "auditor"}
    assert users["auditor"]["projects"] == [model.PROJECT_B_ID]


def test_custom_projects_replace_the_defaults():
    state = new_state({"projects": [{"id": "0123456789abcdef0123456789abcdef", "name": "eu-ch2"}],
                       "jobs": [job(project="eu-ch2")]})
    assert list(state.projects) == ["0123456789abcdef0123456789abcdef"]
    assert state.projects["0123456789abcdef0123456789abcdef"]["region"] == "eu-ch2"
    assert state.get(JOB_1).project_id == "0123456789abcdef0123456789abcdef"
    assert state.users[0]["projects"] == [] and state.access_keys == []


def test_reset_restores_initial_jobs_and_clears_stats():
    state = new_state({"jobs": [job(JOB_1, precheck={"passed": True}), job(JOB_2, status="RELEASE_RESOURCE_COMPLETE")]})
    now = state.clock.now()
    state.start_job(state.get(JOB_1), None, now)
    state.delete_job(state.get(JOB_2))
    state.record_request(JOB_1, "batch-starting")
    state.reset()
    assert state.get(JOB_1).status == "CONFIGURATION"
    assert state.get(JOB_2).status == "RELEASE_RESOURCE_COMPLETE"
    stats = state.job_stats()
    assert stats[JOB_1] == {"requests": {}, "starts": 0, "start_requests": 0, "prechecks": 0, "transitions": []}


def test_job_loaded_while_running_has_a_history_and_a_passed_precheck():
    state = new_state({"defaults": {"start_duration": 20, "full_duration": 120, "switch_duration": 5},
                       "jobs": [job(status="INCRE_TRANSFER_STARTED", status_age=3600)]})
    running = state.get(JOB_1)
    assert running.since == START - 3600
    assert running.marks["FULL_TRANSFER_COMPLETE"] == START - 3605
    assert running.marks["FULL_TRANSFER_STARTED"] == START - 3725
    assert running.marks["STARTJOBING"] == START - 3745
    assert running.precheck.passed(START) is True
    assert running.delays_ms(START) == (0, 0)


def test_job_loaded_creating_becomes_configuration():
    state = new_state({"defaults": {"create_duration": 10}, "jobs": [job(status="CREATING")]})
    state.clock.advance(10)
    entry, = state.jobs_admin_view()
    assert entry["status"] == "CONFIGURATION"
    assert state.job_stats()[JOB_1]["transitions"] == [{"from": "CREATING", "to": "CONFIGURATION", "at_ms": int(START * 1000) + 10000}]


def test_job_loaded_waiting_for_start_starts_after_the_wait():
    state = new_state({"jobs": [job(status="WAITING_FOR_START", start={"wait": 30})]})
    assert state.job_admin_view(JOB_1)["start_at_ms"] == int(START * 1000) + 30000
    state.clock.advance(30)
    assert state.job_admin_view(JOB_1)["status"] == "STARTJOBING"


def test_job_loaded_paused_resumes_where_it_was():
    state = new_state({"defaults": {"full_duration": 100},
                       "jobs": [job(status="PAUSING", paused_from="FULL_TRANSFER_STARTED", task_mode="FULL_TRANS")]})
    paused = state.get(JOB_1)
    assert paused.progress_percent(START) == 50
    assert paused.marks["FULL_TRANSFER_STARTED"] == START - 50
    assert paused.marks["STARTJOBING"] == START - 50 - 20
    state.retry_job(paused, START)
    assert paused.status == "FULL_TRANSFER_STARTED"
    state.clock.advance(50)
    assert state.job_admin_view(JOB_1)["status"] == "FULL_TRANSFER_COMPLETE"


def test_load_fixture_file_reads_yaml(tmp_path):
    path = tmp_path / "one.yml"
    path.write_text("jobs:\n  - id: %s\n    name: from-file\n" % JOB_1, encoding="utf-8")
    assert model.load_fixture_file(str(path))["jobs"][0]["name"] == "from-file"
    empty = tmp_path / "empty.yml"
    empty.write_text("", encoding="utf-8")
    assert model.load_fixture_file(str(empty)) == {}
    listing = tmp_path / "list.yml"
    listing.write_text("- 1\n", encoding="utf-8")
    with pytest.raises(ValueError):
        model.load_fixture_file(str(listing))


def test_invalid_state_options():
    with pytest.raises(ValueError):
        new_state({}, profile="aws")
