"""SQLite store: the source of truth that every index generation is built from."""
from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .models import Article, Translation

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    source TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    lang TEXT NOT NULL,
    published TEXT,
    published_precision TEXT,
    governorates TEXT NOT NULL DEFAULT '[]',
    districts TEXT NOT NULL DEFAULT '[]',
    places TEXT NOT NULL DEFAULT '[]',
    actors TEXT NOT NULL DEFAULT '[]',
    content_hash TEXT NOT NULL,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE IF NOT EXISTS translations (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    translator TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (article_id, lang)
);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published);
-- Every add, change and delete, in order: `index update` applies those after its generation's mark.
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('upsert', 'delete'))
);
"""

_LIST_COLUMNS = ("governorates", "districts", "places", "actors")


class Store:
    """A connection to the article database; one per thread or process."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # Autocommit mode: transactions are explicit (``transaction()``), so a batch is all-or-nothing.
        self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(_SCHEMA)
        self._check_schema_version()

    def _check_schema_version(self) -> None:
        row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if row is None:
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        elif int(row["value"]) != SCHEMA_VERSION:
            raise RuntimeError(f"{self.path} has schema version {row['value']}, this program needs "
                               f"{SCHEMA_VERSION}")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self):
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    @contextmanager
    def snapshot(self):
        """A read transaction: every read inside sees the same committed state (WAL)."""
        self.db.execute("BEGIN DEFERRED")
        try:
            self.db.execute("SELECT 1 FROM meta LIMIT 1").fetchone()  # starts the read snapshot
            yield
        finally:
            self.db.execute("COMMIT")

    def upsert(self, article: Article) -> str:
        """Insert or replace by id; returns 'added', 'updated' or 'unchanged'."""
        row = self.db.execute("SELECT content_hash FROM articles WHERE id=?", (article.id,)).fetchone()
        if row is not None and row["content_hash"] == article.content_hash:
            return "unchanged"
        values = {name: getattr(article, name) for name in
                  ("id", "url", "source", "title", "body", "lang", "published", "published_precision",
                   "content_hash")}
        values.update({name: json.dumps(list(getattr(article, name))) for name in _LIST_COLUMNS})
        columns = ", ".join(values)
        placeholders = ", ".join(f":{name}" for name in values)
        updates = ", ".join(f"{name}=excluded.{name}" for name in values if name != "id")
        self.db.execute(
            f"INSERT INTO articles ({columns}) VALUES ({placeholders}) ON CONFLICT(id) DO UPDATE SET "
            f"{updates}, updated_at=strftime('%Y-%m-%dT%H:%M:%fZ', 'now')", values)
        self.db.execute("DELETE FROM translations WHERE article_id=?", (article.id,))
        self.db.executemany(
            "INSERT INTO translations (article_id, lang, title, body, translator) VALUES (?, ?, ?, ?, ?)",
            [(article.id, t.lang, t.title, t.body, t.translator) for t in article.translations])
        self.db.execute("INSERT INTO changes (article_id, op) VALUES (?, 'upsert')", (article.id,))
        return "added" if row is None else "updated"

    def delete(self, article_id: str) -> bool:
        deleted = self.db.execute("DELETE FROM articles WHERE id=?", (article_id,)).rowcount > 0
        if deleted:
            self.db.execute("INSERT INTO changes (article_id, op) VALUES (?, 'delete')", (article_id,))
        return deleted

    def last_change(self) -> int:
        return self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM changes").fetchone()[0]

    def changed_since(self, seq: int) -> tuple[list[str], list[str]]:
        """(ids to (re)index, ids to delete) after change ``seq``, each id once, by its latest state."""
        ids = [row[0] for row in self.db.execute(
            "SELECT DISTINCT article_id FROM changes WHERE seq > ?", (seq,))]
        present = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            present.update(row[0] for row in self.db.execute(
                f"SELECT id FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk))
        return [i for i in ids if i in present], [i for i in ids if i not in present]

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def get(self, article_id: str) -> Article | None:
        return next(self.get_many([article_id]), None)

    def iter_articles(self, batch_size: int = 500) -> Iterator[Article]:
        """Every article with its translations, in id order, read in batches."""
        last_id = ""
        while True:
            rows = self.db.execute("SELECT * FROM articles WHERE id > ? ORDER BY id LIMIT ?",
                                   (last_id, batch_size)).fetchall()
            if not rows:
                return
            yield from self._with_translations(rows)
            last_id = rows[-1]["id"]

    def get_many(self, ids: list[str], batch_size: int = 500) -> Iterator[Article]:
        for start in range(0, len(ids), batch_size):
            chunk = ids[start:start + batch_size]
            yield from self._with_translations(self.db.execute(
                f"SELECT * FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk).fetchall())

    def _with_translations(self, rows: list[sqlite3.Row]) -> Iterator[Article]:
        translations = self._translations([row["id"] for row in rows])
        for row in rows:
            yield self._article(row, translations.get(row["id"], ()))

    def _translations(self, ids: list[str]) -> dict[str, tuple[Translation, ...]]:
        found: dict[str, list[Translation]] = {}
        placeholders = ",".join("?" * len(ids))
        for row in self.db.execute(f"SELECT * FROM translations WHERE article_id IN ({placeholders}) "
                                   "ORDER BY lang", ids):
            found.setdefault(row["article_id"], []).append(
                Translation(row["lang"], row["title"], row["body"], row["translator"]))
        return {key: tuple(value) for key, value in found.items()}

    @staticmethod
    def _article(row: sqlite3.Row, translations: tuple[Translation, ...]) -> Article:
        return Article(
            id=row["id"], url=row["url"], source=row["source"], title=row["title"], body=row["body"],
            lang=row["lang"], published=row["published"], published_precision=row["published_precision"],
            translations=translations, content_hash=row["content_hash"],
            **{name: tuple(json.loads(row[name])) for name in _LIST_COLUMNS})


def open_store(settings) -> Store:
    return Store(settings.store_path)
