"""What every reader yields (``RawRecord``) and takes (``ReadOptions``), and its whole-file error."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .columns import ColumnMap
from .lines import MAX_RECORD_BYTES, detect_encoding
from .presets import Preset


class SourceError(ValueError):
    """A file or feed that yields nothing at all (empty, not a feed, a map naming missing columns)."""


@dataclass(frozen=True)
class RawRecord:
    path: Path | str  # a file, or the URL of a feed
    position: int  # 1-based line of the record's first line; the entry number in a feed
    raw: str  # the original text, written verbatim to quarantine
    data: dict | None
    error: str | None = None
    header: str | None = None  # a CSV header line, written once at the top of the quarantine file


MAX_FEED_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class FetchLimits:
    """How long (in all) and how much a feed address may take; ``fetch.py`` enforces them."""
    seconds: float = 60
    max_bytes: int = MAX_FEED_BYTES
    private_addresses: bool = False  # loopback, private, link-local: an intranet feed, or a test


@dataclass(frozen=True)
class ReadOptions:
    column_map: ColumnMap | None = None  # from --map; overrides the preset field by field
    preset: Preset | None = None
    encoding: str | None = None  # None: detect
    max_record_bytes: int = MAX_RECORD_BYTES
    kind: str | None = None  # from --kind: every record's kind unless the record names its own
    fetch_limits: FetchLimits = FetchLimits()  # for feed addresses

    def effective_map(self) -> ColumnMap | None:
        """The preset's map with the user's entries on top; None when neither was given."""
        if self.preset is None and not self.column_map:
            return None
        return {**(self.preset.column_map if self.preset else {}), **(self.column_map or {})}

    @property
    def constants(self) -> dict[str, str]:
        constants = dict(self.preset.constants) if self.preset else {}
        return {**constants, "kind": self.kind} if self.kind else constants

    def encoding_for(self, path: Path) -> str:
        if self.encoding:
            return self.encoding
        return detect_encoding(path, legacy=self.preset.legacy_encoding if self.preset else None)


DEFAULT_OPTIONS = ReadOptions()


def with_constants(article: dict, options: ReadOptions) -> dict:
    for field, value in options.constants.items():
        article.setdefault(field, value)
    return article


def records_with_constants(records: Iterable[RawRecord], options: ReadOptions) -> Iterator[RawRecord]:
    """Every reader's records with the preset's and ``--kind``'s fields (feeds and pages included)."""
    for record in records:
        if record.data is not None:
            with_constants(record.data, options)
        yield record
