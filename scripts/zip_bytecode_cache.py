"""A bytecode cache for modules imported from zip files, for the test virtual environments.

Every module task runs its AnsiballZ payload: ansible-core's module_utils and ours, imported from a zip file that
ansible-core writes afresh for each task. Python cannot write bytecode into a zip file, so each module process
compiles every module it imports from it (Python 3.11's zipimport even compiles each one twice: once to find its
file name, once to run it). That is about half of a module process's CPU time: a ``ping`` task costs 0.44 CPU s,
of which 0.22 is compiling.

``make`` installs it into each virtual environment it creates (``python scripts/zip_bytecode_cache.py --install``
with that environment's Python): a copy of this file in its site-packages and a ``.pth`` file that installs the cache
when Python starts. It replaces ``zipimport._compile_source`` with a version that keeps the compiled code
in ``<venv>/zip-bytecode-cache/``, one file per source text: the name is the SHA-256 of the bytecode format's magic
number, the optimization level (``-O``) and the source. So a changed source is a new entry, and Python compiles what it runs exactly as before; only
the compiling is done once. The code object's file name is set to the importing path each time, as importlib does
for cached bytecode, so tracebacks name the file being imported.

``DRS_ZIP_BYTECODE_CACHE`` overrides the directory; ``off`` (or empty) turns the cache off. ``make bench`` turns it
off, so that the benchmark measures the module processes that users run. A cache file that cannot be read or
written is ignored: the module is compiled as without the cache. Entries are small (a few MB for every module_util
of ansible-core and the collection) and stay until the venv goes (``make distclean``).
"""

import os
import sys
import zipimport

ENV = 'DRS_ZIP_BYTECODE_CACHE'
DIRECTORY_NAME = 'zip-bytecode-cache'
MODULE_NAME = '_cloudops_drs_zip_bytecode_cache'


def cache_directory(environ=None, prefix=None):
    """The cache directory to use (absolute), or None when the cache is off."""
    environ = os.environ if environ is None else environ
    value = environ.get(ENV)
    if value is None:
        return os.path.join(sys.prefix if prefix is None else prefix, DIRECTORY_NAME)
    if value.strip().lower() in ('', 'off', '0', 'false', 'no'):
        return None
    return os.path.abspath(value)


def caching_compiler(directory, compile_source, optimize=None):
    """A stand-in for ``zipimport._compile_source`` that keeps what ``compile_source`` returns in ``directory``.

    The key is the SHA-256 of the bytecode format's magic number, the optimization level (``-O``: zipimport compiles
    at the interpreter's level; ``optimize`` defaults to it) and the source. What it needs is imported on its first
    call: every Python of the venv installs it at start-up, and most never import from a zip file. Warnings that
    compiling a source emits (``SyntaxWarning``) come only from the process that compiles it.
    """
    level = sys.flags.optimize if optimize is None else optimize
    # zipimport asks for the same module twice in a row (get_filename, then get_code): the second is served here.
    # One entry, replaced by one assignment: two threads that import at once never mix theirs.
    last = [None]

    def compile_cached(pathname, source):
        import hashlib
        import marshal
        import _imp
        from importlib._bootstrap_external import MAGIC_NUMBER

        key = hashlib.sha256(MAGIC_NUMBER + b'%d:' % level + source).hexdigest()
        entry = last[0]
        if entry is not None and entry[0] == key and entry[1] == pathname:
            return entry[2]
        path = os.path.join(directory, key)
        code = None
        try:
            with open(path, 'rb') as handle:
                code = marshal.loads(handle.read())
        except Exception:  # a missing or damaged entry (of any kind): compile it (below)
            code = None
        if hasattr(code, 'co_filename'):
            _imp._fix_co_filename(code, pathname)
        else:
            # Outside the except clause: a source that does not compile raises its own error, unchained.
            code = compile_source(pathname, source)
            _store(directory, path, marshal.dumps(code))
        last[0] = (key, pathname, code)
        return code

    return compile_cached


def _store(directory, path, data):
    """Write ``data`` to ``path`` whole or not at all (a temporary file, then a rename); a failure is ignored."""
    import tempfile
    temporary = None
    try:
        os.makedirs(directory, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=directory, suffix='.tmp')
        with os.fdopen(handle, 'wb') as stream:
            stream.write(data)
        os.replace(temporary, path)
    except OSError:
        if temporary:
            try:
                os.unlink(temporary)
            except OSError:
                pass


def install():
    """Replace zipimport's compiler with the caching one, unless the cache is off (called from the .pth file).

    Nothing happens on a Python whose zipimport has no ``_compile_source`` (3.11 to 3.13 have it)."""
    original = getattr(zipimport, '_compile_source', None)
    directory = cache_directory()
    if directory and original is not None and not getattr(original, 'zip_bytecode_cache', None):
        compile_cached = caching_compiler(directory, original)
        compile_cached.zip_bytecode_cache = directory
        compile_cached.original = original
        zipimport._compile_source = compile_cached


def install_into(site_packages):
    """Copy this file into ``site_packages``, compiled (Python may not write bytecode: PYTHONDONTWRITEBYTECODE), with
    the .pth file that installs the cache at start-up."""
    import py_compile
    with open(os.path.abspath(__file__), 'rb') as handle:
        text = handle.read()
    installed = os.path.join(site_packages, MODULE_NAME + '.py')
    with open(installed, 'wb') as handle:
        handle.write(text)
    py_compile.compile(installed, doraise=True)
    with open(os.path.join(site_packages, MODULE_NAME + '.pth'), 'w', encoding='utf-8') as handle:
        handle.write('import %s as cache; cache.install()\n' % MODULE_NAME)


def main(argv):
    if argv != ['--install']:
        sys.exit('usage: <venv>/bin/python %s --install' % os.path.basename(__file__))
    import sysconfig
    site_packages = sysconfig.get_paths()['purelib']
    install_into(site_packages)
    print('zip bytecode cache installed in %s (cache: %s)' % (site_packages, cache_directory()))


if __name__ == '__main__':
    main(sys.argv[1:])
