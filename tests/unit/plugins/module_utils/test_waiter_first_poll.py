"""wait_for(first_poll_after=...): a caller that has just submitted the jobs does not poll at once."""

from ansible_collections.cloudops.drs.plugins.module_utils._waiter import wait_for

A = '140b5236-88ad-43c8-811c-1268453jb101'
B = '3f6c2a91-5b7e-4d10-9c2f-7a8e4b1jb102'


class FakeClock(object):
    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


class Fleet(object):
    """Jobs that are done from a given time on; records the time of every poll."""

    def __init__(self, clock, done_at):
        self.clock = clock
        self.done_at = done_at
        self.polls = []

    def fetch(self, ids):
        self.polls.append((self.clock.now, list(ids)))
        return dict((job_id, {'id': job_id, 'done': self.clock.now >= self.done_at[job_id]}) for job_id in ids)


def is_done(item):
    return item['done']


def test_first_poll_after_skips_the_poll_that_cannot_succeed():
    clock = FakeClock()
    fleet = Fleet(clock, {A: 1005.0, B: 1008.0})
    last, pending = wait_for([A, B], fleet.fetch, is_done, clock.now + 600, 10, sleep=clock.sleep, monotonic=clock.monotonic,
                             first_poll_after=10)
    assert pending == []
    assert [when for when, ids in fleet.polls] == [1010.0]   # one poll, after 10 s, finds both done
    assert last[A]['done'] and last[B]['done']


def test_without_first_poll_after_the_first_poll_is_at_once():
    clock = FakeClock()
    fleet = Fleet(clock, {A: 1005.0})
    wait_for([A], fleet.fetch, is_done, clock.now + 600, 10, sleep=clock.sleep, monotonic=clock.monotonic)
    assert [when for when, ids in fleet.polls] == [1000.0, 1010.0]


def test_first_poll_after_never_sleeps_past_the_deadline():
    clock = FakeClock()
    fleet = Fleet(clock, {A: 5000.0})
    last, pending = wait_for([A], fleet.fetch, is_done, clock.now + 4, 10, sleep=clock.sleep, monotonic=clock.monotonic,
                             first_poll_after=10)
    assert clock.sleeps == [4.0]
    assert [when for when, ids in fleet.polls] == [1004.0]   # the one final poll at the deadline
    assert pending == [A]
    assert last == {A: {'id': A, 'done': False}}
