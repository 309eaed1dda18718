"""Facet values and publication days of each index segment, saved as arrays beside it.

Counting facets needs, per facet field, each value's documents and each document's values, and
date filters and date order need each document's day. Read through Whoosh at generation open,
that is a lexicon merge and a postings read per facet value over every segment (two seconds at
a million articles), so the build saves them once per segment, when a generation is published:

    <segment id>.facets.json    {"version", "doc_count", "days": [start, count],
                                "fields": {field: {"values": [...], "docs": [start, count],
                                "value_starts": [...], "codes": [...], "doc_starts": [...]}}}
    <segment id>.facets.npy     int32, the sections named in the table, one after another

Per field: ``values`` in the term order (sorted); ``docs`` the segment-local documents of each
value in turn, ascending, value ``i``'s from ``value_starts[i]`` to ``value_starts[i + 1]``;
``codes`` the value numbers of each document in turn, document ``d``'s from ``doc_starts[d]`` to
``doc_starts[d + 1]``. ``days``: days since 1970 per document, -1 when undated. Deleted documents
are included, as in Whoosh's postings: readers mask them out. Like the postings arrays, an
update hard-links them along with their segment, which Whoosh never rewrites; a generation
written before these files existed is read through Whoosh (``search.facets``).

``python -m search_app.index.facet_arrays INDEX_DIR`` adds the files to the live generation of
an index built before them (only new files are written: hard-linked copies stay intact).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

import numpy as np
from whoosh.filedb.filestore import FileStorage

from .generations import current_generation
from .postings import GenerationArrays, decode_postings, leaf_readers, segment_id
from .whoosh_internals import column_default, raw_int64_column

VERSION = 1
_DAY_MICROSECONDS = 86_400_000_000
_EPOCH_DAYS = (dt.date(1970, 1, 1) - dt.date.min).days  # Whoosh stores μs since datetime.min
_SECTIONS = ("docs", "value_starts", "codes", "doc_starts")


def _files(generation: Path, segment: str) -> tuple[Path, Path]:
    return generation / f"{segment}.facets.json", generation / f"{segment}.facets.npy"


def segment_days(segment_reader) -> np.ndarray:
    """Days since 1970 per document of one segment (-1 when undated or not after 1970-01-01
    00:00), read from the ``published`` column's raw 64-bit values instead of one datetime object
    a document. Undated documents hold the column default (the largest 64-bit number)."""
    count = segment_reader.doc_count_all()
    days = np.full(count, -1, dtype=np.int32)
    if not segment_reader.has_column("published"):
        return days
    epoch = _EPOCH_DAYS * _DAY_MICROSECONDS
    column = segment_reader.column_reader("published", translate=False)
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
    days[dated] = (values[dated].astype(np.int64) - epoch) // _DAY_MICROSECONDS
    return days


# -- writing --------------------------------------------------------------------------------


def write_facet_arrays(generation: Path, reader, facet_fields, arrays: GenerationArrays | None = None) -> list[str]:
    """Save the facet arrays of every segment of ``reader`` that has none yet; returns their ids.
    Postings come from the saved postings arrays where a segment has them (``arrays``)."""
    arrays = arrays if arrays is not None else GenerationArrays(generation)
    written = []
    for segment_reader, _ in leaf_readers(reader):
        segment = segment_id(segment_reader)
        if _files(generation, segment)[0].exists():
            continue
        fields = {name: _field_postings(segment_reader, name, arrays) for name in facet_fields
                  if name in segment_reader.schema}
        save_facet_arrays(generation, segment, segment_reader.doc_count_all(), fields, segment_days(segment_reader))
        written.append(segment)
    return written


def _field_postings(segment_reader, fieldname: str, arrays: GenerationArrays) -> list[tuple[str, np.ndarray]]:
    """(value, segment-local documents) of every value of a facet field in one segment."""
    field = segment_reader.schema[fieldname]
    saved = arrays.for_segment(segment_reader)
    found = []
    for btext, _ in segment_reader.iter_field(fieldname):
        value = field.from_bytes(btext)
        postings = saved.get(fieldname, value) if saved is not None else None
        ids = postings[0] if postings is not None else decode_postings(segment_reader, fieldname, btext)[0]
        found.append((value, np.asarray(ids, dtype=np.int32)))
    return found


def save_facet_arrays(generation: Path, segment: str, doc_count: int,
                      fields: dict[str, list[tuple[str, np.ndarray]]], days: np.ndarray) -> None:
    """Write one segment's files from ``fields`` (field -> [(value, ascending local documents)])."""
    parts: list[np.ndarray] = []
    offset = 0

    def section(array: np.ndarray) -> list[int]:
        nonlocal offset
        parts.append(np.asarray(array, dtype=np.int32))
        offset += len(array)
        return [offset - len(array), len(array)]

    table = {}
    for name, postings in fields.items():
        values = [value for value, _ in postings]
        lengths = np.array([len(ids) for _, ids in postings], dtype=np.int64)
        docs = np.concatenate([ids for _, ids in postings]) if postings else np.zeros(0, np.int32)
        codes = np.repeat(np.arange(len(values), dtype=np.int32), lengths)
        by_doc = np.argsort(docs, kind="stable")  # documents in turn, each one's values in order
        doc_starts = np.searchsorted(docs[by_doc], np.arange(doc_count + 1))
        table[name] = {"values": values, "docs": section(docs),
                       "value_starts": section(np.concatenate(([0], np.cumsum(lengths)))),
                       "codes": section(codes[by_doc]), "doc_starts": section(doc_starts)}
    days_section = section(days)
    table_path, array_path = _files(generation, segment)
    partial = array_path.with_name(array_path.name + f".{os.getpid()}.tmp")
    with open(partial, "wb") as handle:
        np.save(handle, np.concatenate(parts))
    os.replace(partial, array_path)
    partial = table_path.with_name(table_path.name + f".{os.getpid()}.tmp")
    partial.write_text(json.dumps({"version": VERSION, "doc_count": doc_count, "days": days_section,
                                   "fields": table}, ensure_ascii=False), encoding="utf-8")
    os.replace(partial, table_path)  # last: a table means its array is complete


def add_to_live_generation(index_dir: Path) -> list[str]:
    """Save the facet arrays of the live generation's segments that have none (an index built
    before they existed); returns the segments written. Writes new files only."""
    generation = current_generation(index_dir)
    if generation is None:
        raise SystemExit(f"no index in {index_dir}")
    from .schema import FACET_FIELDS  # not at import: search reads these files without the schema's imports

    with FileStorage(str(generation), supports_mmap=False).open_index().reader() as reader:
        return write_facet_arrays(generation, reader, FACET_FIELDS)


# -- reading --------------------------------------------------------------------------------


class SegmentFacets:
    """One segment's saved facet arrays, mapped read-only."""

    def __init__(self, table: dict, flat: np.ndarray):
        self._fields = table["fields"]
        self._flat = flat
        self.days = self._section(table["days"])

    def _section(self, where: list[int]) -> np.ndarray:
        return self._flat[where[0]:where[0] + where[1]]

    def field(self, fieldname: str) -> tuple[list[str], dict[str, np.ndarray]]:
        """(values, {section name: array}) of a facet field; no values when the field has none."""
        entry = self._fields.get(fieldname)
        if entry is None:
            return [], {}
        return entry["values"], {name: self._section(entry[name]) for name in _SECTIONS}


def load_segment_facets(generation: Path, segment: str, doc_count: int) -> SegmentFacets | None:
    """A segment's facet arrays, or None when it has none (or they are not for this segment)."""
    table_path, array_path = _files(generation, segment)
    try:
        table = json.loads(table_path.read_text(encoding="utf-8"))
        if table.get("version") != VERSION or table.get("doc_count") != doc_count:
            return None
        return SegmentFacets(table, np.load(array_path, mmap_mode="r"))
    except (OSError, ValueError):
        return None


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m search_app.index.facet_arrays INDEX_DIR", file=sys.stderr)
        return 2
    written = add_to_live_generation(Path(argv[0]))
    print(f"facet arrays written for {len(written)} segment(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
