"""Shared set-up for every unit test.

Puts the collection's ``tests/`` directory on ``sys.path`` so that the DRS emulator
(``tests/drs_emulator``) imports as ``drs_emulator``, whether pytest runs in the repository
or in the laid-out ``ansible_collections/cloudops/drs`` tree that ``make unit`` uses.
The collection's own code imports as ``ansible_collections.cloudops.drs...``; ``make unit``
puts the directory that holds ``ansible_collections`` on ``PYTHONPATH`` for that.
"""

import os
import sys

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)


# The slowest test modules (seconds of wall time of each module alone, `make unit UNIT_PATHS=<file>
# UNIT_ARGS=--durations=10`), run first so that no worker is left with a long one at the end while the other idles:
# the 200-job fault runs (~140 s in their module-wide fixture, mostly waiting), the fault matrix (~130 s for all of
# it, ~100 s for one half, in its module-wide fixture), the bench smoke run (~85 s), the role reports (~70 s), the
# secret, wire and cut-over playbooks (~50 s each) and the bad-input cases (~30 s).
SLOW_FIRST = ('tests/unit/reliability/test_fault_runs.py', 'tests/unit/reliability/test_fault_matrix.py',
              'tests/unit/perf/test_bench_smoke.py', 'tests/unit/roles/test_reports.py',
              'tests/unit/reliability/test_secret_leaks.py', 'tests/unit/reliability/test_wire.py',
              'tests/unit/roles/test_cutover.py', 'tests/unit/reliability/test_bad_input.py')


def pytest_addoption(parser):
    parser.addoption('--fault-cells', dest='fault_cells', default=os.environ.get('DRS_FAULT_CELLS') or 'all',
                     help='which scenarios of tests/unit/reliability/test_fault_matrix.py run: all (default), split (the '
                          'half of the emulator profile DRS_EMULATOR_PROFILE names; make test), otc or pessimistic (that '
                          'half); default from DRS_FAULT_CELLS. The rule is in that module\'s docstring.')


def pytest_collection_modifyitems(config, items):
    """Run the modules of ``SLOW_FIRST`` first, in that order; the others keep their order (a stable sort).

    A test module may define ``select_test(item)``: its tests for which that returns false are deselected (the
    fault matrix runs one half of its scenarios per emulator profile, see ``--fault-cells``)."""
    def rank(item):
        path = item.nodeid.split('::', 1)[0]
        return next((index for index, slow in enumerate(SLOW_FIRST) if path.endswith(slow)), len(SLOW_FIRST))
    items.sort(key=rank)
    keep, drop = [], []
    for item in items:
        select = getattr(getattr(item, 'module', None), 'select_test', None)
        (keep if select is None or select(item) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


# Test modules whose tests are independent and slow on their own (each makes its own run, no module-wide fixture
# run): pytest-xdist spreads their tests over its workers (see pytest_xdist_make_scheduler below). None at present:
# the 200-job fault runs (test_fault_runs.py) mostly wait, so they are made at once in a module-wide fixture.
SPREAD_MODULES = ()


def pytest_xdist_make_scheduler(config, log):
    """With pytest-xdist (``make unit`` runs ``-n <cores + 1>``), keep the tests of one module on one worker.

    Many suites make their expensive runs (playbooks, emulators, the whole fault matrix) once, in a module-scoped
    fixture; spread over several workers, every worker that got one of the module's tests would make all of them
    again. This is ``--dist loadscope`` with one exception: the tests of ``SPREAD_MODULES`` are spread one by one.
    (``--dist loadgroup`` cannot be used: pytest-xdist 3.8 marks a group by renaming the test, which pytest 9 ignores.)
    ``--dist each`` and ``--dist worksteal`` are left as they are.
    """
    if config.getvalue('dist') in ('each', 'worksteal'):
        return None
    from xdist.scheduler import LoadScopeScheduling  # pylint: disable=import-outside-toplevel

    class ModuleScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            module = nodeid.split('::', 1)[0]
            return nodeid if module.endswith(SPREAD_MODULES) else module

    return ModuleScheduling(config, log)
