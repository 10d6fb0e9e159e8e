#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2025, cloudops.drs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: drs_report_files
short_description: Write the report files of a cloudops.drs role run in one step
version_added: 1.0.0
description:
  - Writes text files (the Markdown and JUnit XML reports of the roles of this collection) in one module run, each
    one atomically (a temporary file in the same directory, then a rename), creating missing parent directories.
  - The role C(cloudops.drs.reports) uses it; one module run instead of a directory task and two copies makes every
    role run about four module runs shorter.
  - A file whose content and mode are already as asked is left alone.
  - Talks to no API, so it is not in the C(cloudops.drs.drs) action group and takes none of its connection options.
author:
  - cloudops DRS maintainers (@cloudops)
options:
  files:
    description:
      - The files to write.
    type: list
    elements: dict
    required: true
    suboptions:
      path:
        description:
          - Where to write the file. A relative path is relative to the working directory of the module.
        type: path
        required: true
      content:
        description:
          - The text to write (UTF-8).
        type: str
        required: true
  mode:
    description:
      - Permissions of every file written, as an octal string such as V('0644').
    type: str
    default: '0644'
  directory_mode:
    description:
      - Permissions of the parent directories this module creates (existing directories are left as they are).
    type: str
    default: '0755'
attributes:
  check_mode:
    support: full
    details:
      - In check mode nothing is written; RV(files[].changed) says which files would change.
  diff_mode:
    support: none
  idempotent:
    support: full
extends_documentation_fragment:
  - cloudops.drs.drs.attributes
'''

EXAMPLES = r'''
- name: Write two report files
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Write the Markdown and JUnit reports of a run
      cloudops.drs.drs_report_files:
        files:
          - path: "{{ playbook_dir }}/reports/wave-1.md"
            content: "# DRS precheck and start: wave 1\n"
          - path: "{{ playbook_dir }}/reports/wave-1.xml"
            content: "<testsuites/>\n"
'''

RETURN = r'''
files:
  description: Each file of O(files), in the same order.
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: The path of the file.
      returned: always
      type: str
      sample: /srv/reports/wave-1.md
    changed:
      description: Whether the content or the mode of the file changed (in check mode, would change).
      returned: always
      type: bool
      sample: true
'''

import os
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes, to_native


def make_parents(module, path, directory_mode):
    """Create the missing parent directories of ``path`` with ``directory_mode``; return whether any was made."""
    missing = []
    parent = os.path.dirname(os.path.abspath(path))
    while parent and not os.path.isdir(parent):
        missing.append(parent)
        parent = os.path.dirname(parent)
    if not missing or module.check_mode:
        return bool(missing)
    for directory in reversed(missing):
        os.mkdir(directory)
        module.set_mode_if_different(directory, directory_mode, True)
    return True


def write_file(module, path, content, mode, directory_mode):
    """Write one file atomically unless it already holds ``content``; set its mode; return whether it changed."""
    data = to_bytes(content, errors='surrogate_or_strict')
    changed = True
    if os.path.isfile(path):
        with open(path, 'rb') as handle:
            changed = handle.read() != data
    elif os.path.exists(path):
        raise OSError('it exists and is not a regular file')
    changed = make_parents(module, path, directory_mode) or changed
    if changed and not module.check_mode:
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)),
                                             prefix='.%s.' % os.path.basename(path))
        try:
            with os.fdopen(handle, 'wb') as output:
                output.write(data)
            module.atomic_move(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    if os.path.exists(path):
        changed = module.set_mode_if_different(path, mode, changed)
    return changed


def main():
    module = AnsibleModule(
        argument_spec=dict(
            files=dict(type='list', elements='dict', required=True, options=dict(
                path=dict(type='path', required=True),
                content=dict(type='str', required=True),
            )),
            mode=dict(type='str', default='0644'),
            directory_mode=dict(type='str', default='0755'),
        ),
        supports_check_mode=True,
    )
    results = []
    for entry in module.params['files']:
        try:
            changed = write_file(module, entry['path'], entry['content'], module.params['mode'],
                                 module.params['directory_mode'])
        except (IOError, OSError) as exc:
            module.fail_json(msg='Cannot write %s: %s' % (entry['path'], to_native(exc)), files=results)
        results.append(dict(path=entry['path'], changed=changed))
    module.exit_json(changed=any(result['changed'] for result in results), files=results)


if __name__ == '__main__':
    main()
