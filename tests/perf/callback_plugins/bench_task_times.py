"""Callback of the benchmark harness (tests/perf/bench.py): the wall-clock moments of every task, for its breakdown.

Enabled by the harness only for its own ansible-playbook runs (ANSIBLE_CALLBACK_PLUGINS and
ANSIBLE_CALLBACKS_ENABLED=bench_task_times). It keeps one record per event in memory, with the system-wide
monotonic clock that the harness uses as well, and writes them as JSON lines to $BENCH_TASK_LOG when the
playbook ends: ``play`` (a play starts), ``task`` (a task or handler starts: name, action), ``result`` (a host's
result of the current task: ok, failed, skipped, unreachable) and ``end`` (the stats, the last event). The
harness turns them into seconds per task (tests/perf/bench.py, task_times()).
"""

from __future__ import annotations

DOCUMENTATION = """
    name: bench_task_times
    type: aggregate
    short_description: Records when each task starts and ends (benchmark harness only)
    description:
      - Writes the monotonic time of every play, task and result as JSON lines to the file named by
        E(BENCH_TASK_LOG) when the playbook ends.
    requirements:
      - enabled in ANSIBLE_CALLBACKS_ENABLED, with E(BENCH_TASK_LOG) set
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'bench_task_times'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._events = []

    def _record(self, event, **fields):
        fields.update({'event': event, 't': time.monotonic()})
        self._events.append(fields)

    def v2_playbook_on_play_start(self, play):
        self._record('play', name=play.get_name())

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._record('task', name=task.get_name(), action=task.action)

    def v2_playbook_on_handler_task_start(self, task):
        self._record('task', name=task.get_name(), action=task.action)

    def v2_runner_on_ok(self, result):
        self._record('result', status='ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record('result', status='failed')

    def v2_runner_on_skipped(self, result):
        self._record('result', status='skipped')

    def v2_runner_on_unreachable(self, result):
        self._record('result', status='unreachable')

    def v2_playbook_on_stats(self, stats):
        self._record('end')
        path = os.environ.get('BENCH_TASK_LOG')
        if path:
            with open(path, 'a', encoding='utf-8') as handle:
                handle.writelines(json.dumps(event) + '\n' for event in self._events)
