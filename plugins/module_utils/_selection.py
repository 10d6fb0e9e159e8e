# -*- coding: utf-8 -*-
# Copyright: (c) 2025, cloudops.drs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The rules of job selection: pure, no HTTP, no Ansible.

A module (and a role) selects jobs by ``jobs`` (ids or exact names), by ``filters`` (resolved through the DRS job
list, ``POST /v3/{project_id}/jobs``), or both (the intersection).

- An entry in the DRS id form (8-4-4-4-12) is an id; any other entry is an exact, case-sensitive job name. A name
  that matches no job, or more than one, is an error naming it, raised before any action request.
- ``filters``: which keys DRS filters server-side (:data:`SERVER_SIDE`: the list request takes them) and which the
  client checks itself (:data:`CLIENT_SIDE`). The client never trusts a server-side filter it can check: the list
  reply carries ``name``, ``status``, ``db_use_type``, ``engine_type`` and ``net_type``, so each is checked again on
  every listed job. ``tags`` are not in the list reply: they are checked on the jobs' details (``tags`` of
  batch-detail); a job whose detail has no tags does not match (fail closed). ``enterprise_project_id`` is in
  neither reply: it is DRS's filter alone.
- A dual-active task's forward and backward tasks are listed under their parent; the filters match them too, and
  names resolve against them. A module that acts on jobs takes a matching parent as its forward and backward tasks
  (DRS pre-checks and starts only those); drs_batch_info takes the parent itself (``DrsModuleBase.selects_parents``).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import fnmatch
import re

from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsConfigError

FILTER_KEYS = ('name', 'status', 'db_use_type', 'engine_type', 'net_type', 'tags', 'enterprise_project_id')
#: Filter keys sent in the list request (``status`` only when exactly one status is given).
SERVER_SIDE = ('db_use_type', 'engine_type', 'net_type', 'status', 'tags', 'enterprise_project_id')
#: Filter keys the client checks on every listed job (``tags`` on the jobs' details).
CLIENT_SIDE = ('name', 'status', 'db_use_type', 'engine_type', 'net_type', 'tags')
DB_USE_TYPES = ('migration', 'sync', 'cloudDataGuard')
STATUS_RE = re.compile(r'^[A-Z][A-Z_]*$')
MAX_TAGS = 20
JOB_ID_RE = re.compile(r'[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}')
# A mistyped id (upper case, a character short or too many) is not taken for a name.
ID_LIKE_RE = re.compile(r'[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{8,16}', re.IGNORECASE)
#: Length of a DRS job name (reference: 4 to 50 characters).
NAME_MIN, NAME_MAX = 4, 50


def is_job_id(value):
    return isinstance(value, str) and JOB_ID_RE.fullmatch(value) is not None


def is_job_name(value):
    """A string that may be a DRS job name: 4 to 50 characters, no surrounding blanks, and not shaped like a job id
    (in any letter case, with 8 to 16 characters in the last group: a mistyped id, not a name)."""
    return (isinstance(value, str) and ID_LIKE_RE.fullmatch(value) is None and NAME_MIN <= len(value) <= NAME_MAX
            and value == value.strip())


def _text(value):
    return isinstance(value, str) and value.strip() != ''


def validate_filters(filters, where='filters'):
    """Check ``filters`` before any request; returns ``(normalized or None, [errors])``.

    ``normalized`` holds only the given keys: ``name`` (glob), ``status`` (list, de-duplicated), ``db_use_type``,
    ``engine_type``, ``net_type``, ``enterprise_project_id`` (strings), ``tags`` (dict of strings).
    """
    if filters is None:
        return None, []
    if not isinstance(filters, dict):
        return None, ['%s must be a dict, got %s.' % (where, type(filters).__name__)]
    errors = []
    unknown = sorted(str(key) for key in filters if key not in FILTER_KEYS)
    if unknown:
        errors.append('%s: unknown key%s %s (allowed: %s).' % (
            where, 's' if len(unknown) > 1 else '', ', '.join(unknown), ', '.join(FILTER_KEYS)))
    given = dict((key, value) for key, value in filters.items() if key in FILTER_KEYS and value is not None)
    if not given and not unknown:
        errors.append('%s is empty: give at least one of %s.' % (where, ', '.join(FILTER_KEYS)))
    out = {}
    for key in ('name', 'engine_type', 'net_type', 'enterprise_project_id', 'db_use_type'):
        if key not in given:
            continue
        if not _text(given[key]):
            errors.append('%s.%s must be a non-empty string, got %r.' % (where, key, given[key]))
        elif key == 'db_use_type' and given[key] not in DB_USE_TYPES:
            errors.append('%s.db_use_type: %r is not one of %s.' % (where, given[key], ', '.join(DB_USE_TYPES)))
        else:
            out[key] = given[key]
    if 'status' in given:
        status = given['status']
        status = [status] if isinstance(status, str) else status
        if not isinstance(status, list) or not status:
            errors.append('%s.status must be a non-empty list of job statuses.' % where)
        else:
            bad = [value for value in status if not (isinstance(value, str) and STATUS_RE.match(value))]
            if bad:
                errors.append('%s.status: %s %s not a DRS job status (upper case, e.g. CONFIGURATION).' % (
                    where, ', '.join(repr(value) for value in bad), 'is' if len(bad) == 1 else 'are'))
            else:
                out['status'] = list(dict.fromkeys(status))
    if 'tags' in given:
        tags = given['tags']
        if not isinstance(tags, dict) or not tags:
            errors.append('%s.tags must be a non-empty dict of tag keys and values.' % where)
        elif len(tags) > MAX_TAGS:
            errors.append('%s.tags: at most %d tags, got %d.' % (where, MAX_TAGS, len(tags)))
        else:
            bad = [str(key) for key, value in tags.items()
                   if not _text(key) or isinstance(value, (dict, list, bool)) or value is None]
            if bad:
                errors.append('%s.tags: %s need%s a non-empty key and a string value.' % (
                    where, ', '.join(sorted(bad)), 's' if len(bad) == 1 else ''))
            else:
                out['tags'] = dict((str(key), str(value)) for key, value in tags.items())
    return (out if not errors else None), errors


def list_request_filters(filters):
    """The filters the list request carries (``DrsClient.list_jobs`` keywords), from validated ``filters``."""
    query = dict((key, filters[key]) for key in SERVER_SIDE if key in filters and key != 'status')
    if len(filters.get('status') or []) == 1:
        query['status'] = filters['status'][0]
    return query


def flatten(listed):
    """Listed jobs plus their children (a dual-active parent lists its forward and backward tasks), each once."""
    out, seen = [], set()
    for item in listed:
        for job in [item] + [child for child in item.get('children') or [] if isinstance(child, dict)]:
            if job.get('id') and job['id'] not in seen:
                seen.add(job['id'])
                out.append(job)
    return out


def matches(item, filters):
    """Whether a listed job matches the client-side filters (not ``tags``, see :func:`tags_match`).

    A job without the field a filter asks about does not match (fail closed)."""
    name = filters.get('name')
    if name is not None and not (isinstance(item.get('name'), str) and fnmatch.fnmatchcase(item['name'], name)):
        return False
    if 'status' in filters and item.get('status') not in filters['status']:
        return False
    for key in ('db_use_type', 'engine_type', 'net_type'):
        if key in filters and item.get(key) != filters[key]:
            return False
    return True


def job_tags(detail):
    """A job's tags from its batch-detail item as a dict, or None when the detail carries no tags.

    DRS writes them as a list of ``{key, value}``; a plain dict is read too."""
    tags = (detail or {}).get('tags')
    if isinstance(tags, dict):
        return dict((str(key), '' if value is None else str(value)) for key, value in tags.items())
    if isinstance(tags, list):
        return dict((str(tag.get('key')), '' if tag.get('value') is None else str(tag.get('value')))
                    for tag in tags if isinstance(tag, dict) and tag.get('key') is not None)
    return None


def tags_match(detail, wanted):
    """Every wanted tag has the wanted value on the job (a job whose detail carries no tags does not match)."""
    tags = job_tags(detail)
    return tags is not None and all(tags.get(key) == value for key, value in wanted.items())


def resolve_names(names, listed):
    """Exact, case-sensitive names -> ids among ``listed`` (flattened). Returns ``(name -> id, [errors])``."""
    by_name = {}
    for job in flatten(listed):
        if isinstance(job.get('name'), str):
            by_name.setdefault(job['name'], []).append(job['id'])
    resolved, errors = {}, []
    for name in names:
        ids = by_name.get(name) or []
        if not ids:
            errors.append('no DRS job is named %r' % name)
        elif len(ids) > 1:
            errors.append('%d DRS jobs are named %r (%s): give the id of the one you mean' % (len(ids), name, ', '.join(ids)))
        else:
            resolved[name] = ids[0]
    return resolved, errors


def listed_candidates(listed, filters, selects_parents):
    """Ids of the listed jobs (and their children) that match the client-side ``filters`` (not tags), in list order.

    A matching dual-active parent stands for its forward and backward tasks unless ``selects_parents``; a child that
    matches on its own is selected too."""
    candidates = []
    for item in listed:
        children = [child for child in item.get('children') or [] if isinstance(child, dict) and child.get('id')]
        if matches(item, filters):
            candidates.extend(job.get('id') for job in (children if children and not selects_parents else [item]))
        candidates.extend(child['id'] for child in children if matches(child, filters))
    return list(dict.fromkeys(candidate for candidate in candidates if candidate))


def tagged_candidates(candidates, details, tags, warnings):
    """The ``candidates`` whose details (id -> batch-detail item) carry every wanted tag; a warning when some details
    carry no tags at all (they are not selected: fail closed)."""
    untagged = [job_id for job_id in candidates if job_tags(details.get(job_id)) is None]
    if untagged:
        warnings.append('filters.tags: the details of %d job(s) carry no tags (DRS on Open Telekom Cloud shows none), '
                        'so the tags cannot be checked and those jobs are not selected.' % len(untagged))
    return [job_id for job_id in candidates if tags_match(details.get(job_id), tags)]


def apply_names(jobs, resolved, warnings):
    """Validated ``jobs`` entries given by name get their id (``resolved``: name -> id); a job given twice (by name
    and by id) is handled once, and raises DrsConfigError when the two entries' settings differ."""
    out, seen = [], {}
    for job in jobs:
        if job['id'] is None:
            job = dict(job)
            job['id'] = resolved[job.pop('by_name')]
        if job['id'] in seen:
            if seen[job['id']] != job:
                raise DrsConfigError('jobs: %s is listed more than once (by id and by name) with different settings.' % job['id'])
            warnings.append('jobs: %s is listed more than once (by id and by name); it is handled once.' % job['id'])
            continue
        seen[job['id']] = job
        out.append(job)
    return out


def intersect(jobs, matched, defaults, names, warnings):
    """``jobs`` (None: not given) and the ids ``filters`` ``matched``: the jobs of ``jobs`` that match, in their order
    (a warning names the others), or every matched job with the module's ``defaults`` when ``jobs`` is None."""
    if jobs is None:
        return [dict(defaults, id=job_id) for job_id in matched]
    matched = set(matched)
    left_out = [job['id'] for job in jobs if job['id'] not in matched]
    if left_out:
        labels = ['%s (%s)' % (names[job_id], job_id) if names.get(job_id) else job_id for job_id in left_out]
        warnings.append('jobs: %s do%s not match filters and %s left out.' % (
            ', '.join(labels), 'es' if len(left_out) == 1 else '', 'is' if len(left_out) == 1 else 'are'))
    return [job for job in jobs if job['id'] in matched]


def selection_error(errors):
    return 'Cannot select the jobs: %s.' % '; '.join(errors)
