"""Every term of a segment in a binary table that search reads in place, and the postings of the
rare terms the first array format left to Whoosh's blocks.

The first format (``postings``: a JSON term table, arrays for terms in at least 64 documents)
sent every rarer term to Whoosh: two look-ups in its on-disk hash table (a few small reads each),
then its blocks decoded, once for the postings and again for a phrase's positions. At a million
articles a one-word query's expansions do that ~250 times (0.2-0.6 ms each), and decoding the
twenty JSON tables costs most of a second at start. So each segment also gets:

    <segment id>.terms.json        {"version", "doc_count", "fields"}: the fields whose every term
                                   is in the table (a term missing from it is not in the segment)
    <segment id>.terms.hash.npy    uint64, sorted: an 8-byte BLAKE2b hash of each term's key
    <segment id>.terms.info.npy    int32/int64 rows beside the hashes: postings start, count,
                                   positions start (-1: none saved), key start, key end, source
    <segment id>.terms.keys.npy    uint8: the keys ("field NUL text" in UTF-8), to confirm a hit
    <segment id>.rare.ids.npy      the postings of terms the first format did not save (source 1;
    <segment id>.rare.weights.npy  source 0 is the segment's own ``.ids.npy`` arrays), laid out
    <segment id>.rare.positions.npy  as those are

A look-up is a binary search of the mapped hashes: nothing is decoded at open. A new segment
keeps every term in its own arrays (source 0, no rare files); ``add_term_tables`` gives the
segments of a generation written before this format their table and rare arrays without
touching their existing files (``python -m search_app.index.term_table INDEX_DIR``).
"""
from __future__ import annotations

import argparse
import json
import os
from hashlib import blake2b
from pathlib import Path

import numpy as np

VERSION = 1
START, COUNT, POSITIONS, KEY_START, KEY_END, SOURCE = range(6)
MAIN, RARE = 0, 1  # which arrays a term's postings are in


def term_key(fieldname: str, text: str) -> bytes:
    return f"{fieldname}\x00{text}".encode("utf-8")


def key_hash(key: bytes) -> int:
    return int.from_bytes(blake2b(key, digest_size=8).digest(), "little")


def table_files(generation: Path, segment: str) -> dict[str, Path]:
    names = ("terms.json", "terms.hash.npy", "terms.info.npy", "terms.keys.npy",
             "rare.ids.npy", "rare.weights.npy", "rare.positions.npy")
    return {name: generation / f"{segment}.{name}" for name in names}


def save_npy(path: Path, array: np.ndarray) -> None:
    """Written beside, then renamed into place: a reader never sees half a file, and a file
    hard-linked into another generation is replaced, never changed."""
    partial = path.with_name(path.name + f".{os.getpid()}.tmp")
    with open(partial, "wb") as handle:
        np.save(handle, array)
    os.replace(partial, path)


def write_term_table(generation: Path, segment: str, doc_count: int, complete_fields, entries) -> None:
    """The table of ``entries``: (fieldname, text, start, count, positions start or -1, source).
    Its JSON part goes last: it means the rest is complete."""
    keys, rows = [], []
    offset = 0
    for fieldname, text, start, count, positions, source in entries:
        key = term_key(fieldname, text)
        keys.append(key)
        rows.append((start, count, positions, offset, offset + len(key), source))
        offset += len(key)
    hashes = np.fromiter((key_hash(key) for key in keys), dtype=np.uint64, count=len(keys))
    order = np.argsort(hashes, kind="stable")
    info = np.asarray(rows, dtype=np.int64).reshape(-1, 6)[order]
    if not len(info) or int(info.max()) < 1 << 31:
        info = info.astype(np.int32)
    files = table_files(generation, segment)
    save_npy(files["terms.hash.npy"], hashes[order])
    save_npy(files["terms.info.npy"], info)
    save_npy(files["terms.keys.npy"], np.frombuffer(b"".join(keys), dtype=np.uint8))
    partial = files["terms.json"].with_name(files["terms.json"].name + f".{os.getpid()}.tmp")
    partial.write_text(json.dumps({"version": VERSION, "doc_count": doc_count, "fields": sorted(complete_fields)}),
                       encoding="utf-8")
    os.replace(partial, files["terms.json"])


class TermTable:
    """One segment's table, mapped read-only."""

    def __init__(self, fields, hashes: np.ndarray, info: np.ndarray, keys: np.ndarray):
        self.fields = frozenset(fields)
        # Plain views of the maps: indexing a np.memmap costs a subclass round trip each time.
        self._hashes, self._info, self._keys = np.asarray(hashes), np.asarray(info), np.asarray(keys)

    @classmethod
    def load(cls, generation: Path, segment: str, doc_count: int) -> TermTable | None:
        files = table_files(generation, segment)
        try:
            meta = json.loads(files["terms.json"].read_text(encoding="utf-8"))
            if meta.get("version") != VERSION or meta.get("doc_count") != doc_count:
                return None
            return cls(meta["fields"], *(np.load(files[name], mmap_mode="r")
                                         for name in ("terms.hash.npy", "terms.info.npy", "terms.keys.npy")))
        except (OSError, ValueError, KeyError):
            return None

    def lookup(self, fieldname: str, text: str) -> tuple[int, int, int, int] | None:
        """(start, count, positions start or -1, source) of a term, or None when the table lacks
        it (for a field in ``fields``: the segment lacks it)."""
        key = term_key(fieldname, text)
        wanted = np.uint64(key_hash(key))
        hashes = self._hashes
        at = int(hashes.searchsorted(wanted))
        while at < len(hashes) and hashes[at] == wanted:
            row = self._info[at].tolist()
            if self._keys[row[KEY_START]:row[KEY_END]].tobytes() == key:
                return row[START], row[COUNT], row[POSITIONS], row[SOURCE]
            at += 1
        return None


# -- giving an older generation its tables ----------------------------------------------------


def add_term_tables(generation: Path) -> list[str]:
    """Term tables (and rare-term arrays) for every segment of ``generation`` that has none: its
    common terms stay where the first format saved them, the others are decoded from Whoosh's
    blocks once. Existing files are never changed. Returns the segments given a table."""
    from whoosh.filedb.filestore import FileStorage

    from .postings import write_segment_arrays
    from .schema import FACET_FIELDS

    with FileStorage(str(generation), supports_mmap=False).open_index().reader() as reader:
        return write_segment_arrays(generation, reader, FACET_FIELDS, upgrade=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        description="Add the binary term tables (and rare-term postings) to an index's current "
                    "generation, or to the generation directories given; nothing existing is changed.")
    parser.add_argument("paths", nargs="+", type=Path, help="an index directory or a generation directory")
    args = parser.parse_args(argv)
    from .generations import current_generation

    for path in args.paths:
        generation = current_generation(path) if (path / "current").exists() else path
        written = add_term_tables(generation)
        print(f"{generation}: {len(written)} segment(s) given a term table")


if __name__ == "__main__":
    main()
