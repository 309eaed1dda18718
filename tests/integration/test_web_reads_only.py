"""The web layer only reads the store: pages answer while an ingest holds its write transaction,
and a store that is missing or too old gives a page naming the command to run, not a traceback."""
import shutil
import sqlite3

import pytest

from search_app.store import SCHEMA_VERSION
from search_app.web import create_app

from ..conftest import demo_records, make_settings


@pytest.fixture()
def some_article_id():
    return demo_records()[0]["_id"]


def test_pages_answer_while_another_process_holds_the_write_lock(client, demo_settings, some_article_id):
    writer = sqlite3.connect(demo_settings.store_path, timeout=0.1, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # what an ingest's batch holds until it commits
    writer.execute("UPDATE meta SET value=value WHERE key='schema_version'")
    try:
        for path in (f"/article/{some_article_id}", f"/api/article/{some_article_id}", "/?q=conscription+Hama"):
            response = client.get(path)
            assert response.status_code == 200, path
        assert client.get(f"/api/article/{some_article_id}").get_json()["id"] == some_article_id
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_reading_pages_never_write_the_store(client, demo_settings, some_article_id):
    before = demo_settings.store_path.read_bytes()
    wal = demo_settings.store_path.with_name(demo_settings.store_path.name + "-wal")
    wal_before = wal.read_bytes() if wal.exists() else b""
    for path in (f"/article/{some_article_id}", f"/api/article/{some_article_id}", "/article/nope"):
        client.get(path)
    assert demo_settings.store_path.read_bytes() == before
    assert (wal.read_bytes() if wal.exists() else b"") == wal_before


def test_a_missing_store_says_which_command_to_run(demo_settings, tmp_path, some_article_id):
    settings = make_settings(tmp_path, index_dir=demo_settings.index_dir)
    client = create_app(settings).test_client()
    page = client.get(f"/article/{some_article_id}")
    assert page.status_code == 503 and "search-app ingest" in page.get_data(as_text=True)
    api = client.get(f"/api/article/{some_article_id}")
    assert api.status_code == 503 and "search-app ingest" in api.get_json()["error"]
    assert not settings.store_path.exists()  # reading did not create it
    assert client.get("/?q=Hama").status_code == 200  # the index still answers searches


def test_an_old_store_asks_for_the_upgrade_command(demo_settings, tmp_path, some_article_id):
    settings = make_settings(tmp_path, index_dir=demo_settings.index_dir)
    settings.data_dir.mkdir(parents=True)
    shutil.copy(demo_settings.store_path, settings.store_path)
    with sqlite3.connect(settings.store_path) as db:
        db.execute("UPDATE meta SET value=? WHERE key='schema_version'", (str(SCHEMA_VERSION - 1),))
    page = create_app(settings).test_client().get(f"/article/{some_article_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 503 and "search-app index update" in html and "Traceback" not in html
