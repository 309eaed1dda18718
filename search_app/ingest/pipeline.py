"""Read files and feeds, validate records, upsert the good ones and quarantine the rest."""
from __future__ import annotations

import datetime as dt
import itertools
import logging
import multiprocessing
import os
import re
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable

from ..models import Article, separate_story_id, stable_id
from ..utils import die_with_parent
from ..store import Store
from .duplicates import THRESHOLD, assign_group, resign_outdated, signature, similarity
from .raw import RawRecord, ReadOptions, records_with_constants
from .readers import quarantine_suffix, reader_for
from .records import RecordError, build_article
from .sources import expand_sources

log = logging.getLogger(__name__)

INGEST_PAGE_CACHE_MB = 256

# progress(items, total, desc) -> items: a progress bar on a terminal, the items as they are elsewhere.
# Items are records, or the stored articles of a re-sign (``resign_outdated``).
Progress = Callable[[Iterable, int | None, str], Iterable]


@dataclass
class Rejection:
    path: Path | str
    position: int
    reason: str


@dataclass
class Collision:
    """A story without a URL whose source, title and date name a different stored story."""
    path: Path | str
    position: int
    shared_id: str
    stored_as: str


@dataclass
class SourceResult:
    source: Path | str
    read: int = 0
    rejected: int = 0
    problem: str | None = None  # why nothing (more) could be read from it


@dataclass
class IngestReport:
    outcomes: Counter = field(default_factory=Counter)  # added / updated / unchanged
    rejections: list[Rejection] = field(default_factory=list)
    collisions: list[Collision] = field(default_factory=list)
    quarantine_files: list[Path] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)  # files of no known type under a directory
    sources: list[SourceResult] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return sum(self.outcomes.values())

    def summary(self) -> str:
        if self.outcomes["valid"]:
            return f"dry run: {self.outcomes['valid']} valid, {len(self.rejections)} rejected, nothing written"
        return (f"{self.accepted} accepted ({self.outcomes['added']} added, {self.outcomes['updated']} "
                f"updated, {self.outcomes['unchanged']} unchanged), {len(self.rejections)} rejected")


def _quarantine_name(source: Path | str) -> str:
    if isinstance(source, Path):
        return source.stem
    return re.sub(r"[^\w.-]+", "-", re.sub(r"^https?://", "", source)).strip("-.")[:80] or "feed"


class Quarantine:
    """Rejected records verbatim (fix and re-ingest the file) plus a log of positions and reasons."""

    def __init__(self, directory: Path, source: Path | str, suffix: str | None = None):
        self._name = _quarantine_name(source)
        self._suffix = suffix if suffix is not None else Path(source).suffix
        self._directory = directory
        self._records = self._reasons = None
        self.records_path = self.reasons_path = None

    def _open(self) -> None:
        """Files of a name no other quarantine has: ``<name>-<time>[-<n>]``, created, never reused
        (several inputs called feed.jsonl may be rejected from in the same second)."""
        self._directory.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
        for number in itertools.count(1):
            base = f"{self._name}-{stamp}" + (f"-{number}" if number > 1 else "")
            records_path = self._directory / f"{base}.rejected{self._suffix}"
            reasons_path = self._directory / f"{base}.reasons.log"
            try:
                # Undecodable bytes were kept as surrogate escapes: write them back as the same bytes.
                records = records_path.open("x", encoding="utf-8", errors="surrogateescape", newline="")
            except FileExistsError:
                continue
            try:
                self._reasons = reasons_path.open("x", encoding="utf-8", errors="backslashreplace")
            except FileExistsError:
                records.close()
                continue
            self._records, self.records_path, self.reasons_path = records, records_path, reasons_path
            return

    def add(self, record: RawRecord, reason: str) -> None:
        if self._records is None:
            self._open()
            if record.header:
                self._records.write(record.header)
        self._records.write(record.raw if record.raw.endswith(("\n", "\r")) else record.raw + "\n")
        self._reasons.write(f"{record.path}:{record.position}: {reason}\n")

    @property
    def used(self) -> bool:
        return self._records is not None

    def close(self) -> None:
        if self._records is not None:
            self._records.close()
            self._reasons.close()


def ingest_paths(store: Store, paths: Iterable[Path | str], quarantine_dir: Path, *, dry_run: bool = False,
                 batch_size: int = 2000, options: ReadOptions | None = None,
                 progress: Progress | None = None) -> IngestReport:
    """Ingest files, directories (every readable file under them) and http(s) feed addresses.

    Records are committed ``batch_size`` at a time: a commit writes every store page its batch
    touched, and articles land all over the signature and id indexes, so larger batches write
    fewer pages (the main process, which stores, sets the pace). A killed ingest re-reads at most
    that many records."""
    options = options or ReadOptions()
    report = IngestReport()
    # Articles land all over the store's id and band indexes: SQLite's default 2 MB of cached pages
    # would have the main process re-read them from disk.
    store.keep_pages_in_memory(INGEST_PAGE_CACHE_MB)
    if not dry_run:
        resign_outdated(store, progress)
    sources = expand_sources(paths)
    report.skipped.extend(sources.skipped)
    for path in sources.skipped:
        log.info("%s: skipped (unsupported file type)", path)
    for source in sources.items:
        result = SourceResult(source)
        report.sources.append(result)
        try:
            reader = reader_for(source)
            quarantine = Quarantine(quarantine_dir, source, quarantine_suffix(source))
            records = records_with_constants(reader(source, options), options)
            if progress is not None:
                records = progress(records, None, _quarantine_name(source))
            _ingest_records(store, records, quarantine, report, result, dry_run, batch_size)
        except Exception as error:  # noqa: BLE001 - whatever breaks one source, the next one is read
            result.problem = _reason(error)
            report.unreadable.append(f"{source}: {result.problem}")
            log.info("%s: %s", source, result.problem)  # the report carries it: the CLI prints it once
        log.info("%s: %d records read, %d rejected", source, result.read, result.rejected)
    return report


def _reason(error: Exception) -> str:
    if isinstance(error, FileNotFoundError):
        return "no such file"
    if isinstance(error, IsADirectoryError):
        return "is a directory"
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, (OSError, ValueError)):
        return str(error)
    return f"cannot be read ({type(error).__name__}: {error})"


def _prepare(data: dict) -> tuple:
    """(article, near-duplicate signature, None), or (None, None, why the record is refused):
    the work of a record that needs no store, done in worker processes for big inputs."""
    try:
        article = build_article(data)
        # Event records sharing a source report are still separate events: never grouped as copies.
        return article, (signature(article.body) if article.kind != "event" else None), None
    except RecordError as error:
        return None, None, str(error)
    except Exception as error:  # noqa: BLE001 - a record that breaks enrichment is rejected alone
        return None, None, f"cannot be read ({type(error).__name__}: {error})"


class _Preparer:
    """Prepares records batch by batch, in two worker processes once a source has a full batch
    (enrichment and signatures were two thirds of ingesting; starting processes for a handful of
    records would cost more than it saves). ``submit`` returns at once; results come in order."""

    def __init__(self, parallel_from: int):
        self._parallel_from = parallel_from
        self._executor = None

    def submit(self, records: list) -> tuple[list, Iterable[tuple]]:
        good = [record.data for record in records if record.error is None]
        if self._executor is None and len(records) >= self._parallel_from and (os.cpu_count() or 1) > 1:
            self._executor = ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("fork"),
                                                 initializer=die_with_parent, initargs=(os.getpid(),))
        if self._executor is None:
            return records, map(_prepare, good)
        return records, self._executor.map(_prepare, good, chunksize=max(1, len(good) // 8))

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)


def _ingest_records(store, records, quarantine, report, result, dry_run, batch_size) -> None:
    """Commit every ``batch_size`` good records, so an interrupted run keeps what it committed.

    While one batch is prepared (in workers), the one before it is stored. A reader that fails
    part-way (a file cut off, a read error) still gets the records read before that point stored;
    the failure is then reported for the whole file.
    """
    preparer = _Preparer(parallel_from=batch_size)
    chunk, pending = [], None
    iterator = iter(records)

    def settle(submitted) -> None:
        if submitted is not None:
            _settle(store, *submitted, quarantine, report, result, dry_run)

    try:
        while True:
            try:
                record = next(iterator)
            except StopIteration:
                break
            except Exception:  # the reader failed part-way: keep what it read, then report the file
                settle(pending)
                settle(preparer.submit(chunk))
                raise
            result.read += 1
            chunk.append(record)
            if len(chunk) >= batch_size:
                submitted = preparer.submit(chunk)
                settle(pending)
                pending, chunk = submitted, []
        settle(pending)
        settle(preparer.submit(chunk))
    finally:
        preparer.close()
        quarantine.close()
        if quarantine.used:
            report.quarantine_files.append(quarantine.records_path)


def _settle(store, records, prepared, quarantine, report, result, dry_run) -> None:
    """Reject or store one batch of records, in their order."""
    prepared = iter(prepared)
    batch = []

    def reject(record: RawRecord, reason: str) -> None:
        result.rejected += 1
        report.rejections.append(Rejection(record.path, record.position, reason))
        log.info("%s:%d: %s", record.path, record.position, reason)
        if not dry_run:
            quarantine.add(record, reason)

    for record in records:
        reason = record.error
        if reason is None:
            article, values, reason = next(prepared)
        if reason is None:
            batch.append((record, article, values))
        else:
            reject(record, reason)
    _store_batch(store, batch, report, dry_run, reject)


def _store_batch(store: Store, batch: list, report: IngestReport, dry_run: bool, reject) -> None:
    """One transaction; a record the store refuses is rolled back and rejected alone."""
    if dry_run:
        report.outcomes["valid"] += len(batch)
        return
    with store.transaction():
        outcomes, refused = [], []
        for record, article, values in batch:
            try:
                with store.savepoint():
                    article = _apart_from_a_different_story(store, article, values, record, report)
                    outcome = store.upsert(article)
                    if outcome != "unchanged":
                        assign_group(store, article, values)
            except Exception as error:  # noqa: BLE001 - e.g. a constraint; the batch goes on
                refused.append((record, f"cannot be stored: {error}"))
                continue
            outcomes.append(outcome)
    for record, reason in refused:  # quarantined once the batch is committed
        reject(record, reason)
    report.outcomes.update(outcomes)


def _apart_from_a_different_story(store: Store, article: Article, values, record: RawRecord,
                                  report: IngestReport) -> Article:
    """``article``, or the same under an id of its own when it has no URL and its id (a hash of
    source, title and date) already names a different story: a council's "Daily update" every day.

    The first story keeps the id it always had, so stores built before keep theirs; the second
    gets ``separate_story_id`` (the same on every re-ingest). A near-duplicate of the stored text
    is the same story corrected, and updates it as before."""
    if article.url or article.id != stable_id("", article.source, article.title, article.published):
        return article
    stored = store.get(article.id)
    if stored is None or stored.content_hash == article.content_hash or _same_story(stored.body, article.body,
                                                                                   values):
        return article
    separate = replace(article, id=separate_story_id(article.id, article.body))
    if store.get(separate.id) is not None:  # kept apart on an earlier run: said then
        return separate
    report.collisions.append(Collision(record.path, record.position, article.id, separate.id))
    log.info("%s:%d: same source, title and date as article %s, a different story: stored as %s",
             record.path, record.position, article.id, separate.id)
    return separate


def _same_story(stored_body: str, body: str, values) -> bool:
    stored_values = signature(stored_body)
    if values is None or stored_values is None:  # too short to compare: only the same text is
        return " ".join(stored_body.split()) == " ".join(body.split())
    return similarity(values, stored_values) >= THRESHOLD
