"""Build index generations from the store and switch ``index/current`` atomically."""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import multiprocessing.util
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import SegmentReader, TermNotFound

from ..enrich.outlets import outlet_keys
from ..models import MAX_INDEXED_BODY_CHARS, Article
from ..store import Store
from ..utils import die_with_parent
from .generations import MANIFEST, current_generation, current_link, generations_dir, read_manifest
from .facet_arrays import write_facet_arrays
from .postings import leaf_readers, write_segment_arrays
from .schema import FACET_FIELDS, build_schema, protected_name_tokens
from .whoosh_internals import index_segments
from .writer import write_segments

log = logging.getLogger(__name__)


_lock_owner = 0  # pid of the process holding the writer lock, as forked helpers see it


class IndexLockedError(RuntimeError):
    pass


class VerificationError(RuntimeError):
    pass


@dataclass(frozen=True)
class BuildResult:
    generation: Path
    documents: int
    seconds: float
    pruned: list[Path]
    kind: str  # rebuild, update, or unchanged


@contextmanager
def writer_lock(index_dir: Path):
    """One writer at a time across processes; the OS releases the lock if the process dies."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / "rebuild.lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise IndexLockedError(f"another index build is running (pid {holder}); "
                                   "wait for it to finish") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        # Whoosh's parallel writer forks helpers; they must neither keep the lock nor outlive us.
        global _lock_owner
        _lock_owner = os.getpid()
        multiprocessing.util.register_after_fork(handle, _detach_from_writer)
        yield


def _detach_from_writer(lock_handle) -> None:
    """In a forked helper: drop the inherited lock, and die with the parent (a killed build)."""
    lock_handle.close()
    die_with_parent(_lock_owner)


# What an index document holds; a live generation of another format is rebuilt, not updated.
# 2: outlets as a multi-valued source field, and the item's kind.
DOCUMENT_FORMAT = 2


def article_document(article: Article, also_published: list[dict] = ()) -> dict:
    """The index document of an article; ``also_published``: the other copies of the same story."""
    texts = [(lang, title, body[:MAX_INDEXED_BODY_CHARS]) for lang, title, body in article.texts()]
    english = [(title, body) for lang, title, body in texts if lang != "ar"]
    arabic = [(title, body) for lang, title, body in texts if lang == "ar"]
    published = dt.datetime.fromisoformat(article.published) if article.published else None
    document = dict(
        id=article.id,
        title_en="\n".join(title for title, _ in english),
        body_en="\n\n".join(body for _, body in english),
        title_ar="\n".join(title for title, _ in arabic),
        body_ar="\n\n".join(body for _, body in arabic),
        exact_title="\n".join(title for _, title, _ in texts),
        exact="\n\n".join(body for _, _, body in texts),
        governorate=",".join(article.governorates),
        district=",".join(article.districts),
        place=",".join(article.places),
        actor=",".join(article.actors),
        lang=article.lang,
        source=",".join(_outlets(article, also_published)),
        outlets=list(outlet_keys(article.source, article.url)),
        kind=article.kind,
        url=article.url,
        precision=article.published_precision,
        translation_langs=[t.lang for t in article.translations],
        also=list(also_published),
    )
    if published is not None:
        document.update(published=published.replace(tzinfo=None), year=f"{published.year:04d}",
                        month=f"{published.year:04d}-{published.month:02d}")
    return {name: value for name, value in document.items() if value not in ("", None)}


def _outlets(article: Article, also_published: list[dict]) -> list[str]:
    """Every outlet that carried the story, once each: its own sources and its duplicates'."""
    found = list(outlet_keys(article.source, article.url))
    for copy in also_published:
        found += [key for key in outlet_keys(copy["source"], copy["url"]) if key not in found]
    return found


def _new_generation_dir(index_dir: Path) -> Path:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    path = generations_dir(index_dir) / stamp
    path.mkdir(parents=True)
    return path


def index_documents(store: Store, articles: Iterable[Article], batch_size: int = 500) -> Iterator[dict]:
    """Index documents with each group's "also published by" list, read from the store in batches."""
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= batch_size:
            yield from _documents_of_batch(store, batch)
            batch = []
    yield from _documents_of_batch(store, batch)


def _documents_of_batch(store: Store, batch: list[Article]) -> Iterator[dict]:
    also = store.also_published([article.id for article in batch]) if batch else {}
    for article in batch:
        yield article_document(article, also.get(article.id, ()))


def _write_documents(generation: Path, documents: Iterable[dict], expected: int) -> int:
    ix = whoosh_index.create_in(str(generation), build_schema(*protected_name_tokens()))
    return write_segments(ix, documents, expected)


def verify_generation(generation: Path, expected_ids: list[str], expected_count: int,
                      absent_ids: list[str] = (), once: list[str] = ()) -> None:
    """The document count, the sample's articles present (``once``'s exactly once: an update
    replaced them), ``absent_ids`` gone, and a sample title query finding its article."""
    # Without mmap: Whoosh would copy every file of a compound segment into memory.
    ix = FileStorage(str(generation), supports_mmap=False).open_index()
    if ix.doc_count() != expected_count:
        raise VerificationError(f"index holds {ix.doc_count()} documents, the store {expected_count}")
    with ix.searcher() as searcher:
        for article_id in expected_ids:
            if searcher.document_number(id=article_id) is None:
                raise VerificationError(f"article {article_id} is missing from the new index")
        for article_id in once:
            if len(list(searcher.document_numbers(id=article_id))) > 1:
                raise VerificationError(f"article {article_id} is in the new index more than once")
        for article_id in absent_ids:
            if searcher.document_number(id=article_id) is not None:
                raise VerificationError(f"deleted article {article_id} is still in the new index")
        for article_id in expected_ids[:5]:
            _check_title_query_finds(searcher, article_id)


def _check_title_query_finds(searcher, article_id: str) -> None:
    """A sample query: every word of an article's title must find that article."""
    docnum = searcher.document_number(id=article_id)
    stored = searcher.stored_fields(docnum)
    title = stored.get("title_en") or stored.get("title_ar") or ""
    words = sorted({token.text for token in searcher.schema["exact_title"].analyzer(title)})
    segment, local = _segment_of(searcher.reader(), docnum)
    for word in words:
        # Skipping to the document in its segment reads a block header per 128 postings: a
        # query listing every title with "the" took seconds a sample at 1M.
        try:
            matcher = segment.postings("exact_title", word)
        except TermNotFound:
            matcher = None
        if matcher is not None:
            matcher.skip_to(local)
        if matcher is None or not matcher.is_active() or matcher.id() != local:
            raise VerificationError(f"sample query {title[:60]!r} does not find article {article_id}")


def _segment_of(reader, docnum: int):
    """(segment reader, segment-local number) of a document of the generation."""
    for segment, offset in reversed(leaf_readers(reader)):
        if docnum >= offset:
            return segment, docnum - offset
    raise VerificationError(f"document {docnum} is in no segment")


def _switch_current(index_dir: Path, generation: Path) -> None:
    link = current_link(index_dir)
    temporary = index_dir / f".current-{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    os.symlink(os.path.relpath(generation, index_dir), temporary)
    os.replace(temporary, link)  # atomic: readers see the old or the new generation, never neither


def prune_generations(index_dir: Path, keep: int) -> list[Path]:
    """Delete unfinished generations and all but the newest ``keep`` finished ones (never current)."""
    live = current_generation(index_dir)
    finished, removed = [], []
    for path in sorted(generations_dir(index_dir).glob("*")):
        if path == live:
            continue
        if (path / MANIFEST).exists():
            finished.append(path)
        else:
            removed.append(path)
    removed += finished[: max(0, len(finished) - (keep - 1))]
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed


def _publish(index_dir: Path, generation: Path, written: int, store_seq: int, started: float,
             keep: int, kind: str) -> BuildResult:
    """Write the manifest (the generation is now complete), switch ``current`` to it, prune."""
    _save_segment_arrays(generation)
    seconds = time.monotonic() - started
    manifest = {"documents": written, "build_seconds": round(seconds, 3), "store_seq": store_seq,
                "kind": kind, "document_format": DOCUMENT_FORMAT, "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    (generation / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    _switch_current(index_dir, generation)
    pruned = prune_generations(index_dir, keep)
    log.info("%s generation %s: %d documents in %.1fs", kind, generation.name, written, seconds)
    return BuildResult(generation, written, seconds, pruned, kind)


def _save_segment_arrays(generation: Path) -> None:
    """Numpy copies of the common terms' postings of new segments, for search (index.postings)."""
    with FileStorage(str(generation), supports_mmap=False).open_index().reader() as reader:
        write_segment_arrays(generation, reader, FACET_FIELDS)
        write_facet_arrays(generation, reader, FACET_FIELDS)


def _sample_ids(store: Store, preferred: list[str] = ()) -> list[str]:
    randoms = [row[0] for row in store.db.execute(
        "SELECT id FROM articles WHERE dup_group IS NULL ORDER BY random() LIMIT 50")]
    return list(preferred[:50]) + randoms


def rebuild(store: Store, index_dir: Path, keep: int = 3, progress=None) -> BuildResult:
    """Build a new generation beside the live one, verify it, switch, prune."""
    with writer_lock(index_dir):
        return _rebuild_locked(store, index_dir, keep, progress)


def _rebuild_locked(store: Store, index_dir: Path, keep: int, progress) -> BuildResult:
    started = time.monotonic()
    generation = _new_generation_dir(index_dir)
    with store.snapshot():  # ingest may run meanwhile; build from one consistent view
        expected, store_seq = store.count_indexed(), store.last_change()
        articles = store.iter_articles(indexed_only=True)
        articles = progress(articles, expected) if progress else articles
        written = _write_documents(generation, index_documents(store, articles), expected)
        sample_ids = _sample_ids(store)
    verify_generation(generation, sample_ids, expected)
    return _publish(index_dir, generation, written, store_seq, started, keep, "rebuild")


def _copy_generation(source: Path, target: Path) -> None:
    """Hard links: Whoosh never rewrites a segment file, so the copy costs no disk and no time.
    (Not Whoosh's lock file: an update takes no Whoosh lock, and a shared one would be shared.)"""
    for path in source.iterdir():
        if path.name != MANIFEST and path.is_file() and not path.name.endswith("_WRITELOCK"):
            os.link(path, target / path.name)


def _open_for_update(generation: Path):
    # Without mmap: Whoosh's segment readers would copy each segment's postings and term files
    # into memory when opened (145 MB a segment at 1M, 20 segments: the 6 GB an update once took).
    return FileStorage(str(generation), supports_mmap=False).open_index()


def _segments_without(ix, article_ids: list[str]) -> tuple[list, int]:
    """The index's segments with every document of ``article_ids`` marked deleted, and how many
    were. Deletions live in the segment objects the new TOC pickles: no segment file changes."""
    segments = index_segments(ix)
    id_field = ix.schema["id"]
    wanted = sorted({id_field.to_bytes(article_id) for article_id in article_ids})
    deleted = 0
    for segment in segments:
        with SegmentReader(ix.storage, ix.schema, segment) as reader:
            for btext in wanted:
                if ("id", btext) not in reader:  # a term-table look-up; most ids are new
                    continue
                for docnum in reader.postings("id", btext).all_ids():
                    if not segment.is_deleted(docnum):
                        segment.delete_document(docnum)
                        deleted += 1
    return segments, deleted


def update(store: Store, index_dir: Path, keep: int = 3, progress=None) -> BuildResult:
    """Apply the store's changes since the live generation to a copy of it, verify, switch.

    The copy hard-links the live generation's segments (and their arrays); the changed and
    deleted articles' documents are marked deleted in them, and the changed articles are written
    as new segments by the rebuild's writer: the work follows the change, not the index's size.
    Falls back to a full rebuild when there is no live generation to start from.
    """
    with writer_lock(index_dir):
        live = current_generation(index_dir)
        manifest = read_manifest(live) if live else {}
        since = manifest.get("store_seq")
        if since is None or manifest.get("document_format", 1) != DOCUMENT_FORMAT:
            return _rebuild_locked(store, index_dir, keep, progress)  # nothing, or another schema, to add to
        started = time.monotonic()
        with store.snapshot():
            store_seq = store.last_change()
            to_index, to_delete = store.changed_since(since)
            if not to_index and not to_delete:
                return BuildResult(live, read_manifest(live)["documents"], 0.0, [], "unchanged")
            generation = _new_generation_dir(index_dir)
            _copy_generation(live, generation)
            ix = _open_for_update(generation)
            segments, replaced = _segments_without(ix, to_delete + to_index)
            articles = store.get_many(to_index)
            articles = progress(articles, len(to_index)) if progress else articles
            write_segments(ix, index_documents(store, articles), len(to_index), keep=segments)
            expected = store.count_indexed()
            sample_ids = _sample_ids(store, to_index)
        log.info("update: %d documents replaced or deleted, %d written", replaced, len(to_index))
        verify_generation(generation, sample_ids, expected, to_delete, once=to_index[:50])
        return _publish(index_dir, generation, expected, store_seq, started, keep, "update")
