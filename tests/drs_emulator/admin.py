"""The /_emulator/ admin API (JSON, no auth, no faults, not counted in the request stats).

    GET  health            {"status": "ok", "jobs": N, "clock_ms": int, "speed": F, "profile": ...}
    GET  stats             request counters, injected faults, max_jobs_in_call, per-job stats
    GET  faults            current fault settings
    POST faults            merge fault settings ({"clear": true} first clears every fault)
    POST reset             {"jobs": true, "stats": true, "faults": true, "tokens": false}
    GET  jobs              {"jobs": [admin view]}        GET jobs/{id}  one job
    POST jobs              {"replace": true, "fixture": {...}} or {"replace": true, "generate": {"n": 200, "seed": 1, ...}}
    GET  clock             {"clock_ms": ..., "speed": ...}
    GET  readings          {"profile": ..., "cloud": ..., "readings": {...}}
    POST readings          merge reading switches ({"start_lag_seconds": 30, "wrong_state_400": true, ...})
    POST clock             {"advance": seconds} and/or {"speed": F}   (speed 0 freezes the clock)
    POST jobs/{id}/delay   {"hold": true, "seconds": N} holds the incremental delay; {"hold": false, "settle_seconds": S}
                           lets it fall again (MODEL.md, "Incremental delay")
"""

import json

from drs_emulator import model

RESET_DEFAULTS = {"jobs": True, "stats": True, "faults": True, "tokens": False, "readings": True}


class AdminError(Exception):
    """A bad admin request; becomes a 400 (or the given status) with an error_msg."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status
        self.message = message


def _error(status, message):
    return status, {"error_code": "EMULATOR.%d" % status, "error_msg": message}


def _json_object(body):
    if not body:
        return {}
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise AdminError("request body is not valid JSON") from error
    if not isinstance(document, dict):
        raise AdminError("request body must be a JSON object")
    return document


def _clock_view(state):
    return {"clock_ms": state.clock.now_ms(), "speed": state.clock.speed}


def _job_count(state):
    try:
        return len(state)
    except TypeError:
        return len(state.jobs_admin_view())


def health(server, body):  # pylint: disable=unused-argument
    """GET health."""
    state = server.state
    return 200, {"status": "ok", "jobs": _job_count(state), "clock_ms": state.clock.now_ms(), "speed": state.clock.speed,
                 "profile": state.profile_name}


def stats(server, body):  # pylint: disable=unused-argument
    """GET stats."""
    return 200, server.stats_snapshot()


def get_faults(server, body):  # pylint: disable=unused-argument
    """GET faults."""
    return 200, server.faults.settings()


def post_faults(server, body):
    """POST faults: merge the given settings."""
    try:
        return 200, server.faults.update(_json_object(body))
    except ValueError as error:
        raise AdminError(str(error)) from error


def _clear_job_stats(state):
    """Clear per-job stats without touching jobs, if the model offers a way to."""
    clear = getattr(state, "clear_job_stats", None)
    if callable(clear):
        clear()
        return True
    return False


def post_reset(server, body):
    """POST reset: jobs back to the loaded fixture, stats zeroed, faults back to startup, optionally tokens forgotten."""
    options = dict(RESET_DEFAULTS)
    requested = _json_object(body)
    unknown = sorted(set(requested) - set(RESET_DEFAULTS))
    if unknown:
        raise AdminError("unknown reset option(s): %s" % ", ".join(unknown))
    options.update(requested)
    done = []
    if options["jobs"]:
        server.state.reset()
        done.append("jobs")
    if options["stats"]:
        server.reset_stats()
        if not options["jobs"]:
            _clear_job_stats(server.state)
        done.append("stats")
    if options["faults"]:
        server.faults.restore()
        done.append("faults")
    if options["tokens"]:
        server.iam.tokens.clear()
        done.append("tokens")
    if options["readings"]:
        server.state.restore_readings()
        done.append("readings")
    return 200, {"reset": done}


def get_jobs(server, body):  # pylint: disable=unused-argument
    """GET jobs."""
    return 200, {"jobs": server.state.jobs_admin_view()}


def _resolve_project_id(state, value):
    if value is None:
        return None
    if value in state.projects:
        return value
    project = state.project_by_name(value)
    if project is None:
        raise AdminError("unknown project %r" % value)
    return project["id"]


def _generated_fixture(state, options):
    if not isinstance(options, dict) or not isinstance(options.get("n"), int) or options["n"] < 0:
        raise AdminError("generate needs an object with a non-negative integer n")
    options = dict(options)
    count = options.pop("n")
    seed = options.pop("seed", 0)
    project_id = _resolve_project_id(state, options.pop("project", None) or options.pop("project_id", None))
    if project_id is not None:
        options["project_id"] = project_id
    try:
        return model.generate_fixture(count, seed=seed, **options)
    except (TypeError, ValueError) as error:
        raise AdminError("cannot generate jobs: %s" % error) from error


def post_jobs(server, body):
    """POST jobs: load a fixture dict or a generated fleet, replacing (default) or merging the jobs."""
    document = _json_object(body)
    replace = document.get("replace", True)
    if not isinstance(replace, bool):
        raise AdminError("replace must be a boolean")
    if "fixture" in document:
        fixture = document["fixture"]
        if not isinstance(fixture, dict):
            raise AdminError("fixture must be an object")
    elif "generate" in document:
        fixture = _generated_fixture(server.state, document["generate"])
    else:
        raise AdminError("POST jobs needs either fixture or generate")
    try:
        server.state.load(fixture, replace=replace)
    except (KeyError, TypeError, ValueError) as error:
        raise AdminError("cannot load the fixture: %s" % error) from error
    jobs = fixture.get("jobs")
    return 200, {"loaded": len(jobs) if isinstance(jobs, list) else 0, "replace": replace, "jobs": _job_count(server.state)}


def get_clock(server, body):  # pylint: disable=unused-argument
    """GET clock."""
    return 200, _clock_view(server.state)


def _non_negative_number(document, key):
    value = document[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise AdminError("%s must be a non-negative number" % key)
    return value


def post_clock(server, body):
    """POST clock: advance the emulator clock and/or change its speed."""
    document = _json_object(body)
    unknown = sorted(set(document) - {"advance", "speed"})
    if unknown:
        raise AdminError("unknown clock option(s): %s" % ", ".join(unknown))
    if "speed" in document:
        server.state.clock.speed = float(_non_negative_number(document, "speed"))
    if "advance" in document:
        server.state.clock.advance(float(_non_negative_number(document, "advance")))
    return 200, _clock_view(server.state)


def _readings_view(state):
    return {"profile": state.profile_name, "cloud": state.profile, "readings": dict(state.readings)}


def get_readings(server, body):  # pylint: disable=unused-argument
    """GET readings: the profile and its reading switches."""
    return 200, _readings_view(server.state)


def post_readings(server, body):
    """POST readings: change reading switches (partial); POST reset puts back the start-up values."""
    try:
        server.state.set_readings(_json_object(body))
    except ValueError as error:
        raise AdminError(str(error)) from error
    return 200, _readings_view(server.state)


ROUTES = {
    ("GET", "/readings"): get_readings,
    ("POST", "/readings"): post_readings,
    ("GET", "/health"): health,
    ("GET", "/stats"): stats,
    ("GET", "/faults"): get_faults,
    ("POST", "/faults"): post_faults,
    ("POST", "/reset"): post_reset,
    ("GET", "/jobs"): get_jobs,
    ("POST", "/jobs"): post_jobs,
    ("GET", "/clock"): get_clock,
    ("POST", "/clock"): post_clock,
}


def _one_job(server, job_id):
    one = getattr(server.state, "job_admin_view", None)
    if callable(one):
        job = one(job_id)
    else:
        job = next((entry for entry in server.state.jobs_admin_view() if entry.get("id") == job_id), None)
    if job is None:
        return _error(404, "no job %s" % job_id)
    return 200, job


def post_job_delay(server, job_id, body):
    """POST jobs/{id}/delay: hold the job's incremental delay high, or release it.

    ``{"hold": true, "seconds": 300}`` holds it at 300 s (without ``seconds``: at its delay now, or its initial delay);
    ``{"hold": false, "settle_seconds": 40}`` lets it fall from the held value (over the job's ``rpo_settle_seconds``
    without ``settle_seconds``). Answers with the job's admin view.
    """
    document = _json_object(body)
    unknown = sorted(set(document) - {"hold", "seconds", "settle_seconds"})
    if unknown:
        raise AdminError("unknown delay option(s): %s" % ", ".join(unknown))
    if not isinstance(document.get("hold"), bool):
        raise AdminError("hold must be true or false")
    seconds = _non_negative_number(document, "seconds") if document.get("seconds") is not None else None
    settle = _non_negative_number(document, "settle_seconds") if document.get("settle_seconds") is not None else None
    job = server.state.hold_delay(job_id, document["hold"], seconds=seconds, settle_seconds=settle)
    if job is None:
        return _error(404, "no job %s" % job_id)
    return 200, job


def handle(server, method, path, raw_query, body):  # pylint: disable=unused-argument
    """Route one admin request; ``path`` is the part after /_emulator. Returns (status, body)."""
    path = path.rstrip("/") or "/"
    method = "GET" if method == "HEAD" else method
    handler = ROUTES.get((method, path))
    try:
        if handler is not None:
            return handler(server, body)
        if method == "POST" and path.startswith("/jobs/") and path.endswith("/delay"):
            return post_job_delay(server, path[len("/jobs/"):-len("/delay")], body)
        if method == "GET" and path.startswith("/jobs/"):
            return _one_job(server, path[len("/jobs/"):])
    except AdminError as error:
        return _error(error.status, error.message)
    if any(route_path == path for _route_method, route_path in ROUTES):
        return _error(405, "method %s not allowed on /_emulator%s" % (method, path))
    return _error(404, "no admin endpoint /_emulator%s" % path)
