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


def _id_or_none(value):
    """A job id as a string: ids are strings (or numbers); anything else (a dict, a list, a boolean) is no id."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    return _blank_to_none(str(value))


def _text_or_none(value):
    """A code, message or status as a string (numbers too); a dict, a list or a boolean is not one: None."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    return _blank_to_none(str(value))


def _error_text(value):
    """An error message as a string; one of another shape is kept as its text (it is still what DRS said)."""
    if value is None or value == "" or isinstance(value, str):
        return _blank_to_none(value)
    return str(value)[:500]


def normalize_item(raw):
    """A copy of a reply item that always has ``id``, ``error_code`` and ``error_msg``, with the shapes the client and
    the job rules rely on.

    ``id`` comes from ``id``, ``job_id`` or (precheck results) ``precheck_id``; ``error_msg`` from ``error_msg`` or
    ``error_message``; empty strings become ``None``. Wrong shapes are made harmless here, per item, so that one odd
    item never costs the other jobs their results: an id, ``parent_id`` or ``master_job_id`` that is not a string (or
    number) is ``None``; ``status`` and ``error_code`` of any other shape are ``None`` (a job without a status is never
    taken as final); ``children`` that is not a list is ``[]`` and keeps only dict entries. Every other key the API
    sent is kept as it was.
    """
    item = dict(raw)
    item["id"] = _id_or_none(raw.get("id")) or _id_or_none(raw.get("job_id")) or _id_or_none(raw.get("precheck_id"))
    item["error_code"] = _text_or_none(raw.get("error_code"))
    item["error_msg"] = _error_text(raw.get("error_msg")) or _error_text(raw.get("error_message"))
    if "status" in raw:
        item["status"] = _text_or_none(raw.get("status"))
    for key in ("parent_id", "master_job_id"):
        if key in raw:
            item[key] = _id_or_none(raw.get(key))
    if "children" in raw:
        children = raw.get("children")
        item["children"] = [child for child in children if isinstance(child, dict)] if isinstance(children, list) else []
    return item


def is_not_found(item):
    return item.get("error_code") in NOT_FOUND_CODES


def is_busy(item):
    """True for an action item that failed only because the job was busy (worth retrying that job later)."""
    return item.get("error_code") in BUSY_CODES and item.get("status") != "success"


def in_order(ids, by_id):
    """A dict ``id -> item`` in the order of ``ids``, holding only the ids present in ``by_id``."""
    return dict((job_id, by_id[job_id]) for job_id in ids if job_id in by_id)
