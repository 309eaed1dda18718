"""Index generations: rebuild, update, lock, and a rebuild killed at random moments under load."""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
import waitress

from search_app.generations import current_generation, read_manifest
from search_app.indexer import IndexLockedError, rebuild, update, writer_lock
from search_app.ingest import ingest_paths
from search_app.search import SearchEngine, SearchRequest
from search_app.store import open_store
from search_app.web import create_app

from ..conftest import make_settings

PLACES = ["Hama", "Aleppo", "Idlib", "Homs", "Daraa", "Raqqa", "Latakia", "Damascus"]
TOPICS = ["bakery prices", "water cuts", "school reopening", "shelling", "checkpoint arrests", "harvest"]
VOCABULARY = ("market council farmers teachers fuel bread convoy road bridge clinic pharmacy river wells "
              "prices salaries rent students exams generators cables wheat barley olives drivers buses "
              "workshop mayor elders families shops").split()


def write_articles(path, start: int, count: int):
    rng = random.Random(start)
    with path.open("w", encoding="utf-8") as handle:
        for n in range(start, start + count):
            place, topic = rng.choice(PLACES), rng.choice(TOPICS)
            handle.write(json.dumps({
                "url": f"https://lifecycle.example/{n}", "source": f"Outlet {n % 7}", "lang": "en",
                "title": f"Report {n}: {topic} in {place}", "published": f"{2011 + n % 15}-0{1 + n % 9}-1{n % 9}",
                # Distinct wording per article, so the near-duplicate grouping keeps them apart.
                "body": f"Residents of {place} described {topic} in report {n}. "
                        + " ".join(rng.choice(VOCABULARY) for _ in range(40))}) + "\n")
    return path


def ingest(settings, path):
    with open_store(settings) as store:
        return ingest_paths(store, [path], settings.quarantine_dir)


def store_ids(settings):
    with open_store(settings) as store:
        return {article.id for article in store.iter_articles()}


def subprocess_env(settings):
    return {**os.environ, "SEARCH_APP_DATA_DIR": str(settings.data_dir),
            "SEARCH_APP_INDEX_DIR": str(settings.index_dir)}


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


def test_a_second_writer_is_refused_with_a_clear_message(tmp_path):
    settings = make_settings(tmp_path)
    ingest(settings, write_articles(tmp_path / "a.jsonl", 0, 3))
    with writer_lock(settings.index_dir), open_store(settings) as store:
        with pytest.raises(IndexLockedError, match="another index build is running"):
            rebuild(store, settings.index_dir)
    result = subprocess.run([sys.executable, "-m", "search_app", "index", "rebuild"], capture_output=True,
                            text=True, env=subprocess_env(settings))
    assert result.returncode == 0, result.stderr


def test_killing_ingest_midway_loses_nothing_committed(tmp_path):
    settings = make_settings(tmp_path)
    source = write_articles(tmp_path / "big.jsonl", 0, 3000)
    process = subprocess.Popen([sys.executable, "-m", "search_app", "ingest", str(source)],
                               env=subprocess_env(settings), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    committed = 0
    while time.monotonic() < deadline and process.poll() is None:
        if settings.store_path.exists():
            with open_store(settings) as store:
                committed = store.count()
            if committed >= 200:
                break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    with open_store(settings) as store:
        after_kill = store.count()
    assert after_kill >= committed
    report = ingest(settings, source)
    assert store_ids(settings) and len(store_ids(settings)) == 3000
    assert report.outcomes["unchanged"] == after_kill


def test_rebuild_killed_at_random_moments_under_query_load(tmp_path):
    settings = make_settings(tmp_path)
    ingest(settings, write_articles(tmp_path / "a.jsonl", 0, 400))
    with open_store(settings) as store:
        rebuild(store, settings.index_dir)
    ingest(settings, write_articles(tmp_path / "b.jsonl", 400, 200))  # the rebuilds must add these

    server = waitress.create_server(create_app(settings), host="127.0.0.1", port=0, threads=6)
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{server.effective_port}"
    stop = threading.Event()
    failures, served, counts = [], [0], []

    def client(seed):
        rng = random.Random(seed)
        while not stop.is_set():
            path = rng.choice(["/healthz", "/api/search?q=Hama", "/api/search?q=report&governorate=SY02",
                               "/?q=water+cuts", "/api/search?q="])
            try:
                with urllib.request.urlopen(base + path, timeout=30) as response:
                    body = response.read()
                    if path == "/healthz":
                        counts.append(json.loads(body)["documents"])
                served[0] += 1
            except Exception as error:  # any failed request fails the test
                failures.append(f"{path}: {error}")

    clients = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for thread in clients:
        thread.start()
    rng = random.Random(7)
    kills = 0
    try:
        while kills < 10:
            process = subprocess.Popen([sys.executable, "-m", "search_app", "index", "rebuild"],
                                       env=subprocess_env(settings), stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.2, 2.5))
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                kills += 1
            process.wait()
        final = subprocess.run([sys.executable, "-m", "search_app", "index", "rebuild"],
                               env=subprocess_env(settings), capture_output=True, text=True)
        assert final.returncode == 0, final.stderr
        time.sleep(0.5)
    finally:
        stop.set()
        for thread in clients:
            thread.join()
        server.close()
    assert not failures, failures[:5]
    assert served[0] > 50 and counts
    assert all(later >= earlier for earlier, later in zip(counts, counts[1:])), "live count dropped"
    engine = SearchEngine(settings.index_dir)
    response = engine.search(SearchRequest(per_page=100))
    assert response.total == len(store_ids(settings)) == 600
    print(f"soak: {served[0]} requests, {len(failures)} failures, {kills} kills survived")
