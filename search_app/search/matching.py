"""Match and score a Whoosh query with numpy arrays: the same documents and BM25F scores as
Whoosh's matchers, without walking them one document at a time in Python.

Whoosh evaluates a query by stepping a tree of matchers through every matching document; an
expanded query ("conscription Hama" is some sixty terms and phrases) over 100,000 articles costs
seconds that way. Here each term's postings are read once, block by block, into arrays (ids,
weights), kept in a bounded cache for the index generation, and combined with array operations:

* Term: ids and ``boost * BM25F(weight, field length)`` with Whoosh's own scorer parameters (idf,
  average length, B, K1) and the field lengths Whoosh stores (one byte a document, decoded with
  its table); fields that are not scorable score their weight, as Whoosh does;
* Or: union, scores summed; And: intersection, scores summed; AndNot: the positive side's ids
  and scores without the negative side's ids; a compound boost multiplies;
* Phrase: documents having every word (intersection), then positions read for those documents
  only and checked for consecutive runs; the score is the sum of the words' term scores times
  the boost (Whoosh scores a phrase by its SpanNear2 intersection the same way);
* anything else (Prefix, Every, ...) is handed to Whoosh's matcher and read out, ids and scores.

Deleted documents never match. Results are ``(ids, scores)``: sorted unique document numbers
and float64 scores; sums may differ from Whoosh's in the last bit (addition order).

Everything cached belongs to one generation (an index never changes under it), so a new
generation gets a new ``QueryEvaluator``. Readers are not thread-safe, so every call takes the
calling thread's searcher; the caches are shared and guarded by a lock.
"""
from __future__ import annotations

import threading
from math import log
from dataclasses import dataclass

import numpy as np
from cachetools import LRUCache
from whoosh import formats
from whoosh import query as wq
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from ..index.postings import GenerationArrays, decode_positions, decode_postings, leaf_readers, read_postings
from ..index.whoosh_internals import has_field_specific_b, length_bytes

_LENGTH_TABLE = np.array([byte_to_length(i) for i in range(256)], dtype=np.float64)
_EMPTY_IDS = np.zeros(0, dtype=np.int32)
_EMPTY_SCORES = np.zeros(0, dtype=np.float64)


@dataclass(frozen=True)
class Matches:
    ids: np.ndarray  # int32, sorted, unique document numbers
    scores: np.ndarray  # float64, one per id

    @property
    def nbytes(self) -> int:
        return self.ids.nbytes + self.scores.nbytes


EMPTY = Matches(_EMPTY_IDS, _EMPTY_SCORES)


class _LRU:
    """A least-recently-used cache bounded by the bytes of its arrays (``nbytes``) plus
    ``overhead`` bytes an entry, shared by the threads that search one generation."""

    def __init__(self, max_bytes: int, overhead: int):
        self._items = LRUCache(max_bytes, getsizeof=lambda value: value.nbytes + overhead)
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            return self._items.get(key)

    def put(self, key, value) -> None:
        with self._lock:
            try:
                self._items[key] = value
            except ValueError:  # larger than the whole cache: not kept
                pass


def _common(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For sorted unique arrays: (positions in ``a``, positions in ``b``) of the values both hold.
    A binary search of the shorter in the longer (``np.intersect1d`` sorts both again)."""
    if len(a) > len(b):
        in_b, in_a = _common(b, a)
        return in_a, in_b
    if not len(a):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    where = np.searchsorted(b, a)
    where[where == len(b)] = 0
    hit = b[where] == a
    return np.flatnonzero(hit), where[hit]


def _contains(sorted_values: np.ndarray, items: np.ndarray) -> np.ndarray:
    """Mask over ``items``: which of them ``sorted_values`` (sorted) holds."""
    if not len(sorted_values):
        return np.zeros(len(items), dtype=bool)
    where = np.searchsorted(sorted_values, items)
    where[where == len(sorted_values)] = 0
    return sorted_values[where] == items


class _Postings:
    """One term's postings in one generation: document numbers and weights as arrays."""

    __slots__ = ("ids", "weights")

    def __init__(self, ids: np.ndarray, weights: np.ndarray):
        self.ids, self.weights = ids, weights

    def position_ends(self) -> np.ndarray:
        """Running sum of the weights: where each posting's positions end, counted over the
        term's postings in every segment (a phrase word's positions are found from these)."""
        return np.cumsum(self.weights.astype(np.int64))

    @property
    def nbytes(self) -> int:
        return self.ids.nbytes + self.weights.nbytes


def candidate_positions(reader, fieldname: str, btext: bytes, candidates: np.ndarray, arrays, postings=None):
    """(ids, positions, counts) of a term's postings in the sorted ``candidates`` alone (global
    ids; every candidate has the term): from saved positions where a segment has them, else from
    the posting blocks that hold some candidate. With the term's ``postings`` (all segments, as
    read for the generation) saved positions are found from their weights, without reading the
    segment's postings again."""
    ids_parts, position_parts, count_parts = [], [], []
    text = None
    ends = postings.position_ends() if postings is not None else None
    for segment_reader, offset in leaf_readers(reader):
        size = segment_reader.doc_count_all()
        first, last = np.searchsorted(candidates, (offset, offset + size))
        if first == last:
            continue
        local = candidates[first:last].astype(np.int64) - offset
        saved = arrays.for_segment(segment_reader) if arrays is not None else None
        found = None
        if saved is not None:
            text = text if text is not None else reader.schema[fieldname].from_bytes(btext)
            if ends is not None:
                found = _saved_positions(saved, fieldname, text, postings, ends, candidates[first:last], offset)
            else:
                found = saved.positions(fieldname, text, local)
        if found is None:
            ids, _, values = decode_postings(segment_reader, fieldname, btext, only=local)
            positions, counts = decode_positions(values)
            found = ids, positions, counts
        ids_parts.append(found[0] + offset)
        position_parts.append(found[1])
        count_parts.append(found[2])
    if not ids_parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(ids_parts), np.concatenate(position_parts), np.concatenate(count_parts)


def _saved_positions(saved, fieldname: str, text, postings, ends: np.ndarray, chosen_ids: np.ndarray, offset: int):
    """(local ids, positions, counts) of ``chosen_ids`` (global, in one segment starting at
    ``offset``) from the segment's saved positions, placed by the term's weights (a posting's
    positions number its weight); None when the segment has no positions of the term."""
    where = np.searchsorted(postings.ids, chosen_ids)
    segment_first = int(np.searchsorted(postings.ids, offset))
    before = int(ends[segment_first - 1]) if segment_first else 0
    counts = postings.weights[where].astype(np.int64)
    positions = saved.positions_at(fieldname, text, ends[where] - counts - before, counts)
    if positions is None:
        return None
    return chosen_ids.astype(np.int64) - offset, positions, counts


def field_lengths(reader, fieldname: str, doc_count: int) -> np.ndarray:
    """Every document's length in ``fieldname`` as Whoosh's scorer sees it (decoded length byte;
    1 where a segment keeps no lengths for the field)."""
    lengths = np.ones(doc_count, dtype=np.float64)
    for segment, offset in leaf_readers(reader):
        count = segment.doc_count_all()
        stored = length_bytes(segment, fieldname)
        if stored is None:
            continue
        raw = np.frombuffer(stored, dtype=np.uint8)
        codes = np.zeros(count, dtype=np.uint8)
        codes[:min(count, len(raw))] = raw[:count]
        lengths[offset:offset + count] = _LENGTH_TABLE[codes]
    return lengths


class QueryEvaluator:
    """Array evaluation of queries over one generation, with its postings and match caches."""

    def __init__(self, doc_count: int, live: np.ndarray, postings_bytes: int = 96 << 20,
                 matches_bytes: int = 48 << 20, arrays: GenerationArrays | None = None):
        self.doc_count = doc_count
        self.arrays = arrays
        self.live = live
        self.has_deletions = not bool(live.all())
        self._postings = _LRU(postings_bytes, overhead=128)
        self._matches = _LRU(matches_bytes, overhead=256)
        self._phrases = _LRU(matches_bytes // 2, overhead=256)
        self._averages: dict[str, float] = {}
        self._lengths: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    # -- public ---------------------------------------------------------------------------

    def evaluate(self, searcher, query) -> Matches:
        """Matching live documents and their scores; cached per query for this generation."""
        try:
            hash(query)
            key = query
        except TypeError:  # an unhashable query: evaluate without the cache
            key = None
        if key is not None:
            cached = self._matches.get(key)
            if cached is not None:
                return cached
        found = self._eval(searcher, query)
        if self.has_deletions and len(found.ids):
            keep = self.live[found.ids]
            found = Matches(found.ids[keep], found.scores[keep])
        if key is not None:
            self._matches.put(key, found)
        return found

    # -- evaluation -----------------------------------------------------------------------

    def _eval(self, searcher, query) -> Matches:
        kind = type(query)
        if kind is wq.Term:
            return self._term(searcher, query.fieldname, query.text, query.boost)
        if kind is wq.Or and not query.scale and not query.minmatch:
            return self._boosted(self._union([self._eval(searcher, q) for q in query.subqueries]), query.boost)
        if kind is wq.And:
            return self._boosted(self._intersection([self._eval(searcher, q) for q in query.subqueries]),
                                 query.boost)
        if kind is wq.AndNot:
            positive = self._eval(searcher, query.a)
            negative = self._eval(searcher, query.b)
            keep = ~_contains(negative.ids, positive.ids)
            return self._boosted(Matches(positive.ids[keep], positive.scores[keep]), query.boost)
        if kind is wq.Phrase and query.slop == 1 and query.char_ranges is None:
            return self._phrase(searcher, query)
        if query is wq.NullQuery:
            return EMPTY
        return self._by_whoosh(searcher, query)

    @staticmethod
    def _boosted(matches: Matches, boost: float) -> Matches:
        return matches if boost == 1.0 else Matches(matches.ids, matches.scores * boost)

    def _union(self, parts: list[Matches]) -> Matches:
        parts = [part for part in parts if len(part.ids)]
        if not parts:
            return EMPTY
        if len(parts) == 1:
            return parts[0]
        total = sum(len(part.ids) for part in parts)
        if total * 8 < self.doc_count:  # sparse: sort the few ids
            ids = np.concatenate([part.ids for part in parts])
            scores = np.concatenate([part.scores for part in parts])
            order = np.argsort(ids, kind="stable")
            ids, scores = ids[order], scores[order]
            starts = np.flatnonzero(np.concatenate(([True], ids[1:] != ids[:-1])))
            return Matches(ids[starts].astype(np.int32), np.add.reduceat(scores, starts))
        summed = np.zeros(self.doc_count, dtype=np.float64)
        present = np.zeros(self.doc_count, dtype=bool)
        for part in parts:
            summed[part.ids] += part.scores  # ids are unique within a part
            present[part.ids] = True
        ids = np.flatnonzero(present).astype(np.int32)
        return Matches(ids, summed[ids])

    @staticmethod
    def _intersection(parts: list[Matches]) -> Matches:
        if not parts:
            return EMPTY
        parts = sorted(parts, key=lambda part: len(part.ids))
        ids, scores = parts[0].ids, parts[0].scores
        for part in parts[1:]:
            if not len(ids):
                return EMPTY
            mine, theirs = _common(ids, part.ids)
            ids, scores = ids[mine], scores[mine] + part.scores[theirs]
        return Matches(ids.astype(np.int32), scores)

    # -- leaves ---------------------------------------------------------------------------

    def _term_bytes(self, searcher, fieldname: str, text) -> bytes | None:
        schema = searcher.schema
        if fieldname not in schema:
            return None
        try:
            return schema[fieldname].to_bytes(text)
        except ValueError:
            return None

    def postings(self, searcher, fieldname: str, btext: bytes) -> _Postings:
        """The term's postings (empty when the index lacks it), cached for the generation."""
        key = (fieldname, btext)
        found = self._postings.get(key)
        if found is None:
            found = _Postings(*read_postings(searcher.reader(), fieldname, btext, self.arrays))
            self._postings.put(key, found)
        return found

    def lengths(self, searcher, fieldname: str) -> np.ndarray:
        found = self._lengths.get(fieldname)
        if found is None:
            with self._lock:
                found = self._lengths.get(fieldname)
                if found is None:
                    found = self._lengths[fieldname] = field_lengths(searcher.reader(), fieldname,
                                                                     self.doc_count)
        return found

    def _average_length(self, searcher, fieldname: str) -> float:
        found = self._averages.get(fieldname)
        if found is None:
            found = self._averages[fieldname] = searcher.avg_field_length(fieldname) or 1
        return found

    def _term_scores(self, searcher, fieldname: str, postings: _Postings,
                     where: np.ndarray | None = None) -> np.ndarray | None:
        """Whoosh's score of the term in its documents (those at ``where`` in its postings), or None
        when the searcher weighs terms some other way than plain BM25F.

        BM25F's statistics are Whoosh's: idf = log(documents / (df + 1)) + 1 with every document
        counted, deleted ones too, and df the postings' length (they keep deleted documents as
        Whoosh's term info counts them); the average field length is the searcher's."""
        weights = (postings.weights if where is None else postings.weights[where]).astype(np.float64)
        if not searcher.schema[fieldname].scorable:
            return weights  # Whoosh's WeightScorer
        weighting = searcher.weighting
        if type(weighting) is not BM25F or has_field_specific_b(weighting):
            return None
        ids = postings.ids if where is None else postings.ids[where]
        lengths = self.lengths(searcher, fieldname)[ids]
        idf = log(self.doc_count / (len(postings.ids) + 1)) + 1
        avgfl, B, K1 = self._average_length(searcher, fieldname), weighting.B, weighting.K1
        return idf * ((weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * lengths / avgfl)))

    def _term(self, searcher, fieldname: str, text, boost: float) -> Matches:
        btext = self._term_bytes(searcher, fieldname, text)
        if btext is None:
            return EMPTY
        postings = self.postings(searcher, fieldname, btext)
        if not len(postings.ids):
            return EMPTY
        scores = self._term_scores(searcher, fieldname, postings)
        if scores is None:
            return self._by_whoosh(searcher, wq.Term(fieldname, text, boost=boost))
        return Matches(postings.ids, scores * boost if boost != 1.0 else scores)

    def _phrase(self, searcher, query) -> Matches:
        fieldname = query.fieldname
        schema = searcher.schema
        if fieldname not in schema or not schema[fieldname].format.supports("positions"):
            return self._by_whoosh(searcher, query)  # Whoosh raises the error it should
        words = [self._term_bytes(searcher, fieldname, word) for word in query.words]
        if not words or None in words:
            return EMPTY
        key = (fieldname, tuple(words))
        found = self._phrases.get(key)
        if found is None:  # the same phrase recurs in many queries (glossary synonyms)
            found = self._unboosted_phrase(searcher, fieldname, words)
            if found is None:
                return self._by_whoosh(searcher, query)
            self._phrases.put(key, found)
        return self._boosted(found, query.boost)

    def _unboosted_phrase(self, searcher, fieldname: str, words: list[bytes]) -> Matches | None:
        """Documents with the words in a row; each scores the sum of its words' term scores
        (Whoosh scores a phrase by the intersection its SpanNear2 matcher wraps)."""
        postings = [self.postings(searcher, fieldname, btext) for btext in words]
        ids = min((p.ids for p in postings), key=len)
        for other in postings:
            if not len(ids):
                return EMPTY
            ids = ids[_common(ids, other.ids)[0]]
        if len(words) > 1 and len(ids):
            ids = ids[self._consecutive(searcher, fieldname, words, ids)]
        if not len(ids):
            return EMPTY  # most glossary phrases: nothing to score
        scores = None
        for term in postings:
            term_scores = self._term_scores(searcher, fieldname, term, np.searchsorted(term.ids, ids))
            if term_scores is None:
                return None
            scores = term_scores if scores is None else scores + term_scores
        return Matches(ids.astype(np.int32), scores)

    def _consecutive(self, searcher, fieldname: str, words: list[bytes], candidates: np.ndarray) -> np.ndarray:
        """Mask over ``candidates``: the words occur at consecutive positions somewhere."""
        fmt = searcher.schema[fieldname].format
        if type(fmt) is not formats.Positions:
            return self._consecutive_by_whoosh(searcher, fieldname, words, candidates)
        keys = None
        stride = np.int64(1 << 32)
        for index, btext in enumerate(words):
            ids, positions, counts = candidate_positions(searcher.reader(), fieldname, btext, candidates,
                                                         self.arrays, self.postings(searcher, fieldname, btext))
            docs = np.repeat(ids.astype(np.int64), counts)
            # Ascending already: documents in order, each one's positions in order, none twice.
            word_keys = docs * stride + (positions - index + len(words))
            keys = word_keys if keys is None else keys[_contains(word_keys, keys)]
            if not len(keys):
                break
        found = keys // stride if keys is not None else np.zeros(0, np.int64)
        return _contains(found, candidates.astype(np.int64))

    def _consecutive_by_whoosh(self, searcher, fieldname, words, candidates) -> np.ndarray:
        phrase = wq.Phrase(fieldname, [schema_text(searcher, fieldname, w) for w in words])
        return _contains(self._by_whoosh(searcher, phrase).ids, candidates)

    def _by_whoosh(self, searcher, query) -> Matches:
        """Whoosh's own matcher, read out: for the query kinds not evaluated above."""
        matcher = query.matcher(searcher, searcher.context())
        ids, scores = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            scores.append(matcher.score())
            matcher.next()
        if not ids:
            return EMPTY
        ids_array = np.asarray(ids, dtype=np.int32)
        order = np.argsort(ids_array, kind="stable")
        return Matches(ids_array[order], np.asarray(scores, dtype=np.float64)[order])


def schema_text(searcher, fieldname: str, btext: bytes):
    return searcher.schema[fieldname].from_bytes(btext)


def top(matches: Matches, allowed: np.ndarray | None, count: int,
        tiers: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The ``count`` best (docnum, score) in Whoosh's order: score descending, then docnum; with
    ``tiers`` (a number per document) higher tiers first, whatever their scores."""
    ids, scores = matches.ids, matches.scores
    if allowed is not None:
        keep = allowed[ids]
        ids, scores = ids[keep], scores[keep]
    if tiers is None:
        return _best(ids, scores, count)
    levels = tiers[ids]
    chosen_ids, chosen_scores = [_EMPTY_IDS], [_EMPTY_SCORES]
    # The tiers present, highest first (np.unique would import numpy.ma on first use).
    for level in np.flatnonzero(np.bincount(levels.astype(np.intp)))[::-1]:
        if count <= 0:
            break
        at = levels == level
        best_ids, best_scores = _best(ids[at], scores[at], count)
        chosen_ids.append(best_ids)
        chosen_scores.append(best_scores)
        count -= len(best_ids)
    return np.concatenate(chosen_ids), np.concatenate(chosen_scores)


def _best(ids: np.ndarray, scores: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    if count < len(ids):
        # Everything scoring at least the count-th best score, then an exact sort of those few.
        threshold = np.partition(scores, len(scores) - count)[len(scores) - count]
        keep = scores >= threshold
        ids, scores = ids[keep], scores[keep]
    order = np.lexsort((ids, -scores))[:count]
    return ids[order], scores[order]
