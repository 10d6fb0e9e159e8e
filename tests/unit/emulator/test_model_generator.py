"""The synthetic fleet generator (--jobs N, POST /_emulator/jobs {"generate": ...})."""

import re

import pytest

from drs_emulator import model

GENERATED_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{7}jb[0-9]{3}$")


def test_generated_ids_follow_the_drs_shape_and_are_unique_beyond_999():
    fixture = model.generate_fixture(2500, seed=7)
    ids = [job["id"] for job in fixture["jobs"]]
    assert len(ids) == 2500 == len(set(ids))
    assert all(GENERATED_ID.match(job_id) and len(job_id) == 36 for job_id in ids)
    assert all(model.JOB_ID_RE.match(job_id) for job_id in ids)
    assert ids[0].endswith("jb001") and ids[998].endswith("jb999") and ids[999].endswith("jb000")


def test_same_seed_same_fleet_other_seed_other_ids():
    assert model.generate_fixture(20, seed=1) == model.generate_fixture(20, seed=1)
    first = {job["id"] for job in model.generate_fixture(20, seed=1)["jobs"]}
    second = {job["id"] for job in model.generate_fixture(20, seed=2)["jobs"]}
    assert not first & second


def test_generated_jobs_are_configured_and_pass_their_precheck():
    fixture = model.generate_fixture(4, seed=0)
    assert [job["name"] for job in fixture["jobs"]] == [
        "fleet-migration-00001", "fleet-sync-00002", "fleet-migration-00003", "fleet-sync-00004"]
    assert {job["status"] for job in fixture["jobs"]} == {"CONFIGURATION"}
    assert {job["precheck"]["outcome"] for job in fixture["jobs"]} == {"pass"}
    assert {job["project"] for job in fixture["jobs"]} == {model.PROJECT_A_ID}
    assert fixture["projects"] == model.default_fixture()["projects"]


def test_generator_options():
    fixture = model.generate_fixture(3, seed=0, project_id=model.PROJECT_B_ID, types=["cloudDataGuard"], name_prefix="dr",
                                     precheck_duration=5, start_duration=2, full_duration=9, precheck_passed=True)
    state = model.EmulatorState(fixture, model.Clock(speed=0))
    jobs = state.jobs_admin_view()
    assert [job["name"] for job in jobs] == ["dr-clouddataguard-00001", "dr-clouddataguard-00002", "dr-clouddataguard-00003"]
    assert {(job["project_id"], job["role"], job["task_mode"]) for job in jobs} == {(model.PROJECT_B_ID, "single", "FULL_INCR_TRANS")}
    assert {job["precheck"]["result"] for job in jobs} == {True}
    assert state.get(jobs[0]["id"]).timing["full_duration"] == 9


def test_unknown_generator_options_and_negative_n_are_rejected():
    with pytest.raises(ValueError, match="unknown option"):
        model.generate_fixture(1, colour="blue")
    with pytest.raises(ValueError):
        model.generate_fixture(-1)


def test_ten_thousand_generated_jobs_load_and_are_found_by_id():
    fixture = model.generate_fixture(10000, seed=3)
    state = model.EmulatorState(fixture, model.Clock(speed=0))
    assert len(state) == 10000
    last = fixture["jobs"][-1]["id"]
    found, missing = state.lookup(model.PROJECT_A_ID, last, state.clock.now())
    assert (found.id, found.status, missing) == (last, "CONFIGURATION", None)


def test_waves_tag_the_generated_jobs_round_robin():
    fixture = model.generate_fixture(5, waves=2)
    assert [job["tags"] for job in fixture["jobs"]] == [{"wave": "1"}, {"wave": "2"}, {"wave": "1"}, {"wave": "2"}, {"wave": "1"}]
    assert "tags" not in model.generate_fixture(1)["jobs"][0]
