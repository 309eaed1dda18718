"""The baseline: SQLite FTS5 (stdlib ``sqlite3``) over the same documents.

One FTS5 table (title, body; ``unicode61 remove_diacritics 2``) holding the original text and every
translation, a metadata table, and a facet table (docid, facet, value) filled from the same enriched
articles the store holds (governorates, actors, month, language, source). Facet counts are one
``GROUP BY`` over the facet rows of the matching documents. Queries are the words as typed, ANDed
(FTS5 knows nothing of stems, spellings or translations: that is the point of comparison).
"""
from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from search_app.store import Store

from .measure import cpu_used, measure_queries
from .queries import FACET_NAMES, Query

PER_PAGE = 20

SCHEMA = """
CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2');
CREATE TABLE meta (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, url TEXT, source TEXT, lang TEXT,
                   published TEXT);
CREATE TABLE facet (docid INTEGER NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
                    PRIMARY KEY (docid, name, value)) WITHOUT ROWID;
"""
INDEXES = "CREATE INDEX facet_by_value ON facet (name, value, docid);"


def _facet_rows(docid: int, article) -> list[tuple[int, str, str]]:
    rows = [(docid, "governorate", code) for code in article.governorates]
    rows += [(docid, "actor", actor) for actor in article.actors]
    rows += [(docid, "lang", article.lang), (docid, "source", article.source)]
    if article.published:
        rows.append((docid, "month", article.published[:7]))
    return rows


def build(store_path: str, database: str) -> dict:
    """Read every article from the store and index it: the plain build, no enrichment."""
    path = Path(database)
    path.unlink(missing_ok=True)
    started, cpu_started = time.perf_counter(), cpu_used()
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(SCHEMA)
    db.execute("BEGIN")
    with Store(Path(store_path)) as store:
        for docid, article in enumerate(store.iter_articles(), start=1):
            texts = article.texts()
            db.execute("INSERT INTO docs (rowid, title, body) VALUES (?, ?, ?)",
                       (docid, "\n".join(t for _, t, _ in texts), "\n\n".join(b for _, _, b in texts)))
            db.execute("INSERT INTO meta VALUES (?, ?, ?, ?, ?, ?)",
                       (docid, article.id, article.url, article.source, article.lang, article.published))
            db.executemany("INSERT OR IGNORE INTO facet VALUES (?, ?, ?)", _facet_rows(docid, article))
    db.execute(INDEXES)
    db.execute("COMMIT")
    documents = db.execute("SELECT count(*) FROM meta").fetchone()[0]
    db.close()
    return {"documents": documents, "seconds": time.perf_counter() - started,
            "step_cpu_s": cpu_used() - cpu_started, "index_bytes": path.stat().st_size}


def match_expression(text: str) -> str:
    """A phrase stays a phrase; words become quoted terms, ANDed."""
    text = text.strip()
    if text.startswith('"'):
        return '"' + text.strip('"').replace('"', "") + '"'
    return " ".join('"' + word.replace('"', "") + '"' for word in text.split())


class Searcher:
    """One connection per process, like one searcher per process on our side."""

    def __init__(self, database: str):
        self.db = sqlite3.connect(database)

    def search(self, query: Query) -> int:
        match = match_expression(query.q)
        where, args = "docs MATCH ?", [match]
        if query.governorate:
            # "+": FTS5 matches first and the filter is a lookup (without it SQLite asks FTS5 once per row)
            where += (" AND +docs.rowid IN (SELECT docid FROM facet WHERE name = 'governorate' AND value IN "
                      f"({','.join('?' * len(query.governorate))}))")
            args += list(query.governorate)
        total = self.db.execute(f"SELECT count(*) FROM docs WHERE {where}", args).fetchone()[0]
        self.db.execute(
            "SELECT meta.id, docs.title, snippet(docs, 1, '<mark>', '</mark>', '…', 24), meta.published, "
            f"meta.source, meta.url FROM docs JOIN meta ON meta.rowid = docs.rowid WHERE {where} "
            "ORDER BY rank LIMIT ? OFFSET ?", args + [PER_PAGE, (query.page - 1) * PER_PAGE]).fetchall()
        if query.facets:
            self.facet_counts(where, args)
        return total

    def facet_counts(self, where: str, args: list) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {name: {} for name in FACET_NAMES}
        rows = self.db.execute(
            # "+name": walk the matches' facet rows by docid, not the whole facet index by name
            f"SELECT name, value, count(*) FROM facet WHERE +name IN ({','.join('?' * len(FACET_NAMES))}) "
            f"AND docid IN (SELECT docs.rowid FROM docs WHERE {where}) GROUP BY name, value",
            list(FACET_NAMES) + args)
        for name, value, count in rows:
            counts[name][value] = count
        return counts


def search(database: str, plan: dict) -> dict:
    started = time.perf_counter()
    searcher = Searcher(database)
    searcher.search(Query("open", "syria", facets=True))
    first_ms = (time.perf_counter() - started) * 1000
    result = measure_queries(searcher.search, plan)
    result["open_and_first_query_ms"] = first_ms
    return result


# Standalone (sqlite3 only), so the baseline's cold start pays for nothing of ours.
COLD_START_CODE = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
match = '"conscription" "Hama"'
total = db.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (match,)).fetchone()[0]
db.execute("SELECT meta.id, docs.title, snippet(docs, 1, '<mark>', '</mark>', '…', 24) FROM docs "
           "JOIN meta ON meta.rowid = docs.rowid WHERE docs MATCH ? ORDER BY rank LIMIT 20", (match,)).fetchall()
db.execute("SELECT name, value, count(*) FROM facet WHERE +name IN ('governorate', 'actor', 'month', 'lang', "
           "'source') AND docid IN (SELECT rowid FROM docs WHERE docs MATCH ?) GROUP BY name, value",
           (match,)).fetchall()
print(total, flush=True)
"""
