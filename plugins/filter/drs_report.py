# -*- coding: utf-8 -*-
# Copyright: (c) 2025, cloudops DRS maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Report filters for the cloudops.drs roles.

The roles ``precheck_and_start`` and ``status_report`` collect what the modules returned and hand it
to these filters, which turn it into one row per job and render the rows as a Markdown summary, a
JUnit XML file, a plain-text table and the ``set_stats`` data. Everything here is a function of its
arguments (``drs_job_list`` also reads the clock, to refuse start times in the past), so the reports
are tested without Ansible (tests/unit/plugins/filter/).

Row shapes (plain dicts, also what ``set_stats`` carries):

* ``drs_fleet_rows`` (precheck_and_start): ``id``, ``name``, ``precheck`` (passed, alarm, failed,
  pending, error, skipped, not_run), ``precheck_reason``, ``pass_rate``, ``failed_items``,
  ``alarm_items``, ``status_before``, ``status_after``, ``progress``, ``start`` (started, scheduled,
  unchanged, failed, pending, blocked, not_started, skipped, not_run), ``start_reason``,
  ``scheduled_start``, ``ok``.
* ``drs_status_rows`` (status_report): ``id``, ``name``, ``found``, ``status``, ``progress``,
  ``incre_trans_delay``, ``rpo``, ``rto`` (seconds or None), ``rpo_rto_ok``, ``dr_init``
  (``{done, total, complete}`` or None), ``problems`` (list of strings), ``ok``.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import re
import time
import xml.etree.ElementTree as ET

from ansible.errors import AnsibleFilterError

from ansible_collections.cloudops.drs.plugins.module_utils._base import JOB_ID_EXAMPLE, JOB_ID_RE, parse_start_time

# Job states that mean "something went wrong"; a status report counts them as failures.
FAILED_STATES = frozenset((
    'CREATE_FAILED', 'START_JOB_FAILED', 'FULL_TRANSFER_FAILED', 'INCRE_TRANSFER_FAILED',
    'RELEASE_RESOURCE_FAILED', 'REBUILD_NODE_FAILED', 'CHANGE_JOB_FAILED', 'CHILD_TRANSFER_FAILED',
    'NODE_UPGRADE_FAILED',
))

PRECHECK_OUTCOMES = ('passed', 'alarm', 'failed', 'pending', 'error', 'skipped', 'not_run')
START_OUTCOMES = ('started', 'scheduled', 'unchanged', 'failed', 'pending', 'blocked', 'not_started',
                  'skipped', 'not_run')
PRECHECK_PROBLEMS = frozenset(('failed', 'pending', 'error'))
START_PROBLEMS = frozenset(('failed', 'pending'))

# Labels of the context facts shown under a Markdown report's title (others: the key, capitalised).
CONTEXT_LABELS = {'rpo_rto_limit': 'RPO/RTO limit'}

# Characters XML 1.0 does not allow at all (raw database messages sometimes carry them).
_XML_INVALID = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')


# ----------------------------------------------------------------------------- small helpers

def _text(value):
    """A value as text for a report cell; None becomes ''."""
    if value is None:
        return ''
    if isinstance(value, bool):
        return 'yes' if value else 'no'
    if isinstance(value, float):
        return _seconds(value)
    return '%s' % (value,)


def _by_id(items, what):
    """Index a list of per-job dicts (module results) by their ``id``."""
    if items is None:
        return {}
    if isinstance(items, dict):
        # a whole module result was passed instead of its ``jobs`` list
        items = items.get('jobs', [])
    if not isinstance(items, list):
        raise AnsibleFilterError('%s must be a list of per-job results, got %s' % (what, type(items).__name__))
    indexed = {}
    for item in items:
        if isinstance(item, dict) and item.get('id'):
            indexed[item['id']] = item
    return indexed


def _job_specs(jobs):
    """Normalise the role's job list (ids or dicts with ``id``) to ``[{'id', 'name'}]``."""
    if not isinstance(jobs, list):
        raise AnsibleFilterError('the job list must be a list, got %s' % type(jobs).__name__)
    specs, seen = [], set()
    for job in jobs:
        if isinstance(job, str):
            job = {'id': job}
        if not isinstance(job, dict) or not job.get('id'):
            raise AnsibleFilterError('every job must be an id or a dict with an id, got %r' % (job,))
        if job['id'] in seen:
            continue
        seen.add(job['id'])
        specs.append({'id': job['id'], 'name': job.get('name') or ''})
    return specs


def _percent(value):
    """'45', '45%', 45 or 45.0 -> '45%'; '' when unknown."""
    text = _text(value).strip()
    if not text or text in ('-1', 'None'):
        return ''
    return text if text.endswith('%') else text + '%'


def _progress_of(info):
    """The overall progress of a job from a drs_batch_info item (facet ``progress``)."""
    if not info:
        return ''
    progress = info.get('progress')
    if isinstance(progress, dict):
        progress = progress.get('progress')
    return _percent(progress)


def _items(items):
    """Precheck items as returned by drs_batch_precheck, cleaned to {item, group, reason, raw_message}."""
    cleaned = []
    for item in items or []:
        if not isinstance(item, dict):
            continue
        cleaned.append({
            'item': _text(item.get('item')),
            'group': _text(item.get('group')),
            'reason': _text(item.get('reason')),
            'raw_message': _text(item.get('raw_message')),
        })
    return cleaned


def _error_text(error):
    if not error:
        return ''
    if isinstance(error, dict):
        code = error.get('error_code') or ''
        msg = error.get('error_msg') or error.get('msg') or ''
        return ('%s: %s' % (code, msg)) if code and msg else (code or msg or '%s' % (error,))
    return _text(error)


def _item_reason(item):
    """One readable reason for a precheck item: the reason code and the raw message when they differ."""
    reason, raw = item.get('reason') or '', item.get('raw_message') or ''
    if reason and raw and raw != reason:
        return '%s: %s' % (reason, raw)
    return reason or raw or 'no reason given'


def _job_label(row):
    return '%s (%s)' % (row['name'], row['id']) if row.get('name') else row['id']


# ----------------------------------------------------------------------------- job list

JOB_KEYS = ('id', 'name', 'start_time')


def drs_job_list(jobs, start_time=None, now_ms=None):
    """Check and normalise the roles' ``drs_jobs`` list without raising.

    Returns ``{'jobs': [...], 'errors': [...]}``. Each job becomes ``{id, name, start_time, start_item}``,
    where ``start_item`` is what drs_batch_start takes (``{id}`` or ``{id, start_time}``).
    ``errors`` says, in words, what is wrong with each bad entry (so the role can fail before any request).
    Start times are checked as drs_batch_start checks them (ISO 8601 or epoch ms, in the future).
    """
    now_ms = int(time.time() * 1000) if now_ms is None else int(now_ms)
    errors, out, seen = [], [], set()
    if not isinstance(jobs, list):
        return {'jobs': [], 'errors': ['drs_jobs must be a list of job ids or dicts, got %s' % type(jobs).__name__]}
    for index, job in enumerate(jobs):
        where = 'drs_jobs[%d]' % index
        if isinstance(job, str):
            job = {'id': job}
        if not isinstance(job, dict):
            errors.append('%s must be a job id or a dict with an id, got %s' % (where, type(job).__name__))
            continue
        unknown = sorted(set(job) - set(JOB_KEYS))
        if unknown:
            errors.append('%s has unknown keys %s (allowed: %s)' % (where, ', '.join(unknown), ', '.join(JOB_KEYS)))
        job_id = _text(job.get('id')).strip()
        if not job_id:
            errors.append('%s has no id' % where)
            continue
        if not JOB_ID_RE.fullmatch(job_id):
            errors.append('%s: %r is not a DRS job id (36 characters like %s)' % (where, job_id or job.get('id'), JOB_ID_EXAMPLE))
            continue
        if job_id in seen:
            errors.append('%s: job %s is listed more than once' % (where, job_id))
            continue
        seen.add(job_id)
        when = _text(job.get('start_time') if job.get('start_time') not in (None, '') else start_time).strip()
        if when:
            try:
                parse_start_time(when, '%s start time' % where, now_ms)
            except ValueError as ex:
                errors.append(str(ex))
        item = {'id': job_id}
        if when:
            item['start_time'] = when
        out.append({'id': job_id, 'name': _text(job.get('name')), 'start_time': when, 'start_item': item})
    if not jobs:
        errors.append('drs_jobs is empty: list the ids of the DRS jobs to work on')
    return {'jobs': out, 'errors': errors}


# ----------------------------------------------------------------------------- precheck_and_start rows

def _precheck_outcome(result, pending):
    if result is None:
        return 'not_run', ''
    if result['id'] in pending:
        return 'pending', 'precheck did not finish before drs_precheck_timeout'
    if result.get('error'):
        return 'error', _error_text(result['error'])
    passed = result.get('passed')
    if passed is True:
        return ('alarm' if result.get('alarm_items') else 'passed'), ''
    if passed is False:
        return 'failed', ''
    if result.get('skipped_reason'):
        return 'skipped', _text(result['skipped_reason'])
    return 'not_run', ''


def _start_outcome(result, pending, precheck, blocked, held_reason):
    if result is None:
        if precheck in PRECHECK_PROBLEMS:
            return 'not_started', 'precheck %s' % precheck
        if blocked:
            return 'blocked', 'not started: another job of the fleet failed precheck (drs_start_passed_subset is false)'
        if held_reason:
            return 'blocked', held_reason
        return 'not_run', ''
    if result['id'] in pending:
        return 'pending', 'did not reach the expected status before drs_start_timeout'
    if result.get('error'):
        return 'failed', _error_text(result['error'])
    if result.get('started'):
        return ('scheduled' if result.get('scheduled_start') else 'started'), ''
    reason = _text(result.get('skipped_reason'))
    return 'unchanged', reason


def drs_fleet_rows(jobs, precheck=None, start=None, before=None, after=None, pending=None, start_pending=None,
                   blocked=False, held=None):
    """One row per job of the role's job list, merged from the module results.

    ``precheck``: the ``jobs`` list of drs_batch_precheck; ``start``: the ``jobs`` lists of every
    drs_batch_start call, concatenated; ``before``/``after``: the ``jobs`` lists of drs_batch_info
    before and after; ``pending`` and ``start_pending``: ids whose precheck or start did not finish in
    time (the modules' ``pending_jobs``); ``blocked``: true when the gate held every job back; ``held``:
    ``{id: reason}`` of single jobs the gate held back (the partner of a dual-active task that failed).
    """
    precheck_by_id = _by_id(precheck, 'precheck')
    start_by_id = _by_id(start, 'start')
    before_by_id = _by_id(before, 'before')
    after_by_id = _by_id(after, 'after')
    pending_ids = set(pending or [])
    start_pending_ids = set(start_pending or [])
    rows = []
    for spec in _job_specs(jobs):
        job_id = spec['id']
        pre = precheck_by_id.get(job_id)
        sta = start_by_id.get(job_id)
        info_before = before_by_id.get(job_id) or {}
        info_after = after_by_id.get(job_id) or {}
        precheck_outcome, precheck_reason = _precheck_outcome(pre, pending_ids)
        start_outcome, start_reason = _start_outcome(sta, start_pending_ids, precheck_outcome, blocked,
                                                     (held or {}).get(job_id))
        name = (spec['name'] or info_after.get('name') or info_before.get('name')
                or (pre or {}).get('name') or (sta or {}).get('name') or '')
        status_before = info_before.get('status') or (sta or {}).get('status_before') or (pre or {}).get('status') or ''
        status_after = info_after.get('status') or (sta or {}).get('status_after') or status_before
        rows.append({
            'id': job_id,
            'name': _text(name),
            'precheck': precheck_outcome,
            'precheck_reason': precheck_reason,
            'pass_rate': _percent((pre or {}).get('total_passed_rate')),
            'failed_items': _items((pre or {}).get('failed_items')),
            'alarm_items': _items((pre or {}).get('alarm_items')),
            'status_before': _text(status_before),
            'status_after': _text(status_after),
            'progress': _progress_of(info_after),
            'start': start_outcome,
            'start_reason': start_reason,
            'scheduled_start': (sta or {}).get('scheduled_start'),
            'ok': precheck_outcome not in PRECHECK_PROBLEMS and start_outcome not in START_PROBLEMS,
        })
    return rows


def drs_problems(rows):
    """What went wrong, one entry per failed precheck item, failed start or status problem.

    Each entry is ``{id, name, step, item, reason}``; the roles print them with drs_text_table and
    fail the play with them. A job whose precheck failed without FAILED items (``alarm_is_failure``)
    lists its ALARM items; a precheck that timed out or could not be submitted gets one entry.
    """
    _check_rows(rows)
    problems = []
    for r in rows:
        base = {'id': r['id'], 'name': r['name']}
        if 'precheck' not in r:
            problems += [dict(base, step='status', item='-', reason=p) for p in r['problems']]
            continue
        if r['precheck'] in PRECHECK_PROBLEMS:
            items = r['failed_items'] or r['alarm_items']
            if r['precheck'] == 'failed' and items:
                problems += [dict(base, step='precheck', item=i['item'], reason=_item_reason(i)) for i in items]
            else:
                problems.append(dict(base, step='precheck', item='-', reason=r['precheck_reason'] or (
                    'precheck failed (total passed rate %s)' % (r['pass_rate'] or 'unknown'))))
        if r['start'] in START_PROBLEMS:
            problems.append(dict(base, step='start', item='-', reason=r['start_reason'] or 'start %s' % r['start']))
    return problems


# ----------------------------------------------------------------------------- status_report rows

def _delay_seconds(info):
    """RPO or RTO ``delay`` (milliseconds, as the API sends it) in seconds; None when unknown."""
    if not isinstance(info, dict):
        return None
    try:
        delay = float(info.get('delay'))
    except (TypeError, ValueError):
        return None
    # DRS sends "-1" while a job does not replicate yet
    return delay / 1000.0 if delay >= 0 else None


def _dr_init(struct_process):
    """Summarise the struct-process facet: how many object types finished comparing."""
    if not isinstance(struct_process, dict):
        return None
    entries = struct_process.get('struct_process', struct_process)
    if isinstance(entries, dict):
        entries = entries.get('result')
    if not isinstance(entries, list) or not entries:
        return None
    done = len([e for e in entries if isinstance(e, dict) and _text(e.get('status')) == '2'])
    return {'done': done, 'total': len(entries), 'complete': done == len(entries)}


def drs_status_rows(info, jobs=None, not_found=None, rpo_rto_max=60, expected_status=None, dr=None):
    """One row per job from a drs_batch_info result (``jobs`` list, facets status/progress/rpo_rto/struct_process).

    ``dr`` (optional) is the ``jobs`` list of a second drs_batch_info call that read ``rpo_rto`` and
    ``struct_process`` of the disaster-recovery jobs only; its facets are merged in by id.
    ``jobs`` (optional) orders the rows and adds names; ids in ``not_found`` become rows with a problem.
    A job has a problem when its status is a failed state, is not in ``expected_status`` (when given),
    or its RPO or RTO is above ``rpo_rto_max`` seconds.
    """
    info_by_id = _by_id(info, 'info')
    for job_id, extra in _by_id(dr, 'dr').items():
        if job_id in info_by_id:
            merged = dict(info_by_id[job_id])
            merged.update((k, v) for k, v in extra.items() if k in ('rpo_rto', 'struct_process'))
            info_by_id[job_id] = merged
    missing = set(not_found or [])
    if jobs:
        specs = _job_specs(jobs)
    else:
        specs = [{'id': job_id, 'name': ''} for job_id in info_by_id]
        specs += [{'id': job_id, 'name': ''} for job_id in sorted(missing) if job_id not in info_by_id]
    expected = [s for s in (expected_status or []) if s]
    rows = []
    for spec in specs:
        item = info_by_id.get(spec['id'])
        problems = []
        if item is None:
            problems.append('job not found')
            item = {}
        status = _text(item.get('status'))
        if status in FAILED_STATES:
            problems.append('status %s' % status)
        elif item and expected and status not in expected:
            problems.append('status %s is not one of %s' % (status, ', '.join(expected)))
        rpo_rto = item.get('rpo_rto') if isinstance(item.get('rpo_rto'), dict) else {}
        rpo, rto = _delay_seconds(rpo_rto.get('rpo_info')), _delay_seconds(rpo_rto.get('rto_info'))
        rpo_rto_ok = None
        if rpo is not None or rto is not None:
            rpo_rto_ok = all(v is None or v < float(rpo_rto_max) for v in (rpo, rto))
            if not rpo_rto_ok:
                problems.append('RPO/RTO %s/%s s over %s s' % (_seconds(rpo), _seconds(rto), rpo_rto_max))
        progress = item.get('progress') if isinstance(item.get('progress'), dict) else {}
        delay = _text(progress.get('incre_trans_delay'))
        rows.append({
            'id': spec['id'],
            'name': _text(spec['name'] or item.get('name')),
            'found': bool(item),
            'status': status,
            'progress': _progress_of(item),
            'incre_trans_delay': '' if delay in ('', '-1') else delay,
            'rpo': rpo,
            'rto': rto,
            'rpo_rto_ok': rpo_rto_ok,
            'dr_init': _dr_init(item.get('struct_process')),
            'problems': problems,
            'ok': not problems,
        })
    return rows


def _seconds(value):
    if value is None:
        return '-'
    return ('%.1f' % value).rstrip('0').rstrip('.')


# ----------------------------------------------------------------------------- rendering

def _kind(rows):
    """Tell the two row shapes apart ('fleet' from drs_fleet_rows, 'status' from drs_status_rows)."""
    if rows and 'precheck' not in rows[0]:
        return 'status'
    return 'fleet'


def _check_rows(rows):
    if not isinstance(rows, list) or not all(isinstance(r, dict) and 'id' in r for r in rows):
        raise AnsibleFilterError('expected the rows made by drs_fleet_rows or drs_status_rows')


def _counts(rows, key, outcomes):
    counts = dict((outcome, 0) for outcome in outcomes)
    for row in rows:
        counts[row[key]] = counts.get(row[key], 0) + 1
    return counts


def _count_text(counts):
    return ', '.join('%d %s' % (n, k.replace('_', ' ')) for k, n in counts.items() if n) or 'none'


def _md(value):
    """Escape a value for a Markdown table cell."""
    text = _text(value).replace('\\', '\\\\').replace('|', '\\|')
    return re.sub(r'\s*[\r\n]+\s*', ' ', text).strip() or '-'


def _md_items(row):
    """Item names for the table cell; the reasons are listed below the table."""
    parts = []
    if row['failed_items']:
        parts.append('FAILED: ' + ', '.join('`%s`' % _md(i['item']) for i in row['failed_items']))
    if row['alarm_items']:
        parts.append('ALARM: ' + ', '.join('`%s`' % _md(i['item']) for i in row['alarm_items']))
    return '<br>'.join(parts) or '-'


def _words(outcome):
    return outcome.replace('_', ' ')


def drs_text_table(rows, columns, headers=None):
    """Render dicts as an aligned plain-text table, returned as a list of lines (for debug/fail output)."""
    if not isinstance(columns, list) or not columns:
        raise AnsibleFilterError('columns must be a non-empty list of keys')
    headers = headers or [c.replace('_', ' ') for c in columns]
    if len(headers) != len(columns):
        raise AnsibleFilterError('headers and columns must have the same length')
    cells = [[re.sub(r'\s+', ' ', _text(r.get(c))).strip() for c in columns] for r in rows or []]
    widths = [max([len(h)] + [len(line[i]) for line in cells]) for i, h in enumerate(headers)]

    def line(values):
        return ('| ' + ' | '.join(v.ljust(w) for v, w in zip(values, widths)) + ' |').rstrip()

    return [line(headers), '|' + '|'.join('-' * (w + 2) for w in widths) + '|'] + [line(c) for c in cells]


def drs_report_markdown(rows, title='DRS report', generated=None, context=None):
    """Render the rows as a Markdown report (a summary line, one table row per job, then details)."""
    _check_rows(rows)
    out = ['# %s' % title, '']
    facts = []
    if generated:
        facts.append('Generated: %s' % generated)
    for key, value in sorted((context or {}).items()):
        if value not in (None, ''):
            label = CONTEXT_LABELS.get(key) or key.replace('_', ' ').capitalize()
            facts.append('%s: %s' % (label, value))
    if facts:
        out += ['- ' + f for f in facts] + ['']
    if _kind(rows) == 'status':
        out += _markdown_status(rows)
    else:
        out += _markdown_fleet(rows)
    return '\n'.join(out).rstrip() + '\n'


def _markdown_fleet(rows):
    pre = _counts(rows, 'precheck', PRECHECK_OUTCOMES)
    sta = _counts(rows, 'start', START_OUTCOMES)
    problems = [r for r in rows if not r['ok']]
    out = [
        '**%d jobs**: %s. Precheck: %s. Start: %s.' % (
            len(rows), 'all OK' if not problems else '%d with problems' % len(problems),
            _count_text(pre), _count_text(sta)),
        '',
        '| Job | ID | Precheck | Pass rate | Failed / alarm items | Status before | Status after | Start | Progress |',
        '|---|---|---|---|---|---|---|---|---|',
    ]
    for r in rows:
        precheck = _words(r['precheck'])
        if r['precheck'] in PRECHECK_PROBLEMS:
            precheck = '**%s**' % precheck
        start = _words(r['start'])
        if r['start'] in START_PROBLEMS:
            start = '**%s**' % start
        out.append('| %s | `%s` | %s | %s | %s | %s | %s | %s | %s |' % (
            _md(r['name']), r['id'], precheck, _md(r['pass_rate']), _md_items(r), _md(r['status_before']),
            _md(r['status_after']), start, _md(r['progress'])))
    if problems:
        out += ['', '## Jobs with problems']
        for r in problems:
            out += ['', '### %s' % _md(_job_label(r)), '']
            if r['precheck'] in PRECHECK_PROBLEMS:
                out.append('- Precheck **%s**%s' % (_words(r['precheck']), (': ' + _md(r['precheck_reason'])) if r['precheck_reason'] else ''))
            for i in r['failed_items']:
                out.append('  - FAILED `%s` (group %s): %s' % (_md(i['item']), _md(i['group']), _md(_item_reason(i))))
            if r['start'] in START_PROBLEMS or r['start'] == 'not_started':
                out.append('- Start **%s**%s' % (_words(r['start']), (': ' + _md(r['start_reason'])) if r['start_reason'] else ''))
    alarms = [r for r in rows if r['alarm_items']]
    if alarms:
        out += ['', '## Precheck alarms', '', 'ALARM items do not block the start%s.' % (
            '' if all(r['precheck'] != 'failed' or r['failed_items'] for r in alarms) else ' (unless drs_alarm_is_failure is set)')]
        for r in alarms:
            out += ['', '### %s' % _md(_job_label(r)), '']
            out += ['- ALARM `%s` (group %s): %s' % (_md(i['item']), _md(i['group']), _md(_item_reason(i))) for i in r['alarm_items']]
    notes = [r for r in rows if r['ok'] and (r['start_reason'] or r['precheck_reason'])]
    if notes:
        out += ['', '## Notes', '']
        out += ['- %s: %s' % (_md(_job_label(r)), _md('; '.join(x for x in (r['precheck_reason'], r['start_reason']) if x)))
                for r in notes]
    return out


def _markdown_status(rows):
    problems = [r for r in rows if not r['ok']]
    statuses = {}
    for r in rows:
        statuses[r['status'] or 'NOT_FOUND'] = statuses.get(r['status'] or 'NOT_FOUND', 0) + 1
    out = [
        '**%d jobs**: %s. Status: %s.' % (
            len(rows), 'all OK' if not problems else '%d with problems' % len(problems),
            ', '.join('%d %s' % (n, s) for s, n in sorted(statuses.items())) or 'none'),
        '',
        '| Job | ID | Status | Progress | Incremental delay (s) | RPO (s) | RTO (s) | DR initialisation | Problems |',
        '|---|---|---|---|---|---|---|---|---|',
    ]
    for r in rows:
        dr = r['dr_init']
        dr_text = '-' if not dr else '%d/%d object types%s' % (dr['done'], dr['total'], ' (complete)' if dr['complete'] else '')
        out.append('| %s | `%s` | %s | %s | %s | %s | %s | %s | %s |' % (
            _md(r['name']), r['id'], _md(r['status'] or 'not found'), _md(r['progress']), _md(r['incre_trans_delay']),
            _seconds(r['rpo']), _seconds(r['rto']), dr_text,
            '<br>'.join('**%s**' % _md(p) for p in r['problems']) or '-'))
    return out


def _xml(value):
    return _XML_INVALID.sub('', _text(value))


def _testcase(suite, classname, name):
    return ET.SubElement(suite, 'testcase', {'classname': _xml(classname), 'name': _xml(name), 'time': '0'})


def _result(case, tag, message, text=None, kind=None):
    attrs = {'message': _xml(message)}
    if kind:
        attrs['type'] = kind
    element = ET.SubElement(case, tag, attrs)
    if text:
        element.text = _xml(text)
    return element


def _finish_suite(suite):
    cases = suite.findall('testcase')
    suite.set('tests', str(len(cases)))
    for tag, attr in (('failure', 'failures'), ('error', 'errors'), ('skipped', 'skipped')):
        suite.set(attr, str(len([c for c in cases if c.find(tag) is not None])))


def drs_report_junit(rows, name='cloudops.drs', generated=None, hostname=None):
    """Render the rows as JUnit XML: one test suite per step, one test case per job in each.

    precheck_and_start rows give the suites ``precheck`` and ``start``; a failed precheck is a
    ``failure`` listing every failed item with its reason, a precheck that timed out or could not be
    submitted is an ``error``, a job held back by the gate is ``skipped``. status_report rows give the
    suites ``status`` and ``rpo_rto``.
    """
    _check_rows(rows)
    root = ET.Element('testsuites', {'name': _xml(name)})
    prefix = '%s.%s' % (name, hostname) if hostname else name
    suites = []

    def new_suite(step):
        attrs = {'name': _xml('%s %s' % (prefix, step))}
        if generated:
            attrs['timestamp'] = _xml(generated)
        if hostname:
            attrs['hostname'] = _xml(hostname)
        suite = ET.SubElement(root, 'testsuite', attrs)
        suites.append(suite)
        return suite

    if _kind(rows) == 'status':
        _junit_status(rows, new_suite, prefix)
    else:
        _junit_fleet(rows, new_suite, prefix)
    for suite in suites:
        _finish_suite(suite)
    for attr in ('tests', 'failures', 'errors', 'skipped'):
        root.set(attr, str(sum(int(s.get(attr)) for s in suites)))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding='unicode') + '\n'


def _junit_fleet(rows, new_suite, prefix):
    precheck = new_suite('precheck')
    for r in rows:
        case = _testcase(precheck, prefix + '.precheck', _job_label(r))
        if r['precheck'] == 'failed':
            items = r['failed_items'] or r['alarm_items']
            message = 'precheck failed: %s' % ('; '.join('%s (%s)' % (i['item'], _item_reason(i)) for i in items)
                                               or 'total passed rate %s' % (r['pass_rate'] or 'unknown'))
            text = '\n'.join('%s [%s] %s' % (i['item'], i['group'], _item_reason(i)) for i in items)
            _result(case, 'failure', message, text, 'PrecheckFailed')
        elif r['precheck'] in ('pending', 'error'):
            _result(case, 'error', 'precheck %s: %s' % (r['precheck'], r['precheck_reason']), None, 'Precheck' + r['precheck'].capitalize())
        elif r['precheck'] in ('skipped', 'not_run'):
            _result(case, 'skipped', r['precheck_reason'] or 'precheck not run')
        elif r['alarm_items']:
            ET.SubElement(case, 'system-out').text = _xml('\n'.join(
                'ALARM %s [%s] %s' % (i['item'], i['group'], _item_reason(i)) for i in r['alarm_items']))
    start = new_suite('start')
    for r in rows:
        case = _testcase(start, prefix + '.start', _job_label(r))
        if r['start'] == 'failed':
            _result(case, 'failure', 'start failed: %s' % (r['start_reason'] or 'unknown reason'), None, 'StartFailed')
        elif r['start'] == 'pending':
            _result(case, 'error', 'start pending: %s' % r['start_reason'], None, 'StartTimeout')
        elif r['start'] in ('blocked', 'not_started', 'not_run', 'skipped'):
            _result(case, 'skipped', r['start_reason'] or 'not started')
        else:
            ET.SubElement(case, 'system-out').text = _xml('%s: %s -> %s%s' % (
                r['start'], r['status_before'], r['status_after'],
                (' (scheduled for %s)' % r['scheduled_start']) if r['scheduled_start'] else ''))


def _junit_status(rows, new_suite, prefix):
    status = new_suite('status')
    for r in rows:
        case = _testcase(status, prefix + '.status', _job_label(r))
        status_problems = [p for p in r['problems'] if not p.startswith('RPO/RTO')]
        if status_problems:
            kind = 'error' if not r['found'] else 'failure'
            _result(case, kind, '; '.join(status_problems), None, 'JobNotFound' if not r['found'] else 'JobStatus')
        lines = ['status: %s' % (r['status'] or 'not found'), 'progress: %s' % (r['progress'] or '-')]
        if r['incre_trans_delay']:
            lines.append('incremental delay: %s s' % r['incre_trans_delay'])
        if r['dr_init']:
            lines.append('DR initialisation: %d/%d object types' % (r['dr_init']['done'], r['dr_init']['total']))
        ET.SubElement(case, 'system-out').text = _xml('\n'.join(lines))
    rpo_rto = new_suite('rpo_rto')
    for r in rows:
        case = _testcase(rpo_rto, prefix + '.rpo_rto', _job_label(r))
        if r['rpo_rto_ok'] is None:
            _result(case, 'skipped', 'no RPO/RTO for this job')
        elif not r['rpo_rto_ok']:
            _result(case, 'failure', [p for p in r['problems'] if p.startswith('RPO/RTO')][0], None, 'RpoRto')
        else:
            ET.SubElement(case, 'system-out').text = 'RPO %s s, RTO %s s' % (_seconds(r['rpo']), _seconds(r['rto']))


def drs_report_stats(rows, report_files=None):
    """The summary for ``set_stats``: per-category job id lists, counts, per-job status and problems."""
    _check_rows(rows)
    stats = {
        'total': len(rows),
        'ok': all(r['ok'] for r in rows),
        'problem_jobs': [r['id'] for r in rows if not r['ok']],
        'status': dict((r['id'], r['status_after'] if 'status_after' in r else r['status']) for r in rows),
        'names': dict((r['id'], r['name']) for r in rows),
        'report_files': report_files or {},
    }
    lists = {}
    if _kind(rows) == 'status':
        for r in rows:
            lists.setdefault('status_%s' % (r['status'] or 'not_found').lower(), []).append(r['id'])
        lists['rpo_rto_exceeded'] = [r['id'] for r in rows if r['rpo_rto_ok'] is False]
        lists['not_found'] = [r['id'] for r in rows if not r['found']]
    else:
        for outcome in PRECHECK_OUTCOMES:
            lists['precheck_' + outcome] = [r['id'] for r in rows if r['precheck'] == outcome]
        for outcome in START_OUTCOMES:
            lists['start_' + outcome] = [r['id'] for r in rows if r['start'] == outcome]
    stats['jobs'] = lists
    stats['counts'] = dict((k, len(v)) for k, v in lists.items())
    stats['counts']['total'] = len(rows)
    stats['counts']['problems'] = len(stats['problem_jobs'])
    return stats


class FilterModule(object):
    """Report filters for the cloudops.drs roles."""

    def filters(self):
        return {
            'drs_job_list': drs_job_list,
            'drs_fleet_rows': drs_fleet_rows,
            'drs_problems': drs_problems,
            'drs_status_rows': drs_status_rows,
            'drs_text_table': drs_text_table,
            'drs_report_markdown': drs_report_markdown,
            'drs_report_junit': drs_report_junit,
            'drs_report_stats': drs_report_stats,
        }
