"""SQLite store: the source of truth that every index generation is built from."""
from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .models import Article, Translation

SCHEMA_VERSION = 5

# One B-tree: every article adds 16 rows at random places, and each page they dirty is written at
# commit; a rowid table with an index on the key and one on the article would dirty more.
_BANDS_TABLE = """
CREATE TABLE IF NOT EXISTS signature_bands (
    key INTEGER NOT NULL,
    article_id TEXT NOT NULL,
    PRIMARY KEY (key, article_id)
) WITHOUT ROWID;
"""

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
    dup_group TEXT,  -- NULL: stands for itself; else the id of the group's representative
    kind TEXT NOT NULL DEFAULT 'article',
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE IF NOT EXISTS translations (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    translator TEXT NOT NULL DEFAULT '',
    machine INTEGER NOT NULL DEFAULT 0,  -- 1: made by `search-app translate`, redone when the original changes
    PRIMARY KEY (article_id, lang)
);
-- The last failure to machine-translate an article: reported, and retried on the next run.
CREATE TABLE IF NOT EXISTS translation_failures (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    error TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1,
    failed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (article_id, lang)
);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published);
CREATE INDEX IF NOT EXISTS articles_dup_group ON articles(dup_group);
-- bands: the article's band keys (8 bytes each, little-endian), to remove its rows below.
CREATE TABLE IF NOT EXISTS signatures (article_id TEXT PRIMARY KEY, minhash BLOB, bands BLOB);
""" + _BANDS_TABLE + """
-- Every add, change and delete, in order: `index update` applies those after its generation's mark.
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('upsert', 'delete'))
);
"""

_LIST_COLUMNS = ("governorates", "districts", "places", "actors")


def _pack_keys(keys: list[int]) -> bytes:
    return b"".join(key.to_bytes(8, "little", signed=True) for key in keys)


def _unpack_keys(packed: bytes) -> list[int]:
    return [int.from_bytes(packed[i:i + 8], "little", signed=True) for i in range(0, len(packed), 8)]


class StoreUnavailableError(RuntimeError):
    """The store a reader asked for is missing or at another schema version; says what to run."""


class Store:
    """A connection to the article database; one per thread or process.

    Only commands that write open it writable (creating or migrating the schema); readers use
    ``Store.read_only``, which never writes and so never waits for an ingest's transaction.
    """

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # Autocommit mode: transactions are explicit (``transaction()``), so a batch is all-or-nothing.
        self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        # Ingest dirties pages all over the signature indexes; copying them back every 4 MB of
        # log (the default) made commits half of ingesting into a 100k store. A 128 MB log copies
        # each page once per many batches, and is cut back to 32 MB after each checkpoint.
        self.db.execute("PRAGMA wal_autocheckpoint=32768")
        self.db.execute("PRAGMA journal_size_limit=33554432")
        self.db.execute("PRAGMA foreign_keys=ON")
        self._migrate()
        self.db.executescript(_SCHEMA)

    @classmethod
    def read_only(cls, path: Path) -> "Store":
        """A connection that cannot write (``mode=ro``): no schema script, no migration, no lock."""
        if not path.is_file():
            raise StoreUnavailableError(f"there is no article store at {path}: run `search-app ingest FILE` "
                                        "(or `search-app demo`)")
        store = cls.__new__(cls)
        store.path = path
        store.db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
        store.db.row_factory = sqlite3.Row
        try:
            store._check_version()
        except BaseException:
            store.close()
            raise
        return store

    def _check_version(self) -> None:
        try:
            stored = self.meta_value("schema_version")
        except sqlite3.DatabaseError as error:
            raise StoreUnavailableError(f"{self.path} is not a readable article store ({error})") from None
        version = int(stored) if stored else 0
        if version < SCHEMA_VERSION:
            raise StoreUnavailableError(f"{self.path} has schema version {version}, this program reads "
                                        f"{SCHEMA_VERSION}: run `search-app index update` to upgrade it")
        self._refuse_newer(version)

    def _refuse_newer(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise StoreUnavailableError(f"{self.path} has schema version {version}; this program knows up to "
                                        f"{SCHEMA_VERSION}: upgrade search_app")

    def _migrate(self) -> None:
        """Bring an older store up to SCHEMA_VERSION; a newer one is refused."""
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        stored = self.meta_value("schema_version")
        version = int(stored) if stored else SCHEMA_VERSION
        self._refuse_newer(version)
        if version < 2:
            self.db.execute("ALTER TABLE articles ADD COLUMN dup_group TEXT")
        if version < 3 and self._has_table("signature_bands"):
            self._migrate_bands()
        if version < 4 and self._has_table("articles"):
            # Version 4: every item has a kind; what was stored before is an article.
            self._add_column("articles", "kind", "TEXT NOT NULL DEFAULT 'article'")
        if version < 5 and self._has_table("translations"):
            # Version 5: a translation says whether a machine made it; those stored before came
            # with their articles, so none did.
            self._add_column("translations", "machine", "INTEGER NOT NULL DEFAULT 0")
        self.set_meta_value("schema_version", str(SCHEMA_VERSION))

    def _has_table(self, name: str) -> bool:
        return self.db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone() is not None

    def _migrate_bands(self) -> None:
        """Version 3: band rows keyed by (key, article), and each signature lists its band keys."""
        with self.transaction():
            columns = [row["name"] for row in self.db.execute("PRAGMA table_info(signatures)")]
            if "bands" in columns:  # another process migrated it while this one waited
                return
            self.db.execute("ALTER TABLE signatures ADD COLUMN bands BLOB")
            self.db.execute("ALTER TABLE signature_bands RENAME TO signature_bands_v2")
            self.db.execute(_BANDS_TABLE)
            self.db.execute("INSERT OR IGNORE INTO signature_bands SELECT key, article_id FROM signature_bands_v2")
            keys_of: dict[str, list[int]] = {}
            for row in self.db.execute("SELECT article_id, key FROM signature_bands_v2 ORDER BY rowid"):
                keys_of.setdefault(row[0], []).append(row[1])
            self.db.executemany("UPDATE signatures SET bands=? WHERE article_id=?",
                                [(_pack_keys(keys), article_id) for article_id, keys in keys_of.items()])
            self.db.execute("DROP TABLE signature_bands_v2")  # and its two indexes

    def _add_column(self, table: str, column: str, definition: str) -> None:
        with self.transaction():
            columns = [row["name"] for row in self.db.execute(f"PRAGMA table_info({table})")]
            if column not in columns:  # else another process migrated it while this one waited
                self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")

    def keep_pages_in_memory(self, megabytes: int) -> None:
        """Let this connection cache up to ``megabytes`` of pages (SQLite's default is 2 MB)."""
        self.db.execute(f"PRAGMA cache_size=-{int(megabytes) * 1024}")

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
    def savepoint(self):
        """Inside a transaction: everything in the block, or (on an exception) none of it."""
        self.db.execute("SAVEPOINT record")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK TO record")
            self.db.execute("RELEASE record")
            raise
        self.db.execute("RELEASE record")

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
        row = self.db.execute("SELECT content_hash, kind, title, body FROM articles WHERE id=?",
                              (article.id,)).fetchone()
        if row is not None and (row["content_hash"], row["kind"]) == (article.content_hash, article.kind):
            return "unchanged"
        values = {name: getattr(article, name) for name in
                  ("id", "url", "source", "title", "body", "lang", "published", "published_precision",
                   "content_hash", "kind")}
        values.update({name: json.dumps(list(getattr(article, name))) for name in _LIST_COLUMNS})
        columns = ", ".join(values)
        placeholders = ", ".join(f":{name}" for name in values)
        updates = ", ".join(f"{name}=excluded.{name}" for name in values if name != "id")
        self.db.execute(
            f"INSERT INTO articles ({columns}) VALUES ({placeholders}) ON CONFLICT(id) DO UPDATE SET "
            f"{updates}, updated_at=strftime('%Y-%m-%dT%H:%M:%fZ', 'now')", values)
        text_changed = row is None or (row["title"], row["body"]) != (article.title, article.body)
        self._replace_translations(article, text_changed)
        self._log_change(article.id, "upsert")
        return "added" if row is None else "updated"

    def _replace_translations(self, article: Article, text_changed: bool) -> None:
        """The record's translations replace the stored ones; a machine translation stays only while
        the original's title and body are what it was made from (an edited original is translated
        again) and the record brings none in its language."""
        keep_machine = "AND machine=0" if not text_changed else ""
        self.db.execute(f"DELETE FROM translations WHERE article_id=? {keep_machine}", (article.id,))
        self.db.executemany(
            "INSERT OR REPLACE INTO translations (article_id, lang, title, body, translator, machine) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(article.id, t.lang, t.title, t.body, t.translator, int(t.machine)) for t in article.translations])

    def untranslated(self, lang: str, target: str, limit: int | None = None) -> list[Article]:
        """Indexed articles in ``lang`` with no translation into ``target``: never tried first, then
        the ones that failed before (fewest attempts first), each in the order stored."""
        rows = self.db.execute(
            "SELECT a.* FROM articles a LEFT JOIN translation_failures f ON f.article_id = a.id AND f.lang = ? "
            "WHERE a.lang = ? AND +a.dup_group IS NULL AND NOT EXISTS "
            "(SELECT 1 FROM translations t WHERE t.article_id = a.id AND t.lang = ?) "
            "ORDER BY COALESCE(f.attempts, 0), a.rowid LIMIT ?",
            (target, lang, target, -1 if limit is None else limit)).fetchall()
        return list(self._with_translations(rows)) if rows else []

    def save_machine_translation(self, article: Article, translation: Translation) -> bool:
        """Store a machine translation of ``article`` as it was read; False (nothing written) when the
        original changed meanwhile or a translation in that language arrived. Logged like an upsert,
        so ``index update`` indexes it."""
        current = self.db.execute("SELECT content_hash, title, body FROM articles WHERE id=?",
                                  (article.id,)).fetchone()
        if current is None or tuple(current) != (article.content_hash, article.title, article.body):
            return False
        taken = self.db.execute("SELECT 1 FROM translations WHERE article_id=? AND lang=?",
                                (article.id, translation.lang)).fetchone()
        if taken is not None:
            return False
        self.db.execute("INSERT INTO translations (article_id, lang, title, body, translator, machine) "
                        "VALUES (?, ?, ?, ?, ?, 1)",
                        (article.id, translation.lang, translation.title, translation.body, translation.translator))
        self.db.execute("DELETE FROM translation_failures WHERE article_id=? AND lang=?", (article.id, translation.lang))
        self._log_change(article.id, "upsert")
        return True

    def record_translation_failure(self, article_id: str, lang: str, error: str) -> None:
        """Remember why an article could not be translated; the next run tries it again."""
        self.db.execute(
            "INSERT INTO translation_failures (article_id, lang, error) VALUES (?, ?, ?) "
            "ON CONFLICT(article_id, lang) DO UPDATE SET error=excluded.error, attempts=attempts + 1, "
            "failed_at=strftime('%Y-%m-%dT%H:%M:%fZ', 'now')", (article_id, lang, error[:500]))

    def translation_failures(self, lang: str) -> dict[str, str]:
        """Article id -> the last error, for articles still waiting for a translation into ``lang``."""
        return {row[0]: row[1] for row in self.db.execute(
            "SELECT article_id, error FROM translation_failures WHERE lang=? ORDER BY failed_at", (lang,))}

    def set_tags(self, article: Article) -> bool:
        """Store an article's re-extracted place and actor tags; True when they changed. The change
        is logged like an upsert (for its group too), so ``index update`` picks it up."""
        row = self.db.execute(f"SELECT {', '.join(_LIST_COLUMNS)}, dup_group FROM articles WHERE id=?",
                              (article.id,)).fetchone()
        values = {name: json.dumps(list(getattr(article, name))) for name in _LIST_COLUMNS}
        if row is None or all(row[name] == values[name] for name in _LIST_COLUMNS):
            return False
        assignments = ", ".join(f"{name}=:{name}" for name in values)
        self.db.execute(f"UPDATE articles SET {assignments}, updated_at=strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
                        "WHERE id=:id", {**values, "id": article.id})
        self._log_change(article.id, "upsert")
        if row["dup_group"]:
            self._log_change(row["dup_group"], "upsert")
        return True

    def delete(self, article_id: str) -> bool:
        row = self.db.execute("SELECT dup_group FROM articles WHERE id=?", (article_id,)).fetchone()
        if row is None:
            return False
        self.db.execute("DELETE FROM articles WHERE id=?", (article_id,))
        self._remove_bands(article_id)
        self.db.execute("DELETE FROM signatures WHERE article_id=?", (article_id,))
        self._log_change(article_id, "delete")
        if row["dup_group"]:
            self._log_change(row["dup_group"], "upsert")  # its "also published by" list shrank
        else:
            self._promote_next_member(article_id)
        return True

    def _promote_next_member(self, group: str) -> None:
        """The representative is gone: the earliest remaining member stands for the group."""
        members = [r[0] for r in self.db.execute(
            "SELECT id FROM articles WHERE dup_group=? ORDER BY rowid", (group,))]
        if not members:
            return
        self.db.execute("UPDATE articles SET dup_group=NULL WHERE id=?", (members[0],))
        self.db.execute("UPDATE articles SET dup_group=? WHERE dup_group=?", (members[0], group))
        self._log_change(members[0], "upsert")

    def _log_change(self, article_id: str, op: str) -> None:
        self.db.execute("INSERT INTO changes (article_id, op) VALUES (?, ?)", (article_id, op))

    def save_signature(self, article_id: str, minhash: bytes | None, band_keys: list[int]) -> None:
        self._remove_bands(article_id)
        self.db.execute("INSERT OR REPLACE INTO signatures VALUES (?, ?, ?)",
                        (article_id, minhash, _pack_keys(band_keys)))
        self.db.executemany("INSERT OR IGNORE INTO signature_bands VALUES (?, ?)",
                            [(key, article_id) for key in band_keys])

    def _remove_bands(self, article_id: str) -> None:
        row = self.db.execute("SELECT bands FROM signatures WHERE article_id=?", (article_id,)).fetchone()
        if row is not None and row[0]:
            self.db.executemany("DELETE FROM signature_bands WHERE key=? AND article_id=?",
                                [(key, article_id) for key in _unpack_keys(row[0])])

    def signed_article_ids(self) -> list[str]:
        """Every article with a stored signature (not the ones too short to have one)."""
        return [row[0] for row in self.db.execute(
            "SELECT article_id FROM signatures WHERE minhash IS NOT NULL ORDER BY rowid")]

    def forget_signature_bands(self) -> None:
        """Drop every band key, leaving signatures unfindable until saved again (a re-sign)."""
        with self.transaction():
            self.db.execute("DELETE FROM signature_bands")
            self.db.execute("UPDATE signatures SET bands=NULL WHERE bands IS NOT NULL")

    def meta_value(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta_value(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def signature_candidates(self, band_keys: list[int], exclude: str) -> list[tuple[str, bytes]]:
        placeholders = ",".join("?" * len(band_keys))
        return [(row[0], row[1]) for row in self.db.execute(
            f"SELECT DISTINCT s.article_id, s.minhash FROM signature_bands b JOIN signatures s "
            f"ON s.article_id = b.article_id WHERE b.key IN ({placeholders}) AND b.article_id != ?",
            [*band_keys, exclude])]

    def join_group(self, article_id: str, similar_to: str) -> str:
        """Put ``article_id`` in the group of ``similar_to``; returns the group's representative."""
        row = self.db.execute("SELECT dup_group FROM articles WHERE id=?", (similar_to,)).fetchone()
        group = row["dup_group"] or similar_to
        if group == article_id:
            return group
        current = self.db.execute("SELECT dup_group FROM articles WHERE id=?", (article_id,)).fetchone()
        if current["dup_group"] == group:
            return group
        if current["dup_group"] is None:
            self._promote_next_member(article_id)  # it may have stood for a group of its own
        self.db.execute("UPDATE articles SET dup_group=? WHERE id=?", (group, article_id))
        self._log_change(group, "upsert")
        self._log_change(article_id, "upsert")
        return group

    def leave_group(self, article_id: str) -> None:
        """An edited article that no longer resembles its group stands alone again."""
        row = self.db.execute("SELECT dup_group FROM articles WHERE id=?", (article_id,)).fetchone()
        if row is not None and row["dup_group"]:
            self.db.execute("UPDATE articles SET dup_group=NULL WHERE id=?", (article_id,))
            self._log_change(row["dup_group"], "upsert")
            self._log_change(article_id, "upsert")

    def also_published(self, representative_ids: list[str]) -> dict[str, list[dict]]:
        """The other members of each group: what the result shows as "also published by"."""
        found: dict[str, list[dict]] = {}
        for start in range(0, len(representative_ids), 500):
            chunk = representative_ids[start:start + 500]
            for row in self.db.execute(
                    f"SELECT id, source, url, dup_group FROM articles WHERE dup_group IN "
                    f"({','.join('?' * len(chunk))}) ORDER BY rowid", chunk):
                found.setdefault(row["dup_group"], []).append(
                    {"id": row["id"], "source": row["source"], "url": row["url"]})
        return found

    def last_change(self) -> int:
        return self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM changes").fetchone()[0]

    def changed_since(self, seq: int) -> tuple[list[str], list[str]]:
        """(ids to (re)index, ids to drop from the index) after change ``seq``, by their latest state.

        Only group representatives are indexed; a member of a duplicate group is dropped.
        """
        ids = [row[0] for row in self.db.execute(
            "SELECT DISTINCT article_id FROM changes WHERE seq > ?", (seq,))]
        indexed = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            # "+": by the id, not the dup_group index (which walked every indexed article: 70 s at 1M).
            indexed.update(row[0] for row in self.db.execute(
                f"SELECT id FROM articles WHERE +dup_group IS NULL AND id IN ({','.join('?' * len(chunk))})",
                chunk))
        return [i for i in ids if i in indexed], [i for i in ids if i not in indexed]

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def count_indexed(self) -> int:
        """Articles that stand for themselves or for a group of duplicates: one index document each."""
        return self.db.execute("SELECT COUNT(*) FROM articles WHERE dup_group IS NULL").fetchone()[0]

    def get(self, article_id: str) -> Article | None:
        return next(self.get_many([article_id]), None)

    def iter_articles(self, batch_size: int = 500, indexed_only: bool = False) -> Iterator[Article]:
        """Every article (or every one the index holds) with its translations, in id order."""
        last_id = ""
        # "+": not by the dup_group index, which made every batch sort all the rest (O(n^2)).
        only = "AND +dup_group IS NULL" if indexed_only else ""
        while True:
            rows = self.db.execute(f"SELECT * FROM articles WHERE id > ? {only} ORDER BY id LIMIT ?",
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
                Translation(row["lang"], row["title"], row["body"], row["translator"], bool(row["machine"])))
        return {key: tuple(value) for key, value in found.items()}

    @staticmethod
    def _article(row: sqlite3.Row, translations: tuple[Translation, ...]) -> Article:
        return Article(
            id=row["id"], url=row["url"], source=row["source"], title=row["title"], body=row["body"],
            lang=row["lang"], published=row["published"], published_precision=row["published_precision"],
            translations=translations, content_hash=row["content_hash"], kind=row["kind"],
            **{name: tuple(json.loads(row[name])) for name in _LIST_COLUMNS})


def open_store(settings) -> Store:
    """The store for a command that writes: created or migrated to this program's schema."""
    return Store(settings.store_path)


def open_store_read_only(settings) -> Store:
    return Store.read_only(settings.store_path)
