"""CSV and TSV files: one article per row, columns chosen by name, a column map or a preset."""
from __future__ import annotations

import csv
import itertools
from pathlib import Path
from typing import Iterator

from .columns import (REQUIRED_FIELDS, ColumnMap, FieldError, apply_map, identity_map, missing_columns,
                      suggested_map)
from .lines import Line, read_lines
from .raw import DEFAULT_OPTIONS, RawRecord, ReadOptions, SourceError, with_constants

DELIMITERS = ",\t;|"


def _delimiter(path: Path, header: str) -> str:
    if path.suffix.lower() == ".tsv":
        return "\t"
    try:
        return csv.Sniffer().sniff(header, delimiters=DELIMITERS).delimiter
    except csv.Error:  # a single column, or nothing to tell the delimiters apart
        return ","


def _columns_text(columns: list[str]) -> str:
    return ", ".join(repr(column) for column in columns)


def _column_map(header: list[str], options: ReadOptions) -> ColumnMap:
    """Columns named like article fields, overridden by the preset and --map; a SourceError when
    the map names a column the file lacks or nothing fills title or body."""
    explicit = options.effective_map() or {}
    missing = missing_columns(explicit, header)
    if missing:
        raise SourceError(f"no column {', '.join(missing)}; the file's columns are {_columns_text(header)}")
    column_map = {**identity_map(header), **explicit}
    absent = [field for field in REQUIRED_FIELDS if field not in column_map]
    if absent:
        hint = suggested_map(absent, header) or f"--map {absent[0]}=COLUMN"
        raise SourceError(f"no {' or '.join(absent)} column; name the columns to use, e.g. {hint} "
                          f"(the file's columns are {_columns_text(header)})")
    return column_map


class _LineFeed:
    """The file's lines as csv takes them, one at a time, remembering the lines of the row being parsed:
    a quoted field may span several lines, and a rejected row keeps its original text and first line number."""

    def __init__(self, lines: Iterator[Line]):
        self._lines = lines
        self._consumed: list[Line] = []

    def __iter__(self) -> Iterator[str]:
        for line in self._lines:
            self._consumed.append(line)
            yield line.text or "\n"  # a line too long to keep still ends a row

    def take(self) -> list[Line]:
        """The lines read since the last call."""
        taken, self._consumed = self._consumed, []
        return taken


def _content_lines(path: Path, options: ReadOptions) -> tuple[Line, Iterator[Line]]:
    """The file's first non-blank line and the lines after it; a SourceError when there is none or it
    is unusable."""
    lines = read_lines(path, encoding=options.encoding_for(path), max_bytes=options.max_record_bytes,
                       newline="")
    lines = itertools.dropwhile(lambda line: line.problem is None and not line.text.strip(), lines)
    first = next(lines, None)
    if first is None:
        raise SourceError("empty file")
    if first.problem:
        raise SourceError(f"header line {first.number}: {first.problem}")
    return first, lines


def _read_header(reader, feed: _LineFeed) -> tuple[list[str], str]:
    """The column names and the header's original text (kept for the quarantine file)."""
    try:
        header = [name.strip() for name in next(reader)]
    except csv.Error as error:
        raise SourceError(f"bad header line: {error}") from None
    return header, "".join(line.text for line in feed.take())


def _physical_rows(reader, feed: _LineFeed) -> Iterator[tuple[list[Line], list[str] | None, str | None]]:
    """Each row after the header as (its lines, its fields, its problem); fields are None when csv
    could not parse the row, and the problem is None when nothing is wrong with the row's lines."""
    while True:
        error = None
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as csv_error:
            row, error = None, f"bad CSV: {csv_error}"
        lines = feed.take()
        if not lines:  # csv read past the end while reporting an error
            return
        yield lines, row, error or next((line.problem for line in lines if line.problem), None)


def _validated(row: list[str], header: list[str], column_map: ColumnMap,
               options: ReadOptions) -> tuple[dict | None, str | None]:
    """The row as an article, or None and why it cannot be one."""
    if len(row) != len(header):
        return None, f"expected {len(header)} fields, got {len(row)}"
    try:
        return with_constants(apply_map(column_map, dict(zip(header, row))), options), None
    except FieldError as field_error:
        return None, str(field_error)


def read_csv(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[RawRecord]:
    first, rest = _content_lines(path, options)
    feed = _LineFeed(itertools.chain([first], rest))
    # The size cap applies to a field too, so an unclosed quote cannot swallow the rest of the file.
    csv.field_size_limit(max(options.max_record_bytes, csv.field_size_limit()))
    reader = csv.reader(feed, delimiter=_delimiter(path, first.text), strict=True)
    header, header_text = _read_header(reader, feed)
    column_map = _column_map(header, options)

    rows = 0
    for lines, row, error in _physical_rows(reader, feed):
        if error is None and not row:
            continue  # a blank line
        rows += 1
        article = None
        if error is None:
            article, error = _validated(row, header, column_map, options)
        raw = "".join(line.text for line in lines)
        yield RawRecord(path, lines[0].number, raw, article, error, header=header_text)
    if rows == 0:
        raise SourceError("no records: the file has only a header line")
