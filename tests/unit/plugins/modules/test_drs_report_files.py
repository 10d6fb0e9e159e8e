"""cloudops.drs.drs_report_files: writes each file atomically, creates parents, leaves what is already right alone."""

import os
import stat

from ansible_collections.cloudops.drs.plugins.modules import drs_report_files

from utils import assert_matches_return_doc, run_module


def run(args, check_mode=False):
    return run_module(drs_report_files, args, drs=None, check_mode=check_mode, auth=False)


def mode_of(path):
    return stat.S_IMODE(os.stat(str(path)).st_mode)


def test_writes_every_file_and_creates_the_missing_directories(tmp_path):
    markdown, junit = tmp_path / 'a' / 'b' / 'run.md', tmp_path / 'a' / 'b' / 'run.xml'
    result = run({'files': [{'path': str(markdown), 'content': '# Report\n| x |\n'},
                            {'path': str(junit), 'content': '<testsuites/>\n'}]})
    assert result.get('failed') is not True, result
    assert result['changed'] is True
    assert result['files'] == [{'path': str(markdown), 'changed': True}, {'path': str(junit), 'changed': True}]
    assert markdown.read_text(encoding='utf-8') == '# Report\n| x |\n'
    assert junit.read_text(encoding='utf-8') == '<testsuites/>\n'
    assert (mode_of(markdown), mode_of(junit)) == (0o644, 0o644)
    assert (mode_of(tmp_path / 'a'), mode_of(tmp_path / 'a' / 'b')) == (0o755, 0o755)
    assert sorted(os.listdir(str(tmp_path / 'a' / 'b'))) == ['run.md', 'run.xml']   # no temporary file left
    assert_matches_return_doc(drs_report_files, result)


def test_a_second_run_with_the_same_content_changes_nothing(tmp_path):
    path = tmp_path / 'run.md'
    args = {'files': [{'path': str(path), 'content': 'same\n'}]}
    run(args)
    before = os.stat(str(path)).st_mtime_ns
    result = run(args)
    assert result['changed'] is False and result['files'] == [{'path': str(path), 'changed': False}]
    assert os.stat(str(path)).st_mtime_ns == before


def test_new_content_or_a_different_mode_is_a_change(tmp_path):
    path = tmp_path / 'run.md'
    run({'files': [{'path': str(path), 'content': 'old\n'}]})
    assert run({'files': [{'path': str(path), 'content': 'new ü\n'}]})['changed'] is True
    assert path.read_text(encoding='utf-8') == 'new ü\n'
    result = run({'files': [{'path': str(path), 'content': 'new ü\n'}], 'mode': '0600'})
    assert result['changed'] is True and mode_of(path) == 0o600


def test_check_mode_writes_nothing_and_says_what_would_change(tmp_path):
    existing, new = tmp_path / 'same.md', tmp_path / 'sub' / 'new.xml'
    run({'files': [{'path': str(existing), 'content': 'kept\n'}]})
    result = run({'files': [{'path': str(existing), 'content': 'kept\n'}, {'path': str(new), 'content': '<x/>\n'}]},
                 check_mode=True)
    assert result['changed'] is True
    assert result['files'] == [{'path': str(existing), 'changed': False}, {'path': str(new), 'changed': True}]
    assert not (tmp_path / 'sub').exists()


def test_a_path_that_is_a_directory_fails_with_the_path_and_keeps_what_was_written(tmp_path):
    first, directory = tmp_path / 'first.md', tmp_path / 'taken'
    directory.mkdir()
    result = run({'files': [{'path': str(first), 'content': 'one\n'}, {'path': str(directory), 'content': 'two\n'}]})
    assert result['failed'] is True
    assert result['msg'] == 'Cannot write %s: it exists and is not a regular file' % directory
    assert result['files'] == [{'path': str(first), 'changed': True}]
    assert first.read_text(encoding='utf-8') == 'one\n'
