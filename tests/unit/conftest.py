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
