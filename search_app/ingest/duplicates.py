"""Group syndicated copies and near-duplicates (same story, another outlet, minor edits).

MinHash over word 3-shingles of the normalised body; candidates come from banded signature keys
kept in the store (locality-sensitive hashing), and join a group when their estimated Jaccard
similarity reaches ``THRESHOLD``. A group counts once in the index: its first article stands for
it and lists the others as "also published by".
"""
from __future__ import annotations

import functools
import hashlib

import numpy as np
from datasketch import MinHash

from ..models import Article
from ..store import Store
from ..text.normalize import normalized_tokens

NUM_PERM = 64
BANDS = 16  # 16 bands of 4 rows: pairs at Jaccard 0.7 become candidates with probability ~0.98
ROWS = NUM_PERM // BANDS
THRESHOLD = 0.7
MIN_TOKENS = 12  # too short to tell a copy from a template ("Shelling in X killed Y")
_SEED = 20111


def signature(text: str) -> np.ndarray | None:
    tokens = normalized_tokens(text)
    if len(tokens) < MIN_TOKENS:
        return None
    shingles = {f"{a} {b} {c}" for a, b, c in zip(tokens, tokens[1:], tokens[2:])}
    # datasketch's default hash (sha1_hash32: the first 4 bytes of SHA-1, little-endian) over all
    # shingles at once, and its permutations made once: the same values, a third of the time.
    digests = b"".join([hashlib.sha1(shingle.encode("utf-8")).digest()[:4] for shingle in shingles])
    template = _template()
    minhash = MinHash(num_perm=NUM_PERM, seed=_SEED, hashfunc=int, permutations=template.permutations,
                      scheme=template.scheme)
    minhash.update_batch(np.frombuffer(digests, dtype="<u4").tolist())
    return minhash.hashvalues.astype(np.uint32)


@functools.cache
def _template() -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=_SEED)


def band_keys(values: np.ndarray) -> list[int]:
    rows = values.reshape(BANDS, ROWS).astype(np.uint64)
    mixed = rows[:, 0] ^ (rows[:, 1] << np.uint64(16)) ^ (rows[:, 2] << np.uint64(32)) ^ (rows[:, 3] << np.uint64(40))
    return [int(key & np.uint64(0x7FFFFFFFFFFFFFFF)) for key in mixed]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(a == b))


_UNKNOWN = object()


def assign_group(store: Store, article: Article, values=_UNKNOWN) -> str | None:
    """Record the article's signature (``values``, when already computed from its body) and
    join it to the closest earlier group, if any.

    Returns the group it joined (the representative's id), or None when it stands alone.
    """
    if values is _UNKNOWN:
        values = signature(article.body)
    if values is None:
        store.save_signature(article.id, None, [])
        store.leave_group(article.id)
        return None
    keys = band_keys(values)
    best, best_score = None, THRESHOLD
    for candidate_id, candidate_values in store.signature_candidates(keys, exclude=article.id):
        score = similarity(values, np.frombuffer(candidate_values, dtype=np.uint32))
        if score >= best_score:
            best, best_score = candidate_id, score
    store.save_signature(article.id, values.tobytes(), keys)
    if best is None:
        store.leave_group(article.id)
        return None
    return store.join_group(article.id, best)
