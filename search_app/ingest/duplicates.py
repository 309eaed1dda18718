"""Group syndicated copies and near-duplicates (same story, another outlet, minor edits).

MinHash over word 3-shingles of the normalised body; candidates come from banded signature keys
kept in the store (locality-sensitive hashing), and join a group when their estimated Jaccard
similarity reaches ``THRESHOLD``. A group counts once in the index: its first article stands for
it and lists the others as "also published by".
"""
from __future__ import annotations

import hashlib
import itertools
import logging

import numpy as np

from ..utils import MappedCache
from ..models import MAX_INDEXED_BODY_CHARS, Article
from ..store import Store
from ..text.normalize import normalized_tokens

log = logging.getLogger(__name__)

NUM_PERM = 64
BANDS = 16  # 16 bands of 4 rows: pairs at Jaccard 0.7 become candidates with probability ~0.98
ROWS = NUM_PERM // BANDS
THRESHOLD = 0.7
MIN_TOKENS = 12  # too short to tell a copy from a template ("Shelling in X killed Y")
_SEED = 20111
# Signatures of different schemes cannot be compared: a store records the scheme of its own, and
# ``resign_outdated`` recomputes them when it differs. 1 was datasketch's MinHash over SHA-1
# of each shingle; 2 is ``signature`` below, as accurate and much faster.
SIGNATURE_SCHEME = "2"

_U64 = np.uint64
_MULTIPLIERS = np.random.default_rng(_SEED).integers(0, 1 << 64, size=NUM_PERM, dtype=np.uint64) | _U64(1)
_OFFSETS = np.random.default_rng(_SEED + 1).integers(0, 1 << 64, size=NUM_PERM, dtype=np.uint64)
_SHINGLE_FIRST, _SHINGLE_SECOND = _U64(0x9E3779B97F4A7C15), _U64(0xC2B2AE3D27D4EB4F)


def signature(text: str) -> np.ndarray | None:
    """MinHash of the word 3-shingles of the normalised text: NUM_PERM unsigned 32-bit values.

    Each distinct word is hashed once (BLAKE2b, cached); a shingle's hash mixes its three words'
    (splitmix64's finaliser); each of the NUM_PERM hash functions is a multiply-shift
    ``(a * x + b) mod 2**64``, top 32 bits, minimised over the shingles. All of it is a few numpy
    operations per text, where hashing every shingle's string with SHA-1 and datasketch's
    Mersenne-prime permutations was a large share of ingesting an article. The minimum of a
    multiset is that of its set, so repeated shingles need no removing.
    """
    tokens = normalized_tokens(text[:MAX_INDEXED_BODY_CHARS])
    if len(tokens) < MIN_TOKENS:
        return None
    words = np.array(_token_hashes(tokens), dtype=np.uint64)
    shingles = _mix((words[:-2] * _SHINGLE_FIRST + words[1:-1]) * _SHINGLE_SECOND + words[2:])
    return ((shingles[:, None] * _MULTIPLIERS + _OFFSETS).min(axis=0) >> _U64(32)).astype(np.uint32)


def _token_hash(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")


_token_hashes = MappedCache(_token_hash, limit=1_000_000)


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit reaches every output bit (uint64 arithmetic wraps)."""
    values = values ^ (values >> _U64(30))
    values = values * _U64(0xBF58476D1CE4E5B9)
    values = values ^ (values >> _U64(27))
    values = values * _U64(0x94D049BB133111EB)
    return values ^ (values >> _U64(31))


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


def resign_outdated(store: Store, progress=None, batch_size: int = 1000) -> int:
    """Recompute the stored signatures when they were made by another ``SIGNATURE_SCHEME`` (an
    older program's), so new articles can be compared with them; returns how many. Groups
    already formed stay as they are. Batches commit one by one, so ingests elsewhere are
    never held up for long; the scheme is recorded once every signature is redone (an interrupted
    re-sign starts again). ``progress(articles, total, label)`` may wrap the articles (a bar)."""
    if store.meta_value("signature_scheme") == SIGNATURE_SCHEME:
        return 0
    ids = store.signed_article_ids()
    if ids:
        log.info("near-duplicate signatures: recomputing %d of them for scheme %s", len(ids), SIGNATURE_SCHEME)
        store.forget_signature_bands()  # old keys find nothing comparable; dropped at once, not one by one
    articles = store.get_many(ids)
    if progress is not None and ids:
        articles = progress(articles, len(ids), "near-duplicate signatures, once")
    articles = iter(articles)
    while batch := list(itertools.islice(articles, batch_size)):
        with store.transaction():
            for article in batch:
                values = signature(article.body)
                store.save_signature(article.id, None if values is None else values.tobytes(),
                                     [] if values is None else band_keys(values))
    store.set_meta_value("signature_scheme", SIGNATURE_SCHEME)
    return len(ids)
