"""Giving memory back after DuckDB's big reads.

DuckDB allocates through the jemalloc its library bundles, and jemalloc keeps the pages a query's
hash tables and sorts freed, to reuse them: at 1M accounts / 8M activities the activity cubes' one
read left 1–2 GB resident that no frame used, page after page (docs/scaling.md, **Memory**). Neither
DuckDB's `allocator_flush_threshold` nor its background threads returned them; asking its jemalloc
to purge its arenas (`arena.<all>.purge`, through the `duckdb_je_mallctl` the library exports)
does, in well under a millisecond when there is little to give back. Where the library does not
export it (another build, another platform) this does nothing.

The C heap keeps freed pages too: glibc's malloc serves numpy's arrays (a planner session's
per-account codes and distances, ~16 MB each at a million accounts) from per-thread arenas once
its mmap threshold has grown, and an arena keeps what its thread freed. `trim_heap` gives those
back (`malloc_trim`); the server's sweep calls it after sessions or memo entries went
(ui/memory_sweep.py), not after every read: it walks every arena.
"""
from __future__ import annotations

import ctypes
import threading

_ALL_ARENAS = b"arena.4096.purge"  # MALLCTL_ARENAS_ALL = 4096: every arena at once
_lock = threading.Lock()
_mallctl = None
_looked = False


def _duckdb_mallctl():
    global _mallctl, _looked
    with _lock:
        if not _looked:
            _looked = True
            try:
                import _duckdb

                _mallctl = ctypes.CDLL(_duckdb.__file__).duckdb_je_mallctl
                _mallctl.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t]
                _mallctl.restype = ctypes.c_int
            except (ImportError, OSError, AttributeError):
                _mallctl = None
    return _mallctl


def give_back() -> bool:
    """Return the pages DuckDB's allocator holds but no longer uses to the system; True if it could."""
    mallctl = _duckdb_mallctl()
    if mallctl is None:
        return False
    return mallctl(_ALL_ARENAS, None, None, None, 0) == 0


_libc_trim = None
_libc_looked = False


def trim_heap() -> bool:
    """Return the C heap's free pages to the system (glibc's `malloc_trim`); True if it could."""
    global _libc_trim, _libc_looked
    with _lock:
        if not _libc_looked:
            _libc_looked = True
            try:
                _libc_trim = ctypes.CDLL("libc.so.6").malloc_trim
                _libc_trim.argtypes, _libc_trim.restype = [ctypes.c_size_t], ctypes.c_int
            except (OSError, AttributeError):  # not glibc: nothing to ask
                _libc_trim = None
    if _libc_trim is None:
        return False
    _libc_trim(0)
    return True
