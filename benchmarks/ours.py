"""Our engine, driven through the code paths the product uses.

Build: the corpus file through ``ingest_paths`` (enrichment: language, date, places, actors, and
near-duplicate signatures; batches of 2,000), then ``index.build.rebuild`` (a new verified generation).
Search: one ``SearchEngine`` per process, every query through ``SearchEngine.search``.
"""
from __future__ import annotations

import itertools
import time
from pathlib import Path

from search_app.index.generations import current_generation
from search_app.index.build import rebuild, update as update_index
from search_app.ingest import ingest_paths
from search_app.ingest.records import RecordError, build_article
from search_app.search.engine import SearchEngine, SearchRequest
from search_app.store import Store

from devtools.corpus import read_jsonl
from .queries import Query
from .measure import cpu_used, directory_bytes, measure_queries

def ingest(corpus: str, store_path: str, enrichment_sample: int = 2000) -> dict:
    """The product's ingest of the corpus file (``ingest_paths``: records enriched and signed for
    near-duplicates in worker processes, stored in batches of 2,000), then, apart and untimed by
    the build, ``build_article`` alone over a sample in this one process."""
    started, cpu_started = time.perf_counter(), cpu_used()
    with Store(Path(store_path)) as store:
        report = ingest_paths(store, [Path(corpus)], Path(store_path).parent / "quarantine")
        articles = store.count()
    total, cpu = time.perf_counter() - started, cpu_used() - cpu_started
    sample = list(itertools.islice(read_jsonl(Path(corpus)), enrichment_sample))
    begun = time.perf_counter()
    for record in sample:
        try:
            build_article(record)
        except RecordError:
            pass
    enrich_rate = len(sample) / (time.perf_counter() - begun)
    return {"articles": articles, "rejected": len(report.rejections), "total_s": total, "step_cpu_s": cpu,
            "enrich_rate": enrich_rate, "store_bytes": Path(store_path).stat().st_size}


def build(store_path: str, index_dir: str) -> dict:
    """``index.build.rebuild`` from the store: the build without enrichment."""
    with Store(Path(store_path)) as store:
        started, cpu_started = time.perf_counter(), cpu_used()
        result = rebuild(store, Path(index_dir))
        seconds, cpu = time.perf_counter() - started, cpu_used() - cpu_started
    return {"documents": result.documents, "seconds": seconds, "step_cpu_s": cpu,
            "index_bytes": directory_bytes(result.generation)}


def update(store_path: str, index_dir: str, corpus: str) -> dict:
    """New articles into a built store and index: ``ingest_paths`` of the corpus file, then
    ``index.build.update`` (what ``search-app index update`` runs: the live generation copied,
    the changes written, verified, switched to), each timed."""
    started = time.perf_counter()
    with Store(Path(store_path)) as store:
        report = ingest_paths(store, [Path(corpus)], Path(store_path).parent / "quarantine")
        ingested = time.perf_counter() - started
        begun = time.perf_counter()
        result = update_index(store, Path(index_dir))
        updated = time.perf_counter() - begun
        articles = store.count()
    return {"ingested": report.accepted, "added": report.outcomes.get("added", 0),
            "rejected": len(report.rejections), "ingest_s": ingested, "update_s": updated,
            "kind": result.kind, "documents": result.documents, "articles": articles,
            "generation": result.generation.name}


def request_for(query: Query) -> SearchRequest:
    return SearchRequest(q=query.q, governorate=query.governorate, page=query.page)


def search(index_dir: str, plan: dict) -> dict:
    """Latencies of every query type through one warm ``SearchEngine``."""
    started = time.perf_counter()
    engine = SearchEngine(Path(index_dir))
    engine.search(SearchRequest(q="syria"))
    first_ms = (time.perf_counter() - started) * 1000
    result = measure_queries(lambda query: engine.search(request_for(query)).total, plan)
    result["open_and_first_query_ms"] = first_ms
    result["generation"] = current_generation(Path(index_dir)).name
    return result


COLD_START_CODE = (
    "import sys; from pathlib import Path; "
    "from search_app.search.engine import SearchEngine, SearchRequest; "
    "response = SearchEngine(Path(sys.argv[1])).search(SearchRequest(q='conscription Hama')); "
    "print(response.total, flush=True)"
)
