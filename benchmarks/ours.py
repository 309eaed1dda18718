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
from search_app.index.build import rebuild
from search_app.ingest import ingest_paths
from search_app.ingest.records import RecordError, build_article
from search_app.search.engine import SearchEngine, SearchRequest
from search_app.store import Store

from devtools.corpus import read_jsonl
from .queries import Query
from .measure import directory_bytes, measure_queries

def ingest(corpus: str, store_path: str, enrichment_sample: int = 2000) -> dict:
    """The product's ingest of the corpus file (``ingest_paths``: records enriched and signed for
    near-duplicates in worker processes, stored in batches of 2,000), then, apart and untimed by
    the build, ``build_article`` alone over a sample in this one process."""
    started = time.perf_counter()
    with Store(Path(store_path)) as store:
        report = ingest_paths(store, [Path(corpus)], Path(store_path).parent / "quarantine")
        articles = store.count()
    total = time.perf_counter() - started
    sample = list(itertools.islice(read_jsonl(Path(corpus)), enrichment_sample))
    begun = time.perf_counter()
    for record in sample:
        try:
            build_article(record)
        except RecordError:
            pass
    enrich_rate = len(sample) / (time.perf_counter() - begun)
    return {"articles": articles, "rejected": len(report.rejections), "total_s": total,
            "enrich_rate": enrich_rate, "store_bytes": Path(store_path).stat().st_size}


def build(store_path: str, index_dir: str) -> dict:
    """``index.build.rebuild`` from the store: the build without enrichment."""
    with Store(Path(store_path)) as store:
        started = time.perf_counter()
        result = rebuild(store, Path(index_dir))
        seconds = time.perf_counter() - started
    return {"documents": result.documents, "seconds": seconds,
            "index_bytes": directory_bytes(result.generation)}


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
