"""The action plugin of the cloudops.drs modules: on the controller, clouds.yaml is searched where ansible-playbook was
started and in the playbook's directory (config_dirs); a task's own config_dirs and remote hosts are left alone.

The playbook runs that prove it end to end are in tests/unit/roles/test_clouds_yaml.py.
"""

import os
from unittest import mock

import pytest

from ansible.playbook.play_context import PlayContext

from ansible_collections.cloudops.drs.plugins.action import drs_batch_info, drs_batch_precheck, drs_batch_start
from ansible_collections.cloudops.drs.plugins.plugin_utils._action import DrsActionModule, controller_config_dirs


def run_action(plugin, args, transport, playbook_dir='/srv/playbooks'):
    """Run the action plugin of ``plugin`` for a task with ``args`` on a connection of ``transport``; return the
    module arguments it ran the module with."""
    task = mock.MagicMock(args=dict(args), async_val=0, check_mode=False, diff=False)
    connection = mock.MagicMock(transport=transport, has_native_async=False)
    connection._shell.tmpdir = None
    action = plugin.ActionModule(task, connection, PlayContext(), loader=None, templar=None, shared_loader_obj=None)
    with mock.patch.object(DrsActionModule, '_execute_module', return_value={'changed': False}) as execute:
        result = action.run(task_vars={'playbook_dir': playbook_dir})
    assert result['changed'] is False
    return execute.call_args.kwargs['module_args']


@pytest.mark.parametrize('plugin', [drs_batch_info, drs_batch_precheck, drs_batch_start])
def test_every_module_on_the_controller_searches_the_start_directory_then_the_playbook_directory(plugin):
    module_args = run_action(plugin, {'jobs': ['j']}, 'local')
    assert module_args == {'jobs': ['j'], 'config_dirs': [os.getcwd(), '/srv/playbooks']}


def test_config_dirs_set_on_the_task_are_kept_and_an_empty_list_means_the_standard_places_only():
    assert run_action(drs_batch_info, {'config_dirs': ['/etc/drs']}, 'local')['config_dirs'] == ['/etc/drs']
    assert run_action(drs_batch_info, {'config_dirs': []}, 'local')['config_dirs'] == []


def test_a_module_on_a_remote_host_gets_no_controller_directories():
    assert run_action(drs_batch_info, {'jobs': ['j']}, 'ssh') == {'jobs': ['j']}


def test_controller_directories_are_absolute_and_listed_once():
    assert controller_config_dirs('/work', '/work') == ['/work']
    assert controller_config_dirs('/work', None) == ['/work']
    assert controller_config_dirs('/work', 'playbooks/../pb') == ['/work', os.path.join(os.getcwd(), 'pb')]
