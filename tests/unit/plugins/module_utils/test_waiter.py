"""The batch waiter, the retry back-off and Retry-After parsing, all on a fake clock.

The waiter: which jobs each poll asks for, the growing poll interval, the deadline, and ``first_poll_after``
(a caller that has just submitted the jobs does not poll at once).
"""

import email.utils
import random

import pytest

from ansible_collections.cloudops.drs.plugins.module_utils._waiter import backoff_delay, parse_retry_after, probe_first_poll, wait_for

from drs_client_fakes import FakeClock, Harness, MaxJitter, job_id, reply

A, B, C = job_id(1), job_id(2), job_id(3)


class Fleet(object):
    """Jobs that become done after a given number of polls; records which ids each poll asked for."""

    def __init__(self, polls_until_done):
        self.polls_until_done = dict(polls_until_done)
        self.seen = dict((job, 0) for job in polls_until_done)
        self.asked = []

    def fetch(self, ids):
        self.asked.append(list(ids))
        items = {}
        for job in ids:
            self.seen[job] += 1
            done = self.seen[job] >= self.polls_until_done[job]
            items[job] = {"id": job, "status": "DONE" if done else "RUNNING", "poll": self.seen[job]}
        return items


def is_done(item):
    return item["status"] == "DONE"


class TimedFleet(object):
    """Jobs that are done from a given clock time on; records the time of every poll."""

    def __init__(self, clock, done_at):
        self.clock = clock
        self.done_at = done_at
        self.polls = []

    def fetch(self, ids):
        self.polls.append((self.clock.now, list(ids)))
        return dict((job, {"id": job, "done": self.clock.now >= self.done_at[job]}) for job in ids)

    @staticmethod
    def is_done(item):
        return item["done"]


def test_polls_only_pending_jobs_and_returns_the_last_item_of_each():
    clock = FakeClock()
    fleet = Fleet({A: 1, B: 3, C: 2})
    last, pending = wait_for([A, B, C, A], fleet.fetch, is_done, clock.now + 600, 10, sleep=clock.sleep, monotonic=clock.monotonic)

    assert fleet.asked == [[A, B, C], [B, C], [B]]
    assert pending == []
    assert list(last) == [A, B, C]
    assert [last[job]["poll"] for job in (A, B, C)] == [1, 3, 2]
    assert clock.sleeps == [10, 15]


def test_poll_interval_grows_by_half_up_to_four_times_the_interval():
    clock = FakeClock()
    fleet = Fleet({A: 8})
    wait_for([A], fleet.fetch, is_done, clock.now + 10000, 10, sleep=clock.sleep, monotonic=clock.monotonic)
    assert clock.sleeps == [10, 15, 22.5, 33.75, 40, 40, 40]


def test_never_sleeps_past_the_deadline_and_polls_once_more_at_it():
    clock = FakeClock()
    fleet = Fleet({A: 100, B: 1})
    deadline = clock.now + 30
    last, pending = wait_for([A, B], fleet.fetch, is_done, deadline, 10, sleep=clock.sleep, monotonic=clock.monotonic)

    assert clock.sleeps == [10, 15, 5]  # the last sleep ends exactly at the deadline
    assert clock.now == deadline
    assert len(fleet.asked) == 4  # a final poll at the deadline
    assert pending == [A]
    assert last[A]["status"] == "RUNNING" and last[B]["status"] == "DONE"


def test_a_job_missing_from_a_reply_stays_pending():
    clock = FakeClock()
    last, pending = wait_for([A], lambda ids: {}, is_done, clock.now + 5, 10, sleep=clock.sleep, monotonic=clock.monotonic)
    assert (last, pending) == ({}, [A])
    assert clock.sleeps == [5]


def test_a_deadline_already_passed_polls_once_without_sleeping():
    clock = FakeClock()
    fleet = Fleet({A: 5})
    last, pending = wait_for([A], fleet.fetch, is_done, clock.now - 1, 10, sleep=clock.sleep, monotonic=clock.monotonic)
    assert clock.sleeps == [] and pending == [A] and last[A]["poll"] == 1


def test_first_poll_after_skips_the_poll_that_cannot_succeed():
    clock = FakeClock()
    fleet = TimedFleet(clock, {A: 1005.0, B: 1008.0})
    last, pending = wait_for([A, B], fleet.fetch, fleet.is_done, clock.now + 600, 10, sleep=clock.sleep, monotonic=clock.monotonic,
                             first_poll_after=10)
    assert pending == []
    assert [when for when, ids in fleet.polls] == [1010.0]   # one poll, after 10 s, finds both done
    assert last[A]["done"] and last[B]["done"]


def test_without_first_poll_after_the_first_poll_is_at_once():
    clock = FakeClock()
    fleet = TimedFleet(clock, {A: 1005.0})
    wait_for([A], fleet.fetch, fleet.is_done, clock.now + 600, 10, sleep=clock.sleep, monotonic=clock.monotonic)
    assert [when for when, ids in fleet.polls] == [1000.0, 1010.0]


def test_first_poll_after_never_sleeps_past_the_deadline():
    clock = FakeClock()
    fleet = TimedFleet(clock, {A: 5000.0})
    last, pending = wait_for([A], fleet.fetch, fleet.is_done, clock.now + 4, 10, sleep=clock.sleep, monotonic=clock.monotonic,
                             first_poll_after=10)
    assert clock.sleeps == [4.0]
    assert [when for when, ids in fleet.polls] == [1004.0]   # the one final poll at the deadline
    assert pending == [A]
    assert last == {A: {"id": A, "done": False}}


D, E, F = job_id(4), job_id(5), job_id(6)


def test_since_polls_each_batch_one_interval_after_its_own_request():
    clock = FakeClock()
    # three batches whose requests were answered 0.0, 0.4 and 0.8 s before the wait: each is done 1.5 s after it
    since = {A: 999.2, B: 999.6, C: 1000.0}
    fleet = TimedFleet(clock, dict((job, at + 1.5) for job, at in since.items()))
    last, pending = wait_for([A, B, C], fleet.fetch, fleet.is_done, clock.now + 600, 2, sleep=clock.sleep,
                             monotonic=clock.monotonic, first_poll_after=2, since=since)
    assert pending == []
    assert [(round(when, 3), ids) for when, ids in fleet.polls] == [(1001.2, [A]), (1001.6, [B]), (1002.0, [C])]


def test_ids_due_within_the_group_slack_are_polled_together():
    clock = FakeClock()
    since = {A: 1000.0, B: 1000.05, C: 1000.5}          # slack: 5 % of 2 s = 0.1 s
    fleet = TimedFleet(clock, dict.fromkeys(since, 0.0))
    wait_for([A, B, C], fleet.fetch, fleet.is_done, clock.now + 600, 2, sleep=clock.sleep, monotonic=clock.monotonic,
             first_poll_after=2, since=since)
    assert [(round(when, 3), ids) for when, ids in fleet.polls] == [(1002.0, [A, B]), (1002.5, [C])]


def test_an_id_without_a_since_time_counts_from_now():
    clock = FakeClock()
    fleet = TimedFleet(clock, {A: 0.0, B: 0.0})
    wait_for([A, B], fleet.fetch, fleet.is_done, clock.now + 600, 2, sleep=clock.sleep, monotonic=clock.monotonic,
             first_poll_after=2, since={A: 999.0})
    assert fleet.polls == [(1001.0, [A]), (1002.0, [B])]


def test_since_still_polls_every_pending_id_once_more_at_the_deadline():
    clock = FakeClock()
    fleet = TimedFleet(clock, {A: 5000.0, B: 5000.0})
    last, pending = wait_for([A, B], fleet.fetch, fleet.is_done, clock.now + 3, 2, sleep=clock.sleep,
                             monotonic=clock.monotonic, first_poll_after=2, since={A: 1000.0, B: 1000.5})
    assert fleet.polls == [(1002.0, [A]), (1002.5, [B]), (1003.0, [A, B])]
    assert sorted(pending) == sorted([A, B]) and clock.now == 1003.0


def test_a_read_that_runs_past_the_deadline_leaves_no_pending_id_without_its_final_poll():
    clock = FakeClock()
    asked = []

    def slow_fetch(ids):
        asked.append((clock.now, list(ids)))
        clock.sleep(3)                                  # a read that retries until after the deadline
        return dict((job, {"id": job, "done": False}) for job in ids)

    last, pending = wait_for([A, B], slow_fetch, TimedFleet.is_done, clock.now + 12, 2, sleep=clock.sleep,
                             monotonic=clock.monotonic, first_poll_after=10, since={A: 1000.0, B: 1001.5})
    assert asked == [(1010.0, [A]), (1013.0, [A, B])]  # B, not due at 1010, gets the final poll after the deadline
    assert sorted(pending) == sorted([A, B]) and sorted(last) == sorted([A, B])


def test_an_early_look_that_finds_the_job_not_done_keeps_the_regular_first_poll():
    clock = FakeClock()
    fleet = TimedFleet(clock, {A: 1001.8, B: 1001.2})
    last, pending = wait_for([A, B], fleet.fetch, fleet.is_done, clock.now + 600, 2, sleep=clock.sleep,
                             monotonic=clock.monotonic, first_poll_after=2, early=1.5)
    assert pending == []
    # the early look at 1.5 s finds B done and A not; A is polled at its regular first poll (2 s), not 1.5 + 2
    assert fleet.polls == [(1001.5, [A, B]), (1002.0, [A])]


def test_early_at_or_beyond_the_regular_first_poll_changes_nothing():
    clock = FakeClock()
    fleet = TimedFleet(clock, {A: 1001.0})
    wait_for([A], fleet.fetch, fleet.is_done, clock.now + 600, 2, sleep=clock.sleep, monotonic=clock.monotonic,
             first_poll_after=2, early=2.5)
    assert [when for when, ids in fleet.polls] == [1002.0]


class ProgressFleet(object):
    """Pre-checks that report their progress in per cent, growing evenly until done after ``duration`` s."""

    def __init__(self, clock, since, duration):
        self.clock, self.since, self.duration = clock, since, duration
        self.polls = []

    def fetch(self, ids):
        self.polls.append((self.clock.now, list(ids)))
        share = dict((job, min(1.0, (self.clock.now - self.since[job]) / self.duration)) for job in ids)
        return dict((job, {"id": job, "process": "%d%%" % int(share[job] * 100)}) for job in ids)


def eta(item, elapsed):
    percent = int(item["process"].rstrip("%"))
    return elapsed if percent >= 100 else (elapsed * 100.0 / percent if percent else None)


def test_probe_reads_the_batch_accepted_first_at_half_the_interval_and_estimates_from_its_progress():
    clock = FakeClock()
    since = dict((job_id(n), 1000.0 + n * 0.01) for n in range(1, 16))     # 15 jobs; the first 10 are probed
    fleet = ProgressFleet(clock, since, duration=3.0)
    guess, items = probe_first_poll(list(since), since, fleet.fetch, eta, 2, clock.now + 600, sleep=clock.sleep,
                                    monotonic=clock.monotonic, batch_size=10)
    assert sorted(items) == sorted(job_id(n) for n in range(1, 11))
    assert fleet.polls == [(1001.01, [job_id(n) for n in range(1, 11)])]
    assert clock.sleeps == [1.01]
    # each job of the batch, read 0.91 to 1.0 s after its request at 30 to 33 % (whole per cent, rounded down), says
    # about 3 s; the longest of them, x 1.1
    assert 3.0 * 1.1 <= guess <= 3.11 * 1.1


@pytest.mark.parametrize("items", [{}, {A: {"id": A, "process": "0%"}}], ids=["no reply", "no progress yet"])
def test_probe_gives_no_estimate_when_an_item_cannot_tell(items):
    clock = FakeClock()
    assert probe_first_poll([A], {A: 1000.0}, lambda ids: items, eta, 2, clock.now + 600, sleep=clock.sleep,
                            monotonic=clock.monotonic) == (None, items)


def test_probe_without_time_before_the_deadline_or_without_requests_reads_nothing():
    clock = FakeClock()
    asked = []
    assert probe_first_poll([A], {A: 1000.0}, asked.append, eta, 2, clock.now + 0.5, sleep=clock.sleep,
                            monotonic=clock.monotonic) == (None, {})
    assert probe_first_poll([A], {}, asked.append, eta, 2, clock.now + 600, sleep=clock.sleep,
                            monotonic=clock.monotonic) == (None, {})
    assert asked == [] and clock.sleeps == []


def test_jobs_seen_done_moments_ago_are_not_polled_again():
    clock = FakeClock()
    fleet = TimedFleet(clock, {A: 1001.0, B: 1003.0})
    seen = {A: {"id": A, "done": True}, B: {"id": B, "done": False}}
    last, pending = wait_for([A, B], fleet.fetch, fleet.is_done, clock.now + 600, 2, sleep=clock.sleep,
                             monotonic=clock.monotonic, first_poll_after=2, seen=seen)
    assert pending == [] and last[A] == seen[A]
    assert fleet.polls == [(1002.0, [B]), (1004.0, [B])]


def test_wait_needs_a_deadline():
    with pytest.raises(ValueError):
        wait_for([A], lambda ids: {}, is_done, None, 10)


def test_client_wait_uses_the_client_clock_and_can_poll_a_read_call():
    h = Harness()
    polls = []

    def status(call):
        polls.append(call.job_ids)
        state = "STARTJOBING" if len(polls) < 3 else "FULL_TRANSFER_STARTED"
        return reply(200, {"count": len(call.job_ids), "results": [{"id": job, "status": state} for job in call.job_ids]})

    h.api.route("POST", "/jobs/batch-status", status)
    deadline = h.client.deadline_in(300)
    last, pending = h.client.wait([A, B], lambda ids: h.client.batch_status(ids, deadline=deadline)[0],
                                  lambda item: item["status"] != "STARTJOBING", deadline, 5)
    assert pending == [] and [last[job]["status"] for job in (A, B)] == ["FULL_TRANSFER_STARTED"] * 2
    assert h.clock.sleeps == [5, 7.5]
    assert h.client.deadline_in(10) == h.clock.now + 10


def test_backoff_is_capped_exponential_with_full_jitter():
    assert [backoff_delay(n, MaxJitter()) for n in range(1, 9)] == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0, 10.0]
    rng = random.Random(7)
    for retry in range(1, 10):
        assert 0 <= backoff_delay(retry, rng) <= min(10.0, 0.5 * 2 ** (retry - 1))


@pytest.mark.parametrize("value, expected", [
    ("7", 7.0),
    ("1.5", 1.5),
    (" 0 ", 0.0),
    ("-3", 0.0),
    (email.utils.formatdate(1700000042, usegmt=True), 42.0),
    (email.utils.formatdate(1699999000, usegmt=True), 0.0),
    ("soon", None),
    ("", None),
    (None, None),
])
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value, now=1700000000.0) == expected
