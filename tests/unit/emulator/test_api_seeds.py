"""The example requests of the API reference pages get replies of exactly the examples' shape.

The examples are copied from the reference pages (reference/seeds/ in the team's shared notes): batch-precheck
(OTC), batch-starting (OTC), batch-progress (OTC, two examples), batch-rpo-and-rto and batch-struct-process
(Huawei Cloud intl). They run against the shipped demo fixture, which holds the jobs the examples name.
"""

import json
import os
import re

import pytest

from drs_emulator import drs_api, model

DEMO = os.path.join(os.path.dirname(model.__file__), "fixtures", "demo.yml")
PROJECT = "054ba152d480d55b2f5dc0069e7ddef0"  # the project id of every example URL

SEEDS = {
    "precheck": ("POST", "/jobs/batch-precheck",
                 {"jobs": [{"job_id": "140b5236-88ad-43c8-811c-1268453jb101", "precheck_mode": "forStartJob"}]},
                 200, {"results": [{"id": "140b5236-88ad-43c8-811c-1268453jb101", "status": "success",
                                    "precheck_id": "140b5236-88ad-43c8-811c-1268453jb101"}], "count": 1}),
    "starting": ("POST", "/jobs/batch-starting", {"jobs": [{"job_id": "140b5236-88ad-43c8-811c-1268453jb101"}]},
                 202, {"count": 1, "results": [{"id": "140b5236-88ad-43c8-811c-1268453jb101", "status": "success"}]}),
    "progress": ("POST", "/jobs/batch-progress", {"jobs": ["8d0e8e36-a618-490d-8a46-8c61ac9jb502"]},
                 202, {"count": 1, "results": [{"progress": "100", "job_id": "8d0e8e36-a618-490d-8a46-8c61ac9jb502",
                                                "incre_trans_delay": "0", "task_mode": "FULL_INCR_TRANS",
                                                "transfer_status": "INCRE_TRANSFER_STARTED", "process_time": "1608274919000",
                                                "remaining_time": "0"}]}),
    "rpo-and-rto": ("POST", "/jobs/batch-rpo-and-rto", {"jobs": ["8d0e8e36-a618-490d-8a46-8c61ac9jb502"]},
                    202, {"count": 1, "results": [{
                        "job_id": "8d0e8e36-a618-490d-8a46-8c61ac9jb502",
                        "rpo_info": {"delay": "0", "time": "2020-12-18 15:47:05", "gtid_set": "NA", "check_point": "mysql-bin.000514:197"},
                        "rto_info": {"delay": "0", "time": "2020-12-18 15:47:05", "gtid_set": "NA", "check_point": "mysql-bin.000514:197"}}]}),
    "struct-process": ("POST", "/jobs/batch-struct-process", {"jobs": ["0ea5c5a0-e1b5-4421-80a9-7c9ff27jb502"]},
                       200, {"count": 1, "results": [{"job_id": "8ee21a0b-fff5-46b4-a6dd-6c54d5djb201", "struct_process": {
                           "result": [{"type": kind, "status": 2, "src_count": 1 if kind == "database" else 0,
                                       "dst_count": 1 if kind == "database" else 0, "start_time": 1608097599000,
                                       "end_time": 1608097600000}
                                      for kind in ("table", "view", "table_structure", "database", "function", "procedure",
                                                   "table_indexs")],
                           "create_time": "1608429670521"}}]}),
}

# Example response 2 of the progress page, and a fixture with the two jobs it names.
PROGRESS_2 = {"count": 2, "results": [
    {"progress": "100", "job_id": "edae91cb-5892-49b6-a529-4921fb26jb21", "incre_trans_delay": "0", "task_mode": "FULL_INCR_TRANS",
     "transfer_status": "INCRE_TRANSFER_STARTED", "process_time": "1594864576000", "remaining_time": "10"},
    {"progress": "0", "job_id": "f95c5d83-d0c9-42bd-b295-38c31cd1jb15", "incre_trans_delay": "-1", "task_mode": "FULL_INCR_TRANS",
     "transfer_status": "FULL_TRANSFER_COMPLETE", "process_time": "0", "remaining_time": "0",
     "progress_map": {"struct": {"completed": "94%", "remaining_time": None}, "data": {"completed": "100%", "remaining_time": None},
                      "index": {"completed": "100%", "remaining_time": None}}}]}
PROGRESS_2_FIXTURE = {"jobs": [
    {"id": "edae91cb-5892-49b6-a529-4921fb26jb21", "name": "dr-one", "type": "cloudDataGuard", "status": "INCRE_TRANSFER_STARTED",
     "status_age": 3600},
    {"id": "f95c5d83-d0c9-42bd-b295-38c31cd1jb15", "name": "dr-two", "type": "cloudDataGuard", "status": "FULL_TRANSFER_COMPLETE",
     "start": {"switch_duration": 3600}},
]}


def shape(value):
    """Key structure and JSON types of a reply (lists by their first element)."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value[:1]]
    return type(value).__name__


def run(seed, state=None):
    method, path, request = SEEDS[seed][:3]
    state = state or model.EmulatorState(model.load_fixture_file(DEMO), model.Clock(speed=0))
    return drs_api.handle(state, PROJECT, method, path, json.dumps(request).encode("utf-8"))


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_seed_example_gets_a_reply_of_the_example_shape(seed):
    status, reply = run(seed)
    expected_status, expected = SEEDS[seed][3], SEEDS[seed][4]
    assert status == expected_status
    assert shape(reply) == shape(expected)


@pytest.mark.parametrize("seed", ["precheck", "starting"])
def test_action_seed_examples_get_the_example_reply_exactly(seed):
    assert run(seed) == (SEEDS[seed][3], SEEDS[seed][4])


def test_progress_seed_values_of_a_settled_dr_job():
    item = run("progress")[1]["results"][0]
    expected = SEEDS["progress"][4]["results"][0]
    assert {key: item[key] for key in ("progress", "job_id", "incre_trans_delay", "task_mode", "transfer_status", "remaining_time")} == {
        key: expected[key] for key in ("progress", "job_id", "incre_trans_delay", "task_mode", "transfer_status", "remaining_time")}
    assert re.match(r"^[0-9]{10}000$", item["process_time"])


def test_rpo_seed_values_of_a_settled_dr_job():
    item = run("rpo-and-rto")[1]["results"][0]
    for info in (item["rpo_info"], item["rto_info"]):
        assert (info["delay"], info["gtid_set"]) == ("0", "NA")
        assert re.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$", info["time"])
        assert re.match(r"^mysql-bin\.[0-9]{6}:[0-9]+$", info["check_point"])


def test_struct_process_seed_lists_the_same_lower_case_types_all_finished():
    struct = run("struct-process")[1]["results"][0]["struct_process"]
    expected = SEEDS["struct-process"][4]["results"][0]["struct_process"]
    assert [row["type"] for row in struct["result"]] == [row["type"] for row in expected["result"]]
    assert all(shape(row) == shape(expected["result"][0]) and row["status"] == 2 for row in struct["result"])
    assert re.match(r"^[0-9]{13}$", struct["create_time"])


def test_progress_example_two_shape():
    state = model.EmulatorState(PROGRESS_2_FIXTURE, model.Clock(speed=0))
    status, reply = drs_api.handle(state, PROJECT, "POST", "/jobs/batch-progress",
                                   json.dumps({"jobs": [item["job_id"] for item in PROGRESS_2["results"]]}).encode("utf-8"))
    assert status == 202
    assert [shape(item) for item in reply["results"]] == [shape(item) for item in PROGRESS_2["results"]]
    assert reply["results"][1]["transfer_status"] == "FULL_TRANSFER_COMPLETE"
    assert reply["results"][1]["progress_map"]["data"] == {"completed": "100%", "remaining_time": None}
