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


def read_csv(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[RawRecord]:
    lines = read_lines(path, encoding=options.encoding_for(path), max_bytes=options.max_record_bytes,
                       newline="")
    lines = itertools.dropwhile(lambda line: line.problem is None and not line.text.strip(), lines)
    first = next(lines, None)
    if first is None:
        raise SourceError("empty file")
    if first.problem:
        raise SourceError(f"header line {first.number}: {first.problem}")

    consumed: list[Line] = []  # the lines of the row being parsed: csv pulls one line at a time

    def texts():
        for line in itertools.chain([first], lines):
            consumed.append(line)
            yield line.text or "\n"

    # The size cap applies to a field too, so an unclosed quote cannot swallow the rest of the file.
    csv.field_size_limit(max(options.max_record_bytes, csv.field_size_limit()))
    reader = csv.reader(texts(), delimiter=_delimiter(path, first.text), strict=True)
    try:
        header = [name.strip() for name in next(reader)]
    except csv.Error as error:
        raise SourceError(f"bad header line: {error}") from None
    header_text = "".join(line.text for line in consumed)
    consumed.clear()

    column_map = _column_map(header, options)

    rows = 0
    while True:
        error = None
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as csv_error:
            row, error = None, f"bad CSV: {csv_error}"
        if not consumed:  # csv read past the end while reporting an error
            break
        record_lines, raw = list(consumed), "".join(line.text for line in consumed)
        consumed.clear()
        position = record_lines[0].number
        error = error or next((line.problem for line in record_lines if line.problem), None)
        if error is None and not row:
            continue  # a blank line
        rows += 1
        if error is None and len(row) != len(header):
            error = f"expected {len(header)} fields, got {len(row)}"
        if error is not None:
            yield RawRecord(path, position, raw, None, error, header=header_text)
            continue
        try:
            article = with_constants(apply_map(column_map, dict(zip(header, row))), options)
        except FieldError as field_error:
            yield RawRecord(path, position, raw, None, str(field_error), header=header_text)
            continue
        yield RawRecord(path, position, raw, article, header=header_text)
    if rows == 0:
        raise SourceError("no records: the file has only a header line")
