"""Tables built once from the package's reference data (the gazetteer's name index, CLDR's
country names, the glossary's trie), kept between processes in the user's cache directory.

Building them normalises every name of every place, actor, country and glossary term: ~150 ms,
a third of a small index's cold start, paid again by every new process (a web worker's first
query, a CLI search). Unpickling the built tables takes ~12 ms. A table is stored under a
fingerprint of everything it is built from: the package's files (sizes and modification times,
as Python checks its own bytecode), the Python, Babel (CLDR) and PyStemmer it runs with. Any
change there builds afresh, so a stored table is only ever the one the code would build now.

The directory: the ``cache_dir`` setting (``SEARCH_APP_CACHE_DIR``, else cache/ in the data
folder), beside the compiled dictionary; created private to the user. When it cannot be written
the tables are simply built in every process, as before.
"""
from __future__ import annotations

import functools
import gc
import hashlib
import os
import pickle
import sys
import threading
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent
_UNSET = object()


def cached_table(build):
    """Decorator for a function of no arguments building a table: built (or read from the
    cache directory) once per process, like ``lru_cache``; ``cache_clear()`` forgets it."""
    name = f"{build.__module__}.{build.__qualname__}"
    lock = threading.Lock()
    value = _UNSET

    @functools.wraps(build)
    def table():
        nonlocal value
        if value is _UNSET:
            with lock:
                if value is _UNSET:
                    value = _load_or_build(name, build)
        return value

    def cache_clear() -> None:
        nonlocal value
        value = _UNSET

    table.cache_clear = cache_clear
    return table


def cache_dir() -> Path:
    """The settings' cache folder: tables are built where no ``Settings`` is passed (module level)."""
    from ..settings import Settings

    return Settings.from_env().cache_dir


def _load_or_build(name: str, build):
    try:
        directory = cache_dir()
    except ValueError:  # a malformed SEARCH_APP_* variable: the command that reads it says so
        return build()
    # One slot per installed copy of the package, so two checkouts (or versions) run by one user
    # keep a table each instead of replacing each other's on every start.
    slot = f"{name}-{hashlib.sha256(str(_PACKAGE).encode()).hexdigest()[:8]}"
    path = directory / f"{slot}-{fingerprint()}.pickle"
    try:
        if path.stat().st_uid == os.getuid():  # only a file this user wrote
            with open(path, "rb") as handle:
                return _unpickled(handle.read())
    except Exception:  # noqa: BLE001 - missing, unreadable or from elsewhere: build it again
        pass
    value = build()
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with open(partial, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)
        for stale in directory.glob(f"{slot}-*.pickle"):  # built by an earlier state of this copy
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:
        pass
    return value


def _unpickled(data: bytes):
    """Without the cyclic garbage collector meanwhile: unpickling creates tens of thousands of
    dicts and tuples, each batch of which would start a collection (half the time). Then the
    objects alive (the table, the modules' own) are moved out of the collector's generations
    (``gc.freeze``): they live as long as the process, and every later full collection would
    walk them again (~30 ms of a small index's first query)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


@functools.lru_cache(maxsize=1)
def fingerprint() -> str:
    """What the tables are built from: the package's files, Python, Babel's CLDR, PyStemmer."""
    import babel
    import Stemmer

    digest = hashlib.sha256(f"{sys.version}\0{babel.__version__}\0".encode())
    files = [Path(Stemmer.__file__)] + sorted(_package_files(_PACKAGE))
    for path in files:
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()[:24]


def _package_files(directory: Path):
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    yield from _package_files(Path(entry.path))
            elif not entry.name.endswith((".pyc", ".mo")):
                yield Path(entry.path)
