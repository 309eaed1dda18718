"""Facet postings of one index generation as numpy arrays, for fast disjunctive counts."""
from __future__ import annotations

import datetime as dt
import threading

import numpy as np

from ..index.postings import GenerationArrays, leaf_readers, read_postings
from ..index.whoosh_internals import column_default, raw_int64_column

_DAY_MICROSECONDS = 86_400_000_000
_EPOCH_DAYS = (dt.date(1970, 1, 1) - dt.date.min).days  # Whoosh stores μs since datetime.min


class _FacetField:
    """One facet field: its values, each value's documents, and two ways to count them under a
    mask: document by document through the matches (few matches), or as bit sets, one row of
    bits a value, ANDed with the packed mask and counted (many matches)."""

    def __init__(self, postings: dict[str, np.ndarray], doc_count: int):
        self.postings = postings
        self.values = list(postings)
        self.doc_count = doc_count
        lengths = [len(ids) for ids in postings.values()]
        self.pair_docs = (np.concatenate(list(postings.values())).astype(np.int32) if postings
                          else np.zeros(0, dtype=np.int32))
        self.pair_codes = np.repeat(np.arange(len(self.values), dtype=np.int32), lengths)
        by_doc = np.argsort(self.pair_docs, kind="stable")
        self.codes_by_doc = self.pair_codes[by_doc]
        self.doc_starts = np.searchsorted(self.pair_docs[by_doc], np.arange(doc_count + 1))
        self.row_bytes = (doc_count + 63) // 64 * 8
        self._bits: np.ndarray | None = None  # built on the first count with many matches

    def counts(self, mask: np.ndarray) -> dict[str, int]:
        matched = np.flatnonzero(mask)
        pairs = len(matched) * len(self.pair_docs) / max(1, self.doc_count)
        if len(self.values) * self.row_bytes // 8 < 8 * pairs:
            tally = self._bit_counts(mask)
        else:  # walk the matches' values document by document
            starts, ends = self.doc_starts[matched], self.doc_starts[matched + 1]
            sizes = ends - starts
            total = int(sizes.sum())
            if total:
                offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(sizes)[:-1])), sizes)
                codes = self.codes_by_doc[offsets + np.arange(total)]
            else:
                codes = self.codes_by_doc[:0]
            tally = np.bincount(codes, minlength=len(self.values))
        return {self.values[code]: int(tally[code]) for code in np.flatnonzero(tally).tolist()}

    def _bit_counts(self, mask: np.ndarray) -> np.ndarray:
        bits = self._bits
        if bits is None:
            bits = self._bits = self._bit_rows()
        packed = np.zeros(self.row_bytes, dtype=np.uint8)
        packed[:(self.doc_count + 7) // 8] = np.packbits(mask)
        return np.bitwise_count(bits & packed.view(np.uint64)).sum(axis=1)

    def _bit_rows(self) -> np.ndarray:
        """values x documents bits, rows padded to whole 64-bit words. The pairs are in value
        order, documents ascending within each value, so each byte's bits sum up in one run."""
        byte_index = self.pair_codes.astype(np.int64) * self.row_bytes + (self.pair_docs >> 3)
        bit = np.uint8(128) >> (self.pair_docs & 7).astype(np.uint8)
        rows = np.zeros(len(self.values) * self.row_bytes, dtype=np.uint8)
        if len(byte_index):
            starts = np.flatnonzero(np.concatenate(([True], byte_index[1:] != byte_index[:-1])))
            rows[byte_index[starts]] = np.add.reduceat(bit, starts)
        return rows.view(np.uint64).reshape(len(self.values), self.row_bytes // 8)


class FacetPostings:
    """value -> sorted document numbers, per facet field, read once per generation."""

    def __init__(self, reader, arrays: GenerationArrays | None = None):
        self.doc_count = reader.doc_count_all()
        self._reader = reader
        self._arrays = arrays
        self._fields: dict[str, _FacetField] = {}
        self._lock = threading.Lock()
        live = np.ones(self.doc_count, dtype=bool)
        if reader.has_deletions():
            for segment, offset in leaf_readers(reader):
                deleted = list(segment.deleted_docs_set) if segment.has_deletions() else []
                live[np.asarray(deleted, dtype=np.int64) + offset] = False
        self.live = live

    def _field(self, fieldname: str) -> _FacetField:
        found = self._fields.get(fieldname)
        if found is None:
            with self._lock:
                found = self._fields.get(fieldname)
                if found is None:
                    found = self._fields[fieldname] = _FacetField(self._read(fieldname), self.doc_count)
        return found

    def values(self, fieldname: str) -> dict[str, np.ndarray]:
        return self._field(fieldname).postings

    def _read(self, fieldname: str) -> dict[str, np.ndarray]:
        found = {}
        if fieldname not in self._reader.schema:
            return found
        field = self._reader.schema[fieldname]
        for value in self._reader.field_terms(fieldname):
            ids, _ = read_postings(self._reader, fieldname, field.to_bytes(value), self._arrays)
            ids = ids[self.live[ids]]
            if len(ids):
                found[value] = ids
        return found

    def mask_for(self, fieldname: str, selected: tuple[str, ...]) -> np.ndarray:
        """Documents having any of the selected values (OR inside one facet)."""
        mask = np.zeros(self.doc_count, dtype=bool)
        postings = self.values(fieldname)
        for value in selected:
            ids = postings.get(value)
            if ids is not None:
                mask[ids] = True
        return mask

    def counts(self, fieldname: str, mask: np.ndarray) -> dict[str, int]:
        return self._field(fieldname).counts(mask)


def published_days(reader, doc_count: int) -> np.ndarray:
    """Days since 1970 per document (-1 when undated or not after 1970-01-01 00:00), read from the
    ``published`` column's raw 64-bit values instead of one datetime object a document. Undated
    documents hold the column default (the largest 64-bit number), which no datetime converts."""
    days = np.full(doc_count, -1, dtype=np.int32)
    if not reader.has_column("published"):
        return days
    epoch = _EPOCH_DAYS * _DAY_MICROSECONDS
    for segment, offset in leaf_readers(reader):
        column = segment.column_reader("published", translate=False)
        count = segment.doc_count_all()
        default = column_default(column)
        stored = raw_int64_column(column)
        if stored is not None:
            values = np.full(count, default, dtype=stored.dtype)
            values[:min(count, len(stored))] = stored[:count]
        else:  # another column layout: one value at a time
            values = np.array([value if value != default and 0 <= value < (1 << 63) else 0
                               for value in (column[n] for n in range(count))], dtype=np.uint64)
            default = 0
        dated = (values != default) & (values > epoch)
        segment_days = days[offset:offset + count]
        segment_days[dated] = (values[dated].astype(np.int64) - epoch) // _DAY_MICROSECONDS
    return days
