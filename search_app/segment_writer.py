"""Writing a new generation's Whoosh segments fast, in worker processes.

Whoosh's ``SegmentWriter`` spent about half of a build analysing text through generator chains and
the other half pushing every posting as a tuple through an external sort and back, one
``add_posting`` call each. ``FastSegmentWriter`` is a ``SegmentWriter`` (same codec, same files,
same stored fields and columns) that:

- analyses the positional text fields with ``text.index_terms`` (one pass, per-word caches), and
- keeps each term's postings in compact arrays in memory (documents arrive in order, so nothing
  needs sorting but the terms), then hands Whoosh's postings writer whole blocks of 128.

Memory is bounded by starting a new segment every ``SEGMENT_DOCS`` documents.
``write_segments`` runs one writer per core in forked workers fed with batches of documents
and returns the segments for one TOC; the indexer commits them.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import queue
import traceback
from array import array
from typing import Iterable

from whoosh import formats
from whoosh.index import TOC, clean_files
from whoosh.writing import SegmentWriter

from .text.index_terms import term_positions_function

log = logging.getLogger(__name__)

SEGMENT_DOCS = 25_000  # about 200 MB of postings in memory per writer
BATCH_DOCS = 100
PARALLEL_FROM = 1_000  # below this, starting processes costs more than it saves
_pack_count = formats.pack_uint


class _Postings:
    """One term's postings in a segment: documents, weights, and encoded values back to back."""

    __slots__ = ("docs", "weights", "values", "ends")

    def __init__(self):
        self.docs = array("I")
        self.weights = array("f")
        self.values = bytearray()
        self.ends = array("I")

    def value_list(self, start: int, stop: int) -> list[bytes]:
        ends, values = self.ends, self.values
        begin = ends[start - 1] if start else 0
        out = []
        for end in ends[start:stop]:
            out.append(bytes(values[begin:end]))
            begin = end
        return out


_ONE_POSITION: dict[int, bytes] = {}  # most postings: a word once in a field


def _encode_positions(positions: list[int]) -> bytes:
    """``formats.Positions.encode``: the count, then the pickled gaps (protocol 2)."""
    if len(positions) == 1:
        pos = positions[0]
        encoded = _ONE_POSITION.get(pos)
        if encoded is None:
            encoded = _ONE_POSITION[pos] = _pack_count(1) + pickle.dumps([pos], 2)
        return encoded
    gaps, base = [], 0
    for pos in positions:
        gaps.append(pos - base)
        base = pos
    return _pack_count(len(gaps)) + pickle.dumps(gaps, 2)


class FastSegmentWriter(SegmentWriter):
    """A ``SegmentWriter`` for our schema: fast analysis, in-memory postings, block writes."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, _lk=False, **kwargs)
        self._fast_fields = {}
        for name, field in self.schema.items():
            if field.vector or field.separate_spelling():
                raise ValueError(f"field {name!r}: vectors and spelling are not supported here")
            if type(field.format) is formats.Positions and field.format.field_boost == 1.0:
                analyse = term_positions_function(field.analyzer)
                if analyse is not None:
                    self._fast_fields[name] = analyse
        self._postings: dict[str, dict[bytes, _Postings]] = {}
        self._lengths: dict[str, dict[int, int]] = {}

    def add_document(self, **fields):
        self._check_state()
        perdoc = self.perdocwriter
        docnum = self.docnum
        perdoc.start_doc(docnum)
        try:
            for name in sorted(fields):
                value = fields[name]
                if value is None:
                    continue
                field = self.schema[name]
                length = self._index_field(name, field, value, docnum) if field.indexed else 0
                perdoc.add_field(name, field, value if field.stored else None, length)
                if field.column_type:
                    perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _index_field(self, name: str, field, value, docnum: int) -> int:
        """Adds the field's postings; returns its length (tokens) when the field is scorable."""
        terms = self._postings.setdefault(name, {})
        analyse = self._fast_fields.get(name)
        if analyse is not None:
            items = ((term.encode("utf-8"), len(positions), _encode_positions(positions))
                     for term, positions in analyse(value).items())
        else:
            items = ((key, freq, encoded or b"") for key, freq, _, encoded in field.index(value))
        length = 0
        for key, freq, encoded in items:  # the hot loop of a build: no method calls
            postings = terms.get(key)
            if postings is None:
                postings = terms[key] = _Postings()
            postings.docs.append(docnum)
            postings.weights.append(freq)
            values = postings.values
            values += encoded
            postings.ends.append(len(values))
            length += freq
        if not field.scorable:
            return 0
        self._lengths.setdefault(name, {})[docnum] = length
        return length

    def _finish(self):
        # Whoosh names the temporary folder after the index, so every writer shares it and the
        # base class's destroy() would delete other workers' column files: write_segments does it.
        self.is_closed = True

    def _flush_segment(self):
        self.perdocwriter.close()
        self._write_postings()
        self.fieldwriter.close()

    def _write_postings(self) -> None:
        """Every term of every field in order, in blocks of Whoosh's size, through its writer."""
        writer = self.fieldwriter
        blocklimit = self.codec._blocklimit
        for name in sorted(self._postings):
            lengths = self._lengths.get(name, {})
            writer.start_field(name, self.schema[name])
            terms = self._postings[name]
            for key in sorted(terms):
                postings = terms.pop(key)
                writer.start_term(key)
                block = writer._postwriter
                count = len(postings.docs)
                for start in range(0, count, blocklimit):
                    stop = min(start + blocklimit, count)
                    _fill_block(block, postings, start, stop, lengths)
                    if stop < count:
                        block._write_block()
                writer.finish_term()  # writes the last block
            writer.finish_field()
        self._postings.clear()
        self._lengths.clear()


def _fill_block(block, postings: _Postings, start: int, stop: int, lengths: dict[int, int]) -> None:
    """Sets a W3 postings writer's buffered block, as ``add_posting`` one by one would have."""
    block._ids = postings.docs[start:stop]
    block._weights = postings.weights[start:stop]
    block._maxweight = max(block._weights)
    block._values = [value for value in postings.value_list(start, stop) if value]
    known = [lengths[doc] for doc in block._ids if lengths.get(doc)]
    block._minlength = min(known) if known else None
    block._maxlength = max(known) if known else 0


# -- one generation's segments --------------------------------------------------------------


def _write_all(ix, documents: Iterable[dict]) -> tuple[list, int]:
    """Segments of ``SEGMENT_DOCS`` documents each, written in this process."""
    segments, written = [], 0
    writer = FastSegmentWriter(ix)
    try:
        for document in documents:
            writer.add_document(**document)
            written += 1
            if writer.doc_count() >= SEGMENT_DOCS:
                segments.append(_finish(writer))
                writer = FastSegmentWriter(ix)
    except BaseException:
        writer.cancel()
        raise
    if writer.doc_count():
        segments.append(_finish(writer))
    else:
        writer.cancel()
    return segments, written


def _finish(writer: FastSegmentWriter):
    segment = writer._finalize_segment()
    writer._finish()
    return segment


def _worker(ix, inbox, outbox) -> None:
    def batches():
        while (batch := inbox.get()) is not None:
            yield from batch

    try:
        outbox.put(("done", *_write_all(ix, batches())))
    except BaseException:
        outbox.put(("failed", traceback.format_exc(), 0))


def write_segments(ix, documents: Iterable[dict], expected: int, workers: int | None = None) -> int:
    """Writes ``documents`` as new segments of ``ix`` and commits them; returns how many."""
    workers = workers or min(2, os.cpu_count() or 1)
    if expected < PARALLEL_FROM or workers < 2:
        segments, written = _write_all(ix, documents)
    else:
        segments, written = _write_in_workers(ix, documents, workers)
    ix.storage.temp_storage(f"{ix.indexname}.tmp").destroy()
    generation, segments = ix.latest_generation() + 1, ix._segments() + segments
    TOC(ix.schema, segments, generation).write(ix.storage, ix.indexname)
    clean_files(ix.storage, ix.indexname, generation, segments)
    return written


def _write_in_workers(ix, documents: Iterable[dict], workers: int) -> tuple[list, int]:
    context = multiprocessing.get_context("fork")
    inbox, outbox = context.Queue(maxsize=4 * workers), context.Queue()
    processes = [context.Process(target=_worker, args=(ix, inbox, outbox), daemon=True)
                 for _ in range(workers)]
    for process in processes:
        process.start()
    try:
        batch = []
        for document in documents:
            batch.append(document)
            if len(batch) >= BATCH_DOCS:
                _put(inbox, batch, processes)
                batch = []
        if batch:
            _put(inbox, batch, processes)
        for _ in processes:
            _put(inbox, None, processes)
        return _collect(outbox, processes)
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
            process.join()


def _put(inbox, item, processes) -> None:
    """Queue ``item`` for the workers, failing (not hanging) if they have died."""
    while True:
        try:
            inbox.put(item, timeout=1)
            return
        except queue.Full:
            _check_alive(processes)


def _check_alive(processes) -> None:
    dead = [p for p in processes if p.exitcode not in (None, 0)]
    if dead:
        raise RuntimeError(f"index writer process {dead[0].pid} died (exit code {dead[0].exitcode})")


def _collect(outbox, processes) -> tuple[list, int]:
    segments, written, reports = [], 0, 0
    while reports < len(processes):
        ended = all(p.exitcode is not None for p in processes)  # before waiting: no race
        try:
            status, result, count = outbox.get(timeout=1)
        except queue.Empty:
            _check_alive(processes)
            if ended:
                raise RuntimeError("an index writer process ended without reporting") from None
            continue
        reports += 1
        if status != "done":
            raise RuntimeError(f"an index writer process failed:\n{result}")
        segments += result
        written += count
    return segments, written
