"""The incremental delay: it falls gradually in the incremental phase, can be held high per job (fixture ``hold_delay``,
admin ``POST jobs/{id}/delay``) and falls again when released; batch-progress reports it in seconds."""

import pytest

from drs_emulator import model
from drs_emulator.pytest_plugin import PROJECT_A_ID, EmulatorError

START = 1700000000.0
HELD = "22222222-3333-4444-8555-6666666jb001"
FREE = "22222222-3333-4444-8555-6666666jb002"
PROGRESS_PATH = "/v3/%s/jobs/batch-progress" % PROJECT_A_ID


def running(job_id, **fields):
    entry = {"id": job_id, "name": "job-" + job_id[-3:], "status": "INCRE_TRANSFER_STARTED", "task_mode": "INCR_TRANS",
             "timing": {"rpo_initial_ms": 30000, "rpo_settle_seconds": 40}}
    entry.update(fields)
    return entry


def new_state(*jobs):
    return model.EmulatorState({"jobs": list(jobs)}, model.Clock(speed=0, start=START))


def delay_s(state, job_id):
    """incre_trans_delay (seconds) the way batch-progress reports it; None outside the incremental phase."""
    view = state.job_admin_view(job_id)
    return view["incre_trans_delay"]


def test_the_delay_falls_gradually_and_reaches_zero_at_the_settle_time():
    state = new_state(running(FREE))
    seen = []
    for dummy in range(5):
        seen.append(delay_s(state, FREE))
        state.clock.advance(10)
    assert seen == [30, 16, 7, 1, 0]          # 30 s falling along the settle curve: 0 s from 40 s on
    assert delay_s(state, FREE) == 0


def test_a_fixture_job_with_hold_delay_true_stays_at_its_initial_delay():
    state = new_state(running(HELD, hold_delay=True), running(FREE))
    state.clock.advance(3600)
    assert (delay_s(state, HELD), delay_s(state, FREE)) == (30, 0)
    assert state.job_admin_view(HELD)["delay_held_ms"] == 30000


def test_a_fixture_hold_in_seconds_holds_there_once_the_incremental_phase_begins():
    state = new_state(running(HELD, hold_delay=90, status="CONFIGURATION", task_mode="FULL_INCR_TRANS",
                              precheck={"passed": True}))
    assert delay_s(state, HELD) is None
    state.start_job(state.get(HELD), None, state.clock.now())
    state.clock.advance(10000)
    assert (state.job_admin_view(HELD)["status"], delay_s(state, HELD)) == ("INCRE_TRANSFER_STARTED", 90)


@pytest.mark.parametrize("value", ["yes", -1, None])
def test_a_bad_hold_delay_is_refused_when_the_fixture_loads(value):
    with pytest.raises(ValueError, match="hold_delay must be true, false or a number of seconds >= 0"):
        new_state(running(HELD, hold_delay=value))


def test_a_released_job_is_ready_after_the_settle_seconds_of_the_release():
    state = new_state(running(HELD, hold_delay=True))
    state.clock.advance(600)
    state.hold_delay(HELD, False, settle_seconds=40)
    state.clock.advance(30)
    assert delay_s(state, HELD) == 1          # not ready for max_delay 0 at 30 s
    state.clock.advance(10)
    assert delay_s(state, HELD) == 0          # ready 40 s after the release


def test_holding_without_seconds_keeps_the_delay_of_now_and_a_hold_survives_a_dump():
    state = new_state(running(FREE))
    state.clock.advance(10)
    view = state.hold_delay(FREE, True)
    assert view["delay_held_ms"] == view["rpo_ms"] == 16875
    state.clock.advance(100)
    restored = new_state()
    restored.restore(state.dump())
    assert delay_s(restored, FREE) == 16


def test_a_held_dual_active_forward_task_keeps_its_rpo_and_rto_high():
    state = new_state(running(HELD, hold_delay=120))
    view = state.job_admin_view(HELD)
    assert (view["rpo_ms"], view["rto_ms"]) == (120000, 120000)


def test_the_admin_api_holds_and_releases_the_delay_seen_by_batch_progress(drs_emulator_clean):
    emulator = drs_emulator_clean
    emulator.load_jobs({"jobs": [running(HELD), running(FREE)]})
    emulator.clock(speed=0)
    try:
        check_hold_and_release(emulator)
    finally:
        emulator.clock(speed=1)   # the session emulator's other tests expect real time


def check_hold_and_release(emulator):
    assert emulator.admin("POST", "/jobs/%s/delay" % HELD, {"hold": True, "seconds": 300})["delay_held_ms"] == 300000
    emulator.clock(advance=100)
    reply = emulator.request("POST", PROGRESS_PATH, {"jobs": [HELD, FREE]}, {"X-Auth-Token": emulator.token()})
    delays = dict((item["job_id"], item["incre_trans_delay"]) for item in reply.body["results"])
    assert delays == {HELD: "300", FREE: "0"}
    released = emulator.admin("POST", "/jobs/%s/delay" % HELD, {"hold": False, "settle_seconds": 40})
    assert (released["delay_held_ms"], released["incre_trans_delay"]) == (None, 300)
    emulator.clock(advance=300)
    assert [job["incre_trans_delay"] for job in emulator.jobs() if job["id"] == HELD] == [0]


@pytest.mark.parametrize("body, message", [
    ({"hold": "yes"}, "hold must be true or false"),
    ({"hold": True, "seconds": -3}, "seconds must be a non-negative number"),
    ({"hold": True, "sec": 3}, "unknown delay option(s): sec"),
])
def test_the_admin_delay_api_refuses_bad_requests(drs_emulator_clean, body, message):
    emulator = drs_emulator_clean
    emulator.load_jobs({"jobs": [running(HELD)]})
    with pytest.raises(EmulatorError, match=message.replace("(", r"\(").replace(")", r"\)")):
        emulator.admin("POST", "/jobs/%s/delay" % HELD, body)


def test_the_admin_delay_api_answers_404_for_an_unknown_job(drs_emulator_clean):
    with pytest.raises(EmulatorError, match="no job 22222222-3333-4444-8555-6666666jb999"):
        drs_emulator_clean.admin("POST", "/jobs/22222222-3333-4444-8555-6666666jb999/delay", {"hold": True})
