"""The simulated clock: frozen, sped up, advanced, re-anchored when the speed changes."""

import math

import pytest

from drs_emulator.model import Clock, date_time_string, ms_string


class FakeTime:
    """A real-time source the test moves by hand."""

    def __init__(self, start=1000.0):
        self.value = start

    def __call__(self):
        return self.value


def test_frozen_clock_moves_only_when_advanced():
    clock = Clock(speed=0, start=1700000000.0)
    assert clock.now() == 1700000000.0
    assert clock.now() == 1700000000.0
    clock.advance(12.5)
    assert clock.now() == 1700000012.5
    assert clock.now_ms() == 1700000012500


def test_clock_starts_at_real_time_by_default():
    real = FakeTime(1234.0)
    clock = Clock(real_time=real)
    assert clock.now() == 1234.0


def test_speed_factor_multiplies_real_elapsed_time():
    real = FakeTime(1000.0)
    clock = Clock(speed=10, start=5000.0, real_time=real)
    real.value += 2.0
    assert clock.now() == 5020.0


def test_changing_speed_keeps_the_current_time():
    real = FakeTime(1000.0)
    clock = Clock(speed=10, start=5000.0, real_time=real)
    real.value += 1.0
    clock.speed = 2
    assert clock.now() == 5010.0
    assert clock.speed == 2.0
    real.value += 1.0
    assert clock.now() == 5012.0


def test_advance_adds_to_a_running_clock():
    real = FakeTime(1000.0)
    clock = Clock(speed=3, start=0.0, real_time=real)
    clock.advance(100)
    real.value += 1.0
    assert clock.now() == 103.0


def test_to_real_tells_when_the_emulator_reaches_a_time():
    real = FakeTime(1000.0)
    clock = Clock(speed=4, start=5000.0, real_time=real)
    assert clock.to_real(5040.0) == 1010.0
    assert clock.to_real(4000.0) == 1000.0  # already past: now


def test_to_real_of_a_frozen_clock_is_never():
    clock = Clock(speed=0, start=10.0)
    assert clock.to_real(11.0) == math.inf


def test_negative_speed_and_going_back_are_rejected():
    with pytest.raises(ValueError):
        Clock(speed=-1)
    clock = Clock(speed=0)
    with pytest.raises(ValueError):
        clock.advance(-1)
    with pytest.raises(ValueError):
        clock.speed = -2


def test_time_formats():
    assert ms_string(1608519469.412) == "1608519469412"
    assert date_time_string(1608285025.0) == "2020-12-18 09:50:25"
