"""Postings as flat numpy arrays beside each index segment, and the fast way to read Whoosh's own.

Whoosh keeps a term's postings in zlib-compressed, pickled blocks of up to 128 documents, with
every position inside; decoding a term found in a fifth of 100,000 articles takes milliseconds,
and an expanded query has dozens of terms. So once a generation is written, the indexer saves for
each segment the document numbers and weights of every term in at least ``MIN_DOCS`` of its
documents, and of every facet value, as two flat arrays and a term table:

    <segment id>.postings.json     {"version", "doc_count", "fields": {field: {term: [start, count(,
                                   positions start)]}}}
    <segment id>.ids.npy           int32, segment-local document numbers, term after term
    <segment id>.weights.npy       float32, the posting weights (term frequencies) alongside
    <segment id>.positions.npy     uint16 (uint32 if needed), the word positions of the terms in at
                                   least ``POSITIONS_MIN_DOCS`` documents, posting after posting
                                   (a posting's count is its weight): phrases with common words

Search maps the arrays (``mmap_mode="r"``) and slices them instead of decoding blocks. Whoosh
never rewrites a segment, so its arrays hold in every generation that keeps it (an incremental
update hard-links them along with the segment); terms below ``MIN_DOCS``, and segments without
arrays, are read from Whoosh's blocks, which for them is quick. Deleted documents are included,
as in Whoosh's own postings: readers mask them out.

Shared by the writer (indexer) and the reader (search), like ``generations``.
"""
from __future__ import annotations

import itertools
import json
import os
import pickle
import threading
from pathlib import Path

import numpy as np
from whoosh import formats
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.fields import NUMERIC

from .whoosh_internals import (POSITIONS_COUNT_SIZE, block_ids_weights, block_last_id, block_values, next_block,
                               term_matcher)

VERSION = 2
MIN_DOCS = 64  # half a posting block: rarer terms decode quickly enough from Whoosh
POSITIONS_MIN_DOCS = MIN_DOCS  # "of", "the", "city": a phrase with them would decode every block
_EMPTY_IDS = np.zeros(0, dtype=np.int32)
_EMPTY_WEIGHTS = np.zeros(0, dtype=np.float32)
_EMPTY_LOCAL_IDS = np.zeros(0, dtype=np.int64)


def leaf_readers(reader) -> list:
    """(segment reader, first document number) pairs, for one- and many-segment readers alike;
    none for an index with no segment (an empty store builds one)."""
    leaves = list(reader.leaf_readers()) if not reader.is_atomic() else [(reader, 0)]
    return [(leaf, offset) for leaf, offset in leaves if segment_id(leaf) is not None]


def segment_id(segment_reader) -> str | None:
    segment = segment_reader.segment() if hasattr(segment_reader, "segment") else None
    return segment.segment_id() if segment is not None else None


def _files(generation: Path, segment: str) -> tuple[Path, Path, Path, Path]:
    return (generation / f"{segment}.postings.json", generation / f"{segment}.ids.npy",
            generation / f"{segment}.weights.npy", generation / f"{segment}.positions.npy")


def decode_positions(values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """(positions, how many per posting) of Whoosh ``Positions`` values (a count, then the pickled
    list of gaps between positions: ``Positions.decode_positions``), all postings at once."""
    skip = POSITIONS_COUNT_SIZE
    gaps = [pickle.loads(value[skip:] if value.endswith(b".") else value[skip:] + b".") for value in values]
    counts = np.fromiter(map(len, gaps), dtype=np.int64, count=len(gaps))
    flat = np.fromiter(itertools.chain.from_iterable(gaps), dtype=np.int64, count=int(counts.sum()))
    running = np.cumsum(flat)
    ends = np.cumsum(counts)
    before = np.concatenate(([0], running[ends[:-1] - 1])) if len(counts) else np.zeros(0, np.int64)
    return running - np.repeat(before, counts), counts


# -- reading Whoosh's blocks ----------------------------------------------------------------


def decode_postings(segment_reader, fieldname: str, btext: bytes, only: np.ndarray | None = None,
                    with_values: bool = False):
    """One segment's postings of a term, decoded from Whoosh's blocks: (ids, weights) with
    segment-local int64 ids, and their values with ``with_values``. With ``only`` (sorted
    segment-local ids) just those documents come back, with their values, and blocks holding none
    of them are never decoded."""
    with_values = with_values or only is not None
    if (fieldname, btext) not in segment_reader:
        ids, weights, values = _EMPTY_LOCAL_IDS, _EMPTY_WEIGHTS, []
    else:
        matcher = term_matcher(segment_reader, fieldname, btext)
        if isinstance(matcher, W3LeafMatcher):
            ids, weights, values = _decode_blocks(matcher, only, with_values)
        else:  # inlined postings (a rare term) and other matcher kinds
            ids, weights, values = _decode_one_by_one(matcher, only, with_values)
    return (ids, weights, values) if with_values else (ids, weights)


def _decode_blocks(matcher, only: np.ndarray | None, with_values: bool):
    """(ids, weights, values) of a block matcher's postings, a block at a time; with ``only``,
    blocks whose id range holds none of those documents are skipped undecoded."""
    ids_parts, weight_parts, values = [], [], []
    first_id = 0
    while matcher.is_active():
        last_id = block_last_id(matcher)
        if only is None or _any_between(only, first_id, last_id):
            ids, weights, their_values = _block_postings(matcher, only, with_values)
            ids_parts.append(ids)
            weight_parts.append(weights)
            values.extend(their_values)
        first_id = last_id + 1
        next_block(matcher)
    return _joined(ids_parts, np.int64), _joined(weight_parts, np.float32), values


def _block_postings(matcher, only: np.ndarray | None, with_values: bool):
    """The current block's (ids, weights, values), only those of ``only``'s documents when given
    (their values always); no values without ``with_values``."""
    ids, weights = block_ids_weights(matcher)
    if only is not None:
        keep = np.isin(ids, only, assume_unique=True)
        kept_values = [value for value, kept in zip(block_values(matcher), keep.tolist()) if kept]
        return ids[keep], weights[keep], kept_values
    return ids, weights, block_values(matcher) if with_values else ()


def _any_between(sorted_ids: np.ndarray, low: int, high: int) -> bool:
    """Whether any of ``sorted_ids`` lies in [low, high]."""
    return np.searchsorted(sorted_ids, low) != np.searchsorted(sorted_ids, high, side="right")


def _decode_one_by_one(matcher, only: np.ndarray | None, with_values: bool):
    """(ids, weights, values) through the public matcher API, a posting at a time: for matchers
    of a few postings (inlined in the term table)."""
    ids, weights, values = [], [], []
    while matcher.is_active():
        if only is None or np.isin(matcher.id(), only):
            ids.append(matcher.id())
            weights.append(matcher.weight())
            if with_values:
                values.append(matcher.value())
        matcher.next()
    return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float32), values


def _joined(parts: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)


# -- writing --------------------------------------------------------------------------------


def array_policy(schema, facet_fields) -> dict[str, int]:
    """Field -> least document frequency worth an array (every facet value; common terms)."""
    wanted = {}
    for name in schema.names():
        field = schema[name]
        if not field.indexed or isinstance(field, NUMERIC) or field.unique:
            continue
        wanted[name] = 1 if name in facet_fields else MIN_DOCS
    return wanted


def write_segment_arrays(generation: Path, reader, facet_fields=()) -> list[str]:
    """Save the arrays of every segment of ``reader`` that has none yet; returns their ids."""
    written = []
    least_docs = array_policy(reader.schema, set(facet_fields))
    for segment_reader, _ in leaf_readers(reader):
        segment = segment_id(segment_reader)
        if _files(generation, segment)[0].exists():
            continue
        save_segment_arrays(generation, segment, segment_reader.doc_count_all(),
                            _decoded_terms(segment_reader, least_docs))
        written.append(segment)
    return written


def _decoded_terms(segment_reader, least_docs: dict[str, int]):
    """(field, term, ids, weights, positions or None) of a segment's terms worth an array."""
    for fieldname, min_docs in least_docs.items():
        field = segment_reader.schema[fieldname]
        with_positions = type(field.format) is formats.Positions
        for btext, info in segment_reader.iter_field(fieldname):  # term bytes, TermInfo
            count = info.doc_frequency()
            if count < min_docs:
                continue
            want_positions = with_positions and count >= POSITIONS_MIN_DOCS
            decoded = decode_postings(segment_reader, fieldname, btext, with_values=want_positions)
            ids, weights = decoded[0], decoded[1]
            if len(ids) != count:
                raise ValueError(f"{fieldname}:{btext!r} has {len(ids)} postings, not {count}")
            positions = None
            if want_positions:
                found, counts = decode_positions(decoded[2])
                # Saved only where a posting's weight tells its positions apart (no boosts).
                positions = found if np.array_equal(counts, weights) else None
            yield fieldname, field.from_bytes(btext), ids, weights, positions


def save_segment_arrays(generation: Path, segment: str, doc_count: int, terms) -> None:
    """Write a segment's arrays from ``terms``: (field, term, ids, weights, positions or None),
    the ids segment-local and ascending, positions posting after posting."""
    table: dict[str, dict] = {}
    ids_parts, weights_parts, positions_parts = [], [], []
    total = positions_total = widest = 0
    for fieldname, text, ids, weights, positions in terms:
        entry = table.setdefault(fieldname, {})[text] = [total, len(ids)]
        ids_parts.append(np.asarray(ids, dtype=np.int32))
        weights_parts.append(np.asarray(weights, dtype=np.float32))
        total += len(ids)
        if positions is not None and len(positions):
            entry.append(positions_total)
            positions_parts.append(positions)
            positions_total += len(positions)
            widest = max(widest, int(positions.max()))
    dtype = np.uint16 if widest < 1 << 16 else np.uint32  # positions past 65535: 32 bits
    table_path, *paths = _files(generation, segment)
    for path, parts, part_dtype in zip(paths, (ids_parts, weights_parts, positions_parts),
                                       (np.int32, np.float32, dtype)):
        partial = path.with_name(path.name + f".{os.getpid()}.tmp")
        with open(partial, "wb") as handle:
            np.save(handle, np.concatenate(parts).astype(part_dtype) if parts else np.zeros(0, part_dtype))
        os.replace(partial, path)
    partial = table_path.with_name(table_path.name + f".{os.getpid()}.tmp")
    partial.write_text(json.dumps({"version": VERSION, "doc_count": doc_count, "fields": table},
                                  ensure_ascii=False), encoding="utf-8")
    os.replace(partial, table_path)  # last: a table means its arrays are complete


# -- reading the arrays ---------------------------------------------------------------------


class SegmentArrays:
    """One segment's saved postings, mapped read-only."""

    def __init__(self, table: dict, ids: np.ndarray, weights: np.ndarray, positions: np.ndarray):
        self._fields = table["fields"]
        self._ids, self._weights, self._positions = ids, weights, positions

    def get(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        """(ids, weights) of a saved term, or None when the term was not saved (read it from Whoosh)."""
        entry = self._fields.get(fieldname, {}).get(text)
        if entry is None:
            return None
        start, count = entry[0], entry[1]
        return self._ids[start:start + count], self._weights[start:start + count]

    def positions(self, fieldname: str, text: str, local_ids: np.ndarray):
        """(ids, positions, counts) of the term's postings in ``local_ids`` (sorted segment-local
        documents that all have the term), or None when its positions were not saved."""
        entry = self._fields.get(fieldname, {}).get(text)
        if entry is None or len(entry) < 3:
            return None
        start, count, first = entry
        ids = np.asarray(self._ids[start:start + count])
        counts = np.asarray(self._weights[start:start + count]).astype(np.int64)
        where = np.searchsorted(ids, local_ids)
        ends = np.cumsum(counts)
        chosen = counts[where]
        total = int(chosen.sum())
        offsets = np.repeat(ends[where] - chosen - np.concatenate(([0], np.cumsum(chosen)[:-1])), chosen)
        found = np.asarray(self._positions[first + offsets + np.arange(total)], dtype=np.int64)
        return ids[where], found, chosen


class GenerationArrays:
    """The saved arrays of a generation's segments, loaded on first use (None where missing)."""

    def __init__(self, generation: Path | None):
        self.generation = generation
        self._segments: dict[str, SegmentArrays | None] = {}
        self._lock = threading.Lock()

    def for_segment(self, segment_reader) -> SegmentArrays | None:
        segment = segment_id(segment_reader)
        if self.generation is None or segment is None:
            return None
        if segment not in self._segments:
            with self._lock:
                if segment not in self._segments:
                    self._segments[segment] = self._load(segment, segment_reader.doc_count_all())
        return self._segments[segment]

    def _load(self, segment: str, doc_count: int) -> SegmentArrays | None:
        table_path, ids_path, weights_path, positions_path = _files(self.generation, segment)
        try:
            table = json.loads(table_path.read_text(encoding="utf-8"))
            if table.get("version") != VERSION or table.get("doc_count") != doc_count:
                return None
            return SegmentArrays(table, np.load(ids_path, mmap_mode="r"), np.load(weights_path, mmap_mode="r"),
                                 np.load(positions_path, mmap_mode="r"))
        except (OSError, ValueError):
            return None


def read_postings(reader, fieldname: str, btext: bytes, arrays: GenerationArrays | None = None):
    """A term's postings over every segment as (ids int32, weights float32), from the saved
    arrays where a segment has them, else from Whoosh's blocks. Deleted documents included."""
    ids_parts, weight_parts = [], []
    text = None
    for segment_reader, offset in leaf_readers(reader):
        saved = arrays.for_segment(segment_reader) if arrays is not None else None
        found = None
        if saved is not None:
            if text is None:
                text = reader.schema[fieldname].from_bytes(btext)
            found = saved.get(fieldname, text)
        if found is not None:
            ids, weights = found
            ids_parts.append(np.asarray(ids, dtype=np.int64) + offset)
            weight_parts.append(np.asarray(weights))
            continue
        ids, weights = decode_postings(segment_reader, fieldname, btext)
        if len(ids):
            ids_parts.append(ids + offset)
            weight_parts.append(weights)
    if not ids_parts:
        return _EMPTY_IDS, _EMPTY_WEIGHTS
    return np.concatenate(ids_parts).astype(np.int32), np.concatenate(weight_parts).astype(np.float32)
