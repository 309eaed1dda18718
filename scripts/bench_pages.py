#!/usr/bin/env python3
"""Page latency over an existing store and index: article, search, place and actor pages.

    SEARCH_APP_DATA_DIR=... SEARCH_APP_INDEX_DIR=... python scripts/bench_pages.py [--articles 300]
        [--out benchmarks/results/pages.json]

Requests go through the real Flask app (its test client, in this process), so the times are the
server's own work for each page, without a network. Articles are a seeded random sample of the
store (a fair mix of languages and kinds); every request is made once unmeasured first, so the
figures are warm. Prints p50, p95 and the worst per page kind and writes them as JSON.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from search_app.enrich.actors import all_actors  # noqa: E402
from search_app.enrich.places import governorates  # noqa: E402
from search_app.settings import Settings  # noqa: E402
from search_app.store import open_store_read_only  # noqa: E402
from search_app.web import create_app  # noqa: E402

SEARCHES = ["conscription Hama", "تجنيد حماة", "Idlib", "barrel bombs", "Ghouta", "Afrin", "sarin",
            "إدلب", "دمشق", "refugees Lebanon", "Raqqa airstrike", "حلب", "ceasefire", "Manbij", "Douma",
            "Deir ez Zor", "الرقة", "prisoners", "Kobani", "humanitarian aid"]


def sample_article_ids(settings: Settings, count: int, seed: int = 7) -> list[str]:
    with open_store_read_only(settings) as store:
        ids = [row[0] for row in store.db.execute("SELECT id FROM articles WHERE dup_group IS NULL ORDER BY id")]
    return random.Random(seed).sample(ids, min(count, len(ids)))


def page_urls(settings: Settings, articles: int) -> dict[str, list[str]]:
    ids = sample_article_ids(settings, articles)
    return {"article": [f"/article/{article_id}" for article_id in ids],
            "api article": [f"/api/article/{article_id}" for article_id in ids[: max(1, len(ids) // 3)]],
            "search": [f"/?q={query}" for query in SEARCHES],
            "place": [f"/place/{entity.id}" for entity in governorates()],
            "actor": [f"/actor/{entity.id}" for entity in all_actors()][:20]}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))]


def measure(client, urls: list[str]) -> dict:
    times = []
    for url in urls:
        client.get(url)  # warm: each page's own caches, not only the first request's
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return {"requests": len(times), "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 0.95), 1), "max_ms": round(max(times), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300, help="article pages to sample")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "benchmarks" / "results" / "pages.json")
    options = parser.parse_args()
    settings = Settings.from_env()
    client = create_app(settings).test_client()
    client.get("/")  # opens the index generation
    results = {kind: measure(client, urls) for kind, urls in page_urls(settings, options.articles).items()}
    print(f"{'page':12} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind, row in results.items():
        print(f"{kind:12} {row['requests']:8} {row['p50_ms']:8} {row['p95_ms']:8} {row['max_ms']:8}")
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps({"store": str(settings.store_path), "pages": results}, indent=2))
    print(f"written to {options.out}")


if __name__ == "__main__":
    main()
