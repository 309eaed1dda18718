"""Readers turn a file or feed into raw records, each with its position, or a reason it is unreadable.

One reader per format, chosen by file extension (``READERS``) or, for an http(s) address, the feed
reader. Every reader yields ``RawRecord``s whose ``data`` has the keys ``build_article`` reads, and
raises ``SourceError`` only for a problem that leaves nothing to read (an empty file, a page that is
not a feed, a column map naming columns the file does not have).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Iterator

from .columns import REQUIRED_FIELDS, FieldError, apply_map, identity_map, suggested_map
from .csv_reader import read_csv
from .feeds import read_feed, read_feed_url
from .html_pages import read_html_page
from .lines import read_lines
from .raw import DEFAULT_OPTIONS, RawRecord, ReadOptions, SourceError, with_constants
from .urls import is_web_url

__all__ = ["READERS", "RawRecord", "ReadOptions", "SourceError", "quarantine_suffix", "read_jsonl",
           "reader_for"]

Reader = Callable[..., Iterator[RawRecord]]


def _check_usual_names(data: dict) -> None:
    """A record with ``text`` but no ``body`` was meant to be mapped: say how, not just "missing body"."""
    missing = [field for field in REQUIRED_FIELDS if data.get(field) in (None, "")]
    hint = suggested_map(missing, [key for key, value in data.items() if value not in (None, "")])
    if hint:
        raise FieldError(f"missing {' and '.join(missing)}; to read this file use {hint}")


def _mapped(data: dict, options: ReadOptions) -> dict:
    """The object itself when no map or preset is given, else the article fields the map selects.

    Keys already named like an article field are kept unless the map says otherwise.
    """
    explicit = options.effective_map()
    if explicit is None:
        _check_usual_names(data)
        return data
    absent = [f"{explicit[field].columns[0]!r} (for {field})" for field in REQUIRED_FIELDS
              if field in explicit and explicit[field].columns[0] not in data]
    if absent:
        raise FieldError(f"no key {', '.join(absent)}")
    return with_constants(apply_map({**identity_map(list(data)), **explicit}, data), options)


def read_jsonl(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[RawRecord]:
    records = 0
    for line in read_lines(path, encoding=options.encoding_for(path), max_bytes=options.max_record_bytes):
        if line.problem:
            records += 1
            yield RawRecord(path, line.number, line.text, None, line.problem)
            continue
        if not line.text.strip():
            continue
        records += 1
        try:
            data = json.loads(line.text)
        except json.JSONDecodeError as error:
            yield RawRecord(path, line.number, line.text, None, f"bad JSON: {error.msg} at column {error.colno}")
            continue
        except ValueError as error:  # e.g. an integer of more than 4,300 digits
            yield RawRecord(path, line.number, line.text, None, f"bad JSON: {error}")
            continue
        except RecursionError:
            yield RawRecord(path, line.number, line.text, None, "bad JSON: nested too deeply")
            continue
        if not isinstance(data, dict):
            yield RawRecord(path, line.number, line.text, None,
                            f"expected a JSON object, got {type(data).__name__}")
            continue
        try:
            article = _mapped(data, options)
        except FieldError as error:
            yield RawRecord(path, line.number, line.text, None, str(error))
            continue
        yield RawRecord(path, line.number, line.text, article)
    if records == 0:
        raise SourceError("empty file")


READERS: dict[str, Reader] = {
    ".jsonl": read_jsonl, ".ndjson": read_jsonl,
    ".csv": read_csv, ".tsv": read_csv,
    ".xml": read_feed, ".rss": read_feed, ".atom": read_feed,
    ".html": read_html_page, ".htm": read_html_page,
}
_FEED_READERS = {read_feed, read_feed_url}


def reader_for(source: Path | str) -> Reader:
    if isinstance(source, str) and is_web_url(source):
        return read_feed_url
    path = Path(source)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise SourceError(f"unsupported file type {path.suffix or '(none)'!r} (supported: "
                          f"{', '.join(sorted(READERS))}, or an http(s) feed address)")
    return reader


def quarantine_suffix(source: Path | str) -> str:
    """Feed entries are quarantined as JSONL (fix and ingest that); other formats keep their own."""
    if reader_for(source) in _FEED_READERS:
        return ".jsonl"
    return Path(source).suffix
