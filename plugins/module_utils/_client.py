# -*- coding: utf-8 -*-
# Copyright: contributors to the cloudops.drs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The DRS v3 batch calls: :class:`DrsClient`, the client the modules use.

* reads: batch-status, batch-detail, batch-progress, batch-precheck-result, batch-rpo-and-rto, batch-struct-process
  (chunks of ``batch_size`` ids, at most ``max_concurrency`` chunks at once) and the job list (``POST /jobs``, page by
  page for each ``db_use_type``);
* actions: batch-precheck and batch-starting, and batch-pause-task, batch-retry-task and ``DELETE batch-jobs``
  (terminate / force_terminate, with a JSON body), in the same chunks.

Every ``results[i]`` is read and matched by job id, never by position. The action rules of the retry contract (stated
in ``_transport.py``) are carried out here: after an ambiguous failure ``reconcile(ids)`` says which jobs already took
effect and only the others are re-sent (without ``reconcile`` a precheck is re-sent, a start is reported ``unknown``);
jobs DRS reports busy (``DRS.M01504``) are re-sent with backoff until the deadline.

Two readings of the API that the sources leave open (reference/drs-api.md, Corrections "still open"; the emulator's
``--profile pessimistic`` plays both) shape the action rules:

* **Start lag.** DRS may keep showing ``CONFIGURATION`` for a while after it accepted a start (the Terraform
  providers treat ``CONFIGURATION`` as pending after a start). So a job whose start had an unknown outcome is not
  taken as "not received" from one status read: ``reconcile`` is asked again, with backoff, for
  :data:`START_LAG_WINDOW` seconds (never past the deadline) before the start is sent again; when the deadline
  cuts that window short the job is ``unknown``. A start sent again that DRS refuses with ``DRS.M00304`` while
  the job still reads ``CONFIGURATION`` may have been received the first time: that job is ``unknown``, never
  ``failed``, and never sent a third time.
* **Wrong-state errors as a whole-request 400.** DRS may refuse a whole batch request with HTTP 400 ``DRS.M00304``
  or ``DRS.M05004`` (the OTC error table lists both under 400) because one of its jobs is in the wrong state. Such
  a 400 means DRS processed no job of that request (the emulator's MODEL.md, reading ``wrong_state_400``: "no job
  of the request changes"), so sending its jobs again cannot start a job twice: the chunk is split in halves and
  each half is sent on its own, down to the single jobs, which get DRS's refusal as their per-job error.

Credentials, project and endpoint come from ``_iam.py``, the HTTP transport from ``_transport.py``. Modules never build
a URL; this client never knows about Ansible results. See reference/drs-api.md for the API facts.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.cloudops.drs.plugins.module_utils._batch import (
    chunked,
    dedupe,
    in_order,
    is_busy,
    is_not_found,
    normalize_item,
)
from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsApiError, DrsError, DrsTimeoutError
from ansible_collections.cloudops.drs.plugins.module_utils._iam import IamSession
from ansible_collections.cloudops.drs.plugins.module_utils._transport import DEFAULT_RETRY_WINDOW, MAX_ATTEMPTS, _Ambiguous
from ansible_collections.cloudops.drs.plugins.module_utils._waiter import backoff_delay, probe_first_poll

__all__ = ("DrsClient",)

# Page size used for POST /jobs (the API maximum).
LIST_PAGE_SIZE = 100
# Seconds a job whose start had an unknown outcome is watched while it still reads CONFIGURATION, before its start
# is sent again (DRS may show CONFIGURATION for a while after accepting a start; see the module docstring).
START_LAG_WINDOW = 60.0
# Refusals because of a job's state; as a whole-request HTTP 400 they mean that no job of the request was processed.
WRONG_STATE_CODES = ("DRS.M00304", "DRS.M05004")
# The refusal that a start sent again gets when the first one was received (the job is starting).
NOT_STARTABLE_CODE = "DRS.M00304"
DB_USE_TYPES = ("migration", "sync", "cloudDataGuard")


def _failed_item(job_id, error):
    return {"id": job_id, "status": "failed", "error_code": error.error_code, "error_msg": str(error),
            "http_status": error.status, "request_id": error.request_id}


def _unknown_item(job_id, detail):
    return {"id": job_id, "status": "unknown", "error_code": None,
            "error_msg": "outcome unknown (%s): the request may have taken effect; re-read the job status" % detail}


def _reconciled_item(job_id):
    return {"id": job_id, "status": "success", "error_code": None, "error_msg": None, "reconciled": True}


def _is_whole_request_wrong_state(error):
    """A whole-request HTTP 400 that refuses the request because of a job's state (nothing was processed)."""
    return isinstance(error, DrsApiError) and error.status == 400 and error.error_code in WRONG_STATE_CODES


class DrsClient(IamSession):
    """DRS v3 client for one module run. See the module docstring of ``_transport.py`` for the retry rules.

    Read calls (``batch_status`` ...) return ``(items, not_found)``: ``items`` maps job id to the normalised reply item
    (always ``id``, ``error_code``, ``error_msg``; other keys as the API sent them) in the order of the given ids
    (de-duplicated); ``not_found`` lists ids DRS reported as unknown or deleted, or did not mention at all
    (``split=True`` on ``batch_status`` / ``batch_detail`` returns the unmentioned ones apart: see ``_read``).
    Action calls (``batch_precheck``, ``batch_start``) return ``id -> item`` with ``status`` ``success``/``failed``
    (or ``unknown`` when the outcome could not be established) and never raise for a per-job or per-chunk failure.
    ``options`` are the transport's (:class:`_transport.Transport`).
    """

    def __init__(self, auth, batch_size=10, **options):
        super(DrsClient, self).__init__(auth, **options)
        self.batch_size = max(1, int(batch_size or 10))
        # job id -> monotonic() time the last action request for it was answered (the waiters count from it)
        self.answered_at = {}

    def probe(self, ids, since, fetch, estimate, poll_interval, deadline):
        """How long after its request every job of ``ids`` may first be polled, learnt from the batch DRS accepted first
        (see :func:`_waiter.probe_first_poll`); returns ``(early, items read)``, early None when that batch cannot tell."""
        return probe_first_poll(ids, since, fetch, estimate, poll_interval, deadline, sleep=self.sleep,
                                monotonic=self.monotonic, batch_size=self.batch_size)

    def wait_after_requests(self, ids, sent, fetch, is_done, estimate, deadline, poll_interval):
        """Wait for ``ids`` right after this run sent an action for ``sent`` (a subset): ``(last_items, pending_ids)``.

        None is done at once, so each id is first polled one ``poll_interval`` after DRS accepted its request
        (``answered_at``; an id not sent, found already under way, from now), or earlier when the batch accepted first
        shows how long the jobs take (:meth:`probe`, with ``estimate``); see :func:`_waiter.wait_for`.
        """
        accepted = dict((job_id, self.answered_at[job_id]) for job_id in sent if job_id in self.answered_at)
        since = dict.fromkeys(ids, self.monotonic())   # taken before the probe: its sleep delays no regular first poll
        since.update(accepted)
        early, seen = (self.probe(list(accepted), accepted, fetch, estimate, poll_interval, deadline)
                       if accepted else (None, {}))
        return self.wait(ids, fetch, is_done, deadline, poll_interval, first_poll_after=poll_interval, since=since,
                         early=early, seen=seen)

    def _drs_url(self, suffix):
        return "%s/v3/%s/jobs%s" % (self.endpoint, self.project_id, suffix)

    # -------------------------------------------------------------------------------------------- read calls

    def _results(self, reply, allow_error_status=True):
        """Normalised items and ``count`` of a results reply; raises DrsApiError for anything else."""
        if isinstance(reply.data, dict) and isinstance(reply.data.get("results"), list):
            if reply.ok or (allow_error_status and 400 <= reply.status < 500):
                items = [normalize_item(raw) for raw in reply.data["results"] if isinstance(raw, dict)]
                if items and all(item["id"] is None for item in items):
                    raise self._error(reply, "the DRS reply items carry no job id")
                return items, reply.data.get("count")
        if not reply.ok:
            raise self._error(reply)
        if reply.data is None:
            raise self._error(reply, "DRS sent a reply the client cannot read" if reply.problem else
                              "DRS sent a reply that is not JSON (or is truncated)")
        raise self._error(reply, "the DRS reply has no 'results' list")

    def _read_chunk(self, suffix, chunk, deadline, paged, keep=None):
        wanted = set(chunk)
        found = {}
        page = 1
        while True:
            body = {"jobs": list(chunk)}
            if paged:
                body["page_req"] = {"cur_page": page, "per_page": len(chunk)}
            reply = self._request("POST", self._drs_url(suffix), body, deadline)
            items, count = self._results(reply)
            for item in items:
                if item["id"] in wanted and item["id"] not in found:
                    found[item["id"]] = keep(item) if keep is not None else item
            seen = (page - 1) * len(chunk) + len(items)
            more = isinstance(count, int) and count > seen and len(found) < len(chunk)
            if not (paged and items and more and page < len(chunk)):
                return found
            page += 1

    def _read(self, suffix, ids, deadline, paged=False, keep=None, split=False):
        """Read ``ids`` in chunks; ``keep(item)``, when given, shrinks every item as its chunk arrives (memory).

        Returns ``(items, not_found)``, where ``not_found`` holds both the ids DRS said it does not know (an item with
        a not-found error code) and the ids the reply did not mention. With ``split`` the two are told apart:
        ``(items, not_found, unmentioned)`` (a caller that reads "not found" as "deleted" must not count an omission).
        """
        ids = dedupe(ids)
        if not ids:
            return {}, []
        self.connect(deadline)
        found = {}
        try:
            parts = self._map(lambda chunk: self._read_chunk(suffix, chunk, deadline, paged, keep), chunked(ids, self.batch_size))
        except DrsTimeoutError as exc:
            exc.pending = exc.pending or list(ids)
            raise
        for part in parts:
            found.update(part)
        items, not_found, unmentioned = {}, [], []
        for job_id in ids:
            item = found.get(job_id)
            if item is None:
                (unmentioned if split else not_found).append(job_id)
            elif is_not_found(item):
                not_found.append(job_id)
            else:
                items[job_id] = item
        return (items, not_found, unmentioned) if split else (items, not_found)

    def batch_status(self, ids, deadline=None, split=False):
        """POST batch-status (paged, page_req always sent) -> (items, not_found); ``split``: see ``_read``."""
        return self._read("/batch-status", ids, deadline, paged=True, split=split)

    def batch_detail(self, ids, deadline=None, keep=None, split=False):
        """POST batch-detail (paged); the 400 reply with results is read, DRS.M00289/M05004 items -> not_found.

        ``keep(item)`` shrinks each item as it arrives (a caller that needs only a few fields of 10 000 jobs);
        ``split``: see ``_read``.
        """
        return self._read("/batch-detail", ids, deadline, paged=True, keep=keep, split=split)

    def batch_progress(self, ids, deadline=None):
        return self._read("/batch-progress", ids, deadline)

    def batch_precheck_result(self, ids, deadline=None):
        return self._read("/batch-precheck-result", ids, deadline)

    def batch_rpo_rto(self, ids, deadline=None):
        return self._read("/batch-rpo-and-rto", ids, deadline)

    def batch_struct_process(self, ids, deadline=None):
        return self._read("/batch-struct-process", ids, deadline)

    def list_jobs(self, deadline=None, **filters):
        """POST /jobs for every page and each ``db_use_type`` (migration, sync, cloudDataGuard unless filtered).

        ``filters`` are sent as they are (``name``, ``status``, ``engine_type``, ``net_type``, ``enterprise_project_id``,
        ``tags`` as a dict); which of them to trust is the caller's business (``_selection.py``). Returns a list of
        normalised items, each job once, in the order DRS listed them.

        Paging: pages of ``LIST_PAGE_SIZE`` are read until ``total_record`` items came back (a server that caps the page
        size lower than asked is read to the end all the same), a page is empty, or a page brings no job not seen
        before (a server that ignores ``cur_page``); without ``total_record``, until a page is shorter than asked.
        """
        self.connect(deadline)
        filters = dict((key, value) for key, value in filters.items() if value is not None)
        use_types = filters.pop("db_use_type", None) or DB_USE_TYPES
        if isinstance(use_types, str):
            use_types = (use_types,)
        jobs, seen = [], set()
        for use_type in use_types:
            page = 1
            received = 0
            while True:
                body = dict(filters)
                body.update({"cur_page": page, "per_page": LIST_PAGE_SIZE, "db_use_type": use_type})
                reply = self._request("POST", self._drs_url(""), body, deadline)
                if not reply.ok:
                    raise self._error(reply)
                if not isinstance(reply.data, dict):
                    raise self._error(reply, "DRS sent a reply the client cannot read" if reply.problem else
                                      "DRS sent a reply that is not JSON (or is truncated)")
                listed = reply.data.get("jobs")
                if not isinstance(listed, list):
                    raise self._error(reply, "the DRS job list reply has no 'jobs' list")
                new = 0
                for raw in listed:
                    item = normalize_item(raw) if isinstance(raw, dict) else None
                    if item and item["id"] and item["id"] not in seen:
                        seen.add(item["id"])
                        jobs.append(item)
                        new += 1
                received += len(listed)
                total = reply.data.get("total_record")
                if isinstance(total, bool) or not isinstance(total, int):
                    total = None
                if not listed or not new or (received >= total if total is not None else len(listed) < LIST_PAGE_SIZE):
                    break
                page += 1
        return jobs

    # -------------------------------------------------------------------------------------------- action calls

    def _action_items(self, reply):
        """Items of an action reply; a 2xx reply that is not a results list is ambiguous."""
        try:
            return self._results(reply)[0]
        except DrsApiError as exc:
            if reply.ok:
                raise _Ambiguous(exc, "server_error")
            raise

    def _action_chunk(self, suffix, chunk, deadline, reconcile, resend_unconfirmed, lag_window=0.0, resent=None, method="POST"):
        """Send one chunk of ``(job_id, request_item)``; re-send busy jobs and (after reconcile) unconfirmed ones.

        A whole-request 400 for a job's wrong state splits the chunk in halves, each sent on its own (nothing of the
        refused request was processed); ``resent`` (shared with those halves) holds the jobs sent again after an
        unknown outcome, whose first send may still have taken effect.
        """
        window_end = deadline if deadline is not None else self.monotonic() + DEFAULT_RETRY_WINDOW
        final = {}
        todo = list(chunk)
        rounds = 0
        resent = set() if resent is None else resent
        while todo:
            rounds += 1
            ids = [job_id for job_id, dummy in todo]
            unconfirmed, busy, reason, detail = [], [], None, None
            try:
                reply = self._request(method, self._drs_url(suffix), {"jobs": [entry for dummy, entry in todo]}, deadline,
                                      idempotent=False)
                items = self._action_items(reply)
            except _Ambiguous as exc:
                unconfirmed, reason, detail = list(ids), exc.reason, str(exc.error)
            except DrsError as exc:
                if _is_whole_request_wrong_state(exc) and len(todo) > 1:
                    half = len(todo) // 2
                    for part in (todo[:half], todo[half:]):
                        final.update(self._action_chunk(suffix, part, deadline, reconcile, resend_unconfirmed,
                                                        lag_window, resent, method))
                    break
                for job_id in ids:
                    final[job_id] = _failed_item(job_id, exc)
                if _is_whole_request_wrong_state(exc):
                    self._confirm_refused_resends([job_id for job_id in ids if job_id in resent], final, reconcile)
                break
            else:
                by_id = {}
                for item in items:
                    by_id.setdefault(item["id"], item)
                for job_id in ids:
                    item = by_id.get(job_id)
                    if item is None:
                        unconfirmed.append(job_id)
                        reason, detail = "server_error", "the reply of %s %s did not mention the job" % (reply.method, reply.url)
                    else:
                        final[job_id] = item
                        if is_busy(item):
                            busy.append(job_id)
                self._confirm_refused_resends([job_id for job_id in ids if job_id in resent and job_id not in busy],
                                              final, reconcile)
            if unconfirmed:
                unconfirmed = self._settle(unconfirmed, final, detail, reconcile, resend_unconfirmed, rounds,
                                           lag_window, deadline)
                resent.update(unconfirmed)
            retry = set(busy) | set(unconfirmed)
            if not retry:
                break
            delay = backoff_delay(min(rounds, 10), self.random)
            if self.monotonic() + delay >= window_end:
                for job_id in unconfirmed:
                    final[job_id] = _unknown_item(job_id, detail + "; no time left before the deadline to retry")
                break
            if busy:
                self._count("busy")
            if unconfirmed:
                self._count(reason)
            self.sleep(delay)
            todo = [(job_id, entry) for job_id, entry in todo if job_id in retry]
        return final

    def _confirm_refused_resends(self, ids, final, reconcile):
        """A re-sent job that DRS refused may be refused because the first send took effect after all (it was
        processed after the client gave up waiting, or DRS still shows ``CONFIGURATION`` for a job it is starting):
        ask ``reconcile`` again and count the ones it confirms. One refused as not startable (``DRS.M00304``) that
        ``reconcile`` does not confirm is ``unknown``: its first send may have been received."""
        refused = [job_id for job_id in ids if final.get(job_id, {}).get("status") != "success"]
        if not refused or reconcile is None:
            return
        try:
            done = set(reconcile(list(refused)) or ())
            problem = "re-reading the status does not show that it took effect (a start: the job still reads CONFIGURATION)"
        except DrsError as exc:
            done, problem = set(), "re-reading the status failed: %s" % exc
        for job_id in refused:
            if job_id in done:
                final[job_id] = _reconciled_item(job_id)
            elif final[job_id].get("error_code") == NOT_STARTABLE_CODE:
                final[job_id] = _unknown_item(job_id, "sent again after an unknown outcome, DRS refused it (%s: %s) and %s; "
                                                      "the first request may have been received"
                                              % (NOT_STARTABLE_CODE, final[job_id].get("error_msg"), problem))
            # any other refusal stands: it is the best information there is

    def _reconcile_for(self, ids, final, reconcile, lag_window, deadline):
        """Ask ``reconcile`` which of ``ids`` took effect (those succeed); with a ``lag_window``, ask again with backoff
        until it has passed (never past the deadline) while some are not confirmed. Returns ``(unconfirmed,
        cut_short)``, ``cut_short`` when the deadline ended the window early."""
        window_end = self.monotonic() + max(0.0, lag_window)
        limit = min(window_end, deadline) if deadline is not None else window_end
        polls = 0
        while True:
            done = set(reconcile(list(ids)) or ())
            for job_id in ids:
                if job_id in done:
                    final[job_id] = _reconciled_item(job_id)
            ids = [job_id for job_id in ids if job_id not in done]
            now = self.monotonic()
            if not ids or now >= limit:
                return ids, limit < window_end
            polls += 1
            self.sleep(min(backoff_delay(min(polls, 10), self.random), limit - now))

    def _settle(self, unconfirmed, final, detail, reconcile, resend_unconfirmed, rounds, lag_window=0.0, deadline=None):
        """Sort jobs with an unknown outcome: reconciled ones succeed; returns the ones to re-send."""
        if reconcile is not None:
            try:
                unconfirmed, cut_short = self._reconcile_for(unconfirmed, final, reconcile, lag_window, deadline)
            except DrsError as exc:
                for job_id in unconfirmed:
                    final[job_id] = _unknown_item(job_id, "%s; re-reading the status failed too: %s" % (detail, exc))
                return []
            if unconfirmed and cut_short:
                for job_id in unconfirmed:
                    final[job_id] = _unknown_item(job_id, "%s; the job still reads CONFIGURATION, and DRS may show that for a "
                                                          "while after accepting a start: no time left before the deadline "
                                                          "to wait %d s for it" % (detail, lag_window))
                return []
        elif not resend_unconfirmed:
            for job_id in unconfirmed:
                final[job_id] = _unknown_item(job_id, detail)
            return []
        if unconfirmed and rounds >= MAX_ATTEMPTS:
            for job_id in unconfirmed:
                final[job_id] = _unknown_item(job_id, "%s (gave up after %d attempts)" % (detail, rounds))
            return []
        return unconfirmed

    def _action(self, suffix, entries, deadline, reconcile, resend_unconfirmed, lag_window=0.0, method="POST"):
        ordered, seen = [], set()
        for job_id, entry in entries:
            if job_id not in seen:
                seen.add(job_id)
                ordered.append((job_id, entry))
        if not ordered:
            return {}
        self.connect(deadline)
        final = {}

        def send(chunk):
            part = self._action_chunk(suffix, chunk, deadline, reconcile, resend_unconfirmed, lag_window, method=method)
            answered = self.monotonic()
            for job_id in part:
                self.answered_at[job_id] = answered   # a thread per chunk: one key each, no two writers
            return part

        for part in self._map(send, chunked(ordered, self.batch_size)):
            final.update(part)
        return in_order([job_id for job_id, dummy in ordered], final)

    def batch_precheck(self, items, deadline=None, reconcile=None):
        """POST batch-precheck for ``[(job_id, precheck_mode)]`` -> ``id -> item``.

        After an ambiguous failure the jobs are re-sent (a repeated precheck only restarts the check) unless
        ``reconcile(ids)`` is given, which returns the ids whose precheck is known to have been submitted.
        """
        entries = [(str(job_id), {"job_id": str(job_id), "precheck_mode": mode or "forStartJob"}) for job_id, mode in items]
        return self._action("/batch-precheck", entries, deadline, reconcile, resend_unconfirmed=True)

    def batch_start(self, items, deadline=None, reconcile=None, lag_window=START_LAG_WINDOW):
        """POST batch-starting for ``[(job_id, start_time_ms_string_or_None)]`` -> ``id -> item``.

        After an ambiguous failure ``reconcile(ids)`` must return the ids already started or scheduled (no longer
        ``CONFIGURATION``); it is asked again for ``lag_window`` seconds (the start lag, see the module docstring)
        and only the jobs it has not confirmed by then are re-sent. Without ``reconcile`` such jobs get
        ``status: "unknown"`` and are never re-sent.
        """
        entries = []
        for job_id, start_time in items:
            entry = {"job_id": str(job_id)}
            if start_time not in (None, ""):
                entry["start_time"] = str(start_time)
            entries.append((str(job_id), entry))
        return self._action("/batch-starting", entries, deadline, reconcile, resend_unconfirmed=False, lag_window=lag_window)

    # -------------------------------------------------------------------------------------------- acting on started jobs

    def batch_pause(self, items, deadline=None, reconcile=None):
        """POST batch-pause-task for ``[(job_id, pause_mode)]`` -> ``id -> item``.

        After an ambiguous failure ``reconcile(ids)`` returns the ids already paused; the others are sent again (a
        pause sent twice pauses once; DRS refuses the second with ``DRS.M00304``, which then reads as unknown unless
        ``reconcile`` confirms it). Without ``reconcile`` such jobs are ``unknown``.
        """
        entries = [(str(job_id), {"job_id": str(job_id), "pause_mode": mode}) for job_id, mode in items]
        return self._action("/batch-pause-task", entries, deadline, reconcile, resend_unconfirmed=False)

    def batch_retry(self, ids, deadline=None, reconcile=None):
        """POST batch-retry-task for job ids (resume a paused job, retry a failed one) -> ``id -> item``.

        ``reconcile(ids)`` as for :meth:`batch_pause`: the ids that left their paused or failed state.
        """
        entries = [(str(job_id), {"job_id": str(job_id)}) for job_id in dedupe(ids)]
        return self._action("/batch-retry-task", entries, deadline, reconcile, resend_unconfirmed=False)

    def batch_stop(self, items, deadline=None, reconcile=None):
        """DELETE batch-jobs (with a JSON body) for ``[(job_id, delete_type)]``, ``delete_type`` being ``terminate``
        or ``force_terminate`` -> ``id -> item``.

        ``reconcile(ids)`` as for :meth:`batch_pause`: the ids that are stopping or stopped by now.
        """
        entries = []
        for job_id, delete_type in items:
            if delete_type not in ("terminate", "force_terminate"):
                raise DrsError("batch_stop: delete_type must be terminate or force_terminate, got %r" % (delete_type,))
            entries.append((str(job_id), {"job_id": str(job_id), "delete_type": delete_type}))
        return self._action("/batch-jobs", entries, deadline, reconcile, resend_unconfirmed=False, method="DELETE")
