"""The zip bytecode cache of the test virtual environments (scripts/zip_bytecode_cache.py): a module imported from a
zip file runs the code Python compiles from its source, compiled once per source text and named after the file being
imported; a cache entry that cannot be read is compiled again; ``off`` turns the cache off; ``--install`` makes every
Python of a venv use it.
"""

import marshal
import os
import subprocess
import sys
import traceback
import zipfile
import zipimport

import pytest

from conftest import COLLECTION_DIR, load_module

SCRIPT = os.path.join(COLLECTION_DIR, 'scripts', 'zip_bytecode_cache.py')
SOURCE = b'''
VALUE = 41


def fail():
    raise RuntimeError('from the zip')


class Thing:
    def method(self):
        return VALUE + 1
'''


@pytest.fixture(scope='module')
def cache():
    return load_module(SCRIPT, 'zip_bytecode_cache')


# zipimport's own compiler (in a venv that make created, the Python running these tests has the cache installed).
ZIPIMPORT_COMPILE = getattr(zipimport._compile_source, 'original', zipimport._compile_source)  # pylint: disable=protected-access


class CountingCompiler:
    """zipimport's own compiler, counting its calls."""

    def __init__(self):
        self.calls = 0

    def __call__(self, pathname, source):
        self.calls += 1
        return ZIPIMPORT_COMPILE(pathname, source)


def run(code):
    """Execute a code object; returns its namespace."""
    namespace = {}
    exec(code, namespace)  # pylint: disable=exec-used
    return namespace


def filenames(code):
    """co_filename of a code object and of every code object nested in it."""
    names = {code.co_filename}
    for constant in code.co_consts:
        if hasattr(constant, 'co_filename'):
            names |= filenames(constant)
    return names


def test_the_cache_is_in_the_venv_unless_the_environment_names_another_directory_or_turns_it_off(cache):
    assert cache.cache_directory({}, '/venv') == os.path.join('/venv', 'zip-bytecode-cache')
    assert cache.cache_directory({cache.ENV: '/elsewhere'}, '/venv') == '/elsewhere'
    assert cache.cache_directory({cache.ENV: 'relative'}, '/venv') == os.path.abspath('relative')
    for off in ('off', 'OFF', '', '0', 'false', 'no'):
        assert cache.cache_directory({cache.ENV: off}, '/venv') is None


def test_a_source_is_compiled_once_and_each_import_gets_code_named_after_its_own_path(cache, tmp_path):
    first_process = CountingCompiler()
    compile_cached = cache.caching_compiler(str(tmp_path), first_process)
    code = compile_cached('/tmp/a/payload.zip/pkg/mod.py', SOURCE)
    assert compile_cached('/tmp/a/payload.zip/pkg/mod.py', SOURCE) is code  # zipimport asks twice in a row
    assert first_process.calls == 1
    assert len(os.listdir(tmp_path)) == 1

    next_process = CountingCompiler()
    cached = cache.caching_compiler(str(tmp_path), next_process)('/tmp/b/payload.zip/pkg/mod.py', SOURCE)
    assert next_process.calls == 0
    assert filenames(cached) == {'/tmp/b/payload.zip/pkg/mod.py'}
    compiled_there = ZIPIMPORT_COMPILE('/tmp/b/payload.zip/pkg/mod.py', SOURCE)
    assert marshal.dumps(cached) == marshal.dumps(compiled_there)

    namespace = run(cached)
    assert namespace['Thing']().method() == 42
    with pytest.raises(RuntimeError) as raised:
        namespace['fail']()
    assert traceback.extract_tb(raised.value.__traceback__)[-1].filename == '/tmp/b/payload.zip/pkg/mod.py'


def test_a_changed_source_is_compiled_anew(cache, tmp_path):
    compiler = CountingCompiler()
    compile_cached = cache.caching_compiler(str(tmp_path), compiler)
    compile_cached('/p.zip/mod.py', SOURCE)
    changed = compile_cached('/p.zip/mod.py', SOURCE.replace(b'41', b'99'))
    assert compiler.calls == 2
    assert run(changed)['Thing']().method() == 100


def test_an_entry_that_cannot_be_read_is_compiled_again_and_replaced(cache, tmp_path):
    cache.caching_compiler(str(tmp_path), CountingCompiler())('/p.zip/mod.py', SOURCE)
    (entry,) = tmp_path.iterdir()
    for damage in (b'', b'\x00garbage', entry.read_bytes()[:20], b'\xe9\x03\x00\x00'):  # empty, junk, cut, an int
        entry.write_bytes(damage)
        compiler = CountingCompiler()
        code = cache.caching_compiler(str(tmp_path), compiler)('/q.zip/mod.py', SOURCE)
        assert compiler.calls == 1
        assert run(code)['Thing']().method() == 42
    assert [path.name for path in tmp_path.iterdir()] == [entry.name]  # replaced, no temporary file left
    compiler = CountingCompiler()
    code = cache.caching_compiler(str(tmp_path), compiler)('/r.zip/mod.py', SOURCE)
    assert (compiler.calls, code.co_filename) == (0, '/r.zip/mod.py')  # the replaced entry is read


def test_code_compiled_at_another_optimization_level_is_never_served(cache, tmp_path):
    source = b'def check():\n    assert False, "asserts run"\n    return __debug__\n'
    optimized = cache.caching_compiler(str(tmp_path), lambda path, text: compile(text, path, 'exec', optimize=1), 1)
    assert run(optimized('/p.zip/mod.py', source))['check']() is False   # -O: no assert, __debug__ False
    compiler = CountingCompiler()
    plain = cache.caching_compiler(str(tmp_path), compiler, 0)('/p.zip/mod.py', source)
    assert compiler.calls == 1 and len(os.listdir(tmp_path)) == 2
    with pytest.raises(AssertionError):
        run(plain)['check']()


def test_a_source_that_does_not_compile_raises_its_own_syntax_error_and_stores_nothing(cache, tmp_path):
    compile_cached = cache.caching_compiler(str(tmp_path / 'cache'), CountingCompiler())
    with pytest.raises(SyntaxError) as raised:
        compile_cached('/p.zip/broken.py', b'def broken(:\n')
    assert raised.value.__context__ is None and raised.value.filename == '/p.zip/broken.py'
    assert not (tmp_path / 'cache').exists()


def test_a_directory_that_cannot_be_written_only_costs_the_compiling(cache, tmp_path):
    blocked = tmp_path / 'file'
    blocked.write_text('not a directory')
    compiler = CountingCompiler()
    code = cache.caching_compiler(str(blocked / 'cache'), compiler)('/p.zip/mod.py', SOURCE)
    assert compiler.calls == 1
    assert run(code)['VALUE'] == 41


def installed_python(tmp_path, site_packages, cache_env):
    """Run a Python that reads ``site_packages`` as a site directory (its .pth files too) and imports from a zip."""
    payload = tmp_path / 'payload.zip'
    with zipfile.ZipFile(payload, 'w') as archive:
        archive.writestr('zipped_pkg/__init__.py', '')
        archive.writestr('zipped_pkg/mod.py', SOURCE)
    program = ('import site, sys, zipimport; site.addsitedir(%r); sys.path.insert(0, %r); '
               'from zipped_pkg import mod; '
               'print(getattr(zipimport._compile_source, "zip_bytecode_cache", None), mod.Thing().method(), '
               'mod.fail.__code__.co_filename)' % (str(site_packages), str(payload)))
    env = {name: value for name, value in os.environ.items() if name != 'DRS_ZIP_BYTECODE_CACHE'}
    env['DRS_ZIP_BYTECODE_CACHE'] = cache_env
    # -S: the site directory is read only where the program says so (not this venv's, which may have the cache).
    done = subprocess.run([sys.executable, '-S', '-c', program], env=env, capture_output=True, text=True, check=True)
    return done.stdout.split(), payload


def test_install_makes_python_use_the_cache_at_start_up_and_off_turns_it_off(cache, tmp_path):
    site_packages = tmp_path / 'site-packages'
    site_packages.mkdir()
    cache.install_into(str(site_packages))
    assert sorted(path.name for path in site_packages.iterdir()) == [
        '__pycache__', cache.MODULE_NAME + '.pth', cache.MODULE_NAME + '.py']
    assert [path.name.split('.')[0] for path in (site_packages / '__pycache__').iterdir()] == [cache.MODULE_NAME]

    directory = tmp_path / 'cache'
    (active, value, filename), payload = installed_python(tmp_path, site_packages, str(directory))
    assert (active, value, filename) == (str(directory), '42', str(payload / 'zipped_pkg' / 'mod.py'))
    entries = {path.name: path.stat().st_mtime_ns for path in directory.iterdir()}
    assert len(entries) == 2  # __init__.py and mod.py

    # The next process reads those entries (it writes none) and gets code named after its own zip file.
    moved = tmp_path / 'moved'
    moved.mkdir()
    (active, value, filename), payload = installed_python(moved, site_packages, str(directory))
    assert (active, value, filename) == (str(directory), '42', str(payload / 'zipped_pkg' / 'mod.py'))
    assert {path.name: path.stat().st_mtime_ns for path in directory.iterdir()} == entries

    (active, value, _filename), _payload = installed_python(tmp_path, site_packages, 'off')
    assert (active, value) == ('None', '42')


def test_the_installed_cache_keeps_zipimports_own_compiler(cache, tmp_path):
    site_packages = tmp_path / 'site-packages'
    site_packages.mkdir()
    cache.install_into(str(site_packages))
    program = ('import site, zipimport; original = zipimport._compile_source; site.addsitedir(%r); '
               'print(zipimport._compile_source is not original and zipimport._compile_source.original is original)'
               % str(site_packages))
    env = dict(os.environ, DRS_ZIP_BYTECODE_CACHE=str(tmp_path / 'cache'))
    done = subprocess.run([sys.executable, '-S', '-c', program], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == 'True'
