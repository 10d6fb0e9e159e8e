"""The state machine, driven through EmulatorState with a frozen clock."""

import pytest

from drs_emulator import model

START = 1700000000.0
START_MS = int(START * 1000)
JOB = "22222222-3333-4444-8555-6666666jb001"
TIMING = {"precheck_duration": 10, "start_duration": 5, "full_duration": 100, "switch_duration": 2,
          "release_duration": 8, "rpo_initial_ms": 120000, "rpo_settle_seconds": 60}


def new_state(*jobs):
    return model.EmulatorState({"defaults": dict(TIMING), "jobs": list(jobs)}, model.Clock(speed=0, start=START))


def spec(job_id=JOB, **fields):
    entry = {"id": job_id, "name": "job-" + job_id[-3:], "precheck": {"passed": True}}
    entry.update(fields)
    return entry


def evolved(state, job_id=JOB):
    job, missing = state.lookup(model.PROJECT_A_ID, job_id, state.clock.now())
    assert missing is None
    return job


def transitions(state, job_id=JOB):
    return [(entry["from"], entry["to"], entry["at_ms"] - START_MS) for entry in state.job_stats()[job_id]["transitions"]]


@pytest.mark.parametrize("mode,expected", [
    ("FULL_TRANS", [("CONFIGURATION", "STARTJOBING", 0), ("STARTJOBING", "FULL_TRANSFER_STARTED", 5000),
                    ("FULL_TRANSFER_STARTED", "FULL_TRANSFER_COMPLETE", 105000)]),
    ("INCR_TRANS", [("CONFIGURATION", "STARTJOBING", 0), ("STARTJOBING", "INCRE_TRANSFER_STARTED", 5000)]),
    ("FULL_INCR_TRANS", [("CONFIGURATION", "STARTJOBING", 0), ("STARTJOBING", "FULL_TRANSFER_STARTED", 5000),
                         ("FULL_TRANSFER_STARTED", "FULL_TRANSFER_COMPLETE", 105000),
                         ("FULL_TRANSFER_COMPLETE", "INCRE_TRANSFER_STARTED", 107000)]),
])
def test_each_task_mode_runs_its_sequence(mode, expected):
    state = new_state(spec(task_mode=mode))
    state.start_job(evolved(state), None, START)
    state.clock.advance(1000)
    assert evolved(state).status == expected[-1][1]
    assert transitions(state) == expected


def test_a_job_read_midway_is_in_the_right_phase_with_the_right_progress():
    state = new_state(spec(task_mode="FULL_INCR_TRANS"))
    state.start_job(evolved(state), None, START)
    state.clock.advance(4)
    assert (evolved(state).status, evolved(state).progress_percent(state.clock.now())) == ("STARTJOBING", 0)
    state.clock.advance(31)
    job = evolved(state)
    assert (job.status, job.progress_percent(state.clock.now()), job.remaining_seconds(state.clock.now())) == (
        "FULL_TRANSFER_STARTED", 30, 70)
    assert job.delays_ms(state.clock.now()) is None
    state.clock.advance(71)
    assert (evolved(state).status, evolved(state).progress_percent(state.clock.now())) == ("FULL_TRANSFER_COMPLETE", 100)


def test_start_failure_ends_in_start_job_failed_and_a_retry_succeeds():
    state = new_state(spec(task_mode="INCR_TRANS", start={"outcome": "fail", "failed_reason": "source unreachable"}))
    state.start_job(evolved(state), None, START)
    state.clock.advance(5)
    job = evolved(state)
    assert (job.status, job.failed_reason) == ("START_JOB_FAILED", "source unreachable")
    state.retry_job(job, state.clock.now())
    assert (job.status, job.failed_reason) == ("STARTJOBING", "")
    state.clock.advance(5)
    assert evolved(state).status == "INCRE_TRANSFER_STARTED"


def test_scheduled_start_waits_then_runs():
    state = new_state(spec(task_mode="INCR_TRANS"))
    state.start_job(evolved(state), START + 300, START)
    assert evolved(state).status == "WAITING_FOR_START"
    state.clock.advance(299)
    assert evolved(state).status == "WAITING_FOR_START"
    state.clock.advance(1)
    assert evolved(state).status == "STARTJOBING"
    assert transitions(state) == [("CONFIGURATION", "WAITING_FOR_START", 0), ("WAITING_FOR_START", "STARTJOBING", 300000)]


def test_a_start_time_in_the_past_starts_now():
    state = new_state(spec())
    state.start_job(evolved(state), START - 60, START)
    assert evolved(state).status == "STARTJOBING"


def test_pause_freezes_progress_and_resume_continues():
    state = new_state(spec(type="sync", task_mode="FULL_TRANS"))
    state.start_job(evolved(state), None, START)
    state.clock.advance(45)
    state.pause_job(evolved(state), "all", state.clock.now())
    state.clock.advance(500)
    job = evolved(state)
    assert (job.status, job.progress_percent(state.clock.now()), job.pause_mode) == ("PAUSING", 40, "all")
    state.retry_job(job, state.clock.now())
    assert (job.status, job.progress_percent(state.clock.now())) == ("FULL_TRANSFER_STARTED", 40)
    state.clock.advance(60)
    assert evolved(state).status == "FULL_TRANSFER_COMPLETE"


def test_retry_of_a_failed_phase_restarts_it():
    state = new_state(spec(status="INCRE_TRANSFER_FAILED", status_age=10))
    job = evolved(state)
    assert job.delays_ms(START) == (10000, 10000)
    state.retry_job(job, START)
    assert job.status == "INCRE_TRANSFER_STARTED"
    assert job.delays_ms(START) == (120000, 90000)


def test_terminate_releases_resources_then_completes_and_delete_removes_the_job():
    state = new_state(spec(status="INCRE_TRANSFER_STARTED"))
    state.terminate_job(evolved(state), "terminate", START)
    assert evolved(state).status == "RELEASE_RESOURCE_STARTED"
    state.clock.advance(8)
    assert evolved(state).status == "RELEASE_RESOURCE_COMPLETE"
    state.delete_job(evolved(state))
    assert state.lookup(model.PROJECT_A_ID, JOB, state.clock.now()) == (None, "DRS.M05004")
    assert state.lookup(model.PROJECT_B_ID, JOB, state.clock.now()) == (None, "DRS.M00289")


def test_only_force_terminate_stops_a_job_whose_release_failed():
    state = new_state(spec(status="RELEASE_RESOURCE_FAILED"))
    with pytest.raises(model.Refusal) as refusal:
        state.terminate_job(evolved(state), "terminate", START)
    assert refusal.value.error_code == "DRS.M00304"
    state.terminate_job(evolved(state), "force_terminate", START)
    assert evolved(state).status == "RELEASE_RESOURCE_STARTED"


@pytest.mark.parametrize("status,operation", [
    ("STARTJOBING", "start"), ("CONFIGURATION", "pause"), ("CONFIGURATION", "retry"), ("INCRE_TRANSFER_STARTED", "delete"),
    ("RELEASE_RESOURCE_COMPLETE", "terminate"), ("CREATING", "terminate"), ("INCRE_TRANSFER_STARTED", "precheck-start"),
    ("CONFIGURATION", "precheck-retry"),
])
def test_operations_in_the_wrong_status_are_refused_with_m00304(status, operation):
    state = new_state(spec(status=status, type="sync"))
    job = evolved(state)
    actions = {
        "start": lambda: state.start_job(job, None, START),
        "pause": lambda: state.pause_job(job, "target", START),
        "retry": lambda: state.retry_job(job, START),
        "delete": lambda: state.delete_job(job),
        "terminate": lambda: state.terminate_job(job, "terminate", START),
        "precheck-start": lambda: state.submit_precheck(job, "forStartJob", START),
        "precheck-retry": lambda: state.submit_precheck(job, "forRetryJob", START),
    }
    with pytest.raises(model.Refusal) as refusal:
        actions[operation]()
    assert refusal.value.error_code == "DRS.M00304"
    assert refusal.value.error_msg.startswith("This API cannot be called in the current task status. ")
    assert evolved(state).status == status


@pytest.mark.parametrize("status", ["INCRE_TRANSFER_STARTED", "INCRE_TRANSFER_FAILED", "FULL_TRANSFER_FAILED", "START_JOB_FAILED"])
def test_retry_precheck_is_allowed_in_the_documented_states(status):
    state = new_state(spec(status=status))
    run = state.submit_precheck(evolved(state), "forRetryJob", START)
    assert (run.mode, evolved(state).status) == ("forRetryJob", status)


def test_precheck_runs_for_its_duration_and_uses_the_outcome_sequence():
    state = new_state(spec(precheck={"outcome": ["fail", "pass"]}))
    job = evolved(state)
    first = state.submit_precheck(job, "forStartJob", START)
    snap = first.snapshot(START + 5)
    assert (snap["process"], snap["result"], len(snap["items"])) == ("50%", False, 19)
    assert state.submit_precheck(job, "forStartJob", START + 5) is first  # still running: same run
    done = first.snapshot(START + 10)
    assert (done["process"], done["result"], done["total_passed_rate"]) == ("100%", False, "94%")
    second = state.submit_precheck(job, "forStartJob", START + 10)
    assert second.snapshot(START + 20)["result"] is True
    assert state.job_stats()[JOB]["prechecks"] == 2


def test_precheck_item_catalogues():
    passed = model.precheck_items("mysql", "pass")
    assert len(passed) == 39 and {item["result"] for item in passed} == {"PASSED"}
    alarm = {item["item"]: item for item in model.precheck_items("mysql", "alarm") if item["result"] != "PASSED"}
    assert set(alarm) == {"srcDbBinlogExpireLogsDays", "hasForeignKeyOnUnselectedTable"}
    failed = [item for item in model.precheck_items("mysql", "fail") if item["result"] == "FAILED"]
    assert [(item["item"], item["group"], item["failed_reason"]) for item in failed] == [
        ("dstDbPrivilegesIsEnough", "db_user_privilege", "DST_DB_PRIVILEGES_NOT_ENOUGH"),
        ("srcDbBinlogIsOff", "db_params", "SRC_DB_BINLOG_IS_OFF")]
    mongo = {item["item"]: item["failed_reason"] for item in model.precheck_items("mongodb", "alarm") if item["result"] == "ALARM"}
    assert mongo == {"srcCollHasTtlIndex": "SRC_HAS_TTL_INDEXES", "mongoTypeFitTransferMode": "SRC_INSTANCE_TYPE_IS_REPLICA_SET"}


@pytest.mark.parametrize("elapsed,expected", [(0, 120000), (30, 87426), (59.999, 60000), (60, 59999), (100, 31437),
                                              (150, 8603), (200, 67), (205, 0), (600, 0)])
def test_rpo_falls_under_60_seconds_when_settled_then_gradually_to_steady(elapsed, expected):
    assert model.settle_curve(elapsed, 120000, 60, 0) == expected


def test_every_threshold_under_60_seconds_is_crossed_at_its_own_time():
    crossings = [next(t for t in range(0, 400) if model.settle_curve(t, 120000, 60, 0) < limit)
                 for limit in (60000, 30000, 10000, 5000, 1000)]
    assert crossings == sorted(set(crossings)) and crossings[0] == 60


def test_small_initial_delay_falls_to_the_steady_value():
    assert model.settle_curve(5, 20000, 10, 500) == 5375
    assert model.settle_curve(10, 20000, 10, 500) == 500


def test_rto_starts_at_three_quarters_of_the_rpo_and_differs_from_it():
    state = new_state(spec(type="sync", status="INCRE_TRANSFER_STARTED", status_age=30))
    rpo, rto = evolved(state).delays_ms(START)
    assert (rpo, rto) == (87426, 74242)


def test_paused_incremental_job_falls_behind():
    state = new_state(spec(type="sync", status="INCRE_TRANSFER_STARTED", status_age=600))
    job = evolved(state)
    state.pause_job(job, "target", START)
    assert job.delays_ms(START + 7) == (7000, 7000)


def test_struct_process_items_finish_one_after_another():
    state = new_state(spec(type="cloudDataGuard", dr={"struct_counts": {"table": 70}}))
    state.start_job(evolved(state), None, START)
    state.clock.advance(5 + 50)  # half of the DR initialisation (full phase of 100 s)
    rows = evolved(state).struct_process(state.clock.now())
    kinds = [(row[0], row[1], row[3]) for row in rows]
    assert kinds == [("table", 2, 70), ("view", 2, 6), ("table_structure", 2, 48), ("database", 1, 1)]
    assert rows[0][4] == START_MS + 5000 and rows[0][5] == START_MS + 5000 + 14285


def test_dual_active_parent_follows_its_children():
    parent, forward, backward = ("33333333-4444-4555-8666-7777777jb%03d" % n for n in (500, 501, 502))
    state = new_state({"id": parent, "name": "parent", "type": "cloudDataGuard", "dr": {"role": "parent"}},
                      spec(forward, type="cloudDataGuard", dr={"role": "forward", "parent": parent}),
                      spec(backward, type="cloudDataGuard", dr={"role": "backward", "parent": parent}))
    assert evolved(state, parent).status == "CONFIGURATION"
    state.start_job(evolved(state, forward), None, START)
    assert evolved(state, parent).status == "STARTJOBING"
    state.clock.advance(107 + 60)
    assert evolved(state, parent).status == "INCRE_TRANSFER_STARTED"
    state.start_job(evolved(state, backward), None, state.clock.now())
    assert evolved(state, parent).status == "STARTJOBING"  # the less advanced child
    state.clock.advance(107)
    assert evolved(state, parent).status == "INCRE_TRANSFER_STARTED"
    assert [step[1] for step in transitions(state, parent)] == [
        "STARTJOBING", "FULL_TRANSFER_STARTED", "FULL_TRANSFER_COMPLETE", "INCRE_TRANSFER_STARTED",
        "STARTJOBING", "FULL_TRANSFER_STARTED", "FULL_TRANSFER_COMPLETE", "INCRE_TRANSFER_STARTED"]
