"""The search page tells the truth about its state (issue 14, section 7): a filter typed in the box
is the same as one clicked, a date or page it cannot use is named, a reversed range is said,
pages are numbered, counts agree with the results, and what looks like a link is one."""
import re
from html import unescape

import pytest

from .test_web_facets import api, facet_links, page, params_of

HAMA, SALAMIYAH_DISTRICT = "SY05", "SY0503"


def hit_ids(html: str) -> list[str]:
    return re.findall(r'<li class="hit" data-id="([^"]+)"', html)


def chips(html: str) -> dict[str, dict]:
    return {unescape(label): params_of(unescape(href))
            for href, label in re.findall(r'<a class="chip" href="([^"]+)"[^>]*><bdi>([^<]+)</bdi>', html)}


def search_box(html: str) -> str:
    return unescape(re.search(r'<input type="search" name="q" value="([^"]*)"', html).group(1))


def problems(html: str) -> list[str]:
    found = re.search(r'<ul class="problems" id="problems"[^>]*>(.*?)</ul>', html, re.S)
    return [unescape(item) for item in re.findall(r"<li>(.*?)</li>", found.group(1))] if found else []


@pytest.mark.parametrize("typed", ["conscription governorate:SY05", "governorate:sy05 conscription"])
def test_a_governorate_typed_in_the_box_is_the_same_state_as_one_clicked(client, typed):
    clicked = page(client, q="conscription", governorate=HAMA, ui="en")
    html = page(client, q=typed, ui="en")
    assert hit_ids(html) == hit_ids(clicked) and hit_ids(html)
    assert search_box(html) == "conscription"
    assert set(chips(html)) == {"Governorate: Hama"} and chips(html)["Governorate: Hama"]["q"] == ["conscription"]
    assert re.search(rf'data-value="{HAMA}"[^>]*aria-current="true"', html)  # ticked in the facet
    assert facet_links(html, "district")  # and its districts open, as after a click
    hidden = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html)
    assert ("governorate", HAMA) in hidden  # searching again keeps it


def test_typed_actor_language_and_year_become_filters_and_negated_ones_stay_words(client):
    data = api(client, q="actor:SDF lang:ar year:2019")
    assert data["query"] == "" and data["total"] == api(client, actor="sdf", lang="ar", year="2019")["total"] > 0
    assert [v["value"] for v in data["facets"]["actor"] if v["selected"]] == ["sdf"]
    negated = page(client, q="-lang:ar Hama", ui="en")
    assert search_box(negated) == "-lang:ar Hama" and not chips(negated)


def test_an_impossible_date_is_named_on_the_page_and_left_out(client):
    html = page(client, q="Hama", ui="en", **{"from": "2019-13"})
    assert any("2019-13" in problem and "not a date" in problem for problem in problems(html))
    assert hit_ids(html) == hit_ids(page(client, q="Hama", ui="en"))
    links = [unescape(href) for href in re.findall(r'href="([^"]+)"', html)]
    assert not any("2019-13" in href for href in links) and 'value="2019-13"' not in html
    assert client.get("/api/search", query_string={"from": "2019-13"}).status_code == 400  # the API refuses


def test_a_reversed_date_range_is_swapped_and_said(client):
    html = page(client, ui="en", **{"from": "2020", "to": "2010"})
    assert any("start date was after the end date" in problem for problem in problems(html))
    assert "January 1, 2010 – December 31, 2020" in chips(html)
    total = api(client, **{"from": "2010", "to": "2020"})["total"]
    assert total > 0 and f"{total} articles" in html


def test_a_page_past_the_last_says_so_and_links_to_the_last(client):
    total = api(client, q="Hama")["total"]
    last = -(-total // 20)
    html = page(client, q="Hama", page="99999", ui="en")
    notice = re.search(r'<p class="past-last" id="past-last">(.*?)</p>', html, re.S)
    assert notice and f"only {last} pages" in notice.group(1)
    href = unescape(re.search(r'<a href="([^"]+)">Go to the last page</a>', notice.group(1)).group(1))
    assert params_of(href) == {"q": ["Hama"], "page": [str(last)]}
    assert len(hit_ids(client.get(href).get_data(as_text=True))) == total - 20 * (last - 1)


def test_pages_are_numbered_first_nearby_and_last(client):
    html = page(client, per_page="5", page="20", ui="en")
    nav = re.search(r'<nav class="pages" id="pages".*?</nav>', html, re.S).group(0)
    numbers = re.findall(r'<li>(?:<a href="[^"]+"|<span class="current" aria-current="page")[^>]*>(\d+)</', nav)
    assert numbers == ["1", "18", "19", "20", "21", "22", "40"] and nav.count('class="gap"') == 2
    links = {number: params_of(unescape(href)) for href, number in re.findall(r'<li><a href="([^"]+)"[^>]*>(\d+)</a>', nav)}
    assert links["1"] == {"per_page": ["5"]} and links["40"] == {"per_page": ["5"], "page": ["40"]}
    assert 'rel="prev"' in nav and 'rel="next"' in nav


def test_a_governorate_refined_by_a_chosen_district_counts_what_is_shown(client):
    for params in ({"district": SALAMIYAH_DISTRICT}, {"governorate": HAMA, "district": SALAMIYAH_DISTRICT}):
        data = api(client, **params)
        hama = next(v for v in data["facets"]["governorate"] if v["value"] == HAMA)
        assert hama["count"] == data["total"] < api(client, governorate=HAMA)["total"]
    html = page(client, governorate=HAMA, district=SALAMIYAH_DISTRICT)
    shown = re.search(rf'data-value="{HAMA}"[^>]*>\s*<span class="label">.*?<span class="count">(\d+)</span>', html, re.S)
    assert int(shown.group(1)) == api(client, district=SALAMIYAH_DISTRICT)["total"]


def test_districts_on_a_governorate_page_are_ranked_by_count(client):
    html = client.get("/place/SY05", query_string={"ui": "en"}).get_data(as_text=True)
    section = re.search(r'id="districts".*?</section>', html, re.S).group(0)
    counts = [int(count) for count in re.findall(r'<span class="count">(\d+)</span>', section)]
    assert len(counts) >= 3 and counts == sorted(counts, reverse=True) and counts[0] > counts[-1]


def test_the_stats_chart_is_captioned_with_its_own_unit(client):
    html = client.get("/stats", query_string={"ui": "en"}).get_data(as_text=True)
    section = re.search(r'<section id="by-month">.*?</section>', html, re.S).group(0)
    assert 'class="timeline unit-year"' in section
    assert re.search(r"<figcaption>Articles per year</figcaption>", section)
    assert "<h2>By month</h2>" not in section and "<caption>Articles per month</caption>" in section


def test_empty_histogram_periods_are_not_links(client):
    html = page(client, q="conscription", **{"from": "2019", "to": "2019"})
    linked = re.findall(r'<a class="bar" href="[^"]+" data-period="([\d-]+)" data-count="(\d+)"', html)
    empty = re.findall(r'<g class="bar empty" data-period="([\d-]+)" data-count="0"', html)
    assert linked and empty and len(linked) + len(empty) == 12
    assert all(int(count) > 0 for _, count in linked)


def test_place_tags_on_results_are_links_narrowing_to_that_governorate(client):
    html = page(client, q="conscription", lang="ar", ui="en")
    tags = re.findall(r'<a class="place" href="([^"]+)" data-value="(SY\d\d)">([^<]+)</a>', html)
    assert tags
    href, code, name = tags[0]
    assert params_of(unescape(href)) == {"q": ["conscription"], "lang": ["ar"], "governorate": [code]}
    assert code in api(client, q="conscription", lang="ar", governorate=code)["results"][0]["governorates"]


@pytest.mark.parametrize("actor_id, names", [("hts", ("Nusra", "Tahrir", "النصرة", "تحرير")), ("isis", ("داعش", "Daesh"))])
def test_the_facet_filter_box_can_match_every_name_of_an_actor(client, actor_id, names):
    for ui in ("en", "ar"):
        html = page(client, ui=ui)
        entry = re.search(rf'data-facet="actor" data-value="{actor_id}"\s+data-names="([^"]*)"', html)
        assert entry and all(name in unescape(entry.group(1)) for name in names)
