#!/usr/bin/env python3
"""Soak test: serve under query load while index rebuilds are SIGKILLed at random moments.

    python scripts/soak_rebuild.py [--articles 600] [--kills 10] [--clients 4] [--out soak.json]

Builds a store of generated articles in a temporary directory, indexes part of it, adds the rest,
starts the real web app on localhost (waitress) with client threads querying it, then starts
`search-app index rebuild` in a subprocess and kills it with SIGKILL at a random moment until
``--kills`` kills have landed, and finally lets one rebuild complete. Prints and writes: requests
served, failed requests, kills, whether the live document count ever dropped, the final count
against the store, and the time of the completed rebuild. Exit status 1 when any check fails.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import waitress

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from search_app.index.build import rebuild  # noqa: E402
from search_app.ingest import ingest_paths  # noqa: E402
from search_app.search import SearchEngine, SearchRequest  # noqa: E402
from search_app.settings import Settings  # noqa: E402
from search_app.store import open_store  # noqa: E402
from search_app.web import create_app  # noqa: E402

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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        report = soak(Path(work), args.articles, args.kills, args.clients)
    for key, value in report.items():
        print(f"{key:24} {value}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    ok = (report["failed_requests"] == 0 and report["kills"] >= args.kills and report["final_rebuild_ok"]
          and not report["live_count_dropped"] and report["final_index_documents"] == report["articles"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
