# -*- coding: utf-8 -*-
# Copyright: contributors to the cloudops.drs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pure helpers for DRS batch calls: de-duplication, chunking, reply items normalised and matched by id.

DRS batch replies are ``{"count": n, "results": [...]}`` with one item per job. Two traps (see
reference/drs-api.md section 3): the job id is ``id`` on some endpoints and ``job_id`` on others, and the error
text is ``error_msg`` on some and ``error_message`` on others. :func:`normalize_item` hides both.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type


# Per-item codes meaning "this job does not exist (any more)".
NOT_FOUND_CODES = frozenset(("DRS.M00289", "DRS.M05003", "DRS.M05004"))
# Whole-request codes meaning "slow down" (gateway throttling; DRS "operation too frequent").
THROTTLE_CODES = frozenset(("APIGW.0308", "APIG.0308"))
TOO_FREQUENT_CODES = frozenset(("DRS.M01503",))
# Per-item code on action calls meaning "another operation is running on this job, try again later".
BUSY_CODES = frozenset(("DRS.M01504", "DRS.M01503"))


def dedupe(ids):
    """The ids as strings without duplicates, first occurrence order kept. ``None`` and ``""`` are dropped."""
    seen = set()
    out = []
    for job_id in ids or ():
        if job_id is None or job_id == "":
            continue
        job_id = str(job_id)
        if job_id not in seen:
            seen.add(job_id)
            out.append(job_id)
    return out


def chunked(items, size):
    """Consecutive slices of ``items`` of at most ``size`` elements (``size`` >= 1)."""
    size = max(1, int(size))
    return [items[start:start + size] for start in range(0, len(items), size)]


def _blank_to_none(value):
    return None if value is None or value == "" else value


def normalize_item(raw):
    """A copy of a reply item that always has ``id``, ``error_code`` and ``error_msg``.

    ``id`` comes from ``id``, ``job_id`` or (precheck results) ``precheck_id``; ``error_msg`` from ``error_msg`` or ``error_message``; empty strings become
    ``None``. Every key the API sent is kept as it was.
    """
    item = dict(raw)
    item["id"] = _blank_to_none(raw.get("id")) or _blank_to_none(raw.get("job_id")) or _blank_to_none(raw.get("precheck_id"))
    if item["id"] is not None:
        item["id"] = str(item["id"])
    item["error_code"] = _blank_to_none(raw.get("error_code"))
    item["error_msg"] = _blank_to_none(raw.get("error_msg")) or _blank_to_none(raw.get("error_message"))
    return item


def is_not_found(item):
    return item.get("error_code") in NOT_FOUND_CODES


def is_busy(item):
    """True for an action item that failed only because the job was busy (worth retrying that job later)."""
    return item.get("error_code") in BUSY_CODES and item.get("status") != "success"


def in_order(ids, by_id):
    """A dict ``id -> item`` in the order of ``ids``, holding only the ids present in ``by_id``."""
    return dict((job_id, by_id[job_id]) for job_id in ids if job_id in by_id)
