"""Dual-active DR through the API: parent refusals, the backward start rule, the parent status, stop/delete via the parent."""

import json

from drs_emulator import drs_api, model

START = 1700000000.0
PARENT = "77777777-8888-4999-8aaa-bbbbbbbjb500"
FORWARD = "77777777-8888-4999-8aaa-bbbbbbbjb501"
BACKWARD = "77777777-8888-4999-8aaa-bbbbbbbjb502"
WRONG = "This API cannot be called in the current task status. "
# precheck 10 s, start 5 s, full 30 s, switch 2 s: the forward task is INCRE_TRANSFER_STARTED 37 s after its start;
# its RPO falls from 90 s (RTO from 67.5 s), both under 60 s 40 s later and still falling gradually after that.
FIXTURE = {
    "defaults": {"precheck_duration": 10, "start_duration": 5, "full_duration": 30, "switch_duration": 2,
                 "release_duration": 6, "rpo_initial_ms": 90000, "rpo_settle_seconds": 40},
    "jobs": [
        {"id": PARENT, "name": "ledger-dr", "type": "cloudDataGuard", "dr": {"role": "parent"}},
        {"id": FORWARD, "name": "ledger-dr-forward", "type": "cloudDataGuard", "dr": {"role": "forward", "parent": PARENT}},
        {"id": BACKWARD, "name": "ledger-dr-backward", "type": "cloudDataGuard", "dr": {"role": "backward", "parent": PARENT}},
    ],
}


def new_state():
    return model.EmulatorState(FIXTURE, model.Clock(speed=0, start=START))


def call(state, path, jobs, method="POST"):
    return drs_api.handle(state, model.PROJECT_A_ID, method, path, json.dumps({"jobs": jobs}).encode("utf-8"))


def statuses(state):
    reply = call(state, "/jobs/batch-status", [PARENT, FORWARD, BACKWARD])[1]
    return tuple(item["status"] for item in reply["results"])


def first(reply):
    return reply[1]["results"][0]


def run_forward_to_incremental(state):
    assert first(call(state, "/jobs/batch-precheck", [{"job_id": FORWARD, "precheck_mode": "forStartJob"}]))["status"] == "success"
    state.clock.advance(10)
    assert first(call(state, "/jobs/batch-starting", [{"job_id": FORWARD}]))["status"] == "success"
    state.clock.advance(37)


def test_the_parent_may_not_be_prechecked_started_paused_or_retried():
    state = new_state()
    assert first(call(state, "/jobs/batch-precheck", [{"job_id": PARENT, "precheck_mode": "forStartJob"}])) == {
        "id": PARENT, "status": "failed", "error_code": "DRS.M00307",
        "error_msg": "Only subtasks can call this API. The parent task of a dual-active DR cannot be pre-checked."}
    assert first(call(state, "/jobs/batch-starting", [{"job_id": PARENT}]))["error_code"] == "DRS.M00307"
    assert first(call(state, "/jobs/batch-retry-task", [{"job_id": PARENT}]))["error_code"] == "DRS.M00307"
    assert first(call(state, "/jobs/batch-pause-task", [{"job_id": PARENT, "pause_mode": "all"}]))["error_code"] == "DRS.M00307"
    assert first(call(state, "/jobs/batch-precheck-result", [PARENT]))["error_code"] == "DRS.M00307"
    assert first(call(state, "/jobs/batch-struct-process", [PARENT]))["error_code"] == "DRS.M00307"
    assert statuses(state) == ("CONFIGURATION", "CONFIGURATION", "CONFIGURATION")


def test_backward_cannot_start_before_the_forward_task_is_incremental():
    state = new_state()
    assert first(call(state, "/jobs/batch-starting", [{"job_id": BACKWARD}])) == {
        "id": BACKWARD, "status": "failed", "error_code": "DRS.M00304",
        "error_msg": WRONG + "The backward task can start only while the forward task %s is INCRE_TRANSFER_STARTED "
                             "(it is CONFIGURATION)." % FORWARD}


def test_backward_cannot_start_while_rpo_and_rto_are_60_seconds_or_more():
    state = new_state()
    run_forward_to_incremental(state)
    state.clock.advance(20)
    assert first(call(state, "/jobs/batch-starting", [{"job_id": BACKWARD}]))["error_msg"] == (
        WRONG + "The backward task can start only when the RPO and RTO of the forward task %s are under 60 s "
                "(RPO 74242 ms, RTO 63694 ms)." % FORWARD)
    assert statuses(state) == ("INCRE_TRANSFER_STARTED", "INCRE_TRANSFER_STARTED", "CONFIGURATION")


def test_backward_starts_without_precheck_once_rpo_and_rto_are_under_60_seconds():
    state = new_state()
    run_forward_to_incremental(state)
    state.clock.advance(40)
    rpo = first(call(state, "/jobs/batch-rpo-and-rto", [FORWARD]))
    assert (rpo["rpo_info"]["delay"], rpo["rto_info"]["delay"]) == ("59999", "59999")
    assert first(call(state, "/jobs/batch-starting", [{"job_id": BACKWARD}])) == {"id": BACKWARD, "status": "success"}
    assert statuses(state) == ("STARTJOBING", "INCRE_TRANSFER_STARTED", "STARTJOBING")
    state.clock.advance(37)
    assert statuses(state) == ("INCRE_TRANSFER_STARTED", "INCRE_TRANSFER_STARTED", "INCRE_TRANSFER_STARTED")


def test_backward_may_still_be_prechecked():
    state = new_state()
    assert first(call(state, "/jobs/batch-precheck", [{"job_id": BACKWARD, "precheck_mode": "forStartJob"}]))["status"] == "success"


def test_parent_status_follows_the_forward_task_and_its_failures():
    state = model.EmulatorState({"jobs": [dict(FIXTURE["jobs"][0]),
                                          dict(FIXTURE["jobs"][1], status="INCRE_TRANSFER_FAILED"),
                                          dict(FIXTURE["jobs"][2])]}, model.Clock(speed=0, start=START))
    assert statuses(state) == ("INCRE_TRANSFER_FAILED", "INCRE_TRANSFER_FAILED", "CONFIGURATION")
    assert first(call(state, "/jobs/batch-retry-task", [{"job_id": FORWARD}]))["status"] == "success"
    assert statuses(state) == ("INCRE_TRANSFER_STARTED", "INCRE_TRANSFER_STARTED", "CONFIGURATION")


def test_parent_progress_and_rpo_are_those_of_the_forward_task():
    state = new_state()
    run_forward_to_incremental(state)
    progress = first(call(state, "/jobs/batch-progress", [PARENT]))
    assert (progress["job_id"], progress["transfer_status"], progress["incre_trans_delay"]) == (PARENT, "INCRE_TRANSFER_STARTED", "90")
    assert first(call(state, "/jobs/batch-rpo-and-rto", [PARENT]))["rpo_info"]["delay"] == "90000"


def test_children_are_stopped_and_deleted_through_the_parent():
    state = new_state()
    run_forward_to_incremental(state)
    refused = first(call(state, "/jobs/batch-jobs", [{"job_id": FORWARD, "delete_type": "terminate"}], method="DELETE"))
    assert refused == {"id": FORWARD, "status": "failed", "error_code": "DRS.M00308",
                       "error_msg": "Only parent tasks can call this API. Stop a dual-active DR through its parent task."}
    assert first(call(state, "/jobs/batch-jobs", [{"job_id": PARENT, "delete_type": "terminate"}], method="DELETE"))["status"] == "success"
    assert statuses(state) == ("RELEASE_RESOURCE_STARTED",) * 3
    state.clock.advance(6)
    assert statuses(state) == ("RELEASE_RESOURCE_COMPLETE",) * 3
    assert first(call(state, "/jobs/batch-jobs", [{"job_id": PARENT, "delete_type": "delete"}], method="DELETE"))["status"] == "success"
    assert call(state, "/jobs/batch-detail", [PARENT, FORWARD, BACKWARD])[0] == 400
    assert call(state, "/jobs/batch-status", [PARENT, FORWARD, BACKWARD])[1]["results"] == [
        {"id": job_id, "status": "DELETED"} for job_id in (PARENT, FORWARD, BACKWARD)]


def test_list_shows_children_under_the_parent_only():
    state = new_state()
    reply = drs_api.handle(state, model.PROJECT_A_ID, "POST", "/jobs", b'{"db_use_type": "cloudDataGuard"}')[1]
    assert reply["total_record"] == 1
    (parent,) = reply["jobs"]
    assert parent["id"] == PARENT
    assert [(child["id"], child["job_direction"]) for child in parent["children"]] == [(FORWARD, "up"), (BACKWARD, "down")]
    detail = call(state, "/jobs/batch-detail", [FORWARD, PARENT])[1]["results"]
    assert (detail[0]["parent_id"], detail[0]["multi_write"], "parent_id" in detail[1]) == (PARENT, True, False)
