"""Lay the collection out as ``<dest>/ansible_collections/<namespace>/<name>`` for ansible-test.

ansible-test and ``import ansible_collections.cloudops.drs...`` need the collection in a directory
named after its namespace and name. This copies the collection's files there:

* in a git work tree: the files git knows about, tracked or untracked but not ignored
  (``git ls-files --cached --others --exclude-standard``), minus deleted ones;
* elsewhere (an unpacked tarball, say): every file except virtual environments, caches and output.

It is a sync, not a fresh copy: unchanged files keep their timestamps, files that are gone from the
source are removed, and the laid-out tree's own output (``tests/output/`` and the generated
``tests/integration/integration_config.yml``) is left alone.

Usage: layout_collection.py SOURCE_DIR DEST_DIR
"""

import errno
import filecmp
import os
import shutil
import subprocess
import sys

# Top-level paths of the source tree that never belong in the laid-out collection.
EXCLUDED_TOP = ('.git', '.ansible', 'build', 'results', '.ci-local')
EXCLUDED_TOP_PREFIXES = ('.venv',)
# Directory names skipped anywhere (only used when the source is not a git work tree).
EXCLUDED_DIRS = ('__pycache__', '.pytest_cache', '.hypothesis', '.tox', '.mypy_cache', '.ruff_cache')
EXCLUDED_SUFFIXES = ('.pyc', '.pyo', '.tar.gz')
# Paths in the destination that belong to the laid-out tree itself and survive a sync.
PRESERVED_IN_DEST = ('tests/output/', 'tests/integration/integration_config.yml')


def is_excluded(rel_path):
    """Tell whether a source path (relative, '/'-separated) stays out of the laid-out tree."""
    parts = rel_path.split('/')
    top = parts[0]
    if top in EXCLUDED_TOP or top.startswith(EXCLUDED_TOP_PREFIXES):
        return True
    if any(part in EXCLUDED_DIRS for part in parts[:-1]):
        return True
    if rel_path.startswith('tests/output/') or rel_path == 'tests/integration/integration_config.yml':
        return True
    return rel_path.endswith(EXCLUDED_SUFFIXES)


def git_files(source):
    """Files git lists in ``source`` (relative paths), or None when ``source`` is not in a git work tree."""
    try:
        inside = subprocess.run(['git', 'rev-parse', '--is-inside-work-tree'], cwd=source,
                                capture_output=True, text=True, check=False)
    except OSError:
        return None
    if inside.returncode != 0 or inside.stdout.strip() != 'true':
        return None
    listed = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
                            cwd=source, capture_output=True, check=True).stdout
    paths = [p for p in listed.decode('utf-8').split('\0') if p]
    # --cached still lists files deleted from the work tree; skip what is not there.
    return [p for p in paths if os.path.lexists(os.path.join(source, p))]


def walked_files(source):
    """Every file below ``source`` (relative paths), pruning excluded directories early."""
    found = []
    for root, dirs, files in os.walk(source):
        rel_root = os.path.relpath(root, source).replace(os.sep, '/')
        rel_root = '' if rel_root == '.' else rel_root + '/'
        dirs[:] = [d for d in dirs if d not in EXCLUDED_DIRS and not is_excluded(rel_root + d + '/x')]
        found.extend(rel_root + name for name in files)
    return found


def same_file(src, dst):
    """Tell whether ``dst`` already is an up-to-date copy of ``src`` (content and mode)."""
    if os.path.islink(src) or os.path.islink(dst):
        return os.path.islink(src) and os.path.islink(dst) and os.readlink(src) == os.readlink(dst)
    if not os.path.isfile(dst):
        return False
    if (os.stat(src).st_mode & 0o777) != (os.stat(dst).st_mode & 0o777):
        return False
    return filecmp.cmp(src, dst, shallow=False)


def copy_file(src, dst):
    """Copy one file (or symlink) with its mode bits; the executable bit matters to ansible-test."""
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    if os.path.lexists(dst) or os.path.isdir(dst):
        if os.path.isdir(dst) and not os.path.islink(dst):
            shutil.rmtree(dst)
        else:
            os.unlink(dst)
    if os.path.islink(src):
        os.symlink(os.readlink(src), dst)
    else:
        shutil.copy2(src, dst)


def preserved(rel_path):
    """Tell whether a destination path is the laid-out tree's own output."""
    return any(rel_path == keep or rel_path.startswith(keep) for keep in PRESERVED_IN_DEST)


def remove_stale(dest, wanted):
    """Delete destination files that the source no longer has, then empty directories.

    Tests may run in the laid-out tree meanwhile (``make test`` runs steps in the background; their Python writes
    ``__pycache__`` there): a file that is gone before it is deleted, or a directory that is filled or removed
    before it is, is left to them."""
    removed = 0
    for root, dirs, files in os.walk(dest, topdown=False):
        rel_root = os.path.relpath(root, dest).replace(os.sep, '/')
        rel_root = '' if rel_root == '.' else rel_root + '/'
        for name in files + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            rel_path = rel_root + name
            if rel_path not in wanted and not preserved(rel_path):
                try:
                    os.unlink(os.path.join(root, name))
                except FileNotFoundError:
                    continue
                removed += 1
        if rel_root and not preserved(rel_root):
            try:
                if not os.listdir(root):
                    os.rmdir(root)
            except OSError as error:
                if error.errno not in (errno.ENOENT, errno.ENOTEMPTY, errno.EEXIST):
                    raise
    return removed


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    source, dest = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    inside = dest.startswith(source + os.sep)
    if dest == source or (inside and not is_excluded(os.path.relpath(dest, source).replace(os.sep, '/'))):
        sys.stderr.write('layout_collection: destination %s must be outside the copied files\n' % dest)
        return 2

    files = git_files(source)
    origin = 'git'
    if files is None:
        files = walked_files(source)
        origin = 'directory walk'
    wanted = sorted(p for p in files if not is_excluded(p))

    os.makedirs(dest, exist_ok=True)
    copied = 0
    for rel_path in wanted:
        src, dst = os.path.join(source, rel_path), os.path.join(dest, rel_path)
        if not same_file(src, dst):
            copy_file(src, dst)
            copied += 1
    removed = remove_stale(dest, set(wanted))
    print('Laid out %d files (%s) in %s: %d copied, %d removed' % (len(wanted), origin, os.path.relpath(dest), copied, removed))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
