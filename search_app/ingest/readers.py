"""Readers turn a file into raw records, each with its position, or a reason it is unreadable."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator


@dataclass(frozen=True)
class RawRecord:
    path: Path
    position: int  # 1-based line number
    raw: str  # the original text, written verbatim to quarantine
    data: dict | None
    error: str | None = None


def read_jsonl(path: Path) -> Iterator[RawRecord]:
    with path.open("rb") as handle:
        for number, line_bytes in enumerate(handle, start=1):
            try:
                line = line_bytes.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as error:
                yield RawRecord(path, number, line_bytes.decode("utf-8", "replace"), None,
                                f"not UTF-8 ({error.reason} at byte {error.start})")
                continue
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as error:
                yield RawRecord(path, number, line, None, f"bad JSON: {error.msg} at column {error.colno}")
                continue
            if not isinstance(data, dict):
                yield RawRecord(path, number, line, None, f"expected a JSON object, got {type(data).__name__}")
                continue
            yield RawRecord(path, number, line, data)


READERS = {".jsonl": read_jsonl, ".ndjson": read_jsonl}


def reader_for(path: Path):
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ValueError(f"{path}: unsupported file type {path.suffix!r} (supported: "
                         f"{', '.join(sorted(READERS))})")
    return reader
