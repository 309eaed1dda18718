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

Search reads a term's slice of the arrays (``os.pread``: what is read is copied out, so the
files do not stay resident in the search process) instead of decoding blocks. Whoosh never
rewrites a segment, so its arrays hold in every generation that keeps it (an incremental update
hard-links them along with the segment). Deleted documents are included, as in Whoosh's own
postings: readers mask them out.

Since the binary term table (``term_table``), a new segment's arrays hold *every* term of the
array fields, with positions, and the JSON table lists only the terms the first format listed
(older code reads them as before); search looks terms up in the binary table and never in
Whoosh's. Segments written before it keep their JSON table, and terms below ``MIN_DOCS`` there
are read from Whoosh's blocks, until ``term_table.add_term_tables`` gives them a table.

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

from whoosh.reading import TermNotFound

from .term_table import MAIN, RARE, TermTable, save_npy, table_files, write_term_table
from .whoosh_internals import (POSITIONS_COUNT_SIZE, block_ids_weights, block_last_id, block_values, next_block,
                               term_info_matcher, term_matcher)

VERSION = 2
MIN_DOCS = 64  # the JSON table's terms (the first format): rarer ones were left to Whoosh's blocks
POSITIONS_MIN_DOCS = 1  # every term: a glossary phrase's rare word would decode Whoosh's blocks
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
                    with_values: bool = False, info=None):
    """One segment's postings of a term, decoded from Whoosh's blocks: (ids, weights) with
    segment-local int64 ids, and their values with ``with_values``. With ``only`` (sorted
    segment-local ids) just those documents come back, with their values, and blocks holding none
    of them are never decoded."""
    with_values = with_values or only is not None
    try:
        if info is not None:  # the term's info at hand (iter_field): no look-up at all
            matcher = term_info_matcher(segment_reader, fieldname, btext, info)
        else:
            matcher = term_matcher(segment_reader, fieldname, btext)  # one look-up, not "in" and then this
    except (TermNotFound, KeyError):  # KeyError: no such field
        matcher = None
    if matcher is None:
        ids, weights, values = _EMPTY_LOCAL_IDS, _EMPTY_WEIGHTS, []
    else:
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
    """Field -> least document frequency of the JSON table's terms (every facet value; common
    terms). The arrays and the binary table hold every term of these fields."""
    wanted = {}
    for name in schema.names():
        field = schema[name]
        if not field.indexed or isinstance(field, NUMERIC) or field.unique:
            continue
        wanted[name] = 1 if name in facet_fields else MIN_DOCS
    return wanted


def write_segment_arrays(generation: Path, reader, facet_fields=(), upgrade: bool = False) -> list[str]:
    """Save the arrays and term table of every segment of ``reader`` that has none; with
    ``upgrade``, a segment with the first format's arrays also gets a term table and its rare
    terms' arrays (minutes for a million articles: an update leaves that to the next rebuild or
    to ``term_table.add_term_tables``). Returns the ids of the segments written to."""
    written = []
    json_least = array_policy(reader.schema, set(facet_fields))
    for segment_reader, _ in leaf_readers(reader):
        segment = segment_id(segment_reader)
        doc_count = segment_reader.doc_count_all()
        if TermTable.load(generation, segment, doc_count) is not None:
            continue
        first_format = _json_table(generation, segment, doc_count)
        if first_format is not None and not upgrade:
            continue
        if first_format is None:
            save_segment_arrays(generation, segment, doc_count,
                                _decoded_terms(segment_reader, dict.fromkeys(json_least, 1)), json_least)
        else:
            _add_rare_terms(generation, segment, doc_count, first_format["fields"],
                            _decoded_terms(segment_reader, json_least, below=True), json_least)
        written.append(segment)
    return written


def _decoded_terms(segment_reader, least_docs: dict[str, int], below: bool = False):
    """(field, term, ids, weights, positions or None) of a segment's terms in at least
    ``least_docs`` documents (with ``below``: in fewer)."""
    for fieldname, min_docs in least_docs.items():
        field = segment_reader.schema[fieldname]
        with_positions = type(field.format) is formats.Positions
        for btext, info in segment_reader.iter_field(fieldname):  # term bytes, TermInfo
            count = info.doc_frequency()
            if (count < min_docs) != below:
                continue
            want_positions = with_positions and count >= POSITIONS_MIN_DOCS
            decoded = decode_postings(segment_reader, fieldname, btext, with_values=want_positions, info=info)
            ids, weights = decoded[0], decoded[1]
            if len(ids) != count:
                raise ValueError(f"{fieldname}:{btext!r} has {len(ids)} postings, not {count}")
            positions = None
            if want_positions:
                found, counts = decode_positions(decoded[2])
                # Saved only where a posting's weight tells its positions apart (no boosts).
                positions = found if np.array_equal(counts, weights) else None
            yield fieldname, field.from_bytes(btext), ids, weights, positions


def _save_arrays(paths, terms, on_term=None) -> None:
    """Concatenate ``terms``' ids, weights and positions into ``paths`` (three .npy files);
    ``on_term(field, text, start, count, positions start or -1)`` sees where each went."""
    ids_parts, weights_parts, positions_parts = [], [], []
    total = positions_total = widest = 0
    for fieldname, text, ids, weights, positions in terms:
        first_position = -1
        ids_parts.append(np.asarray(ids, dtype=np.int32))
        weights_parts.append(np.asarray(weights, dtype=np.float32))
        if positions is not None and len(positions):
            first_position = positions_total
            positions_parts.append(positions)
            positions_total += len(positions)
            widest = max(widest, int(positions.max()))
        if on_term is not None:
            on_term(fieldname, text, total, len(ids), first_position)
        total += len(ids)
    dtype = np.uint16 if widest < 1 << 16 else np.uint32  # positions past 65535: 32 bits
    for path, parts, part_dtype in zip(paths, (ids_parts, weights_parts, positions_parts),
                                       (np.int32, np.float32, dtype)):
        save_npy(path, np.concatenate(parts).astype(part_dtype) if parts else np.zeros(0, part_dtype))


def save_segment_arrays(generation: Path, segment: str, doc_count: int, terms, json_least: dict[str, int]) -> None:
    """Write a segment's arrays and term table from ``terms``: (field, term, ids, weights,
    positions or None), the ids segment-local and ascending, positions posting after posting.
    Every term of ``json_least``'s fields should be there; the JSON table lists those in at
    least ``json_least[field]`` documents, for code that reads the first format."""
    table: dict[str, dict] = {}
    entries = []

    def on_term(fieldname, text, start, count, first_position):
        entries.append((fieldname, text, start, count, first_position, MAIN))
        if count >= json_least.get(fieldname, 1 << 62):
            entry = table.setdefault(fieldname, {})[text] = [start, count]
            if first_position >= 0:
                entry.append(first_position)

    table_path, *paths = _files(generation, segment)
    _save_arrays(paths, terms, on_term)
    write_term_table(generation, segment, doc_count, json_least, entries)
    partial = table_path.with_name(table_path.name + f".{os.getpid()}.tmp")
    partial.write_text(json.dumps({"version": VERSION, "doc_count": doc_count, "fields": table},
                                  ensure_ascii=False), encoding="utf-8")
    os.replace(partial, table_path)  # last: a table means its arrays are complete


def _add_rare_terms(generation: Path, segment: str, doc_count: int, first_format: dict, rare_terms,
                    fields) -> None:
    """A term table for a segment saved in the first format: its JSON terms where they are, the
    others (``rare_terms``) in rare arrays beside them."""
    entries = [(fieldname, text, entry[0], entry[1], entry[2] if len(entry) > 2 else -1, MAIN)
               for fieldname, terms in first_format.items() for text, entry in terms.items()]
    files = table_files(generation, segment)
    _save_arrays([files["rare.ids.npy"], files["rare.weights.npy"], files["rare.positions.npy"]], rare_terms,
                 lambda fieldname, text, start, count, first: entries.append(
                     (fieldname, text, start, count, first, RARE)))
    write_term_table(generation, segment, doc_count, fields, entries)


# -- reading the arrays ---------------------------------------------------------------------


class _Column:
    """A saved one-dimensional array read a slice at a time with ``os.pread``: a copy out of the
    page cache, where a mapped file's pages once touched would count in the process's memory."""

    def __init__(self, path: Path):
        mapped = np.load(path, mmap_mode="r")
        self.dtype, self.offset, self.size = mapped.dtype, mapped.offset, len(mapped)
        del mapped
        self._file = open(path, "rb", buffering=0)  # closed with this object

    def __len__(self) -> int:
        return self.size

    def read(self, start: int, count: int) -> np.ndarray:
        if count <= 0:
            return np.zeros(0, dtype=self.dtype)
        width = self.dtype.itemsize
        return np.frombuffer(os.pread(self._file.fileno(), count * width, self.offset + start * width),
                             dtype=self.dtype, count=count)


class _Arrays:
    """One set of a segment's ids, weights (read by slices) and positions (mapped)."""

    def __init__(self, ids: Path, weights: Path, positions: Path):
        self.ids, self.weights = _Column(ids), _Column(weights)
        self.positions = np.load(positions, mmap_mode="r")

    def postings(self, start: int, count: int) -> tuple[np.ndarray, np.ndarray]:
        return self.ids.read(start, count), self.weights.read(start, count)

    def positions_of(self, start: int, count: int, first: int, local_ids: np.ndarray):
        """(ids, positions, counts) of the postings at [start, start + count) that are in
        ``local_ids`` (sorted; each one of the term's documents), their positions from ``first``."""
        ids, weights = self.postings(start, count)
        counts = weights.astype(np.int64)
        where = np.searchsorted(ids, local_ids)
        ends = np.cumsum(counts)
        chosen = counts[where]
        total = int(chosen.sum())
        offsets = np.repeat(ends[where] - chosen - np.concatenate(([0], np.cumsum(chosen)[:-1])), chosen)
        found = np.asarray(self.positions[first + offsets + np.arange(total)], dtype=np.int64)
        return ids[where].astype(np.int64), found, chosen


class SegmentArrays:
    """One segment's saved postings: found through its binary term table, or through the first
    format's JSON table for a segment without one."""

    def __init__(self, main: _Arrays | None, table: TermTable | None = None, rare: _Arrays | None = None,
                 json_fields: dict | None = None):
        self._main, self._rare, self._table = main, rare, table
        self._fields = json_fields if json_fields is not None else {}

    def _entry(self, fieldname: str, text: str):
        """(start, count, positions start or -1, arrays) of a saved term; _ABSENT when the segment
        does not have the term; None when it was not saved (read it from Whoosh)."""
        if self._table is not None and fieldname in self._table.fields:
            found = self._table.lookup(fieldname, text)
            if found is None:
                return _ABSENT
            start, count, first, source = found
            return start, count, first, self._rare if source == RARE else self._main
        entry = self._fields.get(fieldname, {}).get(text)
        if entry is None:
            return None
        return entry[0], entry[1], entry[2] if len(entry) > 2 else -1, self._main

    def get(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        """(ids, weights) of a saved term (empty when the segment lacks it), or None when the term
        was not saved (read it from Whoosh)."""
        entry = self._entry(fieldname, text)
        if entry is None:
            return None
        if entry is _ABSENT:
            return _EMPTY_IDS, _EMPTY_WEIGHTS
        start, count, _, arrays = entry
        return arrays.postings(start, count)

    def positions_at(self, fieldname: str, text: str, starts: np.ndarray, counts: np.ndarray):
        """The positions of the term's postings whose positions begin ``starts`` (counted from
        the term's first position in this segment) and number ``counts``, one run after another;
        None when its positions were not saved."""
        entry = self._entry(fieldname, text)
        if entry is None or entry is _ABSENT or entry[2] < 0:
            return None
        total = int(counts.sum())
        offsets = np.repeat(entry[2] + starts - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
        return np.asarray(entry[3].positions[offsets + np.arange(total)], dtype=np.int64)

    def positions(self, fieldname: str, text: str, local_ids: np.ndarray):
        """(ids, positions, counts) of the term's postings in ``local_ids`` (sorted segment-local
        documents that all have the term), or None when its positions were not saved."""
        entry = self._entry(fieldname, text)
        if entry is None or entry is _ABSENT or entry[2] < 0:
            return None
        start, count, first, arrays = entry
        return arrays.positions_of(start, count, first, local_ids)


_ABSENT = object()


def _json_table(generation: Path, segment: str, doc_count: int) -> dict | None:
    """The first format's JSON table of a segment, when it has a valid one."""
    try:
        table = json.loads(_files(generation, segment)[0].read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if table.get("version") != VERSION or table.get("doc_count") != doc_count:
        return None
    return table


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
        _, ids_path, weights_path, positions_path = _files(self.generation, segment)
        try:
            table = TermTable.load(self.generation, segment, doc_count)
            main = _Arrays(ids_path, weights_path, positions_path) if ids_path.exists() else None
            if table is not None:
                files = table_files(self.generation, segment)
                rare = (_Arrays(files["rare.ids.npy"], files["rare.weights.npy"], files["rare.positions.npy"])
                        if files["rare.ids.npy"].exists() else None)
                return SegmentArrays(main, table, rare)
            first_format = _json_table(self.generation, segment, doc_count)
            if first_format is None or main is None:
                return None
            return SegmentArrays(main, json_fields=first_format["fields"])
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
            if len(ids):
                ids_parts.append(ids.astype(np.int32, copy=False) + np.int32(offset))  # one copy
                weight_parts.append(weights)
            continue
        ids, weights = decode_postings(segment_reader, fieldname, btext)
        if len(ids):
            ids_parts.append(ids + offset)
            weight_parts.append(weights)
    if not ids_parts:
        return _EMPTY_IDS, _EMPTY_WEIGHTS
    if len(ids_parts) == 1:
        return ids_parts[0].astype(np.int32, copy=False), weight_parts[0].astype(np.float32, copy=False)
    return (np.concatenate(ids_parts).astype(np.int32, copy=False),
            np.concatenate(weight_parts).astype(np.float32, copy=False))
