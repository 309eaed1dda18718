"""Facet postings of one index generation as numpy arrays, for fast disjunctive counts."""
from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from ..index.facet_arrays import SegmentFacets, load_segment_facets, segment_days
from ..index.postings import GenerationArrays, leaf_readers, read_postings, segment_id


class _FacetField:
    """One facet field: its values, each document's values, and two ways to count them under a
    mask: document by document through the matches (few matches), or as bit sets, one row of
    bits a value, ANDed with the packed mask and counted (many matches). ``ids(value)``: a
    value's live documents, ascending (None for a value no live document has)."""

    def __init__(self, values: list[str], codes_by_doc: np.ndarray, doc_starts: np.ndarray, ids, pair_runs):
        self.values = values
        self.doc_count = len(doc_starts) - 1
        self.codes_by_doc = codes_by_doc
        self.doc_starts = doc_starts
        self.ids = ids
        self._pair_runs = pair_runs
        self.row_bytes = (self.doc_count + 63) // 64 * 8
        self._bits: np.ndarray | None = None  # built on the second count with many matches
        self._bits_wanted = False

    @classmethod
    def of_postings(cls, postings: dict[str, np.ndarray], doc_count: int) -> _FacetField:
        """From each value's live documents (read through Whoosh or the postings arrays)."""
        lengths = [len(ids) for ids in postings.values()]
        pair_docs = (np.concatenate(list(postings.values())).astype(np.int32) if postings
                     else np.zeros(0, dtype=np.int32))
        pair_codes = np.repeat(np.arange(len(postings), dtype=np.int32), lengths)
        by_doc = np.argsort(pair_docs, kind="stable")
        doc_starts = np.searchsorted(pair_docs[by_doc], np.arange(doc_count + 1))
        return cls(list(postings), pair_codes[by_doc], doc_starts, postings.get, lambda: [(pair_codes, pair_docs)])

    def counts(self, mask: np.ndarray) -> dict[str, int]:
        matched = np.flatnonzero(mask)
        pairs = len(matched) * len(self.codes_by_doc) / max(1, self.doc_count)
        bits_pay = len(self.values) * self.row_bytes // 8 < 8 * pairs
        # Bit rows cost a pass over every pair to build: the first count they would pay for
        # walks its documents instead (a process's first query builds none), later ones use them.
        if bits_pay and (self._bits is not None or self._bits_wanted):
            tally = self._bit_counts(mask)
        else:  # walk the matches' values document by document
            self._bits_wanted = self._bits_wanted or bits_pay
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
        """values x documents bits, rows padded to whole 64-bit words. ``pair_runs()`` gives the
        (value, document) pairs in runs ordered by value, documents ascending within each value,
        so each byte's bits within a run sum up in one stretch."""
        rows = np.zeros(len(self.values) * self.row_bytes, dtype=np.uint8)
        for pair_codes, pair_docs in self._pair_runs():
            byte_index = pair_codes.astype(np.int64) * self.row_bytes + (pair_docs >> 3)
            bit = np.uint8(128) >> (pair_docs & 7).astype(np.uint8)
            if len(byte_index):
                starts = np.flatnonzero(np.concatenate(([True], byte_index[1:] != byte_index[:-1])))
                rows[byte_index[starts]] |= np.add.reduceat(bit, starts)
        return rows.view(np.uint64).reshape(len(self.values), self.row_bytes // 8)


class _SavedField:
    """A facet field put together from the segments' saved arrays (``index.facet_arrays``):
    each document's values are the segments' joined end to end; a value's documents are
    gathered from the segments when first asked for."""

    def __init__(self, segments: list[tuple[SegmentFacets, int]], fieldname: str, live: np.ndarray):
        self.live = live
        parts = [(segment.field(fieldname), offset) for segment, offset in segments]
        every = sorted(set().union(*(values for (values, _), _ in parts)))
        position = {value: code for code, value in enumerate(every)}
        self._parts = []  # (sections, offset, local code -> code of ``every``)
        codes, starts, pairs = [], [], 0
        for ((values, sections), offset), (segment, _) in zip(parts, segments):
            to_code = np.array([position[value] for value in values], dtype=np.int32)
            self._parts.append((sections, offset, to_code))
            if sections:
                codes.append(to_code[sections["codes"]])
                starts.append(sections["doc_starts"][:-1].astype(np.int64) + pairs)
                pairs += len(sections["codes"])
            else:  # a segment without the field: its documents have no values
                starts.append(np.full(len(segment.days), pairs, dtype=np.int64))
        codes = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int32)
        doc_starts = np.concatenate(starts + [np.array([pairs], dtype=np.int64)])
        self.renumbered = np.arange(len(every), dtype=np.int32)
        self.values = every
        self._code = position
        if not live.all():
            codes, doc_starts = self._live_only(codes, doc_starts, len(every))
        # 32-bit starts while they fit: 4 bytes a document and facet less to keep (36 MB at 1M).
        self.codes_by_doc = codes
        self.doc_starts = doc_starts.astype(np.int32) if pairs < 2**31 else doc_starts

    def _live_only(self, codes: np.ndarray, doc_starts: np.ndarray, value_count: int):
        """The pairs of live documents only, and the values they have: values only deleted
        documents have are dropped, as reading the postings drops them."""
        sizes = np.where(self.live, np.diff(doc_starts), 0)
        codes = codes[np.repeat(self.live, np.diff(doc_starts))]
        kept = np.bincount(codes, minlength=value_count) > 0
        if not kept.all():
            self.renumbered = np.cumsum(kept, dtype=np.int32) - 1
            self.values = [value for value, keep in zip(self.values, kept.tolist()) if keep]
            codes = self.renumbered[codes]
        return codes, np.concatenate(([0], np.cumsum(sizes)))

    def ids(self, value: str) -> np.ndarray | None:
        code = self._code.get(value)
        if code is None:
            return None
        found = []
        for sections, offset, to_code in self._parts:
            local = np.flatnonzero(to_code == code)
            if len(local):
                starts = sections["value_starts"]
                found.append(sections["docs"][starts[local[0]]:starts[local[0] + 1]].astype(np.int32) + offset)
        ids = np.concatenate(found) if found else np.zeros(0, dtype=np.int32)
        ids = ids[self.live[ids]]
        return ids if len(ids) else None

    def pair_runs(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Each segment's live (value, document) pairs in value order (``_FacetField._bit_rows``)."""
        runs = []
        for sections, offset, to_code in self._parts:
            if not sections:
                continue
            docs = sections["docs"].astype(np.int32) + offset
            codes = np.repeat(to_code, np.diff(sections["value_starts"]))
            live = self.live[docs]
            runs.append((self.renumbered[codes[live]], docs[live]))
        return runs

    def facet_field(self) -> _FacetField:
        values_ids: dict[str, np.ndarray | None] = {}

        def ids(value: str) -> np.ndarray | None:  # remembered: filters ask for the same values again
            if value not in values_ids:
                values_ids[value] = self.ids(value)
            return values_ids[value]
        return _FacetField(self.values, self.codes_by_doc, self.doc_starts, ids, self.pair_runs)


class FacetPostings:
    """value -> sorted document numbers, per facet field, read once per generation: from the
    segments' saved facet arrays when every segment has them (``generation``), else through
    Whoosh (and the postings arrays)."""

    def __init__(self, reader, arrays: GenerationArrays | None = None, generation: Path | None = None):
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
        self.saved = _saved_segments(reader, generation) if generation is not None else None

    def _field(self, fieldname: str) -> _FacetField:
        found = self._fields.get(fieldname)
        if found is None:
            with self._lock:
                found = self._fields.get(fieldname)
                if found is None:
                    found = self._fields[fieldname] = self._load(fieldname)
        return found

    def _load(self, fieldname: str) -> _FacetField:
        if self.saved is not None and fieldname in self._reader.schema:
            return _SavedField(self.saved, fieldname, self.live).facet_field()
        return _FacetField.of_postings(self._read(fieldname), self.doc_count)

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
        field = self._field(fieldname)
        for value in selected:
            ids = field.ids(value)
            if ids is not None:
                mask[ids] = True
        return mask

    def counts(self, fieldname: str, mask: np.ndarray) -> dict[str, int]:
        return self._field(fieldname).counts(mask)

    def published_days(self) -> np.ndarray:
        """Days since 1970 per document (-1 when undated), for date filters and date order."""
        if self.saved is not None:
            days = [segment.days for segment, _ in self.saved]
            return np.concatenate(days).astype(np.int32) if days else np.full(self.doc_count, -1, dtype=np.int32)
        return published_days(self._reader, self.doc_count)


def _saved_segments(reader, generation: Path) -> list[tuple[SegmentFacets, int]] | None:
    """(saved facet arrays, first document number) of every segment, or None when one has none."""
    found = []
    for segment_reader, offset in leaf_readers(reader):
        saved = load_segment_facets(generation, segment_id(segment_reader), segment_reader.doc_count_all())
        if saved is None:
            return None
        found.append((saved, offset))
    return found


def published_days(reader, doc_count: int) -> np.ndarray:
    """Days since 1970 per document (-1 when undated or not after 1970-01-01 00:00), read
    through Whoosh's ``published`` column segment by segment."""
    days = np.full(doc_count, -1, dtype=np.int32)
    for segment, offset in leaf_readers(reader):
        days[offset:offset + segment.doc_count_all()] = segment_days(segment)
    return days
