"""DRS v3 endpoint handlers: pure functions of the emulator state and one request.

``handle(state, project_id, method, path, body)`` returns ``(http_status, body_dict)``. The server does auth,
faults and HTTP; this module does what the DRS service does with a request that got through: whole-request
validation (400 with ``error_code``/``error_msg``), then one result per job, with per-job failures inside the
normal 2xx reply. Field names follow the real API exactly (``id`` vs ``job_id``, ``error_msg`` vs
``error_message``); see reference/drs-api.md and MODEL.md.
"""

import hashlib
import json
import math
import re

from drs_emulator import model
from drs_emulator.model import Refusal

ENDPOINTS = {
    ("POST", "/jobs/batch-precheck"): "batch-precheck",
    ("POST", "/jobs/batch-precheck-result"): "batch-precheck-result",
    ("POST", "/jobs/batch-starting"): "batch-starting",
    ("POST", "/jobs/batch-status"): "batch-status",
    ("POST", "/jobs/batch-detail"): "batch-detail",
    ("POST", "/jobs/batch-progress"): "batch-progress",
    ("POST", "/jobs/batch-rpo-and-rto"): "batch-rpo-and-rto",
    ("POST", "/jobs/batch-struct-process"): "batch-struct-process",
    ("POST", "/jobs"): "list-jobs",
    ("DELETE", "/jobs/batch-jobs"): "batch-jobs",
    ("POST", "/jobs/batch-pause-task"): "batch-pause-task",
    ("POST", "/jobs/batch-retry-task"): "batch-retry-task",
}

# Success status per endpoint; batch-progress depends on the profile (OTC docs 202, Huawei docs 200).
SUCCESS_STATUS = {
    "batch-precheck": 200, "batch-precheck-result": 200, "batch-starting": 202, "batch-status": 200,
    "batch-detail": 200, "batch-progress": {"otc": 202, "hw": 200}, "batch-rpo-and-rto": 202,
    "batch-struct-process": 200, "list-jobs": 200, "batch-jobs": 202, "batch-pause-task": 200, "batch-retry-task": 200,
}

MESSAGES = {
    "DRS.M00289": "The task does not exist.",
    "DRS.M05004": "The task has been deleted or its resources have been released.",
    "DRS.M01504": ("Another operation is being performed on the migration task or the migration task is abnormal. "
                   "Try again later."),
}

DELETE_TYPES = {"otc": ("terminate", "force_terminate", "delete"),
                "hw": ("terminate", "force_terminate", "delete", "roll_back_upgrade_active_standby")}
PAUSE_MODES = ("target", "all")
STATUS_PAGE_DEFAULT = 5
LIST_PAGE_DEFAULT = 10
PAGE_MAX = 100
SECRET_KEYS = ("db_password", "ssl_cert_password", "ssl_cert_key")
# start_time: ASCII digits only (str.isdigit() would also take "²"), at most the largest Java long.
_EPOCH_MS_RE = re.compile(r"[0-9]{1,19}")
START_TIME_MAX = 2 ** 63 - 1


class ApiError(Exception):
    """A whole-request error: HTTP status plus the ``{"error_code", "error_msg"}`` body."""

    def __init__(self, status, error_code, error_msg):
        super().__init__(error_msg)
        self.status = status
        self.error_code = error_code
        self.error_msg = error_msg

    def body(self):
        return {"error_code": self.error_code, "error_msg": self.error_msg}


def _empty(name):
    return ApiError(400, "DRS.M00201", "The %s parameter is empty." % name)


def _invalid(name, detail=""):
    return ApiError(400, "DRS.M00202", ("The value of %s is invalid. %s" % (name, detail)).strip())


def _never_busy(job_id):  # pylint: disable=unused-argument
    return False


class _Call:
    """What one handler invocation needs: the state, the caller's project, the endpoint and the busy probe."""

    def __init__(self, state, project_id, endpoint, busy):
        self.state = state
        self.project_id = project_id
        self.endpoint = endpoint
        self.busy = busy

    def success_status(self):
        status = SUCCESS_STATUS[self.endpoint]
        return status[self.state.profile] if isinstance(status, dict) else status


def _normalize_path(path):
    path = path.split("?", 1)[0]
    if len(path) > 1:
        path = path.rstrip("/")
    return path


def endpoint_name(method, path):
    """The endpoint (stats key) of a request, e.g. ``batch-status``, ``list-jobs``, ``batch-jobs``; None if unknown."""
    return ENDPOINTS.get((method.upper(), _normalize_path(path)))


def handle(state, project_id, method, path, body, busy=_never_busy):
    """Answer one DRS request. ``path`` is the part after ``/v3/{project_id}``; returns ``(status, body dict)``."""
    name = endpoint_name(method, path)
    if name is None:
        return 404, {"error_code": "DRS.M00300",
                     "error_msg": "Invalid request, the API %s %s does not exist." % (method.upper(), _normalize_path(path))}
    try:
        request = _parse_body(body)
        return _HANDLERS[name](_Call(state, project_id, name, busy or _never_busy), request)
    except ApiError as exc:
        return exc.status, exc.body()


def _parse_body(body):
    if isinstance(body, (bytes, bytearray)):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:
            body = None
    try:
        request = json.loads(body) if body else None
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        request = None
    if not isinstance(request, dict):
        raise ApiError(400, "DRS.M00200", "Parameter error. The request body must be a JSON object.")
    return request


# ---------------------------------------------------------------------------------------------------------------
# Whole-request validation

def _jobs_field(state, request, limit=None):
    jobs = request.get("jobs")
    if jobs is None or jobs == [] or jobs == "":
        raise _empty("jobs")
    if not isinstance(jobs, list):
        raise _invalid("jobs", "It must be an array.")
    limit = state.max_jobs_per_call if limit is None else limit
    if limit and len(jobs) > limit:
        raise _invalid("jobs", "A maximum of %d jobs can be processed in one request; %d were sent." % (limit, len(jobs)))
    return jobs


def _check_job_id(job_id):
    if not model.is_job_id(job_id):
        raise _invalid("job_id", "The job ID must comply with the UUID rule.")


def _check_unique(ids):
    if len(set(ids)) != len(ids):
        raise ApiError(400, "DRS.M00301", "There are duplicate job_id in request.")


def _read_ids(state, request):
    ids = _jobs_field(state, request, state.read_limit())
    for job_id in ids:
        if job_id in (None, ""):
            raise _empty("job_id")
        _check_job_id(job_id)
    _check_unique(ids)
    return ids


def _action_items(state, request, fields):
    entries = _jobs_field(state, request)
    for entry in entries:
        if not isinstance(entry, dict) or not entry:
            raise _invalid("jobs", "Every element must be a non-empty object.")
        if entry.get("job_id") in (None, ""):
            raise _empty("job_id")
        _check_job_id(entry["job_id"])
        for check in fields:
            check(state, entry)
    _check_unique([entry["job_id"] for entry in entries])
    return entries


def _required_choice(name, choices_for):
    def check(state, entry):
        value = entry.get(name)
        if value in (None, ""):
            raise _empty(name)
        choices = choices_for(state)
        if value not in choices:
            raise _invalid(name, "Valid values: %s." % ", ".join(choices))
    return check


def _check_start_time(state, entry):  # pylint: disable=unused-argument
    entry["_start_at"] = _parse_start_time(entry.get("start_time"))


def _parse_start_time(value):
    """Epoch milliseconds (ASCII digits, or a JSON integer) -> emulator seconds; empty means now (None)."""
    if value in (None, ""):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not _EPOCH_MS_RE.fullmatch(value) or int(value) > START_TIME_MAX:
        raise _invalid("start_time", "Use epoch milliseconds as a string, for example 1608188903063.")
    return int(value) / 1000.0


def _check_is_sync_re_edit(state, entry):  # pylint: disable=unused-argument
    if "is_sync_re_edit" in entry and not isinstance(entry["is_sync_re_edit"], bool):
        raise _invalid("is_sync_re_edit", "It must be a boolean.")


def _check_page(cur_page, per_page):
    if per_page < 0 or cur_page < 0:
        raise ApiError(400, "DRS.M00210", "Invalid Page value: per_page must be 0 to 100 and cur_page at least 0.")
    if per_page == 0 and cur_page > 1:
        raise ApiError(400, "DRS.M00210", "Invalid Page value: when per_page is 0, cur_page can only be 0 or 1.")
    if per_page > PAGE_MAX:
        raise ApiError(400, "DRS.M00211", "The page exceeds the upper limit: per_page may be at most %d." % PAGE_MAX)


def _page_value(page, name, default):
    value = page.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError(400, "DRS.M00210", "Invalid Page value: %s must be an integer." % name)
    return value


def _page_slice(request, items, default_per_page):
    """Apply ``page_req`` (status/detail): per_page 0..100, cur_page 1..page count; 0 in either means every item.

    The SDK's PageReq: "cur_page ... 0 returns every item; when per_page is 0, cur_page may only be 0 or 1" and
    "per_page ... 0 returns every item" (MODEL.md, choice 1).
    """
    page = request.get("page_req")
    if page is None:
        page = {}
    if not isinstance(page, dict):
        raise ApiError(400, "DRS.M00210", "Invalid Page value: page_req must be an object.")
    per_page = _page_value(page, "per_page", default_per_page)
    cur_page = _page_value(page, "cur_page", 1)
    _check_page(cur_page, per_page)
    if cur_page == 0:
        return items
    pages = 1 if per_page == 0 else max(1, int(math.ceil(len(items) / float(per_page))))
    if cur_page > pages:
        raise ApiError(400, "DRS.M00211", "The page exceeds the upper limit: cur_page %d is greater than the page count %d."
                       % (cur_page, pages))
    if per_page == 0:
        return items
    return items[(cur_page - 1) * per_page:cur_page * per_page]


# ---------------------------------------------------------------------------------------------------------------
# Generic batch runners

def _read_batch(call, request, build, id_key, msg_key, paged=False):
    """Run a read endpoint: one result per requested id (of the page), unknown ids as per-item errors."""
    ids = _read_ids(call.state, request)
    chosen = _page_slice(request, ids, STATUS_PAGE_DEFAULT) if paged else ids
    state = call.state
    results = []
    with state.lock:
        now = state.clock.now()
        for job_id in chosen:
            job, missing = state.lookup(call.project_id, job_id, now)
            if job is None:
                deleted = state.deleted_job(call.project_id, job_id) if call.endpoint == "batch-status" else None
                if deleted is not None:  # batch-status shows a deleted job as DELETED (SDK enum, Terraform providers)
                    results.append({"id": job_id, "status": "DELETED"})
                    continue
                results.append({id_key: job_id, "error_code": missing, msg_key: MESSAGES[missing]})
                continue
            state.record_request(job_id, call.endpoint)
            results.append(build(call, job, now))
    return {"count": len(results), "results": results}


def _failed(job_id, error_code, error_msg):
    return {"id": job_id, "status": "failed", "error_code": error_code, "error_msg": error_msg}


# Per-job refusals that the reading wrong_state_400 turns into a whole-request HTTP 400 (OTC error table).
WHOLE_REQUEST_CODES = ("DRS.M00304", "DRS.M05004")


def _action_batch(call, request, fields, act):
    """Run an action endpoint: each job succeeds or fails on its own (unknown, busy, refused by the state machine).

    With the reading ``wrong_state_400`` a DRS.M00304 / M05004 refusal of any job fails the whole request instead:
    HTTP 400 ``{"error_code", "error_msg"}``, and no job of the request changes (nothing is recorded either).
    """
    items = _action_items(call.state, request, fields)
    state = call.state
    with state.lock:
        if not state.reading("wrong_state_400"):
            return _run_actions(call, items, act)
        token = state.checkpoint([item["job_id"] for item in items])
        body = _run_actions(call, items, act)
        refused = [item for item in body["results"] if item.get("error_code") in WHOLE_REQUEST_CODES]
        if not refused:
            return body
        state.rollback(token)
        first = refused[0]
        raise ApiError(400, first["error_code"], "%s (task %s)" % (first["error_msg"], first["id"]))


def _run_actions(call, items, act):
    state = call.state
    results = []
    with state.lock:
        now = state.clock.now()
        for item in items:
            job_id = item["job_id"]
            job, missing = state.lookup(call.project_id, job_id, now)
            if job is None:
                results.append(_failed(job_id, missing, MESSAGES[missing]))
                continue
            state.record_request(job_id, call.endpoint)
            if call.busy(job_id):
                results.append(_failed(job_id, "DRS.M01504", MESSAGES["DRS.M01504"]))
                continue
            try:
                extra = act(call, job, item, now) or {}
            except Refusal as refusal:
                results.append(_failed(job_id, refusal.error_code, refusal.error_msg))
                continue
            result = {"id": job_id, "status": "success"}
            result.update(extra)
            results.append(result)
    return {"count": len(results), "results": results}


# ---------------------------------------------------------------------------------------------------------------
# Action endpoints

def _precheck(call, request):
    def act(call, job, item, now):
        call.state.submit_precheck(job, item["precheck_mode"], now)
        return {"precheck_id": job.id}
    fields = [_required_choice("precheck_mode", lambda state: model.PRECHECK_MODES)]
    return call.success_status(), _action_batch(call, request, fields, act)


def _starting(call, request):
    def act(call, job, item, now):
        call.state.start_job(job, item.pop("_start_at"), now)
    return call.success_status(), _action_batch(call, request, [_check_start_time], act)


def _delete_jobs(call, request):
    def act(call, job, item, now):
        delete_type = item["delete_type"]
        if delete_type == "delete":
            call.state.delete_job(job, now)
        elif delete_type in model.TERMINATE_FROM:
            call.state.terminate_job(job, delete_type, now)
        else:
            raise model.wrong_status("The task is not in an active/standby upgrade that could be rolled back.")
    fields = [_required_choice("delete_type", lambda state: DELETE_TYPES[state.profile])]
    return call.success_status(), _action_batch(call, request, fields, act)


def _pause(call, request):
    def act(call, job, item, now):
        call.state.pause_job(job, item["pause_mode"], now)
    fields = [_required_choice("pause_mode", lambda state: PAUSE_MODES)]
    return call.success_status(), _action_batch(call, request, fields, act)


def _retry(call, request):
    def act(call, job, item, now):  # pylint: disable=unused-argument
        call.state.retry_job(job, now)
    return call.success_status(), _action_batch(call, request, [_check_is_sync_re_edit], act)


# ---------------------------------------------------------------------------------------------------------------
# Read endpoints

def _status(call, request):
    def build(call, job, now):
        return {"id": job.id, "status": call.state.visible_status(job, now)}
    return call.success_status(), _read_batch(call, request, build, "id", "error_message", paged=True)


def _precheck_result(call, request):
    def build(call, job, now):
        if job.role == "parent":
            return {"precheck_id": job.id, "error_code": "DRS.M00307", "error_msg": model.MSG_ONLY_SUBTASKS}
        if job.precheck is None:
            return {"precheck_id": job.id, "error_code": "DRS.M00304",
                    "error_msg": "%s No pre-check has been submitted for this task." % model.MSG_WRONG_STATUS}
        if call.state.reading("precheck_result_config_only") and job.status != "CONFIGURATION":
            return {"precheck_id": job.id, "error_code": "DRS.M00304",
                    "error_msg": "%s Pre-check results can be queried only in CONFIGURATION (task status: %s)."
                    % (model.MSG_WRONG_STATUS, job.status)}
        snap = job.precheck.snapshot(now)
        return {"precheck_id": job.id, "result": snap["result"], "process": snap["process"],
                "total_passed_rate": snap["total_passed_rate"], "rds_instance_id": _instance_id(job, "ta"),
                "job_direction": job.spec["job_direction"],
                "precheck_result": [_precheck_item(item) for item in snap["items"]]}
    return call.success_status(), _read_batch(call, request, build, "precheck_id", "error_msg")


def _precheck_item(item):
    """PASSED items carry only item, result, group (and data when there is some), as in the OTC examples."""
    if item["result"] != "PASSED":
        return item
    shown = {"item": item["item"], "result": item["result"], "group": item["group"]}
    if item.get("data"):
        shown["data"] = item["data"]
    return shown


def _progress(call, request):
    def build(call, job, now):
        source = call.state.forward_of(job) if job.role == "parent" else job
        source = source or job
        status = source.status
        delays = source.delays_ms(now)
        progress = source.progress_percent(now)
        if source.effective_status() == "FULL_TRANSFER_COMPLETE":
            progress = 0  # the OTC batch-progress page, example response 2
        result = {"job_id": job.id, "progress": str(progress),
                  "incre_trans_delay": str(delays[0] // 1000) if delays else "-1", "task_mode": source.task_mode,
                  "transfer_status": status,
                  "process_time": model.ms_string(math.floor(now - delays[0] / 1000.0)) if delays and status == "INCRE_TRANSFER_STARTED" else "0",
                  "remaining_time": str(source.remaining_seconds(now))}
        if call.state.profile == "hw":
            result["incre_trans_delay_millis"] = str(delays[0]) if delays else "-1"
        if source.effective_status() in ("FULL_TRANSFER_STARTED", "FULL_TRANSFER_COMPLETE", "FULL_TRANSFER_FAILED"):
            result["progress_map"] = _progress_map(source.full_fraction(now))
        return result
    return call.success_status(), _read_batch(call, request, build, "job_id", "error_msg")


def _progress_map(fraction):
    """struct, data and index progress: structure first (0-20 %), then data (20-90 %), then indexes (90-100 %)."""
    parts = (("struct", 0.0, 0.2), ("data", 0.2, 0.9), ("index", 0.9, 1.0))
    result = {}
    for name, low, high in parts:
        share = max(0.0, min(1.0, (fraction - low) / (high - low)))
        result[name] = {"completed": "%d%%" % int(math.floor(share * 100 + 1e-9)), "remaining_time": None}
    return result


def _not_for_migration(job, key, msg_key):
    return {key: job.id, "error_code": "DRS.M00304",
            msg_key: "%s Only disaster recovery tasks have this information." % model.MSG_WRONG_STATUS}


def _rpo_and_rto(call, request):
    def build(call, job, now):
        if job.db_use_type != "cloudDataGuard":
            return _not_for_migration(job, "job_id", "error_msg")
        source = (call.state.forward_of(job) if job.role == "parent" else job) or job
        delays = source.delays_ms(now)
        return {"job_id": job.id, "rpo_info": _delay_info(source, now, delays[0] if delays else None),
                "rto_info": _delay_info(source, now, delays[1] if delays else None)}
    return call.success_status(), _read_batch(call, request, build, "job_id", "error_msg")


def _delay_info(job, now, delay_ms):
    if delay_ms is None:
        return {"delay": "-1", "time": "", "gtid_set": "NA", "check_point": ""}
    replicated = now - delay_ms / 1000.0
    start = job.marks.get("INCRE_TRANSFER_STARTED", replicated)
    binlog = 514 + int(max(0.0, replicated - start) // 600)
    position = 197 + int(max(0.0, replicated - start) * 1000) % 100000000
    # time: the current time (Huawei drs_03_0117); the check point is the replicated position (now - delay).
    return {"delay": str(delay_ms), "time": model.date_time_string(now), "gtid_set": "NA",
            "check_point": "mysql-bin.%06d:%d" % (binlog, position)}


def _struct_process(call, request):
    def build(call, job, now):
        if job.db_use_type != "cloudDataGuard":
            return _not_for_migration(job, "job_id", "error_message")
        if job.role == "parent":
            return {"job_id": job.id, "error_code": "DRS.M00307",
                    "error_message": model.MSG_ONLY_SUBTASKS + " The parent task of a dual-active DR is a virtual task."}
        rows = []
        for kind, status, src, dst, start_ms, end_ms in job.struct_process(now):
            row = {"type": kind, "status": status, "src_count": src, "dst_count": dst, "start_time": start_ms}
            if end_ms is not None:
                row["end_time"] = end_ms
            rows.append(row)
        return {"job_id": job.id, "struct_process": {"result": rows, "create_time": model.ms_string(now)}}
    return call.success_status(), _read_batch(call, request, build, "job_id", "error_message")


def _detail(call, request):
    body = _read_batch(call, request, _detail_item, "id", "error_message", paged=True)
    failed = any("error_code" in item and "status" not in item for item in body["results"])
    return (400 if failed else call.success_status()), body


# ---------------------------------------------------------------------------------------------------------------
# batch-detail

def _digest(text):
    return hashlib.md5(text.encode("utf-8")).hexdigest()  # nosec - identifiers only


def _uuid(digest):
    return "%s-%s-%s-%s-%s" % (digest[0:8], digest[8:12], digest[12:16], digest[16:20], digest[20:32])


def _instance_id(job, side):
    return _digest("%s:%s:inst" % (job.id, side)) + "in01"


_ENGINE_DB_TYPES = {
    "mysql": ("mysql", "mysql"), "cloudDataGuard-mysql": ("mysql", "mysql"), "mysql-to-taurus": ("mysql", "taurus"),
    "mongodb": ("mongodb", "mongodb"), "postgresql": ("postgresql", "postgresql"), "taurus": ("taurus", "taurus"),
}
_DB_PORTS = {"mysql": 3306, "taurus": 3306, "mongodb": 8635, "postgresql": 5432}


def _endpoint(job, side, project):
    digest = _digest("%s:%s" % (job.id, side))
    db_types = _ENGINE_DB_TYPES.get(job.engine_type, ("mysql", "mysql"))
    db_type = db_types[0] if side == "so" else db_types[1]
    managed = side == "ta" or job.db_use_type == "cloudDataGuard"
    region = project.get("region", "")
    endpoint = {
        "db_type": db_type, "az_code": region + "-01" if managed else "", "region": region if managed else "",
        "inst_id": _instance_id(job, side) if managed else "", "vpc_id": _uuid(_digest(digest + "vpc")),
        "subnet_id": _uuid(_digest(digest + "subnet")), "security_group_id": _uuid(_digest(digest + "sg")),
        "project_id": job.project_id if managed else "", "db_password": model.DETAIL_SECRETS["db_password"],
        "db_port": _DB_PORTS.get(db_type, 3306), "db_user": "drs_reader" if side == "so" else "drs_writer",
        "inst_name": "%s-%s" % (job.name, "source" if side == "so" else "target") if managed else "",
        "ip": "192.168.%d.%d" % (int(digest[0:2], 16), int(digest[2:4], 16) % 250 + 2),
        "mongo_ha_mode": "", "ssl_cert_password": model.DETAIL_SECRETS["ssl_cert_password"],
        "ssl_cert_check_sum": hashlib.sha256(digest.encode("ascii")).hexdigest(),
        "ssl_cert_key": model.DETAIL_SECRETS["ssl_cert_key"], "ssl_cert_name": "ca-bundle.pem", "ssl_link": True,
        "cluster_mode": "",
    }
    endpoint.update(job.spec["detail"].get("source_endpoint" if side == "so" else "target_endpoint") or {})
    return endpoint


def _detail_item(call, job, now):
    state = call.state
    project = state.projects.get(job.project_id, {})
    spec = job.spec
    digest = _digest(job.id)
    item = {"id": job.id}
    if job.parent_id:
        item["parent_id"] = job.parent_id
    item.update({
        "name": job.name, "status": state.visible_status(job, now), "description": spec["detail"].get("description", spec["description"]),
        "create_time": model.ms_string(job.create_time), "task_type": job.task_mode,
        "source_endpoint": _endpoint(job, "so", project), "target_endpoint": _endpoint(job, "ta", project),
        "net_type": spec["net_type"], "failed_reason": job.failed_reason,
        "inst_info": {"engine_type": job.engine_type, "inst_type": "high",
                      "ip": "192.168.%d.%d" % (int(digest[4:6], 16), int(digest[6:8], 16) % 250 + 2),
                      "public_ip": "80.158.%d.%d" % (int(digest[8:10], 16), int(digest[10:12], 16) % 250 + 2)
                      if spec["net_type"] == "eip" else "",
                      "start_time": model.ms_string(job.start_at) if job.status == "WAITING_FOR_START" and job.start_at else "0",
                      "status": "ACTIVE", "volume_size": 100},
    })
    for key, status in (("actual_start_time", "STARTJOBING"), ("full_transfer_complete_time", "FULL_TRANSFER_COMPLETE")):
        if status in job.marks:
            item[key] = model.ms_string(job.marks[status])
    item.update({
        "update_time": model.ms_string(job.since), "job_direction": spec["job_direction"], "db_use_type": job.db_use_type,
        "need_restart": False, "is_target_readonly": job.db_use_type != "cloudDataGuard" or job.role == "single",
        "conflict_policy": "overwrite", "filter_ddl_policy": "", "speed_limit": [], "schema_type": "Replication",
        "node_num": spec["detail"].get("node_num", 1), "object_switch": False,
        "master_job_id": job.parent_id or "", "full_mode": "", "struct_trans": True, "index_trans": True, "replace_definer": True,
        "migrate_user": False, "sync_database": False, "target_root_db": {"db_name": "", "db_encoding": "utf8mb4"},
        "az_code": project.get("region", "") + "-01", "vpc_id": _uuid(_digest(digest + "vpc")),
        "subnet_id": _uuid(_digest(digest + "subnet")), "security_group_id": _uuid(_digest(digest + "sg")),
        "multi_write": job.role in ("parent", "forward", "backward"), "support_ip_v6": False, "inherit_id": "",
        "gtid": "", "alarm_notify": spec["detail"].get("alarm_notify", {
            "subscriptions": [], "topic_name": "", "delay_time": 0, "rto_delay": 0, "rpo_delay": 0, "alarm_to_user": False}),
        "incre_start_position": "", "is_multi_az": False, "az_name": project.get("region", "") + "-01",
        "master_az": "", "slave_az": "", "node_role": "", "is_open_fast_clean": False,
    })
    if state.profile == "hw":
        # No "children": in QueryJobResp it lists sub-tasks whose EIP binding failed ({id, name}), never emulated.
        item["tags"] = [{"key": key, "value": value} for key, value in sorted(spec["tags"].items())]
    return item


# ---------------------------------------------------------------------------------------------------------------
# POST /jobs (list)

def _list_page(request):
    values = {}
    for name, default in (("cur_page", 1), ("per_page", LIST_PAGE_DEFAULT)):
        value = request.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ApiError(400, "DRS.M00210", "Invalid Page value: %s must be an integer." % name)
        values[name] = value
    _check_page(values["cur_page"], values["per_page"])
    return values["cur_page"], values["per_page"]


def _list_filters(request):
    db_use_type = request.get("db_use_type")
    if db_use_type in (None, ""):
        raise _empty("db_use_type")
    if db_use_type not in model.DB_USE_TYPES:
        raise _invalid("db_use_type", "Valid values: %s." % ", ".join(model.DB_USE_TYPES))
    status = request.get("status")
    if status not in (None, "") and (not isinstance(status, str) or status not in model.ALL_STATUSES):
        raise _invalid("status")
    for name in ("name", "engine_type", "net_type", "enterprise_project_id"):
        if request.get(name) is not None and not isinstance(request.get(name), str):
            raise _invalid(name)
    tags = request.get("tags")
    if tags is not None and not (isinstance(tags, dict) and all(isinstance(value, str) for value in tags.values())):
        raise _invalid("tags", "tags is a map of tag keys to values.")
    return db_use_type, status or None


def _matches(state, job, request, db_use_type, status, now):
    if job.db_use_type != db_use_type or job.role in ("forward", "backward"):
        return False
    if status and state.visible_status(job, now) != status:
        return False
    for name, value in (("engine_type", job.engine_type), ("net_type", job.spec["net_type"]),
                        ("enterprise_project_id", job.spec["enterprise_project_id"])):
        if request.get(name) and request[name] != value:
            return False
    tags = request.get("tags")
    if tags and not state.readings["list_ignores_tags"] and any(job.spec["tags"].get(key) != value for key, value in tags.items()):
        return False
    name = request.get("name")
    if name:
        tokens = [token.strip() for token in name.split(",")]
        return job.id in tokens or name in job.name
    return True


def _job_info(call, job, now):
    info = {"id": job.id, "name": job.name, "status": call.state.visible_status(job, now), "description": job.spec["description"],
            "create_time": model.date_time_string(job.create_time), "engine_type": job.engine_type,
            "net_type": job.spec["net_type"], "billing_tag": False, "job_direction": job.spec["job_direction"],
            "db_use_type": job.db_use_type, "task_type": job.task_mode, "node_newFramework": True}
    if job.failed_reason:
        info["error_msg"] = job.failed_reason  # the failure reason (OTC example); no "" on every job
    if call.state.profile == "hw":
        info["job_action"] = _job_action(job)
    return info


_ACTIONS = (("precheck", lambda job: job.status in model.PRECHECK_FROM["forStartJob"] and job.role != "parent"),
            ("start", lambda job: job.status in model.START_FROM and job.role != "parent"),
            ("pause", lambda job: job.status in model.PAUSE_FROM and job.db_use_type in model.PAUSE_DB_USE_TYPES),
            ("retry", lambda job: job.status in model.RETRY_FROM and job.role != "parent"),
            ("terminate", lambda job: job.status in model.TERMINATE_FROM["terminate"] and job.role not in ("forward", "backward")),
            ("delete", lambda job: job.status in model.DELETE_FROM and job.role not in ("forward", "backward")))


def _job_action(job):
    available = [name for name, allowed in _ACTIONS if allowed(job)]
    return {"available_actions": available, "unavailable_actions": [action[0] for action in _ACTIONS if action[0] not in available],
            "current_action": ""}


def _list_jobs(call, request):
    cur_page, per_page = _list_page(request)
    db_use_type, status = _list_filters(request)
    state = call.state
    with state.lock:
        now = state.clock.now()
        jobs = [job for job in state.project_jobs(call.project_id, now) if _matches(state, job, request, db_use_type, status, now)]
        jobs.sort(key=lambda job: (-job.create_time, job.id))
        if per_page and cur_page:   # reading list_page_max: a page never holds more, whatever per_page asks
            per_page = min(per_page, state.readings["list_page_max"])
        chosen = jobs if per_page == 0 or cur_page == 0 else jobs[(cur_page - 1) * per_page:cur_page * per_page]
        infos = []
        for job in chosen:
            info = _job_info(call, job, now)
            if job.role == "parent":
                info["children"] = [_job_info(call, state.get(child), now) for child in (job.forward_id, job.backward_id) if child]
            infos.append(info)
    return call.success_status(), {"total_record": len(jobs), "jobs": infos}


_HANDLERS = {
    "batch-precheck": _precheck,
    "batch-precheck-result": _precheck_result,
    "batch-starting": _starting,
    "batch-status": _status,
    "batch-detail": _detail,
    "batch-progress": _progress,
    "batch-rpo-and-rto": _rpo_and_rto,
    "batch-struct-process": _struct_process,
    "list-jobs": _list_jobs,
    "batch-jobs": _delete_jobs,
    "batch-pause-task": _pause,
    "batch-retry-task": _retry,
}
