"""Writing a new generation's Whoosh segments fast, in worker processes.

Whoosh's ``SegmentWriter`` spent about half of a build analysing text through generator chains and
the other half pushing every posting as a tuple through an external sort and back, one
``add_posting`` call each. ``FastSegmentWriter`` is a ``SegmentWriter`` (same codec, same files,
same stored fields and columns) that:

- analyses the positional text fields with ``text.index_terms`` (one pass, per-word caches), and
- keeps each term's postings in compact arrays in memory (documents arrive in order, so nothing
  needs sorting but the terms), then hands Whoosh's postings writer whole blocks of 128,
- and pickles blocks and inlined postings with protocol 5 instead of 2 (``PICKLE_PROTOCOL``).

Memory is bounded by starting a new segment every ``SEGMENT_DOCS`` documents.
``write_segments`` runs one writer per core in forked workers fed with batches of documents
and returns the segments for one TOC; the indexer commits them.
"""
from __future__ import annotations

import itertools
import logging
import multiprocessing
import operator
import os
import pickle
import queue
import re
import time
import traceback
from array import array
from collections import Counter
from pathlib import Path
from typing import Iterable

import numpy as np

from whoosh import formats
from whoosh.analysis import CompositeAnalyzer, IDTokenizer, RegexTokenizer, StripFilter
from whoosh.index import TOC, clean_files
from whoosh.util.numeric import length_to_byte

from ..text.index_terms import term_positions_function
from .postings import POSITIONS_MIN_DOCS, array_policy, save_segment_arrays
from .schema import FACET_FIELDS
from .whoosh_internals import (TERM_INFO_STRUCT, SegmentWriterBase, add_term_info, block_limit, compression_level,
                               index_segments, install_block_writer, track_positions)

log = logging.getLogger(__name__)

SEGMENT_DOCS = 50_000  # about 1 GB in memory per writer; two segments hold 100,000 articles
WINDOW_POSTINGS = 1 << 16
BATCH_DOCS = 100
COMPRESS_FROM = 32  # postings in a block
INLINE_POSTINGS = 4  # terms in at most this many documents keep their postings in the term table
PARALLEL_FROM = 1_000  # below this, starting processes costs more than it saves
# Blocks and inlined postings are pickled with protocol 5: Whoosh writes protocol 2, which spells
# every bytes value (a posting's positions) as a latin-1 string and a call to rebuild it; protocol
# 5 pickles a block ten times faster, half the size, and loads ten times faster. Whoosh's reader
# unpickles whatever protocol it finds.
PICKLE_PROTOCOL = 5
_pack_count = formats.pack_uint


class _FieldPostings:
    """A field's postings in one segment, in arrival (document) order, as flat arrays: adding a
    document's terms is a few C-level extends; grouping them by term waits for the flush."""

    def __init__(self):
        self.term_ids: dict = {}  # term (str, or bytes for fields Whoosh indexes) -> id
        self.terms = array("I")  # term id of each posting
        self.docs = array("I")
        self.weights = array("f")
        self.values: list[bytes] = []  # each posting's encoded value (most are shared objects)
        self.positions = array("I")  # positional fields: every posting's positions, in order
        self.lengths: dict[int, int] = {}  # scorable fields: document -> tokens

    def add(self, docnum: int, terms: list, weights, encoded: list[bytes], positions=()) -> None:
        ids = self.term_ids
        known = list(map(ids.get, terms))
        if None in known:  # new terms get the next ids
            known = [ids.setdefault(term, len(ids)) if i is None else i for term, i in zip(terms, known)]
        self.terms.extend(known)
        self.docs.extend(itertools.repeat(docnum, len(terms)))
        self.weights.extend(weights)
        self.values.extend(encoded)
        self.positions.extend(positions)

    def grouped(self) -> tuple[list, np.ndarray]:
        """[(term, first, count)] with terms in order (UTF-8 keeps code point order), and the
        postings' arrival indexes in that order, each term's postings in document order."""
        ordered = sorted(self.term_ids)
        rank = np.empty(len(ordered), dtype=np.uint32)
        rank[[self.term_ids[term] for term in ordered]] = np.arange(len(ordered), dtype=np.uint32)
        ranks = rank[np.frombuffer(self.terms, dtype=np.uint32)]
        counts = np.bincount(ranks, minlength=len(ordered)).tolist()
        firsts = itertools.accumulate(counts, initial=0)
        return list(zip(ordered, firsts, counts)), np.argsort(ranks, kind="stable")

    def window(self, postings: np.ndarray) -> tuple:
        """(ids, weights) of the given postings (arrival indexes)."""
        return (np.frombuffer(self.docs, dtype=np.uint32)[postings].astype(np.int32),
                np.frombuffer(self.weights, dtype=np.float32)[postings])


def _values_array(values: list[bytes], fieldname: str) -> np.ndarray | None:
    """The postings' values as an object array, to take a window's in one C-level step; None for
    a field whose postings carry none (Whoosh leaves empty values out of a block)."""
    if not any(values):
        return None
    if not all(values):
        raise ValueError(f"field {fieldname!r}: some postings have values and some none")
    array_ = np.empty(len(values), dtype=object)
    array_[:] = values
    return array_


_ONE_POSITION: dict[int, bytes] = {}  # most postings: a word once in a field


def _encode_positions(positions: list[int]) -> bytes:
    """``formats.Positions.encode``: the count, then the pickled gaps (protocol 2)."""
    if len(positions) == 1:
        pos = positions[0]
        encoded = _ONE_POSITION.get(pos)
        if encoded is None:
            encoded = _ONE_POSITION[pos] = _pack_count(1) + pickle.dumps([pos], 2)
        return encoded
    gaps = list(map(operator.sub, positions, itertools.chain((0,), positions)))
    return _pack_count(len(gaps)) + pickle.dumps(gaps, 2)


def _encode_all(lists) -> list[bytes]:
    """``_encode_positions`` of each list; a word once in the field (most postings) is taken from
    the table with no call."""
    once = _ONE_POSITION.get
    return [(once(positions[0]) or _encode_positions(positions)) if len(positions) == 1
            else _encode_positions(positions) for positions in lists]


def _plain_terms_function(field):
    """For an ID field, or a KEYWORD field of comma-separated values, a function giving what
    ``field.index`` gives for a string, without running the analyzer's generator chain (a few
    microseconds a field, nine facet fields a document); None for any other field."""
    analyzer, format_ = field.analyzer, field.format
    if format_.field_boost != 1.0:
        return None
    if type(analyzer) is IDTokenizer and type(format_) is formats.Existence:
        return _whole_value_term
    if (isinstance(analyzer, CompositeAnalyzer) and type(format_) is formats.Frequency
            and [type(item) for item in analyzer.items] == [RegexTokenizer, StripFilter]
            and analyzer.items[0].expression.pattern == _COMMA_PARTS.pattern and not analyzer.items[0].gaps):
        return _comma_separated_terms
    return None


_COMMA_PARTS = re.compile("[^,]+")


def _whole_value_term(value: str) -> list[tuple]:
    return [(value.encode("utf-8"), 1, 1.0, b"")]


def _comma_separated_terms(value: str) -> list[tuple]:
    counts = Counter(part.strip() for part in _COMMA_PARTS.findall(value))
    return [(term.encode("utf-8"), count, float(count), _pack_count(count)) for term, count in counts.items()]


class FastSegmentWriter(SegmentWriterBase):
    """A ``SegmentWriter`` for our schema: fast analysis, in-memory postings, block writes,
    and the segment's numpy arrays (``postings``) saved from memory too."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        track_positions(self.fieldwriter)
        self._fast_fields, self._plain_fields = {}, {}
        for name, field in self.schema.items():
            if field.vector or field.separate_spelling():
                raise ValueError(f"field {name!r}: vectors and spelling are not supported here")
            if type(field.format) is formats.Positions and field.format.field_boost == 1.0:
                analyse = term_positions_function(field.analyzer)
                if analyse is not None:
                    self._fast_fields[name] = analyse
            elif field.indexed and (plain := _plain_terms_function(field)) is not None:
                self._plain_fields[name] = plain
        self._fields: dict[str, _FieldPostings] = {}
        self._block_size, self._zlib_level = block_limit(self.codec), compression_level(self.codec)
        self.started = time.monotonic()

    def add_document(self, **fields):
        self.check_open()
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
        self.mark_added()
        self.docnum += 1

    def _index_field(self, name: str, field, value, docnum: int) -> int:
        """Adds the field's postings; returns its length (tokens) when the field is scorable."""
        postings = self._fields.get(name)
        if postings is None:
            postings = self._fields[name] = _FieldPostings()
        analyse = self._fast_fields.get(name)
        if analyse is not None:
            found = analyse(value)
            lists = found.values()
            freqs = list(map(len, lists))
            postings.add(docnum, list(found), freqs, _encode_all(lists),
                         itertools.chain.from_iterable(lists))
        else:
            plain = self._plain_fields.get(name)
            items = plain(value) if plain is not None and isinstance(value, str) else list(field.index(value))
            freqs = [freq for _, freq, _, _ in items]
            postings.add(docnum, [key for key, _, _, _ in items], [weight for _, _, weight, _ in items],
                         [encoded or b"" for _, _, _, encoded in items])
        if not field.scorable:
            return 0
        length = postings.lengths[docnum] = sum(freqs)
        return length

    def flush_segment(self):
        self.perdocwriter.close()
        self._arrays = self._write_postings()
        self.fieldwriter.close()

    def segment_assembled(self):
        # Assembling packs every file named after the segment into one: the arrays come after.
        save_segment_arrays(Path(self.storage.folder), self.newsegment.segment_id(), self.docnum, self._arrays,
                            array_policy(self.schema, FACET_FIELDS))

    def _write_postings(self) -> list:
        """Every term of every field in order, in blocks of Whoosh's size, through its writer;
        returns the (field, term, ids, weights, positions) to save as arrays."""
        writer = self.fieldwriter
        array_fields = array_policy(self.schema, FACET_FIELDS)  # every term of these: the term table's
        arrays = []
        for name in sorted(self._fields):
            field = self.schema[name]
            postings = self._fields.pop(name)
            values = _values_array(postings.values, name)
            postings.values = None
            position_ends = None
            if name in self._fast_fields:
                position_ends = np.cumsum(np.frombuffer(postings.weights, dtype=np.float32).astype(np.int64))
            least = 1 if name in array_fields else 1 << 62
            spans, order = postings.grouped()
            doc_lengths = _lengths_array(postings.lengths)
            window_first = window_end = 0
            writer.start_field(name, field)
            block_writer = install_block_writer(writer, self.codec, PICKLE_PROTOCOL)
            for term, first, count in spans:
                last = first + count
                if last > window_end:
                    # The next window of postings as Python lists, cheap to slice per term; a
                    # window at a time keeps the flush from doubling a segment's memory.
                    window_first, window_end = first, max(last, first + WINDOW_POSTINGS)
                    window = order[window_first:window_end]
                    ids, weights = postings.window(window)
                    id_list, weight_list = ids.tolist(), weights.tolist()
                    if position_ends is not None:  # the window's positions in one gather, sliced per term
                        window_positions = _gather(postings.positions, position_ends, window)
                        window_position_ends = np.concatenate(([0], np.cumsum(weights.astype(np.int64))))
                    value_list = values[window].tolist() if values is not None else []
                    length_list = doc_lengths[ids].tolist() if doc_lengths is not None else None
                a, b = first - window_first, last - window_first
                btext = term.encode("utf-8") if isinstance(term, str) else term
                postings_args = (id_list[a:b], weight_list[a:b], value_list[a:b],
                                 length_list[a:b] if length_list is not None else None)
                if count <= INLINE_POSTINGS:
                    _inline_term(writer, btext, *postings_args)
                else:
                    writer.start_term(btext)
                    self._write_blocks(block_writer, *postings_args)
                    writer.finish_term()  # writes the last block
                if count >= least:
                    positions = None
                    if position_ends is not None and count >= POSITIONS_MIN_DOCS:
                        positions = window_positions[window_position_ends[a]:window_position_ends[b]]
                    arrays.append((name, field.from_bytes(btext), ids[a:b].copy(), weights[a:b].copy(), positions))
            writer.finish_field()
        return arrays

    def _write_blocks(self, block_writer, ids: list, weights: list, values: list, lengths: list | None) -> None:
        """A term's postings as blocks of Whoosh's size, set as ``add_posting`` would have; the
        last is left buffered for ``finish_term``."""
        size, level = self._block_size, self._zlib_level
        for first in range(0, len(ids), size):
            if first:
                block_writer.write_block()
            last = first + size
            block_ids = ids[first:last]
            shortest, longest = _length_range(lengths[first:last] if lengths is not None else None)
            # Starting a zlib stream costs more than it saves on a short block.
            block_writer.set_block(block_ids, weights[first:last], values[first:last], shortest, longest,
                                   level if len(block_ids) >= COMPRESS_FROM else 0)


def _inline_term(writer, btext: bytes, ids: list, weights: list, values: list, lengths: list | None) -> None:
    """Stores a rare term's few postings inside its term info, not as a block of its own: a
    block costs a pickle and a zlib stream each, and most terms are rare. (Whoosh reads inlined
    postings, but its writer's own inlining calls a misspelt method, so it is never enabled.)
    The bytes are ``W3TermInfo.to_bytes`` of the term info ``add_posting`` would have built."""
    shortest, longest = _length_range(lengths)
    info = TERM_INFO_STRUCT.pack(True, sum(weights), len(ids), length_to_byte(shortest), length_to_byte(longest),
                           max(weights), ids[0], ids[-1])
    postings = pickle.dumps((tuple(ids), tuple(weights), tuple(values)), PICKLE_PROTOCOL)
    add_term_info(writer, btext, info + postings)  # as finish_term


def _length_range(lengths: list[int] | None) -> tuple[int | None, int]:
    """(shortest, longest) field length of a block's or a term's documents, as a block records
    them; None and 0 for a field without lengths (``length_to_byte`` gives 0 for both)."""
    return (min(lengths), max(lengths)) if lengths else (None, 0)


def _lengths_array(lengths: dict[int, int]) -> np.ndarray | None:
    """A scorable field's lengths by document number, to look a window's up in one step (a
    dictionary lookup per posting was a twentieth of writing a segment); None for other fields."""
    if not lengths:
        return None
    by_doc = np.zeros(max(lengths) + 1, dtype=np.int64)
    by_doc[np.fromiter(lengths.keys(), dtype=np.int64, count=len(lengths))] = np.fromiter(
        lengths.values(), dtype=np.int64, count=len(lengths))
    return by_doc


def _gather(flat: array, ends: np.ndarray, postings: np.ndarray) -> np.ndarray:
    """The positions of the given postings (indexes in arrival order), posting after posting."""
    counts = ends[postings] - np.where(postings > 0, ends[postings - 1], 0)
    starts = ends[postings] - counts
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
    return np.frombuffer(flat, dtype=np.uint32)[offsets + np.arange(int(counts.sum()))]


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
    started = time.monotonic()
    segment = writer.finish_segment()
    log.info("segment %s: %d documents added in %.1fs, written in %.1fs", segment.segment_id(),
             writer.doc_count(), started - writer.started, time.monotonic() - started)
    return segment


def _worker(ix, inbox, outbox) -> None:
    def batches():
        while (batch := inbox.get()) is not None:
            yield from batch

    try:
        outbox.put(("done", *_write_all(ix, batches())))
    except BaseException:
        outbox.put(("failed", traceback.format_exc(), 0))


def write_segments(ix, documents: Iterable[dict], expected: int, workers: int | None = None,
                   keep: list | None = None) -> int:
    """Writes ``documents`` as new segments of ``ix`` and commits them beside ``keep`` (the
    index's segments as they stand by default; an update passes them with deletions marked);
    returns how many."""
    workers = workers or min(2, os.cpu_count() or 1)
    if expected < PARALLEL_FROM or workers < 2:
        segments, written = _write_all(ix, documents)
    else:
        segments, written = _write_in_workers(ix, documents, workers)
    ix.storage.temp_storage(f"{ix.indexname}.tmp").destroy()
    kept = index_segments(ix) if keep is None else keep
    generation, segments = ix.latest_generation() + 1, kept + segments
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
