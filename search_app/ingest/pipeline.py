"""Read files, validate records, upsert the good ones and quarantine the rest."""
from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..store import Store
from .readers import RawRecord, reader_for
from .records import RecordError, build_article

log = logging.getLogger(__name__)


@dataclass
class Rejection:
    path: Path
    position: int
    reason: str


@dataclass
class IngestReport:
    outcomes: Counter = field(default_factory=Counter)  # added / updated / unchanged
    rejections: list[Rejection] = field(default_factory=list)
    quarantine_files: list[Path] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return sum(self.outcomes.values())

    def summary(self) -> str:
        if self.outcomes["valid"]:
            return f"dry run: {self.outcomes['valid']} valid, {len(self.rejections)} rejected, nothing written"
        return (f"{self.accepted} accepted ({self.outcomes['added']} added, {self.outcomes['updated']} "
                f"updated, {self.outcomes['unchanged']} unchanged), {len(self.rejections)} rejected")


class Quarantine:
    """Rejected records verbatim (fix and re-ingest the file) plus a log of positions and reasons."""

    def __init__(self, directory: Path, source: Path):
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
        self.records_path = directory / f"{source.stem}-{stamp}.rejected{source.suffix}"
        self.reasons_path = directory / f"{source.stem}-{stamp}.reasons.log"
        self._directory = directory
        self._records = self._reasons = None

    def add(self, record: RawRecord, reason: str) -> None:
        if self._records is None:
            self._directory.mkdir(parents=True, exist_ok=True)
            self._records = self.records_path.open("w", encoding="utf-8")
            self._reasons = self.reasons_path.open("w", encoding="utf-8")
        self._records.write(record.raw if record.raw.endswith("\n") else record.raw + "\n")
        self._reasons.write(f"{record.path}:{record.position}: {reason}\n")

    @property
    def used(self) -> bool:
        return self._records is not None

    def close(self) -> None:
        if self._records is not None:
            self._records.close()
            self._reasons.close()


def ingest_paths(store: Store, paths: list[Path], quarantine_dir: Path, *, dry_run: bool = False,
                 batch_size: int = 200) -> IngestReport:
    report = IngestReport()
    for path in paths:
        try:
            reader = reader_for(path)
            records = reader(path)
            _ingest_records(store, records, Quarantine(quarantine_dir, path), report, dry_run, batch_size)
        except (OSError, ValueError) as error:
            report.unreadable.append(f"{path}: {error}")
            log.error("%s: %s", path, error)
    return report


def _ingest_records(store, records, quarantine, report, dry_run, batch_size) -> None:
    """Commit every ``batch_size`` good records, so an interrupted run keeps what it committed."""
    batch = []
    try:
        for record in records:
            reason = record.error
            if reason is None:
                try:
                    batch.append(build_article(record.data))
                except RecordError as error:
                    reason = str(error)
            if reason is not None:
                report.rejections.append(Rejection(record.path, record.position, reason))
                log.warning("%s:%d: %s", record.path, record.position, reason)
                if not dry_run:
                    quarantine.add(record, reason)
            if len(batch) >= batch_size:
                _store_batch(store, batch, report, dry_run)
                batch = []
        _store_batch(store, batch, report, dry_run)
    finally:
        quarantine.close()
        if quarantine.used:
            report.quarantine_files.append(quarantine.records_path)


def _store_batch(store: Store, batch: list, report: IngestReport, dry_run: bool) -> None:
    if dry_run:
        report.outcomes["valid"] += len(batch)
        return
    with store.transaction():
        outcomes = [store.upsert(article) for article in batch]
    report.outcomes.update(outcomes)
