"""The faithful core of the DRS emulator: simulated clock, fixtures, job store, state machine and per-job stats.

Nothing here knows about HTTP. ``drs_api`` turns requests into calls on :class:`EmulatorState` and shapes the
replies. Jobs evolve lazily: a job stores its status, the emulator time it entered that status and the few
parameters that decide what comes next; whenever a job is read, the transitions that are due by the clock are
applied (and recorded with the emulator time at which they were due). No thread runs per job, so thousands of
jobs cost nothing while nobody looks at them. See MODEL.md for the state machine and every documented choice.
"""

import copy
import hashlib
import json
import math
import random
import re
import threading
import time

import yaml

# --------------------------------------------------------------------------------------------------------------
# Shared constants (see CONTRACT.md)

PROJECT_A_ID = "054ba152d480d55b2f5dc0069e7ddef0"
PROJECT_B_ID = "9b1d4c6e2f3a4b5c8d7e6f5a4b3c2d1e"
DOMAIN_NAME = "OTC00000000001000000001"
DOMAIN_ID = "d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5"

JOB_ID_RE = re.compile(r"^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$")


def is_job_id(value):
    """True for a 36-character DRS job id. ``fullmatch``: ``$`` alone would also accept a trailing newline."""
    return isinstance(value, str) and JOB_ID_RE.fullmatch(value) is not None


# Values the emulator puts into batch-detail endpoints, so that tests can prove the collection strips them.
DETAIL_SECRETS = {
    "db_password": "Emu-Db-Passw0rd!",
    "ssl_cert_password": "Emu-Ssl-Cert-Passw0rd!",
    "ssl_cert_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDEmuLatorKey\\n-----END PRIVATE KEY-----",
}

# --------------------------------------------------------------------------------------------------------------
# Status enum and state tables (reference drs-api.md section 6)

ALL_STATUSES = frozenset((
    "CREATING", "CREATE_FAILED", "CONFIGURATION", "STARTJOBING", "WAITING_FOR_START", "START_JOB_FAILED", "PAUSING",
    "FULL_TRANSFER_STARTED", "FULL_TRANSFER_FAILED", "FULL_TRANSFER_COMPLETE", "INCRE_TRANSFER_STARTED",
    "INCRE_TRANSFER_FAILED", "RELEASE_RESOURCE_STARTED", "RELEASE_RESOURCE_FAILED", "RELEASE_RESOURCE_COMPLETE",
    "REBUILD_NODE_STARTED", "REBUILD_NODE_FAILED", "CHANGE_JOB_STARTED", "CHANGE_JOB_FAILED", "DELETED",
    "CHILD_TRANSFER_STARTING", "CHILD_TRANSFER_STARTED", "CHILD_TRANSFER_COMPLETE", "CHILD_TRANSFER_FAILED",
    "RELEASE_CHILD_TRANSFER_STARTED", "RELEASE_CHILD_TRANSFER_COMPLETE", "NODE_UPGRADE_START",
    "NODE_UPGRADE_COMPLETE", "NODE_UPGRADE_FAILED",
))

DB_USE_TYPES = ("migration", "sync", "cloudDataGuard")
TASK_MODES = ("FULL_TRANS", "INCR_TRANS", "FULL_INCR_TRANS")
DR_ROLES = ("single", "parent", "forward", "backward")
PRECHECK_MODES = ("forStartJob", "forRetryJob")
PRECHECK_OUTCOMES = ("pass", "alarm", "fail")
START_OUTCOMES = ("success", "fail")

# The running sequence per task mode, from STARTJOBING to the last status the job settles in.
RUN_PATHS = {
    "FULL_TRANS": ("STARTJOBING", "FULL_TRANSFER_STARTED", "FULL_TRANSFER_COMPLETE"),
    "INCR_TRANS": ("STARTJOBING", "INCRE_TRANSFER_STARTED"),
    "FULL_INCR_TRANS": ("STARTJOBING", "FULL_TRANSFER_STARTED", "FULL_TRANSFER_COMPLETE", "INCRE_TRANSFER_STARTED"),
}

# Timed phases: status -> the timing key that says how long the job stays in it.
PHASE_DURATION = {
    "CREATING": "create_duration",
    "STARTJOBING": "start_duration",
    "FULL_TRANSFER_STARTED": "full_duration",
    "FULL_TRANSFER_COMPLETE": "switch_duration",
    "RELEASE_RESOURCE_STARTED": "release_duration",
}

# Timed phases whose successor does not depend on the task mode.
FIXED_SUCCESSOR = {
    "CREATING": "CONFIGURATION",
    "RELEASE_RESOURCE_STARTED": "RELEASE_RESOURCE_COMPLETE",
}

# Which status each request may be made from.
PRECHECK_FROM = {
    "forStartJob": frozenset(("CONFIGURATION",)),
    "forRetryJob": frozenset(("INCRE_TRANSFER_STARTED", "INCRE_TRANSFER_FAILED", "FULL_TRANSFER_FAILED", "START_JOB_FAILED")),
}
START_FROM = frozenset(("CONFIGURATION",))
PAUSE_FROM = frozenset(("FULL_TRANSFER_STARTED", "FULL_TRANSFER_FAILED", "FULL_TRANSFER_COMPLETE",
                        "INCRE_TRANSFER_STARTED", "INCRE_TRANSFER_FAILED"))
PAUSE_DB_USE_TYPES = frozenset(("migration", "sync"))
RETRY_FROM = frozenset(("PAUSING", "START_JOB_FAILED", "FULL_TRANSFER_FAILED", "INCRE_TRANSFER_FAILED"))
DELETE_FROM = frozenset(("CREATE_FAILED", "RELEASE_RESOURCE_COMPLETE", "RELEASE_CHILD_TRANSFER_COMPLETE"))
_NOT_TERMINABLE = frozenset(("CREATING", "CREATE_FAILED", "RELEASE_RESOURCE_STARTED", "RELEASE_RESOURCE_FAILED",
                             "RELEASE_RESOURCE_COMPLETE", "RELEASE_CHILD_TRANSFER_STARTED",
                             "RELEASE_CHILD_TRANSFER_COMPLETE", "DELETED"))
TERMINATE_FROM = {
    "terminate": ALL_STATUSES - _NOT_TERMINABLE,
    "force_terminate": (ALL_STATUSES - _NOT_TERMINABLE) | frozenset(("RELEASE_RESOURCE_FAILED",)),
}

# A retry (or the resume of a paused job that had failed) goes back to the running status of the failed phase.
RETRY_TARGET = {
    "START_JOB_FAILED": "STARTJOBING",
    "FULL_TRANSFER_FAILED": "FULL_TRANSFER_STARTED",
    "INCRE_TRANSFER_FAILED": "INCRE_TRANSFER_STARTED",
}

FAILED_STATUSES = frozenset(s for s in ALL_STATUSES if s.endswith("_FAILED"))
RELEASE_STATUSES = frozenset(("RELEASE_RESOURCE_STARTED", "RELEASE_RESOURCE_FAILED", "RELEASE_RESOURCE_COMPLETE"))
INCREMENTAL_STATUSES = frozenset(("INCRE_TRANSFER_STARTED", "INCRE_TRANSFER_FAILED"))
FULL_DONE_STATUSES = frozenset(("FULL_TRANSFER_COMPLETE", "INCRE_TRANSFER_STARTED", "INCRE_TRANSFER_FAILED"))
FULL_RUNNING_STATUSES = frozenset(("FULL_TRANSFER_STARTED", "FULL_TRANSFER_FAILED"))
# Statuses a dual-active parent holds on its own (after terminate); otherwise it follows its children.
PARENT_OWN_STATUSES = RELEASE_STATUSES
# Lifecycle order used to pick the "less advanced" child for the parent status.
LIFECYCLE_ORDER = ("CREATING", "CONFIGURATION", "WAITING_FOR_START", "STARTJOBING", "FULL_TRANSFER_STARTED",
                   "FULL_TRANSFER_COMPLETE", "INCRE_TRANSFER_STARTED")
# Where the synthesized history of a job loaded in a non-path status is anchored.
_HISTORY_ANCHOR = {
    "START_JOB_FAILED": "STARTJOBING",
    "FULL_TRANSFER_FAILED": "FULL_TRANSFER_STARTED",
    "INCRE_TRANSFER_FAILED": "INCRE_TRANSFER_STARTED",
}
# A job loaded in one of these statuses has been started, so it must have passed a pre-check.
_NEVER_STARTED = frozenset(("CREATING", "CREATE_FAILED", "CONFIGURATION"))
# Statuses a start leads to, which the start lag (reading start_lag_seconds) hides behind CONFIGURATION.
_LAGGED_STATUSES = frozenset(("WAITING_FOR_START", "STARTJOBING", "START_JOB_FAILED", "FULL_TRANSFER_STARTED",
                              "FULL_TRANSFER_COMPLETE", "INCRE_TRANSFER_STARTED"))

RPO_RTO_LIMIT_MS = 60000
# Default RTO as a share of the RPO at the start of the incremental phase (RPO and RTO are separate values).
RTO_SHARE = 0.75

# --------------------------------------------------------------------------------------------------------------
# Profiles: the cloud (success codes, a few fields) plus the readings of the questions the sources leave open.
# Each reading is a switch (MODEL.md, "Profiles and open questions"); "pessimistic" turns every one of them on.

CLOUDS = ("otc", "hw")
READING_DEFAULTS = {
    "start_lag_seconds": 0.0,             # batch-status etc. keep showing CONFIGURATION this long after a start
    "wrong_state_400": False,             # DRS.M00304 / M05004 of an action as a whole-request 400
    "precheck_preconditions": False,      # batch-precheck refuses jobs whose connection test/configuration is not done
    "precheck_result_config_only": None,  # batch-precheck-result only in CONFIGURATION (None: per cloud, otc yes, hw no)
    "read_max_jobs": 10,                  # ids per call on read endpoints (0 = the --max-jobs-per-call limit only)
    "stop_lag_seconds": 0.0,              # reads keep showing the status before an accepted stop this long
    "retry_needs_precheck": False,        # batch-retry-task retries a failed job only after a passed forRetryJob pre-check
    "retry_lag_seconds": 0.0,             # reads keep showing the failed status before an accepted retry this long
    "list_ignores_tags": False,           # POST /jobs (list) accepts the tags filter but does not apply it
    "list_page_max": 100,                 # POST /jobs (list) pages hold at most this many jobs, whatever per_page asks
}
PESSIMISTIC_READINGS = {
    "start_lag_seconds": 30.0,
    "wrong_state_400": True,
    "precheck_preconditions": True,
    "precheck_result_config_only": True,
    "read_max_jobs": 100,
    "stop_lag_seconds": 30.0,
    "retry_needs_precheck": True,
    "retry_lag_seconds": 30.0,
    "list_ignores_tags": True,
    "list_page_max": 10,
}
PROFILES = {
    "otc": ("otc", {}),
    "hw": ("hw", {}),
    "pessimistic": ("otc", PESSIMISTIC_READINGS),
    "hw-pessimistic": ("hw", PESSIMISTIC_READINGS),
}


def check_readings(values):
    """Validate reading switches (a partial dict); returns a normalised copy or raises ValueError."""
    if not isinstance(values, dict):
        raise ValueError("readings must be an object")
    unknown = sorted(set(values) - set(READING_DEFAULTS))
    if unknown:
        raise ValueError("unknown reading(s): %s" % ", ".join(unknown))
    result = {}
    for key, value in values.items():
        if key in ("wrong_state_400", "precheck_preconditions", "retry_needs_precheck", "list_ignores_tags"):
            if not isinstance(value, bool):
                raise ValueError("%s must be a boolean" % key)
        elif key == "precheck_result_config_only":
            if value is not None and not isinstance(value, bool):
                raise ValueError("%s must be a boolean or null" % key)
        elif key in ("start_lag_seconds", "stop_lag_seconds", "retry_lag_seconds"):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value) or value < 0:
                raise ValueError("%s must be a number >= 0" % key)
            value = float(value)
        elif key == "list_page_max":
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
                raise ValueError("list_page_max must be an integer from 1 to 100")
        elif key == "read_max_jobs":
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
                raise ValueError("read_max_jobs must be an integer from 0 to 100")
        result[key] = value
    return result


def profile_readings(profile, overrides=None):
    """(cloud, readings) of a profile name, with ``overrides`` applied; ValueError for an unknown profile."""
    if profile not in PROFILES:
        raise ValueError("profile must be one of %s" % ", ".join(sorted(PROFILES)))
    cloud, switched = PROFILES[profile]
    readings = dict(READING_DEFAULTS)
    readings.update(switched)
    readings.update(check_readings(overrides or {}))
    return cloud, readings


DEFAULT_TIMING = {
    "precheck_duration": 30.0,
    "start_duration": 20.0,
    "full_duration": 120.0,
    "switch_duration": 5.0,
    "release_duration": 10.0,
    "create_duration": 10.0,
    "rpo_initial_ms": 120000,
    "rto_initial_ms": None,  # None: three quarters of rpo_initial_ms (RPO and RTO are separate values)
    "rpo_settle_seconds": 60.0,
    "steady_delay_ms": 0,
    "start_wait": 600.0,
}

DEFAULT_START_FAILED_REASON = ("Failed to start the task: the DRS instance could not connect to the source database "
                               "(connection timed out). Check the security group and the network ACL.")

# --------------------------------------------------------------------------------------------------------------
# Pre-check item catalogue (item names and groups from the reference, section 4.2)

_MYSQL_ITEMS = (
    ("srcDbConnection", "network"), ("dstDbConnection", "network"), ("isUserRequireSslLink", "network"),
    ("dbVersionMeetRequirement", "db_version"), ("srcDbVersionSupport", "db_version"), ("dstDbVersionSupport", "db_version"),
    ("dstDbDiskSize", "db_disk_size"),
    ("srcDbPrivilegesIsEnoughForIncre", "db_user_privilege"), ("dstDbPrivilegesIsEnough", "db_user_privilege"),
    ("userRequirementIsEnoughForDefiner", "db_user_privilege"), ("srcRoutinesWithoutPrivilegeCheck", "db_user_privilege"),
    ("dstStatusCheck", "db_target_status"),
    ("srcDbBinlogIsOff", "db_params"), ("srcBinlogFormatCheck", "db_params"), ("srcBinlogRowImageCheck", "db_params"),
    ("srcDbBinlogExpireLogsDays", "db_params"), ("srcDbServerIdCheck", "db_params"), ("srclogSlaveUpdatesCheck", "db_params"),
    ("dbCharacterSetConsistency", "db_params"), ("dbCollationServerConsistency", "db_params"),
    ("dbIsolationLevelConsistency", "db_params"), ("dbParamConsistency", "db_params"), ("sqlModeConsistency", "db_params"),
    ("innodbStrictModeConsistency", "db_params"), ("dstMaxAllowedPacketCheck", "db_params"),
    ("dbServerUuidConsistency", "db_params"), ("dbClockConsistency", "db_params"),
    ("checkIncreSrcDbExistedInDstDb", "db_object_conflict_check"),
    ("srcDstTableNameCaseSensitiveCheck", "db_object_conflict_check"),
    ("hasForeignKeyOnUnselectedTable", "db_object_dependency_check"), ("srcTriggerAndEventCheck", "db_object_dependency_check"),
    ("userSelectObjectsCheck", "db_object_dependency_check"),
    ("srcDbExistUnsupportEngineTable", "src_info_check"), ("srcDbIndexKeyLength", "src_info_check"),
    ("srcDbNameContainsUnsupportedSymbols", "src_info_check"), ("srcTableNameContainsNonAscii", "src_info_check"),
    ("srcViewNameContainsNonAscii", "src_info_check"), ("srcHasNoPkTableWhenTgtHasInvisiblePk", "src_info_check"),
    ("sqlModeNoEngine", "src_info_check"),
)

_MONGODB_ITEMS = (
    ("srcDbConnection", "network"), ("dstDbConnection", "network"),
    ("srcDbVersionSupport", "db_version"), ("dstDbVersionSupport", "db_version"),
    ("dstDbDiskSize", "db_disk_size"),
    ("srcDbPrivilegesIsEnoughForIncre", "db_user_privilege"), ("dstDbPrivilegesIsEnough", "db_user_privilege"),
    ("dstStatusCheck", "db_target_status"),
    ("srcCollHasTtlIndex", "src_info_check"), ("srcShardKeyConfiguration", "src_info_check"),
    ("mongoTypeFitTransferMode", "src_info_check"),
    ("checkIncreSrcDbExistedInDstDb", "db_object_conflict_check"),
)

# item -> (failed_reason, raw_error_msg, data object) for items that end ALARM or FAILED.
_FINDINGS = {
    "mysql": {
        "alarm": {
            "srcDbBinlogExpireLogsDays": (
                "SRC_BINLOG_EXPIRE_LOGS_DAYS_TOO_SHORT",
                "The binlog retention period of the source database is shorter than 3 days (expire_logs_days=1).",
                {"expire_logs_days": "1", "recommended": "3"}),
            "hasForeignKeyOnUnselectedTable": (
                "HAS_FOREIGN_KEY_ON_UNSELECTED_TABLE",
                "Tables selected for migration reference tables that are not selected: orders.order_items -> orders.products.",
                {"tables": "orders.order_items", "referencedTables": "orders.products"}),
        },
        "fail": {
            "srcDbBinlogIsOff": (
                "SRC_DB_BINLOG_IS_OFF",
                "The binlog of the source database is disabled (log_bin=OFF). Enable binary logging and restart the database.",
                {"log_bin": "OFF"}),
            "dstDbPrivilegesIsEnough": (
                "DST_DB_PRIVILEGES_NOT_ENOUGH",
                "The destination database user drs_writer lacks the privileges CREATE, ALTER, INDEX, REFERENCES.",
                {"dbUser": "drs_writer", "lackPrivileges": "CREATE,ALTER,INDEX,REFERENCES"}),
        },
    },
    "mongodb": {
        "alarm": {
            "srcCollHasTtlIndex": (
                "SRC_HAS_TTL_INDEXES",
                "Collections with TTL indexes exist in the source database: sessions.expiring_tokens.",
                {"collections": "sessions.expiring_tokens"}),
            "mongoTypeFitTransferMode": (
                "SRC_INSTANCE_TYPE_IS_REPLICA_SET",
                "The source instance is a replica set; incremental migration reads the oplog of the primary node.",
                {"srcInstanceType": "replicaSet"}),
        },
        "fail": {
            "srcDbPrivilegesIsEnoughForIncre": (
                "SRC_DB_PRIVILEGES_NOT_ENOUGH",
                "The source database user drs_reader lacks the readAnyDatabase role and the read role on the local database.",
                {"dbUser": "drs_reader", "lackRoles": "readAnyDatabase,local.read"}),
        },
    },
}

_ENGINE_CATALOGUE = {"mongodb": "mongodb"}  # any other engine uses the MySQL catalogue

STRUCT_TYPES = ("table", "view", "table_structure", "database", "function", "procedure", "table_indexs")
DEFAULT_STRUCT_COUNTS = {"table": 48, "view": 6, "table_structure": 48, "database": 2, "function": 2, "procedure": 3,
                         "table_indexs": 95}


def _disk_size_data():
    return {"diskSizeTimes": "1.5", "dstVolumeSize": "37660000000", "srcDbSize": "12480000000"}


def precheck_items(engine_type, outcome):
    """The list of pre-check result items a run with ``outcome`` produces for ``engine_type``."""
    catalogue = _ENGINE_CATALOGUE.get(engine_type, "mysql")
    names = _MONGODB_ITEMS if catalogue == "mongodb" else _MYSQL_ITEMS
    findings = {}
    if outcome in ("alarm", "fail"):
        findings.update((name, ("ALARM",) + found) for name, found in _FINDINGS[catalogue]["alarm"].items())
    if outcome == "fail":
        findings.update((name, ("FAILED",) + found) for name, found in _FINDINGS[catalogue]["fail"].items())
    items = []
    for name, group in names:
        result, reason, raw, data = findings.get(name, ("PASSED", "", "", None))
        if data is None and name == "dstDbDiskSize":
            data = _disk_size_data()
        items.append({"item": name, "result": result, "failed_reason": reason,
                      "data": json.dumps(data, separators=(",", ":")) if data is not None else "",
                      "raw_error_msg": raw, "group": group})
    return items


# --------------------------------------------------------------------------------------------------------------
# Clock and time formats

class Clock:
    """Emulator time: epoch seconds that start at the real time and run ``speed`` times as fast as real time.

    ``speed`` 0 freezes the clock (only ``advance`` moves it), which is what deterministic tests want.
    """

    def __init__(self, speed=1.0, start=None, real_time=time.time):
        if speed < 0:
            raise ValueError("speed must be >= 0")
        self._lock = threading.Lock()
        self._real_time = real_time
        self._anchor_real = real_time()
        self._anchor_emu = float(self._anchor_real if start is None else start)
        self._speed = float(speed)

    def _now_locked(self):
        return self._anchor_emu + (self._real_time() - self._anchor_real) * self._speed

    def now(self):
        with self._lock:
            return self._now_locked()

    def now_ms(self):
        return int(self.now() * 1000)

    def advance(self, seconds):
        if seconds < 0:
            raise ValueError("the emulator clock cannot go back")
        with self._lock:
            self._anchor_emu += float(seconds)

    def to_real(self, emu_epoch):
        """Real epoch seconds at which the emulator clock reaches ``emu_epoch`` (inf if it never will)."""
        with self._lock:
            now = self._now_locked()
            if emu_epoch <= now:
                return self._real_time()
            if self._speed == 0:
                return math.inf
            return self._anchor_real + (emu_epoch - self._anchor_emu) / self._speed

    @property
    def speed(self):
        return self._speed

    @speed.setter
    def speed(self, value):
        if value < 0:
            raise ValueError("speed must be >= 0")
        with self._lock:
            self._anchor_emu = self._now_locked()
            self._anchor_real = self._real_time()
            self._speed = float(value)


def to_ms(seconds):
    return int(math.floor(seconds * 1000))


def ms_string(seconds):
    """Epoch milliseconds as a JSON string, the format of detail/struct-process/progress time fields."""
    return str(to_ms(seconds))


def date_time_string(seconds):
    """``yyyy-MM-dd HH:mm:ss`` in UTC (list create_time, rpo/rto time)."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds))


def _percent(fraction):
    return int(math.floor(max(0.0, min(1.0, fraction)) * 100 + 1e-9))


def _clamp(value):
    return max(0.0, min(1.0, value))


# --------------------------------------------------------------------------------------------------------------
# Fixtures

def default_fixture():
    """The built-in fixture: the two projects, the operator user and the access keys of CONTRACT.md, no jobs."""
    return {
        "projects": [
            {"id": PROJECT_A_ID, "name": "eu-de", "region": "eu-de"},
            {"id": PROJECT_B_ID, "name": "eu-nl", "region": "eu-nl"},
        ],
        "users": [
            {"name": "drs-operator", "domain": DOMAIN_NAME, "password": "Emulator-Passw0rd!", "projects": ["eu-de", "eu-nl"]},
        ],
        "access_keys": [
            {"access": "QTWAOYTTINDUT2QVKYUC", "secret": "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc", "project": "eu-de",
             "security_token": None},
            {"access": "EMUPROJECTBAK0000002", "secret": "emulatorProjectBSecretKey00000000000002", "project": "eu-nl",
             "security_token": None},
            {"access": "EMUTEMPAK00000000003", "secret": "emulatorTemporarySecretKey000000000003", "project": "eu-de",
             "security_token": "emulator-security-token-0003"},
        ],
        "jobs": [],
    }


def load_fixture_file(path):
    """Read a YAML (or JSON, which is YAML) fixture file into a dict."""
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError("fixture %s: the top level must be a mapping" % path)
    return data


def _random_job_id(rng, index):
    hex_part = "%032x" % rng.getrandbits(128)
    last = "%s%s%03d" % (hex_part[20:27], "jb", index % 1000)
    return "%s-%s-%s-%s-%s" % (hex_part[0:8], hex_part[8:12], hex_part[12:16], hex_part[16:20], last)


def generate_fixture(n, seed=0, project_id=PROJECT_A_ID, **options):
    """A synthetic fleet of ``n`` jobs, all CONFIGURATION, whose pre-checks pass (deterministic for a seed).

    Options: ``types`` (list of db_use_type, cycled; default migration, sync), ``task_mode`` (FULL_INCR_TRANS),
    ``engine_type`` (mysql), ``name_prefix`` (fleet), ``precheck_outcome`` (pass), ``precheck_duration``,
    ``start_duration``, ``full_duration``, ``start_outcome`` (success), ``precheck_passed`` (false: a pre-check
    already passed, so the jobs can be started at once), ``waves`` (0: no tags; N: job i gets the tag
    ``wave: "<i mod N + 1>"``, so tag filters can be tried on a fleet).
    """
    known = {"types", "task_mode", "engine_type", "name_prefix", "precheck_outcome", "precheck_duration",
             "start_duration", "full_duration", "start_outcome", "precheck_passed", "waves"}
    unknown = sorted(set(options) - known)
    if unknown:
        raise ValueError("generate_fixture: unknown option(s) %s" % ", ".join(unknown))
    n = int(n)
    if n < 0:
        raise ValueError("generate_fixture: n must be >= 0")
    rng = random.Random(seed)
    types = list(options.get("types") or ("migration", "sync"))
    fixture = default_fixture()
    defaults = {key: options[key] for key in ("precheck_duration", "start_duration", "full_duration") if key in options}
    if defaults:
        fixture["defaults"] = defaults
    seen = set()
    prefix = options.get("name_prefix", "fleet")
    for index in range(n):
        job_id = _random_job_id(rng, index + 1)
        while job_id in seen:
            job_id = _random_job_id(rng, index + 1)
        seen.add(job_id)
        db_use_type = types[index % len(types)]
        job = {
            "id": job_id,
            "name": "%s-%s-%05d" % (prefix, db_use_type.lower(), index + 1),
            "project": project_id,
            "type": db_use_type,
            "engine_type": options.get("engine_type", "cloudDataGuard-mysql" if db_use_type == "cloudDataGuard" else "mysql"),
            "task_mode": "FULL_INCR_TRANS" if db_use_type == "cloudDataGuard" else options.get("task_mode", "FULL_INCR_TRANS"),
            "status": "CONFIGURATION",
            "precheck": {"outcome": options.get("precheck_outcome", "pass"), "passed": bool(options.get("precheck_passed", False))},
            "start": {"outcome": options.get("start_outcome", "success")},
        }
        if db_use_type == "cloudDataGuard":
            job["dr"] = {"role": "single"}
        if options.get("waves"):
            job["tags"] = {"wave": str(index % int(options["waves"]) + 1)}
        fixture["jobs"].append(job)
    return fixture


def _md5(text):
    return hashlib.md5(text.encode("utf-8")).hexdigest()  # nosec - identifiers only


def _resolve_project(ref, projects, where):
    if ref in projects:
        return ref
    for project in projects.values():
        if project["name"] == ref:
            return project["id"]
    raise ValueError("%s: unknown project %r" % (where, ref))


def _normalize_projects(raw):
    projects = {}
    for entry in raw:
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("name"):
            raise ValueError("fixture projects: every project needs an id and a name")
        projects[entry["id"]] = {"id": entry["id"], "name": entry["name"], "region": entry.get("region", entry["name"]),
                                 "domain_id": entry.get("domain_id", DOMAIN_ID)}
    return projects


def _normalize_users(raw, projects, strict):
    users = []
    for entry in raw:
        refs = []
        for ref in entry.get("projects", []):
            try:
                refs.append(_resolve_project(ref, projects, "user %s" % entry.get("name")))
            except ValueError:
                if strict:
                    raise
        domain = entry.get("domain", DOMAIN_NAME)
        users.append({"name": entry["name"], "domain": domain,
                      "domain_id": entry.get("domain_id", DOMAIN_ID if domain == DOMAIN_NAME else _md5(domain)),
                      "password": entry["password"], "user_id": entry.get("user_id", _md5("user:" + entry["name"])),
                      "projects": refs})
    return users


def _normalize_keys(raw, projects, strict):
    keys = []
    for entry in raw:
        try:
            project_id = _resolve_project(entry.get("project", entry.get("project_id")), projects,
                                          "access key %s" % entry.get("access"))
        except ValueError:
            if strict:
                raise
            continue
        keys.append({"access": entry["access"], "secret": entry["secret"], "project_id": project_id,
                     "security_token": entry.get("security_token")})
    return keys


_JOB_KEYS = frozenset(("id", "name", "project", "type", "engine_type", "task_mode", "status", "status_age", "description",
                       "net_type", "job_direction", "create_time", "precheck", "start", "dr", "detail", "paused_from",
                       "timing", "connection_tested", "configured", "tags", "enterprise_project_id"))
MAX_TAGS = 20
# The incremental delay can be held high per job (cut-over readiness tests; MODEL.md "Incremental delay").
_JOB_KEYS = _JOB_KEYS | frozenset(("hold_delay",))
_PRECHECK_KEYS = frozenset(("outcome", "duration", "items", "passed"))
_START_KEYS = frozenset(("outcome", "duration", "full_duration", "switch_duration", "wait", "failed_reason"))
_DR_KEYS = frozenset(("role", "parent", "rpo_initial_ms", "rto_initial_ms", "rpo_settle_seconds", "steady_delay_ms",
                      "struct_counts"))


def _check_keys(block, allowed, where):
    if not isinstance(block, dict):
        raise ValueError("%s must be a mapping" % where)
    unknown = sorted(set(block) - allowed)
    if unknown:
        raise ValueError("%s: unknown key(s) %s" % (where, ", ".join(unknown)))


def _check_choice(value, choices, where):
    if value not in choices:
        raise ValueError("%s: %r is not one of %s" % (where, value, ", ".join(sorted(choices))))


def _timing_for(job, defaults):
    timing = dict(DEFAULT_TIMING)
    timing.update({k: v for k, v in defaults.items() if k in DEFAULT_TIMING})
    own = job.get("timing") or {}
    _check_keys(own, frozenset(DEFAULT_TIMING), "job %s.timing" % job.get("id"))
    timing.update(own)
    precheck, start, dr_block = job.get("precheck") or {}, job.get("start") or {}, job.get("dr") or {}
    for source, key, target in ((precheck, "duration", "precheck_duration"), (start, "duration", "start_duration"),
                                (start, "full_duration", "full_duration"), (start, "switch_duration", "switch_duration"),
                                (start, "wait", "start_wait"), (dr_block, "rpo_initial_ms", "rpo_initial_ms"),
                                (dr_block, "rto_initial_ms", "rto_initial_ms"),
                                (dr_block, "rpo_settle_seconds", "rpo_settle_seconds"),
                                (dr_block, "steady_delay_ms", "steady_delay_ms")):
        if key in source:
            timing[target] = source[key]
    if timing["rto_initial_ms"] is None:
        timing["rto_initial_ms"] = int(timing["rpo_initial_ms"] * RTO_SHARE)
    for key, value in timing.items():
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
            raise ValueError("job %s: timing %s must be a number >= 0" % (job.get("id"), key))
    return timing


def _normalize_precheck(job, defaults, where):
    block = job.get("precheck") or {}
    _check_keys(block, _PRECHECK_KEYS, where + ".precheck")
    outcomes = block.get("outcome", defaults.get("precheck_outcome", "pass"))
    outcomes = list(outcomes) if isinstance(outcomes, (list, tuple)) else [outcomes]
    if not outcomes:
        raise ValueError("%s.precheck.outcome: the list is empty" % where)
    for outcome in outcomes:
        _check_choice(outcome, PRECHECK_OUTCOMES, where + ".precheck.outcome")
    items = block.get("items")
    if items is not None:
        items = [_normalize_item(item, "%s.precheck.items" % where) for item in items]
    passed = bool(block.get("passed", False))
    if passed and outcomes[0] == "fail" and items is None:
        raise ValueError("%s.precheck: passed is true but the outcome is fail" % where)
    return {"outcomes": outcomes, "items": items, "passed": passed}


def _normalize_item(item, where):
    _check_keys(item, frozenset(("item", "group", "result", "failed_reason", "raw_error_msg", "data")), where)
    if not item.get("item"):
        raise ValueError("%s: every item needs a name" % where)
    result = item.get("result", "PASSED")
    _check_choice(result, ("PASSED", "ALARM", "FAILED"), where + ".result")
    data = item.get("data", "")
    if not isinstance(data, str):
        data = json.dumps(data, separators=(",", ":"))
    return {"item": item["item"], "result": result, "failed_reason": item.get("failed_reason", ""), "data": data,
            "raw_error_msg": item.get("raw_error_msg", ""), "group": item.get("group", "src_info_check")}


def _normalize_dr(job, db_use_type, where):
    block = job.get("dr") or {}
    _check_keys(block, _DR_KEYS, where + ".dr")
    if db_use_type != "cloudDataGuard":
        if job.get("dr"):
            raise ValueError("%s: dr is only for cloudDataGuard jobs" % where)
        return {"role": None, "parent": None, "struct_counts": dict(DEFAULT_STRUCT_COUNTS)}
    role = block.get("role", "single")
    _check_choice(role, DR_ROLES, where + ".dr.role")
    parent = block.get("parent")
    if role in ("forward", "backward") and not parent:
        raise ValueError("%s: a %s task needs dr.parent" % (where, role))
    counts = dict(DEFAULT_STRUCT_COUNTS)
    counts.update(block.get("struct_counts") or {})
    return {"role": role, "parent": parent if role in ("forward", "backward") else None, "struct_counts": counts}


def _epoch_ms(value, where):
    if value is None:
        return None
    if isinstance(value, bool) or not str(value).isdigit():
        raise ValueError("%s must be epoch milliseconds" % where)
    return int(value)


def normalize_job(job, projects, defaults, index=0):
    """Validate one fixture job entry and return the spec the model builds a job from."""
    where = "job %s" % (job.get("id") if isinstance(job, dict) else index)
    _check_keys(job, _JOB_KEYS, where)
    job_id = job.get("id")
    if not is_job_id(job_id):
        raise ValueError("%s: id must match %s" % (where, JOB_ID_RE.pattern))
    if not job.get("name"):
        raise ValueError("%s: name is required" % where)
    project_id = _resolve_project(job["project"], projects, where) if job.get("project") else next(iter(projects))
    db_use_type = job.get("type", "migration")
    _check_choice(db_use_type, DB_USE_TYPES, where + ".type")
    dr_spec = _normalize_dr(job, db_use_type, where)
    task_mode = job.get("task_mode", "FULL_INCR_TRANS")
    _check_choice(task_mode, TASK_MODES, where + ".task_mode")
    if dr_spec["role"] == "single" and task_mode != "FULL_INCR_TRANS":
        raise ValueError("%s: single-active DR supports only FULL_INCR_TRANS" % where)
    status = job.get("status", "CONFIGURATION")
    _check_choice(status, ALL_STATUSES, where + ".status")
    start = job.get("start") or {}
    _check_keys(start, _START_KEYS, where + ".start")
    start_outcome = start.get("outcome", "success")
    _check_choice(start_outcome, START_OUTCOMES, where + ".start.outcome")
    paused_from = job.get("paused_from")
    if paused_from is not None:
        _check_choice(paused_from, PAUSE_FROM, where + ".paused_from")
    detail = job.get("detail") or {}
    _check_keys(detail, frozenset(("source_endpoint", "target_endpoint", "description", "node_num", "alarm_notify")),
                where + ".detail")
    dr_job = db_use_type == "cloudDataGuard"
    tags = job.get("tags") or {}
    if not isinstance(tags, dict) or len(tags) > MAX_TAGS or not all(
            isinstance(key, str) and key and isinstance(value, (str, int, float)) and not isinstance(value, bool)
            for key, value in tags.items()):
        raise ValueError("%s.tags must map at most %d non-empty keys to strings" % (where, MAX_TAGS))
    enterprise_project_id = job.get("enterprise_project_id", "0")
    if not isinstance(enterprise_project_id, str) or not enterprise_project_id:
        raise ValueError("%s.enterprise_project_id must be a non-empty string" % where)
    return {
        "id": job_id, "name": str(job["name"]), "project_id": project_id, "db_use_type": db_use_type,
        "engine_type": job.get("engine_type", "cloudDataGuard-mysql" if dr_job else "mysql"),
        "task_mode": task_mode, "status": status, "status_age": float(job.get("status_age", 0)),
        "description": job.get("description", ""), "net_type": job.get("net_type", "eip" if dr_job else "vpc"),
        "job_direction": job.get("job_direction", "down" if dr_spec["role"] == "backward" else "up"),
        "create_time_ms": _epoch_ms(job.get("create_time"), where + ".create_time"),
        "create_offset": index * 60.0, "precheck": _normalize_precheck(job, defaults, where),
        "start_outcome": start_outcome, "start_failed_reason": start.get("failed_reason", DEFAULT_START_FAILED_REASON),
        "dr": dr_spec, "detail": copy.deepcopy(detail), "paused_from": paused_from,
        "timing": _timing_for(job, defaults),
        "connection_tested": _flag(job, "connection_tested", where), "configured": _flag(job, "configured", where),
        "tags": dict((key, str(value)) for key, value in tags.items()), "enterprise_project_id": enterprise_project_id,
        "hold_delay_ms": _hold_delay_ms(job, where),
    }


HOLD_AT_INITIAL = -1   # hold_delay: true -- held at the job's rpo_initial_ms


def _hold_delay_ms(job, where):
    """``hold_delay`` of a fixture job: ``true`` holds the delay at the job's initial delay, a number of seconds holds it
    there; absent or ``false``: the delay falls as usual. Returns milliseconds or None."""
    value = job.get("hold_delay", False)
    if value is False:
        return None
    if value is True:
        return HOLD_AT_INITIAL
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return int(value * 1000)
    raise ValueError("%s.hold_delay must be true, false or a number of seconds >= 0" % where)


def _flag(job, key, where):
    value = job.get(key, True)
    if not isinstance(value, bool):
        raise ValueError("%s.%s must be a boolean" % (where, key))
    return value


def normalize_fixture(fixture, base_projects=None):
    """Validate a fixture dict. Returns projects, users, access_keys (None when the fixture has none) and job specs."""
    if not isinstance(fixture, dict):
        raise ValueError("a fixture must be a mapping")
    _check_keys(fixture, frozenset(("projects", "users", "access_keys", "defaults", "jobs")), "fixture")
    default = default_fixture()
    given_projects = _normalize_projects(fixture["projects"]) if fixture.get("projects") else None
    projects = dict(base_projects or {})
    projects.update(given_projects or ({} if base_projects else _normalize_projects(default["projects"])))
    users = keys = None
    if fixture.get("users") is not None:
        users = _normalize_users(fixture["users"], projects, strict=True)
    elif not base_projects:
        users = _normalize_users(default["users"], projects, strict=False)
    if fixture.get("access_keys") is not None:
        keys = _normalize_keys(fixture["access_keys"], projects, strict=True)
    elif not base_projects:
        keys = _normalize_keys(default["access_keys"], projects, strict=False)
    defaults = fixture.get("defaults") or {}
    _check_keys(defaults, frozenset(DEFAULT_TIMING) | {"precheck_outcome"}, "fixture.defaults")
    specs, seen = [], set()
    for index, job in enumerate(fixture.get("jobs") or []):
        spec = normalize_job(job, projects, defaults, index)
        if spec["id"] in seen:
            raise ValueError("job %s: duplicate id" % spec["id"])
        seen.add(spec["id"])
        specs.append(spec)
    return {"projects": projects, "users": users, "access_keys": keys, "jobs": specs}


# --------------------------------------------------------------------------------------------------------------
# Jobs

def settle_curve(elapsed, initial_ms, settle_seconds, steady_ms):
    """Replication delay (ms) ``elapsed`` seconds into the incremental phase.

    It eases out from ``initial_ms`` to ``steady_ms`` along a quadratic curve (fast at first, ever slower) chosen so
    that it is under 60 000 ms from ``settle_seconds`` on (59 999 ms at that moment, 60 000 ms or more before). It
    keeps falling gradually below 60 s and reaches ``steady_ms`` only at ``settle_total(...)`` seconds (about 205 s
    for the defaults), so every threshold under 60 s is crossed at its own time. An ``initial_ms`` under 60 000
    eases down to ``steady_ms`` in ``settle_seconds``.
    """
    total = settle_total(initial_ms, settle_seconds, steady_ms)
    if elapsed >= total:
        return int(steady_ms)
    remaining = 1.0 - max(0.0, elapsed) / total
    return int(round(steady_ms + (float(initial_ms) - steady_ms) * remaining * remaining))


def settle_total(initial_ms, settle_seconds, steady_ms):
    """Seconds after which :func:`settle_curve` has reached ``steady_ms``."""
    span = float(initial_ms) - float(steady_ms)
    if settle_seconds <= 0 or span <= 0:
        return 0.0
    under = RPO_RTO_LIMIT_MS - 1
    if initial_ms > under > steady_ms:
        return settle_seconds / (1.0 - math.sqrt((under - steady_ms) / span))
    return float(settle_seconds)


class Precheck:
    """One pre-check run: when it started, how long it takes and the items it ends with."""

    __slots__ = ("mode", "started_at", "duration", "items")

    def __init__(self, mode, started_at, duration, items):
        self.mode = mode
        self.started_at = started_at
        self.duration = duration
        self.items = items

    def fraction(self, now):
        if self.duration <= 0:
            return 1.0
        return _clamp((now - self.started_at) / self.duration)

    def finished(self, now):
        return self.fraction(now) >= 1.0

    def passed(self, now):
        return self.finished(now) and all(item["result"] != "FAILED" for item in self.items)

    def snapshot(self, now):
        """process, total_passed_rate, result and the items visible at ``now`` (items appear as they are checked)."""
        fraction = self.fraction(now)
        total = len(self.items)
        shown = self.items if fraction >= 1.0 else self.items[:int(total * fraction)]
        passed = sum(1 for item in shown if item["result"] != "FAILED")
        rate = _percent(passed / total) if total else (100 if fraction >= 1.0 else 0)
        return {"process": "%d%%" % _percent(fraction), "total_passed_rate": "%d%%" % rate,
                "result": self.passed(now), "items": [dict(item) for item in shown]}


class Job:
    """One DRS task. Holds the status and when it was entered; everything else is derived from the clock."""

    __slots__ = ("spec", "id", "project_id", "name", "db_use_type", "engine_type", "task_mode", "role", "parent_id",
                 "forward_id", "backward_id", "timing", "status", "since", "start_at", "start_fail", "paused_from",
                 "paused_elapsed", "paused_at", "pause_mode", "marks", "precheck", "precheck_runs", "create_time",
                 "failed_reason", "start_accepted_at", "stop_accepted_at", "stop_from", "retry_accepted_at", "retry_from",
                 "delay_hold_ms", "delay_release")

    def __init__(self, spec, loaded_at):
        self.spec = spec
        self.id = spec["id"]
        self.project_id = spec["project_id"]
        self.name = spec["name"]
        self.db_use_type = spec["db_use_type"]
        self.engine_type = spec["engine_type"]
        self.task_mode = spec["task_mode"]
        self.role = spec["dr"]["role"]
        self.parent_id = spec["dr"]["parent"]
        self.forward_id = self.backward_id = None
        self.timing = spec["timing"]
        self.status = spec["status"]
        self.since = loaded_at - spec["status_age"]
        self.start_at = self.since + self.timing["start_wait"] if self.status == "WAITING_FOR_START" else None
        self.start_fail = spec["start_outcome"] == "fail"
        self.paused_from = self.paused_at = self.pause_mode = None
        self.paused_elapsed = 0.0
        self.marks = {self.status: self.since}
        self.precheck = None
        self.precheck_runs = 0
        created = spec["create_time_ms"]
        self.create_time = created / 1000.0 if created is not None else loaded_at - 86400.0 + spec["create_offset"]
        self.failed_reason = spec["start_failed_reason"] if self.status == "START_JOB_FAILED" else ""
        self.start_accepted_at = None
        self.stop_accepted_at = self.stop_from = None
        self.retry_accepted_at = self.retry_from = None
        hold = spec.get("hold_delay_ms")
        self.delay_hold_ms = self.timing["rpo_initial_ms"] if hold == HOLD_AT_INITIAL else hold   # None: not held
        self.delay_release = None   # [emulator time, delay ms, settle seconds] of the last release of a hold
        if self.status == "PAUSING":
            self._load_paused(spec["paused_from"])
        self._synthesize_history()
        self._load_precheck(loaded_at)

    # -- loading -----------------------------------------------------------------------------------------------

    def _load_paused(self, paused_from):
        if paused_from is None:
            paused_from = "INCRE_TRANSFER_STARTED" if "INCRE_TRANSFER_STARTED" in self.path else "FULL_TRANSFER_STARTED"
        self.paused_from = paused_from
        self.paused_at = self.since
        self.pause_mode = "all"
        length = self.phase_length(paused_from)
        self.paused_elapsed = length / 2.0 if length else self.timing["rpo_settle_seconds"]

    def _synthesize_history(self):
        """Entry times of the phases a job loaded mid-life went through (for detail times and struct process)."""
        path = self.path
        status = self.paused_from if self.status == "PAUSING" else self.status
        if status in RELEASE_STATUSES:
            status = path[-1]
        anchor = status if status in path else _HISTORY_ANCHOR.get(status)
        if anchor is None or anchor not in path or self.role == "parent":
            return
        moment = self.since
        if self.status == "PAUSING":  # the paused phase began paused_elapsed before the pause
            moment -= self.paused_elapsed
            self.marks.setdefault(anchor, moment)
        elif anchor != self.status:  # failed or released: the phase before began half a phase earlier
            moment -= self.phase_length(anchor) / 2.0
            self.marks.setdefault(anchor, moment)
        for previous in reversed(path[:path.index(anchor)]):
            moment -= self.phase_length(previous)
            self.marks.setdefault(previous, moment)

    def _load_precheck(self, loaded_at):
        """A fixture job marked ``passed`` or loaded past CONFIGURATION has a finished pre-check behind it."""
        spec = self.spec["precheck"]
        if self.role == "parent":
            return
        if spec["passed"]:
            outcome = spec["outcomes"][0]
        elif self.status in _NEVER_STARTED:
            return
        else:
            outcome = "alarm" if "alarm" in spec["outcomes"] else "pass"
        ended = self.marks.get("STARTJOBING", min(self.since, loaded_at))
        duration = float(self.timing["precheck_duration"])
        items = spec["items"] if spec["items"] is not None else precheck_items(self.engine_type, outcome)
        self.precheck = Precheck("forStartJob", ended - duration - 1.0, duration, [dict(i) for i in items])

    # -- derived facts -----------------------------------------------------------------------------------------

    @property
    def path(self):
        return RUN_PATHS[self.task_mode]

    def phase_length(self, status):
        key = PHASE_DURATION.get(status)
        return float(self.timing[key]) if key else 0.0

    def successor(self):
        """The status the current timed phase leads to, or None when the job rests where it is."""
        if self.role == "parent" and self.status not in PARENT_OWN_STATUSES:
            return None
        if self.status == "WAITING_FOR_START":
            return "STARTJOBING"
        if self.status in FIXED_SUCCESSOR:
            return FIXED_SUCCESSOR[self.status]
        if self.status not in PHASE_DURATION or self.status not in self.path:
            return None
        if self.status == "STARTJOBING" and self.start_fail:
            return "START_JOB_FAILED"
        index = self.path.index(self.status)
        return self.path[index + 1] if index + 1 < len(self.path) else None

    def next_transition(self):
        """(emulator time, status) of the next scheduled transition, or None."""
        target = self.successor()
        if target is None:
            return None
        if self.status == "WAITING_FOR_START":
            return (self.start_at, target)
        return (self.since + self.phase_length(self.status), target)

    def enter(self, status, at, record):
        previous = self.status
        self.status = status
        self.since = at
        self.marks.setdefault(status, at)
        if status == "START_JOB_FAILED":
            self.failed_reason = self.spec["start_failed_reason"]
        record(self, previous, status, at)

    def evolve(self, now, record):
        """Apply every transition that is due by ``now``."""
        while True:
            upcoming = self.next_transition()
            if upcoming is None or upcoming[0] > now:
                return
            self.enter(upcoming[1], upcoming[0], record)

    def full_fraction(self, now):
        """How far the full phase (DR initialisation) is, 0..1."""
        fd = self.phase_length("FULL_TRANSFER_STARTED")
        if self.status == "FULL_TRANSFER_STARTED":
            return _clamp((now - self.since) / fd) if fd else 1.0
        if self.status == "PAUSING" and self.paused_from == "FULL_TRANSFER_STARTED":
            return _clamp(self.paused_elapsed / fd) if fd else 1.0
        if "FULL_TRANSFER_COMPLETE" in self.marks:
            return 1.0
        if self.status == "FULL_TRANSFER_FAILED" and "FULL_TRANSFER_STARTED" in self.marks:
            return _clamp((self.since - self.marks["FULL_TRANSFER_STARTED"]) / fd) if fd else 1.0
        return 0.0

    def effective_status(self):
        """The status whose data a paused job shows (the one it was paused in)."""
        return self.paused_from if self.status == "PAUSING" else self.status

    def progress_percent(self, now):
        status = self.effective_status()
        if status in FULL_DONE_STATUSES:
            return 100
        if status in FULL_RUNNING_STATUSES:
            return min(99, _percent(self.full_fraction(now)))
        if status in RELEASE_STATUSES:
            return 100 if "FULL_TRANSFER_COMPLETE" in self.marks or "INCRE_TRANSFER_STARTED" in self.marks else 0
        return 0

    def remaining_seconds(self, now):
        if self.status != "FULL_TRANSFER_STARTED":
            return 0
        return int(math.ceil(max(0.0, self.since + self.phase_length(self.status) - now)))

    def delays_ms(self, now):
        """(rpo_ms, rto_ms) replication delay, or None outside the incremental phase."""
        timing = self.timing
        if self.status == "INCRE_TRANSFER_STARTED" and self.delay_hold_ms is not None:
            return (self.delay_hold_ms, self.delay_hold_ms)
        if self.status == "INCRE_TRANSFER_STARTED" and self.delay_release and self.delay_release[0] >= self.since:
            # released from a hold: it falls from the held value like a fresh incremental phase
            at, held, settle = self.delay_release   # pylint: disable=unpacking-non-sequence
            delay = settle_curve(now - at, held, settle, timing["steady_delay_ms"])
            return (delay, delay)
        if self.status == "INCRE_TRANSFER_STARTED":
            elapsed, extra = now - self.since, 0
        elif self.status == "PAUSING" and self.paused_from == "INCRE_TRANSFER_STARTED":
            elapsed, extra = self.paused_elapsed, int((now - self.paused_at) * 1000)
        elif self.status == "INCRE_TRANSFER_FAILED":  # the delay had settled; it grows while the task is failed
            elapsed, extra = math.inf, int((now - self.since) * 1000)
        else:
            return None
        rpo = settle_curve(elapsed, timing["rpo_initial_ms"], timing["rpo_settle_seconds"], timing["steady_delay_ms"])
        rto = settle_curve(elapsed, timing["rto_initial_ms"], timing["rpo_settle_seconds"], timing["steady_delay_ms"])
        return (rpo + extra, rto + extra)

    def struct_process(self, now):
        """DR initialisation items: (type, status 1|2, src_count, dst_count, start_ms, end_ms or None)."""
        if "FULL_TRANSFER_STARTED" not in self.marks:
            return []
        fraction = self.full_fraction(now)
        base = self.marks["FULL_TRANSFER_STARTED"]
        share = self.phase_length("FULL_TRANSFER_STARTED") / len(STRUCT_TYPES)
        rows = []
        for index, kind in enumerate(STRUCT_TYPES):
            own = _clamp(fraction * len(STRUCT_TYPES) - index)
            if own <= 0 and fraction < 1.0:
                break
            src = int(self.spec["dr"]["struct_counts"].get(kind, 0))
            start_ms = to_ms(base + index * share)
            done = own >= 1.0
            rows.append((kind, 2 if done else 1, src, src if done else int(src * own), start_ms,
                         to_ms(base + (index + 1) * share) if done else None))
        return rows


# --------------------------------------------------------------------------------------------------------------
# The store

def _new_stats():
    return {"requests": {}, "starts": 0, "start_requests": 0, "prechecks": 0, "transitions": []}


class Refusal(Exception):
    """A per-job refusal: the job stays as it is and the reply item carries ``error_code`` and ``error_msg``."""

    def __init__(self, error_code, error_msg):
        super().__init__(error_msg)
        self.error_code = error_code
        self.error_msg = error_msg


MSG_WRONG_STATUS = "This API cannot be called in the current task status."
MSG_ONLY_SUBTASKS = "Only subtasks can call this API."
MSG_ONLY_PARENT = "Only parent tasks can call this API."


def wrong_status(reason):
    return Refusal("DRS.M00304", "%s %s" % (MSG_WRONG_STATUS, reason))


STATE_FILE_VERSION = 1
_JOB_STATE_FIELDS = ("status", "since", "start_at", "start_fail", "paused_from", "paused_elapsed", "paused_at",
                     "pause_mode", "marks", "precheck_runs", "create_time", "failed_reason", "start_accepted_at",
                     "stop_accepted_at", "stop_from", "retry_accepted_at", "retry_from")
# Fields added after STATE_FILE_VERSION 1 was written: absent from older state files (None then).
_LATER_JOB_STATE_FIELDS = ("stop_accepted_at", "stop_from", "retry_accepted_at", "retry_from")


_JOB_STATE_FIELDS = _JOB_STATE_FIELDS + ("delay_hold_ms", "delay_release")
_LATER_JOB_STATE_FIELDS = _LATER_JOB_STATE_FIELDS + ("delay_hold_ms", "delay_release")


def _dump_job(job):
    entry = {"spec": job.spec}
    entry.update((name, getattr(job, name)) for name in _JOB_STATE_FIELDS)
    if job.precheck is not None:
        entry["precheck"] = {"mode": job.precheck.mode, "started_at": job.precheck.started_at,
                             "duration": job.precheck.duration, "items": job.precheck.items}
    return entry


def _load_job(entry, now):
    job = Job(entry["spec"], now)
    for name in _JOB_STATE_FIELDS:
        setattr(job, name, entry.get(name) if name in _LATER_JOB_STATE_FIELDS else entry[name])
    run = entry.get("precheck")
    job.precheck = Precheck(run["mode"], run["started_at"], run["duration"], run["items"]) if run else None
    return job


def _split_deleted(jobs):
    """Take the jobs loaded as DELETED out of ``jobs`` (they go to the deleted store); dual-active members cannot."""
    buried = {}
    for job in list(jobs.values()):
        if job.status == "DELETED":
            if job.role in ("parent", "forward", "backward"):
                raise ValueError("job %s: a dual-active task cannot be loaded as DELETED" % job.id)
            buried[job.id] = jobs.pop(job.id)
    return buried


class EmulatorState:
    """Projects, users, keys and jobs of one emulator, with the state machine operations the API calls."""

    def __init__(self, fixture, clock, max_jobs_per_call=10, profile="otc", readings=None):
        cloud, self.readings = profile_readings(profile, readings)
        self.lock = threading.RLock()
        self.clock = clock
        self.max_jobs_per_call = int(max_jobs_per_call)
        self.profile = cloud            # the cloud: "otc" or "hw" (success codes, a few fields)
        self.profile_name = profile     # as given: otc, hw, pessimistic, hw-pessimistic
        self._start_readings = dict(self.readings)
        self._deleted_jobs = {}
        self.projects = {}
        self.users = []
        self.access_keys = []
        self._specs = {}
        self._jobs = {}
        self._deleted = {}
        self._stats = {}
        self.load(fixture if fixture is not None else default_fixture())

    # -- loading -----------------------------------------------------------------------------------------------

    def load(self, fixture, replace=True):
        """Load a fixture. ``replace`` drops every job (and stats); otherwise jobs are merged by id.

        The fixture is validated completely before anything changes; a ValueError leaves the state as it was.
        """
        with self.lock:
            data = normalize_fixture(fixture, None if replace else self.projects)
            now = self.clock.now()
            specs = {} if replace else dict(self._specs)
            jobs = {} if replace else dict(self._jobs)
            for spec in data["jobs"]:
                specs[spec["id"]] = spec
                jobs[spec["id"]] = Job(spec, now)
            try:
                buried = _split_deleted(jobs)
                self._link_groups(jobs, now)
            except ValueError:
                self._link_groups(self._jobs, now)
                raise
            if replace:
                self.users, self.access_keys = data["users"], data["access_keys"]
                self._deleted, self._deleted_jobs, self._stats = {}, {}, {}
            else:
                self.users = self._merge(self.users, data["users"], "name")
                self.access_keys = self._merge(self.access_keys, data["access_keys"], "access")
            self.projects, self._specs, self._jobs = data["projects"], specs, jobs
            for spec in data["jobs"]:
                self._deleted.pop(spec["id"], None)
                self._deleted_jobs.pop(spec["id"], None)
                self._stats.pop(spec["id"], None)
            self._add_deleted(buried)
            return {"jobs": len(self._jobs)}

    def _add_deleted(self, buried):
        for job in buried.values():
            self._deleted[job.id] = job.project_id
            self._deleted_jobs[job.id] = job

    @staticmethod
    def _merge(current, new, key):
        if new is None:
            return current
        merged = {entry[key]: entry for entry in current}
        merged.update((entry[key], entry) for entry in new)
        return list(merged.values())

    def _link_groups(self, jobs, now):
        """Connect dual-active parents with their forward and backward tasks (and check the pairs)."""
        for job in jobs.values():
            if job.role == "parent":
                job.forward_id = job.backward_id = None
        for job in jobs.values():
            if job.role not in ("forward", "backward"):
                continue
            parent = jobs.get(job.parent_id)
            if parent is None or parent.role != "parent" or parent.project_id != job.project_id:
                raise ValueError("job %s: dr.parent %s is not a dual-active parent in the same project" % (job.id, job.parent_id))
            slot = "forward_id" if job.role == "forward" else "backward_id"
            if getattr(parent, slot) not in (None, job.id):
                raise ValueError("job %s: parent %s already has a %s task" % (job.id, parent.id, job.role))
            setattr(parent, slot, job.id)
        for job in jobs.values():
            if job.role == "parent":
                self._refresh_parent(job, now, record=False, jobs=jobs)

    def reset(self):
        """Restore every job of the loaded fixtures to its initial state and clear the per-job stats."""
        with self.lock:
            now = self.clock.now()
            self._jobs = {job_id: Job(spec, now) for job_id, spec in self._specs.items()}
            self._deleted, self._deleted_jobs, self._stats = {}, {}, {}
            buried = _split_deleted(self._jobs)
            self._link_groups(self._jobs, now)
            self._add_deleted(buried)

    # -- readings (profile switches) -----------------------------------------------------------------------------

    def set_readings(self, values):
        """Change reading switches at run time (partial dict); returns the current readings."""
        with self.lock:
            self.readings.update(check_readings(values))
            return dict(self.readings)

    def restore_readings(self):
        with self.lock:
            self.readings = dict(self._start_readings)

    def reading(self, key):
        value = self.readings[key]
        if key == "precheck_result_config_only" and value is None:
            return self.profile == "otc"
        return value

    def read_limit(self):
        """Ids allowed in one read call: ``read_max_jobs`` (0 = none of its own), never above an unlimited cap."""
        if not self.max_jobs_per_call:
            return 0
        return self.readings["read_max_jobs"] or self.max_jobs_per_call

    def visible_status(self, job, now):
        """The status reads show: CONFIGURATION during the start lag after an accepted start, the status before the stop
        during the stop lag after an accepted stop, the failed status before the retry during the retry lag after an
        accepted retry of a failed job (while it still runs the retried phase), else the status."""
        lag = self.readings["start_lag_seconds"]
        if (lag and job.start_accepted_at is not None and now < job.start_accepted_at + lag
                and job.status in _LAGGED_STATUSES):
            return "CONFIGURATION"
        lag = self.readings["stop_lag_seconds"]
        if (lag and job.stop_accepted_at is not None and now < job.stop_accepted_at + lag
                and job.status in RELEASE_STATUSES):
            return job.stop_from
        lag = self.readings["retry_lag_seconds"]
        if (lag and job.retry_accepted_at is not None and now < job.retry_accepted_at + lag
                and job.status == RETRY_TARGET.get(job.retry_from)):
            return job.retry_from
        return job.status

    # -- transactions (whole-request refusals leave every job as it was) -------------------------------------------

    def checkpoint(self, job_ids):
        """Remember the jobs (and their dual-active groups) ``job_ids`` may touch, for :meth:`rollback`."""
        with self.lock:
            ids = set()
            for job_id in job_ids:
                job = self._jobs.get(job_id)
                if job is None:
                    continue
                parent = self._jobs.get(job.parent_id) if job.parent_id else job
                ids.update(member.id for member in self._members(parent or job))
                ids.add(job_id)
            saved = {}
            for job_id in ids:
                job = self._jobs[job_id]
                clone = copy.copy(job)
                clone.marks = dict(job.marks)
                saved[job_id] = clone
            return {"jobs": saved, "stats": {job_id: copy.deepcopy(self._stats.get(job_id)) for job_id in ids}}

    def rollback(self, token):
        """Put back what :meth:`checkpoint` saved (jobs, deletions, per-job stats)."""
        with self.lock:
            for job_id, clone in token["jobs"].items():
                self._jobs[job_id] = clone
                self._deleted.pop(job_id, None)
                self._deleted_jobs.pop(job_id, None)
            for job_id, stats in token["stats"].items():
                if stats is None:
                    self._stats.pop(job_id, None)
                else:
                    self._stats[job_id] = stats

    def project_by_name(self, name):
        for project in self.projects.values():
            if project["name"] == name:
                return project
        return None

    # -- stats -------------------------------------------------------------------------------------------------

    def _stats_for(self, job_id):
        stats = self._stats.get(job_id)
        if stats is None:
            stats = self._stats[job_id] = _new_stats()
        return stats

    def record_request(self, job_id, endpoint):
        """Count one request item for a job (``batch-starting`` items also count as start requests)."""
        with self.lock:
            stats = self._stats_for(job_id)
            stats["requests"][endpoint] = stats["requests"].get(endpoint, 0) + 1
            if endpoint == "batch-starting":
                stats["start_requests"] += 1

    def _record_transition(self, job, previous, status, at):
        self._stats_for(job.id)["transitions"].append({"from": previous, "to": status, "at_ms": to_ms(at)})

    def job_stats(self):
        """{job_id: {"requests": {endpoint: n}, "starts", "start_requests", "prechecks", "transitions"}}."""
        with self.lock:
            now = self.clock.now()
            for job in self._jobs.values():
                self._evolve(job, now)
            result = {job_id: _new_stats() for job_id in self._jobs}
            result.update(copy.deepcopy(self._stats))
            return result

    # -- reading -----------------------------------------------------------------------------------------------

    def __len__(self):
        return len(self._jobs)

    def lookup(self, project_id, job_id, now):
        """(job, None) for a job of the project, evolved to ``now``; (None, "DRS.M05004"|"DRS.M00289") otherwise."""
        job = self._jobs.get(job_id)
        if job is None or job.project_id != project_id:
            return None, ("DRS.M05004" if self._deleted.get(job_id) == project_id else "DRS.M00289")
        self._evolve(job, now)
        return job, None

    def get(self, job_id):
        return self._jobs.get(job_id)

    def deleted_job(self, project_id, job_id):
        """A deleted job (status DELETED) of the project, or None."""
        job = self._deleted_jobs.get(job_id)
        return job if job is not None and job.project_id == project_id else None

    def project_jobs(self, project_id, now):
        jobs = [job for job in self._jobs.values() if job.project_id == project_id]
        for job in jobs:
            self._evolve(job, now)
        return jobs

    def _evolve(self, job, now):
        if job.role in ("forward", "backward"):
            job = self._jobs.get(job.parent_id, job)
        if job.role == "parent":
            self._evolve_group(job, now)
        else:
            job.evolve(now, self._record_transition)

    def _members(self, parent):
        return [member for member in (parent, self._jobs.get(parent.forward_id), self._jobs.get(parent.backward_id)) if member]

    def _evolve_group(self, parent, now):
        """Evolve a dual-active parent and its children in time order, so the parent follows them faithfully."""
        members = self._members(parent)
        while True:
            due = [(member.next_transition(), member) for member in members]
            due = [(upcoming, member) for upcoming, member in due if upcoming is not None and upcoming[0] <= now]
            if not due:
                return
            (at, status), member = min(due, key=lambda entry: entry[0][0])
            member.enter(status, at, self._record_transition)
            self._refresh_parent(parent, at)

    def derived_parent_status(self, parent, jobs=None):
        """The status a dual-active parent shows, derived from its children (see MODEL.md)."""
        jobs = self._jobs if jobs is None else jobs
        forward, backward = jobs.get(parent.forward_id), jobs.get(parent.backward_id)
        children = [child for child in (forward, backward) if child]
        if not children:
            return parent.status
        statuses = [child.status for child in children]
        for status in statuses:
            if status in FAILED_STATUSES:
                return status
        if "PAUSING" in statuses:
            return "PAUSING"
        if backward is None or backward.status == "CONFIGURATION" or forward is None:
            return children[0].status

        def rank(status):
            return LIFECYCLE_ORDER.index(status) if status in LIFECYCLE_ORDER else -1
        return min(statuses, key=rank)

    def _refresh_parent(self, parent, at, record=True, jobs=None):
        if parent.status in PARENT_OWN_STATUSES:
            return
        status = self.derived_parent_status(parent, jobs)
        if status == parent.status:
            return
        if record:
            parent.enter(status, at, self._record_transition)
        else:
            parent.status, parent.since = status, at
            parent.marks.setdefault(status, at)

    def _after_change(self, job, now):
        if job.role in ("forward", "backward") and job.parent_id in self._jobs:
            self._refresh_parent(self._jobs[job.parent_id], now)

    def forward_of(self, job):
        """The forward task of a dual-active child or parent (or None)."""
        parent = job if job.role == "parent" else self._jobs.get(job.parent_id)
        return self._jobs.get(parent.forward_id) if parent else None

    # -- operations (called with the lock held; each raises Refusal or changes the job) -------------------------

    def submit_precheck(self, job, mode, now):
        if job.role == "parent":
            raise Refusal("DRS.M00307", MSG_ONLY_SUBTASKS + " The parent task of a dual-active DR cannot be pre-checked.")
        if job.status not in PRECHECK_FROM[mode]:
            raise wrong_status("Task status: %s; a %s pre-check is possible only in %s." % (
                job.status, mode, ", ".join(sorted(PRECHECK_FROM[mode]))))
        if mode == "forStartJob" and self.reading("precheck_preconditions"):
            if not job.spec["connection_tested"]:
                raise wrong_status("The connection test of the source and destination databases has not succeeded; "
                                   "run batch-connection first.")
            if not job.spec["configured"]:
                raise wrong_status("The task has not been configured; call batch-modification first.")
        stats = self._stats_for(job.id)
        if job.precheck is not None and job.precheck.mode == mode and not job.precheck.finished(now):
            return job.precheck  # the running pre-check goes on; a second submission is accepted
        spec = job.spec["precheck"]
        outcome = spec["outcomes"][min(job.precheck_runs, len(spec["outcomes"]) - 1)]
        items = spec["items"] if spec["items"] is not None else precheck_items(job.engine_type, outcome)
        job.precheck = Precheck(mode, now, float(job.timing["precheck_duration"]), [dict(item) for item in items])
        job.precheck_runs += 1
        stats["prechecks"] += 1
        return job.precheck

    def start_job(self, job, start_at, now):
        """Start now (start_at None or in the past) or schedule the start (WAITING_FOR_START)."""
        self._check_start(job, now)
        job.start_at = None
        if start_at is not None and start_at > now:
            job.start_at = start_at
            job.enter("WAITING_FOR_START", now, self._record_transition)
        else:
            job.enter("STARTJOBING", now, self._record_transition)
        job.start_accepted_at = now
        self._stats_for(job.id)["starts"] += 1
        self._after_change(job, now)

    def _check_start(self, job, now):
        if job.role == "parent":
            raise Refusal("DRS.M00307", MSG_ONLY_SUBTASKS + " Start the forward and backward tasks of a dual-active DR.")
        if job.status not in START_FROM:
            raise wrong_status("Task status: %s; a task can be started only in CONFIGURATION." % job.status)
        if job.role == "backward":
            self._check_backward_start(job, now)
            return
        if job.precheck is None:
            raise wrong_status("The task has not been pre-checked; run batch-precheck first.")
        if not job.precheck.finished(now):
            raise wrong_status("The pre-check is still running (%s)." % job.precheck.snapshot(now)["process"])
        if not job.precheck.passed(now):
            raise wrong_status("The pre-check did not pass; fix the FAILED items and run it again.")

    def _check_backward_start(self, job, now):
        forward = self.forward_of(job)
        if forward is None:
            raise wrong_status("The dual-active DR has no forward task.")
        if forward.status != "INCRE_TRANSFER_STARTED":
            raise wrong_status("The backward task can start only while the forward task %s is INCRE_TRANSFER_STARTED "
                               "(it is %s)." % (forward.id, forward.status))
        rpo, rto = forward.delays_ms(now)
        if rpo >= RPO_RTO_LIMIT_MS or rto >= RPO_RTO_LIMIT_MS:
            raise wrong_status("The backward task can start only when the RPO and RTO of the forward task %s are under "
                               "60 s (RPO %d ms, RTO %d ms)." % (forward.id, rpo, rto))

    def pause_job(self, job, mode, now):
        if job.role == "parent":
            raise Refusal("DRS.M00307", MSG_ONLY_SUBTASKS)
        if job.db_use_type not in PAUSE_DB_USE_TYPES:
            raise wrong_status("Only migration and synchronization tasks can be paused.")
        if job.status not in PAUSE_FROM:
            raise wrong_status("Task status: %s; a task can be paused only in %s." % (job.status, ", ".join(sorted(PAUSE_FROM))))
        job.paused_from, job.paused_elapsed, job.paused_at, job.pause_mode = job.status, now - job.since, now, mode
        job.enter("PAUSING", now, self._record_transition)
        self._after_change(job, now)

    def retry_job(self, job, now):
        if job.role == "parent":
            raise Refusal("DRS.M00307", MSG_ONLY_SUBTASKS)
        if job.status not in RETRY_FROM:
            raise wrong_status("Task status: %s; only paused or failed tasks can be resumed or retried." % job.status)
        if job.status == "PAUSING":
            target = RETRY_TARGET.get(job.paused_from, job.paused_from)
            since = now - job.paused_elapsed if target == job.paused_from else now
        else:
            precheck = job.precheck
            if self.reading("retry_needs_precheck") and not (
                    precheck is not None and precheck.mode == "forRetryJob" and precheck.passed(now)):
                raise wrong_status("Task status: %s; a failed task can be retried only after a passed forRetryJob pre-check."
                                   % job.status)
            target, since = RETRY_TARGET[job.status], now
            job.retry_accepted_at, job.retry_from = now, job.status
        job.start_fail = False
        job.failed_reason = ""
        job.paused_from = job.paused_at = job.pause_mode = None
        job.enter(target, now, self._record_transition)
        job.since = since
        self._after_change(job, now)

    def hold_delay(self, job_id, hold, seconds=None, settle_seconds=None):
        """Hold a job's incremental delay high (``hold`` true: at ``seconds``, else at its delay now, else at its initial
        delay) or release it (``hold`` false: it falls from the held value over ``settle_seconds``, by default the job's
        ``rpo_settle_seconds``). Returns the job's admin view; None when there is no such job."""
        with self.lock:
            job = self._jobs.get(job_id)
            if job is None:
                return None
            now = self.clock.now()
            self._evolve(job, now)
            if hold:
                if seconds is not None:
                    job.delay_hold_ms = int(seconds * 1000)
                elif job.delay_hold_ms is None:
                    current = job.delays_ms(now)
                    job.delay_hold_ms = current[0] if current else job.timing["rpo_initial_ms"]
                job.delay_release = None
            elif job.delay_hold_ms is not None:
                settle = job.timing["rpo_settle_seconds"] if settle_seconds is None else float(settle_seconds)
                job.delay_release = [now, job.delay_hold_ms, settle]
                job.delay_hold_ms = None
            return self._admin_entry(job, now)

    def terminate_job(self, job, delete_type, now):
        if job.role in ("forward", "backward"):
            raise Refusal("DRS.M00308", MSG_ONLY_PARENT + " Stop a dual-active DR through its parent task.")
        if job.status not in TERMINATE_FROM[delete_type]:
            raise wrong_status("Task status: %s; the task cannot be stopped now." % job.status)
        targets = self._members(job) if job.role == "parent" else [job]
        for member in targets:
            if member.status in TERMINATE_FROM["force_terminate"] or member is job:
                member.stop_accepted_at, member.stop_from = now, self.visible_status(member, now)
                member.start_at = None
                member.paused_from = member.paused_at = None
                member.enter("RELEASE_RESOURCE_STARTED", now, self._record_transition)

    def delete_job(self, job, now=None):
        if job.role in ("forward", "backward"):
            raise Refusal("DRS.M00308", MSG_ONLY_PARENT + " Delete a dual-active DR through its parent task.")
        if job.status not in DELETE_FROM:
            raise wrong_status("Task status: %s; only tasks in %s can be deleted." % (job.status, ", ".join(sorted(DELETE_FROM))))
        now = self.clock.now() if now is None else now
        targets = self._members(job) if job.role == "parent" else [job]
        for member in targets:
            self._bury(member, now)

    def _bury(self, job, now, record=True):
        """Move a job to the deleted store: status DELETED, later calls for its id answer DRS.M05004."""
        if record:
            job.enter("DELETED", now, self._record_transition)
        else:
            job.status, job.since = "DELETED", now
        self._jobs.pop(job.id, None)
        self._deleted[job.id] = job.project_id
        self._deleted_jobs[job.id] = job

    # -- state file (--state-file) ------------------------------------------------------------------------------

    def dump(self):
        """Everything a restarted emulator needs to go on where this one stopped, as JSON-able data."""
        with self.lock:
            return {
                "version": STATE_FILE_VERSION,
                "clock": {"now": self.clock.now(), "real": time.time(), "speed": self.clock.speed},
                "projects": list(self.projects.values()), "users": self.users, "access_keys": self.access_keys,
                "specs": list(self._specs.values()),
                "jobs": [_dump_job(job) for job in self._jobs.values()],
                "deleted": [_dump_job(job) for job in self._deleted_jobs.values()],
                "deleted_ids": dict(self._deleted),
                "stats": self._stats,
            }

    def restore(self, data):
        """Load what :meth:`dump` wrote; the clock jumps ahead by the real time the emulator was down."""
        if not isinstance(data, dict) or data.get("version") != STATE_FILE_VERSION:
            raise ValueError("the state file is not a version %d emulator state" % STATE_FILE_VERSION)
        with self.lock:
            saved = data["clock"]
            down = max(0.0, time.time() - float(saved["real"]))
            target = float(saved["now"]) + down * float(saved["speed"])
            now = self.clock.now()
            if target > now:
                self.clock.advance(target - now)
            now = self.clock.now()
            self.projects = {project["id"]: project for project in data["projects"]}
            self.users, self.access_keys = data["users"], data["access_keys"]
            self._specs = {spec["id"]: spec for spec in data["specs"]}
            self._jobs = {entry["spec"]["id"]: _load_job(entry, now) for entry in data["jobs"]}
            self._deleted_jobs = {entry["spec"]["id"]: _load_job(entry, now) for entry in data["deleted"]}
            self._deleted = dict(data["deleted_ids"])
            self._stats = data["stats"]
            self._link_groups(self._jobs, now)

    # -- admin view --------------------------------------------------------------------------------------------

    def jobs_admin_view(self, project_id=None):
        """Internal view of every job (for GET /_emulator/jobs): status, timers, pre-check and DR links."""
        with self.lock:
            now = self.clock.now()
            view = []
            for job in self._jobs.values():
                if project_id is not None and job.project_id != project_id:
                    continue
                self._evolve(job, now)
                view.append(self._admin_entry(job, now))
            return view

    def job_admin_view(self, job_id):
        """One job's admin view (deleted jobs too, with status DELETED), or None."""
        with self.lock:
            job = self._jobs.get(job_id) or self._deleted_jobs.get(job_id)
            if job is None:
                return None
            now = self.clock.now()
            self._evolve(job, now)
            return self._admin_entry(job, now)

    def _admin_entry(self, job, now):
        upcoming = job.next_transition()
        precheck = None
        if job.precheck is not None:
            snap = job.precheck.snapshot(now)
            precheck = {"mode": job.precheck.mode, "started_at_ms": to_ms(job.precheck.started_at),
                        "process": snap["process"], "finished": job.precheck.finished(now), "result": snap["result"],
                        "total_passed_rate": snap["total_passed_rate"]}
        delays = job.delays_ms(now)
        return {
            "id": job.id, "name": job.name, "project_id": job.project_id,
            "project_name": self.projects.get(job.project_id, {}).get("name"), "db_use_type": job.db_use_type,
            "engine_type": job.engine_type, "task_mode": job.task_mode, "status": job.status,
            "status_since_ms": to_ms(job.since), "next_status": upcoming[1] if upcoming else None,
            "next_transition_ms": to_ms(upcoming[0]) if upcoming else None,
            "start_at_ms": to_ms(job.start_at) if job.start_at is not None else None,
            "start_outcome": "fail" if job.start_fail else "success", "paused_from": job.paused_from,
            "pause_mode": job.pause_mode, "progress": job.progress_percent(now),
            "rpo_ms": delays[0] if delays else None, "rto_ms": delays[1] if delays else None,
            "incre_trans_delay": delays[0] // 1000 if delays else None, "delay_held_ms": job.delay_hold_ms,
            "role": job.role, "parent_id": job.parent_id, "forward_id": job.forward_id, "backward_id": job.backward_id,
            "precheck": precheck, "precheck_runs": job.precheck_runs, "visible_status": self.visible_status(job, now),
            "start_accepted_at_ms": to_ms(job.start_accepted_at) if job.start_accepted_at is not None else None,
            "connection_tested": job.spec["connection_tested"], "configured": job.spec["configured"],
        }
