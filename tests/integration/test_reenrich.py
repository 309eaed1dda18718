"""`search-app enrich --again`: improved tagging rules reach articles already in the store."""
import dataclasses

from click.testing import CliRunner

from search_app.cli import main
from search_app.index.build import rebuild, update
from search_app.ingest.records import build_article
from search_app.search import SearchEngine, SearchRequest
from search_app.store import open_store

from ..conftest import make_settings

FLED = {"url": "https://example.org/fled", "source": "Test Wire", "title": "A family's road from Homs",
        "body": "A man from Homs fled to Lebanon with his family in 2013.", "published": "2019-03-01"}


def test_enrich_again_retags_stored_articles_and_the_index_update_applies_it(tmp_path, monkeypatch):
    settings = make_settings(tmp_path)
    article = build_article(FLED)
    assert "lebanon" not in article.actors and article.governorates == ("SY04",)
    with open_store(settings) as store:
        # Tags as an older release stored them: the destination was an actor.
        store.upsert(dataclasses.replace(article, actors=("lebanon",)))
        rebuild(store, settings.index_dir)
    engine = SearchEngine(settings.index_dir)
    assert engine.search(SearchRequest(actor=("lebanon",))).total == 1

    monkeypatch.setenv("SEARCH_APP_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("SEARCH_APP_INDEX_DIR", str(settings.index_dir))
    result = CliRunner().invoke(main, ["enrich", "--again"])
    assert result.exit_code == 0, result.output
    assert "re-tagged 1 articles: 1 changed" in result.output
    with open_store(settings) as store:
        assert store.get(article.id).actors == ()
        update(store, settings.index_dir)
    engine = SearchEngine(settings.index_dir)
    assert engine.search(SearchRequest(actor=("lebanon",))).total == 0
    assert engine.search(SearchRequest(q="fled", governorate=("SY04",))).total == 1

    again = CliRunner().invoke(main, ["enrich", "--again"])
    assert "1 articles: 0 changed" in again.output


def test_enrich_without_again_explains_itself(tmp_path, monkeypatch):
    monkeypatch.setenv("SEARCH_APP_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(main, ["enrich"])
    assert result.exit_code == 2 and "--again" in result.output
