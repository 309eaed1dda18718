"""Facet postings of one index generation as numpy arrays, for fast disjunctive counts."""
from __future__ import annotations

import threading

import numpy as np


class FacetPostings:
    """value -> sorted document numbers, per facet field, read once per generation."""

    def __init__(self, reader):
        self.doc_count = reader.doc_count_all()
        self._reader = reader
        self._fields: dict[str, dict[str, np.ndarray]] = {}
        self._lock = threading.Lock()
        live = np.ones(self.doc_count, dtype=bool)
        if reader.has_deletions():
            live[[n for n in range(self.doc_count) if reader.is_deleted(n)]] = False
        self.live = live

    def values(self, fieldname: str) -> dict[str, np.ndarray]:
        postings = self._fields.get(fieldname)
        if postings is None:
            with self._lock:
                postings = self._fields.get(fieldname)
                if postings is None:
                    postings = self._fields[fieldname] = self._read(fieldname)
        return postings

    def _read(self, fieldname: str) -> dict[str, np.ndarray]:
        found = {}
        if fieldname not in self._reader.schema:
            return found
        for value in self._reader.field_terms(fieldname):
            ids = np.fromiter(self._reader.postings(fieldname, value).all_ids(), dtype=np.int32)
            found[value] = ids[self.live[ids]]
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
        counts = {}
        for value, ids in self.values(fieldname).items():
            count = int(np.count_nonzero(mask[ids]))
            if count:
                counts[value] = count
        return counts
