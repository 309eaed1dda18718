"""Getting data out: the JSON API, CSV and JSONL exports, the Atom feed."""
import csv
import io
import json

import feedparser
import pytest

from search_app.web.export import EXPORT_LIMIT

from ..conftest import demo_records


def test_api_facets_list_every_value_with_towns_and_months(client):
    data = client.get("/api/facets", query_string={"governorate": "SY05", "district": "SY0503"}).get_json()
    assert set(data["facets"]) == {"governorate", "district", "town", "actor", "date", "lang", "source", "kind", "month"}
    assert {"value": "salamiyah", "label": "Salamiyah", "count": data["facets"]["town"][0]["count"],
            "selected": False} in data["facets"]["town"]
    assert sum(v["count"] for v in data["facets"]["month"]) >= data["total"]
    arabic = client.get("/api/facets", query_string={"governorate": "SY05", "ui": "ar"}).get_json()
    assert next(v for v in arabic["facets"]["governorate"] if v["value"] == "SY05")["label"] == "حماة"


def test_api_article_returns_the_original_translations_and_labelled_entities(client):
    record = next(r for r in demo_records() if r.get("lang") == "ar" and r.get("translations"))
    data = client.get(f"/api/article/{record['_id']}").get_json()
    assert data["title"] == record["title"] and data["body"] == record["body"]
    assert data["translations"][0]["title"] == record["translations"][0]["title"]
    assert data["permalink"].endswith(f"/article/{record['_id']}") and data["lang"] == "ar"
    assert all(set(place) == {"id", "label"} for place in data["places"])


@pytest.mark.parametrize("path, params, mentions", [
    ("/api/search", {"page": "two"}, "page"), ("/api/search", {"per_page": "0"}, "per_page"),
    ("/api/search", {"from": "yesterday"}, "from"), ("/api/search", {"sort": "random"}, "sort"),
    ("/api/search", {"from": "2020", "to": "2019"}, "from"), ("/api/facets", {"to": "2019-13"}, "to"),
    ("/api/article/does-not-exist", {}, "does-not-exist"), ("/api/nothing-here", {}, "not found")])
def test_api_errors_are_json_with_a_clear_message(client, path, params, mentions):
    response = client.get(path, query_string=params)
    assert response.status_code in (400, 404) and response.is_json
    assert mentions in response.get_json()["error"].lower() and "Traceback" not in response.get_data(as_text=True)


def test_per_page_is_capped(client):
    data = client.get("/api/search", query_string={"per_page": 100000}).get_json()
    assert data["per_page"] == 100 and len(data["results"]) == 100


def test_csv_export_has_a_bom_every_result_and_arabic_text(client):
    response = client.get("/export.csv", query_string={"q": "conscription Hama", "ui": "ar"})
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="syria-news-conscription-hama-')
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    total = client.get("/api/search", query_string={"q": "conscription Hama"}).get_json()["total"]
    assert len(rows) == total and any("حماة" in row["title"] for row in rows)
    assert all(row["permalink"].endswith(f"/article/{row['id']}") for row in rows)
    assert any("حماة" in row["governorate_names"] for row in rows)


def test_export_follows_filters_and_sort(client):
    params = {"governorate": "SY05", "lang": "en", "sort": "date"}
    rows = list(csv.DictReader(io.StringIO(client.get("/export.csv", query_string=params).get_data().decode("utf-8-sig"))))
    api = client.get("/api/search", query_string={**params, "per_page": 100}).get_json()
    assert [row["id"] for row in rows] == [r["id"] for r in api["results"]]
    assert all(row["lang"] == "en" and "SY05" in row["governorates"].split() for row in rows)


def test_jsonl_export_is_one_ingestable_record_per_line(client):
    response = client.get("/export.jsonl", query_string={"q": "Aleppo"})
    lines = response.get_data(as_text=True).splitlines()
    assert response.mimetype == "application/x-ndjson"
    records = [json.loads(line) for line in lines]
    assert len(records) == client.get("/api/search", query_string={"q": "Aleppo"}).get_json()["total"]
    assert all({"url", "source", "title", "body", "lang", "published", "translations"} <= set(r) for r in records)
    assert any(r["translations"] for r in records)


def test_export_is_streamed_and_capped(client, monkeypatch):
    import search_app.web.export as export

    response = client.get("/export.jsonl")
    assert response.is_streamed
    assert len(response.get_data(as_text=True).splitlines()) == len(demo_records()) <= EXPORT_LIMIT
    monkeypatch.setattr(export, "EXPORT_LIMIT", 7)
    assert len(client.get("/export.csv").get_data().decode("utf-8-sig").splitlines()) == 8  # header + 7


def test_atom_feed_is_valid_and_newest_first(client):
    response = client.get("/feed.atom", query_string={"q": "conscription", "governorate": "SY05"})
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10" and "conscription" in feed.feed.title and "Hama" in feed.feed.title
    total = client.get("/api/search", query_string={"q": "conscription", "governorate": "SY05"}).get_json()["total"]
    assert len(feed.entries) == total > 0
    stamps = [entry.published_parsed for entry in feed.entries]
    assert stamps == sorted(stamps, reverse=True)
    entry = feed.entries[0]
    assert entry.link.endswith(f"/article/{entry.id.rsplit('/', 1)[1]}") and entry.summary and entry.author


def test_atom_feed_survives_hostile_queries(client):
    for query in ("<script>alert(1)</script>", "\x00\x01\x1f", "\ufffe", "]]>"):
        response = client.get("/feed.atom", query_string={"q": query})
        feed = feedparser.parse(response.get_data())
        assert response.status_code == 200 and not feed.bozo, (query, feed.get("bozo_exception"))


def test_opensearch_description_points_at_the_search_page(client):
    response = client.get("/opensearch.xml")
    assert response.mimetype == "application/opensearchdescription+xml"
    text = response.get_data(as_text=True)
    assert 'template="http://localhost/?q={searchTerms}"' in text and "<ShortName>Syria news</ShortName>" in text


def test_exports_and_feeds_follow_the_relaxed_results_the_page_shows(client):
    query = "conscription Hama zzyzxq"  # no story has every word: the page shows those with some
    data = client.get("/api/search", query_string={"q": query, "per_page": 100}).get_json()
    rows = client.get("/export.jsonl", query_string={"q": query}).get_data(as_text=True).splitlines()
    assert data["total"] > 0 and len(rows) == data["total"]
    feed = feedparser.parse(client.get("/feed.atom", query_string={"q": query}).get_data())
    assert len(feed.entries) == min(50, data["total"])
