"""A per-process cache for functions asked about many items at once (every token of a text)."""
from __future__ import annotations

from typing import Callable, Hashable


class MappedCache:
    """``compute`` of each item of a list, every distinct item computed once per process: one
    C-level dictionary lookup per item (an ``lru_cache`` call per item cost ~160 ns). Holding
    ``limit`` items, the cache is forgotten at once. ``compute`` must never return None."""

    def __init__(self, compute: Callable[[Hashable], object], limit: int):
        self._compute, self._limit = compute, limit
        self._values: dict = {}

    def __call__(self, items: list) -> list:
        values = list(map(self._values.get, items))
        if None in values:
            if len(self._values) >= self._limit:
                self._values.clear()
            values = [self._add(item) if value is None else value for item, value in zip(items, values)]
        return values

    def _add(self, item):
        value = self._values[item] = self._compute(item)
        return value
