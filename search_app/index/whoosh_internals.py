"""Every use of Whoosh's private names, in one place, for the one Whoosh version they were read from.

The fast paths (the segment writer, block decoding, field lengths, date columns) reach past
Whoosh's public API into its codec's attributes. Those names carry no promise between releases,
so they are all here, behind functions and classes with public names, and importing this module
fails at once, saying why, when the installed Whoosh is not the version they were written for.
Nothing else in the package touches a Whoosh name starting with an underscore (a unit test checks).

The functions hand back Whoosh's own objects or whole blocks: callers loop over postings
themselves, so no call here is made per posting.
"""
from __future__ import annotations

import itertools
import operator
import pickle
import zlib

import numpy as np
import whoosh
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3PostingsWriter, W3TermInfo, _lenfield
from whoosh.filedb.structfile import StructFile
from whoosh.system import _INT_SIZE, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

EXPECTED_WHOOSH = "2.7.5"  # whoosh-reloaded, pinned in pyproject.toml


class WhooshVersionError(ImportError):
    pass


def check_whoosh_version(found: str, expected: str = EXPECTED_WHOOSH) -> None:
    """Refuses a Whoosh other than the one whose private attributes this module was read from."""
    if found != expected:
        raise WhooshVersionError(
            f"search_app reads Whoosh's private internals as they are in whoosh-reloaded {expected}, "
            f"but Whoosh {found} is installed: install whoosh-reloaded=={expected} (pyproject.toml pins "
            f"it), or check every use in search_app/index/whoosh_internals.py against {found} and "
            f"update EXPECTED_WHOOSH")


check_whoosh_version(whoosh.versionstring())

# The size of the count before a ``Positions`` value's pickled gaps.
POSITIONS_COUNT_SIZE = _INT_SIZE
# struct of a W3 term info's fixed part: inlined?, weight, document frequency, shortest and
# longest length bytes, highest weight, first and last id (``W3TermInfo.to_bytes``).
TERM_INFO_STRUCT = W3TermInfo._struct


# -- the index ------------------------------------------------------------------------------


def index_segments(ix) -> list:
    """The segments of the index's latest generation (``FileIndex._segments``)."""
    return ix._segments()


# -- writing --------------------------------------------------------------------------------


class SegmentWriterBase(SegmentWriter):
    """Whoosh's ``SegmentWriter`` with the private steps a writer of our own takes part in, under
    public names: subclasses override ``flush_segment`` and ``segment_assembled``."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, _lk=False, **kwargs)  # the build holds the index's lock, not each writer

    def check_open(self) -> None:
        self._check_state()

    def mark_added(self) -> None:
        """What ``add_document`` records: the segment has documents to commit."""
        self._added = True

    def flush_segment(self) -> None:
        """Writes the postings and closes the field writer (Whoosh's own: through its pool)."""
        SegmentWriter._flush_segment(self)

    def segment_assembled(self) -> None:
        """Called once the segment's files are packed into one."""

    def finish_segment(self):
        """Writes the segment's files and closes the writer, without committing; returns the segment."""
        segment = self._finalize_segment()
        self._finish()
        return segment

    def _flush_segment(self):
        self.flush_segment()

    def _assemble_segment(self):
        super()._assemble_segment()
        self.segment_assembled()

    def _finish(self):
        # Whoosh names the temporary folder after the index, so every writer shares it and the
        # base class's destroy() would delete other workers' column files: the build does it.
        self.is_closed = True


class BlockPostingsWriter(W3PostingsWriter):
    """Whoosh's W3 postings writer taking whole blocks (``set_block``) instead of one
    ``add_posting`` call a posting, and pickling them with a protocol of our choice."""

    def __init__(self, postfile, blocklimit: int, compression: int, pickle_protocol: int):
        super().__init__(postfile, blocklimit=blocklimit, compression=compression)
        self.pickle_protocol = pickle_protocol

    def set_block(self, ids: list[int], weights: list[float], values: list[bytes],
                  shortest: int | None, longest: int, compression: int) -> None:
        """Sets the buffered block as ``add_posting`` one by one would have, with its zlib level."""
        self._ids, self._weights, self._values = ids, weights, values
        self._maxweight = max(weights)
        self._minlength, self._maxlength = shortest, longest
        self._compression = compression

    def _mini_ids(self):
        """Whoosh's: the ids as gaps (ids of byte strings as they are), at C level instead of a
        generator a posting."""
        ids = self._ids
        return tuple(ids) if self._byteids else tuple(map(operator.sub, ids, itertools.chain((0,), ids)))

    def _mini_weights(self):
        """Whoosh's: None when every weight is 1.0, the one weight when all are equal, else all of
        them, each test one C-level count instead of a generator a posting."""
        weights = self._weights
        if weights.count(1.0) == len(weights):
            return None
        if weights.count(weights[0]) == len(weights):
            return weights[0]
        return tuple(weights)

    def write_block(self) -> None:
        """Writes the buffered block (not the term's last: ``finish_term`` writes that one)."""
        self._write_block()

    def _write_block(self, last=False):
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        protocol = self.pickle_protocol
        data = pickle.dumps((self._mini_ids(), self._mini_weights(), self._mini_values()), protocol)
        if self._compression:
            data = zlib.compress(data, self._compression)
        ids = self._ids
        info = pickle.dumps((len(ids), ids[-1], self._maxweight, self._compression,
                             length_to_byte(self._minlength), length_to_byte(self._maxlength)), protocol)
        length = len(info) + len(data)
        self._postfile.write_int(-length if last else length)  # the last block's is negative
        self._postfile.write(info)
        self._postfile.write(data)
        self._blockcount += 1
        self._new_block()


class PositionedStructFile(StructFile):
    """A ``StructFile`` that counts what it writes, so ``tell`` needs no system call: a buffered
    file's ``tell`` asks the OS (``lseek``) every time, and Whoosh asks three or four times a term
    (the term table's ``add``, the postings' start and end), a tenth of flushing a segment.
    Writes that bypass ``write`` (arrays, pickles), seeks and truncation make it ask the file again."""

    def __init__(self, structfile: StructFile):
        self.__dict__.update(structfile.__dict__)
        self._position = None

    def write(self, data):
        written = self.file.write(data)
        if self._position is not None:
            self._position += written
        return written

    def tell(self):
        if self._position is None:
            self._position = self.file.tell()
        return self._position

    def seek(self, *args, **kwargs):
        self._position = None
        return self.file.seek(*args, **kwargs)

    def truncate(self, *args, **kwargs):
        self._position = None
        return self.file.truncate(*args, **kwargs)

    def write_array(self, arry):
        self._position = None
        super().write_array(arry)

    def write_pickle(self, obj, protocol=-1):
        self._position = None
        super().write_pickle(obj, protocol)


def track_positions(field_writer) -> None:
    """Puts ``PositionedStructFile``s in place of a new field writer's term table and postings files."""
    field_writer._postfile = PositionedStructFile(field_writer._postfile)
    field_writer._tindex.dbfile = PositionedStructFile(field_writer._tindex.dbfile)


def block_limit(codec) -> int:
    """Postings in a full block."""
    return codec._blocklimit


def install_block_writer(field_writer, codec, pickle_protocol: int) -> BlockPostingsWriter:
    """After ``field_writer.start_field``: puts a ``BlockPostingsWriter`` in place of the field's
    postings writer, and returns it for the field's terms."""
    block_writer = BlockPostingsWriter(field_writer._postfile, blocklimit=codec._blocklimit,
                                       compression=codec._compression, pickle_protocol=pickle_protocol)
    field_writer._postwriter = block_writer
    return block_writer


def compression_level(codec) -> int:
    """The codec's zlib level for postings blocks."""
    return codec._compression


def add_term_info(field_writer, btext: bytes, term_info: bytes) -> None:
    """Adds a term of the current field to the term table with ready-made term info bytes, as
    ``finish_term`` does."""
    field_writer._tindex.add(pack_ushort(field_writer._fieldid) + btext, term_info)


# -- reading postings blocks ----------------------------------------------------------------


def term_matcher(segment_reader, fieldname: str, btext: bytes):
    """The segment's raw matcher of a term (a ``W3LeafMatcher`` for blocks, not wrapped for
    deletions); the term must be in the segment."""
    return segment_reader._terms.matcher(fieldname, btext, segment_reader.schema[fieldname].format)


def term_info_matcher(segment_reader, fieldname: str, btext: bytes, info):
    """The same matcher from the term's info as ``iter_field`` yields it: no second look-up in
    the segment's term table (decoding a whole segment looks every term up otherwise)."""
    terms = segment_reader._terms
    return terms._codec.postings_reader(terms._postfile, info, segment_reader.schema[fieldname].format,
                                        term=(fieldname, btext))


def block_last_id(matcher) -> int:
    """The current block's last document number, known without decoding the block."""
    return matcher._maxid


def block_ids_weights(matcher) -> tuple[np.ndarray, np.ndarray]:
    """The current block's ids (int64) and weights (float32), decoded with numpy (Whoosh's own
    ``_read_ids`` undoes the delta coding one id at a time in Python)."""
    if matcher._data is None:
        matcher._read_data()
    ids, weights = matcher._data[0], matcher._data[1]
    ids = np.asarray(ids, dtype=np.int64)
    if not matcher._byteids:
        ids = np.cumsum(ids)
    if weights is None:
        weights = np.ones(len(ids), dtype=np.float32)
    elif isinstance(weights, float):
        weights = np.full(len(ids), weights, dtype=np.float32)
    else:
        weights = np.asarray(weights, dtype=np.float32)
    return ids, weights


def block_values(matcher) -> list[bytes]:
    """The current block's encoded posting values."""
    matcher._read_values()
    return matcher._values


def next_block(matcher) -> None:
    matcher._next_block()


# -- reading columns and scoring settings ---------------------------------------------------


def length_bytes(segment_reader, fieldname: str) -> bytes | None:
    """The segment's field-length column as raw bytes, one encoded length a document (Whoosh's
    ``byte_to_length`` decodes them); None when the segment keeps no lengths for the field."""
    column = segment_reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return None
    return column._dbfile.get(column._basepos, column._count)


def column_default(column):
    """The value a column reader gives a document that has none (None if it keeps no default)."""
    return getattr(column, "_default", None)


def raw_int64_column(column) -> np.ndarray | None:
    """A fixed-width 64-bit numeric column's stored values in one array straight from its file
    (big-endian, one a document, possibly fewer than the segment's documents); None for a column
    laid out any other way."""
    typecode = getattr(column, "_typecode", None)
    if getattr(column, "_dbfile", None) is None or typecode not in ("q", "Q"):
        return None
    return np.frombuffer(column._dbfile.get(column._basepos, column._count * 8),
                         dtype=">i8" if typecode == "q" else ">u8")


def has_field_specific_b(weighting) -> bool:
    """Whether a BM25F weighting sets B per field (``field_B``), which the array scorer does not."""
    return bool(weighting._field_B)
