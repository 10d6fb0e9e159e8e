"""Fixtures of the reliability suite (issue 6): one emulator and one collections path for the whole suite.

The suite lives in tests/unit/reliability so that `make test` (which runs pytest on tests/unit for every
ansible-core version) runs it without a Makefile change.
"""

import pytest

from drs_emulator.pytest_plugin import RunningEmulator

from reliability_helpers import EMULATOR_ARGS, collections_dir


@pytest.fixture(scope='session')
def collections_path(tmp_path_factory):
    return collections_dir(tmp_path_factory)


@pytest.fixture(scope='session')
def reliability_emulator():
    """The suite's emulator (fast clock); tests load their own jobs and reset it."""
    with RunningEmulator(*EMULATOR_ARGS) as emu:
        yield emu


@pytest.fixture
def emu(reliability_emulator):
    """The suite's emulator after a full reset: no jobs of an earlier test, no faults, zero stats, no tokens."""
    reliability_emulator.load_jobs({'jobs': []})
    reliability_emulator.set_faults(clear=True)
    reliability_emulator.reset(jobs=True, stats=True, faults=False, tokens=True)
    yield reliability_emulator
    reliability_emulator.set_faults(clear=True)
