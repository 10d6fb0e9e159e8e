"""Fault injection for the DRS emulator: latency, 5xx, throttling, "too frequent", busy jobs, connection resets,
rejected credentials, replies of the wrong shape.

Every decision comes from one seeded ``random.Random`` so that a run with the same seed and the same
sequence of requests injects the same faults. Faults apply to DRS endpoints (optionally filtered by
endpoint name), to IAM only when ``iam`` is true, and never to the ``/_emulator/`` admin API; with
``for_seconds``, only during that many seconds (monotonic clock) after the settings were last set. Of the
requests that pass those filters, the first ``after_requests`` since the settings were last set pass
untouched (and draw nothing from the RNG).
"""

import collections
import copy
import math
import random
import threading
import time

from drs_emulator.iam import unauthorized_body

COUNTER_NAMES = ("error", "throttle", "too_frequent", "busy", "reset_before", "reset_after", "latency_spike", "unauthorized", "bad_shape")

DEFAULT_SETTINGS = {
    "latency_ms": 0,
    "jitter_ms": 0,
    "error_rate": 0.0,
    "error_status": 503,
    "throttle_rate": 0.0,
    "retry_after": 1,
    "too_frequent_rate": 0.0,
    "busy_rate": 0.0,
    "reset_before_rate": 0.0,
    "reset_after_rate": 0.0,
    "spike_rate": 0.0,
    "spike_ms": 0,
    "unauthorized_rate": 0.0,
    "bad_shape_rate": 0.0,
    "bad_shape": "no_results",
    "after_requests": 0,
    "for_seconds": None,
    "token_ttl": 86400,
    "endpoints": None,
    "iam": False,
    "seed": 0,
}

RATE_KEYS = ("error_rate", "throttle_rate", "too_frequent_rate", "busy_rate", "reset_before_rate", "reset_after_rate", "spike_rate",
             "unauthorized_rate", "bad_shape_rate")
MS_KEYS = ("latency_ms", "jitter_ms", "spike_ms")
ERROR_STATUSES = (500, 502, 503, 504)

THROTTLE_MSG = "The throttling threshold has been reached: policy user over ratelimit,limit:200,time:1 minute"
TOO_FREQUENT = {"error_code": "DRS.M01503", "error_msg": "Operation too frequent. Try again later."}
SERVICE_ABNORMAL = {"error_code": "DRS.M00004", "error_msg": "Service abnormal."}
GATEWAY_ERRORS = {
    502: ("APIGW.0202", "Backend unavailable."),
    503: ("APIGW.0202", "Backend unavailable."),
    504: ("APIGW.0203", "Backend timeout."),
}


class RawBody(collections.namedtuple("RawBody", ("content_type", "data"))):
    """A reply body that is not JSON: the bytes ``data``, sent as they are with ``content_type``."""

    __slots__ = ()


# Success replies that a client cannot use; the name is the ``bad_shape`` setting.
BAD_SHAPES = {
    "no_results": {"count": 1},
    "results_not_list": {"count": 1, "results": "unexpected"},
    "items_not_dicts": {"count": 2, "results": [1, "x"]},
    "empty": {},
    "not_json": RawBody("text/html", b"<html>gateway</html>"),
}
# The status of a bad-shape reply: the endpoint's success status; 200 for the endpoints not listed.
BAD_SHAPE_STATUSES = {"iam-tokens": 201}


def error_body(status, request_id):
    """The reply body of an injected server error: DRS.M00004 for 500, an API-gateway body for 502/503/504."""
    if status == 500:
        return dict(SERVICE_ABNORMAL)
    code, msg = GATEWAY_ERRORS[status]
    return {"error_code": code, "error_msg": msg, "request_id": request_id}


def throttle_body(request_id):
    """The API gateway's 429 body."""
    return {"error_msg": THROTTLE_MSG, "error_code": "APIGW.0308", "request_id": request_id}


def _number(key, value, minimum=0.0, maximum=None):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("%s must be a number" % key)
    if value < minimum or (maximum is not None and value > maximum):
        raise ValueError("%s must be between %s and %s" % (key, minimum, "inf" if maximum is None else maximum))
    return value


def _rate(key, value):
    return float(_number(key, value, 0.0, 1.0))


def _non_negative(key, value):
    return _number(key, value)


def _whole_seconds(key, value):
    return int(_number(key, value))


def _token_ttl(key, value):
    return _number(key, value, minimum=1)


def _count(key, value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("%s must be an integer >= 0" % key)
    return value


def _duration(key, value):
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < math.inf):
        raise ValueError("%s must be a finite number greater than 0 or null" % key)
    return value


def _one_of(choices):
    """A validator that accepts exactly one of ``choices``."""
    def check(key, value):
        if value not in choices:
            raise ValueError("%s must be one of %s" % (key, choices))
        return value
    return check


def _endpoints(key, value):
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError("%s must be a list of endpoint names or null" % key)
    return list(value)


def _seed(key, value):
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValueError("%s must be an integer or null" % key)
    return value


def _boolean(key, value):
    if not isinstance(value, bool):
        raise ValueError("%s must be a boolean" % key)
    return value


VALIDATORS = dict(
    dict.fromkeys(RATE_KEYS, _rate), **dict.fromkeys(MS_KEYS, _non_negative),
    retry_after=_whole_seconds, token_ttl=_token_ttl, error_status=_one_of(ERROR_STATUSES), bad_shape=_one_of(tuple(BAD_SHAPES)),
    after_requests=_count, for_seconds=_duration, endpoints=_endpoints, iam=_boolean, seed=_seed,
)


def validate(changes):
    """Check and normalise a dict of fault settings; raise ValueError naming the first bad key."""
    if not isinstance(changes, dict):
        raise ValueError("fault settings must be a JSON object")
    clean = {}
    for key, value in changes.items():
        check = VALIDATORS.get(key)
        if check is None:
            raise ValueError("unknown fault setting %r" % key)
        clean[key] = check(key, value)
    return clean


class FaultPlan:
    """What to do to one request: sleep ``delay`` seconds, then reset, reply with ``reply``, or process it.

    ``reply`` is ``(status, body, headers)`` for a reply that replaces processing; ``busy_rate`` feeds the
    per-job busy callback; ``reset_after`` closes the connection without a reply after processing.
    """

    def __init__(self):
        self.delay = 0.0
        self.reset_before = False
        self.reply = None
        self.busy_rate = 0.0
        self.reset_after = False


class FaultInjector:
    """Holds the current fault settings, the seeded RNG and the injected-fault counters (thread-safe).

    Setting faults (at start-up, ``update`` - even with no change - and ``restore``) restarts the count of
    matching requests that ``after_requests`` lets pass and the ``for_seconds`` window, which ``monotonic``
    (a ``time.monotonic`` stand-in for tests) measures.
    """

    def __init__(self, settings=None, monotonic=time.monotonic):
        self._lock = threading.Lock()
        self._monotonic = monotonic
        self._startup = dict(DEFAULT_SETTINGS)
        self._startup.update(validate(settings or {}))
        self._settings = dict(self._startup)
        self._rng = random.Random(self._settings["seed"])
        self._counters = dict.fromkeys(COUNTER_NAMES, 0)
        self._restart()

    def settings(self):
        """A copy of the current settings."""
        with self._lock:
            result = dict(self._settings)
        if result["endpoints"] is not None:
            result["endpoints"] = list(result["endpoints"])
        return result

    @property
    def token_ttl(self):
        """Lifetime of newly issued tokens, in emulator seconds."""
        return self._settings["token_ttl"]

    def update(self, changes):
        """Merge ``changes`` into the settings (``clear: true`` first resets every fault; token_ttl keeps its startup value)."""
        changes = dict(changes or {})
        clear = changes.pop("clear", False)
        clean = validate(changes)
        with self._lock:
            if clear:
                self._settings = dict(DEFAULT_SETTINGS)
                self._settings["token_ttl"] = self._startup["token_ttl"]
            self._settings.update(clean)
            if clear or "seed" in clean:
                self._rng = random.Random(self._settings["seed"])
            self._restart()
        return self.settings()

    def restore(self):
        """Back to the settings the emulator was started with (the CLI flags), re-seeding the RNG."""
        with self._lock:
            self._settings = dict(self._startup)
            self._rng = random.Random(self._settings["seed"])
            self._restart()

    def _restart(self):
        """The settings were just set: ``_matching``, the requests that passed the filters since then, starts at 0, and
        the ``for_seconds`` window at ``_set_at`` (lock held)."""
        self._matching = 0
        self._set_at = self._monotonic()

    def counters(self):
        """Injected faults so far, by kind."""
        with self._lock:
            return dict(self._counters)

    def reset_counters(self):
        """Zero the injected-fault counters."""
        with self._lock:
            self._counters = dict.fromkeys(COUNTER_NAMES, 0)

    def _applies(self, endpoint, is_iam):
        """Whether faults hit this request: it passes the IAM and endpoint filters, comes inside the ``for_seconds``
        window, and is not among the first ``after_requests`` that do."""
        settings = self._settings
        if is_iam and not settings["iam"]:
            return False
        endpoints = settings["endpoints"]
        if endpoints is not None and endpoint not in endpoints:
            return False
        if settings["for_seconds"] is not None and self._monotonic() - self._set_at >= settings["for_seconds"]:
            return False
        self._matching += 1
        return self._matching > settings["after_requests"]

    def _hit(self, rate):
        return rate > 0 and self._rng.random() < rate

    def _delay(self):
        settings = self._settings
        delay_ms = settings["latency_ms"]
        if settings["jitter_ms"]:
            delay_ms += self._rng.uniform(0, settings["jitter_ms"])
        if self._hit(settings["spike_rate"]):
            self._counters["latency_spike"] += 1
            delay_ms += settings["spike_ms"]
        return delay_ms / 1000.0

    def _reply(self, endpoint, is_iam, request_id, credential):
        """The canned ``(status, body, headers)`` that replaces processing, or None; at most one is drawn, in the order
        401, 429, 5xx, 400 too frequent, bad shape."""
        settings = self._settings
        if self._hit(settings["unauthorized_rate"]):
            self._counters["unauthorized"] += 1
            return 401, unauthorized_body(credential, is_iam, request_id), {}
        if self._hit(settings["throttle_rate"]):
            self._counters["throttle"] += 1
            return 429, throttle_body(request_id), {"Retry-After": str(settings["retry_after"])}
        if self._hit(settings["error_rate"]):
            self._counters["error"] += 1
            status = settings["error_status"]
            return status, error_body(status, request_id), {}
        if self._hit(settings["too_frequent_rate"]):
            self._counters["too_frequent"] += 1
            return 400, dict(TOO_FREQUENT), {}
        if self._hit(settings["bad_shape_rate"]):
            self._counters["bad_shape"] += 1
            return BAD_SHAPE_STATUSES.get(endpoint, 200), copy.deepcopy(BAD_SHAPES[settings["bad_shape"]]), {}
        return None

    def plan(self, endpoint, is_iam, request_id, credential):
        """Decide the faults for one request; None when no fault setting applies to it.

        ``credential`` is what the request authenticated with ("token", "aksk" or "none"): an injected 401
        answers as if exactly that credential had been rejected.
        """
        with self._lock:
            if not self._applies(endpoint, is_iam):
                return None
            plan = FaultPlan()
            plan.delay = self._delay()
            if self._hit(self._settings["reset_before_rate"]):
                self._counters["reset_before"] += 1
                plan.reset_before = True
                return plan
            plan.reply = self._reply(endpoint, is_iam, request_id, credential)
            if plan.reply is None:
                plan.busy_rate = self._settings["busy_rate"]
                if self._hit(self._settings["reset_after_rate"]):
                    self._counters["reset_after"] += 1
                    plan.reset_after = True
            return plan

    def busy_callback(self, plan):
        """The ``busy(job_id)`` callable for drs_api.handle: True (job answers DRS.M01504) at ``busy_rate``."""
        rate = plan.busy_rate if plan is not None else 0.0
        if rate <= 0:
            return _never_busy

        def busy(job_id):  # pylint: disable=unused-argument
            with self._lock:
                hit = self._hit(rate)
                if hit:
                    self._counters["busy"] += 1
            return hit
        return busy


def _never_busy(job_id):  # pylint: disable=unused-argument
    return False
