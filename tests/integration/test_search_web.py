"""Searching the demo corpus through real HTTP requests to the Flask app."""
import re
from html import unescape

import pytest

from ..conftest import demo_records

CONSCRIPTION_WORDS = ("conscript", "reservist", "military service", "تجنيد", "التجنيد", "خدمة العلم",
                      "الخدمة الإلزامية", "الاحتياط")
HAMA_NAMES = ("Hama", "Hamah", "حماة", "حماه", "Salamiyah", "السلمية", "Masyaf", "مصياف", "Suqaylabiyah",
              "السقيلبية", "Mhardeh", "محردة")


def _texts(record):
    return " ".join([record["title"], record["body"]] +
                    [t["title"] + " " + t["body"] for t in record.get("translations") or []])


def _is_hama_conscription_story(record):
    text = _texts(record)
    # Latin names as whole words (Hamas is not Hama); Arabic ones may carry clitics (وحماة).
    return any(w in text for w in CONSCRIPTION_WORDS) and any(
        re.search(rf"\b{name}\b", text) if name.isascii() else name in text for name in HAMA_NAMES)


@pytest.fixture(scope="module")
def hama_conscription_ids():
    ids = {r["_id"] for r in demo_records() if _is_hama_conscription_story(r)}
    assert len(ids) >= 6
    return ids


def _result_ids(client, **params):
    response = client.get("/api/search", query_string={"per_page": 100, **params})
    assert response.status_code == 200
    return response.get_json()


def test_conscription_hama_finds_the_stories_in_both_languages(client, hama_conscription_ids):
    data = _result_ids(client, q="conscription Hama")
    found = {r["id"] for r in data["results"]}
    assert hama_conscription_ids <= found
    assert {r["lang"] for r in data["results"] if r["id"] in hama_conscription_ids} == {"en", "ar"}


def test_conscription_hama_finds_the_arabic_only_stories(client, hama_conscription_ids):
    arabic_only = {r["_id"] for r in demo_records()
                   if r["_id"] in hama_conscription_ids and r.get("lang") == "ar" and not r.get("translations")}
    assert arabic_only, "the demo corpus must hold Arabic-only Hama conscription stories"
    found = {r["id"] for r in _result_ids(client, q="conscription Hama")["results"]}
    assert arabic_only <= found


def test_arabic_query_finds_english_only_stories(client, hama_conscription_ids):
    english_only = {r["_id"] for r in demo_records()
                    if r["_id"] in hama_conscription_ids and r.get("lang") == "en"}
    found = {r["id"] for r in _result_ids(client, q="تجنيد حماة")["results"]}
    assert english_only <= found


def test_governorate_filter_keeps_only_hama_and_the_count_matches(client):
    data = _result_ids(client, q="conscription Hama", governorate="SY05")
    assert data["total"] > 0
    assert all("SY05" in r["governorates"] for r in data["results"])
    hama = next(v for v in data["facets"]["governorate"] if v["value"] == "SY05")
    assert hama["selected"] and hama["count"] == data["total"] == len(data["results"])


def test_governorate_counts_are_disjunctive(client):
    unfiltered = _result_ids(client, q="conscription")
    filtered = _result_ids(client, q="conscription", governorate="SY05")
    counts = lambda data: {v["value"]: v["count"] for v in data["facets"]["governorate"]}
    assert counts(filtered) == counts(unfiltered)
    assert filtered["total"] < unfiltered["total"]


def test_hamas_is_not_hama(client):
    data = _result_ids(client, q="Hama", expand=0)
    hamas_only = {r["_id"] for r in demo_records() if "Hamas" in _texts(r) and "Hama " not in _texts(r)
                  and "Hama," not in _texts(r) and "Hama." not in _texts(r)}
    assert hamas_only
    assert not hamas_only & {r["id"] for r in data["results"]}


def test_api_shape_matches_the_design(client):
    data = _result_ids(client, q="Aleppo", per_page=5, page=1)
    assert set(data) >= {"query", "total", "took_ms", "page", "per_page", "results", "facets", "suggestion"}
    assert data["query"] == "Aleppo" and data["page"] == 1 and data["per_page"] == 5
    assert 0 < len(data["results"]) <= 5
    assert set(data["results"][0]) == {"id", "kind", "title", "snippet", "published", "lang", "source", "sources",
                                       "url", "places", "governorates", "actors", "translation_langs"}
    assert set(data["facets"]) == {"governorate", "district", "actor", "date", "lang", "source", "kind"}
    for entries in data["facets"].values():
        for entry in entries:
            assert set(entry) == {"value", "label", "count", "selected"}
    aleppo = next(v for v in data["facets"]["governorate"] if v["value"] == "SY02")
    assert aleppo["label"] == "Aleppo"


def test_api_rejects_bad_parameters_with_a_json_message(client):
    response = client.get("/api/search", query_string={"q": "x", "page": "two"})
    assert response.status_code == 400 and "page" in response.get_json()["error"]


def test_pagination_walks_through_all_results(client):
    first = _result_ids(client, q="", per_page=10, page=1)
    second = _result_ids(client, q="", per_page=10, page=2)
    assert first["total"] >= 150
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}
    dates = [r["published"] for r in first["results"] + second["results"]]
    assert dates == sorted(dates, reverse=True)


def test_date_sort_and_year_filter(client):
    data = _result_ids(client, q="Damascus", sort="date", year="2019")
    assert data["results"] and all(r["published"].startswith("2019") for r in data["results"])


@pytest.mark.parametrize("query", ['"', "((", "AND", "OR", "-", "NOT", 'title:"', ")))(((", "x" * 10_000,
                                   "<script>alert(1)</script>", "حماة <b>bold</b>", "\u202eevil\u202c",
                                   "a OR OR b", "*", "??", "\x00\x01"])
def test_malformed_queries_answer_with_escaped_output(client, query):
    page = client.get("/", query_string={"q": query})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "<b>bold</b>" not in html
    assert client.get("/api/search", query_string={"q": query}).status_code == 200


def test_search_page_shows_results_facets_and_rtl_arabic(client):
    html = client.get("/", query_string={"q": "conscription Hama"}).get_data(as_text=True)
    assert 'id="facet-governorate"' in html and "governorate=SY05" in html
    assert 'dir="rtl"' in html and "<mark" in html
    assert "Also searched" in html


def test_article_page_shows_original_and_translation(client):
    record = next(r for r in demo_records() if r.get("lang") == "ar" and r.get("translations"))
    html = client.get(f"/article/{record['_id']}").get_data(as_text=True)
    assert record["title"] in html and record["translations"][0]["title"] in html
    only = client.get(f"/article/{record['_id']}?view=translation").get_data(as_text=True)
    assert record["translations"][0]["title"] in only and f"<h1>{record['title']}</h1>" not in only
    assert client.get("/article/does-not-exist").status_code == 404


def test_healthz_reports_the_generation(client):
    data = client.get("/healthz").get_json()
    assert data["status"] == "ok" and data["documents"] >= 150


def test_arabic_interface_switch_sticks(client):
    page = client.get("/?ui=ar")
    assert '<html lang="ar" dir="rtl">' in page.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in client.get("/").get_data(as_text=True)


def test_the_page_lists_what_the_query_was_expanded_to(client):
    data = _result_ids(client, q="conscription Hama")
    # Every added term, same-language synonyms and every spelling of the place included; not what
    # was typed, nor a form that searches nothing more (conscripts).
    assert {"حماة", "حماه", "Hamah", "تجنيد", "military service", "draft", "خدمة العلم"} <= set(data["expansions"])
    assert not {"Hama", "conscription", "conscripts"} & set(data["expansions"])
    assert _result_ids(client, q="conscription Hama", expand=0)["expansions"] == []
    html = unescape(client.get("/", query_string={"q": "conscription Hama"}).get_data(as_text=True))
    shown = re.search(r'<div class="expansions" id="expansions">(.*?)</div>', html, re.S).group(1)
    inline, _, rest = shown.partition('<details class="more-expansions">')
    assert len(re.findall(r"<bdi>", inline)) == 6 and rest  # a long list waits behind "n more"
    assert all(f"<bdi>{name}</bdi>" in shown for name in data["expansions"])


def test_expansion_off_finds_only_the_words_typed(client, hama_conscription_ids):
    arabic_only = {r["_id"] for r in demo_records() if r["_id"] in hama_conscription_ids and r.get("lang") == "ar"
                   and not r.get("translations")}
    plain = {r["id"] for r in _result_ids(client, q="conscription Hama", expand=0)["results"]}
    assert plain and not plain & arabic_only
    html = client.get("/", query_string={"q": "conscription Hama", "expand": 0}).get_data(as_text=True)
    assert "Also search other spellings and languages" in html


def test_stories_in_the_query_language_rank_first(client):
    english = _result_ids(client, q="conscription Hama")["results"]
    assert english[0]["lang"] == "en" or "en" in english[0]["translation_langs"]
    arabic = _result_ids(client, q="تجنيد حماة")["results"]
    assert arabic[0]["lang"] == "ar"


def test_when_no_story_has_every_word_some_words_still_answer(client):
    data = client.get("/api/search", query_string={"q": "conscription Hama zzyzxq"}).get_json()
    assert data["total"] > 0
    html = client.get("/", query_string={"q": "conscription Hama zzyzxq"}).get_data(as_text=True)
    assert 'id="relaxed"' in html
    assert 'id="relaxed"' not in client.get("/", query_string={"q": "conscription Hama"}).get_data(as_text=True)


def test_arabic_clitic_and_spelling_variants_find_the_same_place(client):
    plain = {r["id"] for r in _result_ids(client, q="حماة")["results"]}
    for variant in ("حماه", "Hamah", "Hama"):
        assert {r["id"] for r in _result_ids(client, q=variant)["results"]} == plain


@pytest.mark.parametrize("spellings", [("Deir ez-Zor", "Deir ezzor", "Deir ez Zor", "Dayr az-Zawr", "دير الزور"),
                                       ("Raqqa", "Ar-Raqqa", "الرقة", "الرقه"),
                                       ("SDF", "DSF", "قسد", "Syrian Democratic Forces")])
def test_every_spelling_of_a_place_or_actor_finds_the_same_stories(client, spellings):
    found = [{r["id"] for r in _result_ids(client, q=spelling)["results"]} for spelling in spellings]
    assert found[0] and all(ids == found[0] for ids in found[1:])
