"""Events are not articles, and an outlet is one outlet: a small archive with the shapes of the real
corpora (UCDP events with several reports, the same outlet spelled four ways, a newspaper code, a
record known only by its web address) read through the CLI, searched in the page and the API."""
from __future__ import annotations

import csv
import io
import json
import re
from html import unescape

import pytest

from search_app.index.generations import MANIFEST, current_generation, read_manifest
from search_app.index.build import DOCUMENT_FORMAT, update
from search_app.store import open_store
from search_app.web import create_app

from ..shapes import build_shaped_archive

@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return build_shaped_archive(tmp_path_factory.mktemp("kinds"))


@pytest.fixture(scope="module")
def app(archive):
    return create_app(archive)


@pytest.fixture()
def client(app):
    return app.test_client()  # a fresh cookie jar: each test starts in the default language


def api(client, **params) -> dict:
    return client.get("/api/search", query_string=params).get_json()


def test_every_item_has_a_kind_shown_as_a_facet(client):
    data = api(client, q="Idlib")
    kinds = {entry["value"]: entry["count"] for entry in data["facets"]["kind"]}
    assert kinds == {"article": 4, "event": 1, "report": 1}  # event 502 only quotes a report on Ariha
    assert {r["kind"] for r in api(client, q="Idlib", kind="event")["results"]} == {"event"}
    assert all(r["kind"] == "event" for r in api(client, kind="event")["results"])
    assert api(client, kind="event")["total"] == 2  # one report behind two events: both events


def test_one_click_shows_only_events_and_events_carry_a_badge(client):
    html = client.get("/", query_string={"q": "Idlib"}).get_data(as_text=True)
    tabs = re.search(r'<nav class="kind-tabs" id="kind-tabs".*?</nav>', html, re.S).group(0)
    assert "<strong aria-current=\"true\">All (6)</strong>" in tabs
    events_url = unescape(re.search(r'<a href="([^"]+)">Events \(1\)</a>', tabs).group(1))
    events_page = client.get(events_url).get_data(as_text=True)
    assert events_page.count('<li class="hit"') == 1
    assert '<span class="badge kind kind-event">Event</span>' in events_page
    assert "Airstrike in Ariha, Idlib — 12 killed" in events_page
    arabic = client.get(events_url + "&ui=ar").get_data(as_text=True)
    assert '<span class="badge kind kind-event">حدث</span>' in arabic
    assert re.search(r'<a href="[^"]+">الكل \(٦\)</a>', arabic)  # the tabs speak Arabic too


def test_an_event_page_lists_its_sides_places_and_each_headline(client):
    html = client.get("/article/ucdp-501").get_data(as_text=True)
    for line in ("Sides: Government of Syria - Syrian insurgents",
                 "Location: Ariha town, Ariha district, Idlib Governorate", "Warplanes strike Ariha",
                 "Death toll rises in Ariha"):
        assert f"<p>{line}</p>" in html
    assert re.search(r'<bdi class="source">Syrian Observatory for Human Rights, Airwars</bdi>', html)


def test_the_source_facet_has_one_value_per_outlet_named_in_the_interface_language(client):
    facet = {e["value"]: (e["label"], e["count"]) for e in api(client)["facets"]["source"]}
    assert facet["reuters"] == ("Reuters", 3)  # Reuters News, reuters, REUTERS
    assert facet["airwars"] == ("Airwars", 2) and facet["sohr"][1] == 1  # SOHR;SOHR;Airwars counts once each
    assert facet["asharq-al-awsat"] == ("Asharq Al-Awsat", 1)  # known by its web address alone
    assert facet["Aleppo Today"] == ("Aleppo Today", 1)  # unknown: its own name, tidied
    arabic = {e["value"]: e["label"] for e in api(client, ui="ar")["facets"]["source"]}
    assert arabic["reuters"] == "رويترز" and arabic["asharq-al-awsat"] == "الشرق الأوسط"


def test_any_spelling_of_an_outlet_filters_by_it(client):
    by_id = api(client, source="reuters")["total"]
    assert by_id == 3 == api(client, source="Reuters News")["total"] == api(client, q="source:REUTERS")["total"]
    chosen = next(e for e in api(client, source="Reuters News")["facets"]["source"] if e["selected"])
    assert chosen["value"] == "reuters"


def test_the_stats_page_counts_items_by_kind(client):
    html = client.get("/stats", query_string={"ui": "en"}).get_data(as_text=True)
    summary = re.search(r'<p class="summary" id="summary">(.*?)</p>', html, re.S).group(1)
    assert "11 items" in summary and re.search(r'href="/\?kind=event">Events 2</a>', summary)
    assert "Articles 8" in summary and "Reports 1" in summary


def test_the_stats_page_heads_its_counts_items_when_events_are_among_them(client):
    # The tables, the month table and the chart count events and reports too: "Articles" would
    # call them articles. (An archive of articles alone keeps "Articles": test_web_page_state.)
    html = client.get("/stats", query_string={"ui": "en"}).get_data(as_text=True)
    headings = re.findall(r'<th scope="col" class="n">([^<]+)</th>', html)
    assert headings[:2] == ["Items", "Items"]
    assert "<caption>Items per month</caption>" in html
    assert re.search(r"<figcaption>Items per (year|month)</figcaption>", html)
    assert ">Articles<" not in html and "Articles per" not in html and " articles<" not in html
    assert "<title>Aleppo: 1 item</title>" in html  # the map's tiles
    arabic = client.get("/stats", query_string={"ui": "ar"}).get_data(as_text=True)
    assert re.findall(r'<th scope="col" class="n">([^<]+)</th>', arabic)[:2] == ["العناصر", "العناصر"]
    assert "<caption>العناصر حسب الشهر</caption>" in arabic
    assert "المقالات" not in arabic.split('id="generation"')[1]  # below the summary, which names each kind


def test_results_that_hold_events_are_counted_as_items_and_articles_alone_as_articles(client):
    """The home page, the chart and the map of a search say "items" while events are among what they
    count, "articles" once the Articles tab narrows to articles (and "items" for events alone)."""
    def summary(html: str) -> str:
        return " ".join(re.search(r'<p class="summary" id="summary">(.*?)<span', html, re.S).group(1).split())

    home = client.get("/", query_string={"ui": "en"}).get_data(as_text=True)
    assert summary(home) == "11 items" and "Articles per" not in home and " article</title>" not in home
    assert re.search(r"<figcaption>Items per (year|month)</figcaption>", home)
    articles = client.get("/", query_string={"ui": "en", "kind": "article"}).get_data(as_text=True)
    assert summary(articles) == "8 articles" and re.search(r"<figcaption>Articles per (year|month)</figcaption>", articles)
    assert summary(client.get("/", query_string={"ui": "en", "kind": "event"}).get_data(as_text=True)) == "2 items"
    arabic = client.get("/", query_string={"ui": "ar"}).get_data(as_text=True)
    assert "عنصر" in summary(arabic) and "مقال" not in summary(arabic)


def test_the_stats_page_says_how_many_items_no_month_holds(client, archive):
    """Undated items are in no month of the chart or the table: the page says how many, so the
    months add up to the total."""
    stats = client.get("/api/stats").get_json()
    undated = stats["documents"] - sum(stats["months"].values())
    assert undated > 0
    html = client.get("/stats", query_string={"ui": "en"}).get_data(as_text=True)
    assert f'<p class="undated" id="undated">Undated, so in no month: {undated}</p>' in html


def test_exports_say_what_kind_each_item_is(client):
    rows = list(csv.DictReader(io.StringIO(client.get("/export.csv", query_string={"q": "Ariha"})
                                           .get_data().decode("utf-8-sig"))))
    assert {row["id"]: row["kind"] for row in rows}["ucdp-501"] == "event"
    assert {row["kind"] for row in rows} >= {"event", "article"}
    lines = client.get("/export.jsonl", query_string={"kind": "event"}).get_data(as_text=True).splitlines()
    assert {json.loads(line)["kind"] for line in lines} == {"event"}


def test_a_result_names_its_outlets_not_the_raw_source_field(client):
    html = client.get("/", query_string={"q": "Fuel shortage"}).get_data(as_text=True)
    assert '<bdi class="source">Reuters</bdi>' in html and "reuters</bdi>" not in html


def test_typed_kind_and_source_filters_are_the_same_state_as_clicked_ones(client):
    html = client.get("/", query_string={"q": "kind:event source:Air-Wars Ariha"}).get_data(as_text=True)
    chips = re.findall(r'<a class="chip" href="[^"]*"[^>]*><bdi>([^<]+)</bdi>', html)
    assert {unescape(chip) for chip in chips} == {"Kind: Event", "Source: Airwars"}
    assert html.count('<li class="hit"') == 2 and 'value="Ariha"' in html


def test_an_index_of_the_previous_format_is_rebuilt_not_updated(archive):  # last: it deletes an event
    live = current_generation(archive.index_dir)
    manifest = read_manifest(live)
    assert manifest["document_format"] == DOCUMENT_FORMAT
    (live / MANIFEST).write_text(json.dumps({**manifest, "document_format": 1}))
    with open_store(archive) as store:
        with store.transaction():
            store.delete("ucdp-502")
        result = update(store, archive.index_dir)
    assert result.kind == "rebuild" and result.documents == 10  # 11 items, one deleted
