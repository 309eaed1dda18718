"""What a hostile or careless client can send, and what the site must not do with it: grow a page
with the square of the request, hand a spreadsheet a formula, send a reader to another site, or
write an attacker's host into permalinks and feeds (issue 19, items 10 to 13)."""
import csv
import io
import json
import re
from dataclasses import replace
from html import unescape
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from search_app.index.build import rebuild
from search_app.ingest import ingest_paths
from search_app.store import open_store
from search_app.web import create_app

from ..conftest import demo_records, make_settings

SEARCH_FORMATS = ("/", "/feed.atom", "/export.csv", "/export.jsonl", "/api/search", "/api/facets")


def links(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'href="([^"]*)"', html)]


@pytest.mark.parametrize("path", SEARCH_FORMATS)
def test_a_filter_repeated_two_thousand_times_is_refused_with_a_short_answer(client, path):
    query = urlencode([("governorate", f"X{number}") for number in range(2000)])
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert len(response.data) < 20_000
    if path.startswith("/api/"):
        assert "repeated more than 50 times" in response.get_json()["error"]
    else:
        assert "This search is too large" in response.get_data(as_text=True)


def test_fifty_repeats_are_answered_but_more_filter_values_in_all_are_refused(client):
    fifty = [("actor", f"a{number}") for number in range(50)]
    assert client.get("/?" + urlencode(fifty)).status_code == 200
    too_many = fifty + [("source", f"s{number}") for number in range(50)] + [("lang", "en")]
    assert client.get("/?" + urlencode(too_many)).status_code == 400
    too_long = [("source", f"{number:02d}" + "x" * 98) for number in range(21)]
    assert client.get("/api/search?" + urlencode(too_long)).status_code == 400


def test_unknown_parameters_are_not_copied_into_the_pages_links(client):
    plain = client.get("/", query_string={"q": "Hama"}).get_data(as_text=True)
    junk = urlencode([(f"junk{number}", "x" * 10) for number in range(1500)])
    response = client.get(f"/?q=Hama&{junk}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "junk" not in html and len(html) < 1.1 * len(plain)


def test_a_200_kilobyte_query_is_cut_in_the_links_as_in_the_search(client):
    response = client.get("/", query_string={"q": "Hama " * 40_000})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    carried = [parse_qs(urlsplit(href).query).get("q", [""])[0] for href in links(html)]
    assert max(map(len, carried)) <= 1000 and len(html) < 1_000_000
    box = re.search(r'<input type="search" name="q" value="([^"]*)"', html).group(1)
    assert len(unescape(box)) <= 1000


@pytest.fixture(scope="module")
def formula_app(tmp_path_factory):
    """A store and index holding articles whose text a spreadsheet would run as formulas."""
    root = tmp_path_factory.mktemp("formulas")
    records = [
        {"url": "https://example.org/1", "source": "@SUM(1)", "title": '=HYPERLINK("http://evil","click")',
         "body": "=cmd|' /C calc'!A0 shelling in Hama", "lang": "en", "published": "2019-05-01"},
        {"url": "https://example.org/2", "source": "Outlet", "title": "+1 casualties reported",
         "body": "-2 is not a number of casualties", "lang": "en", "published": "2019-05-02"},
        {"url": "https://example.org/3", "source": "Outlet", "title": "An ordinary title = fine",
         "body": "Ordinary text about Aleppo.", "lang": "en", "published": "2019-05-03"},
    ]
    path = root / "formulas.jsonl"
    path.write_text("\n".join(json.dumps(record) for record in records) + "\n", encoding="utf-8")
    settings = make_settings(root)
    with open_store(settings) as store:
        report = ingest_paths(store, [path], settings.quarantine_dir)
        assert not report.rejections
        rebuild(store, settings.index_dir)
    return create_app(settings), records


def test_csv_export_cells_that_a_spreadsheet_would_run_start_with_a_quote(formula_app):
    app, records = formula_app
    response = app.test_client().get("/export.csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == len(records)
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row.values()), row
    by_url = {row["url"]: row for row in rows}
    assert by_url["https://example.org/1"]["title"] == "'" + records[0]["title"]
    assert by_url["https://example.org/1"]["body"] == "'" + records[0]["body"]
    assert by_url["https://example.org/1"]["source"] == "'@SUM(1)"
    assert by_url["https://example.org/2"]["title"] == "'+1 casualties reported"
    assert by_url["https://example.org/3"]["title"] == "An ordinary title = fine"  # only the first character


@pytest.mark.parametrize("path", ["/%5Cevil.example", "/%09/evil.example", "/%5C%5Cevil.example/x"])
def test_the_language_switch_on_a_404_page_stays_on_this_site(client, path):
    response = client.get(path, query_string={"ui": "en"})
    assert response.status_code == 404
    href = unescape(re.search(r'id="ui-ar" href="([^"]*)"', response.get_data(as_text=True)).group(1))
    assert href.startswith("/") and not href.startswith("//")
    assert not re.search(r"[\\\t\n\r]", href)  # a browser reads /\host and /<tab>/host as another host
    assert parse_qs(urlsplit(href).query)["ui"] == ["ar"]


def test_the_language_switch_keeps_the_search(client):
    html = client.get("/", query_string={"q": "Hama", "governorate": "SY05", "page": "2"}).get_data(as_text=True)
    href = unescape(re.search(r'id="ui-ar" href="([^"]*)"', html).group(1))
    assert urlsplit(href).path == "/"
    assert parse_qs(urlsplit(href).query) == {"q": ["Hama"], "governorate": ["SY05"], "page": ["2"], "ui": ["ar"]}


@pytest.fixture(scope="module")
def proxied_client(demo_settings):
    app = create_app(replace(demo_settings, base_url="https://news.example.org/syria"))
    return app.test_client()


EVIL_HOST = {"Host": "evil.example"}


def test_opensearch_and_feeds_use_the_configured_address_not_the_host_header(proxied_client):
    description = proxied_client.get("/opensearch.xml", headers=EVIL_HOST).get_data(as_text=True)
    templates = re.findall(r'template="([^"]+)"', description)
    assert len(templates) == 3 and all(t.startswith("https://news.example.org/syria/") for t in templates)
    feed = proxied_client.get("/feed.atom", query_string={"q": "Hama"}, headers=EVIL_HOST).get_data(as_text=True)
    own = re.findall(r"<id>([^<]+)</id>", feed) + re.findall(r'<link rel="(?:self|alternate)"[^>]* href="([^"]+)"', feed)
    assert len(own) > 5 and all(address.startswith("https://news.example.org/syria/") for address in own)
    assert "evil.example" not in feed


def test_permalinks_use_the_configured_address_not_the_host_header(proxied_client):
    story = demo_records()[0]
    page = proxied_client.get(f"/article/{story['_id']}", headers=EVIL_HOST).get_data(as_text=True)
    assert f'href="https://news.example.org/syria/article/{story["_id"]}"' in page
    data = proxied_client.get(f"/api/article/{story['_id']}", headers=EVIL_HOST).get_json()
    assert data["permalink"] == f"https://news.example.org/syria/article/{story['_id']}"
    exported = proxied_client.get("/export.csv", query_string={"q": "Hama"}, headers=EVIL_HOST).get_data(as_text=True)
    permalinks = [row["permalink"] for row in csv.DictReader(io.StringIO(exported.lstrip("\ufeff")))]
    assert permalinks and all(p.startswith("https://news.example.org/syria/article/") for p in permalinks)
    lines = proxied_client.get("/export.jsonl", query_string={"q": "Hama"}, headers=EVIL_HOST).get_data(as_text=True)
    assert all(json.loads(line)["permalink"].startswith("https://news.example.org/syria/")
               for line in lines.splitlines())
