"""DrsClient.batch_detail(keep=...): each detail is shrunk as its chunk arrives (drs_batch_info on 10 000 jobs).

Against the local DRS emulator: the reduced items are what the caller kept, unknown ids still land in
not_found, and the requests are the same as without keep.
"""

import pytest

from ansible_collections.cloudops.drs.plugins.module_utils._auth import resolve_auth
from ansible_collections.cloudops.drs.plugins.module_utils._client import DrsClient

emulator_plugin = pytest.importorskip("drs_emulator.pytest_plugin", reason="the DRS emulator package is not available")

USER = dict(username="drs-operator", password="Emulator-Passw0rd!", domain_name="OTC00000000001000000001")
UNKNOWN_JOB = "140b5236-88ad-43c8-811c-1268453jb999"


@pytest.fixture(scope="module")
def emu():
    with emulator_plugin.RunningEmulator("--speed", "50") as running:
        running.load_jobs({"generate": {"n": 25, "seed": 3}})
        yield running


def test_keep_shrinks_every_detail_and_unknown_ids_stay_not_found(emu):
    ids = [job["id"] for job in emu.jobs()]
    emu.admin("POST", "reset", {"jobs": False, "stats": True, "faults": False, "tokens": False})
    client = DrsClient(resolve_auth(dict(auth_url=emu.url + "/v3", project_name="eu-de", region="eu-de", **USER), {}))
    calls = []

    def keep(item):
        calls.append(item["id"])
        return {"id": item["id"], "status": item.get("status"), "error_code": item.get("error_code")}

    items, not_found = client.batch_detail(ids + [UNKNOWN_JOB], keep=keep)
    assert list(items) == ids
    assert all(item == {"id": job_id, "status": "CONFIGURATION", "error_code": None} for job_id, item in items.items())
    assert not_found == [UNKNOWN_JOB]
    assert sorted(calls) == sorted(ids + [UNKNOWN_JOB])
    assert emu.stats()["requests"]["by_endpoint"]["batch-detail"] == 3   # 26 ids: 10 + 10 + 6, as without keep
