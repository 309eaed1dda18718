"""`search-app translate`: Arabic that arrived without English is machine-translated through a
LibreTranslate-compatible server (a local one speaking its contract), stored beside the original
marked as a machine's, indexed, shown labelled, redone when the original changes, and nothing is
lost when the server fails midway."""
import json
import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from search_app.cli import main
from search_app.index.build import rebuild
from search_app.search import SearchEngine, SearchRequest
from search_app.store import open_store
from search_app.translate import BATCH_ARTICLES
from search_app.translate.engines import ArgosTranslate, argos_model
from search_app.web import create_app

from ..conftest import make_settings
from ..translator_server import FakeLibreTranslate

STATION = {"url": "https://example.org/ar/station", "source": "Test Wire", "lang": "ar", "published": "2024-05-02",
           "title": "عودة الحياة إلى المحطة", "body": "عادت الحياة إلى المحطة القديمة بعد عشر سنوات من التوقف."}
PHRASE_BOOK = {STATION["title"]: "Life returns to the station",
               STATION["body"]: "The old locomotive is running again after ten years."}


def _numbered(count: int, start: int = 0) -> list[dict]:
    """Short Arabic stories, each its own (too short to be grouped as copies of one another)."""
    return [{"url": f"https://example.org/ar/{i}", "source": "Test Wire", "lang": "ar", "published": "2024-05-01",
             "title": f"نشرة رقم {i}", "body": f"وصلت قافلة المساعدات رقم {i} إلى البلدة صباح اليوم."}
            for i in range(start, start + count)]


class Archive:
    """A data folder driven through the command line, as an operator drives it."""

    def __init__(self, tmp_path, monkeypatch, translator_url=None):
        self.tmp_path = tmp_path
        self.settings = make_settings(tmp_path, translator_url=translator_url, translator_requests_per_second=1000.0)
        monkeypatch.setenv("SEARCH_APP_DATA_DIR", str(self.settings.data_dir))
        monkeypatch.setenv("SEARCH_APP_INDEX_DIR", str(self.settings.index_dir))
        monkeypatch.setenv("SEARCH_APP_TRANSLATOR_REQUESTS_PER_SECOND", "1000")
        if translator_url:
            monkeypatch.setenv("SEARCH_APP_TRANSLATOR_URL", translator_url)
        else:
            monkeypatch.delenv("SEARCH_APP_TRANSLATOR_URL", raising=False)
        monkeypatch.delenv("SEARCH_APP_TRANSLATOR_API_KEY", raising=False)
        self.files = 0

    def run(self, *arguments: str):
        return CliRunner().invoke(main, list(arguments))

    def ingest(self, records: list[dict]):
        self.files += 1
        path = self.tmp_path / f"batch-{self.files}.jsonl"
        path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), encoding="utf-8")
        result = self.run("ingest", str(path))
        assert result.exit_code == 0, result.output + result.stderr
        return result

    def translations(self) -> dict[str, tuple]:
        """url -> (title, body, translator, machine) of each stored English translation."""
        with open_store(self.settings) as store:
            return {article.url: (t.title, t.body, t.translator, t.machine)
                    for article in store.iter_articles() for t in article.translations if t.lang == "en"}

    def search(self, query: str) -> list[str]:
        response = SearchEngine(self.settings.index_dir).search(SearchRequest(q=query))
        return [hit.url for hit in response.hits]


def test_translate_stores_marks_and_indexes_the_translation_so_english_finds_the_arabic_only_story(
        tmp_path, monkeypatch):
    with FakeLibreTranslate(PHRASE_BOOK) as server:
        archive = Archive(tmp_path, monkeypatch, server.url)
        archive.ingest([STATION])
        assert archive.run("index", "rebuild").exit_code == 0
        assert archive.search("locomotive") == []

        result = archive.run("translate")
        assert result.exit_code == 0, result.output + result.stderr
        assert "1 translated, 0 failed" in result.output
        title, body, translator, machine = archive.translations()[STATION["url"]]
        assert (title, body) == (PHRASE_BOOK[STATION["title"]], PHRASE_BOOK[STATION["body"]])
        assert machine is True and translator == "LibreTranslate"
        assert server.requests[0]["q"] == [STATION["title"], STATION["body"]]
        assert (server.requests[0]["source"], server.requests[0]["target"]) == ("ar", "en")

        assert archive.run("index", "update").exit_code == 0
        assert archive.search("locomotive") == [STATION["url"]]
        assert archive.search("محطة") == [STATION["url"]]  # the original is still found as before

        again = archive.run("translate")  # nothing left: nothing sent
        assert again.exit_code == 0 and "0 translated, 0 failed" in again.output and len(server.requests) == 1


@pytest.mark.parametrize("failure", ["500", "close"])
def test_a_translator_failing_midway_loses_nothing_and_the_next_run_finishes(tmp_path, monkeypatch, failure):
    records = _numbered(BATCH_ARTICLES + 4)
    with FakeLibreTranslate() as server:
        archive = Archive(tmp_path, monkeypatch, server.url)
        archive.ingest(records)
        server.failures[2] = failure  # the second batch

        first = archive.run("translate")
        assert first.exit_code == 3
        assert f"{BATCH_ARTICLES} translated, 4 failed" in first.output
        assert first.stderr.count("article ") == 4
        assert ("HTTP 500: translation model crashed" if failure == "500" else "no answer from") in first.stderr
        stored = archive.translations()
        assert len(stored) == BATCH_ARTICLES and all(machine for *_, machine in stored.values())
        assert len(server.requests[0]["q"]) == 2 * BATCH_ARTICLES  # titles and bodies of a batch in one request

        second = archive.run("translate")
        assert second.exit_code == 0, second.output + second.stderr
        assert "4 translated, 0 failed" in second.output
    stored = archive.translations()
    assert sorted(stored) == sorted(record["url"] for record in records)
    for record in records:
        assert stored[record["url"]][1] == f"English version of: {record['body']}"


def test_a_translator_that_stops_answering_leaves_the_rest_for_the_next_run(tmp_path, monkeypatch):
    records = _numbered(3 * BATCH_ARTICLES + 1)
    with FakeLibreTranslate() as server:
        archive = Archive(tmp_path, monkeypatch, server.url)
        archive.ingest(records)
        server.failures.update({1: "500", 2: "500"})
        result = archive.run("translate")
        assert result.exit_code == 3
        assert f"0 translated, {2 * BATCH_ARTICLES} failed, {BATCH_ARTICLES + 1} not tried" in result.output
        assert len(server.requests) == 2  # it stopped asking
        assert archive.run("translate").exit_code == 0
    assert len(archive.translations()) == len(records)


def test_a_translator_that_does_not_answer_in_time_is_given_up_on_and_tried_next_run(tmp_path, monkeypatch):
    with FakeLibreTranslate(PHRASE_BOOK) as server:
        archive = Archive(tmp_path, monkeypatch, server.url)
        archive.ingest([STATION])
        monkeypatch.setenv("SEARCH_APP_TRANSLATOR_SECONDS", "1")
        server.failures[1] = "hang"
        result = archive.run("translate")
        assert result.exit_code == 3 and "gave up after 1 s" in result.stderr
        assert archive.translations() == {}
        assert archive.run("translate").exit_code == 0
    assert archive.translations()[STATION["url"]][0] == PHRASE_BOOK[STATION["title"]]


def test_a_text_the_translator_refuses_fails_alone(tmp_path, monkeypatch):
    records = _numbered(5)
    records[2]["body"] += " REFUSE-ME"
    with FakeLibreTranslate() as server:
        archive = Archive(tmp_path, monkeypatch, server.url)
        archive.ingest(records)
        result = archive.run("translate")
    assert result.exit_code == 3
    assert "4 translated, 1 failed" in result.output and "text too long" in result.stderr
    assert set(archive.translations()) == {record["url"] for i, record in enumerate(records) if i != 2}


def test_dry_run_sends_and_writes_nothing_and_limit_caps_a_run(tmp_path, monkeypatch):
    with FakeLibreTranslate() as server:
        archive = Archive(tmp_path, monkeypatch, server.url)
        archive.ingest(_numbered(5))
        dry = archive.run("translate", "--dry-run")
        assert dry.exit_code == 0 and "would translate 5 articles in 1 requests" in dry.output
        assert server.requests == [] and archive.translations() == {}

        limited = archive.run("translate", "--limit", "2")
        assert limited.exit_code == 0 and "2 translated" in limited.output
        assert len(archive.translations()) == 2
        assert "3 translated" in archive.run("translate").output


def test_an_edited_original_is_translated_again_and_an_unchanged_one_keeps_its_translation(tmp_path, monkeypatch):
    with FakeLibreTranslate(PHRASE_BOOK) as server:
        archive = Archive(tmp_path, monkeypatch, server.url)
        archive.ingest([STATION])
        archive.run("translate")
        archive.ingest([STATION])  # the same record again: nothing changed, the translation stays
        assert archive.translations()[STATION["url"]][0] == PHRASE_BOOK[STATION["title"]]

        edited = {**STATION, "body": STATION["body"] + " وتعمل ثلاث رحلات يومياً."}
        archive.ingest([edited])
        assert STATION["url"] not in archive.translations()  # stale: dropped with the old text
        result = archive.run("translate")
        assert "1 translated" in result.output
    assert archive.translations()[STATION["url"]][1] == f"English version of: {edited['body']}"


def test_translations_that_came_with_the_record_are_never_sent_or_replaced(tmp_path, monkeypatch):
    human = {**STATION, "translations": [{"lang": "en", "title": "Station reopens", "body": "By our reporter.",
                                          "translator": "Desk"}]}
    with FakeLibreTranslate() as server:
        archive = Archive(tmp_path, monkeypatch, server.url)
        archive.ingest([human, {**STATION, "url": "https://example.org/en", "lang": "en",
                                "title": "An English story", "body": "Written in English."}])
        result = archive.run("translate")
        assert result.exit_code == 0 and "0 translated" in result.output and server.requests == []
    assert archive.translations()[STATION["url"]] == ("Station reopens", "By our reporter.", "Desk", False)


def test_without_a_translator_the_command_says_what_to_set(tmp_path, monkeypatch):
    if argos_model() is not None:
        pytest.skip("Argos Translate with an ar→en model is installed: it is the translator")
    archive = Archive(tmp_path, monkeypatch)
    archive.ingest([STATION])
    result = archive.run("translate")
    assert result.exit_code == 1 and "SEARCH_APP_TRANSLATOR_URL" in result.stderr


def test_the_api_key_is_sent_and_a_wrong_one_is_reported_per_article(tmp_path, monkeypatch):
    with FakeLibreTranslate(api_key="s3cret") as server:
        archive = Archive(tmp_path, monkeypatch, server.url)
        archive.ingest([STATION])
        monkeypatch.setenv("SEARCH_APP_TRANSLATOR_API_KEY", "wrong")
        refused = archive.run("translate")
        assert refused.exit_code == 3 and "HTTP 403: Invalid API key" in refused.stderr
        assert "s3cret" not in archive.run("settings").output
        monkeypatch.setenv("SEARCH_APP_TRANSLATOR_API_KEY", "s3cret")
        assert "(set)" in archive.run("settings").output
        assert archive.run("translate").exit_code == 0
    assert server.requests[-1]["api_key"] == "s3cret" and STATION["url"] in archive.translations()


def _web_archive(tmp_path, monkeypatch, server_url):
    archive = Archive(tmp_path, monkeypatch, server_url)
    archive.ingest([STATION])
    with open_store(archive.settings) as store:
        rebuild(store, archive.settings.index_dir)
        article_id = next(store.iter_articles()).id
    return archive, create_app(archive.settings).test_client(), article_id


def test_the_translate_button_translates_stores_and_shows_it_side_by_side_labelled(tmp_path, monkeypatch):
    with FakeLibreTranslate(PHRASE_BOOK) as server:
        archive, client, article_id = _web_archive(tmp_path, monkeypatch, server.url)
        page = client.get(f"/article/{article_id}?q=station").get_data(as_text=True)
        assert 'id="translate"' in page and f'action="/article/{article_id}/translate?q=station"' in page

        answer = client.post(f"/article/{article_id}/translate?q=station", headers={"Origin": "http://localhost"})
        assert answer.status_code == 303
        assert answer.headers["Location"].startswith(f"/article/{article_id}?q=station")
        page = client.get(answer.headers["Location"]).get_data(as_text=True)
    text = re.sub(r"</?mark[^>]*>", "", page)  # the query's matches are marked, in both languages
    assert "The old locomotive is running again" in text and STATION["body"] in text
    assert "Machine translation" in page and 'id="translate"' not in page
    assert archive.translations()[STATION["url"]][3] is True

    arabic = client.get(f"/article/{article_id}?ui=ar").get_data(as_text=True)
    assert "ترجمة آلية" in arabic
    api = client.get(f"/api/article/{article_id}").get_json()
    assert api["translations"][0]["machine"] is True and api["translations"][0]["label"] == "Machine translation"
    assert client.get(f"/api/article/{article_id}?ui=ar").get_json()["translations"][0]["label"] == "ترجمة آلية"


def test_a_translate_post_from_another_site_or_with_no_origin_is_refused(tmp_path, monkeypatch):
    with FakeLibreTranslate(PHRASE_BOOK) as server:
        archive, client, article_id = _web_archive(tmp_path, monkeypatch, server.url)
        assert client.post(f"/article/{article_id}/translate",
                           headers={"Origin": "https://evil.example"}).status_code == 403
        refused = client.post(f"/article/{article_id}/translate")
        assert refused.status_code == 403 and "this site&#39;s own pages" in refused.get_data(as_text=True)
        assert client.post(f"/article/{article_id}/translate",
                           headers={"Referer": "https://evil.example/article/x"}).status_code == 403
        assert client.get(f"/article/{article_id}/translate").status_code == 405
        assert server.requests == [] and archive.translations() == {}


def test_when_the_translator_fails_the_page_says_so_and_the_article_waits_for_the_next_run(tmp_path, monkeypatch):
    with FakeLibreTranslate(PHRASE_BOOK) as server:
        archive, client, article_id = _web_archive(tmp_path, monkeypatch, server.url)
        server.failures[1] = "500"
        answer = client.post(f"/article/{article_id}/translate", headers={"Origin": "http://localhost"})
        page = answer.get_data(as_text=True)
        assert answer.status_code == 502 and "could not translate this article now" in page
        assert STATION["body"] in page and 'id="translate"' in page and server.url not in page
        assert "1 translated" in archive.run("translate").output


def test_without_a_translator_the_page_offers_no_button(tmp_path, monkeypatch):
    if argos_model() is not None:
        pytest.skip("Argos Translate with an ar→en model is installed: it is the translator")
    archive, client, article_id = _web_archive(tmp_path, monkeypatch, None)
    assert 'id="translate"' not in client.get(f"/article/{article_id}").get_data(as_text=True)
    assert client.post(f"/article/{article_id}/translate", headers={"Origin": "http://localhost"}).status_code == 303
    assert archive.translations() == {}


@pytest.mark.slow
def test_nightly_translates_after_ingest_and_before_the_index_update(tmp_path):
    drop = tmp_path / "data" / "drop"
    drop.mkdir(parents=True)
    (drop / "arabic.jsonl").write_text(json.dumps(STATION, ensure_ascii=False) + "\n", encoding="utf-8")
    with FakeLibreTranslate(PHRASE_BOOK) as server:
        env = {**os.environ, "SEARCH_APP_DATA_DIR": str(tmp_path / "data"), "SEARCH_APP_INDEX_DIR": str(tmp_path / "index"),
               "SEARCH_APP_TRANSLATOR_URL": server.url, "SEARCH_APP_TRANSLATOR_REQUESTS_PER_SECOND": "1000"}
        result = subprocess.run([sys.executable, "-m", "search_app", "nightly"], capture_output=True, text=True,
                                env=env, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    log = next((tmp_path / "data" / "logs").glob("nightly-*.log")).read_text(encoding="utf-8")
    assert log.index("Z ingest ") < log.index("Z translate: 1 translated") < log.index("Z index update\n")
    engine = SearchEngine(tmp_path / "index")
    assert [hit.url for hit in engine.search(SearchRequest(q="locomotive")).hits] == [STATION["url"]]


def test_argos_translates_in_process_when_a_model_is_installed(tmp_path, monkeypatch):
    if argos_model() is None:
        pytest.skip("Argos Translate and an ar→en model are not installed (the [argos] extra)")
    archive = Archive(tmp_path, monkeypatch)
    archive.ingest([STATION])
    assert archive.run("translate").exit_code == 0
    title, body, translator, machine = archive.translations()[STATION["url"]]
    assert translator == ArgosTranslate().name and machine and body.isascii()
