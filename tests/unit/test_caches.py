"""The bounded caches: they never hold more than their bound and always answer what compute gives."""
import numpy as np

from search_app.search.matching import Matches, _LRU
from search_app.utils import MappedCache, remember


def test_remember_empties_a_full_cache_and_returns_the_value():
    cache: dict = {}
    for number in range(10):
        assert remember(cache, number, number * number, limit=4) == number * number
        assert len(cache) <= 4
    assert cache == {8: 64, 9: 81}


def test_mapped_cache_answers_every_item_across_the_bound():
    squares = MappedCache(lambda n: n * n, limit=3)
    assert squares(list(range(7))) == [n * n for n in range(7)]
    assert squares([6, 2, 6, 9]) == [36, 4, 36, 81]


def _matches(count: int) -> Matches:
    return Matches(np.arange(count, dtype=np.int32), np.ones(count, dtype=np.float32))


def test_byte_bounded_lru_keeps_the_recently_used_within_its_bytes():
    one = _matches(100)  # 800 bytes of arrays
    cache = _LRU(max_bytes=2 * (one.nbytes + 256), overhead=256)
    cache.put("a", one)
    cache.put("b", _matches(100))
    assert cache.get("a") is one  # "a" is now the most recently used
    cache.put("c", _matches(100))
    assert cache.get("b") is None and cache.get("a") is one and cache.get("c") is not None
    cache.put("huge", _matches(10_000))  # larger than the whole cache: not kept, nothing dropped
    assert cache.get("huge") is None and cache.get("a") is one
