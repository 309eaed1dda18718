"""Index generations: rebuild, update, lock, and a rebuild killed at random moments under load."""
from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from whoosh import index as whoosh_index

from search_app.index.generations import current_generation, read_manifest
from search_app.index.build import IndexLockedError, VerificationError, rebuild, update, verify_generation, writer_lock
from search_app.ingest import ingest_paths
from search_app.index.schema import build_schema
from search_app.search import SearchEngine, SearchRequest
from search_app.store import open_store

from devtools.soak import soak, write_articles

from ..conftest import make_settings


def ingest(settings, path):
    with open_store(settings) as store:
        return ingest_paths(store, [path], settings.quarantine_dir)


def store_ids(settings):
    with open_store(settings) as store:
        return {article.id for article in store.iter_articles()}


def subprocess_env(settings):
    # No bilingual dictionary: `index rebuild` would compile it, seconds of CPU these tests do not look at.
    return {**os.environ, "SEARCH_APP_DATA_DIR": str(settings.data_dir),
            "SEARCH_APP_INDEX_DIR": str(settings.index_dir), "SEARCH_APP_DICTIONARY_DIR": "off"}


def test_rebuild_switches_current_and_keeps_previous_generations(tmp_path):
    settings = make_settings(tmp_path)
    ingest(settings, write_articles(tmp_path / "a.jsonl", 0, 30))
    with open_store(settings) as store:
        first = rebuild(store, settings.index_dir, keep=2)
        second = rebuild(store, settings.index_dir, keep=2)
        third = rebuild(store, settings.index_dir, keep=2)
    assert current_generation(settings.index_dir) == third.generation
    assert not first.generation.exists() and second.generation.exists()
    assert read_manifest(third.generation)["documents"] == 30


def test_update_adds_changes_and_deletes_without_a_full_rebuild(tmp_path):
    settings = make_settings(tmp_path)
    ingest(settings, write_articles(tmp_path / "a.jsonl", 0, 20))
    engine = SearchEngine(settings.index_dir)
    with open_store(settings) as store:
        rebuild(store, settings.index_dir)
        assert engine.search(SearchRequest(q="report")).total == 20
        gone = next(iter(sorted(store_ids(settings))))
        with store.transaction():
            store.delete(gone)
        ingest(settings, write_articles(tmp_path / "b.jsonl", 20, 5))
        result = update(store, settings.index_dir)
        assert result.kind == "update" and result.documents == 24
        assert update(store, settings.index_dir).kind == "unchanged"
    response = engine.search(SearchRequest(q="report", per_page=100))
    assert response.total == 24 and gone not in {hit.id for hit in response.hits}
    assert engine.search(SearchRequest(q='"report 22"')).total == 1


def _files_by_name(generation):
    """Name -> (inode, size, modification time) of a generation's files."""
    return {path.name: (path.stat().st_ino, path.stat().st_size, path.stat().st_mtime_ns)
            for path in generation.iterdir() if path.is_file()}


def _answers(index_dir, queries):
    engine = SearchEngine(index_dir)
    answers = {}
    for q in queries:
        response = engine.search(SearchRequest(q=q, per_page=100))
        answers[q] = (response.total, sorted(hit.id for hit in response.hits),
                      {name: [(value.value, value.count) for value in values]
                       for name, values in response.facets.items()})
    return answers


def test_update_replaces_a_changed_article_once_and_answers_as_a_rebuild_would(tmp_path):
    """A changed article is found by its new words only, once; a deleted one is gone; the live
    generation's files are hard-linked, never rewritten; the same queries give what a full rebuild
    of the same store gives."""
    settings = make_settings(tmp_path)
    ingest(settings, write_articles(tmp_path / "a.jsonl", 0, 30))
    with open_store(settings) as store:
        live = rebuild(store, settings.index_dir).generation
    before = _files_by_name(live)
    changed = json.loads((tmp_path / "a.jsonl").read_text().splitlines()[3])
    changed["body"] = "Zucchini growers in report 3 describe a quiet harvest."
    (tmp_path / "changed.jsonl").write_text(json.dumps(changed) + "\n")
    ingest(settings, tmp_path / "changed.jsonl")
    ingest(settings, write_articles(tmp_path / "b.jsonl", 30, 4))
    with open_store(settings) as store:
        gone = sorted(store_ids(settings))[0]
        with store.transaction():
            store.delete(gone)
        result = update(store, settings.index_dir)
    assert result.kind == "update" and result.documents == 33
    engine = SearchEngine(settings.index_dir)
    renewed = engine.search(SearchRequest(q="zucchini"))
    assert renewed.total == 1 and renewed.hits[0].url == changed["url"]
    everything = engine.search(SearchRequest(q="report", per_page=100))
    ids = [hit.id for hit in everything.hits]
    assert everything.total == 33 and len(ids) == len(set(ids)) == 33 and gone not in ids
    assert _files_by_name(live) == before  # the live generation is untouched
    after = _files_by_name(result.generation)
    shared = [name for name, stat in after.items() if name.endswith(".seg") and name in before]
    assert shared and all(after[name] == before[name] for name in shared)
    queries = ["report", "zucchini", "residents", '"report 31"', "Hama", "report -residents"]
    updated = _answers(settings.index_dir, queries)
    with open_store(settings) as store:
        rebuild(store, tmp_path / "rebuilt")
    assert updated == _answers(tmp_path / "rebuilt", queries)


def test_an_update_that_only_deletes_writes_no_segment(tmp_path):
    settings = make_settings(tmp_path)
    ingest(settings, write_articles(tmp_path / "a.jsonl", 0, 12))
    with open_store(settings) as store:
        live = rebuild(store, settings.index_dir).generation
        gone = sorted(store_ids(settings))[:2]
        with store.transaction():
            for article_id in gone:
                store.delete(article_id)
        result = update(store, settings.index_dir)
    assert result.kind == "update" and result.documents == 10
    segments = lambda generation: {path.name for path in generation.glob("*.seg")}  # noqa: E731
    assert segments(live) and segments(result.generation) == segments(live)
    response = SearchEngine(settings.index_dir).search(SearchRequest(q="report", per_page=100))
    assert response.total == 10 and not set(gone) & {hit.id for hit in response.hits}


def test_a_second_writer_is_refused_with_a_clear_message(tmp_path):
    settings = make_settings(tmp_path)
    ingest(settings, write_articles(tmp_path / "a.jsonl", 0, 3))
    with writer_lock(settings.index_dir), open_store(settings) as store:
        with pytest.raises(IndexLockedError, match="another index build is running"):
            rebuild(store, settings.index_dir)
    result = subprocess.run([sys.executable, "-m", "search_app", "index", "rebuild"], capture_output=True,
                            text=True, env=subprocess_env(settings))
    assert result.returncode == 0, result.stderr


def _children(pid: int) -> list[int]:
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    if int(handle.read().rsplit(")", 1)[1].split()[1]) == pid:  # field 4: the parent
                        children.append(int(entry))
            except (FileNotFoundError, ProcessLookupError):  # ended meanwhile
                continue
    return children


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _committed(store_path) -> int:
    """Articles committed so far, read without writing (opening a Store writes its schema
    version, and would wait for the ingest's transaction to end)."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{store_path}?mode=ro", uri=True)) as db:
            return db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killing_ingest_midway_loses_nothing_committed(tmp_path):
    settings = make_settings(tmp_path)
    source = write_articles(tmp_path / "big.jsonl", 0, 5000)
    process = subprocess.Popen([sys.executable, "-m", "search_app", "ingest", str(source)],
                               env=subprocess_env(settings), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    committed = 0
    while time.monotonic() < deadline and process.poll() is None:
        committed = _committed(settings.store_path)
        if committed:  # the first batch is in; thousands of records are still to come
            break
        time.sleep(0.02)
    helpers = _children(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait()
    with open_store(settings) as store:
        after_kill = store.count()
    assert after_kill >= committed
    assert helpers, f"5,000 records are prepared in helper processes (exit code {process.returncode})"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_running(pid) for pid in helpers):
        time.sleep(0.1)
    assert not any(_running(pid) for pid in helpers), "the ingest's helper processes outlived it"
    report = ingest(settings, source)
    assert store_ids(settings) and len(store_ids(settings)) == 5000
    assert report.outcomes["unchanged"] == after_kill


@pytest.mark.slow
def test_rebuild_killed_at_random_moments_under_query_load(tmp_path):
    """scripts/soak_rebuild.py: zero failed requests, the live count never drops, nothing lost."""
    # Over 1,000 articles the build forks parallel writers: a kill must not leave them holding the lock.
    report = soak(tmp_path, articles=1200, kills=10, clients=4)
    assert report["failed_requests"] == 0, report["failures"]
    assert report["kills"] >= 10 and report["final_rebuild_ok"], report["final_rebuild_error"]
    assert report["requests"] > 50 and report["live_counts_seen"]
    assert not report["live_count_dropped"]
    assert report["final_index_documents"] == report["articles"] == 1200


def test_verification_refuses_a_generation_whose_titles_do_not_find_their_articles(tmp_path):
    """The sample query: an article's title words must find it (here its indexed title differs)."""
    generation = tmp_path / "generation"
    generation.mkdir()
    ix = whoosh_index.create_in(str(generation), build_schema())
    with ix.writer() as writer:
        writer.add_document(id="good", title_en="Bread queues in Hama", exact_title="Bread queues in Hama")
        writer.add_document(id="bad", title_en="Water cuts in Raqqa", exact_title="Nothing alike")
    verify_generation(generation, ["good"], 2)
    with pytest.raises(VerificationError, match="does not find article bad"):
        verify_generation(generation, ["good", "bad"], 2)
