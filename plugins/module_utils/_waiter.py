# -*- coding: utf-8 -*-
# Copyright: contributors to the cloudops.drs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Time: retry backoff, ``Retry-After`` and the one waiter for a whole batch.

All functions take ``sleep`` and ``monotonic`` (and a random source) as arguments so tests can run them with
a fake clock. Nothing here ever sleeps past a deadline.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import email.utils
import time

from ansible_collections.cloudops.drs.plugins.module_utils._batch import dedupe

# Retry backoff: full jitter, delay = uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (retry - 1))).
BACKOFF_BASE = 0.5
BACKOFF_CAP = 10.0
# Polling: the interval grows by POLL_BACKOFF_FACTOR after every poll, up to POLL_MAX_FACTOR x poll_interval.
POLL_BACKOFF_FACTOR = 1.5
POLL_MAX_FACTOR = 4.0
# Ids whose next poll is due within this share of poll_interval of each other are polled together.
GROUP_SLACK = 0.05
# The first batch of a fleet is read once this share of poll_interval after its request, to learn how long the
# jobs take (probe_first_poll); the fleet is then first polled at that estimate times EARLY_MARGIN.
PROBE_SHARE = 0.5
EARLY_MARGIN = 1.1


def backoff_delay(retry, rng, base=BACKOFF_BASE, cap=BACKOFF_CAP):
    """Seconds to wait before retry number ``retry`` (1, 2, ...): capped exponential backoff with full jitter."""
    ceiling = min(cap, base * (2 ** max(0, retry - 1)))
    return rng.uniform(0, ceiling)


def parse_retry_after(value, now=None):
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date), or ``None`` when absent or unreadable."""
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def probe_first_poll(ids, since, fetch, estimate, poll_interval, deadline, sleep=time.sleep, monotonic=time.monotonic,
                     batch_size=10):
    """Seconds after its request at which every job of a fleet may first be polled, learnt from its first batch.

    A fleet's jobs of one kind take about as long as each other. So the batch whose request DRS accepted first
    (the ``batch_size`` ids of ``ids`` with the earliest ``since`` time) is read once, ``PROBE_SHARE`` x
    ``poll_interval`` after its request. ``estimate(item, elapsed)`` gives from each of its items how long the job
    takes in all, or None when the item cannot tell. Returns ``(early, items)``: the longest estimate x
    ``EARLY_MARGIN`` (None when any item cannot tell, there is no time left before ``deadline``, or there is nothing
    to probe) and the items read (``{}`` when nothing was read). The caller polls early at that time, and never
    later than its regular first poll (see ``early`` of :func:`wait_for`); the items it passes on as ``seen``.
    """
    timed = sorted((since[job_id], job_id) for job_id in dedupe(ids) if job_id in since)
    if not timed:
        return None, {}
    probe = [job_id for dummy, job_id in timed[:max(1, int(batch_size))]]
    at = timed[0][0] + max(float(poll_interval), 0.01) * PROBE_SHARE
    now = monotonic()
    if at >= deadline:
        return None, {}
    if at > now:
        sleep(at - now)
    items = fetch(list(probe)) or {}
    now = monotonic()
    guesses = []
    for job_id in probe:
        guess = estimate(items.get(job_id), now - since[job_id]) if job_id in items else None
        if guess is None:
            return None, items
        guesses.append(guess)
    return max(guesses) * EARLY_MARGIN, items


def wait_for(ids, fetch, is_done, deadline, poll_interval, sleep=time.sleep, monotonic=time.monotonic, first_poll_after=0.0,
             since=None, early=None, seen=None):
    """Poll until every id is done or the deadline is reached; returns ``(last_items, pending_ids)``.

    * ``fetch(ids)`` returns a dict ``id -> item`` for the ids it is given; only ids not yet done are polled. An id
      missing from a reply stays pending.
    * ``is_done(item)`` says whether a job reached a final state (success or failure: the caller sorts them).
    * ``deadline`` is one ``monotonic()`` time for the whole batch. The first poll happens at once; between polls the
      waiter sleeps ``poll_interval``, growing x1.5 per poll up to 4 x ``poll_interval``, and never past the deadline:
      the last sleep ends at the deadline and is followed by one final poll of every pending id.
    * ``first_poll_after`` seconds (never past the deadline) pass before the first poll: a caller that has just
      submitted the jobs, or just read them, knows they are not done yet, and a poll at once would cost one request
      per 10 jobs for nothing.
    * ``since`` (id -> ``monotonic()`` time) counts ``first_poll_after`` of an id from that time instead of from now:
      the time DRS accepted the job's request. A fleet whose requests went out over some time is then polled in the
      same rhythm, each batch when it can be done, and the last batch is not polled a whole phase late. Each id then
      keeps its own interval; ids due within ``GROUP_SLACK`` x ``poll_interval`` of each other are polled together.
    * ``early`` (seconds, below ``first_poll_after``; see :func:`probe_first_poll`) polls each id first that long after
      its start instead. An id not done then is polled at its regular first poll, so an early look costs one request
      per 10 jobs and never delays the regular schedule.
    * ``seen`` (id -> item read moments ago, such as the probe's): an id done by its item is not polled at all.
    * ``last_items`` holds the last item seen for every id (done or not), in the order of ``ids``.
    """
    if deadline is None:
        raise ValueError("wait_for needs a deadline")
    ids = dedupe(ids)
    pending = list(ids)
    last = {}
    base = max(float(poll_interval), 0.01)
    ceiling = base * POLL_MAX_FACTOR
    slack = base * GROUP_SLACK
    now = monotonic()
    since = since or {}
    first = max(0.0, float(first_poll_after))
    early = early if early is not None and 0 <= early < first else None
    begin = dict((job_id, since[job_id] if job_id in since else now) for job_id in ids)
    regular = dict((job_id, begin[job_id] + first) for job_id in ids) if early is not None else {}
    due = dict((job_id, begin[job_id] + (first if early is None else early)) for job_id in ids)
    interval = dict.fromkeys(ids, base)
    for job_id, item in (seen or {}).items():
        if job_id in due:
            last[job_id] = item
            if is_done(item):
                pending.remove(job_id)
    while pending:
        now = monotonic()
        wake = min(due[job_id] for job_id in pending)
        final = wake >= deadline
        if wake > now:
            sleep(max(0.0, min(wake, deadline) - now))
            now = monotonic()
        final = final or now >= deadline
        if final:
            ready = list(pending)   # the deadline: one final poll of every pending id
        else:
            ready = [job_id for job_id in pending if due[job_id] <= now + slack]
        items = fetch(list(ready)) or {}
        for job_id, item in items.items():
            if job_id in pending or job_id in last:
                last[job_id] = item
        done = set(job_id for job_id in ready if job_id in items and is_done(items[job_id]))
        pending = [job_id for job_id in pending if job_id not in done]
        if not pending or final:
            break
        polled = monotonic()
        if polled >= deadline:
            # the read ran past the deadline: the ids it did not ask for get their final poll in the next round
            if all(job_id in ready for job_id in pending):
                break
            continue
        for job_id in ready:
            if job_id in done:
                continue
            if regular.get(job_id, 0.0) > polled + slack:
                due[job_id] = regular.pop(job_id)   # the early look was too early: the regular first poll stands
                continue
            regular.pop(job_id, None)
            due[job_id] = polled + interval[job_id]
            interval[job_id] = min(interval[job_id] * POLL_BACKOFF_FACTOR, ceiling)
    return dict((job_id, last[job_id]) for job_id in ids if job_id in last), pending
