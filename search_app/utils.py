"""Small process-level helpers shared by enrichment, ingest and the index build."""
from __future__ import annotations

import ctypes
import os
import signal
import sys
from typing import Callable, Hashable

_PR_SET_PDEATHSIG = 1


def remember(cache: dict, key, value, limit: int):
    """Store ``value`` under ``key`` and return it; a cache already holding ``limit`` entries is
    first emptied. The caches of per-word results use this: they stay plain dicts, so a hit is one
    C-level lookup, where an LRU's bookkeeping on every hit would cost more than it saves (the words
    that recur refill an emptied cache at once)."""
    if len(cache) >= limit:
        cache.clear()
    cache[key] = value
    return value


class MappedCache:
    """``compute`` of each item of a list, every distinct item computed once per process: one
    C-level dictionary lookup per item, not a Python call (``lru_cache``'s) per item. Bounded by
    ``remember``. ``compute`` must never return None."""

    def __init__(self, compute: Callable[[Hashable], object], limit: int):
        self._compute, self._limit = compute, limit
        self._values: dict = {}

    def __call__(self, items: list) -> list:
        values = list(map(self._values.get, items))
        if None in values:
            values = [self._add(item) if value is None else value for item, value in zip(items, values)]
        return values

    def _add(self, item):
        return remember(self._values, item, self._compute(item), self._limit)


def die_with_parent(parent_pid: int) -> None:
    """In a forked helper: be killed when ``parent_pid`` dies. A helper blocked on a queue never
    notices its parent is gone, and a build's helpers hold a gigabyte each. (Linux only.)"""
    if not sys.platform.startswith("linux"):
        return
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(1)
