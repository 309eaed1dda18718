"""The soak test's machinery: generated articles, query load on a live server, rebuilds killed at
random moments. ``scripts/soak_rebuild.py`` runs it; tests/integration/test_index_lifecycle.py too."""
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
from pathlib import Path

import waitress

from search_app.index.build import rebuild
from search_app.ingest import ingest_paths
from search_app.search import SearchEngine, SearchRequest
from search_app.settings import Settings
from search_app.store import open_store
from search_app.web import create_app

PLACES = ["Hama", "Aleppo", "Idlib", "Homs", "Daraa", "Raqqa", "Latakia", "Damascus"]
TOPICS = ["bakery prices", "water cuts", "school reopening", "shelling", "checkpoint arrests", "harvest"]
VOCABULARY = ("market council farmers teachers fuel bread convoy road bridge clinic pharmacy river wells "
              "prices salaries rent students exams generators cables wheat barley olives drivers buses "
              "workshop mayor elders families shops").split()
QUERIES = ["/healthz", "/api/search?q=Hama", "/api/search?q=report&governorate=SY02", "/?q=water+cuts",
           "/api/search?q="]


def write_articles(path: Path, start: int, count: int) -> Path:
    """Generated English articles with distinct wording (so none is grouped as a duplicate)."""
    rng = random.Random(start)
    with path.open("w", encoding="utf-8") as handle:
        for n in range(start, start + count):
            place, topic = rng.choice(PLACES), rng.choice(TOPICS)
            handle.write(json.dumps({
                "url": f"https://soak.example/{n}", "source": f"Outlet {n % 7}", "lang": "en",
                "title": f"Report {n}: {topic} in {place}",
                "published": f"{2011 + n % 15}-0{1 + n % 9}-1{n % 9}",
                "body": f"Residents of {place} described {topic} in report {n}. "
                        + " ".join(rng.choice(VOCABULARY) for _ in range(40))}) + "\n")
    return path


def _env(settings: Settings) -> dict:
    return {**os.environ, "SEARCH_APP_DATA_DIR": str(settings.data_dir),
            "SEARCH_APP_INDEX_DIR": str(settings.index_dir)}


def _rebuild_process(settings: Settings) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "search_app", "index", "rebuild"], env=_env(settings),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


class Load:
    """Client threads querying the live server, recording failures and the live document count."""

    def __init__(self, base_url: str, clients: int):
        self.base_url, self.stop = base_url, threading.Event()
        self.failures: list[str] = []
        self.served = 0
        self.counts: list[int] = []
        self._lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, args=(n,)) for n in range(clients)]

    def _run(self, seed: int) -> None:
        rng = random.Random(seed)
        while not self.stop.is_set():
            path = rng.choice(QUERIES)
            try:
                with urllib.request.urlopen(self.base_url + path, timeout=30) as response:
                    body = response.read()
                with self._lock:
                    self.served += 1
                    if path == "/healthz":
                        self.counts.append(json.loads(body)["documents"])
            except Exception as error:  # every failed request counts against the engine
                with self._lock:
                    self.failures.append(f"{path}: {error}")

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join()


def soak(root: Path, articles: int, kills: int, clients: int, seed: int = 7) -> dict:
    settings = Settings.from_env({}, data_dir=root / "data", index_dir=root / "index")
    first = articles * 2 // 3
    with open_store(settings) as store:
        ingest_paths(store, [write_articles(root / "first.jsonl", 0, first)], settings.quarantine_dir)
        rebuild(store, settings.index_dir)
        ingest_paths(store, [write_articles(root / "rest.jsonl", first, articles - first)], settings.quarantine_dir)
        stored = store.count_indexed()
    server = waitress.create_server(create_app(settings), host="127.0.0.1", port=0, threads=6)
    threading.Thread(target=server.run, daemon=True).start()
    rng = random.Random(seed)
    landed = attempts = 0
    try:
        with Load(f"http://127.0.0.1:{server.effective_port}", clients) as load:
            while landed < kills and attempts < kills * 5:
                attempts += 1
                process = _rebuild_process(settings)
                time.sleep(rng.uniform(0.2, 2.5))
                if process.poll() is None:
                    process.send_signal(signal.SIGKILL)
                    landed += 1
                process.wait()
            started = time.monotonic()
            final = _rebuild_process(settings)
            _, errors = final.communicate()
            rebuild_seconds = time.monotonic() - started
            time.sleep(0.5)  # let the clients see the new generation
    finally:
        server.close()
    final_count = SearchEngine(settings.index_dir).search(SearchRequest()).total
    counts = load.counts
    return {"articles": stored, "requests": load.served, "failed_requests": len(load.failures),
            "failures": load.failures[:5], "kills": landed, "final_rebuild_ok": final.returncode == 0,
            "final_rebuild_error": errors.strip()[-500:] if final.returncode else "",
            "final_rebuild_seconds": round(rebuild_seconds, 2),
            "live_count_dropped": any(b < a for a, b in zip(counts, counts[1:])),
            "live_counts_seen": sorted(set(counts)), "final_index_documents": final_count}
