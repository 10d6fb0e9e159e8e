"""Command line: ``PYTHONPATH=tests python -m drs_emulator --host 127.0.0.1 --port 0 [options]``.

Prints exactly one line when it is listening (``DRS emulator listening on http://127.0.0.1:PORT``) and stops
cleanly on SIGTERM or SIGINT. See tests/drs_emulator/README.md for every option.
"""

import argparse
import signal
import sys
import threading

import yaml

from drs_emulator import model
from drs_emulator.faults import BAD_SHAPES, ERROR_STATUSES, FaultInjector
from drs_emulator.server import EmulatorServer
from drs_emulator.tls import TlsError, server_context


def _rate(value):
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError("a rate must be between 0 and 1")
    return number


def _non_negative(value):
    number = float(value)
    if number < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return number


def _positive(value):
    number = float(value)
    if number <= 0:
        raise argparse.ArgumentTypeError("must be greater than 0")
    return number


def build_parser():
    """The argument parser (also used by the README's option table)."""
    parser = argparse.ArgumentParser(prog="python -m drs_emulator", description="Local DRS v3 + IAM emulator for tests.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free port (default 0)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--fixture", metavar="FILE", help="YAML/JSON fixture with projects, users, keys and jobs")
    source.add_argument("--jobs", type=int, metavar="N", help="generate a synthetic fleet of N jobs")
    parser.add_argument("--speed", type=_non_negative, default=1.0, help="emulator clock speed factor; 0 freezes it (default 1.0)")
    parser.add_argument("--max-jobs-per-call", type=int, default=10, help="jobs allowed per batch call; 0 = unlimited (default 10)")
    parser.add_argument("--profile", choices=tuple(sorted(model.PROFILES)), default="otc",
                        help="cloud profile (otc, hw) and reading of the open questions (pessimistic, hw-pessimistic: "
                             "every reading switch on); default otc")
    parser.add_argument("--token-ttl", type=_positive, default=86400, help="token lifetime in emulator seconds (default 86400)")
    parser.add_argument("--tls-dir", metavar="DIR", help="serve HTTPS with a CA + server cert created in (or reused from) DIR")
    parser.add_argument("--seed", type=int, default=0, help="seed for fault injection and --jobs generation (default 0)")
    parser.add_argument("--verbose", action="store_true", help="log every request (no headers or bodies) to stderr")
    parser.add_argument("--state-file", metavar="PATH", help="load the state from PATH at start (if it exists) and save it there")
    readings = parser.add_argument_group("readings of the open questions (default: as the profile says)")
    readings.add_argument("--start-lag", type=_non_negative, metavar="SECONDS",
                          help="reads keep showing CONFIGURATION this many emulator seconds after an accepted start")
    readings.add_argument("--stop-lag", type=_non_negative, metavar="SECONDS",
                          help="reads keep showing the status before an accepted stop this many emulator seconds")
    readings.add_argument("--retry-lag", type=_non_negative, metavar="SECONDS",
                          help="reads keep showing the failed status before an accepted retry this many emulator seconds")
    readings.add_argument("--retry-needs-precheck", action=argparse.BooleanOptionalAction, default=None,
                          help="batch-retry-task retries a failed job only after a passed forRetryJob pre-check")
    readings.add_argument("--wrong-state-400", action=argparse.BooleanOptionalAction, default=None,
                          help="DRS.M00304/M05004 of an action as a whole-request HTTP 400")
    readings.add_argument("--precheck-preconditions", action=argparse.BooleanOptionalAction, default=None,
                          help="batch-precheck refuses jobs whose connection test or configuration is not done")
    readings.add_argument("--precheck-result-config-only", action=argparse.BooleanOptionalAction, default=None,
                          help="batch-precheck-result answers only for CONFIGURATION jobs")
    readings.add_argument("--read-max-jobs", type=int, metavar="N", help="ids allowed in one read call (1..100)")
    readings.add_argument("--list-ignores-tags", action=argparse.BooleanOptionalAction, default=None,
                          help="the job list accepts the tags filter but does not apply it")
    readings.add_argument("--list-page-max", type=int, metavar="N", help="jobs per job-list page at most (1..100)")
    faults = parser.add_argument_group("faults (all default to off)")
    faults.add_argument("--latency-ms", type=_non_negative, default=0, help="fixed latency added to each DRS reply")
    faults.add_argument("--jitter-ms", type=_non_negative, default=0, help="random extra latency, uniform 0..MS")
    faults.add_argument("--spike-rate", type=_rate, default=0.0, help="share of requests that get a latency spike")
    faults.add_argument("--spike-ms", type=_non_negative, default=0, help="length of a latency spike")
    faults.add_argument("--error-rate", type=_rate, default=0.0, help="share of requests answered with --error-status")
    faults.add_argument("--error-status", type=int, choices=ERROR_STATUSES, default=503, help="status of injected errors (default 503)")
    faults.add_argument("--throttle-rate", type=_rate, default=0.0, help="share of requests answered 429 APIGW.0308")
    faults.add_argument("--retry-after", type=int, default=1, help="Retry-After seconds on 429 (default 1)")
    faults.add_argument("--too-frequent-rate", type=_rate, default=0.0, help="share of requests answered 400 DRS.M01503")
    faults.add_argument("--busy-rate", type=_rate, default=0.0, help="share of jobs in action calls failing with DRS.M01504")
    faults.add_argument("--reset-before-rate", type=_rate, default=0.0, help="share of connections reset before processing")
    faults.add_argument("--reset-after-rate", type=_rate, default=0.0, help="share of connections reset after processing")
    faults.add_argument("--unauthorized-rate", type=_rate, default=0.0, help="share of requests answered 401 as if the credential were rejected")
    faults.add_argument("--bad-shape-rate", type=_rate, default=0.0, help="share of requests answered with a success reply of the wrong shape")
    faults.add_argument("--bad-shape", choices=tuple(BAD_SHAPES), default="no_results", help="which wrong shape (default no_results)")
    faults.add_argument("--after-requests", type=int, default=0, metavar="N", help="let the first N requests the faults apply to pass untouched")
    faults.add_argument("--for-seconds", type=_positive, metavar="S", help="faults apply only during the first S seconds (default: always)")
    faults.add_argument("--fault-endpoints", metavar="NAMES", help="comma-separated endpoint names the fault rates apply to")
    faults.add_argument("--faults-on-iam", action="store_true", help="apply faults to the IAM endpoints too")
    return parser


def fault_settings(args):
    """The FaultInjector settings from parsed arguments."""
    endpoints = [name.strip() for name in args.fault_endpoints.split(",") if name.strip()] if args.fault_endpoints else None
    return {
        "latency_ms": args.latency_ms, "jitter_ms": args.jitter_ms, "spike_rate": args.spike_rate, "spike_ms": args.spike_ms,
        "error_rate": args.error_rate, "error_status": args.error_status, "throttle_rate": args.throttle_rate,
        "retry_after": args.retry_after, "too_frequent_rate": args.too_frequent_rate, "busy_rate": args.busy_rate,
        "reset_before_rate": args.reset_before_rate, "reset_after_rate": args.reset_after_rate,
        "unauthorized_rate": args.unauthorized_rate, "bad_shape_rate": args.bad_shape_rate, "bad_shape": args.bad_shape,
        "after_requests": args.after_requests, "for_seconds": args.for_seconds, "token_ttl": args.token_ttl,
        "endpoints": endpoints, "iam": args.faults_on_iam, "seed": args.seed,
    }


def build_state(args):
    """The EmulatorState from --fixture / --jobs / the built-in default fixture."""
    if args.fixture:
        fixture = model.load_fixture_file(args.fixture)
    elif args.jobs is not None:
        fixture = model.generate_fixture(args.jobs, seed=args.seed)
    else:
        fixture = model.default_fixture()
    clock = model.Clock(speed=args.speed)
    return model.EmulatorState(fixture, clock, max_jobs_per_call=args.max_jobs_per_call, profile=args.profile,
                               readings=reading_overrides(args))


def reading_overrides(args):
    """The reading switches given on the command line (the others come from the profile)."""
    given = {"start_lag_seconds": args.start_lag, "wrong_state_400": args.wrong_state_400,
             "precheck_preconditions": args.precheck_preconditions,
             "precheck_result_config_only": args.precheck_result_config_only, "read_max_jobs": args.read_max_jobs,
             "stop_lag_seconds": args.stop_lag, "retry_needs_precheck": args.retry_needs_precheck,
             "retry_lag_seconds": args.retry_lag,
             "list_ignores_tags": args.list_ignores_tags, "list_page_max": args.list_page_max}
    return {key: value for key, value in given.items() if value is not None}


def build_server(args):
    """Create the (bound, not yet serving) EmulatorServer for parsed arguments."""
    state = build_state(args)
    context = server_context(args.tls_dir) if args.tls_dir else None
    return EmulatorServer((args.host, args.port), state, FaultInjector(fault_settings(args)), verbose=args.verbose,
                          ssl_context=context, state_file=args.state_file)


def main(argv=None):
    """Run the emulator until SIGTERM / SIGINT; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        server = build_server(args)
    except (TlsError, OSError, ValueError, KeyError, TypeError, yaml.YAMLError) as error:
        sys.stderr.write("drs_emulator: cannot start: %s\n" % error)
        return 2
    stop = threading.Event()

    def request_stop(signum, frame):  # pylint: disable=unused-argument
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    worker = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="drs-emulator", daemon=True)
    worker.start()
    sys.stdout.write("DRS emulator listening on %s\n" % server.base_url)
    sys.stdout.flush()
    while not stop.wait(0.5):
        pass
    server.shutdown()
    server.server_close()
    worker.join(5)
    server.save_state()
    return 0


if __name__ == "__main__":
    sys.exit(main())
