"""Our engine, driven through the code paths the product uses.

Build: raw record -> ``build_article`` (enrichment: language, date, places, actors) -> ``Store.upsert``
in batches of 200, as ingest does, then ``indexer.rebuild`` (a new verified generation).
Search: one ``SearchEngine`` per process, every query through ``SearchEngine.search``.
"""
from __future__ import annotations

import time
from pathlib import Path

from search_app.generations import current_generation
from search_app.indexer import rebuild
from search_app.ingest.records import RecordError, build_article
from search_app.search.engine import SearchEngine, SearchRequest
from search_app.store import Store

from .corpus import read_jsonl
from .queries import Query
from .measure import directory_bytes, measure_queries

BATCH = 200  # ingest's batch size


def ingest(corpus: str, store_path: str) -> dict:
    """Enrich and store every record; times the enrichment and the store writes apart."""
    enrich = write = 0.0
    rejected = written = 0
    started = time.perf_counter()
    with Store(Path(store_path)) as store:
        batch = []

        def flush():
            nonlocal write, written
            begun = time.perf_counter()
            with store.transaction():
                for article in batch:
                    store.upsert(article)
            write += time.perf_counter() - begun
            written += len(batch)
            batch.clear()

        for record in read_jsonl(Path(corpus)):
            begun = time.perf_counter()
            try:
                article = build_article(record)
            except RecordError:
                rejected += 1
                continue
            finally:
                enrich += time.perf_counter() - begun
            batch.append(article)
            if len(batch) >= BATCH:
                flush()
        flush()
        articles = store.count()
    return {"articles": articles, "rejected": rejected, "enrich_s": enrich, "store_s": write,
            "total_s": time.perf_counter() - started, "store_bytes": Path(store_path).stat().st_size}


def build(store_path: str, index_dir: str) -> dict:
    """``indexer.rebuild`` from the store: the build without enrichment."""
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
