# -*- coding: utf-8 -*-
# Copyright: (c) 2025, cloudops.drs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Action plugin of cloudops.drs.drs_batch_pause: on the controller, clouds.yaml is searched where ansible-playbook was started
and in the playbook's directory first (plugins/plugin_utils/_action.py)."""

from __future__ import annotations

from ansible_collections.cloudops.drs.plugins.plugin_utils._action import DrsActionModule


class ActionModule(DrsActionModule):
    pass
