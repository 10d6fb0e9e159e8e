# -*- coding: utf-8 -*-
# Copyright: (c) 2025, cloudops DRS maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Report filters for the cloudops.drs roles: rows from module results, and their renderings.

The modules decide what happened to every job (``outcome``, see ``module_utils/_jobs.py``); these filters only
put the module results side by side (one row per job) and render the rows as a Markdown summary, a JUnit XML file,
a plain-text table and the ``set_stats`` data. They never re-classify an outcome: a job a module did not report on
is ``unknown``. The caller names the row kind (``fleet``, ``status`` or ``cutover``) for every rendering.

Row shapes (plain dicts, also what ``set_stats`` carries):

* ``fleet`` (drs_fleet_rows, precheck_and_start): ``id``, ``name``, ``precheck`` (an outcome of
  drs_batch_precheck), ``precheck_reason``, ``pass_rate``, ``failed_items``, ``alarm_items``, ``status_before``,
  ``status_after``, ``progress``, ``start`` (an outcome of drs_batch_start), ``start_reason``, ``scheduled_start``,
  ``ok``.
* ``status`` (drs_status_rows, status_report): ``id``, ``name``, ``found``, ``status``, ``progress``,
  ``incre_trans_delay``, ``rpo``, ``rto`` (seconds or None), ``rpo_rto_ok``, ``dr_init`` (``{done, total,
  complete}`` or None), ``problems`` (list of strings), ``ok``.
* ``cutover`` (drs_cutover_rows, cutover): ``id``, ``name``, ``status``, ``delay``, ``rpo``, ``rto`` (seconds or
  None), ``ready`` (drs_batch_info's verdict), ``reasons``, ``stop`` (an outcome of drs_batch_stop, or
  ``not_requested`` / ``held``), ``stop_reason``, ``ok``.

Step errors (drs_step_errors) are ``{step, msg}`` for every module step that failed; every rendering takes them
as ``errors`` and a run with any is not OK.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import re
import xml.etree.ElementTree as ET

from ansible.errors import AnsibleFilterError

from ansible_collections.cloudops.drs.plugins.module_utils._jobs import (
    ACTION_OK, FAILED_STATES, PRECHECK_OUTCOMES, START_OK, START_OUTCOMES, STOP_OUTCOMES, delay_ms, error_text, job_label)
from ansible_collections.cloudops.drs.plugins.module_utils._options import validate_job_list

ROW_KINDS = ('fleet', 'status', 'cutover')
# The stop column of a cutover row when no stop ran: not asked for, or held back because a job was not ready.
CUTOVER_STOP_OUTCOMES = STOP_OUTCOMES + ('not_requested', 'held')
# Pre-check outcomes shown as problems (the start outcome says whether the job was held back because of them).
PRECHECK_PROBLEMS = frozenset(('failed', 'error', 'pending', 'unknown'))

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


def _module_jobs(result, what):
    """The per-job list of a module result (a registered result, or its ``jobs`` list), indexed by ``id``."""
    if result is None:
        return {}
    items = result.get('jobs', []) if isinstance(result, dict) else result
    if not isinstance(items, list):
        raise AnsibleFilterError('%s must be a module result or its list of per-job results, got %s' % (what, type(items).__name__))
    return dict((item['id'], item) for item in items if isinstance(item, dict) and item.get('id'))


def _job_specs(jobs):
    """The role's job list (ids or dicts with ``id`` and maybe ``name``) as ``[{'id', 'name'}]``, each id once."""
    if not isinstance(jobs, list):
        raise AnsibleFilterError('the job list must be a list, got %s' % type(jobs).__name__)
    specs, seen = [], set()
    for job in jobs:
        job = {'id': job} if isinstance(job, str) else job
        if not isinstance(job, dict) or not job.get('id'):
            raise AnsibleFilterError('every job must be an id or a dict with an id, got %r' % (job,))
        if job['id'] not in seen:
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
    return [dict((key, _text(item.get(key))) for key in ('item', 'group', 'reason', 'raw_message'))
            for item in items or [] if isinstance(item, dict)]


def _item_reason(item):
    """One readable reason for a precheck item: the reason code and the raw message when they differ."""
    reason, raw = item.get('reason') or '', item.get('raw_message') or ''
    if reason and raw and raw != reason:
        return '%s: %s' % (reason, raw)
    return reason or raw or 'no reason given'


def _check_kind(kind):
    if kind not in ROW_KINDS:
        raise AnsibleFilterError('kind must be one of %s, got %r' % (', '.join(ROW_KINDS), kind))


def _check_rows(rows):
    if not isinstance(rows, list) or not all(isinstance(r, dict) and 'id' in r for r in rows):
        raise AnsibleFilterError('expected the rows made by drs_fleet_rows or drs_status_rows')


# ----------------------------------------------------------------------------- job list and step errors

def drs_job_list(jobs, start_time=None, filters=None, selection=None):
    """Check and normalise the roles' ``drs_jobs`` list and ``drs_filters`` without raising (the rules of
    module_utils/_options.py); with ``selection`` (a module's ``selection``), the selected jobs.

    Returns ``{'jobs': [{id, name, start_time, start_item}], 'errors': [...], 'needs_selection', 'empty_selection'}``.
    """
    return validate_job_list(jobs, start_time=start_time, filters=filters, selection=selection)


def drs_step_errors(steps):
    """``[{step, msg}]`` for every module step that failed; ``steps`` is a list of ``[name, registered result]`` pairs.

    Every module failure counts, also one that failed only because of per-job outcomes it knows (a pre-check that
    failed): its message is what a user reads first. A step that did not run (skipped) has none; a failed one
    without a message says so.
    """
    if not isinstance(steps, list):
        raise AnsibleFilterError('steps must be a list of [name, result] pairs')
    errors = []
    for pair in steps:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise AnsibleFilterError('every step must be a [name, result] pair, got %r' % (pair,))
        name, result = pair
        if isinstance(result, dict) and result.get('failed'):
            errors.append({'step': _text(name), 'msg': _text(result.get('msg')) or 'the step failed without a message'})
    return errors


def drs_target(results):
    """``{project, project_id, region}`` for a report's context, from the first registered module result that says
    which project or region it worked on (every module returns ``project_id``, ``project_name`` and ``region``).

    ``project`` is the project name, else its id. The modules decide the target (task options beat the environment,
    which beats clouds.yaml), so a project or region given only by the environment (the AWX way) is filled too.
    A result without a target (a step that was skipped, or failed before it had one) is passed over; ``''`` where
    no result knows a value.
    """
    if not isinstance(results, list):
        raise AnsibleFilterError('drs_target takes a list of registered module results')
    for result in results:
        if not isinstance(result, dict):
            continue
        project_id, project_name, region = (_text(result.get(key)) for key in ('project_id', 'project_name', 'region'))
        if project_id or project_name or region:
            return {'project': project_name or project_id, 'project_id': project_id, 'region': region}
    return {'project': '', 'project_id': '', 'region': ''}


# ----------------------------------------------------------------------------- precheck_and_start rows

def _precheck_reason(pre, outcome):
    if outcome == 'error':
        return error_text(pre.get('error'))
    if outcome in ('skipped', 'not_needed'):
        return _text(pre.get('skipped_reason'))
    if outcome == 'pending':
        return 'the pre-check did not finish before the timeout'
    if outcome == 'unknown':
        return 'the pre-check step did not report this job' if not pre else 'the result of the pre-check is not known'
    return ''


def _start_reason(sta, outcome):
    if not sta:
        return 'the start step did not report this job'
    if sta.get('error'):
        return error_text(sta['error'])
    return _text(sta.get('skipped_reason') or sta.get('note'))


def drs_fleet_rows(jobs, precheck=None, start=None, after=None):
    """One row per job of the role's job list, the module results side by side.

    ``precheck`` and ``start`` are the registered results of drs_batch_precheck and drs_batch_start (or their
    ``jobs`` lists); ``after`` that of drs_batch_info (status and progress, optional). The ``precheck`` and
    ``start`` of a row are the modules' outcomes; a job a module did not report on is ``unknown``. A row is OK
    when its start outcome is OK (module_utils/_jobs.py START_OK).
    """
    precheck_by_id = _module_jobs(precheck, 'precheck')
    start_by_id = _module_jobs(start, 'start')
    after_by_id = _module_jobs(after, 'after')
    rows = []
    for spec in _job_specs(jobs):
        job_id = spec['id']
        pre = precheck_by_id.get(job_id) or {}
        sta = start_by_id.get(job_id) or {}
        info = after_by_id.get(job_id) or {}
        precheck_outcome = pre.get('outcome') or 'unknown'
        start_outcome = sta.get('outcome') or 'unknown'
        status_before = sta.get('status_before') or pre.get('status') or ''
        rows.append({
            'id': job_id,
            'name': _text(spec['name'] or info.get('name') or pre.get('name') or sta.get('name')),
            'precheck': precheck_outcome,
            'precheck_reason': _precheck_reason(pre, precheck_outcome),
            'pass_rate': _percent(pre.get('total_passed_rate')),
            'failed_items': _items(pre.get('failed_items')),
            'alarm_items': _items(pre.get('alarm_items')),
            'status_before': _text(status_before),
            'status_after': _text(info.get('status') or sta.get('status_after') or status_before),
            'progress': _progress_of(info),
            'start': start_outcome,
            'start_reason': _start_reason(sta, start_outcome),
            'scheduled_start': sta.get('scheduled_start'),
            'ok': start_outcome in START_OK,
        })
    return rows


def drs_problems(rows, kind):
    """What went wrong, one entry per failed precheck item, precheck problem, start problem or status problem.

    Each entry is ``{id, name, step, item, reason}``; the roles print them with drs_text_table and fail the play
    with them. Jobs only held back because of other jobs (start ``blocked``) are counted, not listed.
    """
    _check_rows(rows)
    _check_kind(kind)
    problems = []
    for r in rows:
        base = {'id': r['id'], 'name': r['name']}
        if kind == 'status':
            problems += [dict(base, step='status', item='-', reason=p) for p in r['problems']]
            continue
        if kind == 'cutover':
            problems += [dict(base, step='readiness', item='-', reason=reason) for reason in r['reasons']]
            if r['ready'] and not r['ok'] and r['stop'] != 'held':
                problems.append(dict(base, step='stop', item='-', reason=r['stop_reason'] or 'stop %s' % r['stop']))
            continue
        if r['precheck'] in PRECHECK_PROBLEMS:
            items = r['failed_items'] or r['alarm_items']
            if r['precheck'] == 'failed' and items:
                problems += [dict(base, step='precheck', item=i['item'], reason=_item_reason(i)) for i in items]
            else:
                problems.append(dict(base, step='precheck', item='-', reason=r['precheck_reason'] or (
                    'pre-check %s (total passed rate %s)' % (r['precheck'], r['pass_rate'] or 'unknown'))))
        if not r['ok'] and r['start'] != 'blocked' and not (r['start'] == 'not_started' and r['precheck'] in PRECHECK_PROBLEMS):
            problems.append(dict(base, step='start', item='-', reason=r['start_reason'] or 'start %s' % r['start']))
    return problems


# ----------------------------------------------------------------------------- status_report rows

def _delay_seconds(info):
    """RPO or RTO ``delay`` in seconds (module_utils/_jobs.py delay_ms); None when unknown."""
    delay = delay_ms(info)
    return None if delay is None else delay / 1000.0


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
    info_by_id = _module_jobs(info, 'info')
    for job_id, extra in _module_jobs(dr, 'dr').items():
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


# ----------------------------------------------------------------------------- cutover rows

def drs_cutover_rows(jobs, readiness=None, stop=None, stop_requested=False):
    """One row per job of the cut-over: drs_batch_info's readiness verdict and drs_batch_stop's outcome side by side.

    ``jobs`` is the role's job list (ids or dicts with ``id`` and ``name``); empty takes the jobs of ``readiness``
    (and its ``not_ready`` jobs that were not found). ``readiness`` is the registered drs_batch_info result (with
    ``wait_until``), ``stop`` that of drs_batch_stop, or None when the stop did not run. A job the readiness step
    did not judge is not ready. Without ``stop_requested`` the stop column is ``not_requested``; with it and no stop
    result, ``held`` (the role stops nothing unless every job is ready); a job the stop did not report on is
    ``unknown``. A row is OK when the job is ready and, when a stop was asked for, its stop outcome is OK.
    """
    info_by_id = _module_jobs(readiness, 'readiness')
    not_ready = dict((item['id'], item) for item in (readiness or {}).get('not_ready') or []
                     if isinstance(item, dict) and item.get('id')) if isinstance(readiness, dict) else {}
    stop_by_id = _module_jobs(stop, 'stop')
    if jobs:
        specs = _job_specs(jobs)
    else:
        ids = list(info_by_id) + [job_id for job_id in not_ready if job_id not in info_by_id]
        specs = [{'id': job_id, 'name': ''} for job_id in ids]
    rows = []
    for spec in specs:
        job_id = spec['id']
        info = info_by_id.get(job_id) or {}
        verdict = info.get('readiness') if isinstance(info.get('readiness'), dict) else not_ready.get(job_id) or {}
        ready = verdict.get('ready') is True
        reasons = [_text(reason) for reason in verdict.get('reasons') or []]
        if not ready and not reasons:
            reasons = ['the readiness step did not judge this job']
        sto = stop_by_id.get(job_id) or {}
        if not stop_requested:
            outcome, stop_reason = 'not_requested', ''
        elif stop is None:
            outcome, stop_reason = 'held', 'not every job is ready for cut-over: no job is stopped'
        else:
            outcome = sto.get('outcome') or 'unknown'
            stop_reason = error_text(sto['error']) if sto.get('error') else (
                '' if sto else 'the stop step did not report this job')
        rows.append({
            'id': job_id,
            'name': _text(spec['name'] or info.get('name') or verdict.get('name') or sto.get('name')),
            'status': _text(sto.get('status') or info.get('status') or verdict.get('status')),
            'delay': verdict.get('delay'),
            'rpo': verdict.get('rpo'),
            'rto': verdict.get('rto'),
            'ready': ready,
            'reasons': [] if ready else reasons,
            'stop': outcome,
            'stop_reason': stop_reason,
            'ok': ready and (outcome == 'not_requested' or outcome in ACTION_OK['stop']),
        })
    return rows


def _markdown_cutover(rows):
    not_ready = [r for r in rows if not r['ready']]
    stops = _counts(rows, 'stop', CUTOVER_STOP_OUTCOMES)
    out = [
        '**%d jobs**: %s. Stop: %s.' % (
            len(rows), 'all ready for cut-over' if not not_ready else '%d not ready' % len(not_ready), _count_text(stops)),
        '',
        '| Job | ID | Status | Delay (s) | RPO (s) | RTO (s) | Ready | Stop | Reasons |',
        '|---|---|---|---|---|---|---|---|---|',
    ]
    for r in rows:
        stop = _words(r['stop']) if r['ok'] or not r['ready'] else '**%s**' % _words(r['stop'])
        out.append('| %s | `%s` | %s | %s | %s | %s | %s | %s | %s |' % (
            _md(r['name']), r['id'], _md(r['status'] or 'not found'), _seconds(r['delay']), _seconds(r['rpo']),
            _seconds(r['rto']), 'yes' if r['ready'] else '**no**', stop,
            '<br>'.join(_md(reason) for reason in r['reasons'] + ([r['stop_reason']] if r['stop_reason'] else [])) or '-'))
    return out


def _junit_cutover(rows, new_suite, prefix):
    readiness = new_suite('readiness')
    for r in rows:
        case = _testcase(readiness, prefix + '.readiness', job_label(r))
        if not r['ready']:
            _result(case, 'failure', 'not ready: %s' % '; '.join(r['reasons']), None, 'NotReady')
        else:
            ET.SubElement(case, 'system-out').text = _xml('ready: status %s, delay %s s, RPO %s s, RTO %s s' % (
                r['status'], _seconds(r['delay']), _seconds(r['rpo']), _seconds(r['rto'])))
    stop = new_suite('stop')
    for r in rows:
        case = _testcase(stop, prefix + '.stop', job_label(r))
        if r['stop'] == 'failed':
            _result(case, 'failure', 'stop failed: %s' % (r['stop_reason'] or 'unknown reason'), None, 'StopFailed')
        elif r['stop'] in ('pending', 'unknown'):
            _result(case, 'error', 'stop %s: %s' % (r['stop'], r['stop_reason']), None, 'Stop' + r['stop'].capitalize())
        elif r['stop'] in ('not_requested', 'held'):
            _result(case, 'skipped', r['stop_reason'] or 'no stop asked for (drs_cutover_stop is false)')
        else:
            ET.SubElement(case, 'system-out').text = _xml('%s: %s' % (_words(r['stop']), r['status']))


def _seconds(value):
    if value is None:
        return '-'
    return ('%.1f' % value).rstrip('0').rstrip('.')


# ----------------------------------------------------------------------------- rendering

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


def drs_report_markdown(rows, kind, title='DRS report', generated=None, context=None, errors=None):
    """Render the rows of ``kind`` as a Markdown report: the step errors, a summary line, one table row per job,
    then details."""
    _check_rows(rows)
    _check_kind(kind)
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
    if errors:
        out += ['## Steps that failed', '']
        out += ['- **%s**: %s' % (_md(e['step']), _md(e['msg'])) for e in errors]
        out += ['']
    if kind == 'status':
        out += _markdown_status(rows)
    elif kind == 'cutover':
        out += _markdown_cutover(rows)
    else:
        out += _markdown_fleet(rows)
    return '\n'.join(out).rstrip() + '\n'


def _markdown_fleet(rows):
    pre = _counts(rows, 'precheck', PRECHECK_OUTCOMES)
    sta = _counts(rows, 'start', START_OUTCOMES)
    problems = [r for r in rows if not r['ok']]
    out = [
        '**%d jobs**: %s. Precheck: %s. Start: %s.' % (
            len(rows), 'all OK' if not problems else '%d not OK' % len(problems),
            _count_text(pre), _count_text(sta)),
        '',
        '| Job | ID | Precheck | Pass rate | Failed / alarm items | Status before | Status after | Start | Progress |',
        '|---|---|---|---|---|---|---|---|---|',
    ]
    for r in rows:
        precheck = _words(r['precheck'])
        if r['precheck'] in PRECHECK_PROBLEMS:
            precheck = '**%s**' % precheck
        start = _words(r['start']) if r['ok'] else '**%s**' % _words(r['start'])
        out.append('| %s | `%s` | %s | %s | %s | %s | %s | %s | %s |' % (
            _md(r['name']), r['id'], precheck, _md(r['pass_rate']), _md_items(r), _md(r['status_before']),
            _md(r['status_after']), start, _md(r['progress'])))
    if problems:
        out += ['', '## Jobs not OK']
        for r in problems:
            out += ['', '### %s' % _md(job_label(r)), '']
            if r['precheck'] in PRECHECK_PROBLEMS:
                out.append('- Precheck **%s**%s' % (_words(r['precheck']), (': ' + _md(r['precheck_reason'])) if r['precheck_reason'] else ''))
            for i in r['failed_items']:
                out.append('  - FAILED `%s` (group %s): %s' % (_md(i['item']), _md(i['group']), _md(_item_reason(i))))
            out.append('- Start **%s**%s' % (_words(r['start']), (': ' + _md(r['start_reason'])) if r['start_reason'] else ''))
    alarms = [r for r in rows if r['alarm_items']]
    if alarms:
        out += ['', '## Precheck alarms', '', 'ALARM items do not block the start%s.' % (
            '' if all(r['precheck'] != 'failed' or r['failed_items'] for r in alarms) else ' (unless drs_alarm_is_failure is set)')]
        for r in alarms:
            out += ['', '### %s' % _md(job_label(r)), '']
            out += ['- ALARM `%s` (group %s): %s' % (_md(i['item']), _md(i['group']), _md(_item_reason(i))) for i in r['alarm_items']]
    notes = [r for r in rows if r['ok'] and (r['start_reason'] or r['precheck_reason'])]
    if notes:
        out += ['', '## Notes', '']
        out += ['- %s: %s' % (_md(job_label(r)), _md('; '.join(x for x in (r['precheck_reason'], r['start_reason']) if x)))
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


def drs_report_junit(rows, kind, name='cloudops.drs', generated=None, hostname=None, errors=None):
    """Render the rows as JUnit XML: one test suite per step, one test case per job in each.

    precheck_and_start rows give the suites ``precheck`` and ``start``; a failed precheck is a
    ``failure`` listing every failed item with its reason, a precheck that timed out or could not be
    submitted is an ``error``, a job held back by the gate is ``skipped``. status_report rows give the
    suites ``status`` and ``rpo_rto``. Every step error is an ``error`` test case of the suite ``steps``.
    """
    _check_rows(rows)
    _check_kind(kind)
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

    if errors:
        steps = new_suite('steps')
        for e in errors:
            _result(_testcase(steps, prefix + '.steps', e['step']), 'error', e['msg'], None, 'StepFailed')
    if kind == 'status':
        _junit_status(rows, new_suite, prefix)
    elif kind == 'cutover':
        _junit_cutover(rows, new_suite, prefix)
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
        case = _testcase(precheck, prefix + '.precheck', job_label(r))
        if r['precheck'] == 'failed':
            items = r['failed_items'] or r['alarm_items']
            message = 'precheck failed: %s' % ('; '.join('%s (%s)' % (i['item'], _item_reason(i)) for i in items)
                                               or 'total passed rate %s' % (r['pass_rate'] or 'unknown'))
            text = '\n'.join('%s [%s] %s' % (i['item'], i['group'], _item_reason(i)) for i in items)
            _result(case, 'failure', message, text, 'PrecheckFailed')
        elif r['precheck'] in ('pending', 'error', 'unknown'):
            _result(case, 'error', 'precheck %s: %s' % (r['precheck'], r['precheck_reason']), None, 'Precheck' + r['precheck'].capitalize())
        elif r['precheck'] in ('skipped', 'not_needed', 'would_precheck'):
            _result(case, 'skipped', r['precheck_reason'] or 'precheck %s' % _words(r['precheck']))
        elif r['alarm_items']:
            ET.SubElement(case, 'system-out').text = _xml('\n'.join(
                'ALARM %s [%s] %s' % (i['item'], i['group'], _item_reason(i)) for i in r['alarm_items']))
    start = new_suite('start')
    for r in rows:
        case = _testcase(start, prefix + '.start', job_label(r))
        if r['start'] == 'failed':
            _result(case, 'failure', 'start failed: %s' % (r['start_reason'] or 'unknown reason'), None, 'StartFailed')
        elif r['start'] in ('pending', 'unknown'):
            _result(case, 'error', 'start %s: %s' % (r['start'], r['start_reason']), None, 'Start' + r['start'].capitalize())
        elif r['start'] in ('blocked', 'not_started'):
            _result(case, 'skipped', r['start_reason'] or 'not started')
        else:
            ET.SubElement(case, 'system-out').text = _xml('%s: %s -> %s%s' % (
                _words(r['start']), r['status_before'], r['status_after'],
                (' (scheduled for %s)' % r['scheduled_start']) if r['scheduled_start'] else ''))


def _junit_status(rows, new_suite, prefix):
    status = new_suite('status')
    for r in rows:
        case = _testcase(status, prefix + '.status', job_label(r))
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
        case = _testcase(rpo_rto, prefix + '.rpo_rto', job_label(r))
        if r['rpo_rto_ok'] is None:
            _result(case, 'skipped', 'no RPO/RTO for this job')
        elif not r['rpo_rto_ok']:
            _result(case, 'failure', [p for p in r['problems'] if p.startswith('RPO/RTO')][0], None, 'RpoRto')
        else:
            ET.SubElement(case, 'system-out').text = 'RPO %s s, RTO %s s' % (_seconds(r['rpo']), _seconds(r['rto']))


def drs_report_stats(rows, kind, report_files=None, errors=None, context=None, generated=None):
    """The summary for ``set_stats``: per-category job id lists, counts, per-job status, problems and step errors,
    and the ``context`` and ``generated`` time of the report when given.

    ``ok`` is true only when every row is OK and no step failed.
    """
    _check_rows(rows)
    _check_kind(kind)
    errors = list(errors or [])
    stats = {
        'total': len(rows),
        'ok': all(r['ok'] for r in rows) and not errors,
        'problem_jobs': [r['id'] for r in rows if not r['ok']],
        'status': dict((r['id'], r['status_after'] if kind == 'fleet' else r['status']) for r in rows),
        'names': dict((r['id'], r['name']) for r in rows),
        'report_files': report_files or {},
        'errors': errors,
    }
    lists = {}
    if kind == 'status':
        for r in rows:
            lists.setdefault('status_%s' % (r['status'] or 'not_found').lower(), []).append(r['id'])
        lists['rpo_rto_exceeded'] = [r['id'] for r in rows if r['rpo_rto_ok'] is False]
        lists['not_found'] = [r['id'] for r in rows if not r['found']]
    elif kind == 'cutover':
        lists['ready'] = [r['id'] for r in rows if r['ready']]
        lists['not_ready'] = [r['id'] for r in rows if not r['ready']]
        for outcome in CUTOVER_STOP_OUTCOMES:
            lists['stop_' + outcome] = [r['id'] for r in rows if r['stop'] == outcome]
    else:
        for outcome in PRECHECK_OUTCOMES:
            lists['precheck_' + outcome] = [r['id'] for r in rows if r['precheck'] == outcome]
        for outcome in START_OUTCOMES:
            lists['start_' + outcome] = [r['id'] for r in rows if r['start'] == outcome]
    stats['jobs'] = lists
    stats['counts'] = dict((k, len(v)) for k, v in lists.items())
    stats['counts']['total'] = len(rows)
    stats['counts']['problems'] = len(stats['problem_jobs'])
    if context is not None:
        stats['context'] = context
    if generated is not None:
        stats['generated'] = generated
    return stats


class FilterModule(object):
    """Report filters for the cloudops.drs roles."""

    def filters(self):
        return {
            'drs_job_list': drs_job_list,
            'drs_step_errors': drs_step_errors,
            'drs_target': drs_target,
            'drs_fleet_rows': drs_fleet_rows,
            'drs_problems': drs_problems,
            'drs_status_rows': drs_status_rows,
            'drs_cutover_rows': drs_cutover_rows,
            'drs_text_table': drs_text_table,
            'drs_report_markdown': drs_report_markdown,
            'drs_report_junit': drs_report_junit,
            'drs_report_stats': drs_report_stats,
        }
