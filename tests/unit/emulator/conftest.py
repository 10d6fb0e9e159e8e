"""Shared fixtures for the emulator tests (all of them come from drs_emulator.pytest_plugin).

- ``drs_emulator``: a fresh emulator subprocess per test; ``@pytest.mark.drs_emulator("--flag", "value")`` adds CLI flags.
- ``drs_emulator_session``: one emulator for the whole session.
- ``drs_emulator_clean``: the session emulator after a full reset (jobs, stats, faults, tokens).
"""

from drs_emulator.pytest_plugin import (  # noqa: F401  pylint: disable=unused-import
    drs_emulator,
    drs_emulator_clean,
    drs_emulator_session,
    pytest_configure,
)
