# -*- coding: utf-8 -*-
# Copyright: (c) 2025, cloudops.drs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The action plugin of every cloudops.drs module (controller code): where a clouds.yaml is searched.

A module on a ``local`` connection runs in the playbook's directory (ansible-core changes to the loader's base
directory), which for the playbooks shipped in the collection is inside the installed collection; a ``clouds.yaml``
in the directory ``ansible-playbook`` was started from is then not found. When a task does not set ``config_dirs``
(``None``; an empty list is kept, to search only the standard places) and the module runs on the controller, this
plugin sets it to that directory and the playbook's directory. For a remote host it sets nothing: the controller's
paths mean nothing there, and the module searches the standard places of the host it runs on.

Everything else is what ansible-core's ``normal`` action does: run the module (asynchronously when asked).
"""

from __future__ import annotations

import os

from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash


def controller_config_dirs(cwd, playbook_dir):
    """The directories a module on the controller searches for clouds.yaml first: ``cwd``, then ``playbook_dir``
    (absolute, each once, leaving out what is not known)."""
    dirs = []
    for directory in (cwd, playbook_dir):
        if directory:
            directory = os.path.abspath(os.path.expanduser(str(directory)))
            if directory not in dirs:
                dirs.append(directory)
    return dirs


def runs_on_controller(connection):
    """True when the module runs on the controller: the task's (or its delegate's) connection is ``local``."""
    return getattr(connection, 'transport', None) == 'local'


class DrsActionModule(ActionBase):
    """Runs the cloudops.drs module of the task's name, with ``config_dirs`` set on the controller (see above)."""

    def run(self, tmp=None, task_vars=None):
        self._supports_async = True
        self._supports_check_mode = True
        result = super().run(tmp, task_vars)
        del tmp  # tmp no longer has any effect

        module_args = dict(self._task.args)
        if module_args.get('config_dirs') is None and runs_on_controller(self._connection):
            module_args['config_dirs'] = controller_config_dirs(os.getcwd(), (task_vars or {}).get('playbook_dir'))

        wrap_async = self._task.async_val and not self._connection.has_native_async
        result = merge_hash(result, self._execute_module(module_args=module_args, task_vars=task_vars, wrap_async=wrap_async))
        if not wrap_async:
            # remove a temporary path we created
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result
