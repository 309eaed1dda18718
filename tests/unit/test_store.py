"""The SQLite store: upsert by id, change log, schema migration."""
import dataclasses
import sqlite3

import pytest

from search_app.models import Article, Translation
from search_app.store import SCHEMA_VERSION, Store, StoreUnavailableError


def _article(article_id="a1", body="text"):
    return Article(id=article_id, url="", source="s", title="t", body=body, lang="en", published=None,
                   published_precision=None, content_hash=body)


def test_upsert_reports_added_updated_unchanged_and_logs_changes(tmp_path):
    with Store(tmp_path / "s.sqlite3") as store, store.transaction():
        assert store.upsert(_article()) == "added"
        assert store.upsert(_article()) == "unchanged"
        assert store.upsert(_article(body="new")) == "updated"
        assert store.changed_since(0) == (["a1"], [])
        assert store.delete("a1") and not store.delete("a1")
        assert store.changed_since(0) == ([], ["a1"])


def test_a_version_1_store_is_migrated_in_place(tmp_path):
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta VALUES ('schema_version', '1');
        CREATE TABLE articles (id TEXT PRIMARY KEY, url TEXT NOT NULL, source TEXT NOT NULL, title TEXT NOT NULL,
            body TEXT NOT NULL, lang TEXT NOT NULL, published TEXT, published_precision TEXT,
            governorates TEXT NOT NULL DEFAULT '[]', districts TEXT NOT NULL DEFAULT '[]',
            places TEXT NOT NULL DEFAULT '[]', actors TEXT NOT NULL DEFAULT '[]', content_hash TEXT NOT NULL,
            updated_at TEXT);
        INSERT INTO articles (id, url, source, title, body, lang, content_hash) VALUES ('x', '', 's', 't', 'b', 'en', 'h');
    """)
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.count() == 1 and store.count_indexed() == 1
        assert store.db.execute("SELECT value FROM meta").fetchone()[0] == str(SCHEMA_VERSION)
        assert store.get("x").kind == "article"  # version 4: what was stored before is an article


def test_a_store_from_a_newer_program_is_refused(tmp_path):
    path = tmp_path / "new.sqlite3"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value='99'")
    db.commit()
    db.close()
    with pytest.raises(RuntimeError, match="upgrade"):
        Store(path)


def _query_plans(store: Store, action) -> list[str]:
    """The query plan of every SELECT ``action`` runs on the store's connection."""
    statements = []
    store.db.set_trace_callback(statements.append)
    try:
        action()
    finally:
        store.db.set_trace_callback(None)
    return [" ".join(row[3] for row in store.db.execute(f"EXPLAIN QUERY PLAN {sql}"))
            for sql in statements if sql.lstrip().upper().startswith(("SELECT", "DELETE", "UPDATE"))]


def test_reading_the_articles_to_index_walks_the_id_order_without_sorting(tmp_path):
    """A rebuild reads the store in batches by id; sorting the rest of the store for every batch
    made reading 100,000 articles take 29 s instead of 6."""
    with Store(tmp_path / "s.sqlite3") as store:
        with store.transaction():
            for number in range(1200):
                store.upsert(_article(f"a{number:05d}", body=f"text {number}"))
        articles = []
        plans = _query_plans(store, lambda: articles.extend(store.iter_articles(batch_size=500, indexed_only=True)))
    assert [a.id for a in articles] == [f"a{number:05d}" for number in range(1200)]
    articles_plans = [plan for plan in plans if "articles" in plan]
    assert articles_plans and not any("TEMP B-TREE" in plan for plan in articles_plans), articles_plans


def _signature(store: Store, article_id: str, keys: list[int]) -> None:
    with store.transaction():
        store.save_signature(article_id, bytes(256), keys)


def test_replacing_and_deleting_an_articles_bands_never_scans_the_bands(tmp_path):
    """Ingest replaces each article's bands; a scan per article made a 10k ingest 4x slower."""
    with Store(tmp_path / "s.sqlite3") as store:
        with store.transaction():
            for number in range(50):
                store.upsert(_article(f"a{number}"))
        for number in range(50):
            _signature(store, f"a{number}", [number * 100 + band for band in range(16)])
        assert [row[0] for row in store.signature_candidates([705, 805], exclude="a1")] == ["a7", "a8"]
        plans = _query_plans(store, lambda: _signature(store, "a7", [10_000 + band for band in range(16)]))
        plans += _query_plans(store, lambda: store.delete("a8"))
        assert store.signature_candidates([705, 805], exclude="a1") == []  # the old bands are gone
        assert [row[0] for row in store.signature_candidates([10_005], exclude="a1")] == ["a7"]
        assert [row[0] for row in store.signature_candidates([905], exclude="a1")] == ["a9"]
    band_plans = [plan for plan in plans if "signature_bands" in plan]
    assert band_plans and not any("SCAN signature_bands" in plan for plan in band_plans), band_plans


def test_a_version_2_stores_signature_bands_are_migrated(tmp_path):
    path = tmp_path / "v2.sqlite3"
    with Store(path) as store, store.transaction():
        store.upsert(_article("a1"))
        store.upsert(_article("a2", body="other"))
    db = sqlite3.connect(path)
    db.executescript("""
        DROP TABLE signature_bands;
        ALTER TABLE signatures DROP COLUMN bands;
        CREATE TABLE signature_bands (key INTEGER NOT NULL, article_id TEXT NOT NULL);
        CREATE INDEX signature_bands_key ON signature_bands(key);
        CREATE INDEX signature_bands_article ON signature_bands(article_id);
        INSERT INTO signatures VALUES ('a1', x'00'), ('a2', x'01');
        INSERT INTO signature_bands VALUES (1, 'a1'), (2, 'a1'), (2, 'a2'), (3, 'a2');
        UPDATE meta SET value='2';
    """)
    db.commit()
    db.close()
    with Store(path) as store:
        assert sorted(store.signature_candidates([2], exclude="x")) == [("a1", b"\x00"), ("a2", b"\x01")]
        _signature(store, "a1", [9])  # the migrated band keys are known: the old ones go
        assert store.signature_candidates([1, 2], exclude="x") == [("a2", b"\x01")]
        assert store.signature_candidates([9], exclude="x") == [("a1", bytes(256))]
        indexes = [row[0] for row in store.db.execute("SELECT name FROM sqlite_master WHERE type='index'")]
        assert "signature_bands_article" not in indexes


def test_a_store_migrated_by_another_process_meanwhile_is_left_as_it_is(tmp_path):
    """Two programs opening an old store at once: the second finds the work done."""
    path = tmp_path / "s.sqlite3"
    with Store(path) as store:
        _signature(store, "a1", [4, 5])
        store._migrate_bands()  # what the second opener runs after the first one committed
        assert [row[0] for row in store.signature_candidates([5], exclude="x")] == ["a1"]


def test_a_version_4_stores_translations_are_migrated_as_not_machine_made(tmp_path):
    path = tmp_path / "v4.sqlite3"
    with Store(path) as store, store.transaction():
        store.upsert(dataclasses.replace(_article("a1"), translations=(Translation("ar", "ع", "نص", "Desk"),)))
    db = sqlite3.connect(path)
    db.executescript("""
        DROP TABLE translation_failures;
        ALTER TABLE translations DROP COLUMN machine;
        UPDATE meta SET value='4';
    """)
    db.commit()
    db.close()
    with pytest.raises(StoreUnavailableError, match="schema version 4"):
        Store.read_only(path)
    with Store(path) as store:
        assert store.get("a1").translations == (Translation("ar", "ع", "نص", "Desk", machine=False),)
        store._add_column("translations", "machine", "INTEGER NOT NULL DEFAULT 0")  # a second opener finds it done
    with Store.read_only(path) as store:
        assert store.translation_failures("en") == {}


def test_a_machine_translation_goes_with_an_edited_original_and_stays_with_an_unchanged_one(tmp_path):
    machine = Translation("ar", "ع", "نص", "LibreTranslate (mt)", machine=True)
    with Store(tmp_path / "s.sqlite3") as store, store.transaction():
        store.upsert(_article("a1"))
        assert store.save_machine_translation(store.get("a1"), machine)
        assert not store.save_machine_translation(store.get("a1"), machine)  # one per language
        store.upsert(dataclasses.replace(_article("a1"), kind="report"))  # same text: kept
        assert store.get("a1").translations == (machine,)
        stale = store.get("a1")
        store.upsert(_article("a1", body="edited"))
        assert store.get("a1").translations == ()
        assert not store.save_machine_translation(stale, machine)  # made from the old text: refused
