"""Narrowing a search the way a researcher does: drill down through places, combine facets, read
the counts, remove filters, narrow by date, recover from zero results."""
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from search_app.enrich.places import place

HAMA, SALAMIYAH_DISTRICT, SALAMIYAH = "SY05", "SY0503", "salamiyah"


def api(client, path="/api/search", **params):
    response = client.get(path, query_string={"per_page": 100, **params})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def page(client, **params) -> str:
    response = client.get("/", query_string=params)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def facet_links(html: str, facet: str) -> dict[str, str]:
    """value -> href of each entry of one facet on the page."""
    section = re.search(rf'<section class="facet" id="facet-{facet}".*?</section>', html, re.S)
    if section is None:
        return {}
    return {value: unescape(href) for href, value in
            re.findall(r'<a href="([^"]+)" data-facet="[^"]+" data-value="([^"]+)"', section.group(0))}


def params_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def test_choosing_a_governorate_reveals_only_its_districts(client):
    assert facet_links(page(client), "district") == {}
    districts = facet_links(page(client, governorate=HAMA), "district")
    assert SALAMIYAH_DISTRICT in districts
    assert all(place(code).governorate == HAMA for code in districts)


def test_choosing_a_district_reveals_its_towns_and_the_town_filter_narrows(client):
    towns = facet_links(page(client, governorate=HAMA, district=SALAMIYAH_DISTRICT), "town")
    assert SALAMIYAH in towns and all(place(code).district == SALAMIYAH_DISTRICT for code in towns)
    assert params_of(towns[SALAMIYAH])["town"] == [SALAMIYAH]
    narrowed = api(client, governorate=HAMA, district=SALAMIYAH_DISTRICT, town=SALAMIYAH)
    assert 0 < narrowed["total"] <= api(client, governorate=HAMA, district=SALAMIYAH_DISTRICT)["total"]
    assert all(SALAMIYAH in r["places"] for r in narrowed["results"])


def test_a_district_inside_a_chosen_governorate_refines_it_and_other_governorates_still_add(client):
    district_only = api(client, governorate=HAMA, district=SALAMIYAH_DISTRICT)
    assert district_only["total"] == api(client, district=SALAMIYAH_DISTRICT)["total"]
    ids = lambda data: {r["id"] for r in data["results"]}
    aleppo = api(client, governorate="SY02")
    both = api(client, governorate=[HAMA, "SY02"], district=SALAMIYAH_DISTRICT)
    assert ids(both) == ids(district_only) | ids(aleppo) and both["total"] == len(ids(both))


def test_values_of_one_facet_are_ored_and_facets_are_anded(client):
    hama, aleppo = api(client, governorate=HAMA), api(client, governorate="SY02")
    either = api(client, governorate=[HAMA, "SY02"])
    assert max(hama["total"], aleppo["total"]) < either["total"] <= hama["total"] + aleppo["total"]
    arabic_hama = api(client, governorate=HAMA, lang="ar")
    assert 0 < arabic_hama["total"] < hama["total"]
    assert all(r["lang"] == "ar" and HAMA in r["governorates"] for r in arabic_hama["results"])


def test_counts_are_disjunctive_other_governorates_show_what_they_would_add(client):
    counts = lambda data: {v["value"]: v["count"] for v in data["facets"]["governorate"]}
    unfiltered, filtered = api(client, lang="ar"), api(client, lang="ar", governorate=HAMA)
    assert counts(filtered) == counts(unfiltered)
    chosen = [v for v in filtered["facets"]["governorate"] if v["selected"]]
    assert [v["value"] for v in chosen] == [HAMA] and chosen[0]["count"] == filtered["total"]
    lang_counts = {v["value"]: v["count"] for v in filtered["facets"]["lang"]}
    assert lang_counts["en"] == api(client, governorate=HAMA, lang="en")["total"]


def test_every_facet_link_toggles_its_value_and_keeps_the_rest_of_the_search(client):
    html = page(client, q="conscription", governorate=HAMA, lang="ar")
    hama = params_of(facet_links(html, "governorate")[HAMA])
    assert "governorate" not in hama and hama["q"] == ["conscription"] and hama["lang"] == ["ar"]
    other = next(code for code in facet_links(html, "governorate") if code != HAMA)
    added = params_of(facet_links(html, "governorate")[other])
    assert sorted(added["governorate"]) == sorted([HAMA, other])


def test_removing_a_governorate_also_removes_the_places_chosen_inside_it(client):
    html = page(client, governorate=[HAMA, "SY02"], district=SALAMIYAH_DISTRICT, town=SALAMIYAH)
    removed = params_of(facet_links(html, "governorate")[HAMA])
    assert removed["governorate"] == ["SY02"] and "district" not in removed and "town" not in removed


def test_chosen_filters_appear_as_chips_that_remove_them(client):
    html = page(client, q="Hama", governorate=HAMA, actor="syrian-arab-army", **{"from": "2015", "to": "2020"})
    chips = re.findall(r'<a class="chip" href="([^"]+)"[^>]*><bdi>([^<]+)</bdi>', html)
    labels = {unescape(label): params_of(unescape(href)) for href, label in chips}
    assert set(labels) == {"Governorate: Hama", "Actor: Syrian Arab Army", "January 1, 2015 – December 31, 2020"}
    assert "governorate" not in labels["Governorate: Hama"] and labels["Governorate: Hama"]["actor"]
    assert "from" not in labels["January 1, 2015 – December 31, 2020"]
    assert 'class="clear"' in html


def test_long_facet_lists_are_truncated_behind_more(client):
    html = page(client)
    sources = re.search(r'id="facet-source".*?</section>', html, re.S).group(0)
    visible, hidden = sources.split('<details class="more">')
    assert visible.count("data-value=") == 8 and hidden.count("data-value=") >= 1
    assert "more" in hidden.split("</summary>")[0]


def test_every_state_is_a_shareable_url(client):
    params = {"q": "conscription", "governorate": HAMA, "lang": "ar", "sort": "date", "from": "2012"}
    first, again = page(client, **params), page(client, **params)
    ids = lambda html: re.findall(r'<li class="hit" data-id="([^"]+)"', html)
    assert ids(first) == ids(again) and ids(first)


def test_histogram_bars_are_years_and_narrow_to_that_year(client):
    html = page(client)
    bars = re.findall(r'<a class="bar" href="([^"]+)" data-period="(\d{4})" data-count="(\d+)"', html)
    assert len(bars) >= 10 and "unit-year" in html
    href, year, count = next(bar for bar in bars if int(bar[2]) > 0)
    narrowed = params_of(unescape(href))
    assert narrowed["from"] == [year] and narrowed["to"] == [year]
    data = api(client, **{"from": year, "to": year})
    assert data["total"] == int(count) and all(r["published"].startswith(year) for r in data["results"])


def test_under_three_years_the_histogram_shows_months(client):
    html = page(client, **{"from": "2019", "to": "2019"})
    assert "unit-month" in html
    periods = re.findall(r'data-period="(\d{4}-\d{2})" data-count="(\d+)"', html)
    assert [p for p, _ in periods] == [f"2019-{m:02d}" for m in range(1, 13)]
    assert sum(int(count) for _, count in periods) == api(client, **{"from": "2019", "to": "2019"})["total"]


def test_explicit_dates_narrow_and_fill_the_date_inputs(client):
    data = api(client, **{"from": "2018-03-01", "to": "2018-09-30"})
    assert data["total"] > 0 and all("2018-03-01" <= r["published"] <= "2018-09-30" for r in data["results"])
    html = page(client, **{"from": "2018-03-01", "to": "2018-09-30"})
    assert 'name="from" value="2018-03-01"' in html and 'name="to" value="2018-09-30"' in html


def test_histogram_bars_and_dates_are_in_reading_direction(client):
    def first_bar_x(html):
        match = re.search(r'data-period="2011".*?<rect class="slot" x="([\d.]+)%"', html, re.S)
        return float(match.group(1))  # percent of the chart's width

    assert first_bar_x(page(client, ui="en")) == 0.0
    assert first_bar_x(page(client, ui="ar")) > 78  # time runs right to left in Arabic


def test_the_governorate_map_has_all_fourteen_tiles_shaded_and_linked(client):
    html = page(client, q="conscription")
    tiles = re.findall(r'<a class="tile shade-(\d)[^"]*" href="([^"]+)" data-value="(SY\d\d)"', html)
    assert len(tiles) == 14
    shades = {code: int(shade) for shade, _, code in tiles}
    counts = {v["value"]: v["count"] for v in api(client, q="conscription")["facets"]["governorate"]}
    top = max(counts, key=counts.get)
    assert shades[top] == 4 and all(shades[code] == 0 for code in shades if not counts.get(code))
    href = dict((code, unescape(href)) for _, href, code in tiles)[HAMA]
    assert params_of(href)["governorate"] == [HAMA] and params_of(href)["q"] == ["conscription"]


def test_the_map_keeps_geography_in_the_arabic_interface(client):
    def lattakia_x(html):
        return float(re.search(r'<a class="tile[^"]*" href="[^"]*" data-value="SY06".*?<rect x="(\d+)"', html,
                               re.S).group(1))

    assert lattakia_x(page(client, ui="ar")) == lattakia_x(page(client, ui="en")) == 0  # west stays left


@pytest.mark.parametrize("typo, corrected", [("conscriptoin", "conscription"), ("تجنيدد", "تجنيد"),
                                             ("Damscus", "Damascus")])
def test_zero_results_suggest_a_spelling_from_the_index_in_both_languages(client, typo, corrected):
    html = page(client, q=typo, spell="0")  # with correction on, the correction is searched instead
    assert 'id="no-results"' in html or 'id="relaxed"' in html
    link = re.search(r'<a id="suggestion" href="([^"]+)" dir="auto">([^<]+)</a>', html)
    assert link and link.group(2) == corrected and params_of(unescape(link.group(1)))["q"] == [corrected]
    assert api(client, q=corrected)["total"] > 0


def test_zero_results_say_which_filter_to_drop(client):
    html = page(client, q="conscription", governorate="SY14", lang="en")
    assert 'id="no-results"' in html
    options = re.findall(r'<li><a href="([^"]+)"><bdi>([^<]+)</bdi></a> \((\d+) results?\)', html)
    by_label = {unescape(label): (params_of(unescape(href)), int(count)) for href, label, count in options}
    dropped_place = by_label["Place: Quneitra"]
    assert "governorate" not in dropped_place[0] and dropped_place[0]["lang"] == ["en"]
    assert dropped_place[1] == api(client, q="conscription", lang="en")["total"] > 0
